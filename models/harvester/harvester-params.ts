/**
 * Harvester's timing knobs: one loop per agent, with the defaults of `templates/panda/panda_harvester.cfg.rpmnew.template`
 * (HSF/harvester d561b72; providers.md §1.6) and the network hops of a deployment. Tags as in providers.md:
 * [S] read in the source, [R] recalled, [E] an estimate.
 *
 * Every agent thread sleeps `sleepTime` between cycles; `core_utils.sleep` draws each sleep uniformly from the
 * whole seconds in [0.4·sleepTime, 1.4·sleepTime] unless the agent asks for no randomisation [S], and the
 * master starts `nThreads` such threads per agent (3 in the template) [S]. A hand-off between two agents
 * therefore waits for the next wake of any thread of the second: up to a cycle, and less on average than
 * half a cycle when several threads run.
 */

export interface AgentLoopParams {
  /** Threads running the agent's loop independently (`nThreads`). */
  nThreads: number;
  /** Seconds between cycles (`sleepTime`). */
  sleepTime: number;
  /** Each sleep drawn from the integers in [0.4·sleepTime, 1.4·sleepTime] (`core_utils.sleep`). */
  randomizeSleep: boolean;
  /**
   * Seconds from `start` to each thread's first cycle; undefined draws it uniformly in [0, sleepTime), so the
   * agents' phases are independent (as after a long run) and a replication averages over them.
   */
  firstWake?: number;
}

export interface JobFetcherParams extends AgentLoopParams {
  /** A queue is asked for jobs at most once per `lookupTime`, s. */
  lookupTime: number;
  /** Jobs fetched per queue per cycle, at most. */
  maxJobs: number;
  /** Queues served per cycle. */
  nQueues: number;
}

export interface SubmitterParams extends AgentLoopParams {
  /** A queue is considered at most once per `lookupTime`, s. */
  lookupTime: number;
  /** Queues served per cycle. */
  nQueues: number;
  /** Harvester-wide cap on new workers per queue per cycle. */
  maxNewWorkers: number;
  /** Pull mode: activated jobs count × this toward the queued-worker target (`submitter.activateWorkerFactor`). */
  activateWorkerFactor: number;
}

export interface MonitorParams extends AgentLoopParams {
  /** A worker is checked again once this long has passed since its last check, s. */
  checkInterval: number;
  /** Workers checked per thread cycle, at most. */
  maxWorkers: number;
  /** A worker still queued this long after submission is killed, s. */
  workerQueueTimeLimit: number;
}

/** The preparator (stage-in) and the stager (stage-out): trigger at one cycle, check from the next. */
export interface StagingParams extends AgentLoopParams {
  /** An unfinished transfer is checked again after this long, s. */
  checkInterval: number;
  maxJobsToCheck: number;
  maxJobsToTrigger: number;
}

export interface PropagatorParams extends AgentLoopParams {
  /** Heartbeat period of a job or worker whose state did not change, s; state changes go at the next cycle. */
  updateInterval: number;
  /** Jobs and workers reported per thread cycle, at most. */
  maxJobs: number;
  maxWorkers: number;
}

export interface SweeperParams extends AgentLoopParams {
  /** Kills sent per thread cycle, at most. */
  maxWorkers: number;
}

export interface CacherParams extends AgentLoopParams {
  /** Job statistics are pulled from the server when older than this, s. */
  refreshInterval: number;
}

/** One-way network delay of each hop Harvester talks over, s; a call costs the hop twice. */
export interface HopLatencies {
  /** Harvester ↔ PanDA server. */
  server: number;
  /** Harvester ↔ the provider's submission and query endpoint (CE, batch scheduler, K8s API, service). */
  provider: number;
}

/** Where Harvester runs relative to the facility (seed: remote outside the LCF network, or local inside). */
export type HarvesterDeployment = 'remote' | 'local';

export interface HarvesterParams {
  harvesterID: string;
  deployment: HarvesterDeployment;
  latency: HopLatencies;
  jobFetcher: JobFetcherParams;
  submitter: SubmitterParams;
  monitor: MonitorParams;
  preparator: StagingParams;
  stager: StagingParams;
  propagator: PropagatorParams;
  sweeper: SweeperParams;
  cacher: CacherParams;
  credManager: AgentLoopParams;
}

