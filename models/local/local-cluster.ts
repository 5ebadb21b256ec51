/**
 * A user's own small cluster (a group's servers, a department's GPU boxes) as a provider: a fixed pool of cores,
 * GPUs and memory, no queue beyond capacity, and a short start latency. Workers take `cores × nodes` cores (and
 * so on) from the pool; nodes are not modelled apart, as a small cluster's batch system packs them well enough.
 *
 * Waiting workers are served first-fit in arrival order: whenever capacity frees, each waiting worker that fits
 * starts, so a small request is not held up behind a large one (a large one can wait long; LocalFirst's wait
 * bound sends it elsewhere).
 *
 * Random stream: `local/<name>/start`.
 */
import { constant, type Distribution } from '../../sim/distributions.ts';
import type { EventId, Simulation } from '../../sim/engine.ts';
import type { RandomStreams, Rng } from '../../sim/random.ts';
import type {
  Payload,
  PayloadOutcome,
  Placement,
  Provider,
  ProviderUsage,
  Worker,
  WorkerEvents,
  WorkerRequest,
} from '../provider/worker.ts';
import {
  timedExecution,
  WorkerBook,
  type BookedWorker,
  type PayloadExecution,
} from '../provider/worker-book.ts';

export interface LocalClusterParams {
  name: string;
  cores: number;
  gpus: number;
  memoryMB: number;
  /** HS06 per core. */
  corepower: number;
  /** GPU speed relative to an A100. */
  gpuSpeed: number;
  /** From the moment capacity is granted to the worker running. */
  startLatency: Distribution;
  /** What the owner counts per core-hour and GPU-hour held (amortised hardware, power); 0 = free. */
  costPerCoreHour: number;
  costPerGpuHour: number;
}

export type LocalClusterOptions = Pick<LocalClusterParams, 'name' | 'cores'> & Partial<LocalClusterParams>;

export const LOCAL_DEFAULTS = {
  gpus: 0,
  // [E] not a constraint unless the scenario gives it: small clusters are usually bought with ample memory.
  memoryMB: Infinity,
  // [E] a recent server core, as the cloud examples (instance-types.ts).
  corepower: 10,
  // [E] an A100-class card, the reference.
  gpuSpeed: 1,
  // [E] an idle Slurm or HTCondor pool starts a job within seconds (scheduling cycle plus process start).
  startLatency: constant(5, 'duration'),
  // [E] hardware already paid for: no marginal cost unless the scenario says otherwise.
  costPerCoreHour: 0,
  costPerGpuHour: 0,
} satisfies Omit<LocalClusterParams, 'name' | 'cores'>;

interface Held {
  cores: number;
  gpus: number;
  memoryMB: number;
}

function held(request: WorkerRequest): Held {
  return {
    cores: request.cores * request.nodes,
    gpus: request.gpus * request.nodes,
    memoryMB: request.memoryMB * request.nodes,
  };
}

export class LocalCluster implements Provider {
  readonly name: string;
  readonly params: LocalClusterParams;
  private readonly book: WorkerBook;
  private readonly execute: PayloadExecution;
  private readonly rng: Rng;
  private readonly placement: Placement;
  private readonly waiting = new Set<BookedWorker>();
  private readonly starting = new Map<BookedWorker, EventId>();
  private readonly granted = new Set<BookedWorker>();
  private free: Held;

  constructor(
    private readonly sim: Simulation,
    random: RandomStreams,
    options: LocalClusterOptions,
  ) {
    this.params = { ...LOCAL_DEFAULTS, ...options };
    const { name, cores, gpus, memoryMB } = this.params;
    if (!(Number.isInteger(cores) && cores >= 0 && Number.isInteger(gpus) && gpus >= 0 && memoryMB >= 0)) {
      throw new RangeError(
        `local cluster '${name}': cores and gpus must be whole numbers >= 0, memoryMB >= 0`,
      );
    }
    this.name = name;
    this.book = new WorkerBook(sim, name, (worker) => this.workerEnded(worker));
    this.execute = timedExecution(sim);
    this.rng = random.stream(`local/${name}/start`);
    this.placement = {
      provider: name,
      resource: name,
      corepower: this.params.corepower,
      gpuSpeed: this.params.gpuSpeed,
    };
    this.free = { cores, gpus, memoryMB };
  }

