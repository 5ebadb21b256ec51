import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../sim/engine.ts';
import { constant, exponential } from '../../../sim/distributions.ts';
import { RandomStreams } from '../../../sim/random.ts';
import { normalQuantile } from '../../../sim/stats/normal.ts';
import { KubernetesCluster } from '../../../models/cloud/cluster.ts';
import { planScaleUp } from '../../../models/cloud/autoscaler.ts';
import { EXAMPLE_INSTANCES } from '../../../models/cloud/instance-types.ts';
import { nodePool, type CloudClusterOptions } from '../../../models/cloud/params.ts';
import type {
  FailureCause,
  Payload,
  PayloadOutcome,
  Worker,
  WorkerEvents,
  WorkerRequest,
} from '../../../models/provider/worker.ts';

const M6I = EXAMPLE_INSTANCES['aws-m6i.2xlarge']; // 8 vCPUs, 32 GiB, 10 HS06 per vCPU, $0.384/h

const POD: WorkerRequest = { queue: 'k8s', cores: 8, gpus: 0, nodes: 1, memoryMB: 16000, walltime: 1e9 };

/** 8 cores at 10 HS06 each: cpuWork = 80 · seconds. */
function payload(id: number, seconds: number): Payload {
  return { id, cpuWork: 80 * seconds, gpuWork: 0, cores: 8, gpus: 0, fixedTime: 0 };
}

function cluster(sim: Simulation, options: Partial<CloudClusterOptions> = {}, seed = 1): KubernetesCluster {
  return new KubernetesCluster(sim, new RandomStreams(seed), {
    name: 'gke',
    pools: [nodePool('cpu', M6I, { minNodes: 0, maxNodes: 3 })],
    podStartCached: constant(20),
    podStartWithPull: constant(150),
    imageCachedProbability: 1,
    nodeProvisioning: constant(100),
    scanInterval: 10,
    scaleDownUnneededTime: 600,
    ...options,
  });
}

interface Log {
  started: Map<number, number>;
  ended: Map<number, { at: number; status: string; cause?: FailureCause }>;
  events: WorkerEvents;
}

function log(sim: Simulation, onStart?: (worker: Worker) => void): Log {
  const started = new Map<number, number>();
  const ended = new Map<number, { at: number; status: string; cause?: FailureCause }>();
  return {
    started,
    ended,
    events: {
      started(worker) {
        started.set(worker.id, sim.now);
        onStart?.(worker);
      },
      ended(worker, cause) {
        ended.set(worker.id, { at: sim.now, status: worker.status, cause });
      },
    },
  };
}

describe('pod start latency', () => {
  it('is the cached start when the image is on the node, the pull start otherwise', () => {
    for (const [probability, expected] of [
      [1, 20],
      [0, 150],
    ] as const) {
      const sim = new Simulation();
      const k8s = cluster(sim, {
        pools: [nodePool('cpu', M6I, { minNodes: 1 })],
        imageCachedProbability: probability,
      });
      const outcomes: PayloadOutcome[] = [];
      const events = log(sim, (worker) =>
        k8s.run(worker, payload(1, 100), (outcome) => outcomes.push(outcome)),
      );
      k8s.submit(POD, events.events);
      sim.run();
      expect(events.started.get(1)).toBe(expected);
      expect(outcomes).toEqual([{ ok: true, wallTime: 100 }]);
    }
  });
});

