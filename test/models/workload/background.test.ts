import { describe, expect, it } from 'vitest';
import type { SiteSpec } from '@pandasim/panda';
import { constant, uniform } from '../../../sim/distributions.ts';
import { Simulation } from '../../../sim/engine.ts';
import { RandomStreams } from '../../../sim/random.ts';
import type { BackgroundLoad as BackgroundLoadSpec } from '../../../scenarios/scenario.ts';
import { BackgroundLoad, type TaskSink } from '../../../models/workload/background.ts';
import type { JediTaskHandle, JediTaskInput } from '../../../models/jedi/jedi-task.ts';
import { FakeExecutor, lab, ANALYSIS, PROD, QUEUES, world } from '../jedi/jedi-world.ts';

function load(gshare: string, extra: Partial<BackgroundLoadSpec> = {}): BackgroundLoadSpec {
  return {
    gshare,
    prodSourceLabel: 'managed',
    taskRate: 1 / 100,
    jobsPerTask: uniform({ min: 1, max: 40 }),
    cpuPerJob: uniform({ min: 1000, max: 9000 }),
    coreCount: 8,
    ramMB: 16000,
    walltime: 86400,
    inputBytesPerJob: 1e9,
    outputBytesPerJob: 1e8,
    priority: 600,
    users: 5,
    ...extra,
  };
}

const MCORE_QUEUE: SiteSpec = { ...world().queues[0], sitename: 'M', coreCount: 8 };

interface Arrival {
  at: number;
  task: JediTaskInput;
  /** Every job's payload at an 8-core queue. */
  cpu: number[];
  cores: number[];
}

/** A JEDI stand-in that records what arrives. */
function sink(sim: Simulation) {
  const arrivals: Arrival[] = [];
  let id = 0;
  const jedi: TaskSink = {
    nextTaskID: () => ++id,
    submit: (task) => {
      const payloads = Array.from({ length: task.nJobs }, (_, i) => task.payload(i, MCORE_QUEUE));
      arrivals.push({
        at: sim.now,
        task,
        cpu: payloads.map((p) => p.cpuWork),
        cores: payloads.map((p) => p.cores),
      });
      return { jediTaskID: task.spec.jediTaskID } as JediTaskHandle;
    },
  };
  return { jedi, arrivals };
}

function run(seed: number, specs: BackgroundLoadSpec[], start: number, stop: number, horizon = stop) {
  const sim = new Simulation();
  const { jedi, arrivals } = sink(sim);
  const bg = new BackgroundLoad(sim, new RandomStreams(seed), { jedi, specs, start, stop });
  sim.run(horizon);
  return { arrivals, bg };
}

/** Smallest k with P(X ≤ k) ≥ p for X ~ Poisson(mu). */
function poissonQuantile(mu: number, p: number): number {
  let logPmf = -mu;
  let cdf = Math.exp(logPmf);
  let k = 0;
  while (cdf < p) {
    k++;
    logPmf += Math.log(mu / k);
    cdf += Math.exp(logPmf);
  }
  return k;
}

