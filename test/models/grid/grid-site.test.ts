/**
 * The grid site model against what it is calibrated on: utilisation = offered load λ·E[S]/c (Little's law
 * over the slots) under Poisson pilots, overheads that add up exactly, walltime kills, HS06 scaling, failure
 * probabilities within binomial intervals, downtimes in both modes and the offline fraction of random outages.
 */
import { describe, expect, it } from 'vitest';
import { constant, exponential, lognormal, type Distribution } from '../../../sim/distributions.ts';
import { Simulation } from '../../../sim/engine.ts';
import { RandomStreams } from '../../../sim/random.ts';
import { batchMeansInterval, meanConfidenceInterval } from '../../../sim/stats/confidence.ts';
import { normalQuantile } from '../../../sim/stats/normal.ts';
import { HTCONDOR, SLURM } from '../../../models/grid/batch-systems.ts';
import { randomDowntimeFraction } from '../../../models/grid/downtime.ts';
import { GridSite } from '../../../models/grid/grid-site.ts';
import { gridSiteParams, type GridSiteParams } from '../../../models/grid/site-params.ts';
import type { FailureCause, Payload, Worker, WorkerRequest } from '../../../models/provider/worker.ts';
import { submitOnePayload, type OnePayloadLog } from '../provider/one-payload-worker.ts';

const HS06 = 10;
const CORES = 8;

/** A site with every overhead, failure and outage switched off; tests switch on what they check. */
function quietSite(overrides: Partial<GridSiteParams> = {}): GridSiteParams {
  return gridSiteParams({
    name: 'TEST',
    batchSystem: { ...SLURM, submitLatency: constant(0) },
    slots: 10,
    coresPerSlot: CORES,
    hs06PerCore: HS06,
    queueWait: constant(0),
    pilotStartup: constant(0),
    stageIn: constant(0),
    stageOut: constant(0),
    payloadFailureProbability: 0,
    workerLossProbability: 0,
    randomDowntime: undefined,
    ...overrides,
  });
}

const request = (walltime = 86_400): WorkerRequest => ({
  queue: 'TEST',
  cores: CORES,
  gpus: 0,
  nodes: 1,
  memoryMB: 8000,
  walltime,
});

/** A payload that computes `seconds` on 8 cores of the reference power. */
const payload = (id: number, seconds: number, hs06 = HS06): Payload => ({
  id,
  cpuWork: seconds * CORES * hs06,
  gpuWork: 0,
  cores: CORES,
  gpus: 0,
  fixedTime: 0,
});

/** Submits a pilot that runs one payload when it starts and releases itself when the payload ends. */
const pilot = (sim: Simulation, site: GridSite, work: Payload, walltime?: number): OnePayloadLog =>
  submitOnePayload(sim, site, request(walltime), () => work);

describe('GridSite utilisation under Poisson pilots', () => {
  // Each pilot holds its slot exactly for its payload, so in steady state the mean number of busy slots is
  // λ·E[S] (Little's law) and the utilisation is ρ = λ·E[S]/c, whatever the queue wait and the matching.
  function utilisation(rho: number, seed: number) {
    const slots = 100;
    const meanPayload = 3600;
    const sim = new Simulation();
    const streams = new RandomStreams(seed);
    const site = new GridSite(
      sim,
      streams,
      quietSite({ slots, batchSystem: HTCONDOR, queueWait: lognormal({ median: 900, sigma: 1.2 }) }),
    );
    const arrivals = streams.stream('test/arrivals');
    const runtimes = streams.stream('test/runtimes');
    const interArrival = exponential({ mean: meanPayload / (rho * slots) });
    const runtime = exponential({ mean: meanPayload });
    let id = 0;
    const arrive = (): void => {
      pilot(sim, site, payload(++id, runtime.sample(runtimes)));
      sim.schedule(interArrival.sample(arrivals), arrive);
    };
    sim.schedule(interArrival.sample(arrivals), arrive);

    const warmup = 50 * 3600;
    const batch = 100 * 3600;
    const batches = 20;
    sim.run(warmup);
    let before = site.usage(sim.now).coreSeconds;
    const means: number[] = [];
    for (let b = 1; b <= batches; b++) {
      sim.run(warmup + b * batch);
      const after = site.usage(sim.now).coreSeconds;
      means.push((after - before) / (batch * slots * CORES));
      before = after;
    }
    return batchMeansInterval(means, batches, 0.99);
  }

  for (const [rho, seed] of [
    [0.7, 1],
    [0.9, 2],
  ]) {
    it(`reproduces ρ = ${rho} within a 99% batch-means interval`, () => {
      const interval = utilisation(rho, seed);
      expect(interval.lower).toBeLessThanOrEqual(rho);
      expect(interval.upper).toBeGreaterThanOrEqual(rho);
      expect(interval.halfWidth).toBeLessThan(0.02);
    });
  }
});

