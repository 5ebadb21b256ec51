/**
 * The Globus Transfer service as its users see it: tasks submitted per user, at most
 * `maxActiveTasksPerUser` of them transferring at once (the others wait, ACTIVE with nice_status Queued, and
 * start in submission order as earlier ones end), and submissions refused once a user has
 * `maxPendingTasksPerUser` unfinished tasks (Globus FAQ limits, providers.md §3.1). Each task runs as
 * transfer-task.ts describes, its files being flows of the shared network; its files count as queued on
 * their site → site link in the transfer metrics from submission until they arrive or the task fails.
 */
import type { Simulation } from '../../sim/engine.ts';
import type { Rng } from '../../sim/random.ts';
import type { FlowNetwork } from '../network/flow-network.ts';
import type { TransferMetrics } from '../network/transfer-metrics.ts';
import { globusTransferParams, type GlobusTransferParams } from './params.ts';
import { GlobusTask, type TaskContext, type TransferRequest, type TransferTask } from './transfer-task.ts';

export type SubmitResult =
  { accepted: true; task: TransferTask } | { accepted: false; reason: 'pending-limit' };

interface UserState {
  active: number;
  waiting: GlobusTask[];
}

/** Fault probabilities a scenario fault sets for a while, on the tasks touching `endpoint` (all when absent). */
export interface FaultOverride {
  readonly endpoint?: string;
  readonly faultProbability?: number;
  readonly hardFailureProbability?: number;
}

/** What the service's tasks have met so far, counted when each task ends. */
export interface GlobusTotals {
  /** Faulted file attempts of the ended tasks (each retried, or fatal). */
  fileFaults: number;
}

const touches = (request: TransferRequest, endpoint: string | undefined) =>
  endpoint === undefined || request.source === endpoint || request.destination === endpoint;

export class GlobusTransferService {
  readonly params: GlobusTransferParams;
  readonly totals: GlobusTotals = { fileFaults: 0 };
  private readonly users = new Map<string, UserState>();
  private readonly ctx: TaskContext;
  private readonly overrides = new Set<FaultOverride>();
  /** Endpoints whose credentials have expired, with the number of faults saying so. */
  private readonly paused = new Map<string, number>();
  /** Tasks submitted and not ended. */
  private readonly live = new Set<GlobusTask>();
  private nextId = 1;

  /**
   * `rng` drives faults and hard failures (name its stream for the service, e.g. `globus/transfer`);
   * `metrics`, if given, receives the queued files and completed transfers per site → site link.
   */
  constructor(
    sim: Simulation,
    network: FlowNetwork,
    rng: Rng,
    params: Partial<GlobusTransferParams> = {},
    metrics?: TransferMetrics,
  ) {
    this.params = globusTransferParams(params);
    this.ctx = {
      sim,
      network,
      rng,
      params: this.params,
      metrics,
      faultProbability: (request) => this.probability(request, 'faultProbability'),
      hardFailureProbability: (request) => this.probability(request, 'hardFailureProbability'),
      ended: (task) => this.taskEnded(task),
    };
  }

  /**
   * A fault window: the probabilities `override` gives apply to the tasks touching its endpoint (the highest of
   * those in force wins) until the returned function is called.
   */
  overrideFaults(override: FaultOverride): () => void {
    for (const key of ['faultProbability', 'hardFailureProbability'] as const) {
      const p = override[key];
      if (p !== undefined && !(p >= 0 && p < 1))
        throw new RangeError(`globus ${key} override must be in [0, 1)`);
    }
    this.overrides.add(override);
    return () => this.overrides.delete(override);
  }

  /** The endpoint's credentials have expired: the tasks touching it go INACTIVE until `resumeEndpoint`. */
  pauseEndpoint(endpoint: string): void {
    const n = this.paused.get(endpoint) ?? 0;
    this.paused.set(endpoint, n + 1);
    if (n > 0) return;
    for (const task of this.live) if (touches(task.request, endpoint)) task.pause();
  }

  resumeEndpoint(endpoint: string): void {
    const n = this.paused.get(endpoint) ?? 0;
    if (n === 0) throw new Error(`globus: endpoint ${endpoint} is not paused`);
    if (n > 1) {
      this.paused.set(endpoint, n - 1);
      return;
    }
    this.paused.delete(endpoint);
    for (const task of [...this.live]) {
      if (!this.pausedFor(task.request)) task.resume();
    }
  }

  private pausedFor(request: TransferRequest): boolean {
    return this.paused.has(request.source) || this.paused.has(request.destination);
  }

  private probability(request: TransferRequest, key: 'faultProbability' | 'hardFailureProbability'): number {
    let p = this.params[key];
    for (const o of this.overrides) {
      const q = o[key];
      if (q !== undefined && q > p && touches(request, o.endpoint)) p = q;
    }
    return p;
  }

  submit(request: TransferRequest): SubmitResult {
    for (const f of request.files)
      if (!(f.bytes >= 0 && f.bytes < Infinity))
        throw new RangeError(`file ${f.name}: bytes must be finite, >= 0`);
    const user = this.user(request.user);
    if (user.active + user.waiting.length >= this.params.maxPendingTasksPerUser)
      return { accepted: false, reason: 'pending-limit' };
    const task = new GlobusTask(this.nextId++, request, this.ctx.sim.now, this.ctx);
    task.announce();
    this.live.add(task);
    if (this.paused.size > 0 && this.pausedFor(request)) task.pause();
    if (user.active < this.params.maxActiveTasksPerUser) {
      user.active++;
      task.activate();
    } else {
      user.waiting.push(task);
    }
    return { accepted: true, task };
  }

  /** Tasks of `user` transferring now. */
  activeTasks(user: string): number {
    return this.users.get(user)?.active ?? 0;
  }

  /** Tasks of `user` waiting for the active-task limit. */
  queuedTasks(user: string): number {
    return this.users.get(user)?.waiting.length ?? 0;
  }

  private user(name: string): UserState {
    let u = this.users.get(name);
    if (u === undefined) {
      u = { active: 0, waiting: [] };
      this.users.set(name, u);
    }
    return u;
  }

  private taskEnded(task: GlobusTask): void {
    this.live.delete(task);
    this.totals.fileFaults += task.faults;
    const user = this.user(task.request.user);
    user.active--;
    const next = user.waiting.shift();
    if (next !== undefined) {
      user.active++;
      next.activate();
    }
  }
}
