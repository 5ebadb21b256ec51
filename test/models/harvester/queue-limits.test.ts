import { describe, expect, it } from 'vitest';
import { HARVESTER_DEFAULTS } from '../../../models/harvester/harvester-params.ts';
import {
  FUNCX_TEMPLATE,
  GRID_PULL_TEMPLATE,
  K8S_PULL_TEMPLATE,
  K8S_PUSH_TEMPLATE,
  queueConfig,
} from '../../../models/harvester/queue-config.ts';
import { jobsToFetch, workerTarget } from '../../../models/harvester/queue-limits.ts';

const SUBMITTER = { nCorePerNode: 8, memoryPerNodeMB: 16_000 };
const GRID = queueConfig(GRID_PULL_TEMPLATE, { queueName: 'GRID', submitter: SUBMITTER });
const FUNCX = queueConfig(FUNCX_TEMPLATE, { queueName: 'LCF', submitter: SUBMITTER });
const K8S_PUSH = queueConfig(K8S_PUSH_TEMPLATE, { queueName: 'K8S', submitter: SUBMITTER });
const defaults = HARVESTER_DEFAULTS.submitter;

describe('jobsToFetch', () => {
  it('asks for the whole limit while fewer jobs wait: nQueueLimitJob lowered to the running ratio, floored at Min', () => {
    // funcX queue: nQueueLimitJob 10,000, ratio 40 %, Min 100; fetcher maxJobs 500.
    expect(jobsToFetch(FUNCX, 0, 0, 500)).toBe(100);
    expect(jobsToFetch(FUNCX, 99, 0, 500)).toBe(100);
    expect(jobsToFetch(FUNCX, 100, 0, 500)).toBe(0);
    expect(jobsToFetch(FUNCX, 0, 1000, 500)).toBe(400);
    expect(jobsToFetch(FUNCX, 400, 1000, 500)).toBe(0);
    // int(100,000 × 0.4) is cut to nQueueLimitJob, then to maxJobs.
    expect(jobsToFetch(FUNCX, 0, 100_000, 500)).toBe(500);
    expect(jobsToFetch(FUNCX, 0, 100_000, 20_000)).toBe(10_000);
    expect(jobsToFetch(K8S_PUSH, 0, 0, 500)).toBe(500);
  });

  it('defaults the floor to min(1, nQueueLimitJob) and fetches nothing for a queue without a limit', () => {
    const small = queueConfig(FUNCX_TEMPLATE, {
      queueName: 'Q',
      submitter: SUBMITTER,
      nQueueLimitJob: 5,
      nQueueLimitJobRatio: 10,
      nQueueLimitJobMin: undefined,
    });
    expect(jobsToFetch(small, 0, 0, 500)).toBe(1);
    expect(jobsToFetch(small, 0, 30, 500)).toBe(3);
    expect(jobsToFetch(small, 0, 300, 500)).toBe(5);
    expect(jobsToFetch(GRID, 0, 0, 500)).toBe(0);
  });
});

describe('workerTarget', () => {
  const target = (
    queue = GRID,
    nQueue = 0,
    nRunning = 0,
    activated: number | null = 30,
    submitter = defaults,
  ) => workerTarget(queue, { nQueue, nRunning }, activated, submitter).nNewWorkers;

  it('pull mode: activated jobs × activateWorkerFactor, at least one, within the queue limit', () => {
    // Grid pull: limit max(int(nRunning × 50 %), Min 100) up to Max 10,000; maxNewWorkersPerCycle 100.
    expect(target(GRID, 0, 0, 30)).toBe(30);
    expect(target(GRID, 10, 0, 30)).toBe(20);
    expect(target(GRID, 0, 0, 30, { ...defaults, activateWorkerFactor: 0.5 })).toBe(15);
    expect(target(GRID, 0, 0, 0)).toBe(1);
    expect(target(GRID, 1, 0, 0)).toBe(0);
    // Before the Cacher's first pull: the queue limit alone, cut to maxNewWorkersPerCycle.
    expect(target(GRID, 0, 0, null)).toBe(100);
    // nRunning 1000: limit 500; min(2000, 500) − 200 = 300, cut to 100 per cycle.
    expect(target(GRID, 200, 1000, 2000)).toBe(100);
    expect(target(GRID, 500, 1000, 2000)).toBe(0);
    // The global maxNewWorkers cuts too.
    expect(target(GRID, 0, 0, 30, { ...defaults, maxNewWorkers: 7 })).toBe(7);
  });

  it('pull mode with noPilotsWhenNoActiveJobs keeps no pilot for an empty queue', () => {
    const quiet = queueConfig(GRID_PULL_TEMPLATE, {
      queueName: 'GRID',
      submitter: { ...SUBMITTER, noPilotsWhenNoActiveJobs: true },
    });
    expect(target(quiet, 0, 0, 0)).toBe(0);
    expect(target(quiet, 0, 0, 1, { ...defaults, activateWorkerFactor: 0.5 })).toBe(0);
    expect(target(quiet, 0, 0, 4)).toBe(4);
  });

  it('K8s pull: ratio 40 %, Min 1, Max 100, 50 per cycle', () => {
    const k8s = queueConfig(K8S_PULL_TEMPLATE, { queueName: 'K8S', submitter: SUBMITTER });
    expect(target(k8s, 0, 0, 30)).toBe(1);
    // nRunning 200: limit 80; min(300, 80) − 10 = 70, cut to 50.
    expect(target(k8s, 10, 200, 300)).toBe(50);
  });

  it('push mode: the queue limit alone, within maxWorkers and the per-cycle cap', () => {
    // funcX queue: limit max(int(nRunning × 500 %), Min 20) up to Max 500; maxWorkers 100; 20 per cycle.
    expect(target(FUNCX, 0, 0, null)).toBe(20);
    // nRunning 90: limit 450; 450 − 5, but maxWorkers leaves 100 − 95 = 5.
    expect(target(FUNCX, 5, 90, null)).toBe(5);
    expect(target(FUNCX, 10, 90, null)).toBe(0);
  });

  it('submits nothing to an offline queue, and says why', () => {
    const offline = queueConfig(GRID_PULL_TEMPLATE, {
      queueName: 'G',
      submitter: SUBMITTER,
      queueStatus: 'offline',
    });
    expect(workerTarget(offline, { nQueue: 0, nRunning: 0 }, 30, defaults)).toEqual({
      nNewWorkers: 0,
      reason: 'queue status offline',
    });
  });
});
