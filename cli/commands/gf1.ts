/**
 * `pandasim gf1`: the GF-1 grid farm of shared/design/benchmarks.md over several seeds, with a summary with
 * confidence intervals across seeds and the waiting-time CDFs — the kernel's reference workload.
 */
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { CommandModule } from 'yargs';
import { runGf1 } from '../../models/gridfarm/gf1.ts';
import { meanConfidenceInterval } from '../../sim/stats/confidence.ts';
import { writeFileAtomic, writeJsonAtomic } from '../../reports/files.ts';
import { InputError } from '../errors.ts';

interface Gf1Run {
  seed: number;
  jobs: number;
  events: number;
  wall_s: number;
  mean_wait_s: number;
  p50_wait_s: number;
  p99_wait_s: number;
  utilisation: number;
  last_arrival_s: number;
  makespan_s: number;
  peak_running: number;
  peak_in_system: number;
}

interface Gf1Args {
  out: string;
  jobs: number;
  seeds: number;
}

export const gf1Command: CommandModule<object, Gf1Args> = {
  command: 'gf1',
  describe: 'Run the GF-1 reference grid farm over several seeds and write its summary',
  builder: (y) =>
    y
      .option('out', { type: 'string', default: 'results/gf1', describe: 'output directory' })
      .option('jobs', { type: 'number', default: 200_000, describe: 'jobs per run' })
      .option('seeds', { type: 'number', default: 3, describe: 'number of seeds (1..N)' })
      .example('$0 gf1', 'GF-1 with 200,000 jobs on seeds 1, 2, 3 into results/gf1'),
  handler: (args) => {
    if (!Number.isInteger(args.jobs) || args.jobs < 1)
      throw new InputError(`--jobs: expected a positive integer, got ${args.jobs}`);
    if (!Number.isInteger(args.seeds) || args.seeds < 2)
      throw new InputError(
        `--seeds: expected an integer >= 2 (for a confidence interval), got ${args.seeds}`,
      );
    const runs: Gf1Run[] = [];
    const cdfRows: (string | number)[][] = [];
    const points = [0, 600, 1800, 3600, 7200, 14_400, 21_600, 28_800, 36_000, 43_200, 57_600, 72_000];
    for (let seed = 1; seed <= args.seeds; seed++) {
      const t0 = performance.now();
      const r = runGf1({ jobs: args.jobs, seed });
      const wall = (performance.now() - t0) / 1000;
      console.log(
        `seed ${seed}: ${r.jobs} jobs, ${r.events} events in ${wall.toFixed(2)} s; mean wait ${r.meanWait.toFixed(0)} s, p99 ${r.p99Wait.toFixed(0)} s, utilisation ${r.utilisation.toFixed(3)}`,
      );
      runs.push({
        seed,
        jobs: r.jobs,
        events: r.events,
        wall_s: wall,
        mean_wait_s: r.meanWait,
        p50_wait_s: r.p50Wait,
        p99_wait_s: r.p99Wait,
        utilisation: r.utilisation,
        last_arrival_s: r.lastArrival,
        makespan_s: r.makespan,
        peak_running: r.peakRunning,
        peak_in_system: r.peakInSystem,
      });
      const cdf = r.waits.cdf(points);
      points.forEach((p, i) => cdfRows.push([seed, p, cdf[i]]));
    }
    const ci = (key: keyof Gf1Run) => {
      const c = meanConfidenceInterval(runs.map((r) => r[key]));
      return { mean: c.mean, lower: c.lower, upper: c.upper, level: c.level };
    };
    const summary = {
      scenario: 'GF-1 grid farm (shared/design/benchmarks.md)',
      jobs_per_run: args.jobs,
      seeds: runs.map((r) => r.seed),
      runs,
      across_seeds: {
        mean_wait_s: ci('mean_wait_s'),
        p99_wait_s: ci('p99_wait_s'),
        utilisation: ci('utilisation'),
        makespan_s: ci('makespan_s'),
      },
    };
    writeFileAtomic(
      join(args.out, 'wait-cdf.csv'),
      stringify(cdfRows, { header: true, columns: ['seed', 'wait_s', 'fraction_waited_at_most'] }),
    );
    writeJsonAtomic(join(args.out, 'summary.json'), summary);
    const m = summary.across_seeds.mean_wait_s;
    console.log(
      `mean wait over seeds: ${m.mean.toFixed(0)} s (95% CI ${m.lower.toFixed(0)}–${m.upper.toFixed(0)} s)`,
    );
    console.log(`written: ${join(args.out, 'summary.json')}, ${join(args.out, 'wait-cdf.csv')}`);
  },
};
