// Candidate set of a pilot's job request (fairshare.md §1.8 step 1): the WHERE clause of the dispatch query
// over `jobsActive4`, as a predicate with SQL NULL semantics, and the mean-RSS limit that push queues apply.
//
// Upstream: job_complex_module.py `JobComplexModule.construct_where_clause`, `JobComplexModule.getJobs`.

/** The `jobsActive4` columns the WHERE clause reads. Nullable columns follow SQL three-valued logic. */
export interface DispatchFilterJob {
  jobStatus: string;
  computingSite: string;
  prodSourceLabel: string;
  processingType?: string | null;
  minRamCount?: number | null;
  maxDiskCount?: number | null;
  maxWalltime?: number | null;
  resource_type?: string | null;
  coreCount?: number | null;
  prodUserName?: string | null;
  jediTaskID?: number | null;
  jobExecutionID?: number | null;
}

/** What the pilot (or Harvester worker) sends to `acquire_jobs`. Zero / absent means "not stated". */
export interface JobRequest {
  siteName: string;
  /** MB of memory of the slot; 0 = no memory filter. */
  mem?: number;
  /** Disk space of the slot; 0 = no disk filter. */
  diskSpace?: number;
  /** Seconds of walltime left in the slot; ≤ 0 = no walltime filter. */
  remainingTime?: number;
  background?: boolean;
  resourceType?: string | null;
  prodSourceLabel?: string | null;
  computingElement?: string | null;
  isGU?: boolean;
  jobType?: string | null;
  /** Already reduced to the compact user name (`CoreUtils.clean_user_id`). */
  prodUserName?: string | null;
  taskID?: number | null;
  /** From `dispatchMemoryLimit`; null = none. */
  averageMemoryLimit?: number | null;
}

const USER_LABELS = new Set(['user', 'panda', 'install']);
const MANAGED_LABELS = new Set(['managed', 'test', 'prod_test', 'install']);
const UNIFIED_LABELS = new Set(['managed', 'test', 'prod_test', 'install', 'user', 'panda']);
const TEST_CE_LABELS = new Set(['prod_test', 'install', 'test']);

function labelMatches(job: DispatchFilterJob, request: JobRequest): boolean {
  const label = request.prodSourceLabel ?? null;
  if (label === 'user') return USER_LABELS.has(job.prodSourceLabel);
  if (label === null || label === 'managed') return MANAGED_LABELS.has(job.prodSourceLabel);
  if (label === 'test' && request.computingElement !== null && request.computingElement !== undefined) {
    if (request.isGU && request.jobType === 'user') return job.processingType === 'gangarobot';
    return job.processingType === 'gangarobot' || TEST_CE_LABELS.has(job.prodSourceLabel);
  }
  if (label === 'unified') return UNIFIED_LABELS.has(job.prodSourceLabel);
  return job.prodSourceLabel === label;
}

/** `construct_where_clause` as a predicate: is this job a candidate for the request? */
export function matchesJobRequest(job: DispatchFilterJob, request: JobRequest): boolean {
  if (job.jobStatus !== 'activated' || job.computingSite !== request.siteName) return false;
  const mem = request.mem ?? 0;
  if (mem !== 0) {
    const ram = job.minRamCount;
    if (ram === null || ram === undefined || !(ram <= mem || ram === 0)) return false;
  }
  const disk = request.diskSpace ?? 0;
  if (disk !== 0) {
    const need = job.maxDiskCount;
    if (need === null || need === undefined || !(need <= disk || need === 0)) return false;
  }
  const remaining = request.remainingTime ?? 0;
  if (
    remaining > 0 &&
    job.maxWalltime !== null &&
    job.maxWalltime !== undefined &&
    job.maxWalltime > remaining
  ) {
    return false;
  }
  if (request.background === true && job.jobExecutionID !== 1) return false;
  if (request.resourceType !== null && request.resourceType !== undefined) {
    if (job.resource_type !== request.resourceType) return false;
  }
  if (!labelMatches(job, request)) return false;
  if (request.prodUserName !== null && request.prodUserName !== undefined) {
    if (job.prodUserName !== request.prodUserName) return false;
  }
  if (request.taskID !== null && request.taskID !== undefined && job.jediTaskID !== request.taskID)
    return false;
  if (request.averageMemoryLimit) {
    const ram = job.minRamCount;
    if (ram === null || ram === undefined) return false;
    if (ram / (job.coreCount ?? 1) > request.averageMemoryLimit) return false;
  }
  return true;
}

/** Inputs of the mean-RSS throttle that `getJobs` applies to push queues. */
export interface DispatchMemoryInput {
  /** Config `meanrss.IGNORE_MEANRSS`. */
  ignoreMeanrss?: boolean;
  /** PQ `meanrss` (MB per core); 0 or absent = no target. */
  meanrss?: number | null;
  /** PQ `workflow`; only values starting with `push` apply the limit. */
  workflow?: string | null;
  /** `get_average_memory_jobs`: average prorated memory of running+starting jobs, and of running ones. */
  averageMemoryRunningSubmitted: number;
  averageMemoryRunning: number;
}

/** `getJobs`: the `average_memory_limit` passed to the WHERE clause, or null. */
export function dispatchMemoryLimit(input: DispatchMemoryInput): number | null {
  if (input.ignoreMeanrss === true) return null;
  const target = input.meanrss ? input.meanrss : null;
  const isPush = typeof input.workflow === 'string' && input.workflow.startsWith('push');
  if (!isPush || target === null) return null;
  if (input.averageMemoryRunningSubmitted > target || input.averageMemoryRunning > target) return target;
  return null;
}