describe('autoscaling', () => {
  it('adds a node at the next scan plus the provisioning delay and removes it after the idle period', () => {
    const sim = new Simulation();
    const k8s = cluster(sim);
    const events = log(sim);
    let worker: Worker | undefined;
    sim.schedule(3, () => (worker = k8s.submit(POD, events.events)));
    sim.run(109.999);
    expect([k8s.readyNodeCount, k8s.provisioningNodeCount, k8s.pendingPods]).toEqual([0, 1, 1]);
    sim.run(110); // scan at 10 s, node ready 100 s later
    expect([k8s.readyNodeCount, k8s.provisioningNodeCount, k8s.pendingPods]).toEqual([1, 0, 0]);
    sim.run(500);
    expect(events.started.get(1)).toBe(130);
    k8s.release(worker!);
    sim.run(1099.999);
    expect(k8s.readyNodeCount).toBe(1);
    sim.run(1100);
    expect(k8s.readyNodeCount).toBe(0);
    expect(events.ended.get(1)).toEqual({ at: 500, status: 'finished', cause: undefined });
    expect(k8s.usage(1100)).toMatchObject({ nodesCreated: 1, nodesRemoved: 1, nodeSeconds: 1090 });
  });

  it('counts nodes being provisioned as capacity to come', () => {
    const sim = new Simulation();
    const k8s = cluster(sim, { pools: [nodePool('cpu', M6I, { maxNodes: 10 })] });
    const events = log(sim);
    k8s.submit(POD, events.events);
    k8s.submit(POD, events.events);
    sim.run(50);
    k8s.submit(POD, events.events); // the scan at 50 s must not ask again for the first two pods
    sim.run(1000);
    expect(k8s.usage(sim.now).nodesCreated).toBe(3);
    expect(k8s.running).toBe(3);
  });

  it('stops at the pool maximum and leaves the rest pending', () => {
    const sim = new Simulation();
    const k8s = cluster(sim);
    const events = log(sim);
    for (let i = 0; i < 5; i++) k8s.submit(POD, events.events);
    sim.run(1000);
    expect([k8s.readyNodeCount, k8s.pendingPods, k8s.running]).toEqual([3, 2, 3]);
  });

  it('plans first-fit onto upcoming nodes, then the first pool with room', () => {
    const big = { ...M6I, name: 'big', cores: 32 };
    const pools = [
      { instance: M6I, nodes: 1, maxNodes: 2 },
      { instance: big, nodes: 0, maxNodes: 5 },
    ];
    const four = { cores: 4, memoryMB: 1000, gpus: 0 };
    const upcoming = [{ pool: 0, free: { cores: 4, memoryMB: 32768, gpus: 0 } }];
    expect(planScaleUp([four, four, four, four], upcoming, pools, Infinity)).toEqual([0, 1]);
    expect(planScaleUp([{ cores: 16, memoryMB: 1, gpus: 0 }], [], pools, Infinity)).toEqual([1]);
    expect(planScaleUp([four, four, four], [], pools, 2)).toEqual([0]);
    expect(planScaleUp([{ cores: 1, memoryMB: 1, gpus: 1 }], [], pools, Infinity)).toEqual([]);
  });

  it('ends a pod no instance type could hold as missed', () => {
    const sim = new Simulation();
    const k8s = cluster(sim);
    const events = log(sim);
    k8s.submit({ ...POD, cores: 64 }, events.events);
    sim.run();
    expect(events.ended.get(1)).toEqual({ at: 0, status: 'missed', cause: 'submission-failed' });
    expect(k8s.usage(0).nodesCreated).toBe(0);
  });
});

describe('billing', () => {
  it('charges price × node lifetime, the node billed from its request to its removal', () => {
    const sim = new Simulation();
    const k8s = cluster(sim, { pools: [nodePool('cpu', M6I, { maxNodes: 1 })] });
    const events = log(sim, (worker) => k8s.run(worker, payload(1, 1000), () => k8s.release(worker)));
    k8s.submit(POD, events.events);
    sim.run();
    // requested 0, ready 100, pod running 120 → 1120, node empty 600 s more: removed at 1720.
    const usage = k8s.usage(sim.now);
    expect(sim.now).toBe(1720);
    expect(usage.nodeSeconds).toBe(1720);
    expect(usage.cost).toBe((1720 * M6I.onDemandPerHour) / 3600);
    expect(usage.coreSeconds).toBe(8 * 1000);
    expect(usage.wastedCoreSeconds).toBe(0);
  });

  it('charges at least a minute, at the spot price on a spot pool', () => {
    const sim = new Simulation();
    const k8s = cluster(sim, {
      pools: [nodePool('spot', M6I, { spot: true, maxNodes: 1, spotInterruptionRate: 0 })],
      nodeProvisioning: constant(10),
      scaleDownUnneededTime: 0,
    });
    const worker = k8s.submit(POD, log(sim).events);
    sim.schedule(15, () => k8s.kill(worker)); // still starting: the node empties at 15 s and goes at once
    sim.run();
    expect(k8s.usage(sim.now)).toMatchObject({ nodeSeconds: 15, cost: (60 * M6I.spotPerHour) / 3600 });
  });
});

