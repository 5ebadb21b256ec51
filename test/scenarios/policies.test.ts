/**
 * The placement policies and the look-ahead estimate they use, on a hand-built catalog: two grid sites, an
 * LCF, a Globus Compute endpoint, a commercial cloud and the user's own cluster.
 */
import { describe, expect, it } from 'vitest';
import { constant } from '../../sim/distributions.ts';
import { estimateTask } from '../../scenarios/world/estimate.ts';
import type { ResourceInfo } from '../../scenarios/world/catalog.ts';
import { POLICIES, policyByName } from '../../scenarios/policies/index.ts';
import { panda, type PlacementContext } from '../../scenarios/policies/policy.ts';
import type { WorkflowTaskSpec } from '../../scenarios/scenario.ts';

const GB = 1e9;

const GRID_A: ResourceInfo = {
  name: 'GRID_A',
  kind: 'grid',
  region: 'US',
  uplink: 1.25 * GB,
  rse: 'GRID_A_DATADISK',
  cores: 1000,
  gpus: 0,
  corepower: 10,
  gpuSpeed: 0,
  coresPerSlot: 8,
  gpusPerSlot: 0,
  jobsPerSlot: 1,
  pricePerSlotHour: 0,
  typicalWait: 1800,
  pandaQueues: ['GRID_A'],
};
const GRID_B: ResourceInfo = {
  ...GRID_A,
  name: 'GRID_B',
  region: 'EU',
  uplink: 2.5 * GB,
  rse: 'GRID_B_DATADISK',
  cores: 3000,
  corepower: 14,
  typicalWait: 1200,
  pandaQueues: ['GRID_B'],
};
/** Ten Polaris-like nodes: 32 cores and 4 A100s each, a PanDA job per node. */
const POLARIS: ResourceInfo = {
  name: 'POLARIS',
  kind: 'hpc',
  region: 'US',
  uplink: 2.5 * GB,
  rse: 'POLARIS_DATADISK',
  cores: 320,
  gpus: 40,
  corepower: 12,
  gpuSpeed: 1,
  coresPerSlot: 32,
  gpusPerSlot: 4,
  jobsPerSlot: 1,
  pricePerSlotHour: 0,
  typicalWait: 3600,
  pandaQueues: ['POLARIS'],
};
/** Four nodes behind Globus Compute, one worker per GPU. */
const FUNCX: ResourceInfo = {
  ...POLARIS,
  name: 'ALCF_FUNCX',
  kind: 'funcx',
  rse: 'ALCF_FUNCX_DATADISK',
  cores: 128,
  gpus: 16,
  jobsPerSlot: 4,
  typicalWait: 1800,
  pandaQueues: ['ALCF_FUNCX'],
};
/** Two 4-GPU nodes at 36 USD per node-hour. */
const CLOUD: ResourceInfo = {
  name: 'CLOUD',
  kind: 'cloud',
  region: 'US',
  uplink: 1.25 * GB,
  rse: 'CLOUD_DATADISK',
  cores: 96,
  gpus: 8,
  corepower: 15,
  gpuSpeed: 1.2,
  coresPerSlot: 48,
  gpusPerSlot: 4,
  jobsPerSlot: null,
  pricePerSlotHour: 36,
  typicalWait: 300,
  pandaQueues: ['CLOUD'],
};
const LOCAL: ResourceInfo = {
  name: 'LOCAL',
  kind: 'local',
  region: 'US',
  uplink: 0.5 * GB,
  rse: 'LOCAL_DATADISK',
  cores: 64,
  gpus: 2,
  corepower: 11,
  gpuSpeed: 0.5,
  coresPerSlot: 64,
  gpusPerSlot: 2,
  jobsPerSlot: null,
  pricePerSlotHour: 0,
  typicalWait: 0,
  pandaQueues: [],
};
const RESOURCES = [GRID_A, GRID_B, POLARIS, FUNCX, CLOUD, LOCAL];

