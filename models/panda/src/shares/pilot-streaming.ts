// Unified Pilot Streaming (fairshare.md §5.2): how many new workers of each resource type the server asks
// Harvester to submit for a UPS queue, by walking the queue's activated jobs in global-share order and
// consuming the already-queued workers first.
//
// Upstream: pandaserver/taskbuffer/db_proxy_mods/worker_module.py `WorkerModule.ups_new_worker_distribution`;
// pandaserver/daemons/scripts/pilotStreaming.py `PilotStreaming.run` (every 300 s).

import { pyInt } from './py-numeric.ts';
import {
  BASIC_RESOURCE_TYPE,
  coresForResourceType,
  HIMEM_THRESHOLD,
  isHighMemory,
  resourceTypesUnderMemory,
  type ResourceSpec,
} from './resource-types.ts';

/** Period of the pilot-streaming daemon, seconds. */
export const PILOT_STREAMING_PERIOD_S = 300;
/** The job type activated jobs are accounted under (`DEFAULT_PRODSOURCELABEL`). */
export const UPS_DEFAULT_JOB_TYPE = 'managed';
/** Key of `resource_type_limits` that caps all high-memory types together, in cores. */
export const UPS_HIMEM_LIMIT_KEY = 'HIMEM';

export const UPS_CONSTANTS = {
  /** Target queued cores as a fraction of running cores (the docstring says 0.5; §9 item 6). */
  queuedFractionOfRunning: 0.4,
  /** Minimum target, in PQ core counts. */
  minTargetCoresPerQueueCore: 75,
  /** Minimum cores to process per cycle, in PQ core counts. */
  minToSubmitCoresPerQueueCore: 5,
} as const;

/** Harvester worker counts of one resource type (`harvester_worker_stats` via pilotStreaming). */
export interface UpsWorkerCounts {
  running?: number;
  submitted?: number;
  ready?: number;
}

/** The PQ configuration `ups_new_worker_distribution` reads (schedconfig JSON). */
export interface UpsQueueConfig {
  /** `corecount`; falsy means 1. */
  corecount?: number | null;
  /** `uconfig.resource_type_limits`: per RT in workers, `HIMEM` in cores. */
  resourceTypeLimits?: Readonly<Record<string, number>>;
  /** `meanrss`, MB per core; 0 or absent = no memory target. */
  meanrss?: number | null;
  status?: string;
  /** `params.ups_core_target`, applied when the PQ is online or brokeroff. */
  upsCoreTarget?: number | null;
}

/** An activated job of the PQ (`jobsactive4` columns the query reads). */
export interface UpsActivatedJob {
  gshare: string;
  resource_type: string;
  currentPriority: number;
}

export interface UpsInput {
  queue: UpsQueueConfig;
  /** Worker stats of the assigned Harvester instance: job type → resource type → counts. */
  workerStats: Readonly<Record<string, Readonly<Record<string, UpsWorkerCounts>>>>;
  /** Leaf names in `get_sorted_leaves` order. */
  sortedShares: readonly string[];
  activatedJobs: readonly UpsActivatedJob[];
  resourceTypes: readonly ResourceSpec[];
  /** Config `meanrss.IGNORE_MEANRSS`. */
  ignoreMeanrss?: boolean;
  /** `get_average_memory_workers`: average MB/core of running+submitted workers and of running ones. */
  averageMemoryWorkersRunningSubmitted?: number;
  averageMemoryWorkersRunning?: number;
  /** Default `UPS_CONSTANTS.queuedFractionOfRunning` (0.4, the code); 0.5 is the docstring's variant. */
  queuedFractionOfRunning?: number;
}

export interface UpsResult {
  /** New workers per job type and resource type (0 where enough are queued). */
  newWorkers: Record<string, Record<string, number>>;
  coresRunning: number;
  coresQueued: number;
  coresTarget: number;
  /** Cores still to cover when the walk ended (≤ 0 ⇒ it stopped early). */
  coresToSubmitLeft: number;
  /** RTs allowed by the mean-RSS filter, or null when all are. */
  allowedResourceTypes: string[] | null;
}

