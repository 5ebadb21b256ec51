/**
 * A WLCG grid site as Harvester's pull-mode submitter sees it (providers.md §5.1): a computing element in
 * front of a batch system with `slots` slots of `coresPerSlot` cores, pooled: a pilot holds the cores it asks
 * for (an 8-core pilot a whole slot, a single-core one a core), and how they fall on nodes is not modelled [E].
 *
 * A pilot's life: the CE passes it to the batch system (submit latency), it waits its turn (the queue wait,
 * standing in for the fair share of the site's other users), then starts when its cores are free, earliest-ready
 * first, at the batch system's next match and only while the site is online. It holds them from then on:
 * pilot start-up, then payloads one after another (each with stage-in and stage-out around it) until the owner
 * releases it or its walltime runs out. A payload attempt fails by itself with `payloadFailureProbability`,
 * at a uniformly drawn point of its run (so a failure wastes half a payload on average); a started worker dies
 * with `workerLossProbability` at a uniformly drawn point of its walltime. While the site is offline new
 * pilots wait; running ones are lost or drained (`downtimeMode`). Scenario faults reach the site through
 * `beginOutage`/`endOutage` (an outage on top of its own downtimes) and `refuseWrites` (a full storage).
 *
 * Random streams, per site: `site/<name>/wait` (submit latency, queue wait), `site/<name>/overheads` (pilot
 * start-up, stage-in/out), `site/<name>/failures` (payload errors, worker loss), `site/<name>/downtime`.
 */
