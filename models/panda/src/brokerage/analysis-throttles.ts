// Task-level throttles at the top of `AtlasAnalJobBroker.doBrokerage` (pandajedi/jedibrokerage/AtlasAnalJobBroker.py;
// brokerage.md §4.1, fairshare.md §3.4–3.5): when one applies, no job is generated for the task this cycle.

import type { TaskSpec } from '../snapshot/task.ts';
import type { AnalysisJobBrokerOptions } from './analysis-options.ts';
import type { AnalysisUserContext } from './analysis-types.ts';

/**
 * Why the task is throttled, or null. Order as in the code: per-user (or working-group) caps on running and queued
 * jobs and cores (queued may reach twice the running cap; not for merges), the User Analysis share usage by task
 * class, then the Rucio quotas (near the global quota only merge chunks pass).
 */
export function analysisThrottle(
  task: Pick<TaskSpec, 'workingGroup' | 'gshare' | 'analyTaskClass'>,
  isMerging: boolean,
  user: AnalysisUserContext,
  options: AnalysisJobBrokerOptions,
): string | null {
  const t = user.totals;
  if (t && !isMerging) {
    const group = task.workingGroup !== undefined && task.workingGroup !== '';
    const capJobs = group ? options.CAP_RUNNING_GROUP_JOBS : options.CAP_RUNNING_USER_JOBS;
    const capCores = group ? options.CAP_RUNNING_GROUP_CORES : options.CAP_RUNNING_USER_CORES;
    const tag = group ? 'GROUP' : 'USER';
    if (capJobs) {
      if (t.nRunJobs > capJobs) return `too many running jobs ${t.nRunJobs} > CAP_RUNNING_${tag}_JOBS`;
      if (t.nQueuedJobs > 2 * capJobs)
        return `too many queued jobs ${t.nQueuedJobs} > 2xCAP_RUNNING_${tag}_JOBS`;
    }
    if (capCores) {
      if (t.nRunCores > capCores) return `too many running cores ${t.nRunCores} > CAP_RUNNING_${tag}_CORES`;
      if (t.nQueuedCores > 2 * capCores)
        return `too many queued cores ${t.nQueuedCores} > 2xCAP_RUNNING_${tag}_CORES`;
    }
  }
  // Only with a share-usage metric and a task evaluation; class S (Express Analysis) is never throttled here.
  if (
    task.gshare === 'User Analysis' &&
    user.gshareUsage !== undefined &&
    task.analyTaskClass !== undefined
  ) {
    let usagePercent = user.gshareUsage * 100;
    if (user.l1EquivalentUsage !== undefined)
      usagePercent = Math.min(usagePercent, user.l1EquivalentUsage * 100);
    const slotRatioA =
      user.remSlotsA !== undefined ? 1.0 - user.remSlotsA / options.USER_USAGE_THRESHOLD_A : 0.5;
    const cls = task.analyTaskClass;
    if (cls === -1 && usagePercent > options.throttlePercentC) {
      return `gshare ${task.gshare} > ${options.throttlePercentC}% of target and task in class C`;
    }
    if (cls === 0 && usagePercent > options.throttlePercentB) {
      return `gshare ${task.gshare} > ${options.throttlePercentB}% of target and task in class B`;
    }
    if (cls === 1 && usagePercent * slotRatioA * options.throttleIntensityA > options.throttlePercentA) {
      return `gshare ${task.gshare} above target for class A`;
    }
  }
  if (user.overGlobalQuota) return 'over global quota';
  if (user.nearGlobalQuota && !isMerging) return 'close to global quota: only merge jobs';
  return null;
}
