// The global share order the dispatcher reads (fairshare.md §1.4–1.8): executing HS06 per gshare, kept
// incrementally by the job table, turned into leaf ranks at most once per refresh period. PanDA rebuilds
// JOBS_SHARE_STATS every minute (Oracle job `UPDATE_JOBS_BY_GSHARE_JOB`) and every server process caches it
// for 10 s; the snapshot here is taken at the first dispatch after a period boundary.

import {
  DispatchShareRanks,
  SHARE_REFRESH_PERIODS_S,
  ShareOrderer,
  jobHs06,
  leafUsage,
  shareStatusGroup,
  type ShareTree,
} from '@pandasim/panda';

export class ShareRanking {
  private readonly orderer: ShareOrderer;
  private readonly executing = new Map<string, number>();
  private ranks: DispatchShareRanks;
  private epoch = -Infinity;

  constructor(
    readonly tree: ShareTree,
    readonly periodS: number = SHARE_REFRESH_PERIODS_S.shareStatsTableS,
  ) {
    this.orderer = new ShareOrderer(tree);
    this.ranks = this.compute();
  }

  /** A job of `gshare` moved between states: count its HS06 where the share statistics group it. */
  onTransition(
    gshare: string,
    from: string | null,
    to: string | null,
    coreCount: number,
    corepower: number | undefined,
  ): void {
    const was = from !== null && shareStatusGroup(from) === 'executing';
    const is = to !== null && shareStatusGroup(to) === 'executing';
    if (was === is) return;
    const hs = jobHs06(coreCount, corepower);
    this.executing.set(gshare, (this.executing.get(gshare) ?? 0) + (is ? hs : -hs));
  }

  executingHs06(gshare: string): number {
    return this.executing.get(gshare) ?? 0;
  }

  gshares(): IterableIterator<string> {
    return this.executing.keys();
  }

  /** The ranks in force at `nowS`. */
  ranksAt(nowS: number): DispatchShareRanks {
    const epoch = Math.floor(nowS / this.periodS);
    if (epoch !== this.epoch) {
      this.epoch = epoch;
      this.ranks = this.compute();
    }
    return this.ranks;
  }

  private compute(): DispatchShareRanks {
    const usage = leafUsage(this.tree, { executing: Object.fromEntries(this.executing) });
    return new DispatchShareRanks(this.tree, this.orderer.order(usage));
  }
}
