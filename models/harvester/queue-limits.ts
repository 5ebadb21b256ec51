/**
 * The two numbers a queue's config turns into each cycle: how many jobs the JobFetcher asks for (push mode)
 * and how many workers the submitter makes (the worker adjuster of @pandasim/panda, fairshare.md §5.3).
 */
import { defineNumWorkers, workerLimits } from '@pandasim/panda';
import type { SubmitterParams } from './harvester-params.ts';
import type { QueueConfig } from './queue-config.ts';

/**
 * Jobs to fetch for a push queue with `nStarting` jobs waiting to run and `nRunning` running, or 0.
 * HSF/harvester d561b72 `DBProxy.get_num_jobs_to_fetch`: the limit is `nQueueLimitJob`, lowered to
 * int(nRunning × nQueueLimitJobRatio / 100) but not below `nQueueLimitJobMin` (default min(1, nQueueLimitJob));
 * while fewer jobs than the limit wait, the fetcher asks for the whole limit again (not the difference, so
 * the queue can hold up to twice the limit), capped by the fetcher's `maxJobs`.
 */
export function jobsToFetch(
  config: QueueConfig,
  nStarting: number,
  nRunning: number,
  maxJobs: number,
): number {
  const cap = config.nQueueLimitJob;
  if (cap === undefined) return 0;
  let limit = cap;
  const ratio = config.nQueueLimitJobRatio;
  if (ratio !== undefined) {
    const byRatio = Math.floor((nRunning * ratio) / 100);
    const min = config.nQueueLimitJobMin ?? Math.min(1, cap);
    limit = Math.min(cap, byRatio < min ? min : byRatio);
  }
  return nStarting >= limit ? 0 : Math.min(limit, maxJobs);
}

export interface WorkerTarget {
  readonly nNewWorkers: number;
  readonly reason: string;
}

/**
 * New workers for one queue this cycle: `defineNumWorkers` over the queue's one resource type with the
 * worker counts Harvester last saw. In pull mode the activated jobs the Cacher last pulled count,
 * int(activated × `activateWorkerFactor`) as upstream takes it; `noPilotsWhenNoActiveJobs` keeps the queue
 * empty when that is 0 (the adjuster otherwise keeps one pilot queued).
 */
export function workerTarget(
  config: QueueConfig,
  counts: { nQueue: number; nRunning: number },
  nActivatedJobs: number | null,
  submitter: SubmitterParams,
): WorkerTarget {
  const activated =
    nActivatedJobs === null ? null : Math.floor(nActivatedJobs * submitter.activateWorkerFactor);
  if (config.mapType === 'NoJob' && config.submitter.noPilotsWhenNoActiveJobs && activated === 0) {
    return { nNewWorkers: 0, reason: 'no activated jobs (noPilotsWhenNoActiveJobs)' };
  }
  const limits = workerLimits(config, counts.nRunning, 1);
  const result = defineNumWorkers({
    perResourceType: { ANY: { nQueue: counts.nQueue, nReady: 0, nRunning: counts.nRunning } },
    limits,
    mapType: config.mapType,
    maxNewWorkersPerCycle: config.maxNewWorkersPerCycle,
    maxNewWorkers: submitter.maxNewWorkers,
    queueStatus: config.queueStatus,
    nActivatedJobs: activated,
  });
  return { nNewWorkers: result.nNewWorkers.ANY, reason: result.reasons.ANY };
}
