/**
 * The contract between a submitter (Harvester's submitter plugin, or a test) and a provider model (a grid site
 * behind its batch system, an LCF batch queue, a Kubernetes cluster, a cloud, volunteer hosts, a local
 * cluster). It mirrors Harvester's split (providers.md §1.3–1.4): a *worker* (WorkSpec: a pilot, a batch job,
 * a pod) is submitted to a provider, waits, starts on a resource, runs payloads (PanDA jobs) one after another
 * while its walltime lasts, and ends in a final state.
 *
 * What a payload costs is the workload's business, what the resource makes of it is the provider's: a payload
 * carries work in reference units (HS06-seconds of CPU, seconds on a reference GPU) drawn from the workload's own
 * random stream, and the provider turns it into wall time with its speed. So a job's demand is the same
 * wherever it runs (common random numbers), and only the resource it lands on changes its duration.
 *
 * Every provider keeps these rules through one runtime (worker-runtime.ts; a router such as LocalFirst passes
 * each call on to the provider that has the worker), so an owner written against one provider works with all:
 * - Life of a worker: 'submitted' → 'running' (it holds resources from then on, and they count in `usage`) →
 *   one final status. `started` comes once the worker takes payloads, which may be a little after it began to
 *   hold them (a grid pilot's start-up). A worker the provider cannot take at all ends 'missed' at once, its
 *   owner told in an event of its own; a malformed request (cores not a whole number, walltime <= 0, ...) is
 *   the submitter's bug and throws a RangeError.
 * - Callbacks run after the model's state is final: when `started`, `ended` or a payload's `done` is called,
 *   the worker's status, the provider's counts and what it holds already say what happened (a payload's cores
 *   are back, an ended worker's resources are free), so an owner may submit, run, release or kill from there.
 * - Walltime: it counts from the start; work that takes no more than the walltime fits. At the walltime instant
 *   what is due at that instant happens first — a payload ending exactly then succeeds, and its owner may
 *   release the worker — and only then is the worker killed: it ends 'failed' with cause 'walltime', and the
 *   payloads still running fail with the same cause.
 * - A failed payload's cores × its wall time count as wasted core-seconds, its GPUs × its wall time as wasted
 *   GPU-seconds, whether it failed by itself or its worker ended under it. A provider may count more as wasted
 *   where its payloads run in copies (volunteer computing's redundant results, models/volunteer/project.ts).
 */

/** Harvester's WorkSpec statuses (`harvestercore/work_spec.py`), less the ones a model never needs. */
export type WorkerStatus = 'submitted' | 'running' | 'finished' | 'failed' | 'cancelled' | 'missed';

/** What is asked for one worker (WorkerMaker.make_worker's cores, memory and walltime). */
export interface WorkerRequest {
  /** The PanDA queue (or provider queue, e.g. Polaris `prod`) the worker is for. */
  queue: string;
  /** Cores per node the worker holds (1 for single-core pilots, 8 for ATLAS multi-core slots). */
  cores: number;
  /** GPUs per node (0 for CPU workers). */
  gpus: number;
  /** Nodes (1 except for multi-node HPC jobs: distributed training, Horovod/Ray/Dask). */
  nodes: number;
  memoryMB: number;
  /** Requested walltime, s; the provider kills the worker when it runs out. */
  walltime: number;
  /** Owner, for per-user limits and credentials; absent = the common (production) identity. */
  user?: string;
}

/** A unit of work run inside a worker: a PanDA job, a Parsl task, a training run. */
export interface Payload {
  id: number;
  /** CPU work, HS06-seconds: wall time on c cores of power p HS06/core is cpuWork / (c · p). */
  cpuWork: number;
  /** GPU work, seconds on one reference GPU (A100 = 1): wall time on g GPUs of speed s is gpuWork / (g · s). */
  gpuWork: number;
  /** Cores and GPUs the payload uses of its worker (≤ the worker's). */
  cores: number;
  gpus: number;
  /** Seconds that do not scale with the resource (set-up, stage-in/out done inside the worker). */
  fixedTime: number;
}

