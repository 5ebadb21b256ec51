// The scenarios shipped with pandasim load, cite a source for every model entry, and hold the sizes of the
// ML detector-simulation workflow that providers.md §4 derives (within the tolerances stated there).
import { describe, expect, it } from 'vitest';
import { EMBEDDED_SCENARIOS } from '../../scenarios/embedded.ts';
import { loadScenario } from '../../scenarios/load.ts';
import type { Scenario, WorkflowTaskSpec } from '../../scenarios/scenario.ts';

const HOUR = 3600;
const DAY = 86_400;
/** HS06 per core of the 2015-era reference core (providers.md §4 step 3). */
const HS06_PER_CORE = 10;

const full = loadScenario(EMBEDDED_SCENARIOS['ml-detector-sim']);
const small = loadScenario(EMBEDDED_SCENARIOS['ml-detector-sim-small']);

function task(s: Scenario, name: string): WorkflowTaskSpec {
  const found = s.workflows[0].tasks.find((t) => t.name === name);
  if (found === undefined) throw new Error(`no task ${name}`);
  return found;
}

const gridCores = (s: Scenario) => s.platform.gridSites.reduce((n, g) => n + g.slots * g.coresPerSlot, 0);

/** Background CPU demand over the grid's HS06 capacity, before failed attempts are redone. */
function backgroundDemand(s: Scenario): number {
  const capacity = s.platform.gridSites.reduce((n, g) => n + g.slots * g.coresPerSlot * g.hs06PerCore, 0);
  const work = s.background.reduce((n, b) => n + b.taskRate * b.jobsPerTask.mean * b.cpuPerJob.mean, 0);
  return work / capacity;
}

const backgroundJobsPerDay = (s: Scenario) =>
  s.background.reduce((n, b) => n + b.taskRate * DAY * b.jobsPerTask.mean, 0);

describe.each([
  ['ml-detector-sim', full],
  ['ml-detector-sim-small', small],
])('built-in scenario %s', (name, s) => {
  it('loads, as <embedded>, with the three tasks of the seed workflow in order', () => {
    expect(s.name).toBe(name);
    expect(s.file).toBe('<embedded>');
    expect(s.workflows).toHaveLength(1);
    const tasks = s.workflows[0].tasks;
    expect(tasks.map((t) => [t.name, t.kind, t.after])).toEqual([
      ['training-data', 'cpu', []],
      ['gan-training', 'gpu', ['training-data']],
      ['fast-simulation', 'cpu', ['gan-training']],
    ]);
    expect(s.policies).toEqual([
      'panda-brokerage',
      'grid-only',
      'lcf-harvester',
      'funcx-gateway',
      'parsl-orchestrates',
      'local-first',
      'earliest-completion',
      'cost-aware',
    ]);
  });

  it('cites a source for every resource, load and task, each a full reference or a tagged estimate', () => {
    const p = s.platform;
    const entries = [p.network, ...p.gridSites, ...p.hpc, ...p.funcx, ...p.cloud, ...p.local];
    const cited = [...entries, ...s.background, ...s.workflows[0].tasks];
    for (const entry of cited) expect(s.sources).toHaveProperty([entry.source!]);
    for (const text of Object.values(s.sources)) {
      expect(text).toMatch(/doi:|arXiv:|https?:\/\/|\[E\]|\[R\]/);
    }
  });

  it('has the platform the brief asks for: nuclei, Polaris preemptable with its funcX endpoint, a GPU pool, a lab', () => {
    const p = s.platform;
    expect(p.gridSites.filter((g) => g.nucleus).length).toBeGreaterThanOrEqual(2);
    expect(p.hpc[0]).toMatchObject({
      name: 'POLARIS',
      machine: 'polaris',
      batchQueue: 'preemptable',
      jobsPerWorker: 4,
    });
    expect(p.funcx[0]).toMatchObject({
      name: 'ALCF-FUNCX',
      hpc: 'POLARIS',
      nodesPerBlock: 1,
      workersPerNode: 4,
    });
    expect(p.cloud[0]).toMatchObject({ name: 'GCP-A100', gpusPerNode: 4, gpuSpeed: 1, spot: false });
    expect(p.local[0]).toMatchObject({ name: 'LAB', cores: 256, gpus: 8, gpuSpeed: 0.625 });
    for (const g of p.gridSites) {
      expect(g).toMatchObject({
        coresPerSlot: 8,
        payloadFailureProbability: 0.08,
        workerLossProbability: 0.01,
      });
      expect(g.maxWalltime).toBe(48 * HOUR);
      expect(g.queueWait.toString()).toBe('lognormal(median=15min, sigma=1.2)');
      expect(g.hs06PerCore).toBeGreaterThanOrEqual(9);
      expect(g.hs06PerCore).toBeLessThanOrEqual(13);
    }
  });

  it('gives every job more walltime than its mean run on the slowest resource it could use', () => {
    const slowestGpu = Math.min(
      ...s.platform.local.map((l) => l.gpuSpeed),
      ...s.platform.cloud.map((c) => c.gpuSpeed),
    );
    const gan = task(s, 'gan-training');
    expect(gan.gpuPerJob!.mean / slowestGpu).toBeLessThan(gan.walltime);
    const slowestCore = Math.min(...s.platform.gridSites.map((g) => g.hs06PerCore));
    for (const t of s.workflows[0].tasks.filter((x) => x.kind === 'cpu')) {
      expect(t.cpuPerJob!.mean / (t.coreCount * slowestCore)).toBeLessThan(t.walltime);
    }
    for (const b of s.background) {
      expect(b.cpuPerJob.mean / (b.coreCount * slowestCore)).toBeLessThan(b.walltime);
    }
  });
});