import type { Simulation } from '../../sim/engine.ts';
import type { RandomStreams, Rng } from '../../sim/random.ts';
import { RuntimeProvider } from '../provider/runtime-provider.ts';
import type {
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
import { Downtimes } from './downtime.ts';
import type { GridSiteParams } from './site-params.ts';

/** Why a site cannot take a well-formed `request` at all, or undefined when it can. */
export function gridAdmissionError(params: GridSiteParams, request: WorkerRequest): string | undefined {
  const site = `site ${params.name}`;
  const slotMemory = params.coresPerSlot * params.memoryPerCoreMB;
  if (request.cores > params.coresPerSlot) {
    return `${site}: ${request.cores} cores asked, slots have ${params.coresPerSlot}`;
  }
  if (request.memoryMB > slotMemory) {
    return `${site}: ${request.memoryMB} MB asked, slots have ${slotMemory} MB`;
  }
  if (request.gpus > 0) return `${site}: no GPUs`;
  if (request.nodes !== 1) return `${site}: a worker runs on one node, got ${request.nodes}`;
  return undefined;
}

export class GridSite extends RuntimeProvider<ProviderWorker> {
  readonly name: string;
  readonly params: GridSiteParams;
  protected readonly runtime: WorkerRuntime<ProviderWorker>;
  private readonly placement: Placement;
  private readonly waitRng: Rng;
  private readonly overheadRng: Rng;
  private readonly failureRng: Rng;
  private readonly downtimes: Downtimes;
  private readonly onlineListeners = new Set<(online: boolean) => void>();
  /** Pilots whose wait has passed, in the order it passed; ended ones are skipped when reached. */
  private ready: ProviderWorker[] = [];
  private readyHead = 0;
  private readonly holding = new Set<ProviderWorker>();
  /** Listeners of the storage refusals in force (refuseWrites); none when the storage takes writes. */
  private readonly writeRefusals = new Set<(lost: LostPayload) => void>();
  /** Cores not held by a running worker (pooled over the slots). */
  private freeCores: number;
  private matchScheduled = false;

  constructor(
    private readonly sim: Simulation,
    streams: RandomStreams,
    params: GridSiteParams,
  ) {
    super();
    this.name = params.name;
    this.params = params;
    this.freeCores = params.slots * params.coresPerSlot;
    this.placement = {
      provider: params.name,
      resource: params.name,
      corepower: params.hs06PerCore,
      gpuSpeed: 0,
    };
    this.waitRng = streams.stream(`site/${params.name}/wait`);
    this.overheadRng = streams.stream(`site/${params.name}/overheads`);
    this.failureRng = streams.stream(`site/${params.name}/failures`);
    this.runtime = new WorkerRuntime(sim, params.name, ProviderWorker, this.onWorkerEnd);
    this.downtimes = new Downtimes(
      sim,
      params.scheduledDowntimes,
      params.randomDowntime,
      streams.stream(`site/${params.name}/downtime`),
      this.onlineChanged,
    );
  }

  get slots(): number {
    return this.params.slots;
  }

  /** Cores held by running workers. */
  get busyCores(): number {
    return this.params.slots * this.params.coresPerSlot - this.freeCores;
  }

  /** Whether the site is online now. */
  get online(): boolean {
    return this.downtimes.online;
  }

  /**
   * An outage from outside (a scenario fault, sudden or scheduled) begins: the running workers are lost with
   * cause 'site-downtime' whatever `downtimeMode` says, and nothing starts until `endOutage`. Returns the
   * payloads that were running on them.
   */
  beginOutage(): LostPayload[] {
    const now = this.sim.now;
    const lost = [...this.holding].flatMap((worker) => runningPayloads(worker, now));
    for (const worker of [...this.holding]) this.runtime.end(worker, 'failed', 'site-downtime');
    this.downtimes.enter();
    return lost;
  }

  endOutage(): void {
    this.downtimes.leave();
  }

  /**
   * The site's storage refuses writes (it is full) until the returned function is called: a payload that ran
   * to its end fails there with 'stage-out-failed', its output not written, and is reported to `refused`.
   */
  refuseWrites(refused: (lost: LostPayload) => void): () => void {
    this.writeRefusals.add(refused);
    return () => this.writeRefusals.delete(refused);
  }

  /** Calls `listener(online)` at every change; returns a function that removes it. */
  onOnlineChange(listener: (online: boolean) => void): () => void {
    this.onlineListeners.add(listener);
    return () => this.onlineListeners.delete(listener);
  }

  submit(request: WorkerRequest, events: WorkerEvents): ProviderWorker {
    const worker = this.runtime.create(request, events);
    const refusal = gridAdmissionError(this.params, request);
    if (refusal !== undefined) {
      this.runtime.refuse(worker, refusal);
      return worker;
    }
    const delay =
      this.params.batchSystem.submitLatency.sample(this.waitRng) + this.params.queueWait.sample(this.waitRng);
    this.runtime.timer(worker, this.sim.now + delay, this.becomeReady);
    return worker;
  }

  override run(worker: Worker, payload: Payload, done: (outcome: PayloadOutcome) => void): void {
    const own = this.runtime.own(worker, 'run');
    const overhead =
      this.params.stageIn.sample(this.overheadRng) + this.params.stageOut.sample(this.overheadRng);
    const fails = this.failureRng.next() < this.params.payloadFailureProbability;
    const startedAt = this.sim.now;
    this.runtime.run(own, payload, done, {
      overhead,
      failureFraction: fails ? this.failureRng.next() : undefined,
      stageOut: () => {
        if (this.writeRefusals.size === 0) return undefined;
        const lost = {
          id: payload.id,
          cores: payload.cores,
          gpus: payload.gpus,
          wallTime: this.sim.now - startedAt,
        };
        for (const refused of this.writeRefusals) refused(lost);
        return 'stage-out-failed';
      },
    });
  }

  private readonly becomeReady = (worker: ProviderWorker): void => {
    this.ready.push(worker);
    this.requestMatch();
  };

  /** Matches at once, or at the batch system's next cycle; one pending match serves all requests. */
  private requestMatch(): void {
    if (this.matchScheduled) return;
    this.matchScheduled = true;
    const interval = this.params.batchSystem.matchInterval;
    const now = this.sim.now;
    this.sim.at(interval > 0 ? Math.ceil(now / interval) * interval : now, this.match);
  }

  private readonly match = (): void => {
    this.matchScheduled = false;
    if (!this.downtimes.online) return;
    // First come, first served: a pilot that does not fit holds back the ones behind it (no backfill).
    while (this.readyHead < this.ready.length) {
      const worker = this.ready[this.readyHead];
      if (worker.status !== 'submitted') {
        this.readyHead++;
        continue;
      }
      if (worker.request.cores > this.freeCores) break;
      this.readyHead++;
      this.start(worker);
    }
    if (this.readyHead > 1024 && 2 * this.readyHead > this.ready.length) {
      this.ready = this.ready.slice(this.readyHead);
      this.readyHead = 0;
    }
  };

  private start(worker: ProviderWorker): void {
    const params = this.params;
    this.freeCores -= worker.request.cores;
    this.holding.add(worker);
    const walltime = Math.min(worker.request.walltime, params.maxWalltime);
    this.runtime.start(worker, this.placement, { cores: worker.request.cores, gpus: 0, walltime });
    const now = this.sim.now;
    if (this.failureRng.next() < params.workerLossProbability) {
      this.runtime.failAt(worker, now + this.failureRng.next() * walltime, 'node-failure');
    }
    this.runtime.timer(worker, now + params.pilotStartup.sample(this.overheadRng), this.pilotReady);
  }

  private readonly pilotReady = (worker: ProviderWorker): void => {
    this.runtime.accept(worker);
  };

  private readonly onWorkerEnd = (worker: ProviderWorker, wasRunning: boolean): void => {
    if (!wasRunning) return;
    this.holding.delete(worker);
    this.freeCores += worker.request.cores;
    this.requestMatch();
  };

  private readonly onlineChanged = (online: boolean): void => {
    if (online) this.requestMatch();
    else if (this.params.downtimeMode === 'lost') {
      for (const worker of [...this.holding]) this.runtime.end(worker, 'failed', 'site-downtime');
    }
    for (const listener of this.onlineListeners) listener(online);
  };
}
