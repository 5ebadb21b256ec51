// Task-level throttles of analysis brokerage that act as fair share (fairshare.md §3.4–3.5): per-user caps on
// running/queued jobs and cores, and the throttle of `User Analysis` tasks by share usage and task class; plus
// the watchdog move of S-class tasks to `Express Analysis`.
//
// Upstream: pandajedi/jedibrokerage/AtlasAnalJobBroker.py `AtlasAnalJobBroker.doBrokerage` (the checks before
// site selection); pandajedi/jedidog/AtlasAnalWatchDog.py `doForTaskBoost`.

import type { AnalysisClass } from './analysis-classes.ts';

/** `countJobsPerTarget_JEDI` for the task's user (or its working group). */
export interface UserJobTotals {
  nRunJobs: number;
  nQueuedJobs: number;
  nRunCores: number;
  nQueuedCores: number;
}

/** prio_mgr `CAP_RUNNING_USER_JOBS`/`_CORES` (or the `GROUP` keys for group tasks); no defaults here. */
export interface UserCaps {
  maxRunJobs?: number | null;
  maxRunCores?: number | null;
}

/** Queued work may reach this multiple of the running cap. */
export const USER_CAP_QUEUE_FACTOR = 2;

export interface TaskThrottleDecision {
  throttled: boolean;
  reason: string;
}

/**
 * Per-user caps checked before brokering a task: throttle when running > cap or queued > 2 × cap, for jobs and
 * for cores. Only configured (truthy) caps apply; merge chunks and missing totals are never throttled.
 */
export function userCapThrottle(
  totals: UserJobTotals | null,
  caps: UserCaps,
  isMerging = false,
): TaskThrottleDecision {
  if (totals === null || isMerging) return { throttled: false, reason: 'no totals or merging' };
  const checks: [number | null | undefined, number, number, string][] = [
    [caps.maxRunJobs, totals.nRunJobs, totals.nQueuedJobs, 'jobs'],
    [caps.maxRunCores, totals.nRunCores, totals.nQueuedCores, 'cores'],
  ];
  for (const [cap, running, queued, what] of checks) {
    if (!cap) continue;
    if (running > cap) return { throttled: true, reason: `too many running ${what} ${running} > ${cap}` };
    if (queued > USER_CAP_QUEUE_FACTOR * cap) {
      return {
        throttled: true,
        reason: `too many queued ${what} ${queued} > ${USER_CAP_QUEUE_FACTOR}x${cap}`,
      };
    }
  }
  return { throttled: false, reason: 'under caps' };
}

/** Thresholds of the User Analysis throttle, percent of target. */
export const USER_ANALYSIS_THROTTLE = {
  thresholdPercA: 100,
  thresholdPercB: 95,
  thresholdPercC: 90,
  intensityA: 1.0,
  /** Used when the user has no evaluation. */
  defaultSlotRatioA: 0.5,
  /** The broker's default `USER_USAGE_THRESHOLD_A`. */
  thresholdA: 1000,
} as const;

export interface ShareUsageThrottleInput {
  gshare: string;
  /** `usage_perc` of the task's share from `gshare_preference` (fraction, 999999 for a zero target). */
  shareUsage: number | null;
  /** `eqiv_usage_perc` of `L1 User Analysis`, if available. */
  l1EquivalentUsage?: number | null;
  /** Class of the task (`analy_task_eval`); null when not evaluated. */
  taskClass: AnalysisClass | null;
  /** `rem_slots_A` of the user; null when the user has no evaluation. */
  remSlotsA: number | null;
  /** analy_eval `USER_USAGE_THRESHOLD_A` as the broker reads it. */
  thresholdA?: number;
}

/**
 * Throttle of `User Analysis` tasks near the share target: usage% is the share's, lowered to the L1
 * equivalent usage when that is smaller; class C throttles above 90 %, B above 95 %, A when
 * `usage% × (1 − rem_slots_A / threshold_A) > 100`; S never.
 */
export function shareUsageThrottle(input: ShareUsageThrottleInput): TaskThrottleDecision {
  const T = USER_ANALYSIS_THROTTLE;
  if (input.gshare !== 'User Analysis' || input.shareUsage === null || input.taskClass === null) {
    return { throttled: false, reason: 'not applicable' };
  }
  let usagePercent = input.shareUsage * 100;
  if (input.l1EquivalentUsage !== null && input.l1EquivalentUsage !== undefined) {
    usagePercent = Math.min(usagePercent, input.l1EquivalentUsage * 100);
  }
  const thresholdA = input.thresholdA ?? T.thresholdA;
  const slotRatioA = input.remSlotsA === null ? T.defaultSlotRatioA : 1.0 - input.remSlotsA / thresholdA;
  if (input.taskClass === -1 && usagePercent > T.thresholdPercC) {
    return {
      throttled: true,
      reason: `gshare usage ${usagePercent}% > ${T.thresholdPercC}% and task in class C`,
    };
  }
  if (input.taskClass === 0 && usagePercent > T.thresholdPercB) {
    return {
      throttled: true,
      reason: `gshare usage ${usagePercent}% > ${T.thresholdPercB}% and task in class B`,
    };
  }
  if (input.taskClass === 1 && usagePercent * slotRatioA * T.intensityA > T.thresholdPercA) {
    return {
      throttled: true,
      reason: `gshare usage ${usagePercent}% x slot ratio ${slotRatioA} > ${T.thresholdPercA}% and task in class A`,
    };
  }
  return {
    throttled: false,
    reason: `gshare usage ${usagePercent}% within limits for class ${input.taskClass}`,
  };
}

export interface AnalysisTaskBoost {
  /** Move the task and its jobs (running ones included) to this share. */
  newShare: 'Express Analysis';
  /** Set the task's max walltime to 1 h (only when it has no files/events per job). */
  maxWalltimeHours: 1 | null;
}

/**
 * `doForTaskBoost`: `User Analysis` tasks evaluated S move to `Express Analysis`; without a per-job file or
 * event count they also get a 1-hour max walltime. Null when the task is not boosted.
 */
export function analysisTaskBoost(
  gshare: string,
  taskClass: AnalysisClass | null,
  hasNumFilesOrEventsPerJob: boolean,
): AnalysisTaskBoost | null {
  if (gshare !== 'User Analysis' || taskClass !== 2) return null;
  return { newShare: 'Express Analysis', maxWalltimeHours: hasNumFilesOrEventsPerJob ? null : 1 };
}
