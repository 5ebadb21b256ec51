/**
 * Parsl's HighThroughputExecutor as a Globus Compute user endpoint runs it (GlobusComputeEngine): an
 * interchange holding the tasks, blocks of nodes asked of the LCF batch system, one manager per node with
 * `workersPerNode` workers, and the 'simple' strategy (strategy.ts) scaling blocks every `strategyPeriod`.
 *
 * A block is one batch job — a worker of the Provider (models/provider/worker.ts) with `nodesPerBlock` nodes,
 * the configured queue and walltime. Once the job starts, its nodes start the worker pool (`nodeStart`) and run
 * `worker_init` (`workerInit`), then the managers register and the block's slots take tasks. The walltime
 * counts from the job's start, so start-up eats into it.
 *
 * Tasks wait in the interchange in arrival order and go to the first registered block (in submission order)
 * with a free slot and the cores and GPUs the payload needs; nodes are not packed one by one, a block's cores
 * and GPUs are pooled (the Provider accounts them so). After `dispatch` the function runs on the block as a
 * payload of the Provider, which gives its run time.
 *
 * Failures. With `systemFailureProbability` the worker process dies at a uniform point of the run
 * ('worker-lost', reported by the manager at once). When the block ends under running tasks (walltime, a node
 * failure, a kill) its managers fall silent: the interchange declares them lost `heartbeatThreshold` after
 * their last heartbeat (they beat every `heartbeatPeriod` from registration), and only then do the tasks fail
 * ('walltime' when the walltime ran out, else 'manager-lost'). A system failure is retried up to
 * `maxRetriesOnSystemFailure` times (GlobusComputeEngine `_invoke_submission`), at the back of the queue. A
 * payload that fails by itself is the function's error and is not retried.
 *
 * Scale-in follows HTEX `scale_in`: blocks with no registered manager first (their idle time counts as
 * infinite), then the longest idle; blocks are killed through the Provider (PBS `qdel`). A block the batch
 * system refuses ends 'missed' and the next pass asks again, as the real endpoint does (the ALCF guide's
 * "runaway job submission").
 *
 * Random streams (`<name>` given by the owner): `<name>/boot`, `<name>/dispatch`, `<name>/failures`.
 */
import type { Simulation } from '../../sim/engine.ts';
import type { RandomStreams, Rng } from '../../sim/random.ts';
import { formatDuration } from '../../sim/units.ts';
import type {
  FailureCause,
  Payload,
  PayloadOutcome,
  Provider,
  Worker,
  WorkerRequest,
} from '../provider/worker.ts';
import type { HtexParams } from './params.ts';
import { simpleStrategy } from './strategy.ts';
import type { TaskFailure } from './task.ts';

/** What the executor tells its owner about each task. */
export interface HtexListener<T> {
  /** The task waits in the interchange for a worker (on submission, and again when retried). */
  waiting(task: T): void;
  /** A worker was chosen; the task is on its way to it. */
  launching(task: T): void;
  running(task: T): void;
  /** The task ended: it ran `runTime` s (until it failed, for a failure). */
  finished(task: T, runTime: number, failure: TaskFailure | undefined): void;
}

type BlockPhase = 'pending' | 'booting' | 'connected' | 'ended';

interface Entry<T> {
  readonly task: T;
  readonly payload: Payload;
  retriesLeft: number;
  block: Block<T> | undefined;
  runStartedAt: number | undefined;
}

class Block<T> {
  phase: BlockPhase = 'pending';
  worker: Worker | undefined;
  registeredAt = 0;
  /** When its last task ended (or it registered); HTEX ranks idle blocks by it. */
  idleSince = 0;
  freeSlots = 0;
  freeCores = 0;
  freeGpus = 0;
  readonly entries = new Set<Entry<T>>();

  constructor(readonly id: number) {}
}

interface LostTask<T> {
  readonly entry: Entry<T>;
  readonly failure: TaskFailure;
  readonly runTime: number;
}

