// The result of one production job brokerage call: the ranked site candidates handed to the job splitter (each
// with every factor of its weight, `SiteCandidate` of pandajedi/jedicore/SiteCandidate.py) and every scanned PQ
// that was not chosen, with PanDA's criteria code and a human-readable message. Plain JSON-serialisable data.

/**
 * Why a PQ was not chosen. The codes are PanDA's `criteria=-…` log tags; where PanDA reuses a tag for two
 * different checks the second one gets its own code (`se_space` for the storage `-disk`).
 */
export type ProdExclusionCode =
  // §2.2 filters
  | 'status'
  | 'link_unusable'
  | 'dest_blacklisted'
  | 'links_full'
  | 'opportunistic'
  | 'inactive'
  | 'zeroshare'
  | 'jumbo'
  | 'fewevents'
  | 'diskIO'
  | 'cpucore'
  | 'max_cpucore'
  | 'cache'
  | 'regexpcmtconfig'
  | 'lowmemory'
  | 'highmemory'
  | 'remoteio'
  | 'disk'
  | 'se_space'
  | 'read_lan_blacklist'
  | 'write_lan_blacklist'
  | 'write_wan_blacklist'
  | 'read_wan_blacklist'
  | 'source_blacklist'
  | 'shortwalltime'
  | 'scout_walltime'
  | 'min_walltime'
  | 'longwalltime'
  | 'network'
  | 'es'
  | 'eshigh'
  | 'nones'
  | 'es_ucore'
  | 'transferring'
  | 'non_pledged'
  | 'over_pledged'
  | 't1weight'
  | 'max_io_intensity'
  | 'full_chain'
  | 'not_full_chain'
  | 'nopilot'
  | 'io'
  // §2.5 classification and final list
  | 'lock'
  | 'non_local'
  | 'cap'
  | 'lowNetworkWeight'
  | 'cap_rt'
  | 'below_min_weight'
  | 't1_weight'
  | 'low_weight';

export interface ProdExclusion {
  siteName: string;
  unifiedName: string;
  code: ProdExclusionCode;
  /** §2.2 step number of the filter (26 = classification, 27 = beyond the candidate limit). */
  step: number;
  /** Marked as a temporary problem and removed at step 25 (PanDA keeps the last temporary reason). */
  temporary: boolean;
  message: string;
  /** Weight the PQ had, for PQs dropped after the weight was computed. */
  weight?: number;
}

/** Every factor of a candidate's weight (§2.4), in the order PanDA applies them. */
export interface ProdWeightFactors {
  /** Counts of the task's gshare at the unified PQ; nDefined includes `liveCount`. */
  nRunning: number;
  nActivated: number;
  nAssigned: number;
  nStarting: number;
  nDefined: number;
  liveCount: number;
  /** Which boost replaced nRunning, if any (§2.4 steps 2, 3). */
  nRunningBoost: 'workers' | 'numSlots' | null;
  manyAssigned: number;
  /** Input must move to the PQ, so nAssigned is counted (§2.4 step 5). */
  useAssigned: boolean;
  /** (R+1)/(…+10)[/manyAssigned] */
  basicWeight: number;
  /** (totalSize+siteSize)/totalSize/(nFilesToMove/100+1), 1 without input. */
  dataWeight: number;
  /** t1Weight applied (1 for non-nucleus PQs). */
  t1Weight: number;
  /** Network weight as computed; null when the task has no nucleus. */
  networkWeight: number | null;
  /** Whether the network weight was multiplied in (NW_ACTIVE). */
  networkWeightApplied: boolean;
  /** Architecture-level preference factor, 1 when absent. */
  preferenceWeight: number;
  /** Product of the factors, before bootstrap forces it to 0. */
  weight: number;
}

export interface ProdSiteCandidate {
  /** PQ name (pseudo name for children of unified PQs). */
  siteName: string;
  unifiedName: string;
  /** Weight used by the splitter; 0 for bootstrap PQs. */
  weight: number;
  bootstrap: boolean;
  factors: ProdWeightFactors;
  nRunningJobs: number;
  nAssignedJobs: number;
  nQueuedJobs: number;
  /** null for express chunks (no cap). */
  nRunningJobsCap: number | null;
  /** Scratch limit scaled to the task's cores (MB), when the PQ has one. */
  maxwdir: number | null;
  /** cmtconfig a regular-expression platform resolved to at this PQ. */
  platform: string | null;
  /** PQ-level bunch size (`jobChunkSize`), null if unset. */
  jobChunkSize: number | null;
}

export interface ProdTaskSummary {
  useMP: 'only' | 'any' | 'unuse';
  isExpress: boolean;
  useScout: boolean;
  esHigh: boolean;
  sitePreAssigned: boolean;
  siteListPreAssigned: boolean;
  /** Final t1Weight (§2.2 step 19). */
  t1Weight: number;
  useT1Weight: boolean;
  /** Job needs after the task-level derivation: MB, MB, s or HS06·s. */
  ramCount: number;
  diskDirectMB: number;
  diskCopyMB: number;
  minWalltime: number | null;
  totalSize: number;
  nFiles: number;
}

export interface ProdBrokerageDecision {
  jediTaskID: number;
  /** False when no PQ is left ("no candidates", the task retries next cycle). */
  ok: boolean;
  /** Task-level failure (e.g. incomplete input) or the step that emptied the list. */
  failure: { code: string; step: number; message: string } | null;
  /** Up to `maxSiteCandidates`, bootstrap PQs first, then by weight descending. */
  candidates: ProdSiteCandidate[];
  /** PQs for jumbo jobs (task and PQ both use jumbo jobs). */
  jumboCandidates: ProdSiteCandidate[];
  /** Every scanned PQ not among the candidates, with its reason; empty unless the `explain` option is on. */
  excluded: ProdExclusion[];
  /** Number of PQs dropped per reason (always filled). */
  excludedCounts: Partial<Record<ProdExclusionCode, number>>;
  task: ProdTaskSummary;
}