const BASE: WorkflowTaskSpec = {
  name: 'sim',
  after: [],
  stream: false,
  kind: 'cpu',
  gshare: 'MC Simulation Full',
  prodSourceLabel: 'managed',
  priority: 500,
  nJobs: 100,
  cpuPerJob: constant(41_600),
  coreCount: 8,
  gpusPerJob: 0,
  ramMB: 16_000,
  walltime: 86_400,
  inputBytesPerJob: 0.5 * GB,
  sharedInputBytes: 0,
  outputBytesPerJob: 0,
};
/** 100 jobs of 41,600 HS06·s on 8 cores: 400 s each at the grid's mean corepower 13. */
const CPU_TASK = BASE;
/** 10 jobs of 2 A100-hours on one GPU each; 10 GB of inputs and a 5 GB model shared by all. */
const GPU_TASK: WorkflowTaskSpec = {
  ...BASE,
  name: 'gan',
  kind: 'gpu',
  nJobs: 10,
  cpuPerJob: undefined,
  gpuPerJob: constant(7200),
  gpusPerJob: 1,
  cpuPerGpuSecond: 520,
  inputBytesPerJob: 1 * GB,
  sharedInputBytes: 5 * GB,
};

type Busy = Record<string, { cores?: number; gpus?: number }>;

function context(
  options: { resources?: readonly ResourceInfo[]; busy?: Busy; spent?: number; budget?: number } = {},
): PlacementContext {
  const resources = options.resources ?? RESOURCES;
  const busy = options.busy ?? {};
  const busyNow = (name: string) => ({ cores: busy[name]?.cores ?? 0, gpus: busy[name]?.gpus ?? 0 });
  return {
    now: 0,
    resources,
    estimate: (task, name) => {
      const r = resources.find((x) => x.name === name);
      if (r === undefined) throw new Error(`test: no resource ${name}`);
      return estimateTask(task, r, resources, busyNow);
    },
    spent: options.spent ?? 0,
    budget: options.budget ?? 0,
  };
}

const GRID = ['GRID_A', 'GRID_B'];

