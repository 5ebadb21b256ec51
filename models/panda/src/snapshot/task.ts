// A JEDI task and one of its input chunks as the job and task brokerages read them: the columns of
// `JediTaskSpec` (pandaserver/taskbuffer/JediTaskSpec.py), the split-rule values it decodes, and the
// `InputChunk` quantities (pandaserver/taskbuffer/InputChunk.py). Units are PanDA's: MB for RAM,
// bytes for file sizes, seconds for times, kB/s for IO. Plain JSON-serialisable objects.

/** `ramUnit`: per-core units multiply by the PQ core count (`JediTaskSpec.ramPerCore`). */
export type RamUnit = 'MB' | 'MBPerCore' | 'MBPerCoreFixed' | 'MBFixed';

/** `cpuTimeUnit`: the HS06 variants make a task "HS06" (`JediTaskSpec.useHS06`); `m…` is milli-HS06. */
export type CpuTimeUnit =
  'HS06sPerEvent' | 'HS06sPerEventFixed' | 'mHS06sPerEvent' | 'mHS06sPerEventFixed' | 'sPerEvent';

/** Size units of `outDiskUnit` / `workDiskUnit`; `…PerEvent` makes the output scale with events. */
export type DiskUnit = 'B' | 'kB' | 'MB' | 'GB' | 'BPerEvent' | 'kBPerEvent' | 'MBPerEvent' | 'GBPerEvent';

/** The task (`JediTaskSpec`) with the split-rule values the brokerage decodes already parsed out. */
export interface TaskSpec {
  jediTaskID: number;
  /** `managed`, `test`, `ptest`, `user`, … */
  prodSourceLabel: string;
  taskType?: string;
  processingType?: string;
  /** Global share name, e.g. `MC Simulation Full`. */
  gshare: string;
  /** Work-queue name when the work queue is not a global share (statistics are then per work queue). */
  workQueueName?: string;
  currentPriority: number;
  taskPriority?: number;
  /** `resource_type`, e.g. `SCORE` or `MCORE`. */
  resource_type?: string;
  /** Cores per job; 0 = any, null/1 = single core. */
  coreCount: number | null;
  mergeCoreCount?: number | null;
  /** MB (per core if ramUnit is per-core). */
  ramCount: number;
  ramUnit: RamUnit;
  baseRamCount?: number;
  mergeRamCount?: number;
  /** Seconds per unit of effective input (non-HS06 tasks). */
  walltime?: number | null;
  walltimeUnit?: string;
  baseWalltime?: number;
  /** CPU time per event in `cpuTimeUnit`. */
  cpuTime?: number | null;
  cpuTimeUnit?: CpuTimeUnit;
  /** Percent. */
  cpuEfficiency?: number;
  /** kB/s */
  ioIntensity?: number | null;
  /** kB/s per job (per core for multi-core tasks once divided by the site core count). */
  diskIO?: number | null;
  outDiskCount?: number | null;
  outDiskUnit?: DiskUnit;
  workDiskCount?: number | null;
  workDiskUnit?: DiskUnit;
  /**
   * `architecture` as stored in the task table: `sw_platform@base_platform#cpu_specs&gpu_spec` (e.g.
   * `x86_64-el9-gcc13-opt@el9#x86_64-*-avx2&nvidia:vram>=40960:cuda>=12.0`) or the JSON form with keys
   * `sw_platform`, `base_platform`, `cpu_specs`, `gpu_spec`, `cpu_pref`.
   */
  architecture?: string;
  /** Release `project-version`, e.g. `AtlasOffline-21.0.15`; absent ⇒ no SW check. */
  transHome?: string;
  container_name?: string;
  use_only_tags_fc?: boolean;
  /** Nucleus chosen by the task brokerage (WORLD tasks). */
  nucleus?: string;
  /** Pre-assigned site(s), comma separated as in `JediTaskSpec.site`. */
  site?: string;
  cloud?: string;
  /** Snapshot seconds at which the task was frozen (premerge pre-assignment timeout). */
  frozenTime?: number;
  inputPreStaging?: boolean;
  /** `eventService` ∈ {1, 2} ⇒ event service. */
  eventService?: number;
  mergeOutput?: boolean;
  // --- split rules (JediTaskSpec.splitRule tokens) ---
  /** `t1Weight` split rule; 0 default, negative = nucleus PQs only. */
  t1Weight?: number;
  maxCoreCount?: number;
  nEsConsumers?: number;
  maxAttemptEsJob?: number;
  useJobCloning?: boolean;
  /** `allowInputLAN`: `only` forces direct LAN access, `use` allows it. */
  allowInputLAN?: 'only' | 'use' | null;
  allowInputWAN?: boolean;
  useLocalIO?: boolean;
  /** `ipConnectivity` split rule. */
  ipConnectivity?: 'full' | 'http' | null;
  ipStack?: 'IPv4' | 'IPv6' | null;
  /** `dynamicNumEvents` split rule value (min granularity in events); present ⇒ dynamic events. */
  dynamicNumEvents?: number;
  /** Number of jumbo jobs (`getNumJumboJobs`); absent ⇒ task does not use jumbo jobs. */
  nJumboJobs?: number;
  maxWalltime?: number;
  /** `full_chain` split rule; with a bare-mode nucleus the task runs only on the nucleus' PQs. */
  fullChain?: boolean;
  // --- analysis ---
  userName?: string;
  workingGroup?: string;
  /** `analy_task_eval` class: 1 (A), 0 (B), −1 (C); absent ⇒ 1. */
  analyTaskClass?: -1 | 0 | 1;
  /** `includedSite` / `excludedSite` task parameters (wildcards allowed). */
  includedSite?: string[];
  excludedSite?: string[];
  avoidVP?: boolean;
  /** MB */
  maxSizePerJob?: number;
  nSitesPerJob?: number;
  isHpoWorkflow?: boolean;
  /** Jobs of this task per PQ in the last `TW_DONE_JOB_STAT` hours (analysis stabilizer). */
  jobOutcomes?: Record<string, { nFinished: number; nFailed: number; nClosed: number }>;
  /** PQs this task already used (analysis: listed first). */
  usedSites?: string[];
}

