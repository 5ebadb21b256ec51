/**
 * Local first, remote when needed — the seed's "most users love local resources, but go to remote providers via
 * PanDA when enough or suitable resources are locally unavailable" — as a provider that routes each worker:
 *
 * - to the fallback at once when it could never fit locally (more cores or GPUs than the cluster has: no
 *   suitable resource there);
 * - to the local cluster when capacity is free now;
 * - otherwise to the local cluster's queue for at most `maxLocalWait` seconds; a worker still without local
 *   capacity then is withdrawn and submitted to the fallback (enough resources are not available in time).
 *   `maxLocalWait` 0 sends it to the fallback at once.
 *
 * The worker handed back stays the same object when it moves: its fields show wherever it is now, and the owner
 * hears `started` and `ended` once, from where it ran. Usage is the sum over both providers, so it includes other
 * owners' workers if the fallback is shared; `routing` counts where this router's workers went.
 */
import type { EventId, Simulation } from '../../sim/engine.ts';
import type {
  Payload,
  PayloadOutcome,
  Provider,
  ProviderUsage,
  Worker,
  WorkerEvents,
  WorkerRequest,
  WorkerStatus,
} from '../provider/worker.ts';
import type { LocalCluster } from './local-cluster.ts';

export interface LocalFirstParams {
  name: string;
  /** Longest wait for local capacity before a worker goes to the fallback, s. */
  maxLocalWait: number;
}

export const LOCAL_FIRST_DEFAULTS = {
  // [E] about the median wait of a grid pilot in a batch queue (providers.md §6: lognormal median 900 s): waiting
  // longer locally than the remote side would make a user wait is not what "local first" means.
  maxLocalWait: 900,
} satisfies Omit<LocalFirstParams, 'name'>;

export interface LocalFirstRouting {
  /** Workers submitted to the local cluster (including those that later overflowed). */
  local: number;
  /** Workers sent to the fallback at submission (no fit locally, or no wait allowed). */
  fallback: number;
  /** Workers withdrawn from the local queue after `maxLocalWait` and sent to the fallback. */
  overflowed: number;
}

class RoutedWorker implements Worker {
  /** The worker at the provider that has it now; set as soon as it is submitted there. */
  inner!: Worker;
  /** The owner's events relayed with this worker in place of the inner one. */
  relayed!: WorkerEvents;
  /** Set while the local copy is withdrawn, so its `ended` is not passed on. */
  withdrawing = false;
  overflowTimer: EventId | undefined;

  constructor(
    readonly id: number,
    readonly request: WorkerRequest,
    readonly submittedAt: number,
    public via: Provider,
  ) {}

  get status(): WorkerStatus {
    return this.inner.status;
  }

  get startedAt(): number | undefined {
    return this.inner.startedAt;
  }

  get endedAt(): number | undefined {
    return this.inner.endedAt;
  }

  get placement(): Worker['placement'] {
    return this.inner.placement;
  }
}

export class LocalFirst implements Provider {
  readonly name: string;
  readonly params: LocalFirstParams;
  readonly routing: LocalFirstRouting = { local: 0, fallback: 0, overflowed: 0 };
  private readonly live = new Map<number, RoutedWorker>();
  private nextId = 1;
  private queuedCount = 0;
  private runningCount = 0;

  constructor(
    private readonly sim: Simulation,
    readonly local: LocalCluster,
    readonly fallback: Provider,
    options: Partial<LocalFirstParams> = {},
  ) {
    this.params = { name: `${local.name}+${fallback.name}`, ...LOCAL_FIRST_DEFAULTS, ...options };
    if (!(this.params.maxLocalWait >= 0)) {
      throw new RangeError(
        `${this.params.name}: maxLocalWait must be >= 0 s, got ${this.params.maxLocalWait}`,
      );
    }
    this.name = this.params.name;
  }

  get queued(): number {
    return this.queuedCount;
  }

  get running(): number {
    return this.runningCount;
  }

  submit(request: WorkerRequest, events: WorkerEvents): Worker {
    const goLocal =
      this.local.fitsEver(request) && (this.local.fitsNow(request) || this.params.maxLocalWait > 0);
    const via: Provider = goLocal ? this.local : this.fallback;
    const routed = new RoutedWorker(this.nextId++, request, this.sim.now, via);
    routed.relayed = this.relay(routed, events);
    this.live.set(routed.id, routed);
    this.queuedCount++;
    routed.inner = via.submit(request, routed.relayed);
    if (goLocal) {
      this.routing.local++;
      if (this.local.isWaiting(routed.inner)) {
        routed.overflowTimer = this.sim.schedule(this.params.maxLocalWait, this.overflow, routed);
      }
    } else {
      this.routing.fallback++;
    }
    return routed;
  }

  run(worker: Worker, payload: Payload, done: (outcome: PayloadOutcome) => void): void {
    const routed = this.find(worker);
    if (routed === undefined)
      throw new Error(`${this.name}.run: worker ${worker.id} is not a live worker here`);
    routed.via.run(routed.inner, payload, done);
  }

  /** Releasing or killing a worker that already ended does nothing. */
  release(worker: Worker): void {
    const routed = this.find(worker);
    if (routed !== undefined) routed.via.release(routed.inner);
  }

  kill(worker: Worker): void {
    const routed = this.find(worker);
    if (routed !== undefined) routed.via.kill(routed.inner);
  }

  usage(now: number): ProviderUsage {
    const a = this.local.usage(now);
    const b = this.fallback.usage(now);
    return {
      coreSeconds: a.coreSeconds + b.coreSeconds,
      gpuSeconds: a.gpuSeconds + b.gpuSeconds,
      wastedCoreSeconds: a.wastedCoreSeconds + b.wastedCoreSeconds,
      cost: a.cost + b.cost,
    };
  }

  private find(worker: Worker): RoutedWorker | undefined {
    const routed = this.live.get(worker.id);
    return routed === worker ? routed : undefined;
  }

  /** The owner's events, as seen through the routed worker. */
  private relay(routed: RoutedWorker, events: WorkerEvents): WorkerEvents {
    return {
      started: (inner) => {
        routed.inner = inner;
        this.queuedCount--;
        this.runningCount++;
        events.started(routed);
      },
      ended: (inner, cause) => {
        if (routed.withdrawing) return;
        routed.inner = inner;
        if (inner.startedAt === undefined) this.queuedCount--;
        else this.runningCount--;
        if (routed.overflowTimer !== undefined) this.sim.cancel(routed.overflowTimer);
        this.live.delete(routed.id);
        events.ended(routed, cause);
      },
    };
  }

  private readonly overflow = (routed: RoutedWorker): void => {
    routed.overflowTimer = undefined;
    if (!this.local.isWaiting(routed.inner)) return;
    routed.withdrawing = true;
    this.local.kill(routed.inner);
    routed.withdrawing = false;
    this.routing.overflowed++;
    routed.via = this.fallback;
    routed.inner = this.fallback.submit(routed.request, routed.relayed);
  };
}