export class HighThroughputExecutor<T> {
  private readonly blocks = new Set<Block<T>>();
  private queue: (Entry<T> | undefined)[] = [];
  private head = 0;
  private outstandingCount = 0;
  private blocksSubmittedCount = 0;
  private started = false;
  private startedAt = 0;
  private first = true;
  private lastPass = -1;
  private passScheduled = false;
  private idleSincePass: number | undefined;
  private readonly bootRng: Rng;
  private readonly dispatchRng: Rng;
  private readonly failureRng: Rng;
  private readonly request: WorkerRequest;

  constructor(
    private readonly sim: Simulation,
    streams: RandomStreams,
    /** Prefix of its random streams, e.g. `funcx/polaris-mep/alice`. */
    readonly name: string,
    /** The batch system the blocks are asked of. */
    private readonly provider: Provider,
    readonly params: HtexParams,
    /** The local account the blocks run as (the MEP's identity mapping); absent = the provider's default. */
    user: string | undefined,
    private readonly listener: HtexListener<T>,
  ) {
    this.bootRng = streams.stream(`${name}/boot`);
    this.dispatchRng = streams.stream(`${name}/dispatch`);
    this.failureRng = streams.stream(`${name}/failures`);
    this.request = {
      queue: params.queue,
      cores: params.coresPerNode,
      gpus: params.gpusPerNode,
      nodes: params.nodesPerBlock,
      memoryMB: params.memoryPerNodeMB,
      walltime: params.walltime,
      ...(user === undefined ? {} : { user }),
    };
  }

  /** Tasks submitted and not yet finished (HTEX `outstanding`). */
  get outstanding(): number {
    return this.outstandingCount;
  }

  /** Blocks pending in the batch queue or running. */
  get activeBlocks(): number {
    return this.blocks.size;
  }

  /** Blocks asked of the batch system so far. */
  get blocksSubmitted(): number {
    return this.blocksSubmittedCount;
  }

  /** Starts the strategy: its first pass runs now (and asks for `initBlocks`), then every `strategyPeriod`. */
  start(): void {
    if (this.started) throw new Error(`${this.name}: started twice`);
    this.started = true;
    this.startedAt = this.sim.now;
    this.pass(0);
  }

  submit(task: T, payload: Payload): void {
    if (!this.started) throw new Error(`${this.name}: task submitted before the executor started`);
    const p = this.params;
    const cores = p.nodesPerBlock * p.coresPerNode;
    const gpus = p.nodesPerBlock * p.gpusPerNode;
    if (payload.cores > cores || payload.gpus > gpus) {
      const message =
        `payload ${payload.id} needs ${payload.cores} cores and ${payload.gpus} GPUs; ` +
        `a block of ${p.nodesPerBlock} node(s) has ${cores} cores and ${gpus} GPUs`;
      this.sim.schedule(0, () => this.listener.finished(task, 0, { reason: 'unschedulable', message }));
      return;
    }
    const entry: Entry<T> = {
      task,
      payload,
      retriesLeft: p.maxRetriesOnSystemFailure,
      block: undefined,
      runStartedAt: undefined,
    };
    this.outstandingCount++;
    this.enqueue(entry);
    this.wakeStrategy();
  }

  private enqueue(entry: Entry<T>): void {
    entry.block = undefined;
    entry.runStartedAt = undefined;
    this.queue.push(entry);
    this.listener.waiting(entry.task);
    this.dispatch();
  }

