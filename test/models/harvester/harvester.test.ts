import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../sim/engine.ts';
import { RandomStreams } from '../../../sim/random.ts';
import { meanConfidenceInterval } from '../../../sim/stats/confidence.ts';
import type {
  FailureCause,
  Payload,
  PayloadOutcome,
  Provider,
  ProviderUsage,
  Worker,
  WorkerEvents,
  WorkerRequest,
  WorkerStatus,
} from '../../../models/provider/worker.ts';
import { WorkloadPool } from './workload-pool.ts';
import { labHarvester } from './lab-harvester.ts';
import { PARTIAL_CHUNK_WAIT } from '../../../models/harvester/submitter.ts';
import { Harvester, type HarvesterOptions } from '../../../models/harvester/harvester.ts';
import {
  DEPLOYMENT_LATENCY,
  type AgentLoopParams,
  type HarvesterParamsOptions,
} from '../../../models/harvester/harvester-params.ts';
import type { HarvesterJob } from '../../../models/harvester/records.ts';
import type { JobReport, JobSpec } from '../../../models/harvester/panda-server-api.ts';
import { PILOT_DEFAULTS } from '../../../models/harvester/pilot.ts';
import { ProviderPlugin, type ProviderPluginKindName } from '../../../models/harvester/provider-plugin.ts';
import {
  FUNCX_TEMPLATE,
  GRID_PULL_TEMPLATE,
  queueConfig,
  type QueueConfig,
} from '../../../models/harvester/queue-config.ts';

// ---------------------------------------------------------------------------------------------------------
// A small workload pool standing in for the PanDA server: activated jobs per site, dispatched first come
// first served; a failed attempt is activated again with attemptNr + 1 (the server's retry).

function jobSpec(PandaID: number, site: string, seconds: number, extra: Partial<JobSpec> = {}): JobSpec {
  const payload: Payload = { id: PandaID, cpuWork: 0, gpuWork: 0, cores: 1, gpus: 0, fixedTime: seconds };
  return {
    PandaID,
    jediTaskID: 1,
    attemptNr: 1,
    computingSite: site,
    prodSourceLabel: 'managed',
    coreCount: 1,
    minRamCount: 2000,
    maxWalltime: 2 * seconds,
    prodUserName: 'alice',
    payload,
    ...extra,
  };
}

// ---------------------------------------------------------------------------------------------------------
// A deterministic provider: a worker starts `startDelay` after submission while one of `slots` is free;
// a payload runs for its fixed time; `lose` ends a running worker as failed, with its payloads.

class TestWorker implements Worker {
  status: WorkerStatus = 'submitted';
  startedAt?: number;
  endedAt?: number;
  readonly payloads = new Map<
    number,
    { done: (o: PayloadOutcome) => void; startedAt: number; event: number }
  >();
  draining = false;

  constructor(
    readonly id: number,
    readonly request: WorkerRequest,
    readonly submittedAt: number,
    readonly events: WorkerEvents,
  ) {}
}

class TestProvider implements Provider {
  readonly submissions: { time: number; request: WorkerRequest }[] = [];
  readonly all: TestWorker[] = [];
  private readonly waiting: TestWorker[] = [];
  private busy = 0;
  private nextId = 1;