describe('spot instances', () => {
  it('an interruption fails the pods on the node with cause preempted and the node goes', () => {
    const sim = new Simulation();
    const k8s = cluster(sim, {
      pools: [nodePool('spot', M6I, { spot: true, minNodes: 1, maxNodes: 1, spotInterruptionRate: 1 })],
    });
    const outcomes: PayloadOutcome[] = [];
    const events = log(sim, (worker) =>
      k8s.run(worker, payload(1, 1e7), (outcome) => outcomes.push(outcome)),
    );
    k8s.submit(POD, events.events);
    sim.run(1e6);
    expect(outcomes).toHaveLength(1);
    const [outcome] = outcomes;
    expect(outcome).toMatchObject({ ok: false, cause: 'preempted' });
    const ended = events.ended.get(1)!;
    expect(ended).toMatchObject({ status: 'failed', cause: 'preempted' });
    expect(ended.at).toBe(20 + outcome.wallTime);
    const usage = k8s.usage(sim.now);
    expect(usage.wastedCoreSeconds).toBeCloseTo(8 * outcome.wallTime, 6);
    expect(usage.spotInterruptions).toBeGreaterThanOrEqual(1);
    expect(k8s.readyNodeCount + k8s.provisioningNodeCount).toBe(1); // the minimum is kept
  });

  it('interrupts at the configured rate per instance-hour over a long run (99% interval)', () => {
    const sim = new Simulation();
    const rate = 0.01;
    const k8s = cluster(sim, {
      pools: [
        nodePool('spot', M6I, { spot: true, minNodes: 100, maxNodes: 100, spotInterruptionRate: rate }),
      ],
    });
    sim.run(10_000 * 3600);
    const usage = k8s.usage(sim.now);
    const hours = usage.spotNodeSeconds / 3600;
    const n = usage.spotInterruptions;
    const halfWidth = (normalQuantile(0.995) * Math.sqrt(n)) / hours;
    expect(n).toBeGreaterThan(9000);
    expect(Math.abs(n / hours - rate)).toBeLessThan(halfWidth);
  });
});

describe('walltime and determinism', () => {
  it('a payload still running at the walltime fails with cause walltime', () => {
    const sim = new Simulation();
    const k8s = cluster(sim, { pools: [nodePool('cpu', M6I, { minNodes: 1 })] });
    const outcomes: PayloadOutcome[] = [];
    const events = log(sim, (worker) =>
      k8s.run(worker, payload(1, 100), (outcome) => outcomes.push(outcome)),
    );
    k8s.submit({ ...POD, walltime: 50 }, events.events);
    sim.run();
    expect(outcomes).toEqual([{ ok: false, wallTime: 50, cause: 'walltime' }]);
    expect(events.ended.get(1)).toEqual({ at: 70, status: 'failed', cause: 'walltime' });
  });

  it('gives the same usage for the same seed', () => {
    const runOnce = (seed: number) => {
      const sim = new Simulation();
      const k8s = cluster(
        sim,
        {
          pools: [nodePool('spot', M6I, { spot: true, maxNodes: 20, spotInterruptionRate: 0.05 })],
          podStartCached: exponential({ mean: 30 }),
          imageCachedProbability: 0.7,
          nodeProvisioning: exponential({ mean: 120 }),
        },
        seed,
      );
      const arrivals = new RandomStreams(seed).stream('test/arrivals');
      const events = log(sim, (worker) =>
        k8s.run(worker, payload(worker.id, 3600), () => k8s.release(worker)),
      );
      for (let i = 0, t = 0; i < 200; i++) {
        t += -600 * Math.log(1 - arrivals.next());
        sim.at(t, () => k8s.submit(POD, events.events));
      }
      sim.run();
      return k8s.usage(sim.now);
    };
    const first = runOnce(7);
    expect(runOnce(7)).toEqual(first);
    expect(runOnce(8)).not.toEqual(first);
  });
});
