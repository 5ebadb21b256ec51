/**
 * An LCF machine as one project sees it through its batch system (providers.md §5.2): batch jobs (workers)
 * of whole nodes in queues with node-count and walltime ranges, limits on the project's jobs, an allocation
 * in node-hours, nodes that go down, failing and preempted jobs.
 *
 * Queue waits: a job's wait is the queue's wait distribution, drawn when the job becomes eligible (running
 * and ageing jobs are capped; held ones do not age), and the job starts once that wait has passed AND enough
 * nodes are free AND the queue's running limits allow. The distribution stands for the other users of the
 * machine, who are not simulated (§5.2 has the only figures there are, and they are waits, not loads); the
 * node condition makes the project's own jobs compete for the machine when they hold a large part of it,
 * and keeps multi-node jobs from ever holding more nodes than are up. Among jobs whose wait has passed, the
 * earliest starts first, and a later one that fits starts even if an earlier one does not yet (the
 * facilities backfill; the earlier job's wait has already modelled its priority).
 *
 * A job holds k whole nodes: its payloads may use k × coresPerNode cores and k × gpusPerNode GPUs, and usage
 * counts all of them, as the allocation charges whole nodes. It fails ('node-failure') when one of its nodes
 * goes down, or with `jobFailureProbability` at a uniform point of its walltime; in a queue with preemption
 * it is preempted at a constant hazard after its guaranteed run. Once the node-hours used reach the
 * allocation, queued jobs fail and submissions are refused ('allocation-exhausted'); running jobs go on.
 * Scenario faults reach it through `failNodes`/`restoreNodes` and `closeQueue`/`openQueue`.
 *
 * Random streams: `hpc/<name>/wait`, `hpc/<name>/nodes` (node up/down), `hpc/<name>/failures` (job and
 * payload failures), `hpc/<name>/preemption`.
 */
import type { EventId, Simulation } from '../../sim/engine.ts';
import type { RandomStreams, Rng } from '../../sim/random.ts';
import { RuntimeProvider } from '../provider/runtime-provider.ts';
import type {
  FailureCause,
  Payload,
  PayloadOutcome,
  Placement,
  Worker,
  WorkerEvents,
  WorkerRequest,
} from '../provider/worker.ts';
import {
  ProviderWorker,
  runningPayloads,
  WorkerRuntime,
  type LostPayload,
} from '../provider/worker-runtime.ts';
import { LimitScope } from './job-limits.ts';
import { checkHpcMachineParams, type ExecutionQueue, type HpcMachineParams } from './machine-params.ts';
import { NodePool } from './node-pool.ts';
import { chooseQueue } from './queue-routing.ts';

type Phase = 'held' | 'waiting' | 'ready' | 'running' | 'ended' | 'refused';

/** A batch job: a worker with its queue, the limit scopes it counts against, and its nodes once running. */
export class BatchJob extends ProviderWorker {
  phase: Phase = 'held';
  queue: ExecutionQueue | undefined;
  scopes: readonly LimitScope[] = [];
  nodes: Int32Array | undefined;
  /** The routing queue it was submitted to (e.g. Polaris `prod`), if any. */
  route: string | undefined;
  readonly user: string;

  constructor(id: number, request: WorkerRequest, submittedAt: number, events: WorkerEvents, owner: object) {
    super(id, request, submittedAt, events, owner);
    this.user = request.user ?? '';
  }
}

export interface QueueState {
  /** Jobs in any state, eligible (running or ageing) and running; nodes held by running jobs. */
  readonly jobs: number;
  readonly eligible: number;
  readonly running: number;
  readonly nodesInUse: number;
}

const DAY = 86_400;

export class HpcMachine extends RuntimeProvider<BatchJob> {
  readonly name: string;
  readonly params: HpcMachineParams;
  protected readonly runtime: WorkerRuntime<BatchJob>;
  private readonly pool: NodePool<BatchJob>;
  private readonly placement: Placement;
  private readonly waitRng: Rng;
  private readonly failureRng: Rng;
  private readonly preemptionRng: Rng;
  private readonly machineScope: LimitScope;
  private readonly scopes = new Map<string, LimitScope>();
  /** Held jobs in submission order, and jobs whose wait has passed in the order it passed. */
  private held: BatchJob[] = [];
  private ready: BatchJob[] = [];
  private readonly queuedJobs = new Set<BatchJob>();
  private dispatchScheduled = false;
  private exhausted = false;
  private exhaustion: EventId | undefined;
  /** Queue outages in force (`closeQueue`), by queue name; '' closes every queue. */
  private readonly closed = new Map<string, number>();

