// The PanDA server's job table for the simulator: live jobs by PandaID, their state machine, the counts per
// (PanDA queue × gshare × state) the brokerage and Harvester read, and job dispatch (`acquire_jobs`) in the
// global-share order of @pandasim/panda (fairshare.md §1.8, §5.1). Jobs that end are folded into the counts
// and dropped, so memory follows the live jobs, not every job ever run.

import { dispatchOrderingMode, type JobCounts, type QueueState, type ShareTree } from '@pandasim/panda';
import type {
  AcquireJobsRequest,
  JobFailure,
  JobReport,
  JobSpec,
  PandaServerApi,
  SiteJobStatistics,
  WorkerReport,
} from '../harvester/panda-server-api.ts';
import { ActivatedQueue } from './activated-queue.ts';
import { JobCountTable } from './job-counts.ts';
import {
  IllegalTransitionError,
  STATE_INDEX,
  isFinalState,
  isLegalTransition,
  type ServerJobStatus,
} from './job-states.ts';
import { RequestLog } from './request-log.ts';
import { ShareRanking } from './share-ranking.ts';
import { WorkerCounts } from './worker-counts.ts';

/** A job as JEDI hands it to the server: the dispatched columns plus the ones dispatch orders by. */
export interface NewJob extends JobSpec {
  readonly gshare: string;
  readonly currentPriority: number;
  /** ATLAS resource type (SCORE, MCORE, …); a request that names one only gets jobs of it. */
  readonly resource_type?: string;
}

/** A live row of the job table. */
export interface TableJob {
  readonly spec: NewJob;
  readonly PandaID: number;
  readonly jediTaskID: number;
  readonly computingSite: string;
  readonly prodSourceLabel: string;
  readonly coreCount: number;
  readonly minRamCount: number;
  readonly maxWalltime: number;
  readonly prodUserName: string;
  readonly resource_type: string | null;
  readonly gshare: string;
  currentPriority: number;
  attemptNr: number;
  jobStatus: ServerJobStatus;
}

export type EntryState = 'defined' | 'assigned' | 'waiting' | 'activated';

/** One move of a job in the table, as observers see it (JEDI follows its tasks, metrics their jobs). */
export interface JobTransition {
  readonly job: Readonly<TableJob>;
  readonly from: ServerJobStatus | null;
  readonly to: ServerJobStatus;
  readonly now: number;
  /** Why a `failed` attempt failed, when its report said. */
  readonly cause?: JobFailure;
  /**
   * A failed attempt with attempts left (false when they are used up): its next attempt, same PandaID and
   * attemptNr + 1, is inserted at once on the same queue by the server, or later by JEDI after a new brokerage
   * (`delegateRetries`).
   */
  readonly retried: boolean;
}

export type JobObserver = (transition: JobTransition) => void;

export interface PandaServerOptions {
  /** The simulated clock (a Simulation). */
  readonly clock: { readonly now: number };
  readonly shareTree: ShareTree;
  /** Uniform [0, 1): draws the dispatch ordering mode of every request. */
  readonly rng: { next(): number };
  /** HS06 per core of every PanDA queue (CRIC `corepower`); a queue not listed has none and counts 0 HS06. */
  readonly corepower?: Readonly<Record<string, number>>;
  /** `jobdispatch.SLOPPY_DISPATCH_RATIO`; unset or 0 means the server default. */
  readonly sloppyDispatchRatio?: number | null;
  /**
   * Attempts a job gets: a failed attempt below it is retried with attemptNr + 1, here on its queue or by
   * JEDI after a new brokerage (`delegateRetries`).
   */
  readonly maxAttempts?: number;
  /** Refresh period of the share statistics, s (default: the minutely JOBS_SHARE_STATS rebuild). */
  readonly shareRefreshS?: number;
  /**
   * Called for every failed attempt that is retried, before its retry is inserted here or handed to JEDI: a
   * payload that checkpoints records its progress, so that its next attempt resumes with the work left after
   * its last checkpoint. Returns the job a retry on the same queue inserts (default: the same spec).
   */
  readonly retrySpec?: (job: Readonly<TableJob>, cause: JobFailure | undefined) => NewJob;
}

/**
 * Takes over the retry of a failed attempt: true when the caller will `submit` the next attempt itself (same
 * PandaID, attemptNr + 1); false leaves it to the server.
 */
export type RetryHandler = (job: Readonly<TableJob>, cause: JobFailure | undefined) => boolean;