/** `ups_new_worker_distribution` for one queue whose assigned Harvester instance reported stats. */
export function upsNewWorkerDistribution(input: UpsInput): UpsResult {
  const U = UPS_CONSTANTS;
  const types = input.resourceTypes;
  const coresQueue = input.queue.corecount ? input.queue.corecount : 1;
  const limits: Record<string, number> = { ...(input.queue.resourceTypeLimits ?? {}) };
  const target = input.queue.meanrss ? input.queue.meanrss : null;

  let allowed: string[] | null = null;
  if (input.ignoreMeanrss !== true && target !== null) {
    const worst = Math.max(
      input.averageMemoryWorkersRunningSubmitted ?? 0,
      input.averageMemoryWorkersRunning ?? 0,
    );
    if (target < worst) {
      const under = resourceTypesUnderMemory(types, target);
      // An empty list is falsy upstream, which then applies no filter at all.
      allowed = under.length > 0 ? under : null;
    }
  }

  let coresRunning = 0;
  let coresQueued = 0;
  const queued: Record<string, Record<string, number>> = {};
  for (const [jobType, byRt] of Object.entries(input.workerStats)) {
    queued[jobType] ??= {};
    for (const [rt, counts] of Object.entries(byRt)) {
      const factor = coresForResourceType(types, rt, coresQueue);
      if (counts.running !== undefined) {
        coresRunning += counts.running * factor;
        if (rt in limits) limits[rt] -= counts.running;
        if (isHighMemory(types, rt, HIMEM_THRESHOLD) && UPS_HIMEM_LIMIT_KEY in limits) {
          limits[UPS_HIMEM_LIMIT_KEY] -= counts.running * factor;
        }
      }
      for (const n of [counts.submitted, counts.ready]) {
        queued[jobType][rt] ??= 0;
        if (n === undefined) continue;
        queued[jobType][rt] += n;
        coresQueued += n * factor;
      }
    }
  }
  const status = input.queue.status;
  if ((status === 'online' || status === 'brokeroff') && input.queue.upsCoreTarget) {
    coresRunning = Math.max(coresRunning, input.queue.upsCoreTarget);
  }
  const coresTarget = Math.max(
    pyInt(coresRunning * (input.queuedFractionOfRunning ?? U.queuedFractionOfRunning)),
    U.minTargetCoresPerQueueCore * coresQueue,
  );
  let toSubmit = Math.max(coresTarget - coresQueued, U.minToSubmitCoresPerQueueCore * coresQueue);

  const byShare = new Map<string, UpsActivatedJob[]>();
  for (const job of input.activatedJobs) {
    if (allowed !== null && !allowed.includes(job.resource_type)) continue;
    let list = byShare.get(job.gshare);
    if (list === undefined) {
      list = [];
      byShare.set(job.gshare, list);
    }
    list.push(job);
  }
  const jobType = UPS_DEFAULT_JOB_TYPE;
  walk: for (const share of input.sortedShares) {
    const jobs = (byShare.get(share) ?? []).slice().sort((a, b) => b.currentPriority - a.currentPriority);
    for (const job of jobs) {
      const rt = job.resource_type;
      const factor = coresForResourceType(types, rt, coresQueue);
      if (rt in limits && limits[rt] <= 0) continue;
      if (
        isHighMemory(types, rt, HIMEM_THRESHOLD) &&
        UPS_HIMEM_LIMIT_KEY in limits &&
        limits[UPS_HIMEM_LIMIT_KEY] <= 0
      ) {
        continue;
      }
      queued[jobType] ??= {};
      queued[jobType][rt] = (queued[jobType][rt] ?? 0) - 1;
      if (queued[jobType][rt] <= 0) toSubmit -= factor;
      if (toSubmit <= 0) break walk;
    }
  }

  const newWorkers: Record<string, Record<string, number>> = {};
  let any = false;
  for (const [jt, byRt] of Object.entries(queued)) {
    newWorkers[jt] = {};
    for (const [rt, q] of Object.entries(byRt)) {
      newWorkers[jt][rt] = q >= 0 ? 0 : -q + 1;
      if (newWorkers[jt][rt] > 0) any = true;
    }
  }
  // Keep the queue alive with one basic worker when nothing else is asked for.
  if (!any) newWorkers[jobType] = { [BASIC_RESOURCE_TYPE]: 1 };
  return {
    newWorkers,
    coresRunning,
    coresQueued,
    coresTarget,
    coresToSubmitLeft: toSubmit,
    allowedResourceTypes: allowed,
  };
}