  private dispatch(): void {
    while (this.head < this.queue.length) {
      const entry = this.queue[this.head]!;
      const block = this.blockFor(entry.payload);
      if (block === undefined) break;
      this.queue[this.head++] = undefined;
      this.launch(entry, block);
    }
    if (this.head > 1024 && 2 * this.head > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private blockFor(payload: Payload): Block<T> | undefined {
    for (const block of this.blocks) {
      if (
        block.phase === 'connected' &&
        block.freeSlots > 0 &&
        block.freeCores >= payload.cores &&
        block.freeGpus >= payload.gpus
      ) {
        return block;
      }
    }
    return undefined;
  }

  private launch(entry: Entry<T>, block: Block<T>): void {
    block.freeSlots--;
    block.freeCores -= entry.payload.cores;
    block.freeGpus -= entry.payload.gpus;
    block.entries.add(entry);
    entry.block = block;
    this.listener.launching(entry.task);
    this.sim.schedule(this.params.dispatch.sample(this.dispatchRng), this.run, entry);
  }

  private readonly run = (entry: Entry<T>): void => {
    const block = entry.block;
    if (block === undefined || !block.entries.has(entry)) return;
    const dies = this.failureRng.next() < this.params.systemFailureProbability;
    const runPayload = dies ? shortened(entry.payload, this.failureRng.next()) : entry.payload;
    entry.runStartedAt = this.sim.now;
    this.listener.running(entry.task);
    this.provider.run(block.worker!, runPayload, (outcome) => this.ran(entry, block, outcome, dies));
  };

  private ran(entry: Entry<T>, block: Block<T>, outcome: PayloadOutcome, dies: boolean): void {
    if (!block.entries.has(entry)) return;
    if (!outcome.ok && outcome.cause !== 'payload-error') {
      this.lose(entry, block, outcome.cause);
      return;
    }
    block.entries.delete(entry);
    block.freeSlots++;
    block.freeCores += entry.payload.cores;
    block.freeGpus += entry.payload.gpus;
    if (block.entries.size === 0) block.idleSince = this.sim.now;
    entry.block = undefined;
    if (!outcome.ok) {
      const message = `payload ${entry.payload.id} raised after ${formatDuration(outcome.wallTime)}`;
      this.finish(entry, outcome.wallTime, { reason: 'function-error', message });
    } else if (dies) {
      const message = `WorkerLost: the worker running payload ${entry.payload.id} died after ${formatDuration(outcome.wallTime)}`;
      this.systemFailure(entry, { reason: 'worker-lost', message }, outcome.wallTime);
    } else {
      this.finish(entry, outcome.wallTime, undefined);
    }
    this.dispatch();
  }

  /** The task's block died under it: it fails once the interchange declares the block's managers lost. */
  private lose(entry: Entry<T>, block: Block<T>, cause: FailureCause): void {
    block.entries.delete(entry);
    entry.block = undefined;
    const now = this.sim.now;
    const runTime = entry.runStartedAt === undefined ? 0 : now - entry.runStartedAt;
    const beats = Math.floor((now - block.registeredAt) / this.params.heartbeatPeriod);
    const declaredLost =
      block.registeredAt + beats * this.params.heartbeatPeriod + this.params.heartbeatThreshold;
    const what =
      cause === 'walltime'
        ? `its block's batch job reached its walltime (${formatDuration(this.params.walltime)})`
        : `its block's batch job ended (${cause})`;
    const failure: TaskFailure = {
      reason: cause === 'walltime' ? 'walltime' : 'manager-lost',
      message: `ManagerLost: ${what}; no heartbeat for ${this.params.heartbeatThreshold} s`,
    };
    const lost: LostTask<T> = { entry, failure, runTime };
    this.sim.at(Math.max(now, declaredLost), this.declareLost, lost);
  }

  private readonly declareLost = (lost: LostTask<T>): void => {
    this.systemFailure(lost.entry, lost.failure, lost.runTime);
  };

  private systemFailure(entry: Entry<T>, failure: TaskFailure, runTime: number): void {
    if (entry.retriesLeft > 0) {
      entry.retriesLeft--;
      this.enqueue(entry);
      this.wakeStrategy();
    } else {
      this.finish(entry, runTime, failure);
    }
  }

  private finish(entry: Entry<T>, runTime: number, failure: TaskFailure | undefined): void {
    this.outstandingCount--;
    this.listener.finished(entry.task, runTime, failure);
  }

  /** Resumes stopped passes: the next one is the first on the executor's grid strictly after now. */
  private wakeStrategy(): void {
    if (this.passScheduled) return;
    const now = this.sim.now;
    let next = Math.floor((now - this.startedAt) / this.params.strategyPeriod) + 1;
    // The division may round across a grid point; settle on the grid times themselves.
    while (this.passTime(next - 1) > now) next--;
    while (this.passTime(next) <= now) next++;
    this.schedulePass(Math.max(next, this.lastPass + 1));
  }

  private passTime(pass: number): number {
    return this.startedAt + pass * this.params.strategyPeriod;
  }

  private schedulePass(pass: number): void {
    this.passScheduled = true;
    this.sim.at(Math.max(this.sim.now, this.passTime(pass)), this.runPass, pass);
  }

  private readonly runPass = (pass: number): void => {
    this.passScheduled = false;
    this.pass(pass);
  };

  /** One strategy pass; passes go on while there is work or blocks above the minimum, and stop otherwise. */
  private pass(pass: number): void {
    this.lastPass = pass;
    const decision = simpleStrategy(
      {
        first: this.first,
        outstandingTasks: this.outstandingCount,
        activeBlocks: this.blocks.size,
        pass,
        idleSincePass: this.idleSincePass,
      },
      this.params,
    );
    this.first = false;
    this.idleSincePass = decision.idleSincePass;
    for (let i = 0; i < decision.scaleOut; i++) this.submitBlock();
    if (decision.scaleIn > 0) this.scaleIn(decision.scaleIn);
    if (this.outstandingCount > 0 || this.blocks.size > this.params.minBlocks) this.schedulePass(pass + 1);
  }

  private submitBlock(): void {
    const block = new Block<T>(++this.blocksSubmittedCount);
    this.blocks.add(block);
    block.worker = this.provider.submit(this.request, {
      started: () => this.blockStarted(block),
      ended: (_worker, cause) => this.endBlock(block, cause ?? 'cancelled'),
    });
  }

  private blockStarted(block: Block<T>): void {
    if (block.phase !== 'pending') return;
    block.phase = 'booting';
    const p = this.params;
    const boot = p.nodeStart.sample(this.bootRng) + p.workerInit.sample(this.bootRng);
    this.sim.schedule(boot, this.register, block);
  }

  private readonly register = (block: Block<T>): void => {
    if (block.phase !== 'booting') return;
    const p = this.params;
    block.phase = 'connected';
    block.registeredAt = block.idleSince = this.sim.now;
    block.freeSlots = p.nodesPerBlock * p.workersPerNode;
    block.freeCores = p.nodesPerBlock * p.coresPerNode;
    block.freeGpus = p.nodesPerBlock * p.gpusPerNode;
    this.dispatch();
  };

  /** HTEX `scale_in` without an idle threshold: unregistered blocks first, then the longest idle. */
  private scaleIn(count: number): void {
    const now = this.sim.now;
    const idle = (block: Block<T>) =>
      block.phase !== 'connected' ? Infinity : block.entries.size > 0 ? 0 : now - block.idleSince;
    const chosen = [...this.blocks]
      .sort((a, b) => idle(b) - idle(a) || a.entries.size - b.entries.size)
      .slice(0, count);
    for (const block of chosen) {
      this.endBlock(block, 'cancelled');
      if (block.worker !== undefined) this.provider.kill(block.worker);
    }
  }

  private endBlock(block: Block<T>, cause: FailureCause): void {
    if (block.phase === 'ended') return;
    block.phase = 'ended';
    this.blocks.delete(block);
    for (const entry of [...block.entries]) this.lose(entry, block, cause);
  }
}

/** The payload cut to `fraction` of its work: the part that runs before the worker dies. */
function shortened(payload: Payload, fraction: number): Payload {
  return {
    ...payload,
    cpuWork: payload.cpuWork * fraction,
    gpuWork: payload.gpuWork * fraction,
    fixedTime: payload.fixedTime * fraction,
  };
}
