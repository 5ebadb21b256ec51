// Trace replay: a scenario's `traces:` are checked at load, and a replayed trace reproduces its own job count
// and time span; the simulator's own job records are the trace (issue #10 "Checks").
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { JobRecordFile, readJobRecords, type JobRecord } from '../../../models/workload/job-records.ts';
import { parseScenario, ScenarioError } from '../../../scenarios/load.ts';
import { policyByName } from '../../../scenarios/policies/index.ts';
import { World } from '../../../scenarios/world/world.ts';
import type { RunSummary } from '../../../reports/summary.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/records/', import.meta.url));
const shares = fileURLToPath(new URL('../../../scenarios/shares/atlas.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'pandasim-trace-'));

/** A one-site scenario; `extra` is appended (background, traces). */
function scenarioText(extra: string, horizon = '1d'): string {
  return `
name: one-site
horizon: ${horizon}
platform:
  network:
    regions:
      - { name: eu, backbone: 400Gb/s, latency: 10ms }
  gridSites:
    - { name: SITE-A, region: eu, nucleus: true, slots: 60, hs06PerCore: 14, queueWait: 'lognormal(median=40min, sigma=0.8)' }
shares: ${shares}
${extra}`;
}

function problems(text: string): string[] {
  try {
    parseScenario(text, join(dir, 'scenario.yaml'));
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as ScenarioError).problems.map((p) => `${p.path}: expected ${p.expected}`);
  }
  throw new Error('no error');
}

describe('traces in a scenario file', () => {
  const fixture = join(fixtures, 'jobs.json');

  it('loads the records, resolved against the scenario file, with the defaults', () => {
    const s = parseScenario(
      scenarioText(
        `traces:\n  - { file: ${fixture}, gshare: MC Simulation Full, queueMap: { BNL_PROD: SITE-A } }`,
      ),
      join(dir, 'scenario.yaml'),
    );
    expect(s.traces).toHaveLength(1);
    const [trace] = s.traces ?? [];
    expect(trace.name).toBe('jobs');
    expect(trace.records).toHaveLength(4);
    expect([trace.route, trace.prodSourceLabel, trace.priority, trace.timeShift]).toEqual([
      'recorded',
      'managed',
      500,
      0,
    ]);
  });

  it('names a queue of the trace that no grid site stands for, and a map to a site that is not there', () => {
    expect(
      problems(scenarioText(`traces:\n  - { file: ${fixture}, gshare: Production, timeShift: soon }`)),
    ).toEqual([
      "traces[0].timeShift: expected a duration like '2h' (a number with a unit ms, s, sec, m, min, h, hr, d, day, w " +
        '(or seconds, minutes, hours, days, weeks), e.g. 90s, 1.5h or 1h 30min; a bare number means seconds)',
    ]);
    expect(
      problems(
        scenarioText(`traces:\n  - { file: ${fixture}, gshare: Production, queueMap: { X: SITE-B } }`),
      ),
    ).toEqual([
      'traces[0].gshare: expected a leaf share ("Express", "MC Simulation Full", "MC Simulation Fast", "Reprocessing", "Group production", "Event Generation", "User Analysis", "Express Analysis", "Test")',
      'traces[0].queueMap.X: expected a grid site of the platform (SITE-A)',
      'traces[0].queueMap: expected an entry mapping queue "BNL_PROD" (1 job(s)) to a grid site (SITE-A), or \'*\' for every unlisted queue',
    ]);
  });

  it('reports the bad rows of the records file at that file', () => {
    const bad = join(fixtures, 'malformed.csv');
    const found = problems(scenarioText(`traces:\n  - { file: ${bad}, gshare: MC Simulation Full }`));
    expect(found).toHaveLength(5);
    expect(found[0]).toBe(
      "line 3 (pandaid 7000000002): creationtime: expected a time like '2024-03-01T12:00:00' or '2024-03-01 12:00:00'",
    );
  });
});

interface Run {
  readonly summary: RunSummary;
  readonly records: JobRecord[];
  readonly world: World;
}

function run(text: string, seed: number, stopWhenReplayed = false): Run {
  const scenario = parseScenario(text, join(dir, 'scenario.yaml'));
  const records: JobRecord[] = [];
  const world = new World({
    scenario,
    policy: policyByName('panda-brokerage'),
    seed,
    jobRecords: (r) => records.push(r),
  });
  if (stopWhenReplayed) world.traces?.onAllEnded(() => world.sim.stop());
  return { summary: world.run(), records, world };
}

const span = (records: readonly JobRecord[]) =>
  Math.max(...records.map((r) => r.endtime ?? r.creationtime)) -
  Math.min(...records.map((r) => r.creationtime));

// A day of production on the site: tasks of 5–15 eight-core jobs of ~45 min, about 600 jobs.
const background = `background:
  - gshare: MC Simulation Full
    taskRate: 60/d
    jobsPerTask: uniform(min=5, max=15)
    cpuPerJob: lognormal(median=3e5, sigma=0.5)
    walltime: 24h`;

describe('a replayed trace', () => {
  const original = run(scenarioText(background), 3);
  const traceFile = join(dir, 'trace.json');
  const out = new JobRecordFile(traceFile);
  for (const r of original.records) out.write(r);
  out.close();
  const replayText = (route: string) =>
    scenarioText(`traces:\n  - { file: trace.json, gshare: MC Simulation Full, route: ${route} }`, '10d');

  it('the export has a record per ended attempt, retries included', () => {
    const [c] = original.summary.jobClasses;
    expect(original.records.length).toBeGreaterThan(400);
    expect(original.records.length).toBe(
      c.counts.finished + c.counts.failed + c.counts.cancelled + c.counts.retried,
    );
    expect(new Set(original.records.map((r) => r.jobstatus))).toEqual(new Set(['finished', 'failed']));
  });

  it('reproduces its own job count and time span, each job with its record’s identity and work', () => {
    const replay = run(replayText('recorded'), 5, true);
    // As the file has them: times to the second.
    const trace = readJobRecords(traceFile);
    expect(replay.world.traces?.planned).toBe(trace.length);
    expect(replay.records).toHaveLength(trace.length);
    const key = (r: JobRecord) => `${r.pandaid}/${r.attemptnr}`;
    expect(new Set(replay.records.map(key))).toEqual(new Set(trace.map(key)));
    // Creation times are the records' (to the second they are written with), from the trace's first one.
    const first = Math.min(...trace.map((r) => r.creationtime));
    const created = new Map(trace.map((r) => [key(r), Math.round(r.creationtime - first)]));
    const replayFirst = Math.min(...replay.records.map((r) => r.creationtime));
    for (const r of replay.records)
      expect(Math.round(r.creationtime - replayFirst)).toBe(created.get(key(r)));
    // A job that finished in both ran the same work.
    const work = new Map(trace.filter((r) => r.jobstatus === 'finished').map((r) => [key(r), r.hs06sec]));
    const both = replay.records.filter((r) => r.jobstatus === 'finished' && work.has(key(r)));
    expect(both.length).toBeGreaterThan(0.8 * trace.length);
    for (const r of both) expect(r.hs06sec).toBeCloseTo(work.get(key(r)) as number, -1);
    // The span ends with the last jobs: created at the same times, they end apart by the difference of their
    // time in the system, which the trace's own 99th percentile of end − creation bounds.
    const inSystem = trace.map((r) => (r.endtime as number) - r.creationtime).sort((a, b) => a - b);
    const p99 = inSystem[Math.floor(0.99 * (inSystem.length - 1))];
    expect(Math.abs(span(replay.records) - span(trace))).toBeLessThan(p99);
  });

  it('brokered by JEDI instead, replays every job of the trace', () => {
    const replay = run(replayText('broker'), 5, true);
    expect(replay.world.traces?.ended).toBe(original.records.length);
    expect(replay.records.length).toBeGreaterThanOrEqual(original.records.length);
    expect(replay.summary.jobClasses.map((c) => c.name)).toEqual(['trace:trace']);
  });
});
