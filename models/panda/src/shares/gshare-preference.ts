// Share status as the server exports it and the `gshare_preference` metric built from it (fairshare.md §3.6):
// per-leaf usage and, per top-level ("L1") share, an equivalent target that hands the idle L1 shares' unused
// target to the busy ones in proportion to their targets. Used only by the analysis throttle.
//
// Upstream: entity_module.py `EntityModule.getGShareStatus`; pandaserver/daemons/scripts/metric_collector.py
// `FetchData.gshare_preference` (every 5 min), `fill_leaf_shares`.

import type { ShareTree } from './global-shares.ts';
import { hsDistribution, type LeafUsage } from './share-usage.ts';
import type { ShareOrderer } from './share-order.ts';

/** One element of `getGShareStatus`: a leaf in sorted order with its HS06 figures. */
export interface GShareStatusEntry {
  name: string;
  running: number;
  target: number;
  queuing: number;
}

/** `getGShareStatus`: the sorted leaves with executing ("running"), pledged ("target") and queued HS06. */
export function gshareStatus(orderer: ShareOrderer, usage: LeafUsage): GShareStatusEntry[] {
  const tree = orderer.tree;
  const dist = hsDistribution(tree, usage);
  return Array.from(orderer.order(usage), (leaf) => {
    const n = tree.leafNodes[leaf];
    return {
      name: tree.leafNames[leaf],
      running: dist.executing[n],
      target: dist.pledged[n],
      queuing: dist.queued[n],
    };
  });
}

/** Sentinel of `gshare_preference` for a zero target. */
export const GSHARE_PREFERENCE_ZERO_TARGET = 999999;
/** An L1 share below this usage (and projected under its target) is idle. */
export const IDLE_THRESHOLD_PERC = 0.85;

function ratio(num: number, den: number): number {
  return den > 0 ? num / den : GSHARE_PREFERENCE_ZERO_TARGET;
}

export interface GSharePreferenceEntry {
  gshare: string;
  /** 1-based rank for leaves, −1 for L1 entries. */
  rank: number;
  running_hs: number;
  target_hs: number;
  queuing_hs: number;
  usage_perc: number;
  queue_perc: number;
  /** L1 only (0 for leaves): `min(target, max(running, queuing / 2))`. */
  proj_target_hs: number;
  /** L1 only (0 for leaves). */
  eqiv_target_hs: number;
  eqiv_usage_perc: number;
}

/**
 * `gshare_preference`: leaf entries by name and L1 entries named `L1 <top-level share>`; null where upstream
 * loses the metric (see `l1EquivalentTargets`).
 */
export function gsharePreference(
  tree: ShareTree,
  status: readonly GShareStatusEntry[],
): Record<string, GSharePreferenceEntry> | null {
  const out: Record<string, GSharePreferenceEntry> = {};
  const totalHs = status.reduce((s, leaf) => s + leaf.target, 0);
  status.forEach((leaf, idx) => {
    out[leaf.name] = {
      gshare: leaf.name,
      rank: idx + 1,
      running_hs: leaf.running,
      target_hs: leaf.target,
      queuing_hs: leaf.queuing,
      usage_perc: ratio(leaf.running, leaf.target),
      queue_perc: ratio(leaf.queuing, leaf.target),
      proj_target_hs: 0,
      eqiv_target_hs: 0,
      eqiv_usage_perc: 0,
    };
  });

  const l1: L1ShareUsage[] = [];
  for (let k = tree.childStart[0]; k < tree.childStart[1]; k++) {
    const top = tree.children[k];
    const entry: L1ShareUsage = {
      gshare: `L1 ${tree.names[top]}`,
      running_hs: 0,
      target_hs: 0,
      queuing_hs: 0,
    };
    for (const leafName of leavesUnder(tree, top)) {
      const leaf = out[leafName];
      if (leaf === undefined) continue;
      entry.queuing_hs += leaf.queuing_hs;
      entry.running_hs += leaf.running_hs;
      entry.target_hs += leaf.target_hs;
    }
    l1.push(entry);
  }
  const equivalent = l1EquivalentTargets(l1, totalHs);
  if (equivalent === null) return null;
  for (const e of equivalent) out[e.gshare] = e;
  return out;
}

/** Summed HS06 of one top-level share (`L1 <name>`). */
export interface L1ShareUsage {
  gshare: string;
  running_hs: number;
  target_hs: number;
  queuing_hs: number;
}

/**
 * The L1 half of `gshare_preference`: projected use `min(target, max(running, queuing / 2))`, the idle L1
 * shares (usage < 0.85 and projected below target), and for busy ones
 * `eqiv_target = target + idle_total × target / (Σ busy targets + 1)`. `totalHs` is Σ leaf targets.
 * Null where upstream raises and loses the whole metric: an unguarded `target / total` when nothing runs
 * (total 0), or a busy share whose equivalent target is 0.
 */
export function l1EquivalentTargets(
  l1: readonly L1ShareUsage[],
  totalHs: number,
): GSharePreferenceEntry[] | null {
  if (totalHs === 0 && l1.length > 0) return null;
  const entries: GSharePreferenceEntry[] = l1.map((u) => ({
    ...u,
    rank: -1,
    usage_perc: ratio(u.running_hs, u.target_hs),
    queue_perc: ratio(u.queuing_hs, u.target_hs),
    proj_target_hs: Math.min(u.target_hs, Math.max(u.running_hs, u.queuing_hs / 2)),
    eqiv_target_hs: 0,
    eqiv_usage_perc: 0,
  }));
  const projTotal = entries.reduce((s, e) => s + e.proj_target_hs, 0);
  const idleTotal = totalHs - projTotal;
  const idle = new Set(
    entries
      .filter((e) => e.usage_perc < IDLE_THRESHOLD_PERC && e.proj_target_hs < e.target_hs)
      .map((e) => e.gshare),
  );
  const busyTotal = entries.filter((e) => !idle.has(e.gshare)).reduce((s, e) => s + e.target_hs, 0) + 1;
  for (const e of entries) {
    if (idle.has(e.gshare)) {
      e.eqiv_target_hs = e.target_hs;
      e.eqiv_usage_perc = e.usage_perc;
    } else {
      e.eqiv_target_hs = e.target_hs + (idleTotal * e.target_hs) / busyTotal;
      if (e.eqiv_target_hs === 0) return null;
      e.eqiv_usage_perc = e.running_hs / e.eqiv_target_hs;
    }
  }
  return entries;
}

/** `fill_leaf_shares`: names of the leaves below a node (the node itself if it is a leaf). */
function leavesUnder(tree: ShareTree, node: number): string[] {
  if (tree.leafOfNode[node] >= 0) return [tree.names[node]];
  const names: string[] = [];
  for (let k = tree.childStart[node]; k < tree.childStart[node + 1]; k++)
    names.push(...leavesUnder(tree, tree.children[k]));
  return names;
}
