// `pandasim run --job-records` and `pandasim calibrate` end to end through bin/pandasim.js, as a user runs them.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readJobRecords } from '../../models/workload/job-records.ts';
import { parseScenario } from '../../scenarios/load.ts';
import { pandasim } from '../support/pandasim-cli.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const shares = join(root, 'scenarios/shares/atlas.yaml');
const fixtures = join(root, 'test/fixtures/records');

const dir = mkdtempSync(join(tmpdir(), 'pandasim-cli-calibrate-'));
const site = (params: string) => `
name: cli-site
horizon: 12h
platform:
  network:
    regions:
      - { name: eu, backbone: 400Gb/s, latency: 10ms }
  gridSites:
    - { name: SITE-A, region: eu, nucleus: true, slots: 60${params} }
shares: ${shares}
`;
const background = `background:
  - gshare: MC Simulation Full
    taskRate: 40/d
    jobsPerTask: uniform(min=5, max=10)
    cpuPerJob: lognormal(median=3e5, sigma=0.3)
    walltime: 24h
`;
writeFileSync(
  join(dir, 'truth.yaml'),
  site(", hs06PerCore: 14, queueWait: 'lognormal(median=40min, sigma=0.8)'") + background,
);
writeFileSync(join(dir, 'start.yaml'), site(''));

describe('pandasim run --job-records, then pandasim calibrate', () => {
  it('exports the run’s jobs, fits the site to them and writes the fit, a loadable catalog and the report', () => {
    const records = join(dir, 'jobs.csv');
    const run = pandasim(
      'run',
      join(dir, 'truth.yaml'),
      '--quiet',
      '--out',
      join(dir, 'run'),
      '--job-records',
      records,
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const jobs = readJobRecords(records);
    expect(jobs.length).toBeGreaterThan(50);
    expect(jobs.every((j) => j.computingsite === 'SITE-A' && j.hs06sec !== null)).toBe(true);

    const out = join(dir, 'fit');
    const r = pandasim(
      'calibrate',
      join(dir, 'start.yaml'),
      '--records',
      records,
      '--site',
      'SITE-A',
      '--fit',
      'queueWait.median,hs06PerCore',
      '--max-evaluations',
      '8',
      '--quiet',
      '--out',
      out,
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^SITE-A: \d+ finished jobs, \d+ simulations\n {2}queueWait\.median: 15m -> /);
    const fit = JSON.parse(readFileSync(join(out, 'fit.json'), 'utf8')) as {
      parameters: { name: string; initial: number; fitted: number }[];
      before: { distance: number };
      after: { distance: number };
      evaluations: unknown[];
    };
    expect(fit.parameters.map((p) => [p.name, p.initial])).toEqual([
      ['queueWait.median', 900],
      ['hs06PerCore', 10],
    ]);
    expect(fit.after.distance).toBeLessThanOrEqual(fit.before.distance);
    expect(fit.evaluations.length).toBeGreaterThanOrEqual(3);
    for (const file of ['report.html', 'charts/wait-cdf.svg', 'charts/run-cdf.svg']) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    // The fitted catalog is a catalog a scenario can point at, with the fitted values at the site.
    const scenario = parseScenario(
      `name: fitted\nhorizon: 1h\nplatform: ${join(out, 'catalog.yaml')}\nshares: ${shares}\n`,
      join(dir, 'fitted.yaml'),
    );
    const [fitted] = scenario.platform.gridSites;
    expect(fitted.hs06PerCore).toBe(fit.parameters[1].fitted);
    expect(fitted.queueWait.toString()).toMatch(/^lognormal\(median=.+, sigma=1\.2\)$/);
  });

  it('ends with exit code 2 and says why on bad input', () => {
    const unknown = pandasim(
      'calibrate',
      join(dir, 'start.yaml'),
      '--records',
      join(fixtures, 'jobs.json'),
      '--site',
      'X',
    );
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/no grid site 'X' in scenario cli-site \(grid sites: SITE-A\)/);
    const bad = pandasim(
      'calibrate',
      join(dir, 'start.yaml'),
      '--records',
      join(fixtures, 'malformed.csv'),
      '--site',
      'SITE-A',
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(
      /malformed\.csv: 5 problem\(s\) in the job records\n {2}line 3 \(pandaid 7000000002\)/,
    );
    const fit = pandasim(
      'calibrate',
      join(dir, 'start.yaml'),
      '--records',
      join(fixtures, 'jobs.json'),
      '--site',
      'SITE-A',
      '--fit',
      'speed',
    );
    expect(fit.status).toBe(2);
    expect(fit.stderr).toMatch(/--fit: unknown parameter 'speed'/);
  });
});
