/**
 * The look-ahead estimate the `earliest-completion` and `cost-aware` policies use: what a whole task would
 * take on one resource if sent there now. Deliberately simple, as a planner's rule of thumb would be — the
 * simulation then shows how good the guess was:
 *
 *   queue wait  = the resource's typical worker wait;
 *   transfer    = the task's input bytes (its shared input once) over the resource's uplink;
 *   compute     = waves of parallel jobs × the mean job time there, with the parallelism the free capacity
 *                 gives now (the whole grid counts as one pool: PanDA spreads jobs over its sites);
 *   cost        = the node-hours the jobs hold × the node price.
 */
import type { TaskEstimate } from '../policies/policy.ts';
import type { WorkflowTaskSpec } from '../scenario.ts';
import type { ResourceInfo } from './catalog.ts';

/** Busy cores and GPUs of a resource now. */
export type BusyNow = (resource: string) => { cores: number; gpus: number };

export function estimateTask(
  task: WorkflowTaskSpec,
  resource: ResourceInfo,
  pool: readonly ResourceInfo[],
  busy: BusyNow,
): TaskEstimate {
  const onGpus = task.kind === 'gpu' && resource.gpus > 0;
  const members = resource.kind === 'grid' ? pool.filter((r) => r.kind === 'grid') : [resource];
  let freeCores = 0;
  let freeGpus = 0;
  let hs06 = 0;
  let cores = 0;
  for (const r of members) {
    const b = busy(r.name);
    freeCores += Math.max(0, r.cores - b.cores);
    freeGpus += Math.max(0, r.gpus - b.gpus);
    hs06 += r.cores * r.corepower;
    cores += r.cores;
  }
  const corepower = cores > 0 ? hs06 / cores : 0;
  let perJob: number;
  let parallel: number;
  if (onGpus) {
    perJob = (task.gpuPerJob?.mean ?? 0) / (task.gpusPerJob * resource.gpuSpeed);
    parallel = Math.floor(Math.max(freeGpus, task.gpusPerJob) / task.gpusPerJob);
    // Jobs holding whole nodes run one per node however many GPUs it has.
    if (resource.jobsPerSlot !== null && resource.gpusPerSlot > 0) {
      parallel = Math.min(
        parallel,
        Math.max(1, Math.floor(freeGpus / resource.gpusPerSlot) * resource.jobsPerSlot),
      );
    }
  } else {
    const cpuWork =
      task.kind === 'cpu'
        ? (task.cpuPerJob?.mean ?? 0)
        : (task.gpuPerJob?.mean ?? 0) * (task.cpuPerGpuSecond ?? Infinity);
    perJob = corepower > 0 ? cpuWork / (task.coreCount * corepower) : Infinity;
    parallel = Math.floor(Math.max(freeCores, task.coreCount) / task.coreCount);
  }
  const compute = Math.ceil(task.nJobs / parallel) * perJob;
  const inputBytes = task.inputBytesPerJob * task.nJobs + task.sharedInputBytes;
  const transfer = resource.uplink > 0 ? inputBytes / resource.uplink : Infinity;
  const slotsPerNode =
    resource.jobsPerSlot ??
    (onGpus
      ? Math.max(1, Math.floor(resource.gpusPerSlot / task.gpusPerJob))
      : Math.max(1, Math.floor(resource.coresPerSlot / task.coreCount)));
  const cost = (resource.pricePerSlotHour * task.nJobs * perJob) / slotsPerNode / 3600;
  const queueWait = resource.typicalWait;
  return {
    resource: resource.name,
    queueWait,
    transfer,
    compute,
    total: queueWait + transfer + compute,
    cost,
  };
}
