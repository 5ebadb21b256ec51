/**
 * Harvester's local database (HSF/harvester `harvestercore/db_proxy.py`): the rows (records.ts), the counters
 * the worker adjuster and the job fetcher read, the lists each agent picks its rows from (due-list.ts), and
 * the state changes more than one agent makes.
 *
 * Job rows exist in push mode only; a pull-mode pilot's jobs are the server's business, except when the
 * worker is lost under them (then Harvester reports them failed). Rows are dropped once the server has their
 * final state, so memory follows the live jobs and workers.
 */
import type { PayloadOutcome } from '../provider/worker.ts';
import { DueList } from './due-list.ts';
import type { JobFailure, JobReport, JobSpec } from './panda-server-api.ts';
import type { JobAttempt, WorkerCheck, WorkSpec } from './plugin.ts';
import {
  JobRecord,
  WorkerRecord,
  type HarvesterJob,
  type HarvesterJobStatus,
  type HarvesterWorker,
  type QueueState,
} from './records.ts';

/** What Harvester did, counted. */
export interface HarvesterStats {
  jobsFetched: number;
  workersSubmitted: number;
  /** Submissions the provider refused. */
  workersMissed: number;
  /** Workers seen ending, by final status. */
  workersEnded: Record<'finished' | 'failed' | 'cancelled', number>;
  /** Pull-mode pilots that ran and found no job, and those that ran at least one. */
  emptyPilots: number;
  pilotsWithJobs: number;
  /** Final job states sent by Harvester (not by pilots). */
  jobsReportedFinished: number;
  jobsReportedFailed: number;
  /** Of the failed: jobs whose worker was lost under them. */
  lostJobsReported: number;
  /** Reports of a non-final job state (state changes and heartbeats). */
  jobHeartbeats: number;
  /** Workers not submitted because the provider's token (or the owner's) had expired. */
  workersBlockedByCredentials: number;
  /** Workers killed for queuing longer than `workerQueueTimeLimit`. */
  workersKilledInQueue: number;
}

function emptyStats(): HarvesterStats {
  return {
    jobsFetched: 0,
    workersSubmitted: 0,
    workersMissed: 0,
    workersEnded: { finished: 0, failed: 0, cancelled: 0 },
    emptyPilots: 0,
    pilotsWithJobs: 0,
    jobsReportedFinished: 0,
    jobsReportedFailed: 0,
    lostJobsReported: 0,
    jobHeartbeats: 0,
    workersBlockedByCredentials: 0,
    workersKilledInQueue: 0,
  };
}

/** Called when Harvester forgets a row. */
export interface HarvesterObserver {
  jobDone?(job: HarvesterJob): void;
  workerDone?(worker: HarvesterWorker): void;
}

export class LocalDb {
  readonly stats = emptyStats();
  /** Preparator: fetched jobs to trigger, then triggered ones to check. */
  readonly toPrepare = new DueList<JobRecord>();
  readonly preparing = new DueList<JobRecord>();
  /** Stager: ended jobs to trigger, then triggered ones to check. */
  readonly toStageOut = new DueList<JobRecord>();
  readonly stagingOut = new DueList<JobRecord>();
  readonly toMonitor = new DueList<WorkerRecord>();
  readonly toKill = new DueList<WorkerRecord>();
  readonly jobsToPropagate = new DueList<JobRecord>();
  readonly workersToPropagate = new DueList<WorkerRecord>();
  /** Failed reports for pull-mode jobs lost with their worker. */
  readonly lostJobReports = new DueList<JobReport>();
  private nextWorkerID = 1;

  constructor(
    readonly queues: readonly QueueState[],
    readonly harvesterID: string,
    private readonly observer: HarvesterObserver,
  ) {}

  jobFetched(queue: QueueState, spec: JobSpec, now: number): void {
    const job = new JobRecord(spec, queue, now);
    queue.nStartingJobs++;
    this.stats.jobsFetched++;
    this.toPrepare.trigger(job);
  }

