// PanDA queues (PQs) as the brokerage sees them: the static CRIC/schedconfig attributes of
// `SiteSpec` (pandaserver/taskbuffer/SiteSpec.py) and the dynamic per-queue state JEDI reads from its job
// tables and SiteData (brokerage.md §5.1, §5.3). Plain JSON-serialisable objects; field names are PanDA's own
// (including its snake_case ones) so a snapshot can be written by hand from what an operator sees in CRIC.

/** `SiteSpec.status`. Production brokerage keeps online and standby; analysis drops offline/brokeroff/test. */
export type QueueStatus = 'online' | 'offline' | 'brokeroff' | 'test' | 'standby' | 'paused';

/** `SiteSpec.type`; `unified` (or catchall `grandly_unified`) runs both production and analysis. */
export type QueueType = 'production' | 'analysis' | 'unified';

/** `SiteSpec.getJobSeed()`: which jobs a PQ takes with respect to event service (absent ⇒ `std`). */
export type JobSeed = 'std' | 'es' | 'eshigh' | 'all';

/** RSE status flag in `detailed_status`; `OFF` and `TEST` count as down (`DOWNTIME_STATUSES`). */
export type RseActivityStatus = 'ON' | 'OFF' | 'TEST';

/**
 * CPU entry of the PQ's SW/HW JSON (`SW_TAGS` `architectures[]` with `type == "cpu"`). Lists may contain `any`
 * (accept every value) and `excl` (the PQ accepts only tasks that name a CPU spec).
 */
export interface CpuArchitecture {
  arch: string[];
  vendor?: string[];
  instr?: string[];
}

/**
 * GPU capability of a PQ (brokerage.md §6): the CRIC `gpu` architecture entry (its presence is the gate, `excl`
 * in any of its lists makes the PQ GPU-only) plus the pilot-reported worker-node GPU summary
 * (`MV_WORKER_NODE_GPU_SUMMARY`), one element per distinct node type.
 */
export interface GpuArchitecture {
  excl?: boolean;
  nodes: GpuNode[];
}

/** One worker-node GPU type as the WN GPU summary reports it. */
export interface GpuNode {
  vendor?: string;
  model?: string;
  /** MB */
  vram?: number;
  /** Micro-architecture generation, e.g. `Ampere`. */
  architecture?: string;
  /** CUDA (framework) version, e.g. `12.2`. */
  framework_version?: string;
  driver_version?: string;
}

/** One entry of the SW/HW JSON `tags` list. */
export interface SoftwareTag {
  project?: string;
  release?: string;
  cmtconfig?: string;
  container_name?: string;
  sources?: string[];
}

/** What `JsonSoftwareCheck` reads from the PQ's published SW/HW JSON (`sw_map[PQ]`). */
export interface QueueSoftware {
  cmtconfigs: string[];
  /** Container prefixes; `any` or `/cvmfs` accept every container. */
  containers: string[];
  /** CVMFS repositories, e.g. `atlas`, `nightlies`, or `any`. */
  cvmfs: string[];
  tags: SoftwareTag[];
  cpu?: CpuArchitecture;
  gpu?: GpuArchitecture;
  /** Percentage of worker nodes per x86-64 level (`x86-64-v3` → 60), `pct_within_queue` of the level map. */
  architectureLevels?: Record<string, number>;
}

