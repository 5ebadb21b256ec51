// Site, user and task classes of the analysis evaluation (fairshare.md §3.5): sites A/B/C by analysis wait
// times, users' remaining slots on A and A+B sites, and task classes S/A/B/C that drive the analysis throttle
// and the move of nearly-done tasks to `Express Analysis`.
//
// Upstream: pandaserver/daemons/scripts/metric_collector.py `FetchData.analy_site_eval` (every 30 min),
// `FetchData.analy_user_eval` (every 10 min); pandaserver/daemons/scripts/task_evaluator.py
// `FetchData.analy_task_eval` (every 10 min); pandajedi/jedidog/AtlasAnalWatchDog.py `doForTaskBoost`.

import { pyInt } from './py-numeric.ts';

/** Class values as stored in the metrics: S = 2, A = 1, B = 0, C = −1. */
export type AnalysisClass = 2 | 1 | 0 | -1;

/** Wait-time statistics of one PQ (`analy_pmerge_jobs_wait_time`) with its CRIC type and to-running rate. */
export interface SiteWaitStats {
  site: string;
  /** CRIC `resource_type`; only `GRID` sites enter the percentiles. */
  resourceType: string | null;
  /** Upper 95 % confidence bound of the wait time, seconds. */
  w_cl95upp: number | null;
  /** Mean wait of long-queued jobs, seconds. */
  long_q_mean: number | null;
  long_q_n: number;
  /** Slot-to-running rate over one day. */
  strr_1d: number;
}

export const SITE_CLASS_CONSTANTS = {
  lowerQuantile: 0.333,
  upperQuantile: 0.667,
  /** Class A needs a ranking wait at most max(P33.3, 1 h). */
  minAWaitS: 3600,
  /** Class C needs a ranking wait above max(P66.7, 3 h). */
  minCWaitS: 10800,
  /** Low-statistics variant of class A: at most this many long-queued jobs. */
  maxLongQueuedForA: 3,
} as const;