  get queued(): number {
    return this.book.queued;
  }

  get running(): number {
    return this.book.running;
  }

  /** Cores granted to workers (starting or running). */
  get usedCores(): number {
    return this.params.cores - this.free.cores;
  }

  get usedGpus(): number {
    return this.params.gpus - this.free.gpus;
  }

  /** Whether a worker like `request` would be granted capacity now. */
  fitsNow(request: WorkerRequest): boolean {
    return this.fits(held(request), this.free);
  }

  /** Whether a worker like `request` fits in the whole, empty cluster. */
  fitsEver(request: WorkerRequest): boolean {
    const { cores, gpus, memoryMB } = this.params;
    return this.fits(held(request), { cores, gpus, memoryMB });
  }

  /** Whether `worker` is still waiting for capacity (not yet granted). */
  isWaiting(worker: Worker): boolean {
    const booked = this.book.find(worker);
    return booked !== undefined && this.waiting.has(booked);
  }

  submit(request: WorkerRequest, events: WorkerEvents): Worker {
    const worker = this.book.create(request, events);
    if (!this.fitsEver(request)) {
      this.sim.schedule(0, () => this.book.end(worker, 'missed', 'submission-failed'));
      return worker;
    }
    this.waiting.add(worker);
    if (this.fitsNow(request)) this.grant(worker);
    return worker;
  }

  run(worker: Worker, payload: Payload, done: (outcome: PayloadOutcome) => void): void {
    this.book.run(this.book.get(worker, 'run'), payload, done, this.execute);
  }

  /** Releasing or killing a worker that already ended does nothing. */
  release(worker: Worker): void {
    const booked = this.book.find(worker);
    if (booked !== undefined) this.book.release(booked);
  }

  kill(worker: Worker): void {
    const booked = this.book.find(worker);
    if (booked !== undefined) this.book.end(booked, 'cancelled', 'cancelled');
  }

  usage(now: number): ProviderUsage {
    const coreSeconds = this.book.coreSeconds(now);
    const gpuSeconds = this.book.gpuSeconds(now);
    return {
      coreSeconds,
      gpuSeconds,
      wastedCoreSeconds: this.book.wastedCoreSeconds,
      cost: (coreSeconds * this.params.costPerCoreHour + gpuSeconds * this.params.costPerGpuHour) / 3600,
    };
  }

  private fits(want: Held, free: Held): boolean {
    return want.cores <= free.cores && want.gpus <= free.gpus && want.memoryMB <= free.memoryMB;
  }

  private grant(worker: BookedWorker): void {
    const want = held(worker.request);
    this.waiting.delete(worker);
    this.granted.add(worker);
    this.free.cores -= want.cores;
    this.free.gpus -= want.gpus;
    this.free.memoryMB -= want.memoryMB;
    this.starting.set(
      worker,
      this.sim.schedule(this.params.startLatency.sample(this.rng), this.start, worker),
    );
  }

  private readonly start = (worker: BookedWorker): void => {
    this.starting.delete(worker);
    this.book.start(worker, this.placement);
  };

  private workerEnded(worker: BookedWorker): void {
    this.waiting.delete(worker);
    const startEvent = this.starting.get(worker);
    if (startEvent !== undefined) {
      this.sim.cancel(startEvent);
      this.starting.delete(worker);
    }
    if (!this.granted.delete(worker)) return;
    const returned = held(worker.request);
    this.free.cores += returned.cores;
    this.free.gpus += returned.gpus;
    this.free.memoryMB += returned.memoryMB;
    for (const next of this.waiting) {
      if (this.free.cores <= 0 && this.free.gpus <= 0) return;
      if (this.fitsNow(next.request)) this.grant(next);
    }
  }
}
