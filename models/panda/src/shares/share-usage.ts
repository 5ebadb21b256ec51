// What PanDA measures per share and what it owes each share (fairshare.md §1.4–1.5): executing and queued
// HS06 per gshare from the JOBS_SHARE_STATS aggregation, the grand executing total, and the "pledged" target
// of every node as a fraction of what is executing right now (no history, no decay).
//
// Upstream: DB procedure `UPDATE_JOBSACT_STATS_BY_GSHARE` (HS column), entity_module.py
// `EntityModule.__get_hs_leave_distribution`, GlobalShares.py `Share.aggregate_hs_distribution`.

import type { ShareTree } from './global-shares.ts';

/** Job states as they group for the share computation (`__get_hs_leave_distribution`). */
export type ShareStatusGroup = 'executing' | 'queued' | 'ignore';

/** `sent` and `running` execute; `activated` is queued; everything else (starting, holding, …) is ignored. */
export function shareStatusGroup(jobStatus: string): ShareStatusGroup {
  if (jobStatus === 'sent' || jobStatus === 'running') return 'executing';
  if (jobStatus === 'activated') return 'queued';
  return 'ignore';
}

/**
 * HS06 a job occupies: `NVL(coreCount, 1) × corepower` of its PanDA queue (`UPDATE_JOBSACT_STATS_BY_GSHARE`).
 * A job with coreCount 0 contributes 0; a queue without corepower yields NULL, which the Python side skips.
 */
export function jobHs06(coreCount: number | null | undefined, corepower: number | null | undefined): number {
  if (corepower === null || corepower === undefined) return 0;
  return (coreCount ?? 1) * corepower;
}

/** A row of `jobsActive4` as far as the share statistics read it. */
export interface ShareStatsJob {
  gshare: string;
  jobStatus: string;
  coreCount?: number | null;
  /** HS06 per core of the job's PanDA queue (CRIC `corepower`). */
  corepower?: number | null;
}

/** HS06 per gshare value (any gshare, leaf or not, e.g. `Undefined`), as JSON-friendly records. */
export interface ShareHsStats {
  executing: Record<string, number>;
  queued?: Record<string, number>;
}

/** Aggregates active jobs like the JOBS_SHARE_STATS table plus the status grouping of the Python side. */
export function shareHsStats(jobs: Iterable<ShareStatsJob>): Required<ShareHsStats> {
  const executing: Record<string, number> = {};
  const queued: Record<string, number> = {};
  for (const job of jobs) {
    const group = shareStatusGroup(job.jobStatus);
    if (group === 'ignore') continue;
    const target = group === 'executing' ? executing : queued;
    target[job.gshare] = (target[job.gshare] ?? 0) + jobHs06(job.coreCount, job.corepower);
  }
  return { executing, queued };
}

/**
 * The per-leaf view the ordering works on: executing (and queued) HS06 indexed by leaf, plus the grand
 * executing total over every gshare value, which includes work whose gshare is not a leaf.
 */
export interface LeafUsage {
  executingTotal: number;
  leafExecuting: Float64Array;
  leafQueued?: Float64Array;
}

export function leafUsage(tree: ShareTree, stats: ShareHsStats): LeafUsage {
  const leafExecuting = new Float64Array(tree.leafNames.length);
  const leafQueued = new Float64Array(tree.leafNames.length);
  let executingTotal = 0;
  for (const [gshare, hs] of Object.entries(stats.executing)) {
    executingTotal += hs;
    const leaf = tree.leafIndex.get(gshare);
    if (leaf !== undefined) leafExecuting[leaf] = hs;
  }
  for (const [gshare, hs] of Object.entries(stats.queued ?? {})) {
    const leaf = tree.leafIndex.get(gshare);
    if (leaf !== undefined) leafQueued[leaf] = hs;
  }
  return { executingTotal, leafExecuting, leafQueued };
}

/** `pledged(leaf) = E_total × norm(leaf) / 100`, in the upstream operation order. */
export function leafPledged(executingTotal: number, leafNorm: number): number {
  return (executingTotal * leafNorm) / 100.0;
}

/** Executing, queued and pledged HS06 of every node (index = node index; the root holds the totals). */
export interface HsDistribution {
  executing: Float64Array;
  queued: Float64Array;
  pledged: Float64Array;
}

/** `__get_hs_leave_distribution` followed by `Share.aggregate_hs_distribution` (children summed in DB order). */
export function hsDistribution(tree: ShareTree, usage: LeafUsage): HsDistribution {
  const executing = new Float64Array(tree.nodeCount);
  const queued = new Float64Array(tree.nodeCount);
  const pledged = new Float64Array(tree.nodeCount);
  for (let n = tree.nodeCount - 1; n >= 0; n--) {
    const leaf = tree.leafOfNode[n];
    if (leaf >= 0) {
      executing[n] = usage.leafExecuting[leaf];
      queued[n] = usage.leafQueued?.[leaf] ?? 0;
      pledged[n] = leafPledged(usage.executingTotal, tree.norm[n]);
      continue;
    }
    let e = 0;
    let q = 0;
    let p = 0;
    for (let k = tree.childStart[n]; k < tree.childStart[n + 1]; k++) {
      const c = tree.children[k];
      e += executing[c];
      q += queued[c];
      p += pledged[c];
    }
    executing[n] = e;
    queued[n] = q;
    pledged[n] = p;
  }
  return { executing, queued, pledged };
}
