/**
 * A thin layer over tinybench: each case says how many units of work (events, jobs, decisions) one call does,
 * so results read as rates; a case may name a baseline measured in the same run, and its figure is reported as
 * a ratio to it, because absolute times on these shared machines move by tens of percent from run to run.
 */
import { Bench } from 'tinybench';
import { textTable } from '../reports/text-table.ts';

export interface BenchCase {
  name: string;
  /** Units of work one call of `fn` does, and their name (events, jobs, decisions, ...). */
  units: number;
  unit: string;
  fn: () => void;
  /** Runs once before the timed calls (build the pending set, the catalog, ...). */
  setup?: () => void;
  /** The case this one is compared with, by name, within the same suite. */
  baseline?: string;
  /** A rate the case is expected to reach (units per second), printed next to the result. */
  target?: number;
}

export interface BenchSuite {
  name: string;
  cases: BenchCase[];
}

export interface BenchResult {
  suite: string;
  name: string;
  unit: string;
  /** Median wall milliseconds per call. */
  medianMs: number;
  /** Units per second at the median call time. */
  rate: number;
  /** Relative margin of error of the mean call time, percent. */
  rmePercent: number;
  samples: number;
  baseline?: string;
  ratio?: number;
  target?: number;
  meetsTarget?: boolean;
}

export interface RunOptions {
  /** Milliseconds of timed calls per case (tinybench runs at least `iterations` calls). */
  timeMs: number;
  iterations: number;
}

export async function runSuite(suite: BenchSuite, options: RunOptions): Promise<BenchResult[]> {
  const bench = new Bench({
    name: suite.name,
    time: options.timeMs,
    iterations: options.iterations,
    warmupIterations: 1,
    warmupTime: 0,
  });
  for (const c of suite.cases) bench.add(c.name, c.fn, c.setup ? { beforeAll: c.setup } : {});
  await bench.run();
  const results: BenchResult[] = [];
  for (const c of suite.cases) {
    const result = bench.getTask(c.name)?.result;
    if (!result || !('latency' in result)) {
      const why = result && 'error' in result ? String(result.error) : 'no result';
      throw new Error(`benchmark ${suite.name} / ${c.name} failed: ${why}`);
    }
    const medianMs = result.latency.p50;
    const rate = (c.units / medianMs) * 1000;
    results.push({
      suite: suite.name,
      name: c.name,
      unit: c.unit,
      medianMs,
      rate,
      rmePercent: result.latency.rme,
      samples: result.latency.samplesCount,
      target: c.target,
      meetsTarget: c.target === undefined ? undefined : rate >= c.target,
    });
  }
  for (const r of results) {
    const c = suite.cases.find((x) => x.name === r.name);
    const base = results.find((x) => x.name === c?.baseline);
    if (base) {
      r.baseline = base.name;
      r.ratio = r.rate / base.rate;
    }
  }
  return results;
}

export function formatResults(results: readonly BenchResult[]): string {
  const rows = results.map((r) => [
    `${r.suite} / ${r.name}`,
    `${formatRate(r.rate)} ${r.unit}/s`,
    `${r.medianMs.toFixed(3)} ms`,
    `±${r.rmePercent.toFixed(1)}%`,
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}× ${r.baseline}`,
    r.target === undefined ? '' : `${r.meetsTarget ? 'meets' : 'MISSES'} ≥${formatRate(r.target)}`,
  ]);
  return textTable(['case', 'rate', 'median/call', 'rme', 'ratio', 'target'], rows);
}

function formatRate(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  return x.toFixed(1);
}
