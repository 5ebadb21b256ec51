/**
 * End-to-end runs of the small ML-detector-sim scenario (issue 6 "Checks"): jobs accounted for, bytes moved
 * as the data model says, determinism, explainable differences between policies; and the global shares
 * tracking their targets on a saturated grid.
 */
import { describe, expect, it } from 'vitest';
import { resolveScenario } from '../../scenarios/embedded.ts';
import { loadScenario, parseScenario } from '../../scenarios/load.ts';
import { policyByName } from '../../scenarios/policies/index.ts';
import { runWorld, World } from '../../scenarios/world/world.ts';
import type { RunSummary, TaskSummary } from '../../reports/summary.ts';

const small = loadScenario(resolveScenario('ml-detector-sim-small'));
const cache = new Map<string, RunSummary>();
function run(policy: string, seed = 1): RunSummary {
  const key = `${policy}/${seed}`;
  let summary = cache.get(key);
  if (summary === undefined) {
    summary = runWorld({ scenario: small, policy: policyByName(policy), seed });
    cache.set(key, summary);
  }
  return summary;
}

function task(s: RunSummary, name: string): TaskSummary {
  const t = s.workflows[0].tasks.find((x) => x.task === name);
  if (t === undefined) throw new Error(`no task ${name}`);
  return t;
}

const GB = 1e9;

describe('the small ML-detector-sim scenario end to end', () => {
  it.each([
    'panda-brokerage',
    'grid-only',
    'funcx-gateway',
    'parsl-orchestrates',
    'local-first',
    'cost-aware',
  ])('%s: every job is accounted for (created = finished + failed + cancelled + live)', (policy) => {
    const s = run(policy);
    for (const c of s.jobClasses) {
      const { created, finished, failed, cancelled, live } = c.counts;
      expect(created, c.name).toBe(finished + failed + cancelled + live);
    }
    // The workflow's own view agrees with the jobs: each task's finished jobs are jobs that finished.
    for (const t of s.workflows[0].tasks) {
      const cls = s.jobClasses.find((c) => c.name === `workflow:${s.workflows[0].name}/${t.task}`);
      expect(cls, t.task).toBeDefined();
      expect(t.nFinished).toBe(cls!.counts.finished);
      expect(Object.values(t.jobsPerResource).reduce((a, b) => a + b, 0)).toBe(t.nFinished);
    }
  });

  it('moves the bytes the data model says: per-job inputs and outputs, the shared parameterisation once per site', () => {
    const s = run('lcf-harvester');
    const gan = task(s, 'gan-training');
    const sim = task(s, 'fast-simulation');
    const ganSpec = small.workflows[0].tasks.find((t) => t.name === 'gan-training')!;
    const simSpec = small.workflows[0].tasks.find((t) => t.name === 'fast-simulation')!;
    // Every GAN ran at POLARIS, away from the training data's nucleus: each job's input crossed the WAN, and
    // each output came back to the GAN task's nucleus.
    expect(gan.jobsPerResource).toEqual({ POLARIS: ganSpec.nJobs });
    expect(gan.bytesIn).toBeCloseTo(ganSpec.nJobs * ganSpec.inputBytesPerJob, 0);
    expect(gan.bytesOut).toBeCloseTo(ganSpec.nJobs * ganSpec.outputBytesPerJob, 0);
    // The simulation's jobs read 0.1 GB each and the 5 GB parameterisation once per site away from the models.
    const sites = Object.keys(sim.jobsPerResource);
    expect(sim.nFinished).toBe(simSpec.nJobs);
    const expectedIn = simSpec.nJobs * simSpec.inputBytesPerJob + sites.length * simSpec.sharedInputBytes;
    // One of the sites may hold the models (the GAN task's nucleus), where neither input moves.
    expect(sim.bytesIn).toBeGreaterThanOrEqual(
      expectedIn - simSpec.nJobs * simSpec.inputBytesPerJob - simSpec.sharedInputBytes - 1,
    );
    expect(sim.bytesIn).toBeLessThanOrEqual(expectedIn + 1);
    expect(sim.bytesIn % (0.1 * GB)).toBeLessThan(1);
    // What the tasks counted is what crossed the links.
    const perTask = s.workflows[0].tasks.reduce((a, t) => a + t.bytesIn + t.bytesOut, 0);
    const onLinks = Object.values(s.bytesMoved).reduce((a, b) => a + b, 0);
    expect(onLinks).toBeCloseTo(perTask, 0);
  });

  it('gives identical results for the same seed, and other results for another seed', () => {
    const a = run('funcx-gateway', 2);
    const b = runWorld({ scenario: small, policy: policyByName('funcx-gateway'), seed: 2 });
    const strip = (s: RunSummary) => JSON.stringify(s);
    expect(strip(b)).toBe(strip(a));
    expect(strip(run('funcx-gateway', 3))).not.toBe(strip(a));
  });

  it('draws the same jobs under every policy (common random numbers), other jobs under another seed', () => {
    const work = (policy: string, seed: number, name: string) =>
      Array.from(
        new World({ scenario: small, policy: policyByName(policy), seed }).taskWork(
          'fastcalogan-slice',
          name,
        ),
      );
    for (const name of ['training-data', 'gan-training', 'fast-simulation']) {
      const base = work('panda-brokerage', 1, name);
      for (const p of ['grid-only', 'parsl-orchestrates', 'local-first'])
        expect(work(p, 1, name)).toEqual(base);
      expect(work('panda-brokerage', 2, name)).not.toEqual(base);
    }
    // Until the policies' choices first matter, the runs are the same: the training data starts alike.
    const start = task(run('panda-brokerage'), 'training-data').start;
    for (const p of ['grid-only', 'lcf-harvester', 'funcx-gateway'])
      expect(task(run(p), 'training-data').start).toBe(start);
  });

  it('policies differ as they should: grid-only trains far slower, each LCF route trains where it says', () => {
    const grid = run('grid-only');
    const lcf = run('lcf-harvester');
    expect(grid.workflows[0].makespan ?? grid.simulatedTime).toBeGreaterThan(2 * lcf.workflows[0].makespan!);
    const where = (p: string) => Object.keys(task(run(p), 'gan-training').jobsPerResource);
    expect(where('lcf-harvester')).toEqual(['POLARIS']);
    expect(where('funcx-gateway')).toEqual(['ALCF-FUNCX']);
    expect(where('parsl-orchestrates')).toEqual(['ALCF-FUNCX']);
    expect(where('local-first')).toEqual(['LAB']);
    const gridSites = new Set(small.platform.gridSites.map((g) => g.name));
    expect(where('grid-only').every((r) => gridSites.has(r))).toBe(true);
    expect(task(grid, 'gan-training').route).toContain('(cpu)');
    // Only the cost-aware policy pays for cloud GPUs, within the budget.
    expect(run('panda-brokerage').cost).toBe(0);
    const paid = run('cost-aware');
    expect(paid.cost).toBeGreaterThan(0);
    expect(paid.cost).toBeLessThanOrEqual(small.budget! * 1.5);
  });
});

