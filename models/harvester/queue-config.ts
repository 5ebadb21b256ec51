/**
 * A Harvester queue configuration (one PanDA queue), under the names of Harvester's JSON queue config
 * (`queueName`, `mapType`, `nQueueLimitWorker`..., HSF/harvester `harvestercore/queue_config_mapper.py`), and
 * the templates of providers.md §1.7 as presets, from HSF/harvester d561b72 `examples/panda_queueconfig_funcx.json`
 * ([S] unless tagged otherwise).
 *
 * Left out: the job-type dimension, core and memory queue limits (`nQueueLimitJobCores...`), `runMode: slave`
 * (Unified Pilot Streaming), `allowJobMixture: false` (chunks here mix tasks freely), and
 * `nQueueLimitJobMax`, which the current `get_num_jobs_to_fetch` no longer reads.
 */

/**
 * `NoJob` = pull (empty pilots fetch their own jobs), `OneToOne` = push (one job per worker), `ManyToOne` =
 * push of `nJobsPerWorker` jobs per worker (multi-node HPC). `OneToMany` (event service) is not modelled.
 */
export type MapType = 'NoJob' | 'OneToOne' | 'ManyToOne';

/** PanDA queue status; offline, standby and maintenance stop submission (`define_num_workers`). */
export type QueueStatus = 'online' | 'brokeroff' | 'offline' | 'standby' | 'maintenance';

/** A plugin section of the queue config; only its name is kept (modules and paths do not matter here). */
export interface PluginSection {
  readonly name: string;
}

/**
 * The submitter section, with the worker shape it asks for. Harvester takes the cores, memory and walltime of
 * a pull-mode worker from CRIC (`corecount`, `maxrss`, `maxtime`) and batch submitters carry `nCorePerNode`;
 * here they sit together.
 */
export interface SubmitterSection extends PluginSection {
  /** Cores per node of a worker (CRIC `corecount`, submitter `nCorePerNode`). */
  readonly nCorePerNode: number;
  /** GPUs per node (LCF GPU queues). */
  readonly nGpuPerNode: number;
  /** Memory per node, MB (CRIC `maxrss`). */
  readonly memoryPerNodeMB: number;
  /** The provider-side queue (LCF batch queue such as Polaris `prod`); the PanDA queue name when absent. */
  readonly batchQueue?: string;
  /** No pilot at all while the queue has no activated job (`noPilotsWhenNoActiveJobs`); else one is kept. */
  readonly noPilotsWhenNoActiveJobs: boolean;
}

export interface WorkerMakerSection extends PluginSection {
  /** Jobs per worker in `ManyToOne` mode (`MultiJobWorkerMaker.nJobsPerWorker`), one node each. */
  readonly nJobsPerWorker: number;
}

export interface QueueConfig {
  readonly queueName: string;
  /** The PanDA site name Harvester asks jobs for (`siteName`, usually the queue name). */
  readonly siteName: string;
  readonly queueStatus: QueueStatus;
  readonly prodSourceLabel: string;
  readonly mapType: MapType;
  /** The payload side reports job heartbeats and final states to the server itself; else the propagator does. */
  readonly truePilot: boolean;
  /** Workers queued + running at most (0 = no limit). */
  readonly maxWorkers: number;
  /** Queued-worker limit when no ratio is set. */
  readonly nQueueLimitWorker?: number;
  /** Queued-worker limit as a percentage of running workers, clamped to Min/Max. */
  readonly nQueueLimitWorkerRatio?: number;
  readonly nQueueLimitWorkerMin?: number;
  readonly nQueueLimitWorkerMax?: number;
  /** New workers per queue per submitter cycle (0 = no limit). */
  readonly maxNewWorkersPerCycle: number;
  /** Push mode: jobs held before their workers run; a queue without it never fetches. */
  readonly nQueueLimitJob?: number;
  /** Percentage of running jobs, floored at nQueueLimitJobMin, capped by nQueueLimitJob. */
  readonly nQueueLimitJobRatio?: number;
  readonly nQueueLimitJobMin?: number;
  /** Submissions of a job's worker before the job fails. */
  readonly maxSubmissionAttempts: number;
  /** Walltime asked for a worker (jobs asking less in OneToOne get what they ask), s. */
  readonly walltimeLimit: number;
  readonly submitter: SubmitterSection;
  readonly workerMaker: WorkerMakerSection;
  readonly preparator: PluginSection;
  readonly stager: PluginSection;
  readonly monitor: PluginSection;
  readonly sweeper: PluginSection;
}

