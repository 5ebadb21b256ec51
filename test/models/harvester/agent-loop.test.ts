import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../sim/engine.ts';
import { RandomStreams } from '../../../sim/random.ts';
import { AgentLoop, sleepDuration } from '../../../models/harvester/agent-loop.ts';
import { DueList } from '../../../models/harvester/due-list.ts';
import {
  DEPLOYMENT_LATENCY,
  FIFO_MONITOR,
  HARVESTER_DEFAULTS,
  harvesterParams,
} from '../../../models/harvester/harvester-params.ts';

describe('sleepDuration', () => {
  it('draws whole seconds uniformly from [0.4 T, 1.4 T] as core_utils.sleep does, or exactly T', () => {
    const rng = new RandomStreams(11).stream('sleep');
    const params = { nThreads: 1, sleepTime: 60, randomizeSleep: true };
    const counts = new Map<number, number>();
    const n = 61_000;
    for (let i = 0; i < n; i++) {
      const s = sleepDuration(params, rng);
      counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 61 }, (_, i) => 24 + i));
    // 1000 expected per value; binomial sd ≈ 31.
    for (const count of counts.values()) expect(Math.abs(count - 1000)).toBeLessThan(130);
    expect(sleepDuration({ ...params, randomizeSleep: false }, rng)).toBe(60);
  });
});

describe('AgentLoop', () => {
  it('runs nThreads threads from their first wake, each every sleepTime, until stopped', () => {
    const sim = new Simulation();
    const wakes: number[] = [];
    const loop = new AgentLoop(
      sim,
      new RandomStreams(1).stream('loop'),
      { nThreads: 3, sleepTime: 60, randomizeSleep: false, firstWake: 5 },
      () => wakes.push(sim.now),
    );
    sim.run(200);
    expect(wakes).toEqual([5, 5, 5, 65, 65, 65, 125, 125, 125, 185, 185, 185]);
    loop.stop();
    sim.run(400);
    expect(wakes).toHaveLength(12);
  });

  it('draws each thread its own first wake in [0, sleepTime) when none is given', () => {
    const sim = new Simulation();
    const wakes: number[] = [];
    new AgentLoop(
      sim,
      new RandomStreams(2).stream('loop'),
      { nThreads: 50, sleepTime: 60, randomizeSleep: false },
      () => wakes.push(sim.now),
    );
    sim.run(59.999);
    expect(wakes).toHaveLength(50);
    expect(new Set(wakes).size).toBe(50);
  });
});

describe('harvesterParams', () => {
  it('takes the template defaults and the latencies of the deployment, overridable', () => {
    const remote = harvesterParams();
    expect(remote.latency).toEqual(DEPLOYMENT_LATENCY.remote);
    expect(remote.monitor).toEqual(HARVESTER_DEFAULTS.monitor);
    expect(remote.propagator.updateInterval).toBe(1800);
    const local = harvesterParams({ deployment: 'local', latency: { server: 2 }, monitor: FIFO_MONITOR });
    expect(local.latency).toEqual({ server: 2, provider: DEPLOYMENT_LATENCY.local.provider });
    expect(local.monitor).toMatchObject({ sleepTime: 15, checkInterval: 120, nThreads: 3 });
  });

  it('refuses knobs that would stall or break a loop', () => {
    expect(() => harvesterParams({ submitter: { sleepTime: 2 } })).toThrow(
      /harvester submitter: .*sleepTime must be >= 3 s/,
    );
    expect(() => harvesterParams({ monitor: { nThreads: 0 } })).toThrow(
      /harvester monitor: nThreads must be a whole number >= 1/,
    );
    expect(() => harvesterParams({ latency: { provider: -1 } })).toThrow(
      /latency.provider must be a finite number >= 0/,
    );
    expect(() => harvesterParams({ propagator: { updateInterval: -5 } })).toThrow(
      /updateInterval must be >= 0/,
    );
  });
});

describe('DueList', () => {
  it('gives triggered rows first, then rows whose time has come, oldest first, up to a maximum', () => {
    const list = new DueList<string>();
    list.schedule('b', 20);
    list.schedule('a', 10);
    list.schedule('c', 30);
    list.trigger('x');
    expect(list.take(5, 10)).toEqual(['x']);
    expect(list.take(25, 1)).toEqual(['a']);
    expect(list.take(25, 10)).toEqual(['b']);
    expect(list.take(30, 10)).toEqual(['c']);
    expect(list.take(1e9, 10)).toEqual([]);
  });

  it('keeps one entry per row: a later push replaces the earlier one, and a removed row is skipped', () => {
    const list = new DueList<string>();
    list.schedule('a', 10);
    list.schedule('b', 10);
    list.trigger('a');
    list.remove('b');
    expect(list.take(100, 10)).toEqual(['a']);
    list.trigger('c');
    list.schedule('c', 50);
    expect(list.take(40, 10)).toEqual([]);
    expect(list.take(50, 10)).toEqual(['c']);
  });

  it('counts a row as due within a microsecond of float error', () => {
    const list = new DueList<string>();
    list.schedule('a', 0.2 + 60 * 3);
    expect(list.take(180.19999999999, 1)).toEqual(['a']);
  });
});
