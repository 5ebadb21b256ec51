/**
 * A comparison of placement policies under common random numbers: every policy runs with the same seeds, so
 * its runs see the same jobs, and the difference to the baseline (the first policy) is estimated per seed
 * pair with a 95 % Student-t interval — the pairing removes the seed-to-seed variation both runs share.
 *
 * Runs go to a pool of worker threads (worker-pool.ts), as many at once as `parallel` says (default: the cores);
 * the results are ordered by (policy, seed) whatever order they finish in.
 */
import { availableParallelism } from 'node:os';
import { meanConfidenceInterval, pairedDifferenceInterval } from '../sim/stats/confidence.ts';
import { orderedMetricKeys, runMetrics } from '../reports/metrics.ts';
import {
  SUMMARY_VERSION,
  type ComparisonSummary,
  type Estimate,
  type PairedDifference,
  type PolicyResult,
  type RunSummary,
} from '../reports/summary.ts';
import type { RunRequest } from './run-worker.ts';
import { withRunPool } from './worker-pool.ts';

export interface CompareOptions {
  /** Path of the scenario file (workers load it themselves). */
  readonly scenarioFile: string;
  readonly policies: readonly string[];
  readonly seeds: readonly number[];
  /** Runs at once (default: the machine's cores). */
  readonly parallel?: number;
  /** Told after each run. */
  readonly onRun?: (run: RunSummary, done: number, total: number) => void;
  /** Stops the comparison (Ctrl-C): it then rejects with `ComparisonInterrupted` and nothing is compared. */
  readonly signal?: AbortSignal;
}

/** The signal stopped a comparison before all its runs were done. */
export class ComparisonInterrupted extends Error {
  constructor(
    readonly done: number,
    readonly total: number,
  ) {
    super(`interrupted after ${done} of ${total} runs`);
    this.name = 'ComparisonInterrupted';
  }
}

export interface Comparison {
  readonly comparison: ComparisonSummary;
  /** Every run, by policy then seed. */
  readonly runs: RunSummary[];
  /** Wall-clock seconds the comparison took (not part of the results: see reports/summary.ts). */
  readonly wallSeconds: number;
}

/** File name of a run under `runs/`: policy and seed, sortable. */
export function runFileName(policy: string, seed: number): string {
  return `${policy}--seed-${String(seed).padStart(4, '0')}.json`;
}

/**
 * A metric of a run as compared: a workflow not finished by the horizon counts its makespan as the time
 * simulated (a lower bound: the comparison then understates how much slower that policy is).
 */
export function comparedMetrics(run: RunSummary): Record<string, number> {
  const metrics = runMetrics(run);
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(metrics)) {
    out[key] = value ?? (key === 'makespan' ? run.simulatedTime : 0);
  }
  return out;
}

function estimate(values: ArrayLike<number>): Estimate {
  if (values.length < 2) {
    const mean = values.length === 1 ? values[0] : Number.NaN;
    return { mean, low: mean, high: mean, n: values.length };
  }
  const ci = meanConfidenceInterval(values);
  return { mean: ci.mean, low: ci.lower, high: ci.upper, n: ci.n };
}

/** Folds the runs (all policies × seeds) into the comparison. */
export function summarizeComparison(
  scenario: string,
  policies: readonly string[],
  seeds: readonly number[],
  runs: readonly RunSummary[],
): ComparisonSummary {
  const byPolicy = new Map(policies.map((p) => [p, seeds.map((seed) => find(runs, p, seed))]));
  const values = new Map([...byPolicy].map(([p, rs]) => [p, rs.map((r) => comparedMetrics(r))] as const));
  const keys = orderedMetricKeys(Object.keys(values.get(policies[0])?.[0] ?? {}));
  const results: PolicyResult[] = policies.map((policy) => ({
    policy,
    metrics: Object.fromEntries(keys.map((k) => [k, estimate(values.get(policy)!.map((m) => m[k]))])),
    runs: seeds.map((seed) => runFileName(policy, seed)),
  }));
  const baseline = policies[0];
  const differences: PairedDifference[] = [];
  for (const policy of policies.slice(1)) {
    for (const metric of keys) {
      const a = values.get(policy)!.map((m) => m[metric]);
      const b = values.get(baseline)!.map((m) => m[metric]);
      differences.push({ policy, baseline, metric, estimate: paired(a, b) });
    }
  }
  return {
    version: SUMMARY_VERSION,
    scenario,
    seeds: [...seeds],
    baseline,
    policies: results,
    differences,
  };
}