describe('GridSite timing', () => {
  it('adds wait, start-up, stage-in, compute and stage-out exactly', () => {
    const sim = new Simulation();
    const site = new GridSite(
      sim,
      new RandomStreams(1),
      quietSite({
        queueWait: constant(900),
        pilotStartup: constant(60),
        stageIn: constant(45),
        stageOut: constant(120),
      }),
    );
    let pilotLog: OnePayloadLog | undefined;
    sim.schedule(100, () => (pilotLog = pilot(sim, site, payload(1, 3000))));
    sim.run(1e6);
    const log = pilotLog!;
    expect(log.startedAt).toBe(100 + 900 + 60);
    expect(log.outcome).toEqual({ ok: true, wallTime: 45 + 3000 + 120 });
    expect(log.doneAt).toBe(100 + 900 + 60 + 45 + 3000 + 120);
    expect(log.worker.startedAt).toBe(1000);
    expect(log.worker.status).toBe('finished');
    expect(log.cause).toBeUndefined();
    // The slot was held from 1000 to the payload's end, on 8 cores.
    expect(site.usage(sim.now).coreSeconds).toBe(CORES * (60 + 45 + 3000 + 120));
  });

  it('starts an HTCondor pilot at the next negotiation cycle after its wait', () => {
    const sim = new Simulation();
    const site = new GridSite(
      sim,
      new RandomStreams(1),
      quietSite({ batchSystem: { ...HTCONDOR, submitLatency: constant(0) }, queueWait: constant(930) }),
    );
    const log = pilot(sim, site, payload(1, 10));
    sim.run(1e5);
    expect(log.startedAt).toBe(960);
  });

  it('starts waiting pilots as slots free up, earliest ready first', () => {
    const sim = new Simulation();
    const site = new GridSite(sim, new RandomStreams(1), quietSite({ slots: 2 }));
    const logs = [1000, 2000, 500, 700].map((seconds, i) => pilot(sim, site, payload(i, seconds)));
    expect(site.queued).toBe(4);
    sim.run(0);
    expect([site.queued, site.running]).toEqual([2, 2]);
    sim.run(1e5);
    // Slots: 1000 s and 2000 s start at 0; the 500 s payload takes the first free slot at 1000, the 700 s
    // one the next at 1500.
    expect(logs.map((log) => log.startedAt)).toEqual([0, 0, 1000, 1500]);
    expect([site.queued, site.running, site.busyCores]).toEqual([0, 0, 0]);
  });

  it('runs the same payload in cpuWork / (cores · corepower)', () => {
    const work = 36_000 * CORES * HS06;
    for (const hs06 of [10, 20, 12.5]) {
      const sim = new Simulation();
      const site = new GridSite(sim, new RandomStreams(1), quietSite({ hs06PerCore: hs06 }));
      const log = pilot(sim, site, { ...payload(1, 0), cpuWork: work });
      sim.run(1e6);
      expect(log.outcome).toEqual({ ok: true, wallTime: work / (CORES * hs06) });
    }
  });
});

