/**
 * A PanDA server for the Harvester tests: activated jobs per site, first come first served among those that
 * fit the request's memory and remaining time; a failed attempt is activated again with attemptNr + 1. It
 * records every request and report with its time.
 */
import type { Simulation } from '../../../sim/engine.ts';
import type {
  AcquireJobsRequest,
  JobReport,
  JobSpec,
  PandaServerApi,
  SiteJobStatistics,
  WorkerReport,
} from '../../../models/harvester/panda-server-api.ts';

const ORDER = ['activated', 'sent', 'starting', 'running', 'transferring', 'finished', 'failed'] as const;

interface PoolJob {
  spec: JobSpec;
  status: (typeof ORDER)[number];
}

export class WorkloadPool implements PandaServerApi {
  readonly jobReports: { time: number; report: JobReport }[] = [];
  readonly workerReports: { time: number; report: WorkerReport }[] = [];
  readonly acquisitions: { time: number; request: AcquireJobsRequest; got: number }[] = [];
  private readonly activated = new Map<string, PoolJob[]>();
  private readonly jobs = new Map<number, PoolJob>();

  constructor(private readonly sim: Simulation) {}

  add(spec: JobSpec): void {
    const job: PoolJob = { spec, status: 'activated' };
    this.jobs.set(spec.PandaID, job);
    const list = this.activated.get(spec.computingSite) ?? [];
    list.push(job);
    this.activated.set(spec.computingSite, list);
  }

  status(PandaID: number): PoolJob['status'] | undefined {
    return this.jobs.get(PandaID)?.status;
  }

  /** The latest attempt of a job. */
  attempt(PandaID: number): number {
    return this.jobs.get(PandaID)!.spec.attemptNr;
  }

  reportsOf(PandaID: number): { time: number; report: JobReport }[] {
    return this.jobReports.filter((r) => r.report.PandaID === PandaID);
  }

  getJobs(request: AcquireJobsRequest): readonly JobSpec[] {
    const list = this.activated.get(request.siteName) ?? [];
    const got: JobSpec[] = [];
    const kept: PoolJob[] = [];
    for (const job of list) {
      const fits =
        (!request.remainingTime || job.spec.maxWalltime <= request.remainingTime) &&
        (!request.mem || job.spec.minRamCount <= request.mem);
      if (got.length < request.nJobs && fits && job.status === 'activated') {
        job.status = 'sent';
        got.push(job.spec);
      } else if (job.status === 'activated') {
        kept.push(job);
      }
    }
    this.activated.set(request.siteName, kept);
    this.acquisitions.push({ time: this.sim.now, request, got: got.length });
    return got;
  }

  updateJobs(reports: readonly JobReport[]): void {
    for (const report of reports) {
      this.jobReports.push({ time: this.sim.now, report });
      const job = this.jobs.get(report.PandaID);
      if (job === undefined || job.spec.attemptNr !== report.attemptNr) continue;
      // A report that crossed a later one is a heartbeat.
      if (ORDER.indexOf(report.jobStatus) < ORDER.indexOf(job.status)) continue;
      job.status = report.jobStatus;
      if (report.jobStatus === 'failed') {
        this.add({ ...job.spec, attemptNr: job.spec.attemptNr + 1 });
      }
    }
  }

  updateWorkers(reports: readonly WorkerReport[]): void {
    for (const report of reports) this.workerReports.push({ time: this.sim.now, report });
  }

  getJobStatisticsPerSite(): Readonly<Record<string, SiteJobStatistics>> {
    const stats: Record<string, Record<string, number>> = {};
    for (const job of this.jobs.values()) {
      const site = (stats[job.spec.computingSite] ??= {});
      site[job.status] = (site[job.status] ?? 0) + 1;
    }
    return stats;
  }
}