/** `numpy.nanquantile` with the default linear interpolation; NaN for an empty sample. */
export function nanQuantile(values: readonly number[], q: number): number {
  const xs = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (xs.length === 0) return Number.NaN;
  const h = (xs.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return xs[lo] + (h - lo) * (xs[hi] - xs[lo]);
}

/** Python's two-argument `max`: returns the first argument unless the second is strictly greater (NaN-sticky). */
function pyMax(a: number, b: number): number {
  return b > a ? b : a;
}

/**
 * `analy_site_eval`: class per site (sites with a missing statistic are left out). The ranking wait is
 * `max(w_cl95upp, long_q_mean)`; percentiles are over GRID sites only.
 */
export function analysisSiteClasses(stats: readonly SiteWaitStats[]): Record<string, AnalysisClass> {
  const C = SITE_CLASS_CONSTANTS;
  const complete = stats.filter((s) => s.w_cl95upp !== null && s.long_q_mean !== null);
  const ranking = (s: SiteWaitStats): number => Math.max(s.w_cl95upp as number, s.long_q_mean as number);
  const gridRanking = complete.filter((s) => s.resourceType === 'GRID').map(ranking);
  const p33 = nanQuantile(gridRanking, C.lowerQuantile);
  const p67 = nanQuantile(gridRanking, C.upperQuantile);
  const aLimit = pyMax(p33, C.minAWaitS);
  const cLimit = pyMax(p67, C.minCWaitS);
  const out: Record<string, AnalysisClass> = {};
  for (const s of complete) {
    const wait = ranking(s);
    const fastEnough =
      wait <= aLimit || ((s.w_cl95upp as number) <= aLimit && s.long_q_n <= C.maxLongQueuedForA);
    if (fastEnough && s.strr_1d > 0) out[s.site] = 1;
    else if (wait > cLimit) out[s.site] = -1;
    else out[s.site] = 0;
  }
  return out;
}

/** One row of `users_jobs_stats`: a user's running slots (cores) at a site in a share. */
export interface UserSlotsRow {
  user: string;
  site: string;
  gshare: string;
  slotsRunning: number;
}

export interface UserEvalOptions {
  /** analy_eval `USER_USAGE_THRESHOLD_A`, default 1000. */
  thresholdA?: number;
  /** analy_eval `USER_USAGE_THRESHOLD_B`: default 8000 here, 10000 in the broker (fairshare.md §9 item 5). */
  thresholdB?: number;
}

export const USER_EVAL_DEFAULTS = { thresholdA: 1000, thresholdB: 8000, brokerThresholdB: 10000 } as const;

export interface UserEval {
  slotsRunningA: number;
  slotsRunningB: number;
  slotsRunningC: number;
  rem_slots_A: number;
  rem_slots_B: number;
  rem_slot_ratio_A: number;
  rem_slot_ratio_B: number;
}

/**
 * `analy_user_eval`: running slots in `User Analysis` / `Express Analysis` on classified GRID sites, by site
 * class; `rem_slots_A = max(thrA − run_A, 0)`, `rem_slots_B = max(thrB − run_A − run_B, 0)`.
 */
export function analysisUserEval(
  rows: readonly UserSlotsRow[],
  siteClasses: Readonly<Record<string, AnalysisClass>>,
  siteResourceTypes: Readonly<Record<string, string | null>>,
  options: UserEvalOptions = {},
): Record<string, UserEval> {
  const thrA = options.thresholdA ?? USER_EVAL_DEFAULTS.thresholdA;
  const thrB = options.thresholdB ?? USER_EVAL_DEFAULTS.thresholdB;
  const slots = new Map<string, { A: number; B: number; C: number }>();
  for (const row of rows) {
    if (row.gshare !== 'User Analysis' && row.gshare !== 'Express Analysis') continue;
    const cls = siteClasses[row.site];
    if (cls === undefined || siteResourceTypes[row.site] !== 'GRID') continue;
    let s = slots.get(row.user);
    if (s === undefined) {
      s = { A: 0, B: 0, C: 0 };
      slots.set(row.user, s);
    }
    if (cls === 1) s.A += row.slotsRunning;
    else if (cls === 0) s.B += row.slotsRunning;
    else if (cls === -1) s.C += row.slotsRunning;
  }
  const out: Record<string, UserEval> = {};
  for (const [user, s] of slots) {
    const remA = Math.max(thrA - s.A, 0);
    const remB = Math.max(thrB - (s.A + s.B), 0);
    out[user] = {
      slotsRunningA: s.A,
      slotsRunningB: s.B,
      slotsRunningC: s.C,
      rem_slots_A: remA,
      rem_slots_B: remB,
      rem_slot_ratio_A: remA / thrA,
      rem_slot_ratio_B: remB / thrB,
    };
  }
  return out;
}

/** An active analysis task as `analy_task_eval` reads it (input datasets summed, masters only). */
export interface AnalysisTaskProgress {
  gshare: string;
  nFiles: number;
  nFilesFinished: number;
  nFilesFailed: number;
  /** Distinct PandaIDs that have touched the task's input. */
  nJobs: number;
}

export interface TaskEvalOptions {
  /** analy_eval `PROGRESS_TO_BOOST_A` / `_B` (percent) and `MAX_REM_JOBS_TO_BOOST_A` / `_B`. */
  progressToBoostA?: number;
  progressToBoostB?: number;
  maxRemJobsToBoostA?: number;
  maxRemJobsToBoostB?: number;
}

export const TASK_EVAL_DEFAULTS = {
  progressToBoostA: 90,
  progressToBoostB: 95,
  maxRemJobsToBoostA: 500,
  maxRemJobsToBoostB: 200,
} as const;

/**
 * `analy_task_eval`: `Express Analysis` tasks are S; otherwise A, lowered to B when the user has no A slots
 * left and to C when no B slots either; nearly-done A and B tasks are promoted to S. Null when the user has no
 * evaluation (the task is skipped upstream).
 */
export function analysisTaskClass(
  task: AnalysisTaskProgress,
  user: Pick<UserEval, 'rem_slots_A' | 'rem_slots_B'> | undefined,
  options: TaskEvalOptions = {},
): AnalysisClass | null {
  if (task.gshare === 'Express Analysis') return 2;
  if (user === undefined) return null;
  const D = TASK_EVAL_DEFAULTS;
  let pctFinished = 0;
  let remainingJobs = 0;
  if (task.nFiles > 0) {
    const remainingFiles = Math.max(task.nFiles - task.nFilesFinished - task.nFilesFailed, 0);
    pctFinished = (task.nFilesFinished * 100) / task.nFiles;
    remainingJobs = pyInt((task.nJobs * remainingFiles) / task.nFiles);
  }
  let cls: AnalysisClass = 1;
  if (user.rem_slots_A <= 0) cls = user.rem_slots_B <= 0 ? -1 : 0;
  const nearlyDone = (pct: number, maxRem: number): boolean =>
    pctFinished >= pct && remainingJobs > 0 && remainingJobs <= maxRem;
  if (
    cls === 1 &&
    nearlyDone(
      options.progressToBoostA ?? D.progressToBoostA,
      options.maxRemJobsToBoostA ?? D.maxRemJobsToBoostA,
    )
  ) {
    return 2;
  }
  if (
    cls === 0 &&
    nearlyDone(
      options.progressToBoostB ?? D.progressToBoostB,
      options.maxRemJobsToBoostB ?? D.maxRemJobsToBoostB,
    )
  ) {
    return 2;
  }
  return cls;
}
