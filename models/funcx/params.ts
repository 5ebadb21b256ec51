/**
 * Parameters of the Globus Compute (funcX) model, one typed object per component, with their defaults and
 * where each comes from. Tags as in shared/design/domain/providers.md: [S] read in the cited source, [R]
 * recalled and not re-read, [E] an estimate to replace with measurements; "§" refers to providers.md.
 * Sources: globus/globus-compute@845796f (docs/limits.rst, endpoint/config/config.py, engines/globus_compute.py,
 * docs/endpoints/configs/polaris.yaml, sdk/executor.py), Parsl/parsl@b8b474c (executors/high_throughput,
 * jobs/strategy.py, providers/pbspro), argonne-lcf/user-guides@7d04a3f (docs/services/globus-compute.md).
 */
import { constant, lognormal, type Distribution } from '../../sim/distributions.ts';

const MB = 1e6;
const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

/** The cloud-hosted web service (§2.2). */
export interface ComputeServiceParams {
  /** Round trip of one API call, s: lognormal median 0.3 s, σ 0.5 [E] (§2.4 modelling advice). */
  apiLatency: Distribution;
  /** Requests one client may make per `rateLimitWindow`: 20 [S] limits.rst. */
  rateLimitRequests: number;
  /** The rate-limit window, s: 10 [S] limits.rst. */
  rateLimitWindow: number;
  /** Tasks the client puts in one submission request: 128 [S] sdk/executor.py `batch_size`. */
  maxTasksPerRequest: number;
  /** Serialized arguments of one submission request (single or batch), bytes: 10 MB [S] limits.rst. */
  maxSubmissionBytes: number;
  /** Serialized result of one task, bytes: 10 MB [S] limits.rst (`MaxResultSizeExceeded`, result lost). */
  maxResultBytes: number;
  /** A result not fetched this long after it reached the service is abandoned, s: 1800 [S] limits.rst. */
  resultRetention: number;
  /** A task with no activity this long is abandoned, s: 2 weeks [S] limits.rst (applied to tasks no endpoint took). */
  taskTtl: number;
}

export const DEFAULT_COMPUTE_SERVICE_PARAMS: Readonly<ComputeServiceParams> = {
  apiLatency: lognormal({ median: 0.3, sigma: 0.5 }, 'duration'),
  rateLimitRequests: 20,
  rateLimitWindow: 10,
  maxTasksPerRequest: 128,
  maxSubmissionBytes: 10 * MB,
  maxResultBytes: 10 * MB,
  resultRetention: 1800,
  taskTtl: 14 * DAY,
};

/** The multi-user endpoint (MEP) on the facility's login or service node (§2.1). */
export interface EndpointParams {
  /** Seconds between the endpoint's heartbeats to the service: 30 [S] endpoint/config/config.py. */
  heartbeatPeriod: number;
  /** Seconds without a heartbeat after which the endpoint counts as offline: 120 [S] same. */
  heartbeatThreshold: number;
  /**
   * Seconds from the first task of a user to their user endpoint (UEP) taking tasks: process start, identity
   * mapping, configuration, connection to the task queue. 10 [E]; no figure found. UEPs are not stopped when
   * idle: `idle_heartbeats_soft` defaults to 0, which disables idle shutdown [S] config.py.
   */
  userEndpointStart: Distribution;
}

export const DEFAULT_ENDPOINT_PARAMS: Readonly<EndpointParams> = {
  heartbeatPeriod: 30,
  heartbeatThreshold: 120,
  userEndpointStart: constant(10, 'duration'),
};

/**
 * One user endpoint's engine: GlobusComputeEngine over Parsl's HighThroughputExecutor (HTEX), its blocks
 * asked of the batch system through a Parsl provider, scaled by Parsl's 'simple' strategy (the engine's
 * default, engines/globus_compute.py). The defaults are the Polaris example configuration
 * (docs/endpoints/configs/polaris.yaml) [S] and the engine's and Parsl's defaults [S], except where tagged.
 */
