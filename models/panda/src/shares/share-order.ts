// Ordering of the global-share leaves by under-usage (fairshare.md §1.6–1.7): a hierarchical, depth-first
// sort in which every node's children are ranked by `executing / pledged` with a stable insertion sort, so all
// leaves of the most under-used branch come before any leaf of the next branch.
//
// Upstream: GlobalShares.py `Share.sort_branch_by_current_hs_distribution`, entity_module.py
// `EntityModule.get_sorted_leaves`. The key was `pledged − executing` (descending) until commit 0a63df7c
// (2017-01-31, "Sort shares by fraction of usage and not by absolute kHS06 debt"); that is the legacy key.

import type { ShareTree } from './global-shares.ts';
import { leafPledged, type LeafUsage } from './share-usage.ts';

/** `usageRatio`: executing/pledged ascending (current). `kHS06Debt`: pledged − executing descending (pre-2017). */
export type UnderPledgeKey = 'usageRatio' | 'kHS06Debt';

export interface ShareOrderOptions {
  key?: UnderPledgeKey;
  /** Ratio used when a node's pledge is 0 (ZeroDivisionError in Python), so that it sorts last. */
  zeroPledgeRatio?: number;
}

/** `10**6`, the sentinel of `sort_branch_by_current_hs_distribution` for a zero pledge. */
export const ZERO_PLEDGE_RATIO = 1e6;

/**
 * Orders the leaves of one compiled tree, reusing its scratch buffers: build once, call `order` many times.
 * `order` returns leaf indices (into `tree.leafNames`) in a buffer owned by the orderer that the next call
 * overwrites; copy it if it must outlive that call.
 */
export class ShareOrderer {
  readonly tree: ShareTree;
  private readonly useDebt: boolean;
  private readonly zeroPledgeRatio: number;
  private readonly executing: Float64Array;
  private readonly pledged: Float64Array;
  private readonly sortKey: Float64Array;
  private readonly sortedChildren: Int32Array;
  private readonly stack: Int32Array;
  private readonly out: Int32Array;

  constructor(tree: ShareTree, options: ShareOrderOptions = {}) {
    this.tree = tree;
    this.useDebt = (options.key ?? 'usageRatio') === 'kHS06Debt';
    this.zeroPledgeRatio = options.zeroPledgeRatio ?? ZERO_PLEDGE_RATIO;
    this.executing = new Float64Array(tree.nodeCount);
    this.pledged = new Float64Array(tree.nodeCount);
    this.sortKey = new Float64Array(tree.nodeCount);
    this.sortedChildren = new Int32Array(tree.children.length);
    this.stack = new Int32Array(tree.nodeCount);
    this.out = new Int32Array(tree.leafNodes.length);
  }

  /** Leaf indices sorted by under-usage for this snapshot of executing HS06. */
  order(usage: LeafUsage): Int32Array {
    const { childStart, children, leafOfNode, norm, nodeCount } = this.tree;
    const { executing, pledged, sortKey, sortedChildren } = this;
    const total = usage.executingTotal;
    const leafExecuting = usage.leafExecuting;

    // Aggregate bottom-up (children have larger pre-order indices than their parent) and compute the key.
    for (let n = nodeCount - 1; n > 0; n--) {
      const leaf = leafOfNode[n];
      let e: number;
      let p: number;
      if (leaf >= 0) {
        e = leafExecuting[leaf];
        p = leafPledged(total, norm[n]);
      } else {
        e = 0;
        p = 0;
        for (let k = childStart[n]; k < childStart[n + 1]; k++) {
          e += executing[children[k]];
          p += pledged[children[k]];
        }
      }
      executing[n] = e;
      pledged[n] = p;
      // Debt key negated (e − p = −(p − e) exactly) so both modes sort ascending with the same strict test.
      sortKey[n] = this.useDebt ? e - p : p === 0 ? this.zeroPledgeRatio : (e * 1.0) / p;
    }

    // Stable insertion sort of every node's children: insert before the first placed child with a strictly
    // greater key, else append; ties keep DB order.
    for (let n = 0; n < nodeCount; n++) {
      const from = childStart[n];
      const to = childStart[n + 1];
      for (let k = from; k < to; k++) {
        const c = children[k];
        const key = sortKey[c];
        let j = k;
        while (j > from && sortKey[sortedChildren[j - 1]] > key) {
          sortedChildren[j] = sortedChildren[j - 1];
          j--;
        }
        sortedChildren[j] = c;
      }
    }

    // Depth-first concatenation of the sorted branches.
    const stack = this.stack;
    const out = this.out;
    let top = 0;
    let written = 0;
    stack[top++] = 0;
    while (top > 0) {
      const n = stack[--top];
      const leaf = leafOfNode[n];
      if (leaf >= 0) {
        out[written++] = leaf;
        continue;
      }
      for (let k = childStart[n + 1] - 1; k >= childStart[n]; k--) stack[top++] = sortedChildren[k];
    }
    return out;
  }
}

/** Convenience, allocating form of `EntityModule.get_sorted_leaves`: leaf names in dispatch order. */
export function sortedLeaves(tree: ShareTree, usage: LeafUsage, options: ShareOrderOptions = {}): string[] {
  const order = new ShareOrderer(tree, options).order(usage);
  return Array.from(order, (leaf) => tree.leafNames[leaf]);
}
