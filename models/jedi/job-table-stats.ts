// The job statistics JEDI reads from PanDA's job tables before generating jobs, kept from the server's
// transitions so that no scan is needed: counts per global share × resource type × status
// (`getJobStatisticsByResourceType`, read by `JobThrottlerBase.__prepareJobStats`), the highest priority among
// queued jobs and how many sit at it (`getHighestPrioJobStat_JEDI` on JOB_STATS_HP: activated, assigned and
// defined jobs), and each user's live analysis jobs (`getNumberJobsUser`, the serial number of the user-job
// priority). fairshare.md §2.2 step 2–3, §3.1.

import { UNDEFINED_RESOURCE_TYPE, type JobStatsByResourceType } from '@pandasim/panda';
import { isFinalState, type ServerJobStatus } from '../server/job-states.ts';
import type { JobTransition } from '../server/panda-server.ts';

/** The statuses `__prepareJobStats` reads. */
const THROTTLE_STATUSES: readonly ServerJobStatus[] = [
  'defined',
  'assigned',
  'waiting',
  'activated',
  'starting',
  'running',
];

function isQueued(status: ServerJobStatus | null): boolean {
  return status === 'defined' || status === 'assigned' || status === 'activated';
}

function isLive(status: ServerJobStatus | null): boolean {
  return status !== null && !isFinalState(status);
}

export interface HighestQueued {
  /** Highest currentPriority of queued jobs; 0 when none is queued. */
  priority: number;
  /** Queued jobs at that priority. */
  count: number;
}

export class JobTableStats {
  /** gshare → resource type → status → live jobs. */
  private readonly counts = new Map<string, Map<string, Map<ServerJobStatus, number>>>();
  /** `gshare \0 resource type` → priority → queued jobs. */
  private readonly queued = new Map<string, Map<number, number>>();
  /** Priority each queued job was counted at (`setPriority` is not a transition, so it is not seen). */
  private readonly queuedAt = new Map<number, number>();
  private readonly userJobs = new Map<string, number>();

  /** Applies one transition of the job table (observer of PandaServer). */
  observe(t: JobTransition): void {
    const { job, from, to } = t;
    const rt = job.resource_type ?? UNDEFINED_RESOURCE_TYPE;
    if (from !== null) this.add(job.gshare, rt, from, -1);
    if (!isFinalState(to)) this.add(job.gshare, rt, to, 1);
    if (isQueued(to) && !isQueued(from)) {
      this.queuedAt.set(job.PandaID, job.currentPriority);
      this.addQueued(job.gshare, rt, job.currentPriority, 1);
    } else if (isQueued(from) && !isQueued(to)) {
      this.addQueued(job.gshare, rt, this.queuedAt.get(job.PandaID) ?? job.currentPriority, -1);
      this.queuedAt.delete(job.PandaID);
    }
    if (job.prodSourceLabel === 'user' && isLive(from) !== isLive(to)) {
      const n = (this.userJobs.get(job.prodUserName) ?? 0) + (isLive(to) ? 1 : -1);
      if (n === 0) this.userJobs.delete(job.prodUserName);
      else this.userJobs.set(job.prodUserName, n);
    }
  }

  /** Live jobs of a share as `getJobStatisticsByResourceType` returns them: status → resource type → count. */
  jobStats(gshare: string): JobStatsByResourceType {
    const out: Record<string, Record<string, number>> = {};
    for (const [rt, byStatus] of this.counts.get(gshare) ?? []) {
      for (const status of THROTTLE_STATUSES) {
        const n = byStatus.get(status) ?? 0;
        if (n > 0) (out[status] ??= {})[rt] = n;
      }
    }
    return out;
  }

  highestQueued(gshare: string, resourceType: string): HighestQueued {
    let priority = 0;
    let count = 0;
    for (const [p, n] of this.queued.get(`${gshare}\u0000${resourceType}`) ?? []) {
      if (count === 0 || p > priority) {
        priority = p;
        count = n;
      }
    }
    return { priority, count };
  }

  /** A user's analysis jobs in the active and defined tables. */
  userJobCount(prodUserName: string): number {
    return this.userJobs.get(prodUserName) ?? 0;
  }

  private add(gshare: string, rt: string, status: ServerJobStatus, delta: number): void {
    let byRt = this.counts.get(gshare);
    if (byRt === undefined) this.counts.set(gshare, (byRt = new Map()));
    let byStatus = byRt.get(rt);
    if (byStatus === undefined) byRt.set(rt, (byStatus = new Map()));
    byStatus.set(status, (byStatus.get(status) ?? 0) + delta);
  }

  private addQueued(gshare: string, rt: string, priority: number, delta: number): void {
    const key = `${gshare}\u0000${rt}`;
    let byPriority = this.queued.get(key);
    if (byPriority === undefined) this.queued.set(key, (byPriority = new Map()));
    const n = (byPriority.get(priority) ?? 0) + delta;
    if (n === 0) byPriority.delete(priority);
    else byPriority.set(priority, n);
  }
}