/** SiteData counts `getJob` / `updateJob` requests over the last 3 hours (brokerage.md §5.1). */
const SITE_DATA_WINDOW_S = 3 * 3600;

export class PandaServer implements PandaServerApi {
  private readonly jobs = new Map<number, TableJob>();
  private readonly activated = new Map<string, ActivatedQueue<TableJob>>();
  private readonly counts = new JobCountTable();
  private readonly ranking: ShareRanking;
  private readonly coresRunningStarting = new Map<string, number>();
  private readonly lastStart = new Map<string, number>();
  private readonly getJobLog = new RequestLog(SITE_DATA_WINDOW_S);
  private readonly updateJobLog = new RequestLog(SITE_DATA_WINDOW_S);
  private readonly workers = new WorkerCounts();
  private readonly maxAttempts: number;
  private readonly observers: JobObserver[] = [];
  private attempts = 0;
  private retryHandler: RetryHandler | undefined;

  constructor(private readonly options: PandaServerOptions) {
    this.ranking = new ShareRanking(options.shareTree, options.shareRefreshS);
    this.maxAttempts = options.maxAttempts ?? 1;
  }

  /** Live jobs held in memory. */
  get size(): number {
    return this.jobs.size;
  }

  /** Calls `observer` after every insert and move of a job, in the order observers were added. */
  observe(observer: JobObserver): void {
    this.observers.push(observer);
  }

  /**
   * JEDI takes the retries of the jobs it manages (job-retry.ts in models/jedi): the server does not activate
   * them again on their queue, as PanDA's `retryJob` leaves a JEDI job with `maxAttempt = attemptNr` failed;
   * JEDI brokers them again and submits the next attempt. A job the handler refuses (one JEDI did not generate,
   * such as a replayed trace job) is retried here on its own queue.
   */
  delegateRetries(handler: RetryHandler): void {
    this.retryHandler = handler;
  }

  /**
   * Adds an attempt of a job in an entry state, `activated` by default: JEDI's insert of a first attempt, or of
   * a retry it brokered again (the PandaID must not be live).
   */
  submit(spec: NewJob, status: EntryState = 'activated'): void {
    if (this.jobs.has(spec.PandaID)) throw new Error(`job ${spec.PandaID}: already in the job table`);
    this.insert(spec, spec.attemptNr, status);
  }

  job(PandaID: number): Readonly<TableJob> | undefined {
    return this.jobs.get(PandaID);
  }

  status(PandaID: number): ServerJobStatus | undefined {
    return this.jobs.get(PandaID)?.jobStatus;
  }

  /** Moves a live job to `to`; throws IllegalTransitionError for a move the lifecycle does not allow. */
  transition(PandaID: number, to: ServerJobStatus): void {
    const job = this.jobs.get(PandaID);
    if (job === undefined) throw new Error(`job ${PandaID}: not in the job table`);
    this.move(job, to);
  }

  /** A new `currentPriority` (JEDI's reassignment, the analysis priority massage of fairshare.md §3.3). */
  setPriority(PandaID: number, currentPriority: number): void {
    const job = this.jobs.get(PandaID);
    if (job === undefined) throw new Error(`job ${PandaID}: not in the job table`);
    const queue = job.jobStatus === 'activated' ? this.queueOf(job.computingSite) : undefined;
    queue?.remove(job);
    job.currentPriority = currentPriority;
    queue?.add(job);
  }

  /** Jobs of a site and gshare in a state; final states count every attempt that ended there. */
  count(site: string, gshare: string, status: ServerJobStatus): number {
    return this.counts.count(site, gshare, status);
  }

  /** Executing HS06 of a gshare now (sent + running jobs), as the share statistics measure it. */
  executingHs06(gshare: string): number {
    return this.ranking.executingHs06(gshare);
  }

  /** The brokerage's dynamic view of one PanDA queue. */
  queueState(site: string): QueueState {
    const now = this.options.clock.now;
    const jobsByShare = this.counts.jobsByShare(site);
    const state: QueueState = {
      jobsByShare,
      jobsAllShares: sumCounts(Object.values(jobsByShare)),
      getJob: this.getJobLog.count(site, now),
      updateJob: this.updateJobLog.count(site, now),
      nWorkers: this.workers.active(site),
      nCoresRunningStarting: this.coresRunningStarting.get(site) ?? 0,
    };
    const laststart = this.lastStart.get(site);
    if (laststart !== undefined) state.laststart = laststart;
    return state;
  }

