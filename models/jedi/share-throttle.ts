// The JobGenerator's throttler call for one (prodSourceLabel, global share, resource type): the inputs of
// `JobThrottlerBase.toBeThrottledBase` (pandajedi/jedithrottle/JobThrottlerBase.py, fairshare.md §2.2) read from
// the job-table statistics, decided by the package's `jediThrottle`. `AtlasProdJobThrottler` (managed) and
// `AtlasAnalJobThrottler` (user) both forward to it.

import {
  isShareThrottled,
  jediThrottle,
  type JediThrottleDecision,
  type ShareTree,
  type ThrottleConfigValues,
} from '@pandasim/panda';
import type { JobTableStats } from './job-table-stats.ts';

export interface ShareThrottleOptions {
  /** Central limits of `prod_job_throttler` / `anal_job_throttler`, e.g. `{ 'NQUEUELIMIT_MC 16': 500 }`. */
  config?: ThrottleConfigValues;
  /** `THROTTLE_THRESHOLD` (queued / running), default 2.0. */
  threshold?: number;
}

export interface ShareThrottleRequest {
  prodSourceLabel: string;
  gshare: string;
  resourceType: string;
  /** Highest currentPriority of the share's tasks with input left (`checkWaitingTaskPrio_JEDI`), 0 if none. */
  highestPrioWaiting: number;
}

/** Whether the share may generate now, how many jobs, and from which task priority. */
export function throttleShare(
  stats: JobTableStats,
  tree: ShareTree,
  request: ShareThrottleRequest,
  options: ShareThrottleOptions = {},
): JediThrottleDecision {
  const node = tree.nodeIndex.get(request.gshare);
  const row = node === undefined ? null : tree.rows[node];
  const hp = stats.highestQueued(request.gshare, request.resourceType);
  return jediThrottle({
    queueName: request.gshare,
    throttled: row === null || isShareThrottled(row),
    resourceType: request.resourceType,
    prodSourceLabel: request.prodSourceLabel,
    jobStats: stats.jobStats(request.gshare),
    highestPrioWaiting: request.highestPrioWaiting,
    highestPrioInPandaDB: hp.priority,
    nNotRunHighestPrio: hp.count,
    // `getTotalWallTime_JEDI` reads a cache of estimated remaining walltime the simulator does not keep.
    totalWalltime: null,
    config: options.config,
    threshold: options.threshold,
  });
}