/** One input dataset of a chunk (`JediDatasetSpec` fields the brokerage uses). */
export interface ChunkDataset {
  datasetName: string;
  isMaster: boolean;
  /** Distributed datasets skip the completeness check. */
  isDistributed?: boolean;
  /** Pseudo / DBR / log datasets are ignored by the task brokerage. */
  isPseudo?: boolean;
  /** Files of the whole dataset and how many are reserved/used. */
  nFiles: number;
  nFilesToBeUsed?: number;
  /** Events in the dataset and events already used (task-brokerage remaining work). */
  nEvents?: number;
  nEventsUsed?: number;
}

/**
 * Input files of the chunk available at one PQ (the result of `ddmIF.getAvailableFiles` aggregated per unified
 * PQ, §2.3). Sizes in bytes.
 */
export interface AvailableFiles {
  /** Distinct chunk files on local disk or cache. */
  siteFiles: number;
  siteSize: number;
  /** Files available only on local tape (IO-intensive move limit, "WT" variant). */
  tapeFiles?: number;
  tapeSize?: number;
}

/** One input chunk of the task (the unit JobGenerator brokers and splits). */
export interface InputChunk {
  isMerging?: boolean;
  /** The master dataset still has files reserved for scouts (`InputChunk.useScout`). */
  useScout?: boolean;
  /** `InputChunk.useJumbo`: with `fake` or `only` jumbo PQs are also normal candidates. */
  useJumbo?: 'fake' | 'only' | 'use';
  /** Chunk-level RAM (MB) from the files' ramCount; combined with the task's in `getMaxRamCount`. */
  ramCount?: number;
  datasets: ChunkDataset[];
  /** Pre-assigned site of the master dataset (premerge). */
  preassignedSite?: string;
  /** Snapshot seconds of master-dataset creation/modification (premerge timeout). */
  masterCreationTime?: number;
  masterModificationTime?: number;
  /** Distinct input files of the chunk and their total bytes (all datasets). */
  nFiles: number;
  totalSize: number;
  /** Largest per-job input (`getMaxAtomSize()`), bytes. */
  maxAtomSize: number;
  /** Largest per-job effective input size (`getMaxAtomSize(effectiveSize=True)`), bytes. */
  maxAtomSizeEffective?: number;
  /** Largest per-job event count (`getMaxAtomSize(getNumEvents=True)`). */
  maxAtomNumEvents?: number;
  /** Events ready for jumbo jobs. */
  nReadyEvents?: number;
  /** Unified PQ name → input files present there; PQs not listed hold nothing. */
  availableFiles?: Record<string, AvailableFiles>;
}