describe('estimateTask', () => {
  const busyFn = (busy: Busy) => (name: string) => ({
    cores: busy[name]?.cores ?? 0,
    gpus: busy[name]?.gpus ?? 0,
  });

  it('LCF GPU task: whole-node jobs, one per free node; transfer over the uplink; no cost', () => {
    // 12 GPUs free = 3 whole nodes → 3 jobs at a time: 4 waves of 7200 s. Inputs 10 GB + 5 GB at 2.5 GB/s.
    const e = estimateTask(GPU_TASK, POLARIS, RESOURCES, busyFn({ POLARIS: { gpus: 28 } }));
    expect(e).toEqual({
      resource: 'POLARIS',
      queueWait: 3600,
      transfer: 6,
      compute: 28_800,
      total: 32_406,
      cost: 0,
    });
  });

  it('prices whole-node jobs per node: price × jobs × job time / 3600', () => {
    const paid = { ...POLARIS, pricePerSlotHour: 10 };
    // 10 jobs × 2 h each on a node of their own = 20 node-hours.
    expect(estimateTask(GPU_TASK, paid, RESOURCES, busyFn({})).cost).toBe(200);
  });

  it('a Globus Compute endpoint runs jobsPerSlot jobs per node', () => {
    // 12 free GPUs, 4 workers per 4-GPU node: 12 at a time, one wave.
    const e = estimateTask(GPU_TASK, FUNCX, RESOURCES, busyFn({ ALCF_FUNCX: { gpus: 4 } }));
    expect(e).toMatchObject({ queueWait: 1800, transfer: 6, compute: 7200, total: 9006 });
  });

  it('cloud GPUs: faster GPUs, jobs packed by GPU, cost per node-hour', () => {
    // 7200 / 1.2 = 6000 s per job, 8 at a time → 2 waves; 10 jobs × 6000 s / 4 per node = 50/3 node-hours.
    const e = estimateTask(GPU_TASK, CLOUD, RESOURCES, busyFn({}));
    expect(e).toEqual({
      resource: 'CLOUD',
      queueWait: 300,
      transfer: 12,
      compute: 12_000,
      total: 12_312,
      cost: 150,
    });
  });

  it('a GPU task on the grid runs on CPUs at cpuPerGpuSecond, the grid as one pool', () => {
    // 7200 × 520 HS06·s over 8 cores at (1000·10 + 3000·14)/4000 = 13 HS06: 36,000 s per job;
    // 400 + 1000 cores free = 175 jobs at a time.
    const busy = busyFn({ GRID_A: { cores: 600 }, GRID_B: { cores: 2000 } });
    const e = estimateTask(GPU_TASK, GRID_A, RESOURCES, busy);
    expect(e).toEqual({
      resource: 'GRID_A',
      queueWait: 1800,
      transfer: 12,
      compute: 36_000,
      total: 37_812,
      cost: 0,
    });
    const noFallback = estimateTask({ ...GPU_TASK, cpuPerGpuSecond: undefined }, GRID_A, RESOURCES, busy);
    expect(noFallback.compute).toBe(Infinity);
    expect(noFallback.total).toBe(Infinity);
  });

  it('a CPU task on the grid: waves over the free cores of all grid sites', () => {
    // 40 + 40 cores free = 10 jobs at a time: 10 waves of 400 s. 50 GB of inputs at 2.5 GB/s.
    const busy = busyFn({ GRID_A: { cores: 960 }, GRID_B: { cores: 2960 } });
    expect(estimateTask(CPU_TASK, GRID_B, RESOURCES, busy)).toEqual({
      resource: 'GRID_B',
      queueWait: 1200,
      transfer: 20,
      compute: 4000,
      total: 5220,
      cost: 0,
    });
  });

  it('a CPU task on the cloud packs coresPerSlot / coreCount jobs per node for the cost', () => {
    // 41,600 / (8 × 15) s per job, 12 at a time → 9 waves; 6 jobs per 48-core node.
    const perJob = 41_600 / 120;
    const e = estimateTask(CPU_TASK, CLOUD, RESOURCES, busyFn({}));
    expect(e.compute).toBeCloseTo(9 * perJob, 9);
    expect(e.cost).toBeCloseTo((36 * 100 * perJob) / 6 / 3600, 9);
    expect(e.transfer).toBe(40);
  });

  it('with no GPU free, counts one job at a time', () => {
    const local = estimateTask(GPU_TASK, LOCAL, RESOURCES, busyFn({ LOCAL: { gpus: 2 } }));
    // 7200 / 0.5 = 14,400 s per job, ten waves; 15 GB at 0.5 GB/s.
    expect(local).toMatchObject({ queueWait: 0, transfer: 30, compute: 144_000, total: 144_030 });
    const full = estimateTask(GPU_TASK, POLARIS, RESOURCES, busyFn({ POLARIS: { gpus: 40 } }));
    expect(full.compute).toBe(72_000);
  });
});

