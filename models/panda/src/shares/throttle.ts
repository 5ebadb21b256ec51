// JEDI job-generation throttling per (global share, resource type) (fairshare.md §2.2): whether the job
// generator may create new jobs for a share/RT this cycle, how many, from which minimum priority, and why.
//
// Upstream: pandajedi/jedithrottle/JobThrottlerBase.py `JobThrottlerBase.toBeThrottledBase`,
// `__getConfiguration`, `__prepareJobStats`, `mergeThrottled`; `AtlasProdJobThrottler` / `AtlasAnalJobThrottler`
// only forward to it.

import { pyFloorDiv, pyInt } from './py-numeric.ts';

/** Every constant of `toBeThrottledBase`, named as upstream. */
export const JOB_THROTTLER_CONSTANTS = {
  nBunch: 4,
  nJobsInBunchMax: 600,
  nJobsInBunchMin: 500,
  /** Units of `getTotalWallTime_JEDI` (undocumented, presumably seconds; fairshare.md §9 item 9). */
  minTotalWalltime: 50 * 1000 * 1000,
  nWaitingLimit: 4,
  nWaitingBunchLimit: 2,
  nParallel: 2,
  nParallelCap: 5,
  /** Default of `THROTTLE_THRESHOLD` / `THROTTLE_THRESHOLD_FOR_WORK_SHORTAGE`. */
  defaultThreshold: 2.0,
  /** "Throttled except merges" return level. */
  THR_LEVEL5: 5,
  /** Fraction of nQueueLimit below which the share "lacks jobs". */
  lackOfJobsFraction: 0.9,
  /** `nQueueLimit / 20` is the minimum maxNumJobs when jobs are lacking. */
  lackOfJobsDivisor: 20,
} as const;

/** Work queues that are throttled at share level instead of per RT (`non_rt_wqs`). */
export const NON_RT_WORK_QUEUES: readonly string[] = ['eventservice'];
/** Work queues that size bunches from the free queue room (`nPrestage` logic). */
export const PRESTAGE_WORK_QUEUES: readonly string[] = ['Heavy Ion', 'Reprocessing default'];

export type ThrottleConfigTag = 'NQUEUELIMIT' | 'NRUNNINGCAP' | 'NQUEUECAP';
/** Where a central limit was found: none, global share, SCORE/MCORE family, exact resource type. */
export type ThrottleConfigLevel = 'none' | 'GS' | 'MS' | 'RT';

export interface ThrottleConfigEntry {
  value: number | null;
  level: ThrottleConfigLevel;
  key: string | null;
}

export type ThrottleConfig = Record<ThrottleConfigTag, ThrottleConfigEntry>;

/**
 * Central config of component `prod_job_throttler` / `anal_job_throttler`, keyed like the DB, e.g.
 * `"NQUEUELIMIT_MC 16_SCORE"`, `"NRUNNINGCAP_Heavy Ion_MCORE*"`, `"NQUEUECAP_Data Derivations"`.
 */
export type ThrottleConfigValues = Readonly<Record<string, number | null | undefined>>;

function resourceFamily(resourceType: string): 'MCORE' | 'SCORE' | null {
  if (resourceType.startsWith('MCORE')) return 'MCORE';
  if (resourceType.startsWith('SCORE')) return 'SCORE';
  return null;
}

/**
 * `__getConfiguration`: per tag, the first configured key among `{TAG}_{queue}_{rt}`, `{TAG}_{queue}_{MS}*`,
 * `{TAG}_{queue}`. A value of 0 is falsy upstream and counts as unset. For an RT outside both families the
 * middle key reads `..._None*`, as Python formats it.
 */