describe('ml-detector-sim: the full-size workflow of providers.md §4', () => {
  it('training data: 5,000 jobs of ~10^4 events, ≈2×10^5 core-h at 10 HS06 per core (±20%), ≈100 GB out', () => {
    const t = task(full, 'training-data');
    expect(t.nJobs).toBe(5000);
    expect(t.coreCount).toBe(8);
    const coreHours = (t.nJobs * t.cpuPerJob!.mean) / HS06_PER_CORE / HOUR;
    expect(Math.abs(coreHours / 2e5 - 1)).toBeLessThan(0.2);
    const totalOut = t.nJobs * t.outputBytesPerJob;
    expect(totalOut).toBeGreaterThanOrEqual(75e9);
    expect(totalOut).toBeLessThanOrEqual(105e9);
  });

  it('GAN training: 300 GANs, 300 × 5 A100-hours (±10%), one GPU each, 0.3 GB in', () => {
    const t = task(full, 'gan-training');
    expect(t.nJobs).toBe(300);
    expect(t.gpusPerJob).toBe(1);
    const a100Hours = (t.nJobs * t.gpuPerJob!.mean) / HOUR;
    expect(Math.abs(a100Hours / 1500 - 1)).toBeLessThan(0.1);
    expect(t.inputBytesPerJob).toBe(3e8);
    expect(t.outputBytesPerJob).toBeGreaterThanOrEqual(5e5);
    expect(t.outputBytesPerJob).toBeLessThanOrEqual(1e9);
    // A checkpoint every 1,000 of the 10^6 epochs that take ≈8 h on a V100: 28.8 s.
    expect(Math.abs(t.checkpointEvery! / 28.8 - 1)).toBeLessThan(0.1);
  });

  it('GAN training on CPUs is 10–20× slower than on a V100 (one 8-core node at 10 HS06 per core)', () => {
    const t = task(full, 'gan-training');
    const v100 = 5 / 8;
    const cpuSecondsPerV100Second = (t.cpuPerGpuSecond! * v100) / (t.coreCount * HS06_PER_CORE);
    expect(cpuSecondsPerV100Second).toBeGreaterThanOrEqual(10);
    expect(cpuSecondsPerV100Second).toBeLessThanOrEqual(20);
  });

  it('fast simulation: 10^7 events in jobs of 1,000 at 350 HS06·s each, 8 cores, 5 GB parameterisation once per site, HITS out', () => {
    const t = task(full, 'fast-simulation');
    expect(t.nJobs * 1000).toBe(1e7);
    expect(t.cpuPerJob!.mean).toBeCloseTo(350 * 1000, 6);
    expect(t.coreCount).toBe(8);
    expect(t.sharedInputBytes).toBe(5e9);
    expect(t.inputBytesPerJob).toBe(100e6);
    expect(t.outputBytesPerJob).toBe(1000 * 1e6);
  });

  it('runs 30 days, 5 seeds, on ~40k grid cores in 16 sites with 2–3 nuclei and Tier-2s of 800–6,000 cores', () => {
    expect(full.horizon).toBe(30 * DAY);
    expect(full.seeds).toEqual([1, 2, 3, 4, 5]);
    expect(full.platform.gridSites).toHaveLength(16);
    expect(Math.abs(gridCores(full) / 40_000 - 1)).toBeLessThan(0.1);
    const tier2 = full.platform.gridSites.filter((g) => !g.nucleus);
    expect(full.platform.gridSites.length - tier2.length).toBeLessThanOrEqual(3);
    for (const g of tier2) {
      expect(g.slots * g.coresPerSlot).toBeGreaterThanOrEqual(800);
      expect(g.slots * g.coresPerSlot).toBeLessThanOrEqual(6000);
    }
  });

  it('shares 340 Gb/s across the Atlantic and has LCF shares of 40 and 32 nodes', () => {
    const transatlantic = full.platform.network.links.filter(
      (l) => [l.a, l.b].includes('us') && [l.a, l.b].some((r) => r === 'cern' || r === 'eu'),
    );
    expect(transatlantic.reduce((n, l) => n + l.bandwidth, 0)).toBe(340e9 / 8);
    expect(full.platform.hpc.map((h) => [h.name, h.nodes, h.batchQueue])).toEqual([
      ['POLARIS', 40, 'preemptable'],
      ['PERLMUTTER', 32, 'regular'],
    ]);
  });

  it('loads the grid with background work of ~72% of its HS06 (~78% with failed attempts redone)', () => {
    const demand = backgroundDemand(full);
    expect(demand).toBeGreaterThan(0.65);
    expect(demand / (1 - 0.08)).toBeLessThan(0.9);
  });
});

