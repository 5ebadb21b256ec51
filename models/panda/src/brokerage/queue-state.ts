// Reading a PQ's dynamic state the way JEDI reads its statistics: `AtlasBrokerUtils.getNumJobs` (counts of one
// share, or summed over all shares) and `SiteSpec.getNumStandby` (Harvester_Slots).

import type { JobCounts, QueueState, SiteSpec } from '../snapshot/queue.ts';

export const NO_JOBS: Readonly<JobCounts> = Object.freeze({
  nDefined: 0,
  nAssigned: 0,
  nActivated: 0,
  nStarting: 0,
  nRunning: 0,
  nTransferring: 0,
});

/** Counts of one gshare / work queue at the PQ (zeros when absent). */
export function shareCounts(state: QueueState | undefined, key: string): Readonly<JobCounts> {
  return state?.jobsByShare[key] ?? NO_JOBS;
}

/** Counts summed over all shares (`getNumJobs` with no work-queue tag). */
export function allShareCounts(state: QueueState | undefined): Readonly<JobCounts> {
  if (!state) return NO_JOBS;
  if (state.jobsAllShares) return state.jobsAllShares;
  const sum = { nDefined: 0, nAssigned: 0, nActivated: 0, nStarting: 0, nRunning: 0, nTransferring: 0 };
  const by = state.jobsByShare;
  for (const k in by) {
    const c = by[k];
    sum.nDefined += c.nDefined;
    sum.nAssigned += c.nAssigned;
    sum.nActivated += c.nActivated;
    sum.nStarting += c.nStarting;
    sum.nRunning += c.nRunning;
    sum.nTransferring += c.nTransferring;
  }
  return sum;
}

/**
 * `SiteSpec.getNumStandby(gshare, resourceType)`: numSlots for the share and resource type, falling back to the
 * `*` (any) entries; the sum over resource types when the task has none; null when nothing is configured.
 */
export function getNumStandby(site: SiteSpec, key: string, resourceType: string | undefined): number | null {
  const map = site.num_slots_map;
  if (!map) return null;
  const byRt = map[key] ?? map['*'];
  if (!byRt) return null;
  if (resourceType === undefined) {
    let sum = 0;
    for (const rt in byRt) sum += byRt[rt];
    return sum;
  }
  return byRt[resourceType] ?? byRt['*'] ?? null;
}
