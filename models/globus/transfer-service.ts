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

export class GlobusTransferService {
  readonly params: GlobusTransferParams;
  private readonly users = new Map<string, UserState>();
  private readonly ctx: TaskContext;
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
      ended: (task) => this.taskEnded(task),
    };
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
    const user = this.user(task.request.user);
    user.active--;
    const next = user.waiting.shift();
    if (next !== undefined) {
      user.active++;
      next.activate();
    }
  }
}
