// Final candidate list of `AtlasAnalJobBroker.doBrokerage` (pandajedi/jedibrokerage/AtlasAnalJobBroker.py, "sort
// candidates by weights", `AtlasBrokerUtils.skipProblematicSites`, "append candidates"; brokerage.md §4.4) and the
// constant-weight draw the job splitter makes for analysis candidates (`InputChunk.getOneSiteCandidate`,
// pandaserver/taskbuffer/InputChunk.py).

import type { AnalysisCandidate, AnalysisExclusion } from './analysis-types.ts';

/** Python's `random.shuffle` (Fisher–Yates from the end) driven by a U[0,1) stream. */
export function shuffleInPlace<T>(items: T[], rng: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}

/**
 * PQs the task already used first, in scan order; then the others by weight, descending, ties shuffled. (The code
 * also tries to move PQs holding data forward, but compares candidate objects with a set of names, so that step
 * never moves anything.)
 */
export function orderCandidates(
  candidates: readonly AnalysisCandidate[],
  rng: () => number,
): AnalysisCandidate[] {
  const used = candidates.filter((c) => c.usedBefore);
  const byWeight = new Map<number, AnalysisCandidate[]>();
  for (const c of candidates) {
    if (c.usedBefore) continue;
    const group = byWeight.get(c.weight);
    if (group) group.push(c);
    else byWeight.set(c.weight, [c]);
  }
  const ordered = [...used];
  for (const w of [...byWeight.keys()].sort((a, b) => b - a)) {
    const group = byWeight.get(w) as AnalysisCandidate[];
    shuffleInPlace(group, rng);
    ordered.push(...group);
  }
  return ordered;
}

export interface FinalListRules {
  /** Unified PQs marked problematic (overload with nothing running, Analysis Stabilizer, failures). */
  problematic: ReadonlySet<string>;
  /** Pre-assigned PQ (`task.site`), or null. */
  preassignedSite: string | null;
  /** `maxNumSites`; null = keep all (distributed datasets). */
  maxNumSites: number | null;
  /** `MIN_WEIGHT_*`; 0 = off. */
  minWeight: number;
  /** False for PQs with `use_only_local_data` that lack input files. */
  hasRequiredFiles: (c: AnalysisCandidate) => boolean;
}

/**
 * `skipProblematicSites` (problematic PQs out unless pre-assigned; used PQs first; at most `maxNumSites`), then the
 * per-candidate checks: pre-assignment, minimum weight, local-data-only PQs without the files.
 */
export function finalCandidates(
  ordered: readonly AnalysisCandidate[],
  rules: FinalListRules,
): { candidates: AnalysisCandidate[]; excluded: AnalysisExclusion[] } {
  const excluded: AnalysisExclusion[] = [];
  const exclude = (c: AnalysisCandidate, code: AnalysisExclusion['code'], detail: string) =>
    excluded.push({ queue: c.siteName, code, detail, pass: 0 });
  // The code keeps the last candidate of the pre-assigned PQ (for a unified PQ: its last pseudo queue).
  const preassigned =
    ordered.findLast((c) => rules.preassignedSite !== null && c.unifiedName === rules.preassignedSite) ??
    null;
  const good: AnalysisCandidate[] = [];
  for (const c of ordered) {
    const bad = rules.problematic.has(c.siteName) || rules.problematic.has(c.unifiedName);
    if (bad && c !== preassigned) exclude(c, 'badsite', 'problematic for the user or task');
    else good.push(c);
  }
  const sorted = [...good.filter((c) => c.usedBefore), ...good.filter((c) => !c.usedBefore)];
  const limit = rules.maxNumSites === null || rules.maxNumSites === 0 ? sorted.length : rules.maxNumSites;
  const kept = sorted.slice(0, limit);
  for (const c of sorted.slice(limit)) exclude(c, 'low_weight', 'low weight and not used by old jobs');
  if (preassigned !== null && !kept.includes(preassigned)) kept.push(preassigned);
  const candidates: AnalysisCandidate[] = [];
  for (const c of kept) {
    if (rules.preassignedSite !== null && c.unifiedName !== rules.preassignedSite) {
      exclude(c, 'nonpreassigned', 'non pre-assigned site');
    } else if (rules.minWeight > 0 && c.weight < rules.minWeight) {
      exclude(c, 'below_min_weight', `weight below the minimum ${rules.minWeight}`);
    } else if (!rules.hasRequiredFiles(c)) {
      exclude(c, 'fileunavailable', 'file unavailable');
    } else candidates.push(c);
  }
  return { candidates, excluded };
}

/**
 * One draw of the job splitter over analysis candidates: U(0,1) × Σw, walk in list order subtracting weights until
 * ≤ 0, uniform pick if rounding leaves none. Analysis candidates carry no queue counts, so `getOneSiteCandidate`
 * never lowers a weight: every bunch of jobs is drawn from the same constant weights.
 */
export function drawAnalysisCandidate(
  candidates: readonly AnalysisCandidate[],
  rng: () => number,
): AnalysisCandidate | null {
  if (candidates.length === 0) return null;
  let total = 0;
  for (const c of candidates) total += c.weight;
  let r = rng() * total;
  for (const c of candidates) {
    r -= c.weight;
    if (r <= 0) return c;
  }
  return candidates[Math.floor(rng() * candidates.length)];
}
