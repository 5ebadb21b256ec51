/**
 * Propagator (HSF/harvester `harvesterbody/propagator.py`): each cycle sends the server, in one bulk call
 * each, up to `maxJobs` job updates and `maxWorkers` worker updates. A changed row goes at the next cycle
 * (`trigger_propagation`), an unchanged live one every `updateInterval` (heartbeat). Final states leave the
 * row; a true pilot's running job is left to its pilot.
 */
import type { AgentContext } from './agent-context.ts';
import type { JobRecord, WorkerRecord } from './records.ts';
import type { JobReport, ReportedJobStatus, WorkerReport } from './panda-server-api.ts';

/** What Harvester tells the server about a job now, or undefined when it is the pilot's to tell. */
function reportedStatus(job: JobRecord): ReportedJobStatus | undefined {
  if (job.subStatus === 'to_transfer' || job.subStatus === 'transferring') return 'transferring';
  if (job.status === 'running' && job.queue.config.truePilot) return undefined;
  return job.status;
}

export class Propagator {
  constructor(private readonly h: AgentContext) {}

  readonly cycle = (): void => {
    const { sim, params, db, server, serverHop } = this.h;
    const { maxJobs, maxWorkers, updateInterval } = params.propagator;
    const now = sim.now;
    const stats = db.stats;
    const jobReports: JobReport[] = [];
    for (const job of db.jobsToPropagate.take(now, maxJobs)) {
      const status = reportedStatus(job);
      if (status === undefined) continue;
      jobReports.push(this.jobReport(job, status));
      if (status === 'finished' || status === 'failed') {
        job.reportedAt = now;
        if (status === 'finished') stats.jobsReportedFinished++;
        else stats.jobsReportedFailed++;
        db.jobDone(job);
      } else {
        stats.jobHeartbeats++;
        db.jobsToPropagate.schedule(job, now + updateInterval);
      }
    }
    for (const report of db.lostJobReports.take(now, maxJobs - jobReports.length)) {
      jobReports.push(report);
      if (report.jobStatus === 'failed') {
        stats.jobsReportedFailed++;
        stats.lostJobsReported++;
      } else {
        stats.jobsReportedFinished++;
      }
    }
    const workerReports: WorkerReport[] = [];
    for (const worker of db.workersToPropagate.take(now, maxWorkers)) {
      workerReports.push(this.workerReport(worker));
      if (worker.final) db.workerDone(worker);
      else db.workersToPropagate.schedule(worker, now + updateInterval);
    }
    if (jobReports.length > 0) serverHop.send(() => server.updateJobs(jobReports));
    if (workerReports.length > 0) serverHop.send(() => server.updateWorkers(workerReports));
  };

  private jobReport(job: JobRecord, jobStatus: ReportedJobStatus): JobReport {
    return {
      PandaID: job.spec.PandaID,
      attemptNr: job.spec.attemptNr,
      jobStatus,
      from: 'harvester',
      harvesterID: this.h.params.harvesterID,
      workerID: job.workerID,
      startTime: job.startTime,
      endTime: job.endTime,
      cause: jobStatus === 'failed' ? job.cause : undefined,
    };
  }

  private workerReport(worker: WorkerRecord): WorkerReport {
    return {
      harvesterID: this.h.params.harvesterID,
      workerID: worker.workerID,
      computingSite: worker.queue.config.queueName,
      status: worker.status,
      nJobs: worker.nJobs,
      pandaIDs: worker.pandaIDs,
      submitTime: worker.submitTime,
      startTime: worker.startTime,
      endTime: worker.endTime,
      cause: worker.cause,
    };
  }
}