/** Per-hop latencies by deployment [E]: no measurements were found (providers.md §1.8 gives none). */
export const DEPLOYMENT_LATENCY: Readonly<Record<HarvesterDeployment, Readonly<HopLatencies>>> = {
  // [E] a VObox next to the PanDA servers (one HTTPS call ~0.1 s), reaching the LCF over the WAN through
  // SSH, NERSC SFAPI or Globus Compute (~1 s per call each way).
  remote: { server: 0.1, provider: 1 },
  // [E] an LCF edge/login node: the batch scheduler is local (~0.05 s), the PanDA server is across the WAN
  // through the facility's outbound proxy (~0.3 s).
  local: { server: 0.3, provider: 0.05 },
};

const THREADS = 3; // [S] `nThreads = 3` in every agent section of the template

// [S] [preparator] and [stager] alike: sleepTime 60, checkInterval 180, maxJobsToCheck/ToTrigger 100.
const STAGING_DEFAULTS: Readonly<StagingParams> = {
  nThreads: THREADS,
  sleepTime: 60,
  randomizeSleep: true,
  checkInterval: 180,
  maxJobsToCheck: 100,
  maxJobsToTrigger: 100,
};

export const HARVESTER_DEFAULTS: Readonly<Omit<HarvesterParams, 'latency'>> = {
  harvesterID: 'harvester',
  deployment: 'remote',
  // [S] [jobfetcher] sleepTime 60, lookupTime 60, maxJobs 500, nQueues 5.
  jobFetcher: {
    nThreads: THREADS,
    sleepTime: 60,
    randomizeSleep: true,
    lookupTime: 60,
    maxJobs: 500,
    nQueues: 5,
  },
  // [S] [submitter] sleepTime 60, lookupTime 60, nQueues 3, maxNewWorkers 1000; activateWorkerFactor is not in
  // the template and defaults to 1.0 (`WorkerAdjuster.__init__`).
  submitter: {
    nThreads: THREADS,
    sleepTime: 60,
    randomizeSleep: true,
    lookupTime: 60,
    nQueues: 3,
    maxNewWorkers: 1000,
    activateWorkerFactor: 1,
  },
  // [S] [monitor] sleepTime 600, checkInterval 300, maxWorkers 500, workerQueueTimeLimit 172800 (48 h).
  monitor: {
    nThreads: THREADS,
    sleepTime: 600,
    randomizeSleep: true,
    checkInterval: 300,
    maxWorkers: 500,
    workerQueueTimeLimit: 172_800,
  },
  preparator: STAGING_DEFAULTS,
  stager: STAGING_DEFAULTS,
  // [S] [propagator] sleepTime 60, updateInterval 1800 (30 min heartbeats; final states at once, wiki
  // Developer Q&A), maxJobs 100, maxWorkers 100.
  propagator: {
    nThreads: THREADS,
    sleepTime: 60,
    randomizeSleep: true,
    updateInterval: 1800,
    maxJobs: 100,
    maxWorkers: 100,
  },
  // [S] [sweeper] sleepTime 60, maxWorkers 500.
  sweeper: { nThreads: THREADS, sleepTime: 60, randomizeSleep: true, maxWorkers: 500 },
  // [S] [cacher] sleepTime 60, refreshInterval 10 min; one thread, sleeping without randomisation (cacher.py).
  cacher: { nThreads: 1, sleepTime: 60, randomizeSleep: false, refreshInterval: 600 },
  // [S] [credmanager] sleepTime 1800; one thread, sleeping without randomisation (cred_manager.py).
  credManager: { nThreads: 1, sleepTime: 1800, randomizeSleep: false },
};

/**
 * The FIFO-driven monitor used on big instances [R: widely enabled]: workers are re-checked every
 * `fifoCheckInterval` 120 s, polled every `fifoSleepTimeMilli` 15 s [S template].
 */
