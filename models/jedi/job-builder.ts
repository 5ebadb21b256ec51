// The job row JEDI inserts for one job of a task at the queue the splitter chose, column by column as
// `JobGeneratorThread.doGenerate` (pandajedi/jediorder/JobGenerator.py) fills them: the unified PQ as
// computingSite, the core count from the queue for multi-core tasks, the compensated minimum RAM
// (`JobUtils.getJobMinRamCount`), the walltime limit of the splitter (min of the task's and the queue's), the
// generated priority (scouts above the task), for user jobs the serial-number priority of the server's
// `insertNewJob`, and the resource type (`JobUtils.get_resource_type_job`). fairshare.md §3.1–3.2, §4.1.

import {
  generatedJobPriority,
  insertedJobPriority,
  jobMinRamCount,
  prioParameters,
  resourceTypeForJob,
  unifiedName,
  UNDEFINED_RESOURCE_TYPE,
  type ResourceTypeSpec,
  type SiteSpec,
  type TaskSpec,
} from '@pandasim/panda';
import type { Payload } from '../provider/worker.ts';
import type { NewJob } from '../server/panda-server.ts';

/**
 * `doGenerate`: single-core tasks and queues without a core count get 1 core, queues with −1 the task's, any
 * other queue its own (a unified PQ's pseudo queue carries the resource type's cores).
 */
export function jobCoreCount(taskCoreCount: number | null, queue: Pick<SiteSpec, 'coreCount'>): number {
  if (taskCoreCount === null || taskCoreCount === 1 || !queue.coreCount) return 1;
  if (queue.coreCount === -1) return Math.max(1, taskCoreCount);
  return queue.coreCount;
}

/** The splitter's walltime limit: the smaller of the task's `maxWalltime` and the queue's `maxtime`; 0 = none. */
export function jobMaxWalltime(
  task: Pick<TaskSpec, 'maxWalltime'>,
  queue: Pick<SiteSpec, 'maxtime'>,
): number {
  const limits = [task.maxWalltime ?? 0, queue.maxtime].filter((t) => t > 0);
  return limits.length > 0 ? Math.min(...limits) : 0;
}

export interface JobBuildRequest {
  PandaID: number;
  task: TaskSpec;
  /** The queue the splitter chose (a pseudo queue for a unified PQ). */
  queue: SiteSpec;
  payload: Payload;
  owner: string;
  isScout: boolean;
  resourceTypes: readonly ResourceTypeSpec[];
  /** The owner's analysis jobs already in the job table (`getNumberJobsUser`); read for user jobs only. */
  userJobs: number;
}

export function buildJob(r: JobBuildRequest): NewJob {
  const { task, queue } = r;
  const coreCount = jobCoreCount(task.coreCount, queue);
  const { minRamCount } = jobMinRamCount({
    ramCount: task.ramCount,
    ramUnit: task.ramUnit,
    baseRamCount: task.baseRamCount,
    coreCount,
  });
  const assignedPriority = generatedJobPriority(task.currentPriority, false, r.isScout);
  const currentPriority =
    task.prodSourceLabel === 'user'
      ? (insertedJobPriority(
          {
            prodSourceLabel: task.prodSourceLabel,
            prodUserName: r.owner,
            processingType: task.processingType,
            assignedPriority,
            isScoutJob: r.isScout,
          },
          prioParameters({ processingType: task.processingType ?? null, existingJobs: r.userJobs }),
        ) ?? assignedPriority)
      : assignedPriority;
  const resourceType = resourceTypeForJob(r.resourceTypes, { coreCount, minRamCount });
  return {
    PandaID: r.PandaID,
    jediTaskID: task.jediTaskID,
    attemptNr: 1,
    computingSite: unifiedName(queue),
    prodSourceLabel: task.prodSourceLabel,
    coreCount,
    minRamCount,
    maxWalltime: jobMaxWalltime(task, queue),
    prodUserName: r.owner,
    payload: { ...r.payload, id: r.PandaID },
    gshare: task.gshare,
    currentPriority,
    ...(resourceType !== UNDEFINED_RESOURCE_TYPE ? { resource_type: resourceType } : {}),
  };
}