  getJobs(request: AcquireJobsRequest): readonly JobSpec[] {
    const now = this.options.clock.now;
    this.getJobLog.record(request.siteName, now);
    const queue = this.activated.get(request.siteName);
    if (queue === undefined || queue.size === 0) return [];
    // Drawn once per request and kept for all its jobs (`getSortingCriteria`).
    const mode = dispatchOrderingMode(
      Math.floor(this.options.rng.next() * 100),
      this.options.sloppyDispatchRatio,
    );
    const ranks = this.ranking.ranksAt(now);
    const out: JobSpec[] = [];
    while (out.length < request.nJobs) {
      const job = queue.best(request, mode, ranks);
      if (job === undefined) break;
      this.move(job, 'sent');
      out.push(job.attemptNr === job.spec.attemptNr ? job.spec : { ...job.spec, attemptNr: job.attemptNr });
    }
    // SiteData `laststart`: when the dispatcher last handed a job out at the site.
    if (out.length > 0) this.lastStart.set(request.siteName, now);
    return out;
  }

  updateJobs(reports: readonly JobReport[]): void {
    const now = this.options.clock.now;
    for (const report of reports) {
      const job = this.jobs.get(report.PandaID);
      // A released job's site is no longer known: its request cannot be counted for SiteData.
      if (job === undefined) continue;
      this.updateJobLog.record(job.computingSite, now);
      // A report of an earlier attempt changes nothing.
      if (job.attemptNr !== report.attemptNr) continue;
      // A report of the current or an earlier state crossed a later one: a heartbeat.
      if (STATE_INDEX[report.jobStatus] <= STATE_INDEX[job.jobStatus]) continue;
      this.move(job, report.jobStatus, report.cause);
    }
  }

  updateWorkers(reports: readonly WorkerReport[]): void {
    for (const report of reports) this.workers.update(report);
  }

  getJobStatisticsPerSite(): Readonly<Record<string, SiteJobStatistics>> {
    const out: Record<string, SiteJobStatistics> = {};
    for (const site of this.counts.sites()) out[site] = this.counts.siteStatistics(site);
    return out;
  }

  /**
   * Throws unless every live job is in exactly one non-final state, the counts equal a recount of the live
   * jobs, the final counts plus the live jobs equal every attempt ever inserted, each site's activated lists
   * hold exactly its activated jobs, and the executing HS06 and core sums match a recount.
   */
  checkInvariants(): void {
    const live = new Map<string, number>();
    const cores = new Map<string, number>();
    const hs = new Map<string, number>();
    const activatedPerSite = new Map<string, number>();
    for (const [id, job] of this.jobs) {
      if (job.PandaID !== id) throw new Error(`job ${id}: stored under the wrong id`);
      if (isFinalState(job.jobStatus)) throw new Error(`job ${id}: final state ${job.jobStatus} still held`);
      const key = `${job.computingSite}\u0000${job.gshare}\u0000${job.jobStatus}`;
      live.set(key, (live.get(key) ?? 0) + 1);
      if (job.jobStatus === 'running' || job.jobStatus === 'starting') {
        cores.set(job.computingSite, (cores.get(job.computingSite) ?? 0) + job.coreCount);
      }
      if (job.jobStatus === 'sent' || job.jobStatus === 'running') {
        const corepower = this.options.corepower?.[job.computingSite] ?? 0;
        hs.set(job.gshare, (hs.get(job.gshare) ?? 0) + job.coreCount * corepower);
      }
      if (job.jobStatus === 'activated') {
        activatedPerSite.set(job.computingSite, (activatedPerSite.get(job.computingSite) ?? 0) + 1);
      }
    }
    let total = 0;
    for (const [site, gshare, status, n] of this.counts.entries()) {
      total += n;
      if (isFinalState(status)) continue;
      const key = `${site}\u0000${gshare}\u0000${status}`;
      if ((live.get(key) ?? 0) !== n) {
        throw new Error(`counts: ${site}/${gshare}/${status} is ${n}, recount ${live.get(key) ?? 0}`);
      }
      live.delete(key);
    }
    if (live.size > 0) throw new Error(`counts: live jobs not counted: ${[...live.keys()].join(', ')}`);
    if (total !== this.attempts)
      throw new Error(`counts: total ${total}, attempts inserted ${this.attempts}`);
    for (const [site, queue] of this.activated) {
      if (queue.size !== (activatedPerSite.get(site) ?? 0)) {
        throw new Error(`site ${site}: ${queue.size} queued, ${activatedPerSite.get(site) ?? 0} activated`);
      }
      for (const job of queue.jobs()) {
        if (
          this.jobs.get(job.PandaID) !== job ||
          job.jobStatus !== 'activated' ||
          job.computingSite !== site
        ) {
          throw new Error(`site ${site}: job ${job.PandaID} queued but not activated there`);
        }
      }
    }
    for (const [site, n] of this.coresRunningStarting) {
      if ((cores.get(site) ?? 0) !== n) throw new Error(`site ${site}: ${n} cores counted, recount differs`);
    }
    for (const gshare of new Set([...hs.keys(), ...this.ranking.gshares()])) {
      const tracked = this.ranking.executingHs06(gshare);
      if (Math.abs(tracked - (hs.get(gshare) ?? 0)) > 1e-6 * Math.max(1, tracked)) {
        throw new Error(`gshare ${gshare}: executing HS06 ${tracked}, recount ${hs.get(gshare) ?? 0}`);
      }
    }
  }

