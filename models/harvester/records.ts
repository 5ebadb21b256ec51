/**
 * The rows of Harvester's local database: jobs (push mode), workers and PanDA queues, with what Harvester
 * knows of each and when it learnt it (HSF/harvester `harvestercore/job_spec.py`, `work_spec.py`,
 * `panda_queue_spec.py`).
 */
import type { FailureCause, WorkerStatus } from '../provider/worker.ts';
import type { JobFailure, JobSpec } from './panda-server-api.ts';
import type { WorkerPlugin, WorkSpec } from './plugin.ts';
import type { QueueConfig } from './queue-config.ts';

/** PanDA-side status Harvester keeps for a job. */
export type HarvesterJobStatus = 'starting' | 'running' | 'finished' | 'failed';

/** Harvester's `subStatus` of a job (providers.md §1.3). */
export type JobSubStatus =
  | 'fetched'
  | 'preparing'
  | 'prepared'
  | 'failed_to_prepare'
  | 'submitted'
  | 'running'
  | 'to_transfer'
  | 'transferring'
  | 'finished'
  | 'failed'
  | 'failed_to_stage_out'
  | 'done';

/** A job as Harvester tracked it, with the simulated times of its hand-offs. */
export interface HarvesterJob {
  readonly spec: JobSpec;
  readonly queueName: string;
  readonly status: HarvesterJobStatus;
  readonly subStatus: JobSubStatus;
  readonly workerID: number | undefined;
  readonly submissionAttempts: number;
  /** The job fetcher got it. */
  readonly fetchedAt: number;
  /** The preparator found its stage-in done. */
  readonly preparedAt?: number;
  /** The submitter bound it to a worker. */
  readonly submittedAt?: number;
  /** The payload started and ended (as the worker recorded it). */
  readonly startTime?: number;
  readonly endTime?: number;
  /** The monitor saw it running, and saw it ended. */
  readonly runningSeenAt?: number;
  readonly endSeenAt?: number;
  /** The stager found its stage-out done. */
  readonly stagedOutAt?: number;
  /** Harvester sent its final state (absent when the pilot reported it). */
  readonly reportedAt?: number;
  readonly cause?: JobFailure;
}

export class JobRecord implements HarvesterJob {
  status: HarvesterJobStatus = 'starting';
  subStatus: JobSubStatus = 'fetched';
  worker: WorkerRecord | undefined;
  submissionAttempts = 0;
  preparedAt?: number;
  submittedAt?: number;
  startTime?: number;
  endTime?: number;
  runningSeenAt?: number;
  endSeenAt?: number;
  stagedOutAt?: number;
  reportedAt?: number;
  cause?: JobFailure;
  /** Results of the stage-in and stage-out functions; undefined while they run. */
  stageInOk?: boolean;
  stageOutOk?: boolean;

  constructor(
    readonly spec: JobSpec,
    readonly queue: QueueState,
    readonly fetchedAt: number,
  ) {}

  get queueName(): string {
    return this.queue.config.queueName;
  }

  get workerID(): number | undefined {
    return this.worker?.workerID;
  }

  get final(): boolean {
    return this.status === 'finished' || this.status === 'failed';
  }
}

/** A worker as Harvester tracked it: its status is the one the monitor last saw. */
export interface HarvesterWorker {
  readonly workerID: number;
  readonly queueName: string;
  readonly status: WorkerStatus;
  readonly submitTime: number;
  readonly startTime?: number;
  readonly endTime?: number;
  readonly cause?: FailureCause;
  /** Jobs it held: bound ones (push), fetched by its pilot (pull). */
  readonly nJobs: number;
  /** The monitor saw it start and saw it end. */
  readonly runningSeenAt?: number;
  readonly endSeenAt?: number;
}

export class WorkerRecord implements HarvesterWorker {
  status: WorkerStatus = 'submitted';
  startTime?: number;
  endTime?: number;
  cause?: FailureCause;
  runningSeenAt?: number;
  endSeenAt?: number;
  /** Its jobs: the bound ones (push); those its pilot has and has not reported final itself (pull). */
  pandaIDs: readonly number[];
  /** Jobs its pilot got in all (pull). */
  jobsRun = 0;
  killRequested = false;

  constructor(
    readonly spec: WorkSpec,
    readonly queue: QueueState,
    readonly submitTime: number,
    readonly jobs: readonly JobRecord[],
  ) {
    this.pandaIDs = jobs.map((job) => job.spec.PandaID);
  }

  get workerID(): number {
    return this.spec.workerID;
  }

  get queueName(): string {
    return this.queue.config.queueName;
  }

  get nJobs(): number {
    return Math.max(this.pandaIDs.length, this.jobsRun);
  }

  get final(): boolean {
    return this.status !== 'submitted' && this.status !== 'running';
  }
}

/** A PanDA queue's row: its config and plugin, counters, and its prepared jobs waiting for workers. */
export class QueueState {
  /** Workers the monitor last saw queued (`nQueue`) and running. */
  nQueueWorkers = 0;
  nRunningWorkers = 0;
  /** Jobs starting (fetched, not yet seen running) and running. */
  nStartingJobs = 0;
  nRunningJobs = 0;
  /** Prepared jobs, oldest first. */
  prepared: JobRecord[] = [];
  lastFetch = -Infinity;
  lastSubmit = -Infinity;

  constructor(
    readonly config: QueueConfig,
    readonly plugin: WorkerPlugin,
  ) {}
}
