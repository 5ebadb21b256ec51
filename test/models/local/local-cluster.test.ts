import { describe, expect, it } from 'vitest';
import { constant } from '../../../sim/distributions.ts';
import { Simulation } from '../../../sim/engine.ts';
import { RandomStreams } from '../../../sim/random.ts';
import { LocalCluster } from '../../../models/local/local-cluster.ts';
import type {
  Payload,
  PayloadOutcome,
  Worker,
  WorkerEvents,
  WorkerRequest,
} from '../../../models/provider/worker.ts';

const REQUEST: WorkerRequest = { queue: 'user', cores: 4, gpus: 0, nodes: 1, memoryMB: 8000, walltime: 1e9 };

function payload(id: number, cores: number, seconds: number): Payload {
  return { id, cpuWork: 10 * cores * seconds, gpuWork: 0, cores, gpus: 0, fixedTime: 0 };
}

function setup(cores = 8, costPerCoreHour = 0) {
  const sim = new Simulation();
  const cluster = new LocalCluster(sim, new RandomStreams(1), {
    name: 'lab',
    cores,
    startLatency: constant(2),
    costPerCoreHour,
  });
  const ended: string[] = [];
  const started: Worker[] = [];
  const events: WorkerEvents = {
    started: (w) => started.push(w),
    ended: (w, cause) => ended.push(`${w.id} ${w.status} ${cause} ${sim.now}`),
  };
  return { sim, cluster, events, ended, started };
}

describe('LocalCluster', () => {
  it('starts workers after the start latency while capacity lasts, then first-fit as it frees', () => {
    const { sim, cluster, events } = setup(8);
    const a = cluster.submit({ ...REQUEST, cores: 6 }, events);
    const b = cluster.submit({ ...REQUEST, cores: 4 }, events);
    const c = cluster.submit({ ...REQUEST, cores: 2 }, events);
    sim.run(10);
    expect([a.startedAt, b.startedAt, c.startedAt]).toEqual([2, undefined, 2]);
    expect([cluster.queued, cluster.running, cluster.usedCores]).toEqual([1, 2, 8]);
    sim.schedule(10, () => cluster.release(a));
    sim.run(1000);
    expect(b.startedAt).toBe(22);
    expect(cluster.usedCores).toBe(6);
  });

  it('runs payloads side by side within the worker, and release waits for them', () => {
    const { sim, cluster, events, ended } = setup();
    const outcomes: [number, PayloadOutcome][] = [];
    const worker = cluster.submit(REQUEST, {
      ...events,
      started: (w) => {
        cluster.run(w, payload(1, 2, 100), (o) => outcomes.push([sim.now, o]));
        cluster.run(w, payload(2, 2, 50), (o) => outcomes.push([sim.now, o]));
        expect(() => cluster.run(w, payload(3, 1, 1), () => {})).toThrow(RangeError);
        cluster.release(w);
        expect(() => cluster.run(w, payload(4, 1, 1), () => {})).toThrow(/released/);
      },
    });
    sim.run();
    expect(outcomes).toEqual([
      [52, { ok: true, wallTime: 50 }],
      [102, { ok: true, wallTime: 100 }],
    ]);
    expect(ended).toEqual(['1 finished undefined 102']);
    expect(worker.endedAt).toBe(102);
    expect(cluster.usage(sim.now).coreSeconds).toBe(4 * 100);
  });

  it('fails a payload at the walltime and counts its core-seconds as wasted', () => {
    const { sim, cluster, events, ended } = setup(8, 0.01);
    const outcomes: PayloadOutcome[] = [];
    cluster.submit(
      { ...REQUEST, walltime: 30 },
      { ...events, started: (w) => cluster.run(w, payload(1, 4, 100), (o) => outcomes.push(o)) },
    );
    sim.run();
    expect(outcomes).toEqual([{ ok: false, wallTime: 30, cause: 'walltime' }]);
    expect(ended).toEqual(['1 failed walltime 32']);
    expect(cluster.usage(sim.now)).toEqual({
      coreSeconds: 120,
      gpuSeconds: 0,
      wastedCoreSeconds: 120,
      wastedGpuSeconds: 0,
      cost: (120 * 0.01) / 3600,
    });
  });

  it('kills a waiting worker without it ever holding cores, and refuses what can never fit', () => {
    const { sim, cluster, events, ended } = setup(4);
    const a = cluster.submit(REQUEST, events);
    const b = cluster.submit(REQUEST, events);
    cluster.submit({ ...REQUEST, gpus: 1 }, events);
    sim.schedule(5, () => cluster.kill(b));
    sim.schedule(6, () => cluster.kill(b)); // a second kill does nothing
    sim.run(100);
    expect(ended).toEqual(['3 missed submission-failed 0', '2 cancelled cancelled 5']);
    expect(a.status).toBe('running');
    expect(cluster.usage(100).coreSeconds).toBe(4 * 98);
  });
});