export function throttleConfig(
  values: ThrottleConfigValues,
  queueName: string,
  resourceType: string,
): ThrottleConfig {
  const family = resourceFamily(resourceType) ?? 'None';
  const lookup = (tag: ThrottleConfigTag): ThrottleConfigEntry => {
    const candidates: [string, ThrottleConfigLevel][] = [
      [`${tag}_${queueName}_${resourceType}`, 'RT'],
      [`${tag}_${queueName}_${family}*`, 'MS'],
      [`${tag}_${queueName}`, 'GS'],
    ];
    for (const [key, level] of candidates) {
      const value = values[key];
      if (value) return { value, level, key };
    }
    return { value: null, level: 'none', key: null };
  };
  return {
    NQUEUELIMIT: lookup('NQUEUELIMIT'),
    NRUNNINGCAP: lookup('NRUNNINGCAP'),
    NQUEUECAP: lookup('NQUEUECAP'),
  };
}

/** `getJobStatisticsByResourceType`: job counts of one share, status → resource type → count. */
export type JobStatsByResourceType = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** Counts at the levels `toBeThrottledBase` compares (`__prepareJobStats` return map). */
export interface ThrottleJobStats {
  nRunning_rt: number;
  nRunning_gs: number;
  nRunning_runningcap: number;
  nNotRun_rt: number;
  nNotRun_gs: number;
  nNotRun_queuelimit: number;
  nNotRun_queuecap: number;
  nDefine_rt: number;
  nDefine_gs: number;
  nDefine_queuelimit: number;
  nDefine_queuecap: number;
  nWaiting_rt: number;
  nWaiting_gs: number;
}

/**
 * `__prepareJobStats`. Standby slots (`getNumMapForStandbyJobs_JEDI`, RT → count) count as running; the
 * dynamic ones are also subtracted from the not-running jobs.
 */
export function throttleJobStats(
  stats: JobStatsByResourceType,
  resourceType: string,
  config: ThrottleConfig,
  standbyStatic: Readonly<Record<string, number>> = {},
  standbyDynamic: Readonly<Record<string, number>> = {},
): ThrottleJobStats {
  const ms = resourceType.startsWith('MCORE') ? 'MCORE' : 'SCORE';
  const statusMap: Record<string, Readonly<Record<string, number>>> = { ...stats };
  const hasStandby = Object.keys(standbyStatic).length > 0 || Object.keys(standbyDynamic).length > 0;
  if (!('running' in statusMap) && hasStandby) statusMap.running = {};
  if (Object.keys(standbyDynamic).length > 0) statusMap.dummy = standbyDynamic;

  let nRunning_rt = 0;
  let nRunning_ms = 0;
  let nRunning_gs = 0;
  let nNotRun_rt = 0;
  let nNotRun_ms = 0;
  let nNotRun_gs = 0;
  let nDefine_rt = 0;
  let nDefine_ms = 0;
  let nDefine_gs = 0;
  let nWaiting_rt = 0;
  let nWaiting_gs = 0;
  for (const [status, byRt] of Object.entries(statusMap)) {
    let rt = 0;
    let fam = 0;
    let gs = 0;
    const entries = Object.entries(byRt);
    if (status === 'running')
      entries.push(...Object.entries(standbyStatic), ...Object.entries(standbyDynamic));
    for (const [name, count] of entries) {
      // Upstream assigns (not adds) the exact-RT count, so the last entry of that RT wins.
      if (name === resourceType) rt = count;
      if (name.startsWith(ms)) fam += count;
      gs += count;
    }
    if (status === 'running') {
      nRunning_rt = rt;
      nRunning_ms = fam;
      nRunning_gs = gs;
    } else if (status === 'defined') {
      nDefine_rt = rt;
      nDefine_ms = fam;
      nDefine_gs = gs;
    } else if (status === 'waiting') {
      nWaiting_rt = rt;
      nWaiting_gs = gs;
    } else if (status === 'assigned' || status === 'activated' || status === 'starting') {
      nNotRun_rt += rt;
      nNotRun_ms += fam;
      nNotRun_gs += gs;
    } else if (status === 'dummy') {
      nNotRun_rt -= rt;
      nNotRun_ms -= fam;
      nNotRun_gs -= gs;
    }
  }
  const pick = <T>(level: ThrottleConfigLevel, gsValue: T, msValue: T, rtValue: T): T =>
    level === 'GS' ? gsValue : level === 'MS' ? msValue : rtValue;
  return {
    nRunning_rt,
    nRunning_gs,
    nRunning_runningcap: pick(config.NRUNNINGCAP.level, nRunning_gs, nRunning_ms, nRunning_rt),
    nNotRun_rt,
    nNotRun_gs,
    nNotRun_queuelimit: pick(config.NQUEUELIMIT.level, nNotRun_gs, nNotRun_ms, nNotRun_rt),
    nNotRun_queuecap: pick(config.NQUEUECAP.level, nNotRun_gs, nNotRun_ms, nNotRun_rt),
    nDefine_rt,
    nDefine_gs,
    nDefine_queuelimit: pick(config.NQUEUELIMIT.level, nDefine_gs, nDefine_ms, nDefine_rt),
    nDefine_queuecap: pick(config.NQUEUECAP.level, nDefine_gs, nDefine_ms, nDefine_rt),
    nWaiting_rt,
    nWaiting_gs,
  };
}