/** Why a payload or worker ended badly; a model reports which of its failure modes struck. */
export type FailureCause =
  | 'walltime' // the worker's walltime ran out while the payload ran
  | 'payload-error' // the attempt failed by itself (the job-attempt failure probability)
  | 'node-failure' // the node or the batch job died
  | 'preempted' // preemptable queue, spot instance, volunteer host gone
  | 'site-downtime' // the provider went offline with the work on it
  | 'submission-failed' // never started (WorkSpec `missed`)
  | 'queue-timeout' // waited longer than the submitter tolerates
  | 'allocation-exhausted' // an HPC allocation ran out
  | 'result-lost' // the work ran but its result never reached the owner (a service discarded or refused it)
  | 'stage-out-failed' // the work ran but its output could not be written (the site's storage refused it)
  | 'cancelled'; // killed by its owner (or the sweeper), or released while still 'submitted'

export type PayloadOutcome =
  { ok: true; wallTime: number } | { ok: false; wallTime: number; cause: FailureCause };

/** Where a worker started: enough for accounting (CPU/GPU-hours, cost) and for brokerage-like decisions. */
export interface Placement {
  provider: string;
  /** Site, cluster or machine name. */
  resource: string;
  /** HS06 per core of the node the worker landed on (corepower). */
  corepower: number;
  /** Speed of one GPU relative to the reference (A100 = 1). */
  gpuSpeed: number;
}

/** Callbacks from the provider to whoever submitted the worker. */
export interface WorkerEvents {
  /** The worker is running on a resource: the owner may now `run` payloads on it. */
  started(worker: Worker): void;
  /** The worker reached a final status; `cause` says why when it did not end normally ('finished' has none). */
  ended(worker: Worker, cause?: FailureCause): void;
}

export interface Worker {
  readonly id: number;
  readonly request: WorkerRequest;
  readonly status: WorkerStatus;
  readonly submittedAt: number;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly placement?: Placement;
}

/** A provider model, as Harvester's submitter, monitor and sweeper plugins see it. */
export interface Provider {
  readonly name: string;
  /**
   * Submit a worker; the provider calls `events.started` when it takes payloads and `events.ended` at its end,
   * never from inside `submit` itself.
   */
  submit(request: WorkerRequest, events: WorkerEvents): Worker;
  /**
   * Run a payload on a started worker; `done` is called once, when it ends. Payloads run side by side while
   * their cores and GPUs fit in what the worker holds and no other payload uses (a whole-node HPC job holds
   * every core and GPU of its nodes); one that does not fit is the owner's error (RangeError), and so is a
   * worker that is not started, released or ended (Error).
   */
  run(worker: Worker, payload: Payload, done: (outcome: PayloadOutcome) => void): void;
  /**
   * The owner has no more work for the worker. A 'running' worker (also one not yet `started`, still setting
   * up) takes no new payload, finishes the ones it runs, then ends 'finished': a pilot that found no further job
   * waits for its last one and exits. A worker still 'submitted' is withdrawn: it ends 'cancelled' with cause
   * 'cancelled', as it never ran.
   */
  release(worker: Worker): void;
  /**
   * The forced end (Harvester's sweeper): the worker ends 'cancelled' with cause 'cancelled' at once, queued or
   * running, released or not, and its running payloads fail with cause 'cancelled'.
   * Releasing or killing an ended worker does nothing; a worker from another provider is an error.
   */
  kill(worker: Worker): void;
  /** Workers submitted and not yet running, and running. */
  readonly queued: number;
  readonly running: number;
  /** What the provider's workers have held so far (a held core counts whether or not a payload ran on it). */
  usage(now: number): ProviderUsage;
}

export interface ProviderUsage {
  /** Core-seconds held by running workers (CPU-hours = coreSeconds / 3600). */
  coreSeconds: number;
  /** GPU-seconds held by running workers. */
  gpuSeconds: number;
  /** Core-seconds spent in payloads that failed (wasted walltime of failed attempts). */
  wastedCoreSeconds: number;
  /** GPU-seconds spent in payloads that failed: the GPU-hours an HPC allocation or a cloud bill lost to them. */
  wastedGpuSeconds: number;
  /** Money, in the provider's currency, for what was held (0 for pledged grid and allocation-based HPC). */
  cost: number;
}
