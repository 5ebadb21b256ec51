/**
 * A scenario as the simulator takes it: what a scenario file says once it is loaded — units parsed to seconds,
 * bytes and bytes/s, distributions built, defaults applied and every reference checked (scenarios/load.ts).
 * SimGrid's split is kept: the platform (who computes and how they are connected), the application (workflows
 * and the background load) and the deployment (the placement policy, chosen per run).
 *
 * Every model parameter that comes from a paper or a measurement names it in `source`, a key of
 * `Scenario.sources`, so a report can print where each number came from.
 */
import type { GlobalShareRow } from '@pandasim/panda';
import type { Distribution } from '../sim/distributions.ts';
import type { FaultSpec } from './fault-spec.ts';
import type { JobRecord } from '../models/workload/job-records.ts';
import type { MapType, QueueStatus as HarvesterQueueStatus } from '../models/harvester/queue-config.ts';

/** A citation key into `Scenario.sources`. */
export type SourceKey = string;

export interface Scenario {
  /** Short name, used in output paths and reports. */
  readonly name: string;
  readonly description: string;
  /** The file it was loaded from ('<embedded>' for a built-in one). */
  readonly file: string;
  /** Simulated time the run lasts at most, s; work still running then is counted as such. */
  readonly horizon: number;
  /** Seeds `compare` uses when none are given. */
  readonly seeds: readonly number[];
  /** Policies `compare` runs when none are given (names of scenarios/policies modules). */
  readonly policies: readonly string[];
  /** Citation key → full reference (paper with DOI/arXiv, documentation URL, measurement). */
  readonly sources: Readonly<Record<SourceKey, string>>;
  readonly platform: Platform;
  /** The GLOBAL_SHARES table (fairshare.md §1), parents before children. */
  readonly shares: readonly GlobalShareRow[];
  readonly background: readonly BackgroundLoad[];
  /** PanDA job records replayed as background load (models/workload/trace-replay.ts); none when absent. */
  readonly traces?: readonly TraceSpec[];
  /** Faults injected into the world (scenarios/world/faults.ts); none when absent. */
  readonly faults?: readonly FaultSpec[];
  readonly workflows: readonly WorkflowSpec[];
  /** USD the `cost-aware` policy may spend on paid resources (commercial cloud); none when absent. */
  readonly budget?: number;
  /**
   * Fraction of each grid site's cores the background keeps busy when the run starts (a grid in its steady
   * state rather than empty, split over the loads in proportion to their demand); 0 or absent = empty.
   */
  readonly warmStart?: number;
}

// ---------------------------------------------------------------------------------------------------------
// Platform

export interface Platform {
  readonly network: NetworkSpec;
  readonly gridSites: readonly GridSiteSpec[];
  readonly hpc: readonly HpcSpec[];
  readonly funcx: readonly FuncxSpec[];
  readonly cloud: readonly CloudSpec[];
  readonly local: readonly LocalSpec[];
}

export interface NetworkSpec {
  readonly regions: readonly RegionSpec[];
  readonly links: readonly InterRegionLinkSpec[];
  readonly source?: SourceKey;
}

export interface RegionSpec {
  readonly name: string;
  /** Capacity of the region's backbone, bytes/s. */
  readonly backbone: number;
  /** One-way latency inside the region, s. */
  readonly latency: number;
}

export interface InterRegionLinkSpec {
  readonly a: string;
  readonly b: string;
  /** bytes/s */
  readonly bandwidth: number;
  /** one-way, s */
  readonly latency: number;
}

/** Every compute resource: its name is also its PanDA queue name and its storage endpoint's prefix. */
interface ResourceBase {
  readonly name: string;
  readonly region: string;
  /** Capacity of the site's link to its region, bytes/s. */
  readonly uplink: number;
  readonly source?: SourceKey;
}

