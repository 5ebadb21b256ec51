/**
 * One Globus transfer task from the moment it becomes active: start-up, then its files through
 * `concurrency` slots, each file going through
 *
 *   per-file overhead → data as one network flow (route latency, then max-min shared bandwidth) → checksum
 *
 * and the slot passing to the next file. Files in flight are flows of the shared network, so a task's speed
 * depends on everything else crossing the same links (providers.md §3).
 *
 * Transfer time. N files of S bytes, C dividing N, over an otherwise idle route of bottleneck capacity R and
 * latency L, with the per-file cap at least R/C and no fault: the C files of a slot round start together, share
 * R equally and end together, so
 *
 *   T = taskStartup + (N/C)·(perFileOverhead + L + S/checksumRate) + N·S/R
 *
 * (S/checksumRate only when sync_level is 'checksum'). This is providers.md's model
 * T_task + ceil(N/C)·t_file + bytes/BW + T_checksum with the checksum done per file in its slot, so C files
 * are verified at once.
 *
 * Faults (Globus retries transient faults itself and the task stays ACTIVE): each file attempt faults with
 * `faultProbability`, after a uniformly drawn fraction of its bytes has moved (that traffic is wasted); the
 * file frees its slot and comes back to the end of the queue after `retryDelay`, starting again from byte 0. A
 * file's attempts are therefore geometric with mean 1/(1 − p). A task meets a fatal error with
 * `hardFailureProbability`: during the first attempt of one of its files, drawn uniformly, at which point it
 * ends FAILED, its other files in flight are abandoned and the files already transferred stay at the
 * destination. A destination that refuses a write (storage full) also ends the task FAILED: Globus would keep
 * retrying until the task's deadline, which this model does not have.
 *
 * Scenario faults act through the service: the probabilities in force when a draw is made (`TaskContext`), and
 * `pause`/`resume` when an endpoint's credentials expire (Globus sets such a task INACTIVE until they are
 * renewed, providers.md §3.1).
 *
 * Random draws: 2 uniforms when the task becomes active (hard failure, which file), 2 per file attempt (fault,
 * fraction moved), whatever the outcome, so a task's draws do not depend on its luck.
 */
import type { Simulation } from '../../sim/engine.ts';
import type { Rng } from '../../sim/random.ts';
import type { Flow, FlowNetwork } from '../network/flow-network.ts';
import type { TransferMetrics } from '../network/transfer-metrics.ts';
import type { GlobusTransferParams } from './params.ts';

/** Globus task `status`; a task waiting for its user's active-task limit is ACTIVE with nice_status Queued. */
export type TaskStatus = 'ACTIVE' | 'SUCCEEDED' | 'FAILED';
/** Globus `nice_status` of an unfinished task (null once it has ended). */
export type NiceStatus = 'Queued' | 'OK' | null;
/** Globus `sync_level`; only 'checksum' costs time here (the files given are those to transfer). */
export type SyncLevel = 'exists' | 'size' | 'mtime' | 'checksum';
export type TaskFailure = 'hard-failure' | 'storage-full';

export interface TransferFile {
  name: string;
  bytes: number;
}

/** Where the files land, for space accounting (e.g. an RSE of the data catalog). */
export interface DestinationStorage {
  /** Claims space for the file; false when the storage is full and the write fails. */
  reserve(file: TransferFile): boolean;
  /** The file has arrived. */
  commit(file: TransferFile): void;
  /** The task gave up on the file; its claim is returned. */
  release(file: TransferFile): void;
}

export interface TransferRequest {
  user: string;
  /** Network endpoint names. */
  source: string;
  destination: string;
  files: readonly TransferFile[];
  syncLevel?: SyncLevel;
  /** Rucio activity the files are queued under in the link metrics (default 'Globus'). */
  activity?: string;
  storage?: DestinationStorage;
  onFileDone?: (file: TransferFile, task: TransferTask) => void;
  /** Runs when the task ends, SUCCEEDED or FAILED. */
  onEnd?: (task: TransferTask) => void;
}

