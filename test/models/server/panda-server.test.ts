import { describe, expect, it } from 'vitest';
import { buildShareTree, type ShareTree } from '@pandasim/panda';
import { Simulation } from '../../../sim/engine.ts';
import { RandomStreams } from '../../../sim/random.ts';
import { GRID_PULL_TEMPLATE, queueConfig } from '../../../models/harvester/queue-config.ts';
import { labHarvester } from '../harvester/lab-harvester.ts';
import type { AcquireJobsRequest, ReportedJobStatus } from '../../../models/harvester/panda-server-api.ts';
import { PandaServer, type NewJob, type PandaServerOptions } from '../../../models/server/panda-server.ts';
import {
  IllegalTransitionError,
  JOB_STATES,
  STATE_INDEX,
  isFinalState,
  isLegalTransition,
  type ServerJobStatus,
} from '../../../models/server/job-states.ts';

const TREE: ShareTree = buildShareTree([
  { name: 'A', value: 50 },
  { name: 'B', value: 50 },
]);

function newJob(PandaID: number, extra: Partial<NewJob> = {}): NewJob {
  return {
    PandaID,
    jediTaskID: 7,
    attemptNr: 1,
    computingSite: 'SITE',
    prodSourceLabel: 'managed',
    coreCount: 1,
    minRamCount: 2000,
    maxWalltime: 3600,
    prodUserName: 'alice',
    payload: { id: PandaID, cpuWork: 0, gpuWork: 0, cores: 1, gpus: 0, fixedTime: 600 },
    gshare: 'A',
    currentPriority: 100,
    ...extra,
  };
}

function server(draws: number[] = [0.5], extra: Partial<PandaServerOptions> = {}) {
  const clock = { now: 0 };
  let i = 0;
  const rng = { next: () => draws[i++ % draws.length] };
  const s = new PandaServer({ clock, shareTree: TREE, rng, corepower: { SITE: 10, OTHER: 12 }, ...extra });
  return { clock, s };
}

function request(extra: Partial<AcquireJobsRequest> = {}): AcquireJobsRequest {
  return { siteName: 'SITE', nJobs: 1, harvesterID: 'h', ...extra };
}

