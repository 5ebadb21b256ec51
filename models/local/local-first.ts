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
    /** The router that made it: calls with a worker from elsewhere are refused. */
    readonly router: LocalFirst,
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
  private nextId = 1;
  /** Workers not yet ended as their owners see it; counted by the status of their inner worker. */
  private readonly live = new Set<RoutedWorker>();

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

  // Counted from the providers' own workers, not from the relayed events: the providers update those before any
  // callback (worker.ts), and an owner reading the counts from a payload's `done` must see the same.
  get queued(): number {
    return this.count('submitted');
  }

  get running(): number {
    return this.count('running');
  }

  submit(request: WorkerRequest, events: WorkerEvents): Worker {
    const goLocal =
      this.local.fitsEver(request) && (this.local.fitsNow(request) || this.params.maxLocalWait > 0);
    const via: Provider = goLocal ? this.local : this.fallback;
    const routed = new RoutedWorker(this.nextId++, request, this.sim.now, this, via);
    routed.relayed = this.relay(routed, events);
    this.live.add(routed);
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

  /** Run, release and kill go to the provider that has the worker now, which applies the contract's rules. */
  run(worker: Worker, payload: Payload, done: (outcome: PayloadOutcome) => void): void {
    const routed = this.own(worker, 'run');
    routed.via.run(routed.inner, payload, done);
  }

  release(worker: Worker): void {
    const routed = this.own(worker, 'release');
    routed.via.release(routed.inner);
  }

  kill(worker: Worker): void {
    const routed = this.own(worker, 'kill');
    routed.via.kill(routed.inner);
  }

  usage(now: number): ProviderUsage {
    const a = this.local.usage(now);
    const b = this.fallback.usage(now);
    return {
      coreSeconds: a.coreSeconds + b.coreSeconds,
      gpuSeconds: a.gpuSeconds + b.gpuSeconds,
      wastedCoreSeconds: a.wastedCoreSeconds + b.wastedCoreSeconds,
      wastedGpuSeconds: a.wastedGpuSeconds + b.wastedGpuSeconds,
      cost: a.cost + b.cost,
    };
  }

  private count(status: WorkerStatus): number {
    let n = 0;
    for (const routed of this.live) if (routed.status === status) n++;
    return n;
  }

  private own(worker: Worker, method: string): RoutedWorker {
    if (!(worker instanceof RoutedWorker) || worker.router !== this) {
      throw new Error(`${this.name}.${method}: worker ${worker.id} was not submitted here`);
    }
    return worker;
  }

  /** The owner's events, as seen through the routed worker. */
  private relay(routed: RoutedWorker, events: WorkerEvents): WorkerEvents {
    return {
      started: (inner) => {
        routed.inner = inner;
        events.started(routed);
      },
      ended: (inner, cause) => {
        if (routed.withdrawing) return;
        routed.inner = inner;
        this.live.delete(routed);
        if (routed.overflowTimer !== undefined) this.sim.cancel(routed.overflowTimer);
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