export interface HtexParams {
  /** Batch queue of the blocks (PBS `queue`): `debug-scaling` [S] polaris.yaml. */
  queue: string;
  /** Walltime of a block, s: 1 h [S] polaris.yaml (PBSProProvider's own default is 20 min). */
  walltime: number;
  /** Nodes per block (one batch job): 1 [S]. */
  nodesPerBlock: number;
  /** Blocks asked for at the engine's first strategy pass: 0 [S] polaris.yaml (Parsl providers: 1). */
  initBlocks: number;
  /** The strategy never scales in below this: 0 [S]. It does not scale out to it either (strategy.py case 1a). */
  minBlocks: number;
  /** Blocks pending or running at most: 2 [S] polaris.yaml. */
  maxBlocks: number;
  /** Slots wanted per outstanding task (Parsl `parallelism`): 1 [S]. */
  parallelism: number;
  /** HTEX workers (task slots) per node: 4, one per A100 [S] polaris.yaml `max_workers_per_node`. */
  workersPerNode: number;
  /** What a block asks of each node: 32 cores and 4 GPUs [S] polaris.yaml `cpus_per_node`, `ngpus=4`. */
  coresPerNode: number;
  gpusPerNode: number;
  /** Memory asked per node, MB: 0, none in the select line [S]. */
  memoryPerNodeMB: number;
  /** Seconds between strategy passes: 5 [S] engines/globus_compute.py `strategy_period`. */
  strategyPeriod: number;
  /** Seconds without outstanding tasks before blocks are scaled in: 120 [S] same (ALCF MEPs: 240 [S]). */
  maxIdletime: number;
  /** From the batch job's start to its nodes running the worker pool (launcher, Python start-up), s: 60 [E] §6. */
  nodeStart: Distribution;
  /** Running `worker_init` (environment activation) before the managers register, s: 60 [E] §6. */
  workerInit: Distribution;
  /**
   * From a free worker being chosen to the function running (interchange → manager → worker, deserialising),
   * s: 0.5 (0.1–2) [R/E] §6, as a lognormal of median 0.5 s whose σ 0.6 puts 0.1–2 s at its 1st–99th percentiles.
   */
  dispatch: Distribution;
  /** Manager heartbeat period and the silence after which the interchange declares it lost, s: 30 / 120 [S]. */
  heartbeatPeriod: number;
  heartbeatThreshold: number;
  /** Resubmissions of a task after a system failure: 0 [S] docs/endpoints/config_reference.rst. */
  maxRetriesOnSystemFailure: number;
  /** Probability that a task's worker process dies during its run (`WorkerLost`): 0.01 [E] §6. */
  systemFailureProbability: number;
}

export const DEFAULT_HTEX_PARAMS: Readonly<HtexParams> = {
  queue: 'debug-scaling',
  walltime: HOUR,
  nodesPerBlock: 1,
  initBlocks: 0,
  minBlocks: 0,
  maxBlocks: 2,
  parallelism: 1,
  workersPerNode: 4,
  coresPerNode: 32,
  gpusPerNode: 4,
  memoryPerNodeMB: 0,
  strategyPeriod: 5,
  maxIdletime: 120,
  nodeStart: constant(MINUTE, 'duration'),
  workerInit: constant(MINUTE, 'duration'),
  dispatch: lognormal({ median: 0.5, sigma: 0.6 }, 'duration'),
  heartbeatPeriod: 30,
  heartbeatThreshold: 120,
  maxRetriesOnSystemFailure: 0,
  systemFailureProbability: 0.01,
};

/**
 * The user-endpoint defaults of the ALCF Polaris MEP [S] argonne-lcf/user-guides docs/services/globus-compute.md:
 * walltime 1 h, 1 node per block, 100 workers per node, 240 s idle time, 0/0/1 init/min/max blocks. `queue` has
 * no default there (it is required); `debug` is the queue of all the guide's examples.
 */
export const ALCF_POLARIS_MEP_HTEX_PARAMS: Readonly<HtexParams> = {
  ...DEFAULT_HTEX_PARAMS,
  queue: 'debug',
  walltime: HOUR,
  nodesPerBlock: 1,
  workersPerNode: 100,
  maxIdletime: 240,
  initBlocks: 0,
  minBlocks: 0,
  maxBlocks: 1,
};

function fail(component: string, field: string, problem: string): never {
  throw new RangeError(`${component} ${field} ${problem}`);
}

