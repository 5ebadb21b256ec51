/**
 * What a run measures: job counts per class, busy counters per resource, CPU/GPU and wasted hours from
 * attempts, the time-weighted share of the executing HS06, and the seeded reservoir of waits.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../sim/engine.ts';
import { RandomStreams } from '../../sim/random.ts';
import { RunMetrics, SAMPLE_SIZE, type AttemptRecord } from '../../scenarios/world/metrics.ts';

const CPU = 'workflow:wf/sim';
const GPU = 'workflow:wf/gan';

function metrics(seed: number | string = 1, shares: readonly string[] = ['A', 'B']) {
  const sim = new Simulation();
  const m = new RunMetrics(sim, new RandomStreams(seed).stream('metrics/waits'), ['GRID', 'LCF'], shares);
  return { sim, m };
}

function attempt(a: Partial<AttemptRecord> & Pick<AttemptRecord, 'jobClass' | 'resource'>): AttemptRecord {
  return { ok: true, retried: false, wait: 60, run: 3600, cores: 8, gpus: 0, ...a };
}

describe('RunMetrics job counts and hours', () => {
  it('counts created, finished, failed, retried, cancelled and failure causes per class', () => {
    const { m } = metrics();
    for (let i = 0; i < 4; i++) m.jobCreated(CPU);
    // Job 1 succeeds; job 2 fails once (retried) then succeeds; job 3 never starts and fails for good;
    // job 4 is cancelled.
    m.started('GRID', 0, 8);
    m.attemptEnded(attempt({ jobClass: CPU, resource: 'GRID', wait: 100, run: 3600 }));
    m.started('GRID', 0, 8);
    m.attemptEnded(
      attempt({
        jobClass: CPU,
        resource: 'GRID',
        ok: false,
        retried: true,
        wait: 50,
        run: 1800,
        cause: 'payload',
      }),
    );
    m.started('GRID', 0, 8);
    m.attemptEnded(attempt({ jobClass: CPU, resource: 'GRID', wait: 20, run: 3600 }));
    m.attemptEnded(attempt({ jobClass: CPU, resource: 'GRID', ok: false, wait: Number.NaN, run: 0 }));
    m.jobCancelled(CPU);

    const [c] = m.jobClasses(() => 7);
    expect(c.name).toBe(CPU);
    expect(c.counts).toEqual({ created: 4, finished: 2, failed: 1, cancelled: 1, live: 7, retried: 1 });
    expect(c.failures).toEqual({ payload: 1, unknown: 1 });
    // 3600 + 1800 + 3600 s on 8 cores; the failed 1800 s wasted.
    expect(c.cpuHours).toBe(20);
    expect(c.wastedCoreHours).toBe(4);
    expect(c.gpuHours).toBe(0);
    // Waits of the three attempts that started; run times of the two that finished.
    expect(c.wait.count).toBe(3);
    expect(c.wait.max).toBeCloseTo(100, 0);
    expect(c.run.count).toBe(2);
    // Nothing staged in: no figure at all, not a stage-in of 0 s.
    expect(c.stageIn).toEqual({ count: 0, mean: null, p50: null, p90: null, p99: null, max: null });
    expect(m.resource('GRID')).toEqual({
      running: 0,
      coresBusy: 0,
      gpusBusy: 0,
      finished: 2,
      failed: 2,
      coreSeconds: 72_000,
      gpuSeconds: 0,
    });
  });

  it('GPU hours and wasted GPU hours from GPU attempts; classes listed by name', () => {
    const { m } = metrics();
    m.jobCreated(GPU);
    m.jobCreated(CPU);
    m.started('LCF', 1, 8);
    m.attemptEnded(attempt({ jobClass: GPU, resource: 'LCF', gpus: 1, run: 7200 }));
    m.started('LCF', 1, 8);
    m.attemptEnded(
      attempt({ jobClass: GPU, resource: 'LCF', gpus: 1, run: 3600, ok: false, cause: 'walltime' }),
    );
    const classes = m.jobClasses(() => 0);
    expect(classes.map((c) => c.name)).toEqual([GPU, CPU]);
    expect(classes[0]).toMatchObject({
      gpuHours: 3,
      cpuHours: 24,
      wastedGpuHours: 1,
      wastedCoreHours: 8,
      failures: { walltime: 1 },
    });
    expect(classes[0].counts).toMatchObject({ created: 1, finished: 1, failed: 1, retried: 0 });
    expect(classes[1].counts).toMatchObject({ created: 1, finished: 0, failed: 0 });
    expect(m.resource('LCF')).toMatchObject({
      coreSeconds: 86_400,
      gpuSeconds: 10_800,
      finished: 1,
      failed: 1,
    });
  });

  it('running, busy cores and busy GPUs go up at start and down at the end, sampled over time', () => {
    const { sim, m } = metrics();
    sim.at(10, () => {
      m.started('GRID', 0, 8);
      m.started('GRID', 0, 1);
      m.started('LCF', 4, 32);
    });
    sim.at(20, () => m.sample());
    sim.at(30, () => m.attemptEnded(attempt({ jobClass: CPU, resource: 'GRID', cores: 8 })));
    sim.at(40, () => m.sample());
    sim.at(50, () => m.attemptEnded(attempt({ jobClass: GPU, resource: 'LCF', cores: 32, gpus: 4 })));
    sim.at(60, () => m.sample());
    sim.run();
    expect(m.resource('GRID')).toMatchObject({ running: 1, coresBusy: 1, gpusBusy: 0 });
    expect(m.resource('LCF')).toMatchObject({ running: 0, coresBusy: 0, gpusBusy: 0 });
    expect(m.runningJobs()).toEqual({ t: [20, 40, 60], series: { GRID: [2, 1, 1], LCF: [1, 1, 0] } });
    expect(m.gpusBusy()).toEqual({ t: [20, 40, 60], series: { GRID: [0, 0, 0], LCF: [4, 4, 0] } });
    expect(() => m.started('NOWHERE', 0, 1)).toThrow('metrics: unknown resource NOWHERE');
  });
});

describe('RunMetrics shares', () => {
  it('time-weights each share’s executing HS06, and samples its instantaneous fraction', () => {
    const { sim, m } = metrics();
    expect(m.achievedShares()).toEqual(
      new Map([
        ['A', 0],
        ['B', 0],
      ]),
    );
    // A holds 300 HS06 over [100, 400), B 200 over [300, 500): integrals 90,000 and 40,000.
    sim.at(100, () => m.shareUsage('A', 300));
    sim.at(300, () => m.shareUsage('B', 200));
    sim.at(400, () => m.shareUsage('A', 0));
    for (const t of [50, 250, 350, 450]) sim.at(t, () => m.sample());
    sim.run(500);
    const achieved = m.achievedShares();
    expect(achieved.get('A')).toBeCloseTo(9 / 13, 12);
    expect(achieved.get('B')).toBeCloseTo(4 / 13, 12);
    expect(m.shareSeriesSummary()).toEqual({
      t: [50, 250, 350, 450],
      series: { A: [0, 1, 0.6, 0], B: [0, 0, 0.4, 1] },
    });
    // Only the time up to now counts: at 350 A had 75,000 and B 10,000.
    const early = metrics();
    early.sim.at(100, () => early.m.shareUsage('A', 300));
    early.sim.at(300, () => early.m.shareUsage('B', 200));
    early.sim.run(350);
    expect(early.m.achievedShares().get('A')).toBeCloseTo(75_000 / 85_000, 12);
  });
});

describe('RunMetrics wait reservoir', () => {
  function feed(seed: number | string, n: number): number[] {
    const { m } = metrics(seed);
    for (let i = 0; i < n; i++) {
      m.started('GRID', 0, 1);
      m.attemptEnded(attempt({ jobClass: CPU, resource: 'GRID', wait: i, cores: 1 }));
    }
    expect(m.jobClasses(() => 0)[0].wait.count).toBe(n);
    return m.waitSamples()[CPU];
  }

  it('keeps every wait while fewer than SAMPLE_SIZE, sorted', () => {
    expect(feed(1, 1500)).toEqual(Array.from({ length: 1500 }, (_, i) => i));
  });

  it('keeps SAMPLE_SIZE distinct waits of many, the same for the same seed', () => {
    const sample = feed(11, 5000);
    expect(SAMPLE_SIZE).toBe(2000);
    expect(sample).toHaveLength(SAMPLE_SIZE);
    expect(new Set(sample).size).toBe(SAMPLE_SIZE);
    expect(
      sample.every((w, i) => Number.isInteger(w) && w >= 0 && w < 5000 && (i === 0 || w > sample[i - 1])),
    ).toBe(true);
    expect(feed(11, 5000)).toEqual(sample);
    expect(feed(12, 5000)).not.toEqual(sample);
    // Every wait equally likely to be kept: 2000 of 0..4999 without replacement have mean 2499.5
    // (sd 25.0) and 1000 of them (sd 17.3) in the upper half; 5 sd.
    const mean = sample.reduce((a, b) => a + b, 0) / SAMPLE_SIZE;
    expect(Math.abs(mean - 2499.5)).toBeLessThan(125);
    expect(Math.abs(sample.filter((w) => w >= 2500).length - 1000)).toBeLessThan(87);
    // The first waits are not favoured: about 2000/5000 of the first 1000 survive (sd 13.9).
    expect(Math.abs(sample.filter((w) => w < 1000).length - 400)).toBeLessThan(69);
  });
});