/**
 * Harvester queue-config knobs a catalog sets for a resource's PanDA queues, over the world's template (the
 * names of Harvester's JSON queue config; scenarios/world/platform.ts applies them). An hpc entry folds
 * `nJobsPerWorker` into its `jobsPerWorker`.
 */
export interface HarvesterQueueSpec {
  readonly queueStatus?: HarvesterQueueStatus;
  readonly mapType?: MapType;
  readonly truePilot?: boolean;
  readonly maxWorkers?: number;
  readonly nQueueLimitWorker?: number;
  readonly nQueueLimitWorkerRatio?: number;
  readonly nQueueLimitWorkerMin?: number;
  readonly nQueueLimitWorkerMax?: number;
  readonly maxNewWorkersPerCycle?: number;
  readonly nQueueLimitJob?: number;
  readonly nQueueLimitJobRatio?: number;
  readonly nQueueLimitJobMin?: number;
  readonly maxSubmissionAttempts?: number;
  /** s */
  readonly walltimeLimit?: number;
  readonly nJobsPerWorker?: number;
  readonly noPilotsWhenNoActiveJobs?: boolean;
}

/** CRIC status of a PanDA queue as a catalog gives it; production brokerage only uses online queues. */
export type GridQueueStatus = 'online' | 'brokeroff' | 'test' | 'offline';

export interface GridSiteSpec extends ResourceBase {
  /** Status of its PanDA queues: anything but online keeps the brokerage away; offline also stops its pilots. */
  readonly status: GridQueueStatus;
  readonly harvester?: HarvesterQueueSpec;
  /** A Tier-1 nucleus: tasks' outputs collect at a nucleus (task brokerage picks it). */
  readonly nucleus: boolean;
  readonly batchSystem: 'htcondor' | 'slurm' | 'pbs';
  readonly slots: number;
  readonly coresPerSlot: number;
  readonly memoryPerCoreMB: number;
  /** PanDA corepower. */
  readonly hs06PerCore: number;
  /** The pilot's wait in the site's batch queue. */
  readonly queueWait: Distribution;
  readonly payloadFailureProbability: number;
  readonly workerLossProbability: number;
  /** Longest walltime a job gets, s. */
  readonly maxWalltime: number;
  /** Storage the site offers for outputs, bytes. */
  readonly storage: number;
}

export type HpcMachineName = 'polaris' | 'perlmutter' | 'frontier';

export interface HpcSpec extends ResourceBase {
  readonly harvester?: HarvesterQueueSpec;
  /** A preset of models/hpc/machines.ts. */
  readonly machine: HpcMachineName;
  /** Nodes of the machine the project can use at once (a share of it, not the whole machine). */
  readonly nodes: number;
  /** Node-hours of the allocation. */
  readonly allocationNodeHours: number;
  /** The batch queue Harvester submits to (e.g. Polaris `preemptable`). */
  readonly batchQueue: string;
  /**
   * Jobs one Harvester worker (batch job) bundles (`MultiJobWorkerMaker.nJobsPerWorker`, `ManyToOne`), each on a
   * node of its own: a PanDA job holds a whole LCF node, whatever part of its GPUs it uses.
   */
  readonly jobsPerWorker: number;
}

export interface FuncxSpec extends ResourceBase {
  readonly harvester?: HarvesterQueueSpec;
  /** The HPC resource (an `HpcSpec` name) whose batch system provisions the Parsl blocks. */
  readonly hpc: string;
  readonly batchQueue: string;
  readonly nodesPerBlock: number;
  readonly maxBlocks: number;
  /** Workers per node (one task per GPU). */
  readonly workersPerNode: number;
}

export interface CloudSpec extends ResourceBase {
  readonly harvester?: HarvesterQueueSpec;
  readonly instanceType: string;
  readonly coresPerNode: number;
  readonly gpusPerNode: number;
  /** GPU speed relative to an A100. */
  readonly gpuSpeed: number;
  readonly hs06PerCore: number;
  readonly maxNodes: number;
  /** Price, USD per node-hour. */
  readonly pricePerNodeHour: number;
  readonly spot: boolean;
}

