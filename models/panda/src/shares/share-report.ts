// A JSON-in, JSON-out evaluation of one share snapshot: the normalised tree, the targets and usage ratios of
// every node, the sorted leaves and the dispatcher's share ranks. What `pandasim shares FILE.json` prints.
//
// Upstream: composition of `EntityModule.get_sorted_leaves`, `getGShareStatus` and
// `getCriteriaForGlobalShares` (entity_module.py) over `Share.normalize` / `aggregate_hs_distribution`.

import { buildShareTree, type GlobalShareRow } from './global-shares.ts';
import { DispatchShareRanks } from './dispatch-order.ts';
import { ShareOrderer, ZERO_PLEDGE_RATIO, type ShareOrderOptions } from './share-order.ts';
import { hsDistribution, leafUsage, type ShareHsStats } from './share-usage.ts';

/** Share rows plus executing (and optionally queued) HS06 per gshare value. */
export interface SharesSnapshot extends ShareHsStats {
  rows: GlobalShareRow[];
  options?: ShareOrderOptions;
}

export interface ShareNodeReport {
  name: string;
  parent: string | null;
  depth: number;
  leaf: boolean;
  rawValue: number;
  /** Absolute percentage of the grid. */
  norm: number;
  executing: number;
  queued: number;
  pledged: number;
  /** executing / pledged, or the 10^6 sentinel for a zero pledge. */
  usageRatio: number;
}

export interface SharesReport {
  executingTotal: number;
  /** Every share in depth-first DB order. */
  nodes: ShareNodeReport[];
  sortedLeaves: string[];
  /** Rank the dispatcher gives each leaf (`Test` → 0); unknown gshares get `unknownRank`. */
  dispatchRanks: Record<string, number>;
  unknownRank: number;
}

export function evaluateShares(snapshot: SharesSnapshot): SharesReport {
  const tree = buildShareTree(snapshot.rows);
  const usage = leafUsage(tree, snapshot);
  const dist = hsDistribution(tree, usage);
  const order = Array.from(new ShareOrderer(tree, snapshot.options).order(usage));
  const ranks = new DispatchShareRanks(tree, order);
  const nodes: ShareNodeReport[] = [];
  for (let n = 1; n < tree.nodeCount; n++) {
    const p = dist.pledged[n];
    nodes.push({
      name: tree.names[n],
      parent: tree.parent[n] === 0 ? null : tree.names[tree.parent[n]],
      depth: tree.depth[n],
      leaf: tree.leafOfNode[n] >= 0,
      rawValue: tree.rawValue[n],
      norm: tree.norm[n],
      executing: dist.executing[n],
      queued: dist.queued[n],
      pledged: p,
      usageRatio: p === 0 ? ZERO_PLEDGE_RATIO : dist.executing[n] / p,
    });
  }
  const sortedLeaves = order.map((leaf) => tree.leafNames[leaf]);
  const dispatchRanks: Record<string, number> = {};
  for (const name of sortedLeaves) dispatchRanks[name] = ranks.rankOf(name);
  return {
    executingTotal: usage.executingTotal,
    nodes,
    sortedLeaves,
    dispatchRanks,
    unknownRank: ranks.unknownRank,
  };
}