  private insert(spec: NewJob, attemptNr: number, status: ServerJobStatus): void {
    const job: TableJob = {
      spec,
      PandaID: spec.PandaID,
      jediTaskID: spec.jediTaskID,
      computingSite: spec.computingSite,
      prodSourceLabel: spec.prodSourceLabel,
      coreCount: spec.coreCount,
      minRamCount: spec.minRamCount,
      maxWalltime: spec.maxWalltime,
      prodUserName: spec.prodUserName,
      resource_type: spec.resource_type ?? null,
      gshare: spec.gshare,
      currentPriority: spec.currentPriority,
      attemptNr,
      jobStatus: status,
    };
    this.jobs.set(job.PandaID, job);
    this.attempts++;
    this.counts.add(job.computingSite, job.gshare, status);
    if (status === 'activated') this.queueOf(job.computingSite).add(job);
    this.notify({ job, from: null, to: status, now: this.options.clock.now, retried: false });
  }

  private notify(transition: JobTransition): void {
    for (const observer of this.observers) observer(transition);
  }

  private move(job: TableJob, to: ServerJobStatus, cause?: JobFailure): void {
    const from = job.jobStatus;
    if (!isLegalTransition(from, to)) throw new IllegalTransitionError(job.PandaID, from, to);
    if (from === 'activated') this.queueOf(job.computingSite).remove(job);
    this.counts.move(job.computingSite, job.gshare, from, to);
    const corepower = this.options.corepower?.[job.computingSite];
    this.ranking.onTransition(job.gshare, from, to, job.coreCount, corepower);
    const coresDelta = (holdsCores(to) ? job.coreCount : 0) - (holdsCores(from) ? job.coreCount : 0);
    if (coresDelta !== 0) {
      const site = job.computingSite;
      this.coresRunningStarting.set(site, (this.coresRunningStarting.get(site) ?? 0) + coresDelta);
    }
    job.jobStatus = to;
    if (to === 'activated') this.queueOf(job.computingSite).add(job);
    const retried = to === 'failed' && job.attemptNr < this.maxAttempts;
    const now = this.options.clock.now;
    if (isFinalState(to)) this.jobs.delete(job.PandaID);
    this.notify(
      cause === undefined ? { job, from, to, now, retried } : { job, from, to, now, cause, retried },
    );
    if (retried) {
      const next = this.options.retrySpec?.(job, cause) ?? job.spec;
      if (this.retryHandler?.(job, cause) !== true) this.insert(next, job.attemptNr + 1, 'activated');
    }
  }

  private queueOf(site: string): ActivatedQueue<TableJob> {
    let queue = this.activated.get(site);
    if (queue === undefined) this.activated.set(site, (queue = new ActivatedQueue()));
    return queue;
  }
}

function holdsCores(status: ServerJobStatus): boolean {
  return status === 'running' || status === 'starting';
}

function sumCounts(rows: readonly JobCounts[]): JobCounts {
  const sum: JobCounts = {
    nDefined: 0,
    nAssigned: 0,
    nActivated: 0,
    nStarting: 0,
    nRunning: 0,
    nTransferring: 0,
  };
  for (const row of rows) {
    sum.nDefined += row.nDefined;
    sum.nAssigned += row.nAssigned;
    sum.nActivated += row.nActivated;
    sum.nStarting += row.nStarting;
    sum.nRunning += row.nRunning;
    sum.nTransferring += row.nTransferring;
  }
  return sum;
}