  jobPrepared(job: JobRecord, now: number): void {
    job.subStatus = 'prepared';
    job.preparedAt = now;
    job.queue.prepared.push(job);
  }

  /** A new worker for `jobs` (none in pull mode), counted as queued from now. */
  newWorker(
    queue: QueueState,
    request: WorkSpec['request'],
    jobs: readonly JobRecord[],
    now: number,
  ): WorkerRecord {
    const spec: WorkSpec = {
      workerID: this.nextWorkerID++,
      queue: queue.config,
      request,
      jobs: jobs.map((job) => job.spec),
    };
    const worker = new WorkerRecord(spec, queue, now, jobs);
    queue.nQueueWorkers++;
    this.stats.workersSubmitted++;
    for (const job of jobs) {
      job.worker = worker;
      job.subStatus = 'submitted';
      job.submittedAt = now;
      job.submissionAttempts++;
      this.jobsToPropagate.trigger(job);
    }
    return worker;
  }

  /** The provider refused the worker: its jobs wait for another, or fail after `maxSubmissionAttempts`. */
  workerMissed(worker: WorkerRecord, now: number): void {
    worker.queue.nQueueWorkers--;
    worker.status = 'missed';
    worker.endTime = now;
    worker.cause = 'submission-failed';
    this.stats.workersMissed++;
    const queue = worker.queue;
    const retry: JobRecord[] = [];
    for (const job of worker.jobs) {
      job.worker = undefined;
      this.jobsToPropagate.remove(job);
      if (job.submissionAttempts < queue.config.maxSubmissionAttempts) {
        job.subStatus = 'prepared';
        retry.push(job);
      } else {
        this.jobFailedBeforeRun(job, 'submission-failed');
      }
    }
    queue.prepared.unshift(...retry);
    this.workersToPropagate.trigger(worker);
  }

  /** A job that never ran fails (stage-in, submission): Harvester reports it. */
  jobFailedBeforeRun(job: JobRecord, cause: JobFailure): void {
    this.setJobStatus(job, 'failed');
    job.subStatus = cause === 'stage-in-failed' ? 'failed_to_prepare' : 'failed';
    job.cause = cause;
    this.jobsToPropagate.trigger(job);
  }

  /** The stager found the job's outputs out (or their transfer failed): its final state goes to the server. */
  jobStagedOut(job: JobRecord, ok: boolean, now: number): void {
    job.stagedOutAt = now;
    if (!ok) {
      this.setJobStatus(job, 'failed');
      job.cause = 'stage-out-failed';
    }
    job.subStatus = !ok ? 'failed_to_stage_out' : job.status === 'failed' ? 'failed' : 'finished';
    this.jobsToPropagate.trigger(job);
  }

  /** Applies what a monitor check found to a worker and its jobs. */
  applyCheck(worker: WorkerRecord, check: WorkerCheck, now: number): void {
    const queue = worker.queue;
    const changed = check.status !== worker.status;
    if (changed && check.status === 'running') {
      queue.nQueueWorkers--;
      queue.nRunningWorkers++;
      worker.status = 'running';
      worker.startTime = check.startTime;
      worker.runningSeenAt = now;
    }
    if (queue.config.mapType !== 'NoJob') this.applyAttempts(worker, check, now);
    else {
      worker.pandaIDs = check.attempts.map((attempt) => attempt.job.PandaID);
      worker.jobsRun = check.jobsRun ?? check.attempts.length;
    }
    if (changed && check.status !== 'running' && check.status !== 'submitted')
      this.workerEnded(worker, check, now);
    if (changed) this.workersToPropagate.trigger(worker);
  }

  /** A job's final state reached the server (or needs no report): Harvester forgets it. */
  jobDone(job: JobRecord): void {
    job.subStatus = 'done';
    this.observer.jobDone?.(job);
  }

  /** A final worker's state reached the server: Harvester forgets it. */
  workerDone(worker: WorkerRecord): void {
    this.observer.workerDone?.(worker);
  }

