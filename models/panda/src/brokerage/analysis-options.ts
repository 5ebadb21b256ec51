// Configuration of the analysis job brokerage: the gdpconfig keys `AtlasAnalJobBroker.doBrokerage`
// (pandajedi/jedibrokerage/AtlasAnalJobBroker.py) reads — component `anal_jobbroker` unless noted — with the
// defaults the code falls back to, and the constants hard-coded in the function (brokerage.md §4 table).

export interface AnalysisJobBrokerOptions {
  /** `MIN_BAD_JOBS_TO_SKIP_PQ`: failed + closed above max(2 × finished, this) marks a PQ problematic. */
  MIN_BAD_JOBS_TO_SKIP_PQ: number;
  /** `prio_mgr/CAP_RUNNING_USER_JOBS` (…`_CORES`, `…_GROUP_JOBS`, `…_GROUP_CORES`); null = not configured. */
  CAP_RUNNING_USER_JOBS: number | null;
  CAP_RUNNING_USER_CORES: number | null;
  CAP_RUNNING_GROUP_JOBS: number | null;
  CAP_RUNNING_GROUP_CORES: number | null;
  /**
   * `analy_eval/USER_USAGE_THRESHOLD_A` (app pandaserver): running-slot budget of a user on A sites. The broker
   * also reads `USER_USAGE_THRESHOLD_B` but never uses it; the task's job outcomes are expected over the
   * `TW_DONE_JOB_STAT` window (6 h), which the snapshot builder applies.
   */
  USER_USAGE_THRESHOLD_A: number;
  /** `BASE_QUEUE_LENGTH_PER_PQ`: below this many queued jobs of the share a PQ is never throttled. */
  BASE_QUEUE_LENGTH_PER_PQ: number;
  /** `BASE_EXPECTED_WAIT_HOUR_ON_PQ`: queues shorter than this many hours of starts are not throttled. */
  BASE_EXPECTED_WAIT_HOUR_ON_PQ: number;
  /** `BASE_DEFAULT_QUEUE_LENGTH_PER_PQ_USER`: floor of a user's queue limit at a PQ. */
  BASE_DEFAULT_QUEUE_LENGTH_PER_PQ_USER: number;
  /** `BASE_QUEUE_RATIO_ON_PQ`: a user may queue this fraction of the PQ's running jobs. */
  BASE_QUEUE_RATIO_ON_PQ: number;
  /** `STATIC_MAX_QUEUE_RUNNING_RATIO`: PQ queue limit as a multiple of its running jobs. */
  STATIC_MAX_QUEUE_RUNNING_RATIO: number;
  /** `MAX_EXPECTED_WAIT_HOUR`: PQ queue limit as hours of starts. */
  MAX_EXPECTED_WAIT_HOUR: number;
  /** A replica is complete if at most this many files are missing … */
  MAX_MISSING_INPUT_FILES: number;
  /** … or at least this percentage is present. */
  MIN_INPUT_COMPLETENESS: number;
  /** `IO_INTENSITY_CUTOFF_USER`, kB/s: tasks at or below it may ignore data locality; null = not configured. */
  IO_INTENSITY_CUTOFF_USER: number | null;
  /** `DATA_CHECK_TIMEOUT_USER`, hours frozen after which locality may be ignored; null = not configured. */
  DATA_CHECK_TIMEOUT_USER: number | null;
  /** `OVERLOAD_MIN_QUEUE`: PQs with at most this many queued jobs are never overloaded. */
  OVERLOAD_MIN_QUEUE: number;
  /** `OVERLOAD_RATIO_OFFSET`: overloaded when queued/running exceeds the global ratio times this. */
  OVERLOAD_RATIO_OFFSET: number;
  /** `jobbroker/STORAGE_MIN_FREE_SIZE`, GB at the input RSE when input must be transferred. */
  STORAGE_MIN_FREE_SIZE: number;
  /** `STORAGE_MIN_FREE_SIZE_OUTPUT`, GB at the output RSE. */
  STORAGE_MIN_FREE_SIZE_OUTPUT: number;
  /** `jobbroker/MAX_DISKIO_DEFAULT`, kB/s per core when the PQ sets no `maxDiskio`. */
  MAX_DISKIO_DEFAULT: number;
  /** `jobbroker/MIN_WEIGHT_<label>_<gshare>` then `MIN_WEIGHT_<label>`; keys written without the prefix. */
  MIN_WEIGHT: Record<string, number>;
  // --- constants hard-coded in doBrokerage ---
  /** `task_prio_cutoff_for_input_data_motion`: tasks at or above it may ignore locality. */
  taskPriorityToIgnoreLocality: number;
  /** `maxNumSites` handed to the job splitter. */
  maxNumSites: number;
  /** User Analysis throttle thresholds (%) per task class: A 100, B min(95, A), C min(90, B). */
  throttlePercentA: number;
  throttlePercentB: number;
  throttlePercentC: number;
  /** `user_analyis_throttle_intensity_A`. */
  throttleIntensityA: number;
  /** `weight_epsilon_init`, `_hi_mid`, `_hi_lo`, `_mid_lo` of the new basic weight. */
  weightEpsilonInit: number;
  weightEpsilonHiMid: number;
  weightEpsilonHiLo: number;
  weightEpsilonMidLo: number;
  /** `RT_Cap` of the resource-type cap (computed and logged only). */
  resourceTypeCapFactor: number;
  /** Floor of that cap (`max(20, …)`). */
  resourceTypeCapFloor: number;
  /** `JobUtils.MEMORY_COMPENSATION`. */
  memoryCompensation: number;
  /** `JediTaskSpec.getWorkDiskSize` safety margin, bytes. */
  workDiskSafetyMargin: number;
  /**
   * `diskNorm`: GB of local input per +1 of the data factor without locality. (The code's `tapeNorm` = 1000 sits
   * in a branch that cannot be reached.)
   */
  diskNorm: number;
}