/** Config `core.WORK_SHORTAGE` selects which threshold key is read; unset means 2.0. */
export interface ThrottleThresholdConfig {
  workShortage?: boolean | null;
  THROTTLE_THRESHOLD?: number | null;
  THROTTLE_THRESHOLD_FOR_WORK_SHORTAGE?: number | null;
}

export function throttleThreshold(config: ThrottleThresholdConfig = {}): number {
  const value =
    config.workShortage === true ? config.THROTTLE_THRESHOLD_FOR_WORK_SHORTAGE : config.THROTTLE_THRESHOLD;
  return value ?? JOB_THROTTLER_CONSTANTS.defaultThreshold;
}

/** Everything `toBeThrottledBase` reads for one (work queue or share, resource type) combination. */
export interface JediThrottleInput {
  /** `workQueue.queue_name`: the share name, spaces kept. */
  queueName: string;
  /** False only for shares with THROTTLED = 'N'. */
  throttled: boolean;
  resourceType: string;
  prodSourceLabel: string;
  jobStats: JobStatsByResourceType;
  standbyStatic?: Readonly<Record<string, number>>;
  standbyDynamic?: Readonly<Record<string, number>>;
  /** `checkWaitingTaskPrio_JEDI`: highest currentPriority of tasks with unprocessed input (0 if none). */
  highestPrioWaiting: number;
  /** `getHighestPrioJobStat_JEDI`: highest priority of queued jobs and how many jobs sit at it. */
  highestPrioInPandaDB: number;
  nNotRunHighestPrio: number;
  /** `getTotalWallTime_JEDI`; null when unknown. */
  totalWalltime: number | null;
  /** Central limits (see `ThrottleConfigValues`). */
  config?: ThrottleConfigValues;
  /** Result of `throttleThreshold`; default 2.0. */
  threshold?: number;
}

/**
 * Why the share is (not) throttled; spec rule letters of fairshare.md §2.2 step 5 in brackets:
 * `noRunning` [A], `enoughQueued` [C], `brokerageStuck` [E], `tooManyWaiting` [F], `runningCap` [G],
 * `queueCap` [H]; `unthrottledShare` for THROTTLED = 'N'; `none` when no rule matched.
 */
export type ThrottleRule =
  | 'unthrottledShare'
  | 'noRunning'
  | 'enoughQueued'
  | 'brokerageStuck'
  | 'tooManyWaiting'
  | 'runningCap'
  | 'queueCap'
  | 'none';

export interface JediThrottleDecision {
  /** True ⇒ THR_LEVEL5: only merge (pmerge) and jumbo co-jobs are generated this cycle. */
  mergeOnly: boolean;
  /** The `toBeThrottledBase` return value: false (pass) or 5. */
  level: false | 5;
  rule: ThrottleRule;
  reason: string;
  /** Cap on new jobs this cycle (may be fractional: `nQueueLimit / 20` is a true division); null = none. */
  maxNumJobs: number | null;
  /** Only tasks with currentPriority ≥ this are read; null = no limit. */
  minPriority: number | null;
  /** "Not enough jobs queued": the generator releases its lock so several processes fill the share. */
  lackOfJobs: boolean;
  highPrioQueued: boolean;
  nJobsInBunch: number | null;
  nQueueLimit: number | null;
  config: ThrottleConfig | null;
  stats: ThrottleJobStats | null;
}