describe('fixed-route policies', () => {
  const ctx = context();
  const routes = (name: string) => {
    const p = policyByName(name);
    return { cpu: p.route(CPU_TASK, ctx), gpu: p.route(GPU_TASK, ctx) };
  };

  it('panda-brokerage: grid and LCF queues for every task, never funcX, cloud or local', () => {
    const r = routes('panda-brokerage');
    expect(r.cpu).toEqual(panda([...GRID, 'POLARIS']));
    expect(r.gpu).toEqual({ kind: 'panda', queues: ['GRID_A', 'GRID_B', 'POLARIS'], cpuOnly: false });
  });

  it('grid-only: the grid queues, GPU work on CPUs', () => {
    const r = routes('grid-only');
    expect(r.cpu).toEqual({ kind: 'panda', queues: GRID, cpuOnly: true });
    expect(r.gpu).toEqual({ kind: 'panda', queues: GRID, cpuOnly: true });
  });

  it('lcf-harvester: GPU tasks on the LCF queues, CPU tasks on the grid', () => {
    const r = routes('lcf-harvester');
    expect(r.gpu).toEqual(panda(['POLARIS']));
    expect(r.cpu).toEqual(panda(GRID));
  });

  it('funcx-gateway: GPU tasks on the Globus Compute PQ through PanDA, CPU tasks on the grid', () => {
    const r = routes('funcx-gateway');
    expect(r.gpu).toEqual(panda(['ALCF_FUNCX']));
    expect(r.cpu).toEqual(panda(GRID));
  });

  it('parsl-orchestrates: GPU tasks straight to the endpoint, CPU tasks through PanDA on the grid', () => {
    const r = routes('parsl-orchestrates');
    expect(r.gpu).toEqual({ kind: 'funcx', endpoint: 'ALCF_FUNCX' });
    expect(r.cpu).toEqual(panda(GRID));
    const noFuncx = context({ resources: RESOURCES.filter((x) => x.kind !== 'funcx') });
    expect(() => policyByName('parsl-orchestrates').route(GPU_TASK, noFuncx)).toThrow(
      'parsl-orchestrates: the platform has no Globus Compute endpoint',
    );
  });

  it('local-first: the own cluster, overflowing after 900 s to the grid and LCF queues', () => {
    const r = routes('local-first');
    const expected = {
      kind: 'local-first',
      local: 'LOCAL',
      maxLocalWait: 900,
      overflow: panda([...GRID, 'POLARIS']),
    };
    expect(r.cpu).toEqual(expected);
    expect(r.gpu).toEqual(expected);
    const noLocal = context({ resources: RESOURCES.filter((x) => x.kind !== 'local') });
    expect(() => policyByName('local-first').route(CPU_TASK, noLocal)).toThrow(
      'local-first: the platform has no local cluster',
    );
  });
});

describe('earliest-completion', () => {
  const policy = policyByName('earliest-completion');

  it('picks the smallest estimated total among grid, LCF, funcX and local', () => {
    const ctx = context();
    // GPU task: grid 1800 + 12 + 36,000 | 1200 + 6 + 36,000; POLARIS 3600 + 6 + 7200 = 10,806;
    // funcX 1800 + 6 + 7200 = 9006; local 0 + 30 + 72,000.
    const totals = RESOURCES.map((r) => ctx.estimate(GPU_TASK, r.name).total);
    expect(totals.slice(0, 4)).toEqual([37_812, 37_206, 10_806, 9006]);
    expect(policy.route(GPU_TASK, ctx)).toEqual({ kind: 'funcx', endpoint: 'ALCF_FUNCX' });
    // CPU task: GRID_B 1200 + 20 + 400 beats GRID_A 1800 + 40 + 400; the route is the whole grid.
    expect(policy.route(CPU_TASK, ctx)).toEqual(panda(GRID, false));
  });

  it('a busy endpoint or a longer typical wait flips the choice', () => {
    // All 16 funcX GPUs busy: 10 waves of 7200 s there, POLARIS wins.
    expect(policy.route(GPU_TASK, context({ busy: { ALCF_FUNCX: { gpus: 16 } } }))).toEqual(
      panda(['POLARIS']),
    );
    const slowFuncx = { ...FUNCX, typicalWait: 5400 };
    const resources = [GRID_A, GRID_B, POLARIS, slowFuncx, CLOUD, LOCAL];
    expect(policy.route(GPU_TASK, context({ resources }))).toEqual(panda(['POLARIS']));
  });

  it('breaks ties by catalog order', () => {
    // funcX at 3600 s typical wait totals 10,806 s, as POLARIS does.
    const tied = { ...FUNCX, typicalWait: 3600 };
    expect(policy.route(GPU_TASK, context({ resources: [GRID_A, GRID_B, POLARIS, tied] }))).toEqual(
      panda(['POLARIS']),
    );
    expect(policy.route(GPU_TASK, context({ resources: [GRID_A, GRID_B, tied, POLARIS] }))).toEqual({
      kind: 'funcx',
      endpoint: 'ALCF_FUNCX',
    });
  });

  it('a GPU task on the grid runs CPU-only; without cpuPerGpuSecond the grid is no candidate', () => {
    const gridOnly = context({ resources: [GRID_A, GRID_B] });
    expect(policy.route(GPU_TASK, gridOnly)).toEqual(panda(GRID, true));
    expect(() => policy.route({ ...GPU_TASK, cpuPerGpuSecond: undefined }, gridOnly)).toThrow(
      'earliest-completion: no resource can run gan',
    );
  });

  it('the local cluster is a local-first route that never overflows', () => {
    // 1024 local cores: 128 jobs at a time, one wave of 41,600 / 88 s, 100 s of transfer, no queue.
    const bigLocal = { ...LOCAL, cores: 1024 };
    const ctx = context({ resources: [GRID_A, GRID_B, POLARIS, FUNCX, CLOUD, bigLocal] });
    expect(ctx.estimate(CPU_TASK, 'LOCAL').total).toBeCloseTo(100 + 41_600 / 88, 9);
    expect(policy.route(CPU_TASK, ctx)).toEqual({
      kind: 'local-first',
      local: 'LOCAL',
      maxLocalWait: Infinity,
      overflow: panda([...GRID, 'POLARIS']),
    });
  });

  it('never sends a CPU task to a GPU-only LCF queue, however busy the grid is', () => {
    const busyGrid = context({
      resources: [GRID_A, GRID_B, POLARIS],
      busy: { GRID_A: { cores: GRID_A.cores }, GRID_B: { cores: GRID_B.cores } },
    });
    expect(policy.route(CPU_TASK, busyGrid)).toEqual(panda(GRID, false));
  });

  it('leaves paid resources out even when they would be fastest', () => {
    const freeCloud = { ...CLOUD, typicalWait: 0, gpus: 800 };
    const ctx = context({ resources: [GRID_A, GRID_B, POLARIS, FUNCX, freeCloud] });
    expect(ctx.estimate(GPU_TASK, 'CLOUD').total).toBe(12 + 6000);
    expect(policy.route(GPU_TASK, ctx)).toEqual({ kind: 'funcx', endpoint: 'ALCF_FUNCX' });
  });
});

