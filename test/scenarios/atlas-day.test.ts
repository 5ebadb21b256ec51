// ATLAS-day (benchmarks.md): the committed catalog is what the generator writes, and the scenario has the
// scale it states — 170 sites, ~350k cores, 10 nuclei, ~1 M background jobs a day offering ≈78% of the HS06.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ATLAS_DAY_CATALOG,
  ATLAS_DAY_GRID,
  atlasDayCatalog,
  siteCores,
} from '../../scenarios/generate/atlas-day.ts';
import { EMBEDDED_SCENARIOS } from '../../scenarios/embedded.ts';
import { loadScenario } from '../../scenarios/load.ts';
import type { Scenario } from '../../scenarios/scenario.ts';
import { buildCatalog } from '../../scenarios/world/catalog.ts';

const DAY = 86_400;
const scenarioFile = (name: string) =>
  fileURLToPath(new URL(`../../scenarios/${name}.yaml`, import.meta.url));
const day = loadScenario(scenarioFile('atlas-day'));
const month = loadScenario(scenarioFile('atlas-month'));

const sites = day.platform.gridSites;
const cores = (s: Scenario['platform']['gridSites'][number]) => s.slots * s.coresPerSlot;
const totalCores = sites.reduce((n, s) => n + cores(s), 0);
const totalHs06 = sites.reduce((n, s) => n + cores(s) * s.hs06PerCore, 0);
const jobsPerDay = (s: Scenario) =>
  s.background.reduce((n, b) => n + b.taskRate * DAY * b.jobsPerTask.mean, 0);
const offeredLoad = (s: Scenario) =>
  s.background.reduce((n, b) => n + b.taskRate * b.jobsPerTask.mean * b.cpuPerJob.mean, 0) / totalHs06;

describe('the ATLAS-day catalog generator', () => {
  it('reproduces the committed catalog byte for byte (run `npx tsx scenarios/generate/atlas-day.ts` if not)', () => {
    expect(atlasDayCatalog()).toBe(readFileSync(ATLAS_DAY_CATALOG, 'utf8'));
  });

  it('takes site sizes from the lognormal quantiles: median on the middle site, in whole 8-core slots', () => {
    const sizes = siteCores();
    expect(sizes).toHaveLength(170);
    expect(sizes[85]).toBe(1696);
    expect(sizes.every((c) => c % 8 === 0)).toBe(true);
    expect([sizes[169], sizes[0]]).toEqual([312, 9376]);
  });
});

describe.each([
  ['atlas-day', day, DAY],
  ['atlas-month', month, 30 * DAY],
])('scenario %s', (name, s, horizon) => {
  it('loads with its horizon, the panda-brokerage policy and the atlas-day catalog', () => {
    expect(s.name).toBe(name);
    expect(s.horizon).toBe(horizon);
    expect(s.policies).toEqual(['panda-brokerage']);
  });

  it('is atlas-day in everything but its name, description, horizon and workflow (month: none, to last it)', () => {
    const rest = ({
      name: _n,
      description: _d,
      horizon: _h,
      file: _f,
      workflows: _w,
      sources,
      ...other
    }: Scenario) => ({
      ...other,
      sources: sources['atlas-day-background'],
    });
    expect(rest(s)).toEqual(rest(day));
    expect(s.workflows.length).toBe(name === 'atlas-month' ? 0 : 1);
  });
});

