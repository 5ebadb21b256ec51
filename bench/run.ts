/**
 * `npm run bench` / `pandasim bench`: every benchmark suite, printed as a table of rates with ratios to the
 * baseline measured in the same run, and saved as JSON.
 */
import { formatResults, runSuite, type BenchResult, type BenchSuite } from './harness.ts';
import { holdSuites } from './hold.ts';
import { gf1Suite } from './gf1-suite.ts';
import { maxminSuite } from './maxmin.ts';
import { brokerageSuites } from '../models/panda/bench/brokerage.ts';

export interface BenchRunOptions {
  /** Smaller sizes and shorter timing, for CI. */
  quick: boolean;
  /** Only suites whose name contains this text. */
  filter?: string;
  log?: (line: string) => void;
}

function allSuites(quick: boolean): BenchSuite[] {
  return [
    ...holdSuites(quick ? [1_000, 100_000] : [1_000, 100_000, 1_000_000]),
    gf1Suite(quick ? 20_000 : 1_000_000),
    maxminSuite(),
    ...brokerageSuites(quick),
  ];
}

export async function runBenchmarks(options: BenchRunOptions): Promise<BenchResult[]> {
  const log = options.log ?? (() => {});
  const suites = allSuites(options.quick).filter((s) => !options.filter || s.name.includes(options.filter));
  const results: BenchResult[] = [];
  for (const suite of suites) {
    log(`running ${suite.name} ...`);
    results.push(...(await runSuite(suite, { timeMs: options.quick ? 300 : 1500, iterations: 5 })));
  }
  log(formatResults(results));
  return results;
}