export interface TransferTask {
  readonly id: number;
  readonly request: TransferRequest;
  readonly status: TaskStatus;
  readonly niceStatus: NiceStatus;
  readonly submitTime: number;
  /** When the task became active (NaN while queued). */
  readonly startTime: number;
  /** NaN until it ends. */
  readonly endTime: number;
  readonly filesTransferred: number;
  readonly bytesTransferred: number;
  /** Faulted file attempts (Globus reports `faults` on the task). */
  readonly faults: number;
  readonly failure: TaskFailure | null;
}

/** What a running task needs from its service. */
export interface TaskContext {
  readonly sim: Simulation;
  readonly network: FlowNetwork;
  readonly rng: Rng;
  readonly params: GlobusTransferParams;
  /** The fault and hard-failure probabilities in force now for a task between these endpoints. */
  readonly faultProbability: (request: TransferRequest) => number;
  readonly hardFailureProbability: (request: TransferRequest) => number;
  readonly metrics: TransferMetrics | undefined;
  /** Called once when the task has ended, before its `onEnd`. */
  readonly ended: (task: GlobusTask) => void;
}

/** A file in a slot (or waiting to retry): what must be cancelled if the task fails. */
interface Attempt {
  file: TransferFile;
  event: number;
  flow: Flow | undefined;
}

export const DEFAULT_ACTIVITY = 'Globus';

export class GlobusTask implements TransferTask {
  status: TaskStatus = 'ACTIVE';
  niceStatus: NiceStatus = 'Queued';
  startTime = NaN;
  endTime = NaN;
  filesTransferred = 0;
  bytesTransferred = 0;
  faults = 0;
  failure: TaskFailure | null = null;

  private readonly queue: TransferFile[];
  private head = 0;
  private inSlots = 0;
  private readonly attempts = new Set<Attempt>();
  private readonly reserved = new Set<TransferFile>();
  private fatalFile: TransferFile | undefined;
  private startedUp = false;
  private paused = false;
  private readonly sourceSite: string;
  private readonly destinationSite: string;

  constructor(
    readonly id: number,
    readonly request: TransferRequest,
    readonly submitTime: number,
    private readonly ctx: TaskContext,
  ) {
    this.queue = request.files.slice();
    const topology = ctx.network.topology;
    this.sourceSite = topology.endpoint(request.source).site;
    this.destinationSite = topology.endpoint(request.destination).site;
    // Refuse a task between unconnected endpoints at submission, not at its first file.
    topology.route(request.source, request.destination);
  }

  get activity(): string {
    return this.request.activity ?? DEFAULT_ACTIVITY;
  }

  /** Reports the task's files as queued on its link. */
  announce(): void {
    this.ctx.metrics?.filesQueued(this.sourceSite, this.destinationSite, this.activity, this.queue.length);
  }

  /** The user's limit lets the task run: start-up, then the slots fill. */
  activate(): void {
    const { sim, rng, params } = this.ctx;
    this.niceStatus = 'OK';
    this.startTime = sim.now;
    const hard = rng.next() < this.ctx.hardFailureProbability(this.request);
    const which = Math.floor(rng.next() * this.queue.length);
    if (hard && this.queue.length > 0) this.fatalFile = this.queue[which];
    sim.schedule(params.taskStartup, () => {
      this.startedUp = true;
      this.fillSlots();
    });
  }

  /**
   * The task goes INACTIVE (an endpoint's credentials expired): the files in flight stop, their bytes wasted,
   * and go back to the queue; nothing moves until `resume`.
   */
  pause(): void {
    if (this.paused || this.status !== 'ACTIVE') return;
    this.paused = true;
    const { sim, network } = this.ctx;
    for (const a of this.attempts) {
      if (a.event >= 0) sim.cancel(a.event);
      if (a.flow !== undefined) network.abort(a.flow);
      this.queue.push(a.file);
    }
    this.attempts.clear();
    this.inSlots = 0;
  }