  setJobStatus(job: JobRecord, status: HarvesterJobStatus): void {
    const queue = job.queue;
    if (job.status === 'starting') queue.nStartingJobs--;
    else if (job.status === 'running') queue.nRunningJobs--;
    job.status = status;
    if (status === 'starting') queue.nStartingJobs++;
    else if (status === 'running') queue.nRunningJobs++;
  }

  private applyAttempts(worker: WorkerRecord, check: WorkerCheck, now: number): void {
    const truePilot = worker.queue.config.truePilot;
    for (const job of worker.jobs) {
      if (job.final) continue;
      const attempt = check.attempts.find((a) => a.job.PandaID === job.spec.PandaID);
      if (attempt?.startTime !== undefined && job.status === 'starting') {
        this.setJobStatus(job, 'running');
        job.subStatus = 'running';
        job.startTime = attempt.startTime;
        job.runningSeenAt = now;
        // A true pilot reports its running job itself.
        if (truePilot) this.jobsToPropagate.remove(job);
        else this.jobsToPropagate.trigger(job);
      }
      if (attempt?.outcome !== undefined) this.jobEnded(job, attempt, attempt.outcome, now);
    }
  }

  private workerEnded(worker: WorkerRecord, check: WorkerCheck, now: number): void {
    const queue = worker.queue;
    if (worker.status === 'running') queue.nRunningWorkers--;
    else queue.nQueueWorkers--;
    worker.status = check.status;
    worker.startTime = check.startTime;
    worker.endTime = check.endTime;
    worker.cause = check.cause;
    worker.endSeenAt = now;
    if (check.status === 'finished' || check.status === 'failed' || check.status === 'cancelled') {
      this.stats.workersEnded[check.status]++;
    }
    const lost: PayloadOutcome = { ok: false, wallTime: 0, cause: check.cause ?? 'cancelled' };
    if (queue.config.mapType !== 'NoJob') {
      for (const job of worker.jobs) {
        if (!job.final) this.jobEnded(job, undefined, lost, now);
      }
      return;
    }
    if (check.startTime !== undefined) {
      if ((check.jobsRun ?? check.attempts.length) === 0) this.stats.emptyPilots++;
      else this.stats.pilotsWithJobs++;
    }
    for (const attempt of check.attempts) {
      if (!attempt.reportedByPilot) this.lostJobReports.trigger(this.lostReport(worker, attempt, lost));
    }
  }

  private lostReport(worker: WorkerRecord, attempt: JobAttempt, lost: PayloadOutcome): JobReport {
    const outcome = attempt.outcome ?? lost;
    return {
      PandaID: attempt.job.PandaID,
      attemptNr: attempt.job.attemptNr,
      jobStatus: outcome.ok ? 'finished' : 'failed',
      from: 'harvester',
      harvesterID: this.harvesterID,
      workerID: worker.workerID,
      startTime: attempt.startTime,
      endTime: attempt.endTime ?? worker.endTime,
      cause: outcome.ok ? undefined : outcome.cause,
    };
  }

  /**
   * The monitor saw a push-mode job end. A true pilot that outlived its payload has reported it; otherwise
   * Harvester does: at once for a true pilot's lost job (its pilot staged nothing out), else as
   * `transferring` and, after stage-out, final.
   */
  private jobEnded(
    job: JobRecord,
    attempt: JobAttempt | undefined,
    outcome: PayloadOutcome,
    now: number,
  ): void {
    this.setJobStatus(job, outcome.ok ? 'finished' : 'failed');
    job.cause = outcome.ok ? undefined : outcome.cause;
    job.endTime = attempt?.endTime ?? job.worker?.endTime;
    job.endSeenAt = now;
    if (!job.queue.config.truePilot) {
      job.subStatus = 'to_transfer';
      this.toStageOut.trigger(job);
      this.jobsToPropagate.trigger(job);
    } else if (attempt?.reportedByPilot) {
      this.jobsToPropagate.remove(job);
      this.jobDone(job);
    } else {
      job.subStatus = outcome.ok ? 'finished' : 'failed';
      this.jobsToPropagate.trigger(job);
    }
  }
}
