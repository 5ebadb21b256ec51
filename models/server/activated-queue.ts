// The activated jobs of one PanDA queue, kept so that a dispatch reads only the front of each gshare's list
// instead of scanning the queue: per gshare, one list in the share-mode ORDER BY (currentPriority descending,
// PandaID ascending) and one in the age-mode ORDER BY (PandaID ascending). The comparators are the package's
// (@pandasim/panda dispatch-order.ts); within one gshare the share rank is equal, so share mode reduces to
// priority then PandaID.

import {
  DispatchShareRanks,
  bestDispatchCandidate,
  buildShareTree,
  compareAgeMode,
  compareShareMode,
  matchesJobRequest,
  type DispatchFilterJob,
  type DispatchOrderJob,
  type DispatchOrderingMode,
  type JobRequest,
} from '@pandasim/panda';

export type QueuedJob = DispatchOrderJob & DispatchFilterJob & { gshare: string };

interface ShareLists<J extends QueuedJob> {
  byPriority: J[];
  byAge: J[];
}

/** Index of the first element of `list` that sorts strictly after `job`. */
function upperBound<J>(list: readonly J[], job: J, compare: (a: J, b: J) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(list[mid], job) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function removeFrom<J>(list: J[], job: J, compare: (a: J, b: J) => number): void {
  // Keys are unique (PandaID breaks ties), so the job sits just before its upper bound.
  const i = upperBound(list, job, compare) - 1;
  if (i < 0 || list[i] !== job) throw new Error('activated queue: job not found in its list');
  list.splice(i, 1);
}

// Ranks every gshare alike (none is in its empty list), which is all a single gshare's list needs.
const SAME_SHARE_RANKS = new DispatchShareRanks(buildShareTree([{ name: 'any', value: 100 }]), []);

export class ActivatedQueue<J extends QueuedJob> {
  private readonly shares = new Map<string, ShareLists<J>>();
  private count = 0;

  private readonly byPriority = (a: J, b: J): number => compareShareMode(a, b, SAME_SHARE_RANKS);

  get size(): number {
    return this.count;
  }

  add(job: J): void {
    let lists = this.shares.get(job.gshare);
    if (lists === undefined) this.shares.set(job.gshare, (lists = { byPriority: [], byAge: [] }));
    lists.byPriority.splice(upperBound(lists.byPriority, job, this.byPriority), 0, job);
    lists.byAge.splice(upperBound(lists.byAge, job, compareAgeMode), 0, job);
    this.count++;
  }

  /** Must be called before the job's gshare or currentPriority changes, and before it leaves `activated`. */
  remove(job: J): void {
    const lists = this.shares.get(job.gshare);
    if (lists === undefined) throw new Error(`activated queue: no jobs of gshare ${job.gshare}`);
    removeFrom(lists.byPriority, job, this.byPriority);
    removeFrom(lists.byAge, job, compareAgeMode);
    if (lists.byAge.length === 0) this.shares.delete(job.gshare);
    this.count--;
  }

  /**
   * The job the dispatch query would hand out: the first match of every gshare's list in the mode's order,
   * then the package's choice among those fronts. Cost: the jobs skipped for not matching, plus one per gshare.
   */
  best(request: JobRequest, mode: DispatchOrderingMode, ranks: DispatchShareRanks): J | undefined {
    const fronts: J[] = [];
    for (const lists of this.shares.values()) {
      const list = mode === 'age' ? lists.byAge : lists.byPriority;
      const front = list.find((job) => matchesJobRequest(job, request));
      if (front !== undefined) fronts.push(front);
    }
    return bestDispatchCandidate(fronts, mode, ranks);
  }

  *jobs(): Generator<J> {
    for (const lists of this.shares.values()) yield* lists.byAge;
  }
}
