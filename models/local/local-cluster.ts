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
import type { Simulation } from '../../sim/engine.ts';
import type { RandomStreams, Rng } from '../../sim/random.ts';
import { RuntimeProvider } from '../provider/runtime-provider.ts';
import type { Placement, ProviderUsage, Worker, WorkerEvents, WorkerRequest } from '../provider/worker.ts';
import { ProviderWorker, WorkerRuntime } from '../provider/worker-runtime.ts';

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

export class LocalCluster extends RuntimeProvider<ProviderWorker> {
  readonly name: string;
  readonly params: LocalClusterParams;
  protected readonly runtime: WorkerRuntime<ProviderWorker>;
  private readonly rng: Rng;
  private readonly placement: Placement;
  private readonly waiting = new Set<ProviderWorker>();
  private readonly granted = new Set<ProviderWorker>();
  private free: Held;

  constructor(
    private readonly sim: Simulation,
    random: RandomStreams,
    options: LocalClusterOptions,
  ) {
    super();
    this.params = { ...LOCAL_DEFAULTS, ...options };
    const { name, cores, gpus, memoryMB } = this.params;
    if (!(Number.isInteger(cores) && cores >= 0 && Number.isInteger(gpus) && gpus >= 0 && memoryMB >= 0)) {
      throw new RangeError(
        `local cluster '${name}': cores and gpus must be whole numbers >= 0, memoryMB >= 0`,
      );
    }
    this.name = name;
    this.runtime = new WorkerRuntime(sim, name, ProviderWorker, (worker) => this.workerEnded(worker));
    this.rng = random.stream(`local/${name}/start`);
    this.placement = {
      provider: name,
      resource: name,
      corepower: this.params.corepower,
      gpuSpeed: this.params.gpuSpeed,
    };
    this.free = { cores, gpus, memoryMB };
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
    return this.runtime.owns(worker) && this.waiting.has(worker);
  }

  submit(request: WorkerRequest, events: WorkerEvents): Worker {
    const worker = this.runtime.create(request, events);
    if (!this.fitsEver(request)) {
      const { cores, gpus, memoryMB } = held(request);
      this.runtime.refuse(
        worker,
        `local cluster '${this.name}': ${cores} cores, ${gpus} GPUs and ${memoryMB} MB never fit`,
      );
      return worker;
    }
    this.waiting.add(worker);
    if (this.fitsNow(request)) this.grant(worker);
    return worker;
  }

  override usage(now: number): ProviderUsage {
    const usage = super.usage(now);
    const { costPerCoreHour, costPerGpuHour } = this.params;
    return {
      ...usage,
      cost: (usage.coreSeconds * costPerCoreHour + usage.gpuSeconds * costPerGpuHour) / 3600,
    };
  }

  private fits(want: Held, free: Held): boolean {
    return want.cores <= free.cores && want.gpus <= free.gpus && want.memoryMB <= free.memoryMB;
  }

  private grant(worker: ProviderWorker): void {
    const want = held(worker.request);
    this.waiting.delete(worker);
    this.granted.add(worker);
    this.free.cores -= want.cores;
    this.free.gpus -= want.gpus;
    this.free.memoryMB -= want.memoryMB;
    this.runtime.timer(worker, this.sim.now + this.params.startLatency.sample(this.rng), this.start);
  }

  private readonly start = (worker: ProviderWorker): void => {
    this.runtime.start(worker, this.placement);
    this.runtime.accept(worker);
  };

  private workerEnded(worker: ProviderWorker): void {
    this.waiting.delete(worker);
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