/** What a template fixes; a queue adds its name and the worker shape of its submitter. */
export type QueueTemplate = Omit<QueueConfig, 'queueName' | 'siteName' | 'submitter' | 'workerMaker'> & {
  readonly submitter: PluginSection & Partial<SubmitterSection>;
  readonly workerMaker: PluginSection & Partial<WorkerMakerSection>;
};

/** Harvester's Globus Compute (formerly funcX) submitter, the seed's plugin (providers.md §1.8). */
export const FUNCX_SUBMITTER = 'GlobusComputeSubmitter';

/** What every template here keeps of `production`: an online managed queue, Harvester moving no data itself. */
const PRODUCTION = {
  queueStatus: 'online',
  prodSourceLabel: 'managed',
  workerMaker: { name: 'SimpleWorkerMaker' },
  preparator: { name: 'DummyPreparator' },
  stager: { name: 'DummyStager' },
} as const satisfies Partial<QueueTemplate>;

const K8S_PLUGINS = {
  submitter: { name: 'K8sSubmitter' },
  monitor: { name: 'K8sMonitor' },
  sweeper: { name: 'K8sSweeper' },
} as const satisfies Partial<QueueTemplate>;

/** `production.pull`: grid pull through HTCondor-CEs. */
export const GRID_PULL_TEMPLATE: QueueTemplate = {
  ...PRODUCTION,
  mapType: 'NoJob',
  truePilot: true,
  // [E] the example's `maxWorkers: 10` is a test value; production grid queues set thousands, and the K8s
  // pull template's 10,000 is used here.
  maxWorkers: 10_000,
  nQueueLimitWorkerRatio: 50,
  nQueueLimitWorkerMin: 100,
  nQueueLimitWorkerMax: 10_000,
  maxNewWorkersPerCycle: 100,
  maxSubmissionAttempts: 3,
  walltimeLimit: 1_209_600,
  submitter: { name: 'HTCondorSubmitter' },
  monitor: { name: 'HTCondorMonitor' },
  sweeper: { name: 'HTCondorSweeper' },
};

/** `production_k8s.pull`. */
export const K8S_PULL_TEMPLATE: QueueTemplate = {
  ...PRODUCTION,
  ...K8S_PLUGINS,
  mapType: 'NoJob',
  truePilot: true,
  maxWorkers: 10_000,
  nQueueLimitWorker: 50,
  nQueueLimitWorkerRatio: 40,
  nQueueLimitWorkerMin: 1,
  nQueueLimitWorkerMax: 100,
  maxNewWorkersPerCycle: 50,
  maxSubmissionAttempts: 3,
  walltimeLimit: 1_209_600,
};

/** `production_k8s.push`. */
export const K8S_PUSH_TEMPLATE: QueueTemplate = {
  ...PRODUCTION,
  ...K8S_PLUGINS,
  mapType: 'OneToOne',
  truePilot: true,
  maxWorkers: 50_000,
  nQueueLimitWorker: 10_000,
  nQueueLimitWorkerRatio: 50,
  maxNewWorkersPerCycle: 500,
  nQueueLimitJob: 10_000,
  maxSubmissionAttempts: 5,
  walltimeLimit: 172_800,
};

/**
 * `BNL_Funcx_Test` over its template `production.push`: Globus Compute submitter and monitor, Harvester
 * reporting for the payloads (`truePilot: false`), Rucio stage-in and stage-out.
 */
