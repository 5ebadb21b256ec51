// Which activated job a pilot gets (fairshare.md §1.8): the per-request choice between share mode and the
// oldest-first "sloppy" mode, the share rank of every gshare (with the `Test` bypass), and the ORDER BY of the
// dispatch query, truncated to the `nJobsInGetJob` rows the server then tries to lock in turn.
//
// Upstream: entity_module.py `EntityModule.getSortingCriteria`, `getCriteriaForGlobalShares`,
// `getCriteriaByAge`; job_complex_module.py `JobComplexModule.getJobs`.

import type { ShareTree } from './global-shares.ts';

export type DispatchOrderingMode = 'share' | 'age';

/** Config `jobdispatch.SLOPPY_DISPATCH_RATIO` when unset or 0 (falsy). */
export const DEFAULT_SLOPPY_DISPATCH_RATIO = 10;
/** Server config `nJobsInGetJob`: rows fetched (ROWNUM) and tried per job. */
export const DEFAULT_N_JOBS_IN_GET_JOB = 10;
/** The leaf that `getCriteriaForGlobalShares` always ranks 0 ("Test share will bypass others"). */
export const TEST_SHARE_NAME = 'Test';

/**
 * `getSortingCriteria`: `randomNumber` is `random.randrange(100)` (an integer in [0, 99]). Age mode wins when
 * `randomNumber <= ratio`, so the default ratio 10 gives 11 % of requests, not 10 % (fairshare.md §9 item 4);
 * `documentedPercentage` uses `<` so that the ratio is the percentage the docs describe.
 * Drawn once per `getJobs` request and reused for all of its jobs.
 */
export function dispatchOrderingMode(
  randomNumber: number,
  sloppyDispatchRatio?: number | null,
  documentedPercentage = false,
): DispatchOrderingMode {
  const ratio = sloppyDispatchRatio ? sloppyDispatchRatio : DEFAULT_SLOPPY_DISPATCH_RATIO;
  const age = documentedPercentage ? randomNumber < ratio : randomNumber <= ratio;
  return age ? 'age' : 'share';
}

/**
 * Share rank of every gshare for one sorted-leaves list: position in the list, except the `Test` leaf which
 * gets 0; gshares not in the list (`Undefined`, internal nodes) rank after everything.
 */
export class DispatchShareRanks {
  private readonly ranks = new Map<string, number>();
  readonly unknownRank: number;

  constructor(tree: ShareTree, sortedLeafIndices: ArrayLike<number>) {
    for (let i = 0; i < sortedLeafIndices.length; i++) {
      const name = tree.leafNames[sortedLeafIndices[i]];
      // SQL CASE: the first WHEN that matches wins; names are unique so each gshare has one branch.
      if (!this.ranks.has(name)) this.ranks.set(name, name === TEST_SHARE_NAME ? 0 : i);
    }
    this.unknownRank = sortedLeafIndices.length;
  }

  rankOf(gshare: string | null | undefined): number {
    if (gshare === null || gshare === undefined) return this.unknownRank;
    return this.ranks.get(gshare) ?? this.unknownRank;
  }
}

/** The columns of an activated job the dispatch ORDER BY reads. */
export interface DispatchOrderJob {
  PandaID: number;
  gshare: string | null;
  currentPriority: number;
}

/** Share mode: share rank, then `currentPriority` descending, then `PandaID` ascending. */
export function compareShareMode(
  a: DispatchOrderJob,
  b: DispatchOrderJob,
  ranks: DispatchShareRanks,
): number {
  const byRank = ranks.rankOf(a.gshare) - ranks.rankOf(b.gshare);
  if (byRank !== 0) return byRank;
  if (a.currentPriority !== b.currentPriority) return b.currentPriority - a.currentPriority;
  return a.PandaID - b.PandaID;
}

/** Age mode: `PandaID` ascending, shares and priorities ignored. */
export function compareAgeMode(a: DispatchOrderJob, b: DispatchOrderJob): number {
  return a.PandaID - b.PandaID;
}

/**
 * The rows the dispatch query returns for already-filtered candidates (see dispatch-filter.ts), in the order
 * the server tries to lock them: the first one still `activated` is dispatched.
 */
export function orderDispatchCandidates<J extends DispatchOrderJob>(
  candidates: readonly J[],
  mode: DispatchOrderingMode,
  ranks: DispatchShareRanks,
  nJobsInGetJob: number = DEFAULT_N_JOBS_IN_GET_JOB,
): J[] {
  const sorted = candidates.slice();
  if (mode === 'age') sorted.sort(compareAgeMode);
  else sorted.sort((a, b) => compareShareMode(a, b, ranks));
  return sorted.slice(0, Math.max(0, nJobsInGetJob));
}

/**
 * The job a pilot would get without sorting everything: a single pass keeping the best candidate. Same result
 * as `orderDispatchCandidates(...)[0]` when no lock contention makes the server move to the next row.
 */
export function bestDispatchCandidate<J extends DispatchOrderJob>(
  candidates: Iterable<J>,
  mode: DispatchOrderingMode,
  ranks: DispatchShareRanks,
): J | undefined {
  let best: J | undefined;
  for (const job of candidates) {
    if (best === undefined) {
      best = job;
      continue;
    }
    const cmp = mode === 'age' ? compareAgeMode(job, best) : compareShareMode(job, best, ranks);
    if (cmp < 0) best = job;
  }
  return best;
}