describe('job states', () => {
  it('allows the lifecycle and refuses going back, naming the job and both states', () => {
    const { s } = server();
    s.submit(newJob(1), 'defined');
    s.transition(1, 'assigned');
    s.transition(1, 'activated');
    expect(() => s.transition(1, 'running')).toThrow('job 1: illegal transition activated -> running');
    s.transition(1, 'sent');
    s.transition(1, 'running');
    const error = (() => {
      try {
        s.transition(1, 'starting');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error).toMatchObject({ PandaID: 1, from: 'running', to: 'starting' });
    expect(s.status(1)).toBe('running');
    s.transition(1, 'finished');
    expect(s.size).toBe(0);
    expect(s.count('SITE', 'A', 'finished')).toBe(1);
    expect(isLegalTransition('finished', 'running')).toBe(false);
    expect(isLegalTransition('defined', 'sent')).toBe(false);
    expect(isLegalTransition('sent', 'transferring')).toBe(true);
  });

  it('keeps counts equal to a recount after 1,000 seeded random operations', () => {
    const rng = new RandomStreams(42).stream('ops');
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)];
    const { clock, s } = server([0.3, 0.05, 0.8], { maxAttempts: 2 });
    const mirror = new Map<
      number,
      { status: ServerJobStatus; attemptNr: number; site: string; gshare: string }
    >();
    const ended = new Map<string, number>();
    const end = (key: string) => ended.set(key, (ended.get(key) ?? 0) + 1);
    let nextId = 1;
    let illegal = 0;
    for (let op = 0; op < 1000; op++) {
      clock.now += 7;
      const kind = rng.next();
      const live = [...mirror.keys()];
      if (kind < 0.3 || live.length === 0) {
        const site = pick(['SITE', 'OTHER']);
        const gshare = pick(['A', 'B', 'Undefined']);
        const entry = pick(['defined', 'assigned', 'waiting', 'activated'] as const);
        s.submit(
          newJob(nextId, { computingSite: site, gshare, currentPriority: pick([100, 500, 900]) }),
          entry,
        );
        mirror.set(nextId++, { status: entry, attemptNr: 1, site, gshare });
      } else if (kind < 0.6) {
        const id = pick(live);
        const job = mirror.get(id)!;
        const to = pick(JOB_STATES);
        if (isLegalTransition(job.status, to)) {
          s.transition(id, to);
          applyMove(id, to);
        } else {
          expect(() => s.transition(id, to)).toThrow(IllegalTransitionError);
          illegal++;
        }
      } else if (kind < 0.8) {
        for (const spec of s.getJobs(request({ siteName: pick(['SITE', 'OTHER']), nJobs: 3 }))) {
          expect(mirror.get(spec.PandaID)).toMatchObject({ status: 'activated', attemptNr: spec.attemptNr });
          applyMove(spec.PandaID, 'sent');
        }
      } else {
        const id = pick(live);
        const job = mirror.get(id)!;
        if (STATE_INDEX[job.status] < STATE_INDEX.sent) continue;
        const status = pick([
          'starting',
          'running',
          'transferring',
          'finished',
          'failed',
        ] as ReportedJobStatus[]);
        const attemptNr = rng.next() < 0.1 ? job.attemptNr + 1 : job.attemptNr;
        s.updateJobs([{ PandaID: id, attemptNr, jobStatus: status, from: 'harvester', harvesterID: 'h' }]);
        if (attemptNr === job.attemptNr && STATE_INDEX[status] > STATE_INDEX[job.status])
          applyMove(id, status);
      }
      if (op % 50 === 0) s.checkInvariants();
    }
    s.checkInvariants();

    function applyMove(id: number, to: ServerJobStatus): void {
      const job = mirror.get(id)!;
      job.status = to;
      if (!isFinalState(to)) return;
      mirror.delete(id);
      end(`${job.site}/${job.gshare}/${to}`);
      if (to === 'failed' && job.attemptNr < 2) {
        mirror.set(id, { ...job, status: 'activated', attemptNr: job.attemptNr + 1 });
      }
    }

    expect(s.size).toBe(mirror.size);
    for (const site of ['SITE', 'OTHER']) {
      for (const gshare of ['A', 'B', 'Undefined']) {
        for (const status of JOB_STATES) {
          const expected = isFinalState(status)
            ? (ended.get(`${site}/${gshare}/${status}`) ?? 0)
            : [...mirror.values()].filter(
                (j) => j.site === site && j.gshare === gshare && j.status === status,
              ).length;
          expect(s.count(site, gshare, status)).toBe(expected);
        }
      }
    }
    expect(illegal).toBeGreaterThan(100);
    expect(ended.size).toBeGreaterThan(0);
  });
});