export interface LocalSpec extends ResourceBase {
  readonly cores: number;
  readonly gpus: number;
  readonly gpuSpeed: number;
  readonly hs06PerCore: number;
}

// ---------------------------------------------------------------------------------------------------------
// Application

/** Background production or analysis load of one global share: tasks arrive as a Poisson process. */
export interface BackgroundLoad {
  readonly gshare: string;
  readonly prodSourceLabel: 'managed' | 'user';
  /** Mean tasks per second. */
  readonly taskRate: number;
  readonly jobsPerTask: Distribution;
  /** CPU work per job, HS06·s. */
  readonly cpuPerJob: Distribution;
  readonly coreCount: number;
  readonly ramMB: number;
  /** Walltime the jobs ask for, s. */
  readonly walltime: number;
  readonly inputBytesPerJob: number;
  readonly outputBytesPerJob: number;
  readonly priority: number;
  /** Users submitting (analysis): a task's owner is drawn among them. */
  readonly users: number;
  readonly source?: SourceKey;
}

/** A file of PanDA job records replayed as background load (models/workload/trace-replay.ts). */
export interface TraceSpec {
  /** Names the trace's job class (`trace:<name>`); the file's name without extension unless given. */
  readonly name: string;
  /** The file, as resolved against the scenario's. */
  readonly file: string;
  readonly records: readonly JobRecord[];
  readonly gshare: string;
  readonly prodSourceLabel: 'managed' | 'user';
  readonly priority: number;
  /** `recorded`: each job at the queue it ran at; `broker`: JEDI brokers the trace's tasks. */
  readonly route: 'recorded' | 'broker';
  /** A record's queue (`computingsite`) → the grid site it runs at here; `*` for every queue not listed. */
  readonly queueMap: Readonly<Record<string, string>>;
  /** When the trace's first job is created, s from the start of the run. */
  readonly timeShift: number;
}

export interface WorkflowSpec {
  readonly name: string;
  /** Owner (PanDA's compact DN). */
  readonly user: string;
  /** When the workflow is submitted, s. */
  readonly submitAt: number;
  readonly tasks: readonly WorkflowTaskSpec[];
}

/** What a task needs from the hardware: CPU cores, or GPUs (with a CPU fallback for CPU-only placements). */
export type TaskKind = 'cpu' | 'gpu';

export interface WorkflowTaskSpec {
  /** Unique inside its workflow. */
  readonly name: string;
  /** Tasks whose outputs this one reads; it starts when they are done (or, with `stream`, as they appear). */
  readonly after: readonly string[];
  /** Start on the parents' outputs as they appear instead of waiting for the parents to finish. */
  readonly stream: boolean;
  readonly kind: TaskKind;
  readonly gshare: string;
  readonly prodSourceLabel: 'managed' | 'user';
  readonly priority: number;
  readonly nJobs: number;
  /** CPU work per job, HS06·s (cpu tasks). */
  readonly cpuPerJob?: Distribution;
  /** GPU work per job, seconds on one A100 (gpu tasks). */
  readonly gpuPerJob?: Distribution;
  /** HS06·s of CPU work that stand for one A100-second when a gpu task lands on CPUs only. */
  readonly cpuPerGpuSecond?: number;
  readonly coreCount: number;
  readonly gpusPerJob: number;
  readonly ramMB: number;
  /** Walltime a job asks for, s; longer work checkpoints and restarts (`checkpointEvery`). */
  readonly walltime: number;
  /** A job writes a checkpoint this often, s of its run; a killed job resumes from its last checkpoint. */
  readonly checkpointEvery?: number;
  readonly inputBytesPerJob: number;
  /** Input every job needs that is the same for all (a trained model, a parameterisation): fetched once per site. */
  readonly sharedInputBytes: number;
  readonly outputBytesPerJob: number;
  readonly source?: SourceKey;
}