/** The name a policy's runs of git revision `ref` carry in a revision comparison. */
export function atRevision(policy: string, ref: string): string {
  return `${policy}@${ref}`;
}

/**
 * Two revisions of the code on the same scenario, policies and seeds: each policy of the working tree is
 * paired with the same policy of revision `ref` (renamed `policy@ref`), seed by seed — what a brokerage change
 * does to the outcomes, with CIs.
 */
export function summarizeRevisionComparison(
  scenario: string,
  ref: string,
  policies: readonly string[],
  seeds: readonly number[],
  current: readonly RunSummary[],
  revision: readonly RunSummary[],
  wallSeconds: number,
): Comparison {
  const renamed = revision.map((r) => ({ ...r, policy: atRevision(r.policy, ref) }));
  const runs = policies.flatMap((p) => [
    ...seeds.map((seed) => find(renamed, atRevision(p, ref), seed)),
    ...seeds.map((seed) => find(current, p, seed)),
  ]);
  const names = policies.flatMap((p) => [atRevision(p, ref), p]);
  const base = summarizeComparison(scenario, names, seeds, runs);
  const values = new Map(names.map((n) => [n, seeds.map((seed) => comparedMetrics(find(runs, n, seed)))]));
  const keys = base.policies[0] === undefined ? [] : Object.keys(base.policies[0].metrics);
  const differences: PairedDifference[] = policies.flatMap((p) =>
    keys.map((metric) => {
      const a = values.get(p)!.map((m) => m[metric]);
      const b = values.get(atRevision(p, ref))!.map((m) => m[metric]);
      return { policy: p, baseline: atRevision(p, ref), metric, estimate: paired(a, b) };
    }),
  );
  return { comparison: { ...base, baseline: atRevision(policies[0], ref), differences }, runs, wallSeconds };
}

function paired(a: readonly number[], b: readonly number[]): Estimate {
  if (a.length < 2) {
    const d = a[0] - b[0];
    return { mean: d, low: d, high: d, n: a.length };
  }
  const ci = pairedDifferenceInterval(a, b);
  return { mean: ci.mean, low: ci.lower, high: ci.upper, n: ci.n };
}

function find(runs: readonly RunSummary[], policy: string, seed: number): RunSummary {
  const run = runs.find((r) => r.policy === policy && r.seed === seed);
  if (run === undefined) throw new Error(`comparison: no run of ${policy} with seed ${seed}`);
  return run;
}

/** Runs every policy × seed in pooled worker threads and folds them into the comparison. */
export async function compareScenario(options: CompareOptions): Promise<Comparison> {
  const start = performance.now();
  const requests: RunRequest[] = options.policies.flatMap((policy) =>
    options.seeds.map((seed) => ({ scenarioFile: options.scenarioFile, policy, seed })),
  );
  const runs: RunSummary[] = [];
  // The first failure ends the comparison: the pool takes no more runs and it is thrown.
  try {
    await withRunPool(
      requests,
      options.parallel ?? availableParallelism(),
      async (request, run) => {
        const summary = await run(request);
        runs.push(summary);
        options.onRun?.(summary, runs.length, requests.length);
      },
      options.signal,
    );
  } catch (error) {
    if (!options.signal?.aborted) throw error;
  }
  if (options.signal?.aborted) throw new ComparisonInterrupted(runs.length, requests.length);
  const ordered = options.policies.flatMap((p) => options.seeds.map((s) => find(runs, p, s)));
  const scenario = ordered[0]?.scenario ?? '';
  const comparison = summarizeComparison(scenario, options.policies, options.seeds, ordered);
  return { comparison, runs: ordered, wallSeconds: (performance.now() - start) / 1000 };
}