describe('background arrivals', () => {
  it('submits a Poisson number of tasks within the 99 % interval, only between start and stop', () => {
    const start = 1000;
    const stop = start + 500_000;
    const { arrivals, bg } = run(3, [load(PROD, { jobsPerTask: constant(2) })], start, stop, stop + 10_000);
    const mu = (stop - start) / 100;
    expect(arrivals.length).toBeGreaterThanOrEqual(poissonQuantile(mu, 0.005));
    expect(arrivals.length).toBeLessThanOrEqual(poissonQuantile(mu, 0.995));
    expect(poissonQuantile(mu, 0.005)).toBe(4819);
    expect(bg.submitted).toBe(arrivals.length);
    expect(bg.submittedFor(PROD)).toBe(arrivals.length);
    expect(arrivals[0].at).toBeGreaterThan(start);
    expect(arrivals[arrivals.length - 1].at).toBeLessThan(stop);
    // Inter-arrival gaps are exponential: their coefficient of variation is 1.
    const gaps = arrivals.slice(1).map((a, i) => a.at - arrivals[i].at);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / (gaps.length - 1));
    expect(sd / mean).toBeGreaterThan(0.95);
    expect(sd / mean).toBeLessThan(1.05);
  });

  it('sees the same tasks at the same times under the same seed, whatever other loads draw', () => {
    const specs = [load(PROD), load(ANALYSIS, { prodSourceLabel: 'user', taskRate: 1 / 37 })];
    const a = run(5, specs, 0, 200_000);
    const b = run(5, specs, 0, 200_000);
    const prodOnly = run(5, [specs[0]], 0, 200_000);
    const view = (xs: Arrival[], gshare: string) =>
      xs
        .filter((x) => x.task.spec.gshare === gshare)
        .map((x) => ({ at: x.at, nJobs: x.task.nJobs, owner: x.task.owner, cpu: x.cpu }));
    expect(view(b.arrivals, PROD)).toEqual(view(a.arrivals, PROD));
    expect(view(b.arrivals, ANALYSIS)).toEqual(view(a.arrivals, ANALYSIS));
    expect(view(prodOnly.arrivals, PROD)).toEqual(view(a.arrivals, PROD));
    expect(view(run(6, specs, 0, 200_000).arrivals, PROD)).not.toEqual(view(a.arrivals, PROD));
  });

  it('makes tasks from the spec: jobs, owners among the users, work per job, job class', () => {
    const { arrivals } = run(8, [load(ANALYSIS, { prodSourceLabel: 'user' })], 0, 100_000);
    const owners = new Set(arrivals.map((a) => a.task.owner));
    expect(owners).toEqual(new Set([0, 1, 2, 3, 4].map((u) => `background/${ANALYSIS}/user${u}`)));
    for (const { task, cpu, cores } of arrivals) {
      expect(task.jobClass).toBe(`background:${ANALYSIS}`);
      expect(task.nJobs).toBeGreaterThanOrEqual(1);
      expect(task.nJobs).toBeLessThanOrEqual(40);
      expect(cpu.every((w) => w >= 1000 && w <= 9000)).toBe(true);
      expect(cores.every((c) => c === 8)).toBe(true);
      expect(task.spec).toMatchObject({
        prodSourceLabel: 'user',
        gshare: ANALYSIS,
        currentPriority: 600,
        coreCount: 8,
        ramCount: 16000,
        ramUnit: 'MB',
        maxWalltime: 86400,
        cpuTime: 5000,
        userName: task.owner,
      });
      expect(task.inputBytesPerJob).toBe(1e9);
      expect(task.outputBytesPerJob).toBe(1e8);
    }
    const ids = arrivals.map((a) => a.task.spec.jediTaskID);
    expect(new Set(ids).size).toBe(ids.length);
    // The same job asked twice has the same work (drawn once, at arrival).
    expect(arrivals[0].task.payload(0, MCORE_QUEUE).cpuWork).toBe(arrivals[0].cpu[0]);
  });

  it('refuses two loads of one share', () => {
    const sim = new Simulation();
    expect(
      () =>
        new BackgroundLoad(sim, new RandomStreams(1), {
          jedi: sink(sim).jedi,
          specs: [load(PROD), load(PROD)],
        }),
    ).toThrow('two loads for gshare "Prod"');
  });
});

describe('background load through JEDI', () => {
  it('runs every task it submits to the end on the queues of the world', () => {
    const l = lab(12);
    new FakeExecutor(l.sim, l.server);
    const tasks: JediTaskHandle[] = [];
    const bg = new BackgroundLoad(l.sim, new RandomStreams(12), {
      jedi: l.jedi,
      specs: [
        load(PROD, { taskRate: 1 / 1800, coreCount: 1, ramMB: 2000, jobsPerTask: constant(12) }),
        load(ANALYSIS, { prodSourceLabel: 'user', taskRate: 1 / 3600, coreCount: 1, ramMB: 2000 }),
      ],
      stop: 4 * 3600,
      onTask: (t) => tasks.push(t),
    });
    l.sim.run(24 * 3600);
    expect(tasks.length).toBe(bg.submitted);
    expect(bg.submittedFor(PROD)).toBeGreaterThan(0);
    expect(bg.submittedFor(ANALYSIS)).toBeGreaterThan(0);
    for (const t of tasks) {
      expect(t.status).toBe('done');
      expect(t.counters).toMatchObject({ generated: t.nJobs, finished: t.nJobs, live: 0 });
      expect(t.jobClass).toBe(`background:${t.spec.gshare}`);
      expect([...t.jobsPerSite.keys()].every((q) => (QUEUES as readonly string[]).includes(q))).toBe(true);
    }
    expect(l.jedi.activeTasks).toBe(0);
    expect(l.server.size).toBe(0);
  });
});