/** `mergeThrottled`: is the level high enough to stop even merge jobs? (never, for level 5) */
export function mergeThrottled(level: boolean | number): boolean {
  if (typeof level === 'boolean') return level;
  return level > JOB_THROTTLER_CONSTANTS.THR_LEVEL5;
}

/** `toBeThrottledBase`. */
export function jediThrottle(input: JediThrottleInput): JediThrottleDecision {
  const C = JOB_THROTTLER_CONSTANTS;
  if (!input.throttled) {
    return {
      mergeOnly: false,
      level: false,
      rule: 'unthrottledShare',
      reason: 'PASS unthrottled since GS_throttled is False',
      maxNumJobs: null,
      minPriority: null,
      lackOfJobs: false,
      highPrioQueued: false,
      nJobsInBunch: null,
      nQueueLimit: null,
      config: null,
      stats: null,
    };
  }
  const threshold = input.threshold ?? C.defaultThreshold;
  const config = throttleConfig(input.config ?? {}, input.queueName, input.resourceType);
  const s = throttleJobStats(
    input.jobStats,
    input.resourceType,
    config,
    input.standbyStatic,
    input.standbyDynamic,
  );
  const nonRt = NON_RT_WORK_QUEUES.includes(input.queueName);
  const configQueueLimit = config.NQUEUELIMIT.value;
  const configQueueCap = config.NQUEUECAP.value;
  const configRunningCap = config.NRUNNINGCAP.value;

  const highPrioQueued =
    input.prodSourceLabel !== 'user' &&
    (input.highestPrioWaiting > input.highestPrioInPandaDB ||
      (input.highestPrioWaiting === input.highestPrioInPandaDB &&
        input.nNotRunHighestPrio < C.nJobsInBunchMin));

  const remainingSlot = nonRt
    ? pyInt(s.nRunning_gs * threshold - s.nNotRun_gs)
    : pyInt(s.nRunning_rt * threshold - s.nNotRun_rt);
  let nJobsInBunch = Math.min(Math.max(C.nJobsInBunchMin, remainingSlot), C.nJobsInBunchMax);
  const nQueueLimit = configQueueLimit !== null ? configQueueLimit : nJobsInBunch * C.nBunch;
  const queuedAtLimit = s.nNotRun_queuelimit + s.nDefine_queuelimit;
  if (PRESTAGE_WORK_QUEUES.includes(input.queueName) && nQueueLimit > queuedAtLimit) {
    const room = nQueueLimit - queuedAtLimit;
    if (room > nJobsInBunch) nJobsInBunch = Math.min(room, C.nJobsInBunchMax);
  }
  let maxNumJobs =
    configQueueCap === null
      ? pyFloorDiv(nJobsInBunch, C.nParallel)
      : pyFloorDiv(configQueueCap, C.nParallelCap);
  const totWalltime = input.totalWalltime;
  const walltimeOk = totWalltime === null || totWalltime > C.minTotalWalltime;
  const limitKey = config.NQUEUELIMIT.key ?? 'nQueueLimit';

  // The elif chain of upstream: the first matching condition decides, even when it is then bypassed.
  let rule: ThrottleRule = 'none';
  let reason = '';
  let bypassable = true;
  if (!nonRt && s.nRunning_rt === 0 && queuedAtLimit > nQueueLimit && walltimeOk) {
    rule = 'noRunning';
    reason = `no running and enough nQueued_queuelimit=${queuedAtLimit}>(${limitKey}=${nQueueLimit}) & totWalltime(${String(totWalltime)})>${C.minTotalWalltime}`;
  } else if (nonRt && s.nRunning_gs === 0 && queuedAtLimit > nQueueLimit) {
    rule = 'noRunning';
    reason = `no running and enough nQueued_queuelimit=${queuedAtLimit}>(${limitKey}=${nQueueLimit})`;
  } else if (
    !nonRt &&
    s.nRunning_rt !== 0 &&
    (s.nNotRun_rt + s.nDefine_rt) / s.nRunning_rt > threshold &&
    queuedAtLimit > nQueueLimit &&
    walltimeOk
  ) {
    rule = 'enoughQueued';
    reason = `nQueued_rt(${s.nNotRun_rt + s.nDefine_rt})/nRunning_rt(${s.nRunning_rt})>${threshold} & nQueued_queuelimit=${queuedAtLimit}>(${limitKey}=${nQueueLimit}) & totWalltime(${String(totWalltime)})>${C.minTotalWalltime}`;
  } else if (
    nonRt &&
    s.nRunning_gs !== 0 &&
    (s.nNotRun_gs + s.nDefine_gs) / s.nRunning_gs > threshold &&
    queuedAtLimit > nQueueLimit
  ) {
    rule = 'enoughQueued';
    reason = `nQueued_gs(${s.nNotRun_gs + s.nDefine_gs})/nRunning_gs(${s.nRunning_gs})>${threshold} & nQueued_queuelimit=${queuedAtLimit}>(${limitKey}=${nQueueLimit})`;
  } else if (s.nDefine_queuelimit > nQueueLimit) {
    rule = 'brokerageStuck';
    reason = `too many nDefined_queuelimit=${s.nDefine_queuelimit}>(${limitKey}=${nQueueLimit})`;
  } else if (s.nWaiting_rt > Math.max(s.nRunning_rt * C.nWaitingLimit, nJobsInBunch * C.nWaitingBunchLimit)) {
    rule = 'tooManyWaiting';
    reason = `too many nWaiting_rt(${s.nWaiting_rt})>max(nRunning_rt(${s.nRunning_rt})x${C.nWaitingLimit},${nJobsInBunch}x${C.nWaitingBunchLimit})`;
  } else if (configRunningCap && s.nRunning_runningcap > configRunningCap) {
    rule = 'runningCap';
    reason = `nRunning_runningcap(${s.nRunning_runningcap})>nRunningCap(${String(config.NRUNNINGCAP.key)}=${configRunningCap})`;
    bypassable = false;
  } else if (configQueueCap && s.nNotRun_queuecap + s.nDefine_queuecap > configQueueCap) {
    rule = 'queueCap';
    reason = `nQueued_queuecap(${s.nNotRun_queuecap + s.nDefine_queuecap})>nQueueCap(${String(config.NQUEUECAP.key)}=${configQueueCap})`;
  }

  const base = { highPrioQueued, nJobsInBunch, nQueueLimit, config, stats: s };
  if (rule !== 'none' && (!bypassable || !highPrioQueued)) {
    return {
      ...base,
      mergeOnly: true,
      level: 5,
      rule,
      reason: `SKIP ${reason}`,
      maxNumJobs,
      minPriority: null,
      lackOfJobs: false,
    };
  }
  if (rule !== 'none') {
    const minPriority = input.highestPrioWaiting;
    return {
      ...base,
      mergeOnly: false,
      level: false,
      rule,
      reason: `PASS with priority limit=${minPriority} since high-priority tasks are waiting, despite: ${reason}`,
      maxNumJobs,
      minPriority,
      lackOfJobs: false,
    };
  }
  const lackOfJobs =
    queuedAtLimit < nQueueLimit * C.lackOfJobsFraction ||
    (nonRt && s.nNotRun_gs + s.nDefine_gs < s.nRunning_gs) ||
    (!nonRt && s.nNotRun_rt + s.nDefine_rt < s.nRunning_rt);
  if (lackOfJobs) maxNumJobs = Math.max(maxNumJobs, nQueueLimit / C.lackOfJobsDivisor);
  return {
    ...base,
    mergeOnly: false,
    level: false,
    rule,
    reason: `PASS - not throttled${lackOfJobs ? ', not enough jobs queued' : ''}, maxNumJobs=${maxNumJobs}`,
    maxNumJobs,
    minPriority: null,
    lackOfJobs,
  };
}
