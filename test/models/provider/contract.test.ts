/**
 * The rules worker.ts settles, checked against every provider with deterministic parameters: release is
 * graceful (running payloads finish, no new one starts, the worker ends 'finished'), releasing a worker that
 * has not started withdraws it, kill is forced, a payload ending exactly at the walltime succeeds, and every
 * callback sees the model's final state. Payloads are pure fixed time, so they take the same seconds anywhere.
 */
import { describe, expect, it } from 'vitest';
import { constant } from '../../../sim/distributions.ts';
import { Simulation } from '../../../sim/engine.ts';
import { RandomStreams } from '../../../sim/random.ts';
import { KubernetesCluster } from '../../../models/cloud/cluster.ts';
import { EXAMPLE_INSTANCES } from '../../../models/cloud/instance-types.ts';
import { nodePool } from '../../../models/cloud/params.ts';
import { SLURM } from '../../../models/grid/batch-systems.ts';
import { GridSite } from '../../../models/grid/grid-site.ts';
import { gridSiteParams } from '../../../models/grid/site-params.ts';
import { A100_40GB } from '../../../models/hpc/gpu-models.ts';
import { HpcMachine } from '../../../models/hpc/hpc-machine.ts';
import { LocalCluster } from '../../../models/local/local-cluster.ts';
import { LocalFirst } from '../../../models/local/local-first.ts';
import { VolunteerProject } from '../../../models/volunteer/project.ts';
import { VolunteerSlots } from '../../../models/volunteer/slots.ts';
import type {
  FailureCause,
  Payload,
  PayloadOutcome,
  Provider,
  Worker,
  WorkerRequest,
} from '../../../models/provider/worker.ts';

/** Volunteer hosts keep on/off events pending for ever: every run stops here, long after the tests' events. */
const HORIZON = 10_000;

interface ProviderCase {
  name: string;
  build(sim: Simulation): Provider;
  request: WorkerRequest;
  /** When a worker submitted at 0 starts taking payloads. */
  startsAt: number;
  /** GPUs each test payload takes (0 where the provider has none). */
  payloadGpus: number;
  /** Copies of a payload the provider runs (a volunteer work unit runs on `replication` hosts). */
  copies: number;
}

/**
 * Core-seconds wasted by one-core payloads: every copy of those cut after `cut` seconds, and every copy but
 * the useful one of those that succeeded after `ok` seconds (volunteer redundancy, project.ts).
 */
const wastedCores = (c: ProviderCase, cut: number, ok: number): number =>
  c.copies * cut + (c.copies - 1) * ok;

const request = (cores: number, gpus: number, queue = 'q'): WorkerRequest => ({
  queue,
  cores,
  gpus,
  nodes: 1,
  memoryMB: 8000,
  walltime: 86_400,
});

function localCluster(sim: Simulation, name: string): LocalCluster {
  return new LocalCluster(sim, new RandomStreams(1), { name, cores: 16, gpus: 4, startLatency: constant(5) });
}

