// Configuration of the production job brokerage: the gdpconfig keys `AtlasProdJobBroker` reads (component
// `jobbroker`, app `jedi`, vo `atlas`) with the defaults the code falls back to when a key is absent, the
// constants hard-coded in `doBrokerage`, and — where PanDA's documentation describes a different rule than the
// code (brokerage.md §9) — a switch to the documented variant. Code behaviour is always the default.

/** Where the code and the Brokerage documentation page disagree (brokerage.md §9). */
export interface ProdDocumentedVariants {
  /** §9.1 queue cap: code `activated+starting(+assigned) > max(cutOff, 2×running)`; docs add `defined`. */
  cap: 'code' | 'docs';
  /** §9.2 manyAssigned: code `clamp((Ass+1)/(Act+1), 1, 2)`; docs `max(1, min(2, Ass/Act))`. */
  manyAssigned: 'code' | 'docs';
  /** §9.3 express: code `currentPriority > 1000`; docs `≥ 1000` (processingType `urgent` in both). */
  express: 'code' | 'docs';
  /** §9.4 status filter: code keeps `online` and `standby`; docs `online` only. */
  status: 'code' | 'docs';
  /** §9.9 FTS throughput key: code reads 1w→1d→1h and stops at the first missing key; docs use the freshest present. */
  mbps: 'code' | 'docs';
}

export interface ProdJobBrokerOptions {
  /** Multiply the network weight into the site weight (otherwise it is only computed and reported). */
  NW_ACTIVE: boolean;
  /** Share of the queue term in the network weight; the throughput term gets 1 − this. */
  NW_QUEUE_IMPORTANCE: number;
  /** Express chunks need a network weight ≥ NW_THRESHOLD × NW_WEIGHT_MULTIPLIER (only when NW_ACTIVE). */
  NW_THRESHOLD: number;
  NW_WEIGHT_MULTIPLIER: number;
  /** Files queued on a satellite→nucleus link at which the link counts as full. */
  NQUEUED_SAT_CAP: number;
  /** Files queued towards the nucleus from all sources at which every satellite is held back. */
  NQUEUED_NUC_CAP_FOR_JOBS: number;
  /** kB/s; above it the input-move limits of §2.2 step 24 apply. */
  IO_INTENSITY_CUTOFF: number;
  /** Only tasks with currentPriority ≤ this bootstrap empty PQs and use worker counts / numSlots. */
  MAX_PRIO_TO_BOOTSTRAP: number;
  /** A replica is complete if at most this many files are missing … */
  MAX_MISSING_INPUT_FILES: number;
  /** … or at least this percentage is present. */
  MIN_INPUT_COMPLETENESS: number;
  /** `MIN_WEIGHT_<label>_<gshare>`, falling back to `MIN_WEIGHT_<label>`; keys written without the prefix. */
  MIN_WEIGHT: Record<string, number>;
  /** kB/s per core when the PQ sets no `maxDiskio`. */
  MAX_DISKIO_DEFAULT: number;
  /** GB of usable space required at the PQ's default output RSE. */
  STORAGE_MIN_FREE_SIZE: number;
  /** GB of missing input tolerated per PQ for IO-intensive tasks. */
  SIZE_CUTOFF_TO_MOVE_INPUT: number;
  /** Missing input files tolerated per PQ for IO-intensive tasks. */
  NUM_CUTOFF_TO_MOVE_INPUT: number;
  /** `NQUEUELIMITSITE_<gshare>`: lower bound of the queue cap per gshare; absent ⇒ `defaultQueueLimit`. */
  NQUEUELIMITSITE: Record<string, number>;
  /** `core/WORK_SHORTAGE`: apply the pledge filter (§2.2 step 18). */
  WORK_SHORTAGE: boolean;
  // --- constants hard-coded in AtlasProdJobBroker.doBrokerage ---
  /** Fallback of NQUEUELIMITSITE (`cutOffValue = 20`). */
  defaultQueueLimit: number;
  /** `cutOffFactor`: queued may reach this many times running. */
  cutOffFactor: number;
  /** `RT_Cap`: the same factor for the resource-type cap. */
  resourceTypeCapFactor: number;
  /** `WORLD_NUCLEUS_WEIGHT`: t1Weight of IO-intensive tasks. */
  worldNucleusWeight: number;
  /** ioIntensity (kB/s) above which `worldNucleusWeight` applies. */
  worldNucleusIoIntensity: number;
  /** `maxSiteCandidates` handed to the job splitter. */
  maxSiteCandidates: number;
  /** `nWorkersCutoff`: cap on Harvester workers used to bootstrap UPS queues. */
  nWorkersCutoff: number;
  /** `def_maxTransferring` when the PQ's `transferringlimit` is 0. */
  defaultMaxTransferring: number;
  /** `inactiveTimeLimit`, hours since the last job start. */
  inactiveTimeLimitHours: number;
  /** `JobUtils.MEMORY_COMPENSATION`. */
  memoryCompensation: number;
  /** `InputChunk.defaultOutputSize`, bytes (1500 MB). */
  defaultOutputSize: number;
  /** `JobBrokerBase`: scratch safety margin added to workDiskCount, bytes (300 MB; `getWorkDiskSize`). */
  workDiskSafetyMargin: number;
  /** `EventServiceUtils.defMaxAttemptEsJob`. */
  defMaxAttemptEsJob: number;
  variants: ProdDocumentedVariants;
  /** pandasim, not PanDA: list every dropped PQ with a message (off for speed when only the candidates matter). */
  explain: boolean;
}

