// `pandasim run`, `compare` and `validate` end to end through bin/pandasim.js, as a user runs them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ComparisonSummary, RunSummary } from '../../reports/summary.ts';
import { resolveScenario } from '../../scenarios/embedded.ts';
import { loadScenario } from '../../scenarios/load.ts';
import { policyByName } from '../../scenarios/policies/index.ts';
import { runWorld } from '../../scenarios/world/world.ts';
import { pandasim } from '../support/pandasim-cli.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** summary.json as the run command writes it (reports/files.ts): the same bytes from any run of the same inputs. */
const asWritten = (s: RunSummary) => `${JSON.stringify(s, null, 2)}\n`;

describe('pandasim run', () => {
  it('writes summary.json and the report, prints where each task ran, and matches an in-process run', () => {
    const out = mkdtempSync(join(tmpdir(), 'pandasim-run-'));
    const log = join(out, 'events.csv');
    const r = pandasim(
      'run',
      'ml-detector-sim-small',
      '--policy',
      'lcf-harvester',
      '--seed',
      '2',
      '--out',
      out,
      '--event-log',
      log,
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/gan-training: 8\/8 jobs, .* via panda:1 queues \(POLARIS 8\)/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.policy).toBe('lcf-harvester');
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    // The event log: a row per job transition; every job's last row is a final state or it was live at the end.
    const [header, ...rows] = readFileSync(log, 'utf8').trimEnd().split('\n');
    expect(header).toBe('time,PandaID,attemptNr,jediTaskID,jobClass,computingSite,gshare,from,to,cause');
    const last = new Map<string, string>();
    for (const row of rows) {
      const cells = row.split(',');
      last.set(cells[1], cells[8]);
    }
    const ended = [...last.values()].filter((to) => ['finished', 'failed', 'cancelled'].includes(to)).length;
    const counted = summary.jobClasses.reduce(
      (a, c) => a + c.counts.finished + c.counts.failed + c.counts.cancelled,
      0,
    );
    expect(ended).toBe(counted);
    expect(last.size - ended).toBe(summary.jobClasses.reduce((a, c) => a + c.counts.live, 0));
    const scenario = loadScenario(resolveScenario('ml-detector-sim-small'));
    const local = runWorld({ scenario, policy: policyByName('lcf-harvester'), seed: 2 });
    expect(readFileSync(join(out, 'summary.json'), 'utf8')).toBe(asWritten(local));
  });

  it('exits 2 naming the option and the choices for an unknown policy, and writes nothing', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'pandasim-run-')), 'never');
    const r = pandasim('run', 'ml-detector-sim-small', '--policy', 'fastest', '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      "--policy: unknown policy 'fastest'; expected one of panda-brokerage, grid-only",
    );
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 for a seed given twice, which would pair a run with itself', () => {
    const r = pandasim('compare', 'ml-detector-sim-small', '--policies', 'lcf-harvester', '--seeds', '1,1');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--seeds: each seed once, got 1,1');
  });

  it('exits 2 naming the file, the field and the expectation for a broken scenario', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pandasim-bad-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'name: bad\nhorizon: eight days\nplatform: {}\nshares: []\n');
    for (const command of ['run', 'validate']) {
      const r = pandasim(command, file);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`${file}: horizon: expected a duration`);
    }
  });
});

describe('pandasim compare', () => {
  it('runs every policy on the same seeds in worker threads, pairs them, and writes runs, comparison and report', () => {
    const out = mkdtempSync(join(tmpdir(), 'pandasim-compare-'));
    const r = pandasim(
      'compare',
      'ml-detector-sim-small',
      '--policies',
      'lcf-harvester,grid-only',
      '--seeds',
      '2',
      '--parallel',
      '2',
      '--out',
      out,
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('### Differences from lcf-harvester');
    const comparison = JSON.parse(readFileSync(join(out, 'comparison.json'), 'utf8')) as ComparisonSummary;
    expect(comparison.baseline).toBe('lcf-harvester');
    expect(comparison.seeds).toEqual([1, 2]);
    expect(readdirSync(join(out, 'runs')).sort()).toEqual([
      'grid-only--seed-0001.json',
      'grid-only--seed-0002.json',
      'lcf-harvester--seed-0001.json',
      'lcf-harvester--seed-0002.json',
    ]);
    const runs = (p: string) =>
      [1, 2].map(
        (seed) =>
          JSON.parse(readFileSync(join(out, 'runs', `${p}--seed-000${seed}.json`), 'utf8')) as RunSummary,
      );
    // The paired difference is the mean of the per-seed differences (grid-only trains on CPUs: far slower).
    const d = comparison.differences.find((x) => x.policy === 'grid-only' && x.metric === 'makespan')!;
    const makespan = (s: RunSummary) => s.workflows[0].makespan ?? s.simulatedTime;
    const [g, l] = [runs('grid-only'), runs('lcf-harvester')];
    expect(d.estimate.mean).toBeCloseTo(
      (makespan(g[0]) - makespan(l[0]) + makespan(g[1]) - makespan(l[1])) / 2,
      6,
    );
    expect(d.estimate.low).toBeGreaterThan(0);
    // A worker thread's run is the in-process run.
    const scenario = loadScenario(resolveScenario('ml-detector-sim-small'));
    const local = runWorld({ scenario, policy: policyByName('grid-only'), seed: 2 });
    expect(JSON.stringify(g[1])).toBe(JSON.stringify(local));
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  });
});

describe('pandasim compare --against', () => {
  it('runs a git revision on the same seeds and pairs each policy with its own runs there', () => {
    const out = mkdtempSync(join(tmpdir(), 'pandasim-against-'));
    const r = pandasim(
      'compare',
      'ml-detector-sim-small',
      '--policies',
      'lcf-harvester',
      '--seeds',
      '2',
      '--against',
      'HEAD',
      '--out',
      out,
      '--quiet',
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('### Differences from lcf-harvester@HEAD');
    const comparison = JSON.parse(readFileSync(join(out, 'comparison.json'), 'utf8')) as ComparisonSummary;
    expect(comparison.policies.map((p) => p.policy)).toEqual(['lcf-harvester@HEAD', 'lcf-harvester']);
    const makespan = comparison.differences.find((d) => d.metric === 'makespan')!;
    expect(makespan.baseline).toBe('lcf-harvester@HEAD');
    const mean = (p: string) => comparison.policies.find((x) => x.policy === p)!.metrics.makespan.mean;
    expect(makespan.estimate.mean).toBeCloseTo(mean('lcf-harvester') - mean('lcf-harvester@HEAD'), 6);
    // With the models unchanged since HEAD (always so in CI's clean clone) the two revisions agree exactly.
    const clean = spawnSync('git', ['diff', '--quiet', 'HEAD', '--', 'sim', 'models', 'scenarios'], {
      cwd: root,
    });
    if (clean.status === 0) for (const d of comparison.differences) expect(d.estimate.mean, d.metric).toBe(0);
  });

  it('exits 2 for a name that is no revision', () => {
    const r = pandasim(
      'compare',
      'ml-detector-sim-small',
      '--policies',
      'lcf-harvester',
      '--seeds',
      '1',
      '--against',
      'no-such-ref',
      '--quiet',
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--against: 'no-such-ref' is not a git revision");
  });
});