  constructor(
    private readonly sim: Simulation,
    streams: RandomStreams,
    params: HpcMachineParams,
  ) {
    super();
    checkHpcMachineParams(params);
    this.name = params.name;
    this.params = params;
    this.placement = {
      provider: params.name,
      resource: params.name,
      corepower: params.hs06PerCore,
      gpuSpeed: params.gpusPerNode > 0 ? params.gpu.speed : 0,
    };
    this.waitRng = streams.stream(`hpc/${params.name}/wait`);
    this.failureRng = streams.stream(`hpc/${params.name}/failures`);
    this.preemptionRng = streams.stream(`hpc/${params.name}/preemption`);
    this.runtime = new WorkerRuntime(sim, params.name, BatchJob, this.onJobEnd);
    this.pool = new NodePool(
      sim,
      params.nodes,
      { downFraction: params.nodeDownFraction, meanRepair: params.nodeRepairTime },
      streams.stream(`hpc/${params.name}/nodes`),
      this.onNodeLost,
      this.requestDispatch,
    );
    this.machineScope = new LimitScope(params.name, params.limits);
    for (const queue of [...params.queues, ...params.routingQueues]) {
      this.scopes.set(queue.name, new LimitScope(`${params.name} ${queue.name}`, queue.limits));
    }
  }

  get nodesFree(): number {
    return this.pool.free;
  }

  get nodesBusy(): number {
    return this.pool.busy;
  }

  get nodesDown(): number {
    return this.pool.down;
  }

  /** Node-seconds held by the project's jobs and node-seconds down, from the start to `now`. */
  nodeSeconds(now: number): { busy: number; down: number } {
    return this.pool.nodeSeconds(now);
  }

  /** Node-hours charged to the allocation so far. */
  allocationUsed(now: number): number {
    return this.pool.nodeSeconds(now).busy / 3600;
  }

  get allocationExhausted(): boolean {
    return this.exhausted;
  }

  /**
   * Nodes fail now (a scenario fault): each job holding one of them fails ('node-failure'), and the nodes stay
   * down until `restoreNodes`. Returns the payloads the failed jobs were running.
   */
  failNodes(nodes: readonly number[]): LostPayload[] {
    const now = this.sim.now;
    const jobs = new Set<BatchJob>();
    for (const node of nodes) {
      const job = this.pool.holderOf(node);
      if (job !== undefined) jobs.add(job);
    }
    const lost = [...jobs].flatMap((job) => runningPayloads(job, now));
    for (const node of nodes) this.pool.forceDown(node);
    return lost;
  }

  restoreNodes(nodes: readonly number[]): void {
    for (const node of nodes) this.pool.forceUp(node);
  }

  /** Nodes held by the project's jobs now. */
  busyNodes(): number[] {
    return this.pool.busyNodes();
  }

  /**
   * A batch-queue outage (a scenario fault): no job of `queue` (an execution or routing queue; every queue when
   * absent) starts until `openQueue`; queued jobs keep their place and running ones go on.
   */
  closeQueue(queue?: string): void {
    const key = queue ?? '';
    this.closed.set(key, (this.closed.get(key) ?? 0) + 1);
  }

  openQueue(queue?: string): void {
    const key = queue ?? '';
    const n = this.closed.get(key) ?? 0;
    if (n === 0) throw new Error(`${this.name}: queue ${queue ?? '(all)'} is not closed`);
    if (n === 1) this.closed.delete(key);
    else this.closed.set(key, n - 1);
    this.requestDispatch();
  }

  /** The project's jobs in a queue (execution or routing), as its limits count them. */
  queueState(name: string): QueueState {
    const scope = this.scopes.get(name);
    if (scope === undefined) throw new Error(`${this.name}: no queue ${name}`);
    return {
      jobs: scope.jobs.project,
      eligible: scope.eligible.project,
      running: scope.running.project,
      nodesInUse: scope.nodesInUse,
    };
  }

  /** Refused submissions end 'missed' (cause in `ended`, reason in `diagMessage`) in an event of their own. */
  submit(request: WorkerRequest, events: WorkerEvents): BatchJob {
    const job = this.runtime.create(request, events);
    const choice = chooseQueue(this.params, request);
    if ('refusal' in choice) return this.refuse(job, choice.refusal, 'submission-failed');
    if (this.exhausted) {
      return this.refuse(
        job,
        `${this.name}: the allocation of ${this.params.allocationNodeHours} node-hours is used up`,
        'allocation-exhausted',
      );
    }
    const scopes = [this.machineScope];
    if (choice.route !== undefined) scopes.push(this.scopes.get(choice.route.name)!);
    scopes.push(this.scopes.get(choice.queue.name)!);
    for (const scope of scopes) {
      const refusal = scope.refusal(job.user);
      if (refusal !== undefined) return this.refuse(job, refusal, 'submission-failed');
    }
    job.queue = choice.queue;
    job.route = choice.route?.name;
    job.scopes = scopes;
    for (const scope of scopes) scope.jobs.add(job.user, 1);
    this.queuedJobs.add(job);
    this.held.push(job);
    this.requestDispatch();
    return job;
  }

