/**
 * `npx tsx bench/atlas-day.ts [--hours H] [--scenario atlas-day] [--seed S]`: the ATLAS-day benchmark of
 * benchmarks.md — the whole grid under the panda-brokerage policy for the scenario's horizon, or its first H
 * simulated hours. Prints one line per simulated hour (wall time, events, jobs, heap) to show whether the
 * heap stays flat, then the totals; the last line is one JSON object.
 *
 * The heap per hour is measured after a full GC when node runs with --expose-gc (`node --expose-gc --import
 * tsx bench/atlas-day.ts`); otherwise it includes garbage not yet collected and is only an upper bound.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { loadScenario } from '../scenarios/load.ts';
import { policyByName } from '../scenarios/policies/index.ts';
import { World } from '../scenarios/world/world.ts';
import { dailyMemory, memoryTrend } from './daily-memory.ts';

const HOUR = 3600;
const MB = 1024 * 1024;
/** The first two simulated days fill the grid and the job table: the memory trend is fitted after them. */
const WARMUP_HOURS = 48;

const argv = yargs(hideBin(process.argv))
  .scriptName('bench/atlas-day.ts')
  .option('hours', { type: 'number', describe: 'simulated hours to run (default: the scenario horizon)' })
  .option('scenario', {
    type: 'string',
    default: 'atlas-day',
    describe: 'atlas-day, atlas-month or the path of a scenario file',
  })
  .option('seed', { type: 'number', default: 1, describe: 'master seed' })
  .strict()
  .parseSync();

if (argv.hours !== undefined && !(argv.hours > 0)) {
  console.error(`bench/atlas-day.ts: --hours must be > 0, got ${argv.hours}`);
  process.exit(2);
}

const file = existsSync(argv.scenario)
  ? argv.scenario
  : fileURLToPath(new URL(`../scenarios/${argv.scenario}.yaml`, import.meta.url));
const loaded = loadScenario(file);
const scenario = argv.hours === undefined ? loaded : { ...loaded, horizon: argv.hours * HOUR };
const gc = (globalThis as { gc?: () => void }).gc;

interface HourRow {
  hour: number;
  wallS: number;
  events: number;
  created: number;
  finished: number;
  failed: number;
  inTable: number;
  gridCoresBusy: number;
  heapMB: number;
  rssMB: number;
}

const hours: HourRow[] = [];
let created = 0;
let finished = 0;
let failed = 0;

const t0 = performance.now();
const world = new World({
  scenario,
  policy: policyByName('panda-brokerage'),
  seed: argv.seed,
  progress: (now) => {
    if (now % HOUR === 0) record(now / HOUR);
  },
});
const buildS = (performance.now() - t0) / 1000;
world.server.observe((t) => {
  if (t.from === null) created++;
  else if (t.to === 'finished') finished++;
  else if (t.to === 'failed') failed++;
});
const gridSites = world.catalog.resources.filter((r) => r.kind === 'grid');
const gridCores = gridSites.reduce((n, r) => n + r.cores, 0);

function snapshot(hour: number): HourRow {
  gc?.();
  const memory = process.memoryUsage();
  return {
    hour,
    wallS: (performance.now() - t0) / 1000,
    events: world.sim.eventsProcessed,
    created,
    finished,
    failed,
    inTable: world.server.size,
    gridCoresBusy: gridSites.reduce((n, r) => n + world.metrics.resource(r.name).coresBusy, 0),
    heapMB: memory.heapUsed / MB,
    rssMB: memory.rss / MB,
  };
}

const pad = (value: string | number, width: number) => String(value).padStart(width);
console.log(
  `${scenario.name}: ${gridSites.length} grid sites, ${gridCores} cores, ` +
    `${world.catalog.byQueue.size} PanDA queues; horizon ${scenario.horizon / HOUR} h; seed ${argv.seed}; ` +
    `world built in ${buildS.toFixed(2)} s; heap ${gc ? 'after a full GC' : 'without GC (upper bound)'}`,
);
console.log(
  [
    pad('sim h', 5),
    pad('wall s', 8),
    pad('events', 11),
    pad('created', 9),
    pad('finished', 9),
    pad('failed', 8),
    pad('in table', 9),
    pad('grid busy', 9),
    pad('heap MB', 8),
    pad('rss MB', 7),
  ].join(' '),
);
const runStart = performance.now();
const summary = world.run();
const runS = (performance.now() - runStart) / 1000;
const wallS = (performance.now() - t0) / 1000;
if (hours.at(-1)?.hour !== summary.simulatedTime / HOUR) record(summary.simulatedTime / HOUR);

