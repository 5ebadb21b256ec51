// Harvester's worker adjuster (fairshare.md §5.3): the per-queue worker limits and the number of new workers
// per resource type for one submission cycle, including the proportional scale-down across the resource types
// of a unified queue.
//
// Upstream (panda-harvester snapshot 90aefac4, 2019-07-30): pandaharvester/harvestercore/db_proxy.py
// `DBProxy.get_worker_limits`; pandaharvester/harvesterbody/worker_adjuster.py
// `WorkerAdjuster.define_num_workers`. Later versions add a job-type dimension, core/memory queue limits and
// an activation factor; those are not modelled (fairshare.md §9 item 10).

import { pyDivmod, pyInt } from './py-numeric.ts';

/** The `ANY` row of Harvester's panda-queue table (queue-wide limits). */
export interface WorkerLimitConfig {
  maxWorkers: number;
  nQueueLimitWorker?: number | null;
  /** Percent of running workers. */
  nQueueLimitWorkerRatio?: number | null;
  nQueueLimitWorkerMax?: number | null;
  nQueueLimitWorkerMin?: number | null;
}

export interface WorkerLimits {
  maxWorkers: number;
  /** Limit on queued workers over all resource types. */
  nQueueLimitWorker: number;
  nQueueLimitWorkerPerRT: number;
}

/** `get_worker_limits`. `nResourceTypes` counts the queue's non-ANY rows (at least 1). */
export function workerLimits(
  config: WorkerLimitConfig,
  nRunningWorkers: number,
  nResourceTypes: number,
): WorkerLimits {
  const nRT = Math.max(1, nResourceTypes);
  let total: number;
  let perRT: number;
  const ratio = config.nQueueLimitWorkerRatio;
  if (ratio !== null && ratio !== undefined && ratio > 0) {
    const byRatio = pyInt((nRunningWorkers * ratio) / 100);
    const min = config.nQueueLimitWorkerMin ?? 1;
    total = Math.max(byRatio, min * nRT);
    perRT = Math.max(byRatio, min);
    const max = config.nQueueLimitWorkerMax;
    if (max !== null && max !== undefined) {
      total = Math.min(total, max);
      perRT = Math.min(perRT, max);
    }
  } else if (config.nQueueLimitWorker !== null && config.nQueueLimitWorker !== undefined) {
    total = config.nQueueLimitWorker;
    perRT = total;
  } else {
    total = config.maxWorkers;
    perRT = total;
  }
  return {
    maxWorkers: config.maxWorkers,
    nQueueLimitWorker: Math.min(total, config.maxWorkers),
    nQueueLimitWorkerPerRT: perRT,
  };
}

/** Worker counts of one resource type; `nNewWorkers` is PanDA's request in slave (UPS) mode. */
export interface WorkerCountsPerRT {
  nQueue: number;
  nReady: number;
  nRunning: number;
  nNewWorkers?: number;
}

export interface WorkerAdjusterInput {
  /** Resource type → counts, in the queue's order; may include the queue-wide `ANY` entry. */
  perResourceType: Readonly<Record<string, WorkerCountsPerRT>>;
  limits: WorkerLimits;
  /** Queue config: `slave` follows PanDA's numbers (UPS); `NoJob` map type is pull mode. */
  runMode?: 'self' | 'slave';
  mapType?: string;
  /** Queue `maxNewWorkersPerCycle` (default 0). */
  maxNewWorkersPerCycle?: number;
  /** Harvester-wide `submitter.maxNewWorkers`; null = unset. */
  maxNewWorkers?: number | null;
  /** PanDA status of the queue; offline/standby/maintenance stop submission. */
  queueStatus?: string;
  /** A queue throttler plugin said "throttle". */
  throttled?: boolean;
  /** `job_statistics.json` activated jobs at the PQ; null when missing. */
  nActivatedJobs?: number | null;
}

export interface WorkerAdjusterResult {
  nNewWorkers: Record<string, number>;
  reasons: Record<string, string>;
}

const DISABLED_STATUSES = new Set(['offline', 'standby', 'maintenance']);

