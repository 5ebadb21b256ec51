/**
 * A Globus Compute multi-user endpoint (MEP) at an LCF (§2.1): it takes tasks from the service for every
 * identity it maps, starts a user endpoint (UEP) for an identity at its first task, and each UEP runs its own
 * engine (htex.ts) whose blocks are batch jobs of that user on the machine.
 *
 * The connection to the service can fail (`disconnect`, a fault injected by the scenario): the service then
 * keeps new tasks in its queue (`waiting-for-ep`) and the endpoint keeps what happens to the tasks it already
 * has — they run on — until `reconnect`, when the service hears of it and sends the queued tasks. Heartbeats go
 * every `heartbeatPeriod` from (re)connection; the service reports the endpoint offline once the last one is
 * older than `heartbeatThreshold`.
 *
 * A UEP's engine configuration is the MEP's template with the fields the task's `user_endpoint_config`
 * overrides, taken from the identity's first task (the real MEP starts one UEP per distinct configuration;
 * here an identity has one).
 *
 * Random streams: `funcx/<id>/uep-start`, and per UEP those of its engine under `funcx/<id>/<user>`.
 */
import type { Simulation } from '../../sim/engine.ts';
import type { RandomStreams, Rng } from '../../sim/random.ts';
import type { Provider } from '../provider/worker.ts';
import { HighThroughputExecutor, type HtexListener } from './htex.ts';
import { endpointParams, htexParams, type EndpointParams, type HtexParams } from './params.ts';
import type { ComputeService } from './service.ts';
import type { ComputeTask, TaskFailure, TaskState } from './task.ts';

interface UserEndpoint {
  ready: boolean;
  /** Tasks received while it starts. */
  readonly waiting: ComputeTask[];
  readonly engine: HighThroughputExecutor<ComputeTask>;
}

export interface MultiUserEndpointOptions {
  /** The endpoint's id, by which clients address it. */
  id: string;
  params?: Partial<EndpointParams>;
  /** The user endpoint template (the MEP's `user_config_template`): the Polaris example by default. */
  engine?: Partial<HtexParams>;
}

export class MultiUserEndpoint {
  readonly id: string;
  readonly params: EndpointParams;
  readonly engineTemplate: HtexParams;
  private isConnected = true;
  private connectedSince: number;
  private disconnectedAt = 0;
  private readonly users = new Map<string, UserEndpoint>();
  /** Tasks whose state changed while disconnected, in order of change. */
  private readonly unsent = new Set<ComputeTask>();
  private readonly startRng: Rng;
  private readonly listener: HtexListener<ComputeTask>;

  constructor(
    private readonly sim: Simulation,
    private readonly streams: RandomStreams,
    private readonly service: ComputeService,
    /** The LCF batch system (an HpcMachine), used only through the Provider contract. */
    private readonly machine: Provider,
    options: MultiUserEndpointOptions,
  ) {
    this.id = options.id;
    this.params = endpointParams(options.params);
    this.engineTemplate = htexParams(options.engine);
    this.connectedSince = sim.now;
    this.startRng = streams.stream(`funcx/${options.id}/uep-start`);
    this.listener = {
      waiting: (task) => this.setState(task, 'waiting-for-nodes'),
      launching: (task) => this.setState(task, 'waiting-for-launch'),
      running: (task) => {
        task.startedAt = this.sim.now;
        this.setState(task, 'running');
      },
      finished: (task, runTime, failure) => this.finished(task, runTime, failure),
    };
    service.attach(this);
  }

  get connected(): boolean {
    return this.isConnected;
  }

  /** Time of the last heartbeat the service received, as of `now`. */
  lastHeartbeat(now: number): number {
    const until = this.isConnected ? now : this.disconnectedAt;
    const period = this.params.heartbeatPeriod;
    return this.connectedSince + Math.floor((until - this.connectedSince) / period) * period;
  }

  /** The engine of `user`'s endpoint, once a task of theirs arrived. */
  engine(user: string): HighThroughputExecutor<ComputeTask> | undefined {
    return this.users.get(user)?.engine;
  }

  /** The connection to the service is lost (a fault). */
  disconnect(): void {
    if (!this.isConnected) return;
    this.isConnected = false;
    this.disconnectedAt = this.sim.now;
  }

  /** The connection is back: what changed meanwhile reaches the service, which then sends the queued tasks. */
  reconnect(): void {
    if (this.isConnected) return;
    this.isConnected = true;
    this.connectedSince = this.sim.now;
    const changed = [...this.unsent];
    this.unsent.clear();
    for (const task of changed) this.service.taskUpdated(task);
    this.service.endpointConnected(this.id);
  }

  /** A task from the service, for the endpoint of its user. */
  receive(task: ComputeTask): void {
    let uep = this.users.get(task.user);
    if (uep === undefined) {
      uep = this.startUserEndpoint(task);
      this.users.set(task.user, uep);
    }
    if (uep.ready) uep.engine.submit(task, task.spec.payload);
    else uep.waiting.push(task);
  }

  private startUserEndpoint(first: ComputeTask): UserEndpoint {
    const params = htexParams(first.userEndpointConfig, this.engineTemplate);
    const engine = new HighThroughputExecutor<ComputeTask>(
      this.sim,
      this.streams,
      `funcx/${this.id}/${first.user}`,
      this.machine,
      params,
      first.user,
      this.listener,
    );
    const uep: UserEndpoint = { ready: false, waiting: [], engine };
    this.sim.schedule(this.params.userEndpointStart.sample(this.startRng), () => {
      uep.ready = true;
      engine.start();
      for (const task of uep.waiting) engine.submit(task, task.spec.payload);
      uep.waiting.length = 0;
    });
    return uep;
  }

  private finished(task: ComputeTask, runTime: number, failure: TaskFailure | undefined): void {
    task.completedAt = this.sim.now;
    task.runTime = runTime;
    task.failure = failure;
    this.setState(task, failure === undefined ? 'success' : 'failed');
  }

  private setState(task: ComputeTask, state: TaskState): void {
    task.endpointState = state;
    if (this.isConnected) this.service.taskUpdated(task);
    else this.unsent.add(task);
  }
}