describe('cost-aware', () => {
  const policy = policyByName('cost-aware');

  it('CPU tasks on the grid', () => {
    expect(policy.route(CPU_TASK, context({ budget: 1e6 }))).toEqual(panda(GRID));
  });

  it('adds the cloud to the LCF queues while the estimated cost (150 USD) fits in budget − spent', () => {
    expect(policy.route(GPU_TASK, context({ budget: 1000, spent: 0 }))).toEqual(panda(['POLARIS', 'CLOUD']));
    expect(policy.route(GPU_TASK, context({ budget: 1000, spent: 850 }))).toEqual(
      panda(['POLARIS', 'CLOUD']),
    );
    expect(policy.route(GPU_TASK, context({ budget: 1000, spent: 850.5 }))).toEqual(panda(['POLARIS']));
    expect(policy.route(GPU_TASK, context({ budget: 0 }))).toEqual(panda(['POLARIS']));
  });
});

describe('policy registry', () => {
  it('POLICIES holds all eight, each under its own name', () => {
    expect(Object.keys(POLICIES)).toEqual([
      'panda-brokerage',
      'grid-only',
      'lcf-harvester',
      'funcx-gateway',
      'parsl-orchestrates',
      'local-first',
      'earliest-completion',
      'cost-aware',
    ]);
    for (const [name, p] of Object.entries(POLICIES)) {
      expect(p.name).toBe(name);
      expect(policyByName(name)).toBe(p);
      expect(p.description.length).toBeGreaterThan(20);
    }
  });

  it('an unknown name lists the known ones', () => {
    expect(() => policyByName('fastest')).toThrow(
      "unknown policy 'fastest'; known: panda-brokerage, grid-only, lcf-harvester, funcx-gateway, " +
        'parsl-orchestrates, local-first, earliest-completion, cost-aware',
    );
  });
});
