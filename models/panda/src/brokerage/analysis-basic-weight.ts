// The "new basic weight" of `AtlasAnalJobBroker.doBrokerage` (pandajedi/jedibrokerage/AtlasAnalJobBroker.py,
// "compute new basic weight", `_basic_weight_version = "new"`; brokerage.md §4.3). For User / Express Analysis the
// jobs of the chunk are shared out by site class — the task class decides which classes get them — and within a
// class in proportion to what each PQ's user queue can still take:
//   w = main[class] × secondary + 2^−20.

import type { AnalysisJobBrokerOptions } from './analysis-options.ts';

export type SiteClass = -1 | 0 | 1;

export interface BasicWeightSite {
  name: string;
  siteClass: SiteClass;
  /** The user's remaining queue length at the PQ (`rem_q_len`). */
  remainingQueue: number;
}

export interface BasicWeightTask {
  gshare: string;
  /** `analy_task_eval` class: −1 C, 0 B, 1 A (and anything else treated like A). */
  taskClass: number;
  /** N_j: jobs the chunk would make. */
  nJobs: number;
  isMerging: boolean;
}

export interface BasicWeight {
  main: number;
  secondary: number;
  basic: number;
}

const CLASSES: readonly SiteClass[] = [1, 0, -1];

/** Shares whose weights follow site and task classes. */
export function isClassifiedShare(gshare: string): boolean {
  return gshare === 'User Analysis' || gshare === 'Express Analysis';
}

type Epsilons = Pick<
  AnalysisJobBrokerOptions,
  'weightEpsilonInit' | 'weightEpsilonHiMid' | 'weightEpsilonHiLo' | 'weightEpsilonMidLo'
>;

/**
 * Main weight per site class for User/Express Analysis: the jobs to place (at most the total remaining queue) go
 * to the classes the task class may use, best first; a small epsilon moves from the top class to the lower ones so
 * no class is left at exactly zero.
 */
export function mainWeightsByClass(
  taskClass: number,
  nJobs: number,
  remainingByClass: ReadonlyMap<SiteClass, number>,
  totalRemaining: number,
  eps: Epsilons,
): Map<SiteClass, number> {
  const main = new Map<SiteClass, number>(CLASSES.map((c) => [c, eps.weightEpsilonInit]));
  let n = Math.min(nJobs, totalRemaining);
  const rem = (c: SiteClass) => remainingByClass.get(c) ?? 0;
  if (taskClass === -1) {
    main.set(-1, n);
  } else if (taskClass === 0) {
    const mid = Math.min(n, rem(0));
    n -= mid;
    main.set(0, mid);
    main.set(-1, n);
    if (mid > 0) {
      main.set(0, mid - eps.weightEpsilonMidLo);
      main.set(-1, n + eps.weightEpsilonMidLo);
    }
  } else {
    const hi = Math.min(n, rem(1));
    n -= hi;
    const mid = Math.min(n, rem(0));
    n -= mid;
    main.set(1, hi);
    main.set(0, mid);
    main.set(-1, n);
    if (hi > 0) {
      main.set(1, hi - (eps.weightEpsilonHiMid + eps.weightEpsilonHiLo));
      main.set(0, mid + eps.weightEpsilonHiMid);
      main.set(-1, n + eps.weightEpsilonHiLo);
    }
  }
  return main;
}

/** New basic weight of every candidate PQ (unified names), keyed by name. */
export function newBasicWeights(
  sites: readonly BasicWeightSite[],
  task: BasicWeightTask,
  eps: Epsilons,
): Map<string, BasicWeight> {
  const nSites = sites.length;
  const nByClass = new Map<SiteClass, number>(CLASSES.map((c) => [c, 0]));
  const remByClass = new Map<SiteClass, number>(CLASSES.map((c) => [c, 0]));
  let totalRem = 0;
  for (const s of sites) {
    nByClass.set(s.siteClass, (nByClass.get(s.siteClass) ?? 0) + 1);
    remByClass.set(s.siteClass, (remByClass.get(s.siteClass) ?? 0) + s.remainingQueue);
    totalRem += s.remainingQueue;
  }
  const classified = isClassifiedShare(task.gshare);
  const mainByClass = classified
    ? mainWeightsByClass(task.taskClass, task.nJobs, remByClass, totalRem, eps)
    : null;
  const out = new Map<string, BasicWeight>();
  for (const s of sites) {
    let main = task.nJobs;
    let secondary = 1;
    if (mainByClass) {
      main = mainByClass.get(s.siteClass) as number;
      const nC = nByClass.get(s.siteClass) as number;
      const remC = remByClass.get(s.siteClass) as number;
      const numerator = Math.max(s.remainingQueue - main / nC, main * 0.001);
      const reduced = remC - main;
      if (reduced > 0 && !task.isMerging) secondary = numerator / reduced;
      else if (remC > 0) secondary = s.remainingQueue / remC;
      else if (nC > 0) secondary = 1 / nC;
    } else {
      const numerator = Math.max(s.remainingQueue - main / nSites, main * 0.001);
      const reduced = totalRem - main;
      if (reduced > 0 && !task.isMerging) secondary = numerator / reduced;
      else if (totalRem > 0) secondary = s.remainingQueue / totalRem;
      else secondary = 1 / nSites;
    }
    out.set(s.name, { main, secondary, basic: main * secondary + 2 ** -20 });
  }
  return out;
}
