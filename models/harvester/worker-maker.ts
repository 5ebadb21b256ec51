/**
 * What a worker asks the provider for (WorkerMaker.make_worker): HSF/harvester `SimpleWorkerMaker` for pilots
 * and one-job workers, `MultiJobWorkerMaker` for many jobs in one multi-node worker.
 */
import type { WorkerRequest } from '../provider/worker.ts';
import type { JobSpec } from './panda-server-api.ts';
import type { QueueConfig } from './queue-config.ts';

/**
 * - `NoJob`: the queue's worker shape (CRIC corecount and maxrss) for the queue's `walltimeLimit`.
 * - `OneToOne`: the job's cores, GPUs and memory (the queue's memory when it states none), and its walltime
 *   (the queue's `walltimeLimit` when it states none); the job's owner.
 * - `ManyToOne`: one whole node per job (`nCore = nCorePerNode × nJobs`), the largest memory a job asks (or
 *   the node's), the queue's `walltimeLimit`; the owner when all jobs share one.
 */
export function makeWorkerRequest(queue: QueueConfig, jobs: readonly JobSpec[]): WorkerRequest {
  const { submitter } = queue;
  const providerQueue = submitter.batchQueue ?? queue.queueName;
  if (queue.mapType === 'NoJob') {
    return {
      queue: providerQueue,
      cores: submitter.nCorePerNode,
      gpus: submitter.nGpuPerNode,
      nodes: 1,
      memoryMB: submitter.memoryPerNodeMB,
      walltime: queue.walltimeLimit,
    };
  }
  if (jobs.length === 0) throw new Error(`queue ${queue.queueName}: a ${queue.mapType} worker needs jobs`);
  if (queue.mapType === 'OneToOne') {
    const job = jobs[0];
    return {
      queue: providerQueue,
      cores: job.coreCount,
      gpus: job.payload.gpus,
      nodes: 1,
      memoryMB: job.minRamCount > 0 ? job.minRamCount : submitter.memoryPerNodeMB,
      walltime: job.maxWalltime > 0 ? job.maxWalltime : queue.walltimeLimit,
      user: job.prodUserName,
    };
  }
  const owner = jobs[0].prodUserName;
  const largestMemory = Math.max(...jobs.map((job) => job.minRamCount));
  return {
    queue: providerQueue,
    cores: submitter.nCorePerNode,
    gpus: submitter.nGpuPerNode,
    nodes: jobs.length,
    memoryMB: largestMemory > 0 ? largestMemory : submitter.memoryPerNodeMB,
    walltime: queue.walltimeLimit,
    user: jobs.every((job) => job.prodUserName === owner) ? owner : undefined,
  };
}
