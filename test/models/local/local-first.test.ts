import { describe, expect, it } from 'vitest';
import { constant } from '../../../sim/distributions.ts';
import { Simulation } from '../../../sim/engine.ts';
import { RandomStreams } from '../../../sim/random.ts';
import { LocalCluster } from '../../../models/local/local-cluster.ts';
import { LocalFirst } from '../../../models/local/local-first.ts';
import { runPayload } from '../../../models/provider/run-payload.ts';
import type {
  Payload,
  PayloadOutcome,
  Worker,
  WorkerEvents,
  WorkerRequest,
} from '../../../models/provider/worker.ts';

function request(cores: number, gpus = 0): WorkerRequest {
  return { queue: 'user', cores, gpus, nodes: 1, memoryMB: 2000 * cores, walltime: 1e9 };
}

function cpuPayload(id: number, cores: number, seconds: number): Payload {
  return { id, cpuWork: 10 * cores * seconds, gpuWork: 0, cores, gpus: 0, fixedTime: 0 };
}

function world(maxLocalWait: number, localCores = 8) {
  const sim = new Simulation();
  const random = new RandomStreams(3);
  const local = new LocalCluster(sim, random, {
    name: 'laptop-farm',
    cores: localCores,
    startLatency: constant(5),
  });
  const remote = new LocalCluster(sim, random, {
    name: 'remote',
    cores: 1000,
    gpus: 8,
    startLatency: constant(5),
  });
  const router = new LocalFirst(sim, local, remote, { maxLocalWait });
  return { sim, local, remote, router };
}

const quiet: WorkerEvents = { started() {}, ended() {} };

describe('LocalFirst', () => {
  it('uses the local cluster up to the wait bound, then overflows (hand-made case)', () => {
    const { sim, router } = world(60);
    const a = router.submit(request(8), quiet); // fits now: local, starts at 5
    const b = router.submit(request(8), quiet); // waits locally; gets A's cores at 30
    const c = router.submit(request(16), quiet); // never fits locally: remote at once
    const d = router.submit(request(8), quiet); // waits behind B; still waiting at 60: overflows
    sim.schedule(30, () => router.release(a));
    sim.run(1000);
    const where = (w: Worker) => [w.placement?.provider, w.startedAt];
    expect(where(a)).toEqual(['laptop-farm', 5]);
    expect(a.status).toBe('finished');
    expect(where(b)).toEqual(['laptop-farm', 35]);
    expect(where(c)).toEqual(['remote', 5]);
    expect(where(d)).toEqual(['remote', 65]);
    expect(router.routing).toEqual({ local: 3, fallback: 1, overflowed: 1 });
    expect([router.queued, router.running]).toEqual([0, 3]);
  });

  it('with no wait allowed sends what does not fit now straight to the fallback', () => {
    const { sim, router } = world(0);
    const a = router.submit(request(6), quiet);
    const b = router.submit(request(4), quiet);
    const c = router.submit(request(2), quiet);
    sim.run(100);
    expect([a, b, c].map((w) => w.placement?.provider)).toEqual(['laptop-farm', 'remote', 'laptop-farm']);
    expect(router.routing).toEqual({ local: 2, fallback: 1, overflowed: 0 });
  });

  it('tells the owner once, about the worker it was given, wherever it ran', () => {
    const { sim, router } = world(10);
    const seen: string[] = [];
    const events: WorkerEvents = {
      started: (w) => seen.push(`started ${w.id} ${w.placement?.provider} ${sim.now}`),
      ended: (w, cause) => seen.push(`ended ${w.id} ${w.status} ${cause} ${sim.now}`),
    };
    const a = router.submit(request(8), events);
    const b = router.submit(request(8), events);
    sim.schedule(100, () => router.kill(a));
    sim.schedule(200, () => router.release(b));
    sim.run();
    expect(seen).toEqual([
      'started 1 laptop-farm 5',
      'started 2 remote 15',
      'ended 1 cancelled cancelled 100',
      'ended 2 finished undefined 200',
    ]);
  });

  it('runs a payload locally when it fits, remotely when it needs GPUs the cluster lacks', () => {
    const { sim, router } = world(60);
    const results: [PayloadOutcome, string | undefined][] = [];
    const record = (outcome: PayloadOutcome, worker: Worker) =>
      results.push([outcome, worker.placement?.provider]);
    runPayload(router, request(4), cpuPayload(1, 4, 300), record);
    const training: Payload = { id: 2, cpuWork: 0, gpuWork: 3600, cores: 1, gpus: 1, fixedTime: 60 };
    runPayload(router, request(1, 1), training, record);
    sim.run();
    expect(results).toEqual([
      [{ ok: true, wallTime: 300 }, 'laptop-farm'],
      [{ ok: true, wallTime: 3660 }, 'remote'],
    ]);
    expect(router.usage(sim.now)).toEqual({
      coreSeconds: 4 * 300 + 1 * 3660,
      gpuSeconds: 3660,
      wastedCoreSeconds: 0,
      wastedGpuSeconds: 0,
      cost: 0,
    });
  });

  it('never holds more than the local capacity under a random load, and does overflow', () => {
    const { sim, local, router } = world(300, 32);
    const rng = new RandomStreams(11).stream('test/load');
    let peak = 0;
    for (let i = 0, t = 0; i < 2000; i++) {
      t += -60 * Math.log(1 - rng.next());
      const cores = [1, 2, 4, 8, 16][Math.floor(rng.next() * 5)];
      const seconds = -600 * Math.log(1 - rng.next());
      sim.at(t, () =>
        runPayload(router, request(cores), cpuPayload(i, cores, seconds), () => {
          peak = Math.max(peak, local.usedCores);
        }),
      );
    }
    const check = () => {
      expect(local.usedCores).toBeLessThanOrEqual(32);
      expect(local.usedCores).toBeGreaterThanOrEqual(0);
      peak = Math.max(peak, local.usedCores);
      if (sim.pending > 0) sim.schedule(7, check);
    };
    sim.schedule(0, check);
    sim.run();
    expect(peak).toBe(32);
    expect(router.routing.overflowed).toBeGreaterThan(0);
    expect(router.routing.local - router.routing.overflowed).toBeGreaterThan(500);
    expect([router.queued, router.running, local.usedCores]).toEqual([0, 0, 0]);
  });
});