describe('GridSite walltime', () => {
  function attempt(seconds: number, walltime: number, maxWalltime = 172_800) {
    const sim = new Simulation();
    const site = new GridSite(sim, new RandomStreams(1), quietSite({ maxWalltime }));
    const log = pilot(sim, site, payload(1, seconds), walltime);
    sim.run(1e7);
    return log;
  }

  it('lets work that fits finish, up to exactly the walltime', () => {
    const inside = attempt(3599, 3600);
    expect(inside.outcome).toEqual({ ok: true, wallTime: 3599 });
    expect(inside.worker.status).toBe('finished');
    // A payload that ends at the very instant the walltime does completes, and the pilot, released by its
    // owner at that instant, exits normally before the batch system's kill (worker.ts: walltime).
    const exact = attempt(3600, 3600);
    expect(exact.outcome).toEqual({ ok: true, wallTime: 3600 });
    expect([exact.worker.status, exact.cause, exact.endedAt]).toEqual(['finished', undefined, 3600]);
  });

  it('kills work that exceeds it at the walltime, with cause walltime', () => {
    const log = attempt(3601, 3600);
    expect(log.outcome).toEqual({ ok: false, wallTime: 3600, cause: 'walltime' });
    expect(log.endedAt).toBe(3600);
    expect(log.cause).toBe('walltime');
    expect(log.worker.status).toBe('failed');
  });

  it('cuts a request above the site maximum to the maximum', () => {
    const log = attempt(5000, 86_400, 4000);
    expect(log.outcome).toEqual({ ok: false, wallTime: 4000, cause: 'walltime' });
  });
});

describe('GridSite failures', () => {
  // The count of failures among n independent attempts is binomial(n, p): it must lie within
  // p ± z·sqrt(p(1−p)/n), z for 99.9% two-sided.
  const z = normalQuantile(0.9995);

  it('fails payload attempts with the configured probability, at a uniform point of the run', () => {
    const p = 0.08;
    const n = 20_000;
    const sim = new Simulation();
    const site = new GridSite(
      sim,
      new RandomStreams(3),
      quietSite({ slots: 1, payloadFailureProbability: p, maxWalltime: 1e9 }),
    );
    let failures = 0;
    let wasted = 0;
    const fractions: number[] = [];
    let done = 0;
    const runNext = (worker: Worker): void => {
      site.run(worker, payload(done, 1000), (outcome) => {
        if (!outcome.ok) {
          expect(outcome.cause).toBe('payload-error');
          failures++;
          wasted += CORES * outcome.wallTime;
          fractions.push(outcome.wallTime / 1000);
        }
        if (++done < n) runNext(worker);
        else site.release(worker);
      });
    };
    site.submit(request(1e9), { started: runNext, ended: () => {} });
    sim.run();
    expect(done).toBe(n);
    expect(Math.abs(failures / n - p)).toBeLessThan(z * Math.sqrt((p * (1 - p)) / n));
    // A uniform point of the run: mean 1/2, standard deviation sqrt(1/12).
    const fraction = meanConfidenceInterval(fractions, 0.999);
    expect(fraction.lower).toBeLessThan(0.5);
    expect(fraction.upper).toBeGreaterThan(0.5);
    expect(site.usage(sim.now).wastedCoreSeconds).toBeCloseTo(wasted, 6);
  });

  it('loses started workers with the configured probability', () => {
    const p = 0.3;
    const n = 4000;
    const sim = new Simulation();
    const site = new GridSite(sim, new RandomStreams(4), quietSite({ slots: 50, workerLossProbability: p }));
    const logs: OnePayloadLog[] = [];
    // Payloads longer than the walltime: every worker lives its whole walltime unless it is lost.
    for (let i = 0; i < n; i++) logs.push(pilot(sim, site, payload(i, 2000), 1000));
    sim.run();
    const lost = logs.filter((log) => log.cause === 'node-failure').length;
    expect(logs.filter((log) => log.cause === 'walltime').length).toBe(n - lost);
    expect(Math.abs(lost / n - p)).toBeLessThan(z * Math.sqrt((p * (1 - p)) / n));
  });
});