describe('dispatch', () => {
  it('serves the under-pledged share first, then the higher priority, with the share order of the last refresh', () => {
    const { clock, s } = server([0.5]);
    for (const id of [1, 2, 3]) s.submit(newJob(id, { gshare: 'A' }));
    expect(s.getJobs(request({ nJobs: 3 })).map((j) => j.PandaID)).toEqual([1, 2, 3]);
    for (const id of [1, 2, 3]) s.transition(id, 'running');
    expect(s.executingHs06('A')).toBe(30);
    s.submit(newJob(10, { gshare: 'A', currentPriority: 900 }));
    s.submit(newJob(11, { gshare: 'B', currentPriority: 100 }));
    s.submit(newJob(12, { gshare: 'B', currentPriority: 200 }));
    // Still inside the first period: the order measured at t = 0 (nothing executing: DB order, A first).
    clock.now = 59;
    expect(s.getJobs(request()).map((j) => j.PandaID)).toEqual([10]);
    s.transition(10, 'failed');
    s.submit(newJob(13, { gshare: 'A', currentPriority: 900 }));
    // At t = 60 the statistics refresh: A executes 30 HS06 against a pledge of 15, B nothing.
    clock.now = 60;
    expect(s.getJobs(request({ nJobs: 3 })).map((j) => j.PandaID)).toEqual([12, 11, 13]);
  });

  it('takes the oldest job in age mode (r <= 10 of 100)', () => {
    const { s } = server([0.1]);
    s.submit(newJob(5, { gshare: 'B', currentPriority: 100 }));
    s.submit(newJob(3, { gshare: 'A', currentPriority: 50 }));
    s.submit(newJob(4, { gshare: 'A', currentPriority: 999 }));
    expect(s.getJobs(request({ nJobs: 3 })).map((j) => j.PandaID)).toEqual([3, 4, 5]);
  });

  it('hands out only jobs that fit the memory, walltime and resource type of the request', () => {
    const { s } = server([0.5]);
    s.submit(newJob(1, { minRamCount: 4000, currentPriority: 900, resource_type: 'SCORE' }));
    s.submit(newJob(2, { maxWalltime: 7200, currentPriority: 800, resource_type: 'SCORE' }));
    s.submit(newJob(3, { coreCount: 8, minRamCount: 16_000, currentPriority: 700, resource_type: 'MCORE' }));
    s.submit(newJob(4, { currentPriority: 100, resource_type: 'SCORE' }));
    s.submit(newJob(5, { computingSite: 'OTHER', currentPriority: 999 }));
    const limits = { mem: 3000, remainingTime: 3600, nJobs: 5 };
    expect(s.getJobs(request({ ...limits, resourceType: 'MCORE' }))).toEqual([]);
    expect(s.getJobs(request(limits)).map((j) => j.PandaID)).toEqual([4]);
    expect(s.getJobs(request({ mem: 32_000, resourceType: 'MCORE' })).map((j) => j.PandaID)).toEqual([3]);
    expect(s.getJobs(request({ nJobs: 5 })).map((j) => j.PandaID)).toEqual([1, 2]);
    expect(s.getJobStatisticsPerSite()).toEqual({ SITE: { sent: 4 }, OTHER: { activated: 1 } });
    s.checkInvariants();
  });
});

describe('reports and memory', () => {
  it('keeps the later state on crossed reports and retries a failed attempt', () => {
    const { s } = server([0.5], { maxAttempts: 2 });
    s.submit(newJob(1));
    s.getJobs(request());
    const report = { PandaID: 1, from: 'pilot', harvesterID: 'h' } as const;
    s.updateJobs([{ ...report, attemptNr: 1, jobStatus: 'running' }]);
    s.updateJobs([{ ...report, attemptNr: 1, jobStatus: 'starting', from: 'harvester' }]);
    expect(s.status(1)).toBe('running');
    expect(s.queueState('SITE').jobsByShare.A).toMatchObject({ nRunning: 1, nStarting: 0 });
    expect(s.queueState('SITE').nCoresRunningStarting).toBe(1);
    s.updateJobs([{ ...report, attemptNr: 1, jobStatus: 'failed', cause: 'node-failure' }]);
    expect(s.job(1)).toMatchObject({ jobStatus: 'activated', attemptNr: 2 });
    expect(s.getJobs(request())[0].attemptNr).toBe(2);
    s.updateJobs([{ ...report, attemptNr: 1, jobStatus: 'finished' }]);
    expect(s.status(1)).toBe('sent');
    s.updateJobs([{ ...report, attemptNr: 2, jobStatus: 'finished' }]);
    expect(s.size).toBe(0);
    expect([s.count('SITE', 'A', 'failed'), s.count('SITE', 'A', 'finished')]).toEqual([1, 1]);
    expect(s.queueState('SITE')).toMatchObject({ getJob: 2, updateJob: 5, laststart: 0 });
    s.checkInvariants();
  });

  it('releases every job once it ends: the table returns to size 0', () => {
    const { s } = server([0.5]);
    for (let id = 1; id <= 5000; id++) s.submit(newJob(id, { gshare: id % 2 ? 'A' : 'B' }));
    expect(s.size).toBe(5000);
    const sent = s.getJobs(request({ nJobs: 5000 }));
    expect(sent).toHaveLength(5000);
    s.updateJobs(
      sent.map((j) => ({
        PandaID: j.PandaID,
        attemptNr: 1,
        jobStatus: 'finished',
        from: 'pilot',
        harvesterID: 'h',
      })),
    );
    expect(s.size).toBe(0);
    expect(s.count('SITE', 'A', 'finished') + s.count('SITE', 'B', 'finished')).toBe(5000);
    s.checkInvariants();
  });
});