  /** Refuse every submission (the worker ends 'missed'), as a provider that cannot take the request. */
  refuseAll = false;

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    private readonly startDelay: number,
    private readonly slots = Infinity,
  ) {}

  get queued(): number {
    return this.all.filter((w) => w.status === 'submitted').length;
  }

  get running(): number {
    return this.all.filter((w) => w.status === 'running').length;
  }

  submit(request: WorkerRequest, events: WorkerEvents): Worker {
    const worker = new TestWorker(this.nextId++, request, this.sim.now, events);
    this.all.push(worker);
    this.submissions.push({ time: this.sim.now, request });
    if (this.refuseAll) {
      worker.status = 'missed';
      worker.endedAt = this.sim.now;
      this.sim.schedule(0, () => events.ended(worker, 'submission-failed'));
      return worker;
    }
    this.waiting.push(worker);
    this.dispatch();
    return worker;
  }

  run(worker: Worker, payload: Payload, done: (outcome: PayloadOutcome) => void): void {
    const w = worker as TestWorker;
    const startedAt = this.sim.now;
    const event = this.sim.schedule(payload.fixedTime, () => {
      w.payloads.delete(payload.id);
      done({ ok: true, wallTime: this.sim.now - startedAt });
      if (w.draining && w.payloads.size === 0) this.end(w, 'finished');
    });
    w.payloads.set(payload.id, { done, startedAt, event });
  }

  release(worker: Worker): void {
    const w = worker as TestWorker;
    if (w.status === 'submitted') this.end(w, 'cancelled', 'cancelled');
    else if (w.payloads.size === 0) this.end(w, 'finished');
    else w.draining = true;
  }

  kill(worker: Worker): void {
    this.end(worker as TestWorker, 'cancelled', 'cancelled');
  }

  /** The node under a running worker dies. */
  lose(worker: TestWorker, cause: FailureCause = 'node-failure'): void {
    this.end(worker, 'failed', cause);
  }

  usage(): ProviderUsage {
    return { coreSeconds: 0, gpuSeconds: 0, wastedCoreSeconds: 0, wastedGpuSeconds: 0, cost: 0 };
  }

  private dispatch(): void {
    while (this.busy < this.slots && this.waiting.length > 0) {
      const worker = this.waiting.shift()!;
      if (worker.status !== 'submitted') continue;
      this.busy++;
      this.sim.schedule(this.startDelay, () => {
        if (worker.status !== 'submitted') return;
        worker.status = 'running';
        worker.startedAt = this.sim.now;
        worker.events.started(worker);
      });
    }
  }

  private end(worker: TestWorker, status: WorkerStatus, cause?: FailureCause): void {
    if (worker.status !== 'submitted' && worker.status !== 'running') return;
    const held = worker.status === 'running' || worker.startedAt === undefined;
    worker.status = status;
    worker.endedAt = this.sim.now;
    for (const { done, startedAt, event } of worker.payloads.values()) {
      this.sim.cancel(event);
      done({ ok: false, wallTime: this.sim.now - startedAt, cause: cause ?? 'cancelled' });
    }
    worker.payloads.clear();
    worker.events.ended(worker, cause);
    if (held) {
      this.busy--;
      this.dispatch();
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Set-ups.

/** One thread per agent, fixed sleeps, first cycles `firstWake` s after the agents start. */
function fixed(firstWake: number): Partial<AgentLoopParams> {
  return { nThreads: 1, randomizeSleep: false, firstWake };
}

/** Hops of 1 s to the server and 0.5 s to the provider: the agents start at t = 2, after the Cacher's pull. */
const HOPS = { server: 1, provider: 0.5 };

/** Distinct fixed phases, so that no two agents wake at the same instant. */
const FIXED_PHASES: HarvesterParamsOptions = {
  latency: HOPS,
  cacher: { firstWake: 0 },
  credManager: { firstWake: 0 },
  jobFetcher: fixed(5),
  preparator: fixed(10),
  submitter: fixed(20),
  monitor: fixed(30),
  stager: fixed(40),
  propagator: fixed(50),
  sweeper: fixed(55),
};

/** Single threads and fixed sleeps, first cycles drawn from the seed. */
const SINGLE: Partial<AgentLoopParams> = { nThreads: 1, randomizeSleep: false };
const RANDOM_PHASES: HarvesterParamsOptions = {
  latency: HOPS,
  jobFetcher: SINGLE,
  preparator: SINGLE,
  submitter: SINGLE,
  monitor: SINGLE,
  stager: SINGLE,
  propagator: SINGLE,
  sweeper: SINGLE,
};

const PUSH_QUEUE = queueConfig(FUNCX_TEMPLATE, {
  queueName: 'LCF',
  submitter: { name: 'SlurmSubmitter', nCorePerNode: 64, memoryPerNodeMB: 256_000 },
});

const PULL_QUEUE = queueConfig(GRID_PULL_TEMPLATE, {
  queueName: 'GRID',
  submitter: { nCorePerNode: 8, memoryPerNodeMB: 16_000 },
});

interface World {
  sim: Simulation;
  pool: WorkloadPool;
  provider: TestProvider;
  harvester: Harvester;
  done: HarvesterJob[];
}

function world(
  queue: QueueConfig,
  kind: ProviderPluginKindName,
  params: HarvesterParamsOptions,
  options: { seed?: number; startDelay?: number; slots?: number } & Partial<HarvesterOptions> = {},
): World {
  const { seed = 1, startDelay = 20, slots, ...harvesterOptions } = options;
  const sim = new Simulation();
  const pool = new WorkloadPool(sim);
  const provider = new TestProvider(sim, 'site', startDelay, slots);
  const plugin = new ProviderPlugin(
    { sim, server: pool, harvesterID: 'harvester', params: PILOT_DEFAULTS },
    provider,
    kind,
  );
  const done: HarvesterJob[] = [];
  const harvester = new Harvester(sim, new RandomStreams(seed), {
    server: pool,
    queues: [{ config: queue, plugin }],
    params,
    observer: { jobDone: (job) => done.push(job) },
    ...harvesterOptions,
  });
  return { sim, pool, provider, harvester, done };
}

function finalReport(pool: WorkloadPool, PandaID: number): { time: number; report: JobReport } {
  const reports = pool.reportsOf(PandaID).filter((r) => ['finished', 'failed'].includes(r.report.jobStatus));
  expect(reports).toHaveLength(1);
  return reports[0];
}

// ---------------------------------------------------------------------------------------------------------

/**
 * Mean residual time to the next wake of `threads` independent agent threads whose sleeps are drawn
 * uniformly from the integers in [0.4 T, 1.4 T], in steady state: E[R] = ∫ P(R_1 > t)^threads dt with
 * P(R_1 > t) = ∫_t^∞ P(X > s) ds / E[X] (renewal theory), integrated numerically.
 */
function meanResidual(sleepTime: number, threads: number): number {
  const low = Math.floor(0.4 * sleepTime);
  const high = Math.floor(1.4 * sleepTime);
  const values = high - low + 1;
  const meanSleep = (low + high) / 2;
  const survival = (s: number) => Math.max(0, Math.min(values, high - Math.floor(s))) / values;
  const step = 0.001;
  let tail = 0;
  let integral = 0;
  for (let t = high; t > 0; t -= step) {
    tail += survival(t - step / 2) * step;
    integral += (tail / meanSleep) ** threads * step;
  }
  return integral;
}

/** An LCF push queue bundling four jobs, a node each, into one PBS batch job. */
const LCF_FOUR_NODE_WORKERS = queueConfig(FUNCX_TEMPLATE, {
  queueName: 'LCF',
  submitter: { name: 'PBSSubmitter', nCorePerNode: 32, nGpuPerNode: 4, memoryPerNodeMB: 512_000 },
  mapType: 'ManyToOne',
  workerMaker: { name: 'MultiJobWorkerMaker', nJobsPerWorker: 4 },
});

describe('Harvester push mode', () => {
  // The agents start at t0 = 2 Ls (after the Cacher's first pull) and wake every 60 s at offsets fetcher 5,
  // preparator 10, submitter 20, stager 40, propagator 50; the monitor every 600 s at offset 30. The job is
  // activated at t = 10, the provider starts a worker 20 s after the submission reaches it, the payload
  // runs 1000 s.
  it.each([
    ['1 s / 0.5 s hops', HOPS],
    ['remote deployment', DEPLOYMENT_LATENCY.remote],
    ['local deployment', DEPLOYMENT_LATENCY.local],
  ])('hands a job from agent to agent at their cycles (%s)', (_name, latency) => {
    const { server: ls, provider: lp } = latency;
    const t0 = 2 * ls;
    const { sim, pool, harvester, done } = world(PUSH_QUEUE, 'slurm', { ...FIXED_PHASES, latency });
    sim.schedule(10, () => pool.add(jobSpec(1, 'LCF', 1000)));
    harvester.start();
    sim.run(3000);
    expect(done).toHaveLength(1);
    const job = done[0];
    // The fetcher's cycle at t0 + 5 found nothing; the one at t0 + 65 fetches, across two server hops.
    expect(job.fetchedAt).toBeCloseTo(t0 + 65 + 2 * ls, 9);
    // The preparator triggers the stage-in at t0 + 70 and finds it done at its next cycle.
    expect(job.preparedAt).toBeCloseTo(t0 + 130, 9);
    // The submitter binds it to a worker at t0 + 140; the provider gets it one hop later, starts it 20 s on.
    expect(job.submittedAt).toBeCloseTo(t0 + 140, 9);
    expect(job.startTime).toBeCloseTo(t0 + 160 + lp, 9);
    expect(job.endTime).toBeCloseTo(t0 + 1160 + lp, 9);
    // The first check is due 300 s after the submission's reply: the monitor's t0 + 630 cycle sees the
    // worker running, the t0 + 1230 cycle sees it ended (each reply one provider round trip later).
    expect(job.runningSeenAt).toBeCloseTo(t0 + 630 + 2 * lp, 9);
    expect(job.endSeenAt).toBeCloseTo(t0 + 1230 + 2 * lp, 9);
    // The stager triggers at t0 + 1240 and finds the stage-out done at t0 + 1300; the propagator reports
    // each change at its next cycle.
    expect(job.stagedOutAt).toBeCloseTo(t0 + 1300, 9);
    expect(job.reportedAt).toBeCloseTo(t0 + 1310, 9);
    const reports = pool.reportsOf(1).map((r) => [r.report.jobStatus, r.time - t0 - ls]);
    expect(reports).toEqual([
      ['starting', expect.closeTo(170, 9)],
      ['running', expect.closeTo(650, 9)],
      ['transferring', expect.closeTo(1250, 9)],
      ['finished', expect.closeTo(1310, 9)],
    ]);
    expect(pool.status(1)).toBe('finished');
    expect(harvester.stats.workersEnded.finished).toBe(1);
  });

  it('adds on average half a cycle per hand-off over random phases', () => {
    // Single-threaded agents with fixed sleeps and independent uniform phases: each hand-off waits
    // U(0, cycle). Activation → fetch 30, → preparator trigger 30, + one cycle to the check 60, → submitter
    // 30, → the monitor seeing the end 300, → stager trigger 30, + 60, → propagator 30: 570 s; plus the
    // hops (fetch 2 Ls, submission Lp, the check reading the state one hop after its cycle Lp, the report
    // Ls) and the provider's 20 s start and 1000 s run.
    const expected = 570 + 3 * HOPS.server + 2 * HOPS.provider + 20 + 1000;
    const overheads: number[] = [];
    for (let seed = 1; seed <= 240; seed++) {
      const { sim, pool, harvester } = world(PUSH_QUEUE, 'slurm', RANDOM_PHASES, { seed });
      const activation = 3000 + (seed % 60);
      sim.schedule(activation, () => pool.add(jobSpec(seed, 'LCF', 1000)));
      harvester.start();
      sim.run(activation + 3000);
      overheads.push(finalReport(pool, seed).time - activation);
    }
    const ci = meanConfidenceInterval(overheads, 0.99);
    expect(ci.lower).toBeLessThan(expected);
    expect(ci.upper).toBeGreaterThan(expected);
    // The spread is that of five U(0, 60) waits and one U(0, 600): sd = sqrt(5 · 300 + 30000) ≈ 177 s.
    const sd = ci.standardError * Math.sqrt(ci.n);
    expect(sd).toBeGreaterThan(140);
    expect(sd).toBeLessThan(220);
  });

  it('with the default three threads and random sleeps, waits the residual of the superposed loops', () => {
    // The final report waits for the first propagator wake after the stage-out (a stager wake, independent
    // of the propagator's threads): the mean residual of three superposed renewal processes.
    const expected = meanResidual(60, 3);
    const waits: number[] = [];
    for (let seed = 1; seed <= 200; seed++) {
      const { sim, pool, harvester, done } = world(PUSH_QUEUE, 'slurm', {}, { seed });
      sim.schedule(3000, () => pool.add(jobSpec(seed, 'LCF', 100)));
      harvester.start();
      sim.run(5000);
      waits.push(done[0].reportedAt! - done[0].stagedOutAt!);
    }
    const ci = meanConfidenceInterval(waits, 0.99);
    expect(ci.lower).toBeLessThan(expected);
    expect(ci.upper).toBeGreaterThan(expected);
    // Well under a single thread's mean residual E[X²] / (2 E[X]) ≈ 29.9 s.
    expect(expected).toBeLessThan(20);
  });

  it('sends heartbeats every updateInterval while the job runs and its final state at the next cycle', () => {
    const { sim, pool, harvester } = world(PUSH_QUEUE, 'slurm', FIXED_PHASES);
    sim.schedule(10, () => pool.add(jobSpec(1, 'LCF', 8000)));
    harvester.start();
    sim.run(12_000);
    const running = pool.reportsOf(1).filter((r) => r.report.jobStatus === 'running');
    // Seen running at the 632 monitor cycle, reported at the 652 propagator cycle, then every 1800 s; the
    // payload (162.5 → 8162.5) is seen ended at the 8432 cycle, staged out at 8502, reported at 8512.
    expect(running.map((r) => r.time - HOPS.server)).toEqual([652, 2452, 4252, 6052, 7852]);
    expect(finalReport(pool, 1).time - HOPS.server).toBe(8512);
  });

  it('keeps heartbeats within a sleep of updateInterval with the default threads and random sleeps', () => {
    const { sim, pool, harvester } = world(PUSH_QUEUE, 'slurm', {}, { seed: 7 });
    sim.schedule(10, () => pool.add(jobSpec(1, 'LCF', 20_000)));
    harvester.start();
    sim.run(25_000);
    const running = pool.reportsOf(1).filter((r) => r.report.jobStatus === 'running');
    const gaps = running.slice(1).map((r, i) => r.time - running[i].time);
    expect(gaps.length).toBeGreaterThanOrEqual(9);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(1800);
      // The first propagator wake after the interval: within the longest sleep, 1.4 × 60 = 84 s.
      expect(gap).toBeLessThanOrEqual(1800 + 84);
    }
  });

  it('reports the jobs of a lost worker failed, and the server retries them', () => {
    const { sim, pool, provider, harvester } = world(PUSH_QUEUE, 'slurm', FIXED_PHASES);
    sim.schedule(10, () => pool.add(jobSpec(1, 'LCF', 1000)));
    // The node dies 500 s into the payload (started at 162.5).
    sim.schedule(662.5, () => provider.lose(provider.all[0]));
    harvester.start();
    sim.run(5000);
    const reports = pool.reportsOf(1).map((r) => [r.report.attemptNr, r.report.jobStatus, r.report.cause]);
    expect(reports).toEqual([
      [1, 'starting', undefined],
      [1, 'running', undefined],
      [1, 'transferring', undefined],
      [1, 'failed', 'node-failure'],
      [2, 'starting', undefined],
      [2, 'running', undefined],
      [2, 'transferring', undefined],
      [2, 'finished', undefined],
    ]);
    // Seen failed at the 1232 monitor cycle, staged out (logs) at 1302, reported at the 1312 cycle.
    expect(pool.reportsOf(1)[3].time - HOPS.server).toBe(1312);
    expect(pool.attempt(1)).toBe(2);
    expect(harvester.stats.jobsReportedFailed).toBe(1);
    expect(harvester.stats.jobsReportedFinished).toBe(1);
  });

  it('runs nJobsPerWorker jobs in one multi-node worker and waits for a full chunk', () => {
    const { sim, pool, provider, harvester } = world(LCF_FOUR_NODE_WORKERS, 'pbs', FIXED_PHASES);
    sim.schedule(10, () => {
      for (let id = 1; id <= 6; id++) pool.add(jobSpec(id, 'LCF', 1000));
    });
    sim.schedule(1000, () => {
      for (let id = 7; id <= 8; id++) pool.add(jobSpec(id, 'LCF', 1000));
    });
    harvester.start();
    sim.run(6000);
    const submissions = provider.submissions.map((s) => [
      s.time - HOPS.provider,
      s.request.nodes,
      s.request.cores,
      s.request.gpus,
    ]);
    // Six jobs prepared at 132 make one worker of four nodes at the 142 cycle, two wait; jobs 7-8, fetched
    // at the 1027 cycle and prepared at 1092, complete the second chunk at the 1102 cycle.
    expect(submissions).toEqual([
      [142, 4, 32, 4],
      [1102, 4, 32, 4],
    ]);
    for (let id = 1; id <= 8; id++) expect(pool.status(id)).toBe('finished');
    expect(harvester.stats.workersSubmitted).toBe(2);
  });

  it('sends a short chunk once its oldest job has waited PARTIAL_CHUNK_WAIT', () => {
    const { sim, pool, provider, harvester } = world(LCF_FOUR_NODE_WORKERS, 'pbs', FIXED_PHASES);
    sim.schedule(10, () => {
      for (let id = 1; id <= 6; id++) pool.add(jobSpec(id, 'LCF', 1000));
    });
    harvester.start();
    sim.run(6000);
    const submissions = provider.submissions.map((s) => [s.time - HOPS.provider, s.request.nodes]);
    // The two jobs left over after the full chunk at 142, prepared at 132, go as a two-node worker at the
    // first submitter cycle at least PARTIAL_CHUNK_WAIT later (cycles at 142 + 60 k).
    const due = 132 + PARTIAL_CHUNK_WAIT;
    expect(submissions).toEqual([
      [142, 4],
      [142 + 60 * Math.ceil((due - 142) / 60), 2],
    ]);
    for (let id = 1; id <= 6; id++) expect(pool.status(id)).toBe('finished');
  });
});

describe('Harvester pull mode', () => {
  it('follows the worker adjuster: activated jobs × factor, the queue limit, maxWorkers, per-cycle cap', () => {
    const queue = queueConfig(GRID_PULL_TEMPLATE, {
      queueName: 'GRID',
      submitter: { nCorePerNode: 8, memoryPerNodeMB: 16_000 },
      maxWorkers: 90,
      maxNewWorkersPerCycle: 50,
    });
    // Workers never start, so the queued ones pile up and the pool keeps its activated jobs.
    const { sim, pool, provider, harvester } = world(
      queue,
      'gridCe',
      { ...FIXED_PHASES, submitter: { ...fixed(20), activateWorkerFactor: 0.5 } },
      { startDelay: 1e9 },
    );
    for (let id = 1; id <= 30; id++) pool.add(jobSpec(id, 'GRID', 1000));
    sim.schedule(1000, () => {
      for (let id = 31; id <= 330; id++) pool.add(jobSpec(id, 'GRID', 1000));
    });
    harvester.start();
    sim.run(2000);
    const batches = new Map<number, number>();
    for (const { time } of provider.submissions) {
      batches.set(time - HOPS.provider, (batches.get(time - HOPS.provider) ?? 0) + 1);
    }
    // Queue limit: no running workers, so max(int(0 × 50 / 100), nQueueLimitWorkerMin 100) = 100.
    // 22: the Cacher's first pull saw 30 activated, int(30 × 0.5) = 15 < 100: 15 workers. Its pulls at 602
    // (30 activated) and 1202 (330: int(165), cut to the limit 100): at the 1222 cycle
    // min(100 − 15, maxWorkers 90 − 15) = 75, cut to maxNewWorkersPerCycle 50; at 1282 min(35, 25) = 25;
    // then maxWorkers is reached.
    expect([...batches]).toEqual([
      [22, 15],
      [1222, 50],
      [1282, 25],
    ]);
    expect(harvester.queue('GRID').nQueueWorkers).toBe(90);
  });

  it('counts empty pilots: one kept queued, each finding no job, replaced once the monitor sees it end', () => {
    const { sim, pool, harvester } = world(PULL_QUEUE, 'gridCe', FIXED_PHASES, { startDelay: 10 });
    pool.add(jobSpec(1, 'GRID', 1000));
    pool.add(jobSpec(2, 'GRID', 1000));
    harvester.start();
    sim.run(6000);
    // 22: 2 activated → 2 pilots, which run the two jobs. The Cacher's 602 pull sees none activated and the
    // monitor sees both pilots running at 632, so the adjuster keeps one pilot queued (max(0, 1)): submitted
    // at 682, it finds no job, and is seen ended at the 1232 cycle; the next goes at 1282, is seen at 1832,
    // and so on: one empty pilot per 600 s monitor cycle (1232, 1832, ..., 5432).
    expect(harvester.stats.pilotsWithJobs).toBe(2);
    expect(harvester.stats.emptyPilots).toBe(8);
    expect(harvester.stats.workersSubmitted).toBe(11);
    expect(pool.status(1)).toBe('finished');
    expect(pool.status(2)).toBe('finished');
    // Only the first two pilots got a job, and asked once more before exiting; the nine others asked once
    // (the last, submitted at 5482, is not yet seen ended).
    expect(pool.acquisitions.filter((a) => a.got === 1)).toHaveLength(2);
    expect(pool.acquisitions).toHaveLength(2 * 2 + 9);
    // The pilots reported their jobs themselves.
    expect(pool.jobReports.every((r) => r.report.from === 'pilot')).toBe(true);
  });

  it('sends pilot heartbeats every 30 min while the payload runs', () => {
    const { sim, pool, harvester } = world(PULL_QUEUE, 'gridCe', FIXED_PHASES, { startDelay: 10 });
    pool.add(jobSpec(1, 'GRID', 7000));
    harvester.start();
    sim.run(8000);
    // Pilot submitted at 22, started at 32.5; its getJobs round trip to the server takes 2 × 0.1 s.
    const start = 32.7;
    const hop = PILOT_DEFAULTS.serverLatency;
    expect(pool.reportsOf(1).map((r) => [r.report.jobStatus, r.time])).toEqual([
      ['running', expect.closeTo(start + hop, 9)],
      ['running', expect.closeTo(start + 1800 + hop, 9)],
      ['running', expect.closeTo(start + 3600 + hop, 9)],
      ['running', expect.closeTo(start + 5400 + hop, 9)],
      ['finished', expect.closeTo(start + 7000 + hop, 9)],
    ]);
  });

  it("reports a lost pilot's job failed from Harvester, and a later pilot runs the retry", () => {
    const { sim, pool, provider, harvester } = world(PULL_QUEUE, 'gridCe', FIXED_PHASES, { startDelay: 10 });
    pool.add(jobSpec(1, 'GRID', 1000));
    sim.schedule(500, () => provider.lose(provider.all[0], 'preempted'));
    harvester.start();
    sim.run(4000);
    const reports = pool
      .reportsOf(1)
      .map((r) => [r.report.attemptNr, r.report.jobStatus, r.report.from, r.report.cause]);
    expect(reports).toEqual([
      [1, 'running', 'pilot', undefined],
      // The worker died at 500 with the pilot; the monitor's 632 cycle sees it failed and the propagator's
      // 652 cycle reports its job.
      [1, 'failed', 'harvester', 'preempted'],
      [2, 'running', 'pilot', undefined],
      [2, 'finished', 'pilot', undefined],
    ]);
    expect(pool.reportsOf(1)[1].time).toBe(652 + HOPS.server);
    expect(harvester.stats.lostJobsReported).toBe(1);
  });

  it('stops submitting while the provider token is expired and resumes after the renewal', () => {
    // Pilots fit one 500 s job (asking 1000 s of walltime) in their 1200 s, then exit: a steady turnover.
    const queue = queueConfig(GRID_PULL_TEMPLATE, {
      queueName: 'GRID',
      submitter: { nCorePerNode: 8, memoryPerNodeMB: 16_000 },
      walltimeLimit: 1200,
    });
    const { sim, pool, provider, harvester } = world(queue, 'gridCe', FIXED_PHASES, {
      startDelay: 10,
      slots: 20,
      credentials: { site: { lifetime: 4000 } },
      // IAM refuses renewals from 3000 s to 12,000 s.
      renewalFaults: [{ provider: 'site', from: 3000, until: 12_000 }],
    });
    for (let id = 1; id <= 2000; id++) pool.add(jobSpec(id, 'GRID', 500));
    harvester.start();
    sim.run(16_000);
    // Token issued at 0, valid until 4000. The CredManager wakes every 1800 s: the renewals due from 3600
    // fail at 3600, 5400, 7200, 9000 and 10,800; the one at 12,600 succeeds. Submitter cycles: 22 + 60 k.
    const times = provider.submissions.map((s) => s.time - HOPS.provider);
    expect(times.filter((t) => t < 4000).length).toBeGreaterThan(20);
    expect(Math.max(...times.filter((t) => t < 4000))).toBeGreaterThan(3000);
    expect(times.filter((t) => t >= 4000 && t < 12_600)).toEqual([]);
    expect(Math.min(...times.filter((t) => t >= 12_600))).toBe(12_622);
    expect(harvester.stats.workersBlockedByCredentials).toBeGreaterThan(0);
    expect(harvester.credentials.stats.failedRenewals).toBe(5);
  });
});

describe('Harvester submission and set-up', () => {
  it('resubmits the jobs of refused workers up to maxSubmissionAttempts, then reports them failed', () => {
    const { sim, pool, provider, harvester } = world(PUSH_QUEUE, 'slurm', FIXED_PHASES);
    provider.refuseAll = true;
    sim.schedule(10, () => pool.add(jobSpec(1, 'LCF', 1000)));
    harvester.start();
    sim.run(400);
    // Prepared at 132; submitted at the 142, 202 and 262 cycles (maxSubmissionAttempts 3), each refused;
    // reported failed at the 292 cycle. The server's retry (attempt 2) is fetched at the 307 cycle and
    // submitted at 382.
    expect(provider.submissions.map((s) => s.time - HOPS.provider)).toEqual([142, 202, 262, 382]);
    expect(harvester.stats.workersMissed).toBe(4);
    const failed = pool.reportsOf(1).filter((r) => r.report.jobStatus === 'failed');
    expect(failed.map((r) => [r.report.attemptNr, r.report.cause, r.time - HOPS.server])).toEqual([
      [1, 'submission-failed', 292],
    ]);
  });

  it('drives a provider model of the tree through its plugin, push and pull', () => {
    const pull = queueConfig(GRID_PULL_TEMPLATE, {
      queueName: 'LCF',
      submitter: { name: 'SlurmSubmitter', nCorePerNode: 8, memoryPerNodeMB: 16_000 },
    });
    for (const queue of [PUSH_QUEUE, pull]) {
      const sim = new Simulation();
      const pool = new WorkloadPool(sim);
      const { cluster, harvester } = labHarvester(sim, pool, queue);
      for (let id = 1; id <= 40; id++) pool.add(jobSpec(id, 'LCF', 600));
      harvester.start();
      sim.run(30_000);
      for (let id = 1; id <= 40; id++) expect(pool.status(id)).toBe('finished');
      expect(cluster.running).toBe(0);
    }
  });

  it('refuses queues its plugins cannot serve', () => {
    const sim = new Simulation();
    const pool = new WorkloadPool(sim);
    const env = { sim, server: pool, harvesterID: 'harvester', params: PILOT_DEFAULTS };
    const provider = new TestProvider(sim, 'site', 10);
    const make = (config: QueueConfig, kind: ProviderPluginKindName) =>
      new Harvester(sim, new RandomStreams(1), {
        server: pool,
        queues: [{ config, plugin: new ProviderPlugin(env, provider, kind) }],
      });
    expect(() => make(PULL_QUEUE, 'kubernetes')).toThrow(
      /asks for submitter HTCondorSubmitter, its plugin is K8sSubmitter/,
    );
    const multiNode = queueConfig(FUNCX_TEMPLATE, {
      queueName: 'Q',
      submitter: { name: 'K8sSubmitter', nCorePerNode: 8, memoryPerNodeMB: 16_000 },
      mapType: 'ManyToOne',
      workerMaker: { name: 'MultiJobWorkerMaker', nJobsPerWorker: 4 },
    });
    expect(() => make(multiNode, 'kubernetes')).toThrow(/ManyToOne needs a multi-node batch scheduler/);
    const gpus = queueConfig(PULL_QUEUE, {
      queueName: 'Q',
      submitter: { name: 'ACTSubmitter', nCorePerNode: 1, nGpuPerNode: 1, memoryPerNodeMB: 2000 },
    });
    expect(() => make(gpus, 'volunteer')).toThrow(/site has no GPUs/);
  });
});