describe('GridSite downtimes', () => {
  function downtimeRun(mode: 'lost' | 'drain') {
    const sim = new Simulation();
    const site = new GridSite(
      sim,
      new RandomStreams(1),
      quietSite({ scheduledDowntimes: [[1000, 5000]], downtimeMode: mode }),
    );
    const changes: [number, boolean][] = [];
    site.onOnlineChange((online) => changes.push([sim.now, online]));
    const early = pilot(sim, site, payload(1, 2000));
    let late: OnePayloadLog | undefined;
    sim.schedule(1500, () => {
      expect(site.online).toBe(false);
      late = pilot(sim, site, payload(2, 100));
    });
    sim.run(1e5);
    return { early, late: late!, changes };
  }

  it('keeps new workers waiting until the site is back online', () => {
    const { late, changes } = downtimeRun('drain');
    expect(changes).toEqual([
      [1000, false],
      [5000, true],
    ]);
    expect(late.startedAt).toBe(5000);
    expect(late.outcome).toEqual({ ok: true, wallTime: 100 });
  });

  it("fails running payloads with cause site-downtime in 'lost' mode", () => {
    const { early } = downtimeRun('lost');
    expect(early.outcome).toEqual({ ok: false, wallTime: 1000, cause: 'site-downtime' });
    expect(early.cause).toBe('site-downtime');
    expect(early.endedAt).toBe(1000);
  });

  it("lets running payloads finish in 'drain' mode", () => {
    const { early } = downtimeRun('drain');
    expect(early.outcome).toEqual({ ok: true, wallTime: 2000 });
    expect(early.doneAt).toBe(2000);
  });

  it('is offline E[duration] / (E[between] + E[duration]) of the time under random outages', () => {
    const random = {
      between: exponential({ mean: 5 * 86_400 }) as Distribution,
      duration: lognormal({ median: 6 * 3600, sigma: 1 }),
    };
    const expected = randomDowntimeFraction(random);
    const horizon = 2000 * 86_400;
    const fractions = Array.from({ length: 40 }, (_, i) => i + 1).map((seed) => {
      const sim = new Simulation();
      const site = new GridSite(sim, new RandomStreams(seed), quietSite({ randomDowntime: random }));
      let offline = 0;
      let since = 0;
      site.onOnlineChange((online) => {
        if (online) offline += sim.now - since;
        else since = sim.now;
      });
      sim.run(horizon);
      if (!site.online) offline += horizon - since;
      return offline / horizon;
    });
    const interval = meanConfidenceInterval(fractions, 0.99);
    expect(interval.lower).toBeLessThanOrEqual(expected);
    expect(interval.upper).toBeGreaterThanOrEqual(expected);
    expect(interval.halfWidth).toBeLessThan(0.2 * expected);
  });
});

describe('GridSite submissions', () => {
  it('refuses a worker that does not fit a slot, with the reason', () => {
    const sim = new Simulation();
    const site = new GridSite(sim, new RandomStreams(1), quietSite());
    const ended: (FailureCause | undefined)[] = [];
    const worker = site.submit(
      { ...request(), cores: 16 },
      { started: () => {}, ended: (_w, cause) => ended.push(cause) },
    );
    // Missed at once, so a kill before the owner hears of it changes nothing; told once, in its own event.
    expect(worker.status).toBe('missed');
    site.kill(worker);
    expect(ended).toEqual([]);
    sim.run();
    expect(ended).toEqual(['submission-failed']);
    expect(worker.status).toBe('missed');
    expect(worker.diagMessage).toBe('site TEST: 16 cores asked, slots have 8');
    expect([site.queued, site.running]).toEqual([0, 0]);
  });

  it('cancels a killed worker, queued or running', () => {
    const sim = new Simulation();
    const site = new GridSite(sim, new RandomStreams(1), quietSite({ queueWait: constant(100) }));
    const queuedLog = pilot(sim, site, payload(1, 1000));
    const runningLog = pilot(sim, site, payload(2, 1000));
    sim.schedule(50, () => site.kill(queuedLog.worker));
    sim.schedule(600, () => site.kill(runningLog.worker));
    sim.run();
    expect(queuedLog.worker.status).toBe('cancelled');
    expect(queuedLog.startedAt).toBeUndefined();
    expect(runningLog.outcome).toEqual({ ok: false, wallTime: 500, cause: 'cancelled' });
    expect([site.queued, site.running, site.busyCores]).toEqual([0, 0, 0]);
  });

  it('gives the same history for the same seed', () => {
    const history = (seed: number) => {
      const sim = new Simulation();
      const site = new GridSite(sim, new RandomStreams(seed), gridSiteParams({ name: 'DET', slots: 3 }));
      const logs = Array.from({ length: 20 }, (_, i) => pilot(sim, site, payload(i, 5000)));
      sim.run(5 * 86_400);
      return logs.map((log) => [log.startedAt, log.endedAt, log.cause, log.outcome]);
    };
    expect(history(9)).toEqual(history(9));
    expect(history(9)).not.toEqual(history(10));
  });
});