describe('atlas-day platform', () => {
  it('has 170 grid sites of ~350k cores (±5%) in 8-core slots, 8–14 HS06 per core, uplinks of 10–100 Gb/s', () => {
    expect(sites).toHaveLength(ATLAS_DAY_GRID.sites);
    expect(totalCores).toBe(349_488);
    expect(Math.abs(totalCores / 350_000 - 1)).toBeLessThan(0.05);
    expect(totalHs06 / 1e6).toBeCloseTo(3.79, 2);
    for (const site of sites) {
      expect(site.coresPerSlot).toBe(8);
      expect(site.hs06PerCore).toBeGreaterThanOrEqual(8);
      expect(site.hs06PerCore).toBeLessThanOrEqual(14);
      expect(site.uplink).toBeGreaterThanOrEqual(10e9 / 8);
      expect(site.uplink).toBeLessThanOrEqual(100e9 / 8);
    }
    expect(new Set(sites.map((g) => g.region)).size).toBe(7);
  });

  it('has 10 nuclei, the 10 largest sites, under the Tier-0/1 names', () => {
    const nuclei = sites.filter((g) => g.nucleus);
    expect(nuclei.map((g) => g.name).sort()).toEqual(
      [
        'BNL-ATLAS',
        'CERN-PROD',
        'FZK-LCG2',
        'IN2P3-CC',
        'INFN-T1',
        'NDGF-T1',
        'RAL-LCG2',
        'SARA-MATRIX',
        'TRIUMF-LCG2',
        'pic',
      ].sort(),
    );
    const smallestNucleus = Math.min(...nuclei.map(cores));
    expect(Math.max(...sites.filter((g) => !g.nucleus).map(cores))).toBeLessThan(smallestNucleus);
  });

  it('gets two PanDA queues per grid site from the world (multi-core and _SCORE), besides the LCF and cloud ones', () => {
    const catalog = buildCatalog(day.platform);
    const grid = catalog.resources.filter((r) => r.kind === 'grid');
    expect(grid.flatMap((r) => r.pandaQueues)).toHaveLength(340);
    expect(catalog.byQueue.get('CERN-PROD_SCORE')?.name).toBe('CERN-PROD');
  });

  it('carries the LCF, funcX, cloud and lab entries of the default catalog unchanged', () => {
    const reference = loadScenario(EMBEDDED_SCENARIOS['ml-detector-sim']).platform;
    const { hpc, funcx, cloud, local } = day.platform;
    expect({ hpc, funcx, cloud, local }).toEqual({
      hpc: reference.hpc,
      funcx: reference.funcx,
      cloud: reference.cloud,
      local: reference.local,
    });
  });
});

describe('atlas-day workload', () => {
  it('offers ~1 M background jobs per simulated day (±10%): 239k production, 760k analysis', () => {
    expect(Math.abs(jobsPerDay(day) / 1e6 - 1)).toBeLessThan(0.1);
    const production = day.background.filter((b) => b.prodSourceLabel === 'managed');
    const analysis = day.background.filter((b) => b.prodSourceLabel === 'user');
    expect(Math.round(production.reduce((n, b) => n + b.taskRate * DAY * b.jobsPerTask.mean, 0))).toBe(
      239_000,
    );
    expect(Math.round(analysis.reduce((n, b) => n + b.taskRate * DAY * b.jobsPerTask.mean, 0))).toBe(760_000);
    expect(production.every((b) => b.coreCount === 8)).toBe(true);
    expect(analysis.every((b) => b.coreCount === 1)).toBe(true);
  });

  it('offers ≈78% of the grid HS06, as its description says', () => {
    expect(offeredLoad(day)).toBeCloseTo(0.776, 3);
    expect(day.description).toContain('≈78% of the grid');
  });

  it('runs the full-size ml-detector-sim workflow on top, unchanged', () => {
    expect(day.workflows).toEqual(loadScenario(EMBEDDED_SCENARIOS['ml-detector-sim']).workflows);
  });

  it('cites a source for every resource, load and task, each a full reference or a tagged estimate', () => {
    const p = day.platform;
    const entries = [p.network, ...sites, ...p.hpc, ...p.funcx, ...p.cloud, ...p.local];
    for (const entry of [...entries, ...day.background, ...day.workflows[0].tasks]) {
      expect(day.sources).toHaveProperty([entry.source!]);
    }
    for (const text of Object.values(day.sources))
      expect(text).toMatch(/doi:|arXiv:|https?:\/\/|\[E\]|\[R\]/);
  });
});