/** `define_num_workers` for one queue. */
export function defineNumWorkers(input: WorkerAdjusterInput): WorkerAdjusterResult {
  const { maxWorkers, nQueueLimitWorker, nQueueLimitWorkerPerRT: perRT } = input.limits;
  const perCycle = input.maxNewWorkersPerCycle ?? 0;
  const globalMax = input.maxNewWorkers ?? null;
  const nNewWorkers: Record<string, number> = {};
  const reasons: Record<string, string> = {};
  let nQueueTotal = 0;
  let nReadyTotal = 0;
  let nRunningTotal = 0;

  for (const [rt, counts] of Object.entries(input.perResourceType)) {
    if (input.queueStatus !== undefined && DISABLED_STATUSES.has(input.queueStatus)) {
      nNewWorkers[rt] = 0;
      reasons[rt] = `queue status ${input.queueStatus}`;
      continue;
    }
    if (input.throttled) {
      nNewWorkers[rt] = 0;
      reasons[rt] = 'throttled by queue throttler';
      continue;
    }
    const { nQueue, nReady, nRunning } = counts;
    if (rt !== 'ANY') {
      nQueueTotal += nQueue;
      nReadyTotal += nReady;
      nRunningTotal += nRunning;
    }
    let fromPanda: number | null = null;
    if (input.runMode === 'slave') {
      fromPanda = counts.nNewWorkers ?? 0;
      if (fromPanda === 0) {
        nNewWorkers[rt] = 0;
        reasons[rt] = 'set to 0 by PanDA in slave mode';
        continue;
      }
    }
    let n = 0;
    if (perRT > 0 && nQueue >= perRT) {
      reasons[rt] = `nQueue(${nQueue}) >= nQueueLimitPerRT(${perRT})`;
    } else if (maxWorkers > 0 && nQueue + nReady + nRunning >= maxWorkers) {
      reasons[rt] = `nQueue + nReady + nRunning >= maxWorkers(${maxWorkers})`;
    } else {
      let maxQueued: number | null = perRT > 0 ? perRT : null;
      if (fromPanda !== null) {
        const slave = fromPanda + nQueue;
        maxQueued = maxQueued === null ? slave : Math.min(slave, maxQueued);
      } else if (
        input.mapType === 'NoJob' &&
        input.nActivatedJobs !== null &&
        input.nActivatedJobs !== undefined
      ) {
        // Upstream compares with None here and would raise when no per-RT limit exists; treated as no limit.
        const activated = Math.max(input.nActivatedJobs, 1);
        maxQueued = maxQueued === null ? activated : Math.min(activated, maxQueued);
      }
      n = Math.max((maxQueued ?? 1) - nQueue, 0);
      if (maxWorkers > 0) n = Math.min(n, Math.max(maxWorkers - nQueue - nReady - nRunning, 0));
      reasons[rt] = `maxQueuedWorkers ${maxQueued ?? 1}`;
    }
    if (perCycle > 0) n = Math.min(n, perCycle);
    if (globalMax !== null && globalMax > 0) n = Math.min(n, globalMax);
    nNewWorkers[rt] = n;
  }

  const rts = Object.keys(input.perResourceType);
  if (rts.length > 1) {
    const real = rts.filter((rt) => rt !== 'ANY');
    const total = real.reduce((s, rt) => s + nNewWorkers[rt], 0);
    let maxAgg = Math.min(
      Math.max(nQueueLimitWorker - nQueueTotal, 0),
      Math.max(maxWorkers - nQueueTotal - nReadyTotal - nRunningTotal, 0),
    );
    // `>= 0`, unlike the per-RT `> 0`: the default maxNewWorkersPerCycle of 0 caps the aggregate at 0.
    if (perCycle >= 0) maxAgg = Math.min(maxAgg, perCycle);
    if (globalMax !== null && globalMax > 0) maxAgg = Math.min(maxAgg, globalMax);
    if (total > maxAgg) {
      if (maxAgg === 0) {
        for (const rt of rts) {
          nNewWorkers[rt] = 0;
          reasons[rt] = 'aggregate limit over resource types is 0';
        }
      } else {
        scaleDown(nNewWorkers, reasons, real, total, maxAgg);
      }
    }
  }
  return { nNewWorkers, reasons };
}

/** Proportional integer split, leftovers to the largest remainders (ties: smaller request first, stable). */
function scaleDown(
  nNewWorkers: Record<string, number>,
  reasons: Record<string, string>,
  rts: readonly string[],
  total: number,
  maxAgg: number,
): void {
  let countdown = maxAgg;
  const rows = rts.map((rt) => {
    const orig = nNewWorkers[rt];
    const [q, remainder] = pyDivmod(orig * maxAgg, total);
    nNewWorkers[rt] = q;
    reasons[rt] = `scaled to aggregate limit ${maxAgg}`;
    countdown -= q;
    return { rt, orig, remainder };
  });
  const ordered = rows
    .slice()
    .sort((a, b) => a.orig - b.orig)
    .sort((a, b) => b.remainder - a.remainder);
  for (const row of ordered) {
    if (countdown <= 0) break;
    nNewWorkers[row.rt] += 1;
    countdown -= 1;
  }
}
