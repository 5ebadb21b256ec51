import { describe, expect, it } from 'vitest';
import {
  FUNCX_SUBMITTER,
  FUNCX_TEMPLATE,
  GRID_PULL_TEMPLATE,
  K8S_PULL_TEMPLATE,
  K8S_PUSH_TEMPLATE,
  queueConfig,
} from '../../../models/harvester/queue-config.ts';
import { makeWorkerRequest } from '../../../models/harvester/worker-maker.ts';
import type { JobSpec } from '../../../models/harvester/panda-server-api.ts';

const SUBMITTER = { nCorePerNode: 8, memoryPerNodeMB: 16_000 };

function job(PandaID: number, extra: Partial<JobSpec> = {}): JobSpec {
  return {
    PandaID,
    jediTaskID: 1,
    attemptNr: 1,
    computingSite: 'Q',
    prodSourceLabel: 'managed',
    coreCount: 8,
    minRamCount: 0,
    maxWalltime: 0,
    prodUserName: 'alice',
    payload: { id: PandaID, cpuWork: 1, gpuWork: 0, cores: 8, gpus: 0, fixedTime: 0 },
    ...extra,
  };
}

describe('queue templates', () => {
  it('carry the example queue configs of providers.md §1.7', () => {
    expect(GRID_PULL_TEMPLATE).toMatchObject({
      mapType: 'NoJob',
      nQueueLimitWorkerRatio: 50,
      nQueueLimitWorkerMin: 100,
      nQueueLimitWorkerMax: 10_000,
      maxNewWorkersPerCycle: 100,
      maxSubmissionAttempts: 3,
      walltimeLimit: 1_209_600,
    });
    expect(K8S_PULL_TEMPLATE).toMatchObject({
      nQueueLimitWorkerRatio: 40,
      nQueueLimitWorkerMin: 1,
      nQueueLimitWorkerMax: 100,
      maxWorkers: 10_000,
      maxNewWorkersPerCycle: 50,
    });
    expect(K8S_PUSH_TEMPLATE).toMatchObject({
      mapType: 'OneToOne',
      maxWorkers: 50_000,
      maxNewWorkersPerCycle: 500,
      walltimeLimit: 172_800,
    });
    expect(FUNCX_TEMPLATE).toMatchObject({
      mapType: 'OneToOne',
      truePilot: false,
      maxWorkers: 100,
      maxNewWorkersPerCycle: 20,
      nQueueLimitWorkerMin: 20,
      nQueueLimitWorkerMax: 500,
      nQueueLimitJob: 10_000,
      submitter: { name: FUNCX_SUBMITTER },
    });
  });

  it('make a queue with its name, site, worker shape and the defaults of the sections', () => {
    const q = queueConfig(GRID_PULL_TEMPLATE, { queueName: 'BNL', submitter: SUBMITTER, maxWorkers: 500 });
    expect(q.siteName).toBe('BNL');
    expect(q.maxWorkers).toBe(500);
    expect(q.submitter).toEqual({
      name: 'HTCondorSubmitter',
      nCorePerNode: 8,
      nGpuPerNode: 0,
      memoryPerNodeMB: 16_000,
      noPilotsWhenNoActiveJobs: false,
    });
    expect(q.workerMaker).toEqual({ name: 'SimpleWorkerMaker', nJobsPerWorker: 1 });
  });

  it('refuse inconsistent queues, naming the queue and the field', () => {
    expect(() =>
      queueConfig(GRID_PULL_TEMPLATE, { queueName: 'A', submitter: SUBMITTER, truePilot: false }),
    ).toThrow(/queue A: a NoJob \(pull\) queue needs truePilot/);
    expect(() =>
      queueConfig(K8S_PUSH_TEMPLATE, { queueName: 'B', submitter: SUBMITTER, nQueueLimitJob: undefined }),
    ).toThrow(/queue B: a OneToOne \(push\) queue needs nQueueLimitJob/);
    expect(() =>
      queueConfig(GRID_PULL_TEMPLATE, { queueName: 'C', submitter: SUBMITTER, maxWorkers: -1 }),
    ).toThrow(/queue C: maxWorkers must be a whole number >= 0, got -1/);
    expect(() =>
      queueConfig(GRID_PULL_TEMPLATE, { queueName: 'D', submitter: { ...SUBMITTER, nCorePerNode: 1.5 } }),
    ).toThrow(/submitter.nCorePerNode must be a whole number/);
  });
});

describe('makeWorkerRequest', () => {
  it('gives a pilot the queue worker shape and walltime limit', () => {
    const q = queueConfig(GRID_PULL_TEMPLATE, { queueName: 'GRID', submitter: SUBMITTER });
    expect(makeWorkerRequest(q, [])).toEqual({
      queue: 'GRID',
      cores: 8,
      gpus: 0,
      nodes: 1,
      memoryMB: 16_000,
      walltime: 1_209_600,
    });
  });

  it("gives a one-job worker the job's cores, GPUs, memory, walltime and owner, the queue's when unstated", () => {
    const q = queueConfig(K8S_PUSH_TEMPLATE, { queueName: 'K8S', submitter: SUBMITTER });
    expect(makeWorkerRequest(q, [job(1, { prodUserName: 'bob' })])).toEqual({
      queue: 'K8S',
      cores: 8,
      gpus: 0,
      nodes: 1,
      memoryMB: 16_000,
      walltime: 172_800,
      user: 'bob',
    });
    const gpuJob = job(2, {
      coreCount: 4,
      minRamCount: 4000,
      maxWalltime: 3600,
      payload: { id: 2, cpuWork: 0, gpuWork: 1, cores: 4, gpus: 1, fixedTime: 0 },
    });
    expect(makeWorkerRequest(q, [gpuJob])).toMatchObject({
      cores: 4,
      gpus: 1,
      memoryMB: 4000,
      walltime: 3600,
    });
    expect(() => makeWorkerRequest(q, [])).toThrow(/a OneToOne worker needs jobs/);
  });

  it('gives a multi-job worker one whole node per job in the batch queue, and an owner only if shared', () => {
    const q = queueConfig(FUNCX_TEMPLATE, {
      queueName: 'POLARIS',
      mapType: 'ManyToOne',
      submitter: { nCorePerNode: 32, nGpuPerNode: 4, memoryPerNodeMB: 512_000, batchQueue: 'prod' },
      workerMaker: { name: 'MultiJobWorkerMaker', nJobsPerWorker: 3 },
    });
    const jobs = [
      job(1, { minRamCount: 1000 }),
      job(2, { minRamCount: 3000 }),
      job(3, { prodUserName: 'bob' }),
    ];
    expect(makeWorkerRequest(q, jobs)).toEqual({
      queue: 'prod',
      cores: 32,
      gpus: 4,
      nodes: 3,
      memoryMB: 3000,
      walltime: 1_209_600,
      user: undefined,
    });
    expect(makeWorkerRequest(q, jobs.slice(0, 2)).user).toBe('alice');
  });
});