  override run(worker: Worker, payload: Payload, done: (outcome: PayloadOutcome) => void): void {
    const job = this.runtime.own(worker, 'run');
    const fails = this.failureRng.next() < this.params.payloadFailureProbability;
    this.runtime.run(job, payload, done, { failureFraction: fails ? this.failureRng.next() : undefined });
  }

  private refuse(job: BatchJob, reason: string, cause: FailureCause): BatchJob {
    job.phase = 'refused';
    this.runtime.refuse(job, reason, cause);
    return job;
  }

  private readonly requestDispatch = (): void => {
    if (this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    this.sim.schedule(0, this.dispatch);
  };

  private readonly dispatch = (): void => {
    this.dispatchScheduled = false;
    let kept = 0;
    for (const job of this.held) {
      if (job.phase !== 'held') continue;
      if (job.scopes.every((scope) => scope.allowsEligible(job.user))) this.makeEligible(job);
      else this.held[kept++] = job;
    }
    this.held.length = kept;
    kept = 0;
    for (const job of this.ready) {
      if (job.phase !== 'ready') continue;
      if (this.canStart(job)) this.start(job);
      else this.ready[kept++] = job;
    }
    this.ready.length = kept;
  };

  private makeEligible(job: BatchJob): void {
    job.phase = 'waiting';
    for (const scope of job.scopes) scope.eligible.add(job.user, 1);
    this.runtime.timer(job, this.sim.now + job.queue!.wait.sample(this.waitRng), this.becomeReady);
  }

  private readonly becomeReady = (job: BatchJob): void => {
    job.phase = 'ready';
    this.ready.push(job);
    this.requestDispatch();
  };

  private canStart(job: BatchJob): boolean {
    const nodes = job.request.nodes;
    if (this.closed.size > 0 && this.isClosed(job)) return false;
    return this.pool.free >= nodes && job.scopes.every((scope) => scope.allowsStart(job.user, nodes));
  }

  private isClosed(job: BatchJob): boolean {
    const route = job.route;
    return (
      this.closed.has('') ||
      this.closed.has(job.queue!.name) ||
      (route !== undefined && this.closed.has(route))
    );
  }

  private start(job: BatchJob): void {
    const params = this.params;
    const count = job.request.nodes;
    const walltime = job.request.walltime;
    job.phase = 'running';
    for (const scope of job.scopes) {
      scope.running.add(job.user, 1);
      scope.nodesInUse += count;
    }
    this.queuedJobs.delete(job);
    job.nodes = this.pool.allocate(count, job);
    this.runtime.start(job, this.placement, {
      cores: count * params.coresPerNode,
      gpus: count * params.gpusPerNode,
      walltime,
    });
    const now = this.sim.now;
    if (this.failureRng.next() < params.jobFailureProbability) {
      this.runtime.failAt(job, now + this.failureRng.next() * walltime, 'node-failure');
    }
    const preemption = job.queue!.preemption;
    if (preemption !== undefined && preemption.probabilityPerDay > 0) {
      const hazard = -Math.log(1 - preemption.probabilityPerDay) / DAY;
      const at = preemption.after - Math.log(1 - this.preemptionRng.next()) / hazard;
      if (at < walltime) this.runtime.failAt(job, now + at, 'preempted');
    }
    this.scheduleExhaustion();
    this.runtime.accept(job);
  }

  private readonly onJobEnd = (job: BatchJob, wasRunning: boolean): void => {
    const phase = job.phase;
    job.phase = 'ended';
    for (const scope of job.scopes) {
      scope.jobs.add(job.user, -1);
      if (phase !== 'held') scope.eligible.add(job.user, -1);
      if (wasRunning) {
        scope.running.add(job.user, -1);
        scope.nodesInUse -= job.request.nodes;
      }
    }
    if (wasRunning) {
      this.pool.release(job.nodes!);
      this.scheduleExhaustion();
    } else {
      this.queuedJobs.delete(job);
    }
    this.requestDispatch();
  };

  private readonly onNodeLost = (job: BatchJob): void => {
    this.runtime.end(job, 'failed', 'node-failure');
  };

  /** Schedules the instant the node-hours used reach the allocation at the present rate of use. */
  private scheduleExhaustion(): void {
    if (this.exhaustion !== undefined) this.sim.cancel(this.exhaustion);
    this.exhaustion = undefined;
    const busy = this.pool.busy;
    if (this.exhausted || busy === 0 || this.params.allocationNodeHours === Infinity) return;
    const left = this.params.allocationNodeHours * 3600 - this.pool.nodeSeconds(this.sim.now).busy;
    this.exhaustion = this.sim.schedule(Math.max(0, left / busy), this.exhaust);
  }

  private readonly exhaust = (): void => {
    this.exhausted = true;
    this.exhaustion = undefined;
    for (const job of [...this.queuedJobs]) this.runtime.end(job, 'failed', 'allocation-exhausted');
  };
}