/** Code defaults (brokerage.md §2.0). */
export const DEFAULT_PROD_JOB_BROKER_OPTIONS: ProdJobBrokerOptions = {
  NW_ACTIVE: false,
  NW_QUEUE_IMPORTANCE: 0.5,
  NW_THRESHOLD: 1.7,
  NW_WEIGHT_MULTIPLIER: 1,
  NQUEUED_SAT_CAP: 150,
  NQUEUED_NUC_CAP_FOR_JOBS: 10000,
  IO_INTENSITY_CUTOFF: 200,
  MAX_PRIO_TO_BOOTSTRAP: 150,
  MAX_MISSING_INPUT_FILES: 10,
  MIN_INPUT_COMPLETENESS: 90,
  MIN_WEIGHT: {},
  MAX_DISKIO_DEFAULT: 10 ** 10,
  STORAGE_MIN_FREE_SIZE: 200,
  SIZE_CUTOFF_TO_MOVE_INPUT: 10,
  NUM_CUTOFF_TO_MOVE_INPUT: 100,
  NQUEUELIMITSITE: {},
  WORK_SHORTAGE: false,
  defaultQueueLimit: 20,
  cutOffFactor: 2,
  resourceTypeCapFactor: 2,
  worldNucleusWeight: 4,
  worldNucleusIoIntensity: 500,
  maxSiteCandidates: 10,
  nWorkersCutoff: 20,
  defaultMaxTransferring: 2000,
  inactiveTimeLimitHours: 2,
  memoryCompensation: 0.9,
  defaultOutputSize: 1500 * 1024 * 1024,
  workDiskSafetyMargin: 300 * 1024 * 1024,
  defMaxAttemptEsJob: 3,
  variants: { cap: 'code', manyAssigned: 'code', express: 'code', status: 'code', mbps: 'code' },
  explain: true,
};

/** Options with overrides applied on top of the code defaults. */
export type ProdJobBrokerOverrides = Partial<Omit<ProdJobBrokerOptions, 'variants'>> & {
  variants?: Partial<ProdDocumentedVariants>;
};

export function resolveProdJobBrokerOptions(overrides: ProdJobBrokerOverrides = {}): ProdJobBrokerOptions {
  return {
    ...DEFAULT_PROD_JOB_BROKER_OPTIONS,
    ...overrides,
    variants: { ...DEFAULT_PROD_JOB_BROKER_OPTIONS.variants, ...overrides.variants },
  };
}