const CASES: ProviderCase[] = [
  {
    name: 'grid site',
    build: (sim) =>
      new GridSite(
        sim,
        new RandomStreams(1),
        gridSiteParams({
          name: 'GRID',
          batchSystem: { ...SLURM, submitLatency: constant(0) },
          slots: 4,
          queueWait: constant(100),
          pilotStartup: constant(0),
          stageIn: constant(0),
          stageOut: constant(0),
          payloadFailureProbability: 0,
          workerLossProbability: 0,
          randomDowntime: undefined,
        }),
      ),
    request: request(8, 0),
    startsAt: 100,
    payloadGpus: 0,
    copies: 1,
  },
  {
    name: 'LCF machine',
    build: (sim) =>
      new HpcMachine(sim, new RandomStreams(1), {
        name: 'lcf',
        storageEndpoint: 'LCF_DATADISK',
        nodes: 4,
        coresPerNode: 8,
        memoryPerNodeMB: 256_000,
        gpusPerNode: 4,
        gpu: A100_40GB,
        hs06PerCore: 10,
        queues: [
          {
            name: 'batch',
            minNodes: 1,
            maxNodes: 4,
            minWalltime: 0,
            maxWalltime: 86_400,
            wait: constant(100),
            limits: {},
            routedOnly: false,
          },
        ],
        routingQueues: [],
        limits: {},
        allocationNodeHours: Infinity,
        nodeDownFraction: 0,
        nodeRepairTime: 3600,
        jobFailureProbability: 0,
        payloadFailureProbability: 0,
      }),
    request: request(8, 4, 'batch'),
    startsAt: 100,
    payloadGpus: 1,
    copies: 1,
  },
  {
    name: 'Kubernetes cluster',
    build: (sim) =>
      new KubernetesCluster(sim, new RandomStreams(1), {
        name: 'k8s',
        pools: [nodePool('gpu', EXAMPLE_INSTANCES['aws-p4d.24xlarge'], { minNodes: 1, maxNodes: 1 })],
        podStartCached: constant(20),
        imageCachedProbability: 1,
      }),
    request: request(8, 4),
    startsAt: 20,
    payloadGpus: 1,
    copies: 1,
  },
  {
    name: 'local cluster',
    build: (sim) => localCluster(sim, 'lab'),
    request: request(8, 4),
    startsAt: 5,
    payloadGpus: 1,
    copies: 1,
  },
  {
    name: 'local first',
    build: (sim) => new LocalFirst(sim, localCluster(sim, 'lab'), localCluster(sim, 'remote')),
    request: request(8, 4),
    startsAt: 5,
    payloadGpus: 1,
    copies: 1,
  },
  {
    name: 'volunteer slots',
    build: (sim) =>
      new VolunteerSlots(
        sim,
        new VolunteerProject(sim, new RandomStreams(1), {
          name: 'boinc',
          hosts: Array.from({ length: 4 }, () => ({ cores: 1, corepower: 10 })),
          // Hosts that never go off, so a result takes exactly its payload's time.
          onPeriod: constant(1e12),
          offPeriod: constant(1),
          replication: 2,
          quorum: 2,
          resultErrorRate: 0,
        }),
      ),
    request: request(2, 0),
    startsAt: 0,
    payloadGpus: 0,
    copies: 2,
  },
];

interface Log {
  worker: Worker;
  started: number[];
  ended: { at: number; status: string; cause?: FailureCause; running: number }[];
  /** Per payload id: when it ended, its outcome, and the worker's status and provider's running count then. */
  done: Map<number, { at: number; outcome: PayloadOutcome; status: string; running: number }>;
}

/** Submits a worker at 0 and calls `onStart(worker)` when it takes payloads. */
function watch(
  sim: Simulation,
  provider: Provider,
  req: WorkerRequest,
  onStart: (worker: Worker, log: Log) => void,
): Log {
  const log = { started: [], ended: [], done: new Map() } as unknown as Log;
  log.worker = provider.submit(req, {
    started(worker) {
      log.started.push(sim.now);
      onStart(worker, log);
    },
    ended(worker, cause) {
      log.ended.push({ at: sim.now, status: worker.status, cause, running: provider.running });
    },
  });
  return log;
}

/** Runs a payload of `seconds` fixed time; `then` runs after its outcome is recorded. */
function runFor(
  sim: Simulation,
  provider: Provider,
  log: Log,
  gpus: number,
  id: number,
  seconds: number,
  then?: () => void,
): void {
  const payload: Payload = { id, cpuWork: 0, gpuWork: 0, cores: 1, gpus, fixedTime: seconds };
  provider.run(log.worker, payload, (outcome) => {
    log.done.set(id, { at: sim.now, outcome, status: log.worker.status, running: provider.running });
    then?.();
  });
}

