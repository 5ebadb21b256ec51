/**
 * `npm run bench:gf1 -- --jobs N --seed S`: one GF-1 run, timed; the last line printed is one JSON object so the
 * figure can be set side by side with the same workload written for other simulators.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { runGf1 } from '../models/gridfarm/gf1.ts';

const argv = yargs(hideBin(process.argv))
  .scriptName('bench:gf1')
  .option('jobs', { type: 'number', default: 1_000_000, describe: 'number of jobs' })
  .option('seed', { type: 'string', default: '1', describe: 'master seed' })
  .strict()
  .parseSync();

if (!Number.isInteger(argv.jobs) || argv.jobs < 1) {
  console.error(`bench:gf1: --jobs must be a positive integer, got ${argv.jobs}`);
  process.exit(2);
}
const t0 = performance.now();
const r = runGf1({ jobs: argv.jobs, seed: argv.seed });
const wall = (performance.now() - t0) / 1000;
console.log(
  JSON.stringify({
    wall_s: Number(wall.toFixed(3)),
    jobs: r.jobs,
    jobs_per_s: Math.round(r.jobs / wall),
    events: r.events,
    events_per_s: Math.round(r.events / wall),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    mean_wait_s: Number(r.meanWait.toFixed(1)),
    p99_wait_s: Number(r.p99Wait.toFixed(1)),
    utilisation: Number(r.utilisation.toFixed(4)),
    last_arrival_s: Number(r.lastArrival.toFixed(1)),
    peak_running: r.peakRunning,
    peak_in_system: r.peakInSystem,
  }),
);