describe('with Harvester', () => {
  it('serves a pull queue of Harvester on a LocalCluster until every job has finished', () => {
    const sim = new Simulation();
    const s = new PandaServer({
      clock: sim,
      shareTree: TREE,
      rng: new RandomStreams(5).stream('dispatch'),
      corepower: { LCF: 10 },
    });
    const queue = queueConfig(GRID_PULL_TEMPLATE, {
      queueName: 'LCF',
      submitter: { name: 'SlurmSubmitter', nCorePerNode: 8, memoryPerNodeMB: 16_000 },
    });
    const { cluster, harvester } = labHarvester(sim, s, queue);
    for (let id = 1; id <= 40; id++) {
      s.submit(newJob(id, { computingSite: 'LCF', gshare: id % 2 ? 'A' : 'B', maxWalltime: 1200 }));
    }
    harvester.start();
    sim.run(30_000);
    expect(s.size).toBe(0);
    expect(s.count('LCF', 'A', 'finished') + s.count('LCF', 'B', 'finished')).toBe(40);
    expect(cluster.running).toBe(0);
    s.checkInvariants();
  });
});

describe('observers and retries', () => {
  it('tells observers of every insert and move in order, with the cause and whether the server retries', () => {
    const { clock, s } = server([0.5], { maxAttempts: 2 });
    const seen: string[] = [];
    s.observe((t) =>
      seen.push(
        `${t.now} ${t.job.PandaID}#${t.job.attemptNr} ${t.from ?? '-'}>${t.to} ${t.cause ?? ''} ${t.retried}`,
      ),
    );
    s.submit(newJob(1));
    clock.now = 10;
    s.getJobs(request());
    const report = (jobStatus: ReportedJobStatus, attemptNr: number, cause?: 'payload-error') =>
      s.updateJobs([{ PandaID: 1, attemptNr, jobStatus, from: 'pilot', harvesterID: 'h', cause }]);
    clock.now = 20;
    report('running', 1);
    clock.now = 30;
    report('failed', 1, 'payload-error');
    clock.now = 40;
    s.getJobs(request());
    report('running', 2);
    report('failed', 2, 'payload-error');
    expect(seen).toEqual([
      '0 1#1 ->activated  false',
      '10 1#1 activated>sent  false',
      '20 1#1 sent>running  false',
      '30 1#1 running>failed payload-error true',
      '30 1#2 ->activated  false',
      '40 1#2 activated>sent  false',
      '40 1#2 sent>running  false',
      '40 1#2 running>failed payload-error false',
    ]);
    s.checkInvariants();
  });

  it('inserts the spec `retrySpec` returns for a retried attempt (a checkpointed payload resumes)', () => {
    const { s } = server([0.5], {
      maxAttempts: 3,
      retrySpec: (job) => ({
        ...job.spec,
        payload: { ...job.spec.payload, fixedTime: job.spec.payload.fixedTime / 2 },
      }),
    });
    s.submit(newJob(1));
    const [first] = s.getJobs(request());
    expect(first.payload.fixedTime).toBe(600);
    s.updateJobs([
      { PandaID: 1, attemptNr: 1, jobStatus: 'failed', from: 'pilot', harvesterID: 'h', cause: 'walltime' },
    ]);
    const [second] = s.getJobs(request());
    expect(second.attemptNr).toBe(2);
    expect(second.payload.fixedTime).toBe(300);
    s.checkInvariants();
  });
});