describe.each(CASES)('$name keeps the contract', (c) => {
  it('release while payloads run: they finish, none starts, the worker ends finished after the last', () => {
    const sim = new Simulation();
    const provider = c.build(sim);
    const log = watch(sim, provider, c.request, (worker) => {
      runFor(sim, provider, log, c.payloadGpus, 1, 100);
      runFor(sim, provider, log, c.payloadGpus, 2, 200);
      provider.release(worker);
      expect(() => runFor(sim, provider, log, c.payloadGpus, 3, 10)).toThrow(/released/);
      expect(worker.status).toBe('running');
    });
    sim.run(HORIZON);
    const s = c.startsAt;
    expect(log.started).toEqual([s]);
    expect(log.done.get(1)).toEqual({
      at: s + 100,
      outcome: { ok: true, wallTime: 100 },
      status: 'running',
      running: 1,
    });
    // The last payload's `done` already sees the worker ended and its resources given back.
    expect(log.done.get(2)).toEqual({
      at: s + 200,
      outcome: { ok: true, wallTime: 200 },
      status: 'finished',
      running: 0,
    });
    expect(log.done.has(3)).toBe(false);
    expect(log.ended).toEqual([{ at: s + 200, status: 'finished', cause: undefined, running: 0 }]);
    expect(provider.usage(sim.now)).toMatchObject({
      wastedCoreSeconds: wastedCores(c, 0, 100 + 200),
      wastedGpuSeconds: 0,
    });
  });

  it('release before the start withdraws the worker as cancelled, and it never holds anything', () => {
    const sim = new Simulation();
    const provider = c.build(sim);
    const log = watch(sim, provider, c.request, () => {});
    provider.release(log.worker);
    provider.release(log.worker); // an ended worker is left as it is
    sim.run(HORIZON);
    expect(log.started).toEqual([]);
    expect(log.ended).toEqual([{ at: 0, status: 'cancelled', cause: 'cancelled', running: 0 }]);
    expect([provider.queued, provider.running]).toEqual([0, 0]);
    expect(provider.usage(sim.now)).toMatchObject({ coreSeconds: 0, gpuSeconds: 0 });
  });

  it('kill cuts running payloads with cause cancelled and counts their cores and GPUs as wasted', () => {
    const sim = new Simulation();
    const provider = c.build(sim);
    const log = watch(sim, provider, c.request, (worker) => {
      runFor(sim, provider, log, c.payloadGpus, 1, 100);
      provider.release(worker); // a released worker can still be killed
      sim.schedule(40, () => provider.kill(worker));
    });
    sim.run(HORIZON);
    const s = c.startsAt;
    expect(log.done.get(1)).toEqual({
      at: s + 40,
      outcome: { ok: false, wallTime: 40, cause: 'cancelled' },
      status: 'cancelled',
      running: 0,
    });
    expect(log.ended).toEqual([{ at: s + 40, status: 'cancelled', cause: 'cancelled', running: 0 }]);
    expect(provider.usage(sim.now)).toMatchObject({
      wastedCoreSeconds: wastedCores(c, 40, 0),
      wastedGpuSeconds: c.payloadGpus * 40,
    });
  });

  it('a payload ending exactly at the walltime succeeds, and its owner can still release the worker', () => {
    const sim = new Simulation();
    const provider = c.build(sim);
    const log = watch(sim, provider, { ...c.request, walltime: 300 }, (worker) =>
      runFor(sim, provider, log, c.payloadGpus, 1, 300, () => provider.release(worker)),
    );
    sim.run(HORIZON);
    const s = c.startsAt;
    expect(log.done.get(1)).toEqual({
      at: s + 300,
      outcome: { ok: true, wallTime: 300 },
      status: 'running',
      running: 1,
    });
    expect(log.ended).toEqual([{ at: s + 300, status: 'finished', cause: undefined, running: 0 }]);
  });

  it('at the walltime the worker is killed after the payloads due then, cutting only longer ones', () => {
    const sim = new Simulation();
    const provider = c.build(sim);
    const log = watch(sim, provider, { ...c.request, walltime: 300 }, () => {
      runFor(sim, provider, log, c.payloadGpus, 1, 300);
      runFor(sim, provider, log, c.payloadGpus, 2, 350);
    });
    sim.run(HORIZON);
    const s = c.startsAt;
    expect(log.done.get(1)).toEqual({
      at: s + 300,
      outcome: { ok: true, wallTime: 300 },
      status: 'running',
      running: 1,
    });
    expect(log.done.get(2)).toEqual({
      at: s + 300,
      outcome: { ok: false, wallTime: 300, cause: 'walltime' },
      status: 'failed',
      running: 0,
    });
    expect(log.ended).toEqual([{ at: s + 300, status: 'failed', cause: 'walltime', running: 0 }]);
    expect(provider.usage(sim.now)).toMatchObject({
      wastedCoreSeconds: wastedCores(c, 300, 300),
      wastedGpuSeconds: c.payloadGpus * 300,
    });
  });

  it('refuses calls with a worker of another provider', () => {
    const sim = new Simulation();
    const provider = c.build(sim);
    const stranger = localCluster(sim, 'elsewhere').submit(request(1, 0), { started() {}, ended() {} });
    expect(() => provider.kill(stranger)).toThrow(/not .*here/);
  });
});