  /** Active again: the files left go through the slots, from byte 0. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.status === 'ACTIVE' && this.startedUp) this.fillSlots();
  }

  private fillSlots(): void {
    if (this.filesTransferred === this.request.files.length) {
      this.end('SUCCEEDED', null);
      return;
    }
    if (this.paused) return;
    while (this.inSlots < this.ctx.params.concurrency && this.head < this.queue.length) {
      const file = this.queue[this.head++];
      if (!this.reserved.has(file) && this.request.storage !== undefined) {
        if (!this.request.storage.reserve(file)) {
          this.head--;
          this.end('FAILED', 'storage-full');
          return;
        }
        this.reserved.add(file);
      }
      this.inSlots++;
      const attempt: Attempt = { file, event: -1, flow: undefined };
      this.attempts.add(attempt);
      attempt.event = this.ctx.sim.schedule(this.ctx.params.perFileOverhead, () => this.sendData(attempt));
    }
    if (this.head > 64 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  private sendData(attempt: Attempt): void {
    const { rng, params, network } = this.ctx;
    attempt.event = -1;
    const fatal = attempt.file === this.fatalFile;
    const faults = fatal || rng.next() < this.ctx.faultProbability(this.request);
    const fraction = rng.next();
    const { source, destination } = this.request;
    attempt.flow = network.start(
      source,
      destination,
      attempt.file.bytes,
      (flow) => this.dataDone(attempt, flow, faults, fatal),
      {
        cap: params.parallelism * params.streamRate,
        weight: params.parallelism,
        interruptAfter: faults ? fraction * attempt.file.bytes : undefined,
      },
    );
  }

  /** `faulted` rather than the flow's state decides: an empty file's flow cannot break, its attempt can. */
  private dataDone(attempt: Attempt, flow: Flow, faulted: boolean, fatal: boolean): void {
    attempt.flow = undefined;
    const { sim, params } = this.ctx;
    if (faulted) {
      this.faults++;
      if (fatal) {
        this.attempts.delete(attempt);
        this.fatalFile = undefined;
        this.end('FAILED', 'hard-failure');
        return;
      }
      this.inSlots--;
      attempt.event = sim.schedule(params.retryDelay, () => {
        this.attempts.delete(attempt);
        this.queue.push(attempt.file);
        this.fillSlots();
      });
      this.fillSlots();
      return;
    }
    const seconds = flow.endTime - flow.startTime;
    if (this.request.syncLevel === 'checksum') {
      attempt.event = sim.schedule(attempt.file.bytes / params.checksumRate, () =>
        this.fileDone(attempt, seconds),
      );
    } else {
      this.fileDone(attempt, seconds);
    }
  }

  private fileDone(attempt: Attempt, seconds: number): void {
    const { file } = attempt;
    this.attempts.delete(attempt);
    this.inSlots--;
    this.filesTransferred++;
    this.bytesTransferred += file.bytes;
    this.reserved.delete(file);
    this.request.storage?.commit(file);
    this.ctx.metrics?.fileTransferred(
      this.sourceSite,
      this.destinationSite,
      this.activity,
      file.bytes,
      seconds,
      this.ctx.sim.now,
    );
    this.request.onFileDone?.(file, this);
    if (this.status === 'ACTIVE') this.fillSlots();
  }

  private end(status: 'SUCCEEDED' | 'FAILED', failure: TaskFailure | null): void {
    const { sim, network, metrics } = this.ctx;
    for (const a of this.attempts) {
      if (a.event >= 0) sim.cancel(a.event);
      if (a.flow !== undefined) network.abort(a.flow);
    }
    this.attempts.clear();
    for (const file of this.reserved) this.request.storage?.release(file);
    this.reserved.clear();
    const left = this.request.files.length - this.filesTransferred;
    if (left > 0) metrics?.filesDropped(this.sourceSite, this.destinationSite, this.activity, left);
    this.status = status;
    this.niceStatus = null;
    this.failure = failure;
    this.endTime = sim.now;
    this.ctx.ended(this);
    this.request.onEnd?.(this);
  }
}