/** Takes the hour's snapshot and prints its row at once, so a long run shows its progress. */
function record(hour: number): void {
  const h = snapshot(hour);
  hours.push(h);
  console.log(
    [
      pad(h.hour.toFixed(h.hour % 1 === 0 ? 0 : 2), 5),
      pad(h.wallS.toFixed(1), 8),
      pad(h.events, 11),
      pad(h.created, 9),
      pad(h.finished, 9),
      pad(h.failed, 8),
      pad(h.inTable, 9),
      pad(`${((100 * h.gridCoresBusy) / gridCores).toFixed(1)}%`, 9),
      pad(h.heapMB.toFixed(0), 8),
      pad(h.rssMB.toFixed(0), 7),
    ].join(' '),
  );
}

const readings = hours
  .filter((h) => Number.isInteger(h.hour))
  .map((h) => ({ hour: h.hour, heapMB: h.heapMB, liveJobs: h.inTable }));
const days = dailyMemory(readings);
const trend = memoryTrend(readings, WARMUP_HOURS);
if (days.length > 1) {
  console.log(
    `${pad('day', 5)} ${pad('heap MB mean', 12)} ${pad('min', 6)} ${pad('max', 6)} ${pad('live jobs', 10)}`,
  );
  for (const d of days) {
    console.log(
      [
        pad(d.day, 5),
        pad(d.heapMeanMB.toFixed(0), 12),
        pad(d.heapMinMB.toFixed(0), 6),
        pad(d.heapMaxMB.toFixed(0), 6),
        pad(Math.round(d.liveJobsMean), 10),
      ].join(' '),
    );
  }
}
if (trend !== null) {
  const net =
    trend.residualSlopeMBPerDay === null || trend.bytesPerLiveJob === null
      ? ''
      : `; net of the live jobs (${trend.bytesPerLiveJob.toFixed(0)} B each) ` +
        `${trend.residualSlopeMBPerDay.toFixed(2)} MB/day`;
  console.log(
    `after hour ${WARMUP_HOURS}: heap ${trend.heapMinMB.toFixed(0)}–${trend.heapMaxMB.toFixed(0)} MB ` +
      `(mean ${trend.heapMeanMB.toFixed(0)}), trend ${trend.heapSlopeMBPerDay.toFixed(2)} MB/day, live jobs ` +
      `${trend.liveJobsSlopePerDay.toFixed(0)}/day${net}`,
  );
}

const peakRssMB = process.resourceUsage().maxRSS / 1024;
const jobsEnded = finished + failed;
console.log(
  `wall ${wallS.toFixed(1)} s (run ${runS.toFixed(1)} s) for ${(summary.simulatedTime / HOUR).toFixed(1)} ` +
    `simulated h; ${summary.eventsProcessed} events (${Math.round(summary.eventsProcessed / wallS)}/s); ` +
    `${created} job attempts created, ${finished} finished, ${failed} failed ` +
    `(${Math.round(jobsEnded / wallS)} ended/s); peak RSS ${peakRssMB.toFixed(0)} MB`,
);
console.log(
  JSON.stringify({
    scenario: scenario.name,
    seed: argv.seed,
    simulated_s: summary.simulatedTime,
    wall_s: Number(wallS.toFixed(3)),
    build_s: Number(buildS.toFixed(3)),
    events: summary.eventsProcessed,
    events_per_s: Math.round(summary.eventsProcessed / wallS),
    jobs_created: created,
    jobs_finished: finished,
    jobs_failed: failed,
    jobs_ended_per_s: Math.round(jobsEnded / wallS),
    jobs_in_table: world.server.size,
    peak_rss_mb: Math.round(peakRssMB),
    heap_mb_per_hour: hours.map((h) => Math.round(h.heapMB)),
    live_jobs_per_hour: hours.map((h) => h.inTable),
    memory_trend: trend,
    heap_after_gc: gc !== undefined,
  }),
);