export const FIFO_MONITOR: Readonly<Pick<MonitorParams, 'sleepTime' | 'checkInterval'>> = {
  sleepTime: 15,
  checkInterval: 120,
};

export interface HarvesterParamsOptions {
  harvesterID?: string;
  deployment?: HarvesterDeployment;
  /** Overrides the deployment's latencies. */
  latency?: Partial<HopLatencies>;
  jobFetcher?: Partial<JobFetcherParams>;
  submitter?: Partial<SubmitterParams>;
  monitor?: Partial<MonitorParams>;
  preparator?: Partial<StagingParams>;
  stager?: Partial<StagingParams>;
  propagator?: Partial<PropagatorParams>;
  sweeper?: Partial<SweeperParams>;
  cacher?: Partial<CacherParams>;
  credManager?: Partial<AgentLoopParams>;
}

type AgentName = Exclude<keyof HarvesterParams, 'harvesterID' | 'deployment' | 'latency'>;

const AGENTS: readonly AgentName[] = [
  'jobFetcher',
  'submitter',
  'monitor',
  'preparator',
  'stager',
  'propagator',
  'sweeper',
  'cacher',
  'credManager',
];

function checkAgent(name: AgentName, agent: AgentLoopParams & object): void {
  const fail = (detail: string) => {
    throw new RangeError(`harvester ${name}: ${detail}`);
  };
  if (!(Number.isInteger(agent.nThreads) && agent.nThreads >= 1)) {
    fail(`nThreads must be a whole number >= 1, got ${agent.nThreads}`);
  }
  if (!(agent.sleepTime > 0 && Number.isFinite(agent.sleepTime))) {
    fail(`sleepTime must be a finite number > 0 s, got ${agent.sleepTime}`);
  }
  if (agent.randomizeSleep && agent.sleepTime < 3) {
    fail(
      `randomised sleeps are whole seconds from 0.4·sleepTime: sleepTime must be >= 3 s, got ${agent.sleepTime}`,
    );
  }
  if (agent.firstWake !== undefined && !(agent.firstWake >= 0 && Number.isFinite(agent.firstWake))) {
    fail(`firstWake must be a finite number >= 0 s, got ${agent.firstWake}`);
  }
  for (const [key, value] of Object.entries(agent)) {
    if (typeof value === 'number' && !(value >= 0)) fail(`${key} must be >= 0, got ${value}`);
  }
}

/** The defaults, the deployment's latencies, and `options` over them, checked. */
export function harvesterParams(options: HarvesterParamsOptions = {}): HarvesterParams {
  const deployment = options.deployment ?? HARVESTER_DEFAULTS.deployment;
  const params: HarvesterParams = {
    harvesterID: options.harvesterID ?? HARVESTER_DEFAULTS.harvesterID,
    deployment,
    latency: { ...DEPLOYMENT_LATENCY[deployment], ...options.latency },
    jobFetcher: { ...HARVESTER_DEFAULTS.jobFetcher, ...options.jobFetcher },
    submitter: { ...HARVESTER_DEFAULTS.submitter, ...options.submitter },
    monitor: { ...HARVESTER_DEFAULTS.monitor, ...options.monitor },
    preparator: { ...HARVESTER_DEFAULTS.preparator, ...options.preparator },
    stager: { ...HARVESTER_DEFAULTS.stager, ...options.stager },
    propagator: { ...HARVESTER_DEFAULTS.propagator, ...options.propagator },
    sweeper: { ...HARVESTER_DEFAULTS.sweeper, ...options.sweeper },
    cacher: { ...HARVESTER_DEFAULTS.cacher, ...options.cacher },
    credManager: { ...HARVESTER_DEFAULTS.credManager, ...options.credManager },
  };
  for (const name of AGENTS) checkAgent(name, params[name]);
  for (const hop of ['server', 'provider'] as const) {
    const value = params.latency[hop];
    if (!(value >= 0 && Number.isFinite(value))) {
      throw new RangeError(`harvester latency.${hop} must be a finite number >= 0 s, got ${value}`);
    }
  }
  return params;
}