function wholeAtLeast(component: string, field: string, value: number, min: number): void {
  if (!(Number.isInteger(value) && value >= min)) {
    fail(component, field, `must be a whole number >= ${min}, got ${value}`);
  }
}

function positive(component: string, field: string, value: number): void {
  if (!(value > 0)) fail(component, field, `must be > 0, got ${value}`);
}

function probability(component: string, field: string, value: number): void {
  if (!(value >= 0 && value <= 1)) fail(component, field, `must be in [0, 1], got ${value}`);
}

/** The service defaults with `overrides` applied, checked. */
export function computeServiceParams(overrides: Partial<ComputeServiceParams> = {}): ComputeServiceParams {
  const p = { ...DEFAULT_COMPUTE_SERVICE_PARAMS, ...overrides };
  const at = 'Globus Compute service:';
  wholeAtLeast(at, 'rateLimitRequests', p.rateLimitRequests, 1);
  wholeAtLeast(at, 'maxTasksPerRequest', p.maxTasksPerRequest, 1);
  for (const field of [
    'rateLimitWindow',
    'maxSubmissionBytes',
    'maxResultBytes',
    'resultRetention',
    'taskTtl',
  ] as const) {
    positive(at, field, p[field]);
  }
  return p;
}

/** The endpoint defaults with `overrides` applied, checked. */
export function endpointParams(overrides: Partial<EndpointParams> = {}): EndpointParams {
  const p = { ...DEFAULT_ENDPOINT_PARAMS, ...overrides };
  const at = 'Globus Compute endpoint:';
  positive(at, 'heartbeatPeriod', p.heartbeatPeriod);
  if (!(p.heartbeatThreshold >= p.heartbeatPeriod)) {
    fail(
      at,
      'heartbeatThreshold',
      `must be >= heartbeatPeriod (${p.heartbeatPeriod}), got ${p.heartbeatThreshold}`,
    );
  }
  return p;
}

/** `base` (the Polaris example by default) with `overrides` applied, checked. */
export function htexParams(
  overrides: Partial<HtexParams> = {},
  base: Readonly<HtexParams> = DEFAULT_HTEX_PARAMS,
): HtexParams {
  const p = { ...base, ...overrides };
  const at = `HTEX (queue ${p.queue}):`;
  wholeAtLeast(at, 'nodesPerBlock', p.nodesPerBlock, 1);
  wholeAtLeast(at, 'workersPerNode', p.workersPerNode, 1);
  wholeAtLeast(at, 'minBlocks', p.minBlocks, 0);
  wholeAtLeast(at, 'initBlocks', p.initBlocks, 0);
  wholeAtLeast(at, 'maxBlocks', p.maxBlocks, 1);
  if (p.minBlocks > p.maxBlocks) fail(at, 'minBlocks', `(${p.minBlocks}) exceeds maxBlocks (${p.maxBlocks})`);
  if (p.initBlocks > p.maxBlocks)
    fail(at, 'initBlocks', `(${p.initBlocks}) exceeds maxBlocks (${p.maxBlocks})`);
  wholeAtLeast(at, 'coresPerNode', p.coresPerNode, 0);
  wholeAtLeast(at, 'gpusPerNode', p.gpusPerNode, 0);
  wholeAtLeast(at, 'maxRetriesOnSystemFailure', p.maxRetriesOnSystemFailure, 0);
  if (!(p.parallelism >= 0 && p.parallelism <= 1))
    fail(at, 'parallelism', `must be in [0, 1], got ${p.parallelism}`);
  if (!(p.memoryPerNodeMB >= 0)) fail(at, 'memoryPerNodeMB', `must be >= 0, got ${p.memoryPerNodeMB}`);
  for (const field of ['walltime', 'strategyPeriod', 'heartbeatPeriod'] as const)
    positive(at, field, p[field]);
  if (!(p.maxIdletime >= 0)) fail(at, 'maxIdletime', `must be >= 0, got ${p.maxIdletime}`);
  if (!(p.heartbeatThreshold >= p.heartbeatPeriod)) {
    fail(
      at,
      'heartbeatThreshold',
      `must be >= heartbeatPeriod (${p.heartbeatPeriod}), got ${p.heartbeatThreshold}`,
    );
  }
  probability(at, 'systemFailureProbability', p.systemFailureProbability);
  return p;
}
