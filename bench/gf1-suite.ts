/** GF-1 as a benchmark case: the kernel-based model against the engine-free floor, on the same workload. */
import { runGf1 } from '../models/gridfarm/gf1.ts';
import type { BenchSuite } from './harness.ts';
import { runGf1Floor } from './gf1-floor.ts';

export function gf1Suite(jobs: number): BenchSuite {
  return {
    name: `GF-1 ${jobs} jobs`,
    cases: [
      { name: 'no engine (floor)', units: jobs, unit: 'jobs', fn: () => void runGf1Floor(jobs, 1) },
      {
        name: 'kernel',
        units: jobs,
        unit: 'jobs',
        baseline: 'no engine (floor)',
        // benchmarks.md: 1M jobs in <= 10 s.
        target: 100_000,
        fn: () => void runGf1({ jobs, seed: 1 }),
      },
    ],
  };
}