describe('ml-detector-sim-small: the demo', () => {
  it('is one η slice: ~40 training-data jobs, 8 GANs of 5 A100-hours, ~40 simulation jobs, 7 days, 3 seeds', () => {
    expect(task(small, 'training-data').nJobs).toBe(40);
    expect(task(small, 'gan-training').nJobs).toBe(8);
    expect(task(small, 'gan-training').gpuPerJob!.mean).toBe(5 * HOUR);
    expect(task(small, 'fast-simulation').nJobs).toBe(40);
    expect(small.horizon).toBe(7 * DAY);
    expect(small.seeds).toEqual([1, 2, 3]);
  });

  it('runs on ~6 grid sites of 200–800 cores, Polaris with 4 nodes, a 2-node cloud pool', () => {
    expect(small.platform.gridSites).toHaveLength(6);
    for (const g of small.platform.gridSites) {
      expect(g.slots * g.coresPerSlot).toBeGreaterThanOrEqual(200);
      expect(g.slots * g.coresPerSlot).toBeLessThanOrEqual(800);
    }
    expect(small.platform.hpc.map((h) => [h.name, h.nodes])).toEqual([['POLARIS', 4]]);
    expect(small.platform.cloud[0].maxNodes).toBe(2);
  });

  it('has a light background: a few hundred jobs a day, under 10% of the grid', () => {
    const jobs = backgroundJobsPerDay(small);
    expect(jobs).toBeGreaterThanOrEqual(200);
    expect(jobs).toBeLessThanOrEqual(500);
    expect(backgroundDemand(small)).toBeLessThan(0.1);
  });
});