/** Static PQ attributes (`SiteSpec._attributes` and the catchall / extra_queue_params keys it parses). */
export interface SiteSpec {
  sitename: string;
  /** The ATLAS site the PQ belongs to (nucleus membership, network links). */
  pandasite: string;
  cloud: string;
  type: QueueType;
  status: QueueStatus;
  /** `ucore` marks a unified queue: it is split into one pseudo queue per resource type (SiteMapper). */
  capability?: string;
  /** `pull_ups` together with capability `ucore` is a UPS queue (worker-count bootstrap, §2.4 step 2). */
  workflow?: string;
  /** Cores per job slot; 0 = any. */
  coreCount: number;
  /** HS06 per core; 0 when unset. */
  corepower: number;
  /** MB; 0 = no limit. */
  maxrss: number;
  minrss: number;
  /** Seconds; 0 = no limit. */
  maxtime: number;
  mintime: number;
  /** Scratch space per slot, MB; 0 = no limit. */
  maxwdir: number;
  /** MB; −1 means input is always read directly (never copied to scratch). */
  maxinputsize: number;
  /** −1 = opportunistic resource. */
  pledgedCPU: number;
  /** Max jobs in `transferring`; 0 ⇒ 2000. */
  transferringlimit: number;
  /** `fairsharepolicy`, e.g. `type=evgen:0%,group=test:10%,priority>500:0`. */
  fairsharePolicy?: string;
  /** `["ANY"]`, `["AUTO"]` or explicit release list. */
  releases?: string[];
  jobseed?: JobSeed;
  /** `full|http|none` optionally followed by `#IPv4|IPv6|dual`. */
  wnconnectivity?: string;
  /** kB/s per core; absent or 0 ⇒ `MAX_DISKIO_DEFAULT`. */
  maxDiskio?: number;
  direct_access_lan?: boolean;
  direct_access_wan?: boolean;
  /** `role == "nucleus"` makes the ATLAS site a nucleus (SiteMapper.collect_nuclei_and_satellites). */
  role?: 'nucleus' | 'satellite';
  tier?: string;
  /** Default input / output RSE (DDM endpoint) names of the PQ for the production scope. */
  ddm_input?: string;
  ddm_output?: string;
  /** All input / output RSEs of the PQ for the production scope (the default ones included). */
  ddm_endpoints_input?: string[];
  ddm_endpoints_output?: string[];
  /**
   * Harvester_Slots: gshare (or work queue) → resource type → numSlots. The key `*` stands for PanDA's `None`
   * (any gshare / any resource type), as JSON has no null keys.
   */
  num_slots_map?: Record<string, Record<string, number>>;
  /** SW/HW JSON (`sw_map` entry); absent when CRIC publishes none for the PQ. */
  software?: QueueSoftware;
  // --- catchall / extra_queue_params keys (SiteSpec.catchall_keys) ---
  useJumboJobs?: boolean;
  minEventsForJumbo?: number;
  /** catchall `gpu` (`SiteSpec.isGPU()`); analysis requires the task's sw_platform in `software.cmtconfigs`. */
  isGPU?: boolean;
  grandly_unified?: boolean;
  use_only_local_data?: boolean;
  /** Fixed bunch size for the job splitter (strict in the first pass). */
  jobChunkSize?: number;
  bareNucleus?: 'only' | 'allow';
  secondaryNucleus?: string;
  per_core_attr?: boolean;
  allow_no_pilot?: boolean;
  allowed_processing?: string[];
  excluded_processing?: string[];
  /** kB/s (extra_queue_params `max_io_intensity`). */
  max_io_intensity?: number;
  // --- set on pseudo queues by expandUnifiedQueues (SiteMapper.get_child_site_spec) ---
  is_unified?: boolean;
  unified_name?: string;
}

/** ATLAS resource type (`ResourceSpec`), e.g. SCORE / MCORE / SCORE_HIMEM / MCORE_HIMEM. */
export interface ResourceTypeSpec {
  resource_name: string;
  mincore: number | null;
  maxcore: number | null;
  /** MB per core */
  minrampercore: number | null;
  maxrampercore: number | null;
}

/**
 * Job counts of one PQ for one global share (or all shares), by `jobStatus`
 * (`getJobStatisticsByGlobalShare`, `getJobStatisticsByResourceTypeSite`).
 */
export interface JobCounts {
  nDefined: number;
  nAssigned: number;
  nActivated: number;
  nStarting: number;
  nRunning: number;
  nTransferring: number;
  /** Analysis logging only. */
  nThrottled?: number;
}

/** Queued and running jobs of one user (or `_total`) at a PQ for one gshare (`jobsActive4`, analysis). */
export interface UserJobCounts {
  /** activated + starting */
  nQueued: number;
  nRunning: number;
}

/**
 * Dynamic state of one PQ, keyed by its unified (parent) name: PanDA looks statistics up by
 * `get_unified_name()`, so pseudo queues of a unified PQ share it.
 */
export interface QueueState {
  /** gshare (or work-queue name) → job counts of that share at this PQ. */
  jobsByShare: Record<string, JobCounts>;
  /** Sum over all shares; summed from `jobsByShare` when absent. */
  jobsAllShares?: JobCounts;
  /** gshare (or work-queue name) → resource type → counts (resource-type caps, §2.5). */
  jobsByResourceType?: Record<string, Record<string, JobCounts>>;
  /** SiteData over the last 3 h: pilot `getJob` and `updateJob` requests. */
  getJob: number;
  updateJob: number;
  /** Snapshot time (seconds) of the last job start; absent = unknown (never counted as inactive). */
  laststart?: number;
  /** Harvester workers running + submitted in the last hour. */
  nWorkers?: number;
  /** Measured average disk IO per core of running jobs, kB/s. */
  diskIoPerCore?: number;
  /** Cores of running + starting jobs (all shares) — pledge check under work shortage. */
  nCoresRunningStarting?: number;
  /** Transferring jobs whose nucleus cannot be written over WAN (subtracted in the transferring check). */
  nTransferringToUnwritableNuclei?: number;
  /** PQ locked by another brokerage process in the same cycle (decision chain step 1). */
  locked?: boolean;
  // --- analysis ---
  /** Jobs started per hour over [now − 6 h, now − 5 min], all shares. */
  toRunningRate?: number;
  /** gshare → user name (and `_total`) → counts. */
  jobsByUser?: Record<string, Record<string, UserJobCounts>>;
  /** `analy_site_eval` class: 1 hi, 0 mid, −1 lo (absent ⇒ 0). */
  analySiteClass?: -1 | 0 | 1;
}
