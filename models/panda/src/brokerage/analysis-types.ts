// Inputs and decisions of the analysis job brokerage (`AtlasAnalJobBroker.doBrokerage`,
// pandajedi/jedibrokerage/AtlasAnalJobBroker.py; brokerage.md §4). The snapshot types are the shared ones,
// extended with what only analysis reads.

import type { DatasetReplica } from '../snapshot/data.ts';
import type { BrokerageSnapshot } from '../snapshot/world.ts';
import type { UserJobTotals } from '../shares/analysis-throttle.ts';

/** A replica that may be a Virtual Placement one (VP replicas count only at VP queues). */
export interface AnalysisReplica extends DatasetReplica {
  vp?: boolean;
}

export interface AnalysisSnapshot extends BrokerageSnapshot {
  replicas?: Record<string, AnalysisReplica[]>;
}

/** What the analysis brokerage reads about the user and the share besides the PQ snapshot. */
export interface AnalysisUserContext {
  totals?: UserJobTotals;
  /** `gshare_preference` usage of the task's share, running / target (1 = at target); absent = no metric. */
  gshareUsage?: number;
  /** `eqiv_usage_perc` of `L1 User Analysis` (same scale); the smaller of the two is used. */
  l1EquivalentUsage?: number;
  /** `analy_user_eval` `rem_slots_A`; absent = no user data. */
  remSlotsA?: number;
  /** Rucio quota of the user (or group). */
  overGlobalQuota?: boolean;
  nearGlobalQuota?: boolean;
  /** Output RSEs where the user is over the local quota. */
  endpointsOverLocalQuota?: string[];
  /** Jobs the chunk would make: the dry-run split of the new basic weight (corePower 10, max walltime 345600 s). */
  nJobsEstimate: number;
}

/** `criteria=` tags of the skip messages, plus the final-list reasons. */
export type AnalysisExclusionCode =
  | 'data'
  | 'status'
  | 'zeroshare'
  | 'diskIO'
  | 'max_io_intensity'
  | 'vp'
  | 'cpucore'
  | 'max_cpucore'
  | 'architecture'
  | 'closed'
  | 'cache'
  | 'regexpcmtconfig'
  | 'lowmemory'
  | 'highmemory'
  | 'remoteio'
  | 'disk'
  | 'blacklist'
  | 'local_quota'
  | 'shortwalltime'
  | 'longwalltime'
  | 'scout_walltime'
  | 'min_walltime'
  | 'nopilot'
  | 'excluded'
  | 'notincluded'
  | 'cloudmismatch'
  | 'nonpreassigned'
  | 'hospital'
  | 'overloaded'
  | 'overloaded_vp'
  | 'tmp_user_problem'
  | 'badsite'
  | 'low_weight'
  | 'below_min_weight'
  | 'fileunavailable';

export interface AnalysisExclusion {
  queue: string;
  code: AnalysisExclusionCode;
  detail: string;
  /** 1 = pass with the data-locality check, 2 = without. 0 = final list. */
  pass: 0 | 1 | 2;
}

/** The user's queue limits at one PQ (Analysis Stabilizer, brokerage.md §4.2 step 21 and §4.3). */
export interface UserQueueLimits {
  /** Jobs of the task's share at the PQ: running, queued (defined+assigned+activated+starting). */
  nRunningShare: number;
  nQueuedShare: number;
  /** To-running rate of the PQ scaled to the share, jobs/h. */
  toRunningRate: number;
  /** The user's queued (activated+starting) and running jobs of the share at the PQ. */
  nQueuedUser: number;
  nRunningUser: number;
  /** Users with jobs of the share at the PQ, plus one for the `_total` entry. */
  nUsers: number;
  /** Running jobs of the share at the PQ per the user table (`_total`). */
  nRunningPq: number;
  maxQueuePq: number;
  userFraction: number;
  maxQueueUser: number;
  /** max(maxQueueUser − nQueuedUser, 0). */
  remainingQueue: number;
}

/** Every factor of one candidate's weight. */
export interface AnalysisWeightFactors {
  siteClass: -1 | 0 | 1;
  limits: UserQueueLimits;
  /** Main weight of the PQ's class (or N_j for shares other than User/Express Analysis). */
  main: number;
  secondary: number;
  /** main × secondary + 2^-20. */
  basic: number;
  /** Locality factor: Σ per-dataset data weights, or 1 + GB/10 (disk) / 1 + GB/1000 (tape) without locality. */
  dataFactor: number;
  weight: number;
}

export interface AnalysisCandidate {
  siteName: string;
  unifiedName: string;
  weight: number;
  /** The task already ran jobs there: listed first. */
  usedBefore: boolean;
  factors: AnalysisWeightFactors;
}

export type AnalysisOutcome = 'brokered' | 'throttled' | 'failed';

export interface AnalysisBrokerageDecision {
  jediTaskID: number;
  outcome: AnalysisOutcome;
  /** Why the task was throttled or failed, in PanDA's words. */
  reason?: string;
  /** Final candidates in the order handed to the job splitter. */
  candidates: AnalysisCandidate[];
  /** Every queue removed, with the pass it was removed in. */
  excluded: AnalysisExclusion[];
  /** Unified PQ → why it is problematic for this user/task (removed from the final list unless pre-assigned). */
  problematic: Record<string, string[]>;
  /** Pass that produced the candidates. */
  pass: 1 | 2 | null;
  /** Pass-1 candidates came from the union of replica locations (no PQ holds every dataset). */
  useUnionLocality: boolean;
  /** PQs over the resource-type cap: computed and logged by the code, never applied. */
  resourceTypeCapLogged: string[];
}
