import { describe, expect, it } from 'vitest';
import { expandUnifiedQueues, ILLUSTRATIVE_RESOURCE_TYPES, type SiteSpec } from '@pandasim/panda';
import { buildJob, jobCoreCount, jobMaxWalltime } from '../../../models/jedi/job-builder.ts';
import { chunkJobs } from '../../../models/jedi/input-chunk.ts';
import { FakeExecutor, lab, spec, task, world, ANALYSIS } from './jedi-world.ts';

const UNIFIED: SiteSpec = {
  ...world().queues[0],
  sitename: 'U',
  capability: 'ucore',
  coreCount: 8,
  maxtime: 172800,
};
const [, SCORE_CHILD, , MCORE_CHILD] = expandUnifiedQueues([UNIFIED], ILLUSTRATIVE_RESOURCE_TYPES);
const PAYLOAD = { id: 0, cpuWork: 1e5, gpuWork: 0, cores: 8, gpus: 0, fixedTime: 0 };

describe('job columns (JobGenerator.doGenerate)', () => {
  it('takes the core count from the queue for multi-core tasks only', () => {
    expect(jobCoreCount(8, { coreCount: 8 })).toBe(8);
    expect(jobCoreCount(0, { coreCount: 8 })).toBe(8);
    expect(jobCoreCount(1, { coreCount: 8 })).toBe(1);
    expect(jobCoreCount(null, { coreCount: 8 })).toBe(1);
    expect(jobCoreCount(8, { coreCount: 0 })).toBe(1);
    expect(jobCoreCount(4, { coreCount: -1 })).toBe(4);
  });

  it('limits the walltime by the task and the queue, 0 when neither sets one', () => {
    expect(jobMaxWalltime({ maxWalltime: 86400 }, { maxtime: 172800 })).toBe(86400);
    expect(jobMaxWalltime({}, { maxtime: 3600 })).toBe(3600);
    expect(jobMaxWalltime({}, { maxtime: 0 })).toBe(0);
  });

  it('builds a multi-core scout at a unified PQ', () => {
    expect(MCORE_CHILD.sitename).toBe('U/MCORE');
    const job = buildJob({
      PandaID: 77,
      task: spec(3, { coreCount: 8, ramCount: 2000, ramUnit: 'MBPerCore', maxWalltime: 86400 }),
      queue: MCORE_CHILD,
      payload: PAYLOAD,
      owner: 'prod',
      isScout: true,
      resourceTypes: ILLUSTRATIVE_RESOURCE_TYPES,
      userJobs: 0,
    });
    expect(job).toEqual({
      PandaID: 77,
      jediTaskID: 3,
      attemptNr: 1,
      computingSite: 'U',
      prodSourceLabel: 'managed',
      coreCount: 8,
      // int(2000 MB × 8 cores × 0.9)
      minRamCount: 14400,
      maxWalltime: 86400,
      prodUserName: 'prod',
      payload: { ...PAYLOAD, id: 77 },
      gshare: 'Prod',
      currentPriority: 901,
      resource_type: 'MCORE',
    });
  });

  it('gives a single-core task one core at the SCORE pseudo queue', () => {
    const job = buildJob({
      PandaID: 1,
      task: spec(4, { ramCount: 3000 }),
      queue: SCORE_CHILD,
      payload: PAYLOAD,
      owner: 'prod',
      isScout: false,
      resourceTypes: ILLUSTRATIVE_RESOURCE_TYPES,
      userJobs: 0,
    });
    expect(job).toMatchObject({ computingSite: 'U', coreCount: 1, minRamCount: 2700, currentPriority: 500 });
    expect(job.resource_type).toBe('SCORE_HIMEM');
  });

  it('reads one chunk per task as getTasksToBeProcessed_JEDI bounds it', () => {
    expect(chunkJobs(10_000, null)).toBe(5000);
    expect(chunkJobs(10_000, 250)).toBe(260);
    expect(chunkJobs(10_000, 20)).toBe(100);
    expect(chunkJobs(50, 250)).toBe(50);
  });
});

describe('user job priorities', () => {
  it('count down with the user jobs already queued (PrioUtil.calculatePriority), scouts excepted', () => {
    const l = lab(13, { nScouts: 2 });
    const priorities: number[] = [];
    l.server.observe((t) => {
      if (t.from === null) priorities.push(t.job.currentPriority);
    });
    new FakeExecutor(l.sim, l.server, 0);
    l.jedi.submit(task(spec(30, { prodSourceLabel: 'user', gshare: ANALYSIS, currentPriority: 1000 }), 14));
    l.sim.run(1);
    // Scouts: max(901, 1000 + 1) kept by insertNewJob.
    expect(priorities).toEqual([1001, 1001]);
    l.sim.run(3600);
    expect(priorities).toEqual([1001, 1001]);
  });

  it('numbers a batch after the live user jobs: 1000 − serNum / 5, truncated', () => {
    const l = lab(14, { nScouts: 0 });
    const priorities: number[] = [];
    l.server.observe((t) => {
      if (t.from === null) priorities.push(t.job.currentPriority);
    });
    new FakeExecutor(l.sim, l.server, 0);
    l.jedi.submit(task(spec(31, { prodSourceLabel: 'user', gshare: ANALYSIS, currentPriority: 1000 }), 12));
    l.sim.run(1);
    expect(priorities).toEqual([1000, 999, 999, 999, 999, 999, 998, 998, 998, 998, 998, 997]);
  });
});