/** Code defaults. */
export const DEFAULT_ANALYSIS_JOB_BROKER_OPTIONS: AnalysisJobBrokerOptions = {
  MIN_BAD_JOBS_TO_SKIP_PQ: 5,
  CAP_RUNNING_USER_JOBS: null,
  CAP_RUNNING_USER_CORES: null,
  CAP_RUNNING_GROUP_JOBS: null,
  CAP_RUNNING_GROUP_CORES: null,
  USER_USAGE_THRESHOLD_A: 1000,
  BASE_QUEUE_LENGTH_PER_PQ: 100,
  BASE_EXPECTED_WAIT_HOUR_ON_PQ: 8,
  BASE_DEFAULT_QUEUE_LENGTH_PER_PQ_USER: 5,
  BASE_QUEUE_RATIO_ON_PQ: 0.05,
  STATIC_MAX_QUEUE_RUNNING_RATIO: 2.0,
  MAX_EXPECTED_WAIT_HOUR: 12.0,
  MAX_MISSING_INPUT_FILES: 10,
  MIN_INPUT_COMPLETENESS: 90,
  IO_INTENSITY_CUTOFF_USER: null,
  DATA_CHECK_TIMEOUT_USER: null,
  OVERLOAD_MIN_QUEUE: 20,
  OVERLOAD_RATIO_OFFSET: 1.2,
  STORAGE_MIN_FREE_SIZE: 200,
  STORAGE_MIN_FREE_SIZE_OUTPUT: 200,
  MAX_DISKIO_DEFAULT: 10 ** 10,
  MIN_WEIGHT: {},
  taskPriorityToIgnoreLocality: 2000,
  maxNumSites: 10,
  throttlePercentA: 100,
  throttlePercentB: 95,
  throttlePercentC: 90,
  throttleIntensityA: 1.0,
  weightEpsilonInit: 0.001,
  weightEpsilonHiMid: 0.05,
  weightEpsilonHiLo: 0.002,
  weightEpsilonMidLo: 0.1,
  resourceTypeCapFactor: 2,
  resourceTypeCapFloor: 20,
  memoryCompensation: 0.9,
  workDiskSafetyMargin: 300 * 1024 * 1024,
  diskNorm: 10,
};

export function resolveAnalysisJobBrokerOptions(
  overrides: Partial<AnalysisJobBrokerOptions> = {},
): AnalysisJobBrokerOptions {
  return { ...DEFAULT_ANALYSIS_JOB_BROKER_OPTIONS, ...overrides };
}

/** `MIN_WEIGHT_<label>_<gshare>`, falling back to `MIN_WEIGHT_<label>`, else 0. */
export function minWeight(options: AnalysisJobBrokerOptions, label: string, gshare: string): number {
  return options.MIN_WEIGHT[`${label}_${gshare}`] ?? options.MIN_WEIGHT[label] ?? 0;
}