export const FUNCX_TEMPLATE: QueueTemplate = {
  ...PRODUCTION,
  mapType: 'OneToOne',
  truePilot: false,
  maxWorkers: 100,
  nQueueLimitWorker: 10_000,
  nQueueLimitWorkerRatio: 500,
  nQueueLimitWorkerMin: 20,
  nQueueLimitWorkerMax: 500,
  maxNewWorkersPerCycle: 20,
  nQueueLimitJob: 10_000,
  nQueueLimitJobRatio: 40,
  nQueueLimitJobMin: 100,
  maxSubmissionAttempts: 3,
  walltimeLimit: 1_209_600,
  submitter: { name: FUNCX_SUBMITTER },
  preparator: { name: 'PilotmoverMTPreparator' },
  stager: { name: 'RucioStagerHPC' },
  monitor: { name: 'GlobusComputeMonitor' },
  // Inherited from `production.push` as the example leaves it.
  sweeper: { name: 'HTCondorSweeper' },
};

export interface QueueOptions extends Partial<Omit<QueueConfig, 'submitter' | 'workerMaker'>> {
  queueName: string;
  submitter: Partial<SubmitterSection> & Pick<SubmitterSection, 'nCorePerNode' | 'memoryPerNodeMB'>;
  workerMaker?: Partial<WorkerMakerSection>;
}

function checkQueue(q: QueueConfig): void {
  const problems: string[] = [];
  const whole = (value: number | undefined, name: string, min: number) => {
    if (value !== undefined && !(Number.isInteger(value) && value >= min)) {
      problems.push(`${name} must be a whole number >= ${min}, got ${value}`);
    }
  };
  whole(q.maxWorkers, 'maxWorkers', 0);
  whole(q.nQueueLimitWorker, 'nQueueLimitWorker', 0);
  whole(q.nQueueLimitWorkerMin, 'nQueueLimitWorkerMin', 0);
  whole(q.nQueueLimitWorkerMax, 'nQueueLimitWorkerMax', 0);
  whole(q.maxNewWorkersPerCycle, 'maxNewWorkersPerCycle', 0);
  whole(q.nQueueLimitJob, 'nQueueLimitJob', 0);
  whole(q.nQueueLimitJobMin, 'nQueueLimitJobMin', 0);
  whole(q.maxSubmissionAttempts, 'maxSubmissionAttempts', 1);
  whole(q.submitter.nCorePerNode, 'submitter.nCorePerNode', 0);
  whole(q.submitter.nGpuPerNode, 'submitter.nGpuPerNode', 0);
  whole(q.workerMaker.nJobsPerWorker, 'workerMaker.nJobsPerWorker', 1);
  for (const ratio of ['nQueueLimitWorkerRatio', 'nQueueLimitJobRatio'] as const) {
    const value = q[ratio];
    if (value !== undefined && !(value >= 0)) problems.push(`${ratio} must be >= 0 (percent), got ${value}`);
  }
  if (!(q.walltimeLimit > 0)) problems.push(`walltimeLimit must be > 0 s, got ${q.walltimeLimit}`);
  if (!(q.submitter.memoryPerNodeMB >= 0)) {
    problems.push(`submitter.memoryPerNodeMB must be >= 0, got ${q.submitter.memoryPerNodeMB}`);
  }
  if (q.mapType === 'NoJob' && !q.truePilot) {
    problems.push('a NoJob (pull) queue needs truePilot: its pilots get and report their own jobs');
  }
  if (q.mapType !== 'NoJob' && q.nQueueLimitJob === undefined) {
    problems.push(`a ${q.mapType} (push) queue needs nQueueLimitJob, or its JobFetcher never fetches`);
  }
  if (problems.length > 0) throw new RangeError(`queue ${q.queueName}: ${problems.join('; ')}`);
}

/** A queue from a template and its own settings (the template's `templateQueueName` inheritance), checked. */
export function queueConfig(template: QueueTemplate, options: QueueOptions): QueueConfig {
  const config: QueueConfig = {
    ...template,
    siteName: options.queueName,
    ...options,
    submitter: {
      nGpuPerNode: 0,
      noPilotsWhenNoActiveJobs: false,
      ...template.submitter,
      ...options.submitter,
    },
    workerMaker: { nJobsPerWorker: 1, ...template.workerMaker, ...options.workerMaker },
  };
  checkQueue(config);
  return config;
}