describe('global shares on a saturated grid', () => {
  it('gives each share its target fraction of the executing HS06 within 3 points', () => {
    const yaml = `
name: shares-saturated
horizon: 3d
sources:
  test: "[E] a test platform"
platform:
  network:
    regions: [{ name: eu, backbone: 100Gb/s, latency: 5ms }]
    links: []
  gridSites:
    - { name: SITE-A, region: eu, nucleus: true, slots: 40, uplink: 10Gb/s, storage: 1PB, source: test }
    - { name: SITE-B, region: eu, slots: 40, uplink: 10Gb/s, storage: 1PB, source: test }
shares:
  - { name: Production, value: 100, parent: null, prodsourcelabel: managed }
  - { name: Big, value: 75, parent: Production, processingtype: simul }
  - { name: Small, value: 25, parent: Production, processingtype: evgen }
background:
  - { gshare: Big, taskRate: 40/d, jobsPerTask: 'constant(40)', cpuPerJob: 'constant(5e5)', coreCount: 8, walltime: 12h, source: test }
  - { gshare: Small, taskRate: 40/d, jobsPerTask: 'constant(40)', cpuPerJob: 'constant(5e5)', coreCount: 8, walltime: 12h, source: test }
`;
    const scenario = parseScenario(yaml, 'shares-saturated.yaml');
    const s = runWorld({ scenario, policy: policyByName('panda-brokerage'), seed: 1 });
    const share = (name: string) => s.shares.find((x) => x.name === name)!;
    // Demand is ~1.45× the grid for each share, so both always have work queued: dispatch order decides.
    expect(share('Big').target).toBeCloseTo(0.75, 6);
    expect(Math.abs(share('Big').achieved - 0.75)).toBeLessThan(0.03);
    expect(Math.abs(share('Small').achieved - 0.25)).toBeLessThan(0.03);
  });
});

describe('warm start', () => {
  it('starts the background on every grid site at once, already scouted, counted like the rest', () => {
    const horizon = 4 * 3600;
    const run = (warmStart: number) => {
      const scenario = { ...small, horizon, workflows: [], warmStart };
      const s = runWorld({ scenario, policy: policyByName('panda-brokerage'), seed: 1 });
      return { s, grid: s.resources.filter((r) => r.kind === 'grid') };
    };
    const cold = run(0);
    const warm = run(0.5);
    // Warm, every site finishes jobs within the first hours; cold, the first background tasks are still
    // scouting and pilots find little to run.
    expect(warm.grid.every((r) => r.jobsFinished > 0)).toBe(true);
    const finished = (g: typeof cold.grid) => g.reduce((a, r) => a + r.jobsFinished, 0);
    expect(finished(warm.grid)).toBeGreaterThan(100);
    expect(finished(cold.grid)).toBeLessThan(finished(warm.grid) / 10);
    // The warm jobs are background jobs, counted like the others.
    for (const c of warm.s.jobClasses) {
      expect(c.counts.created).toBe(c.counts.finished + c.counts.failed + c.counts.cancelled + c.counts.live);
    }
  });
});

describe('LCF batch jobs through Harvester', () => {
  it('bundles no more jobs in a batch job than the project has nodes, so a 2-node share still runs its GANs', () => {
    const hpc = small.platform.hpc.map((h) => ({ ...h, nodes: 2 }));
    expect(small.platform.hpc[0].jobsPerWorker).toBe(4);
    const scenario = { ...small, platform: { ...small.platform, hpc } };
    const s = runWorld({ scenario, policy: policyByName('lcf-harvester'), seed: 1 });
    const gan = s.workflows[0].tasks.find((t) => t.task === 'gan-training')!;
    expect(gan.nFinished).toBe(gan.nJobs);
    expect(gan.jobsPerResource).toEqual({ POLARIS: gan.nJobs });
    // A job's run starts when its node runs it, not when Harvester submits the batch job: the GPU-hours of
    // the class are those of the payloads (8 GANs of ~5 A100-hours, one GPU each), not of the queue waits.
    const cls = s.jobClasses.find((c) => c.name.endsWith('/gan-training'))!;
    expect(cls.gpuHours).toBeGreaterThan(8 * 4.5 * 0.9);
    expect(cls.gpuHours - cls.wastedGpuHours).toBeLessThan(8 * 5.5 * 1.05);
  });
});
