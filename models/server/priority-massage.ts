// The analysis watchdog's periodic user-priority massage on the simulator's PanDA server (fairshare.md §3.3):
// every period, the usage breakdown of label `user` jobs over the last hour goes to @pandasim/panda's
// `priorityMassage`, and the boosts it returns are applied to the still-activated jobs with `setPriority`.
// The breakdown is kept from the server's job transitions: the live rows of jobsActive4, and the jobs that
// ended (jobsArchived4) in a sliding window pruned as time passes, so memory follows the live jobs plus the
// jobs ended within one window.
//
// Upstream: pandajedi/jedidog/AtlasAnalWatchDog.py `doForPriorityMassage`; task_standalone_module.py
// `getUsageBreakdown_JEDI` (rows with modificationTime in the last 60 min); job DBProxy `updateJobStatus`
// (every update, heartbeats included, sets modificationTime).

import {
  MASSAGE_CONSTANTS,
  priorityMassage,
  usageBreakdown,
  type MassageJob,
  type PriorityMassageOptions,
  type PriorityMassageResult,
  type UsageBreakdownEntry,
  type UsageBreakdownJob,
} from '@pandasim/panda';
import type { EventId } from '../../sim/engine.ts';
import type { ServerJobStatus } from './job-states.ts';
import type { JobObserver, JobTransition, TableJob } from './panda-server.ts';

/** Massage periods, s: the watchdog's process lock (code) and the "every 20 minutes" of the docs (§9 item 3). */
export const MASSAGE_PERIOD_S = {
  lock: MASSAGE_CONSTANTS.lockMinutes * 60,
  documented: MASSAGE_CONSTANTS.documentedPeriodMinutes * 60,
} as const;

/** `getUsageBreakdown_JEDI` reads rows modified in the last 60 minutes. */
const BREAKDOWN_WINDOW_S = 3600;

/** What the massage needs of the server: its transitions, and a way to change a job's priority. */
export interface MassagedServer {
  observe(observer: JobObserver): void;
  setPriority(PandaID: number, currentPriority: number): void;
}

/** The simulated clock (a Simulation). */
export interface MassageClock {
  readonly now: number;
  schedule(delay: number, fn: () => void): EventId;
  cancel(id: EventId): boolean;
}

export interface ServerMassageOptions {
  /** Seconds between massages; default `MASSAGE_PERIOD_S.lock` (6 min), `MASSAGE_PERIOD_S.documented` the docs' 20 min. */
  readonly periodS?: number;
  /** Look-back of the usage breakdown, s (60 min upstream). */
  readonly windowS?: number;
  /** The package's switch for the active-table window quirk (default true: active rows are windowed too). */
  readonly windowActiveTable?: boolean;
  /**
   * Heartbeat period of an executing job, s, or null (default) to age every live row from its last transition.
   * Upstream every updateJob, heartbeats included, refreshes modificationTime, and the simulator's pilots and
   * Harvester propagator heartbeat every 1800 s; the server does not tell observers of a heartbeat, so with this
   * set an executing row counts as modified at its last heartbeat since the transition.
   */
  readonly heartbeatS?: number | null;
  /**
   * Caps, quota and rounding of `priorityMassage`. `throttledUsers` is always empty: the server has no
   * `throttled` state, so no job is ever throttled and there is nothing to release.
   */
  readonly rules?: Omit<PriorityMassageOptions, 'throttledUsers'>;
}

export interface PriorityMassageStats {
  massages: number;
  /** (user, site) boosts applied. */
  boostsApplied: number;
  /** `setPriority` calls: jobs raised by a boost. */
  jobsBoosted: number;
  /** Cap actions returned and not applied (see `massage`). */
  capActionsSeen: number;
}

/** jobsActive4 holds these; defined/assigned sit in jobsDefined4 and waiting in jobsWaiting4, unread here. */
const ACTIVE_TABLE_STATES: ReadonlySet<ServerJobStatus> = new Set<ServerJobStatus>([
  'activated',
  'sent',
  'starting',
  'running',
  'holding',
  'transferring',
]);

/** States in which the payload side reports (pilot or Harvester propagator), so heartbeats refresh the row. */
const HEARTBEAT_STATES: ReadonlySet<ServerJobStatus> = new Set<ServerJobStatus>([
  'sent',
  'starting',
  'running',
  'transferring',
]);

interface LiveRow {
  readonly job: Readonly<TableJob>;
  readonly row: UsageBreakdownJob;
}

function breakdownRow(
  job: Readonly<TableJob>,
  t: JobTransition,
  table: 'active' | 'archived',
): UsageBreakdownJob {
  // The server's jobs carry no workingGroup and no processingType, so every pair is (user, null) and no job is
  // excluded as a pmerge job.
  return {
    prodUserName: job.prodUserName,
    workingGroup: null,
    computingSite: job.computingSite,
    jobStatus: t.to,
    prodSourceLabel: job.prodSourceLabel,
    processingType: null,
    coreCount: job.coreCount,
    modificationTime: t.now,
    table,
  };
}

/** Rows appended in time order and dropped from the front once they leave the window. */
class EndedWindow {
  private rows: UsageBreakdownJob[] = [];
  private head = 0;

  get size(): number {
    return this.rows.length - this.head;
  }

  push(row: UsageBreakdownJob): void {
    this.rows.push(row);
  }

  /** Drops the rows modified at or before `oldest` (the breakdown keeps only `modificationTime > now − window`). */
  prune(oldest: number): void {
    const rows = this.rows;
    while (this.head < rows.length && rows[this.head].modificationTime <= oldest) this.head++;
    // Compact once the dropped prefix outweighs the kept rows: amortised O(1) per row, memory below 2× the window.
    if (this.head > 64 && this.head * 2 > rows.length) {
      this.rows = rows.slice(this.head);
      this.head = 0;
    }
  }

  *values(): IterableIterator<UsageBreakdownJob> {
    for (let i = this.head; i < this.rows.length; i++) yield this.rows[i];
  }
}

export class PriorityMassage {
  readonly stats: PriorityMassageStats = { massages: 0, boostsApplied: 0, jobsBoosted: 0, capActionsSeen: 0 };
  private readonly periodS: number;
  private readonly windowS: number;
  private readonly heartbeatS: number | null;
  private readonly live = new Map<number, LiveRow>();
  private readonly ended = new EndedWindow();
  private next: EventId | null = null;
  private last: PriorityMassageResult | null = null;

  constructor(
    private readonly server: MassagedServer,
    private readonly clock: MassageClock,
    private readonly options: ServerMassageOptions = {},
  ) {
    this.periodS = options.periodS ?? MASSAGE_PERIOD_S.lock;
    if (!(this.periodS > 0))
      throw new RangeError(`PriorityMassage: periodS must be > 0, got ${this.periodS}`);
    this.windowS = options.windowS ?? BREAKDOWN_WINDOW_S;
    if (!(this.windowS > 0))
      throw new RangeError(`PriorityMassage: windowS must be > 0, got ${this.windowS}`);
    this.heartbeatS = options.heartbeatS ?? null;
    if (this.heartbeatS !== null && !(this.heartbeatS > 0)) {
      throw new RangeError(`PriorityMassage: heartbeatS must be > 0 or null, got ${this.heartbeatS}`);
    }
    server.observe((t) => this.onTransition(t));
  }

  /** Live label-`user` rows of jobsActive4 being followed. */
  get liveRows(): number {
    return this.live.size;
  }

  /** Ended label-`user` jobs held for the window (as of the last transition or massage). */
  get endedRows(): number {
    return this.ended.size;
  }

  /** The result of the latest massage, or null before the first. */
  get lastResult(): PriorityMassageResult | null {
    return this.last;
  }

  /** Massages every period from now on, the first one period from now. */
  start(): void {
    if (this.next !== null) return;
    this.next = this.clock.schedule(this.periodS, () => this.tick());
  }

  stop(): void {
    if (this.next !== null) this.clock.cancel(this.next);
    this.next = null;
  }

  /** `getUsageBreakdown_JEDI` for label `user` now. */
  breakdown(): UsageBreakdownEntry[] {
    const now = this.clock.now;
    this.ended.prune(now - this.windowS);
    return usageBreakdown(this.rows(now), now, {
      windowS: this.windowS,
      windowActiveTable: this.options.windowActiveTable ?? true,
    });
  }

  /**
   * One massage now: breakdown, `priorityMassage` over the activated user jobs, boosts applied at once (so to
   * jobs still activated). Cap actions are counted, not applied: the server has no `throttled` state, and the
   * default caps (10,000 running jobs or cores per user) lie far above the simulator's scales.
   */
  massage(): PriorityMassageResult {
    const activated: MassageJob[] = [];
    for (const { job } of this.live.values()) {
      if (job.jobStatus !== 'activated') continue;
      activated.push({
        PandaID: job.PandaID,
        currentPriority: job.currentPriority,
        prodUserName: job.prodUserName,
        workingGroup: null,
        computingSite: job.computingSite,
        jobStatus: job.jobStatus,
        prodSourceLabel: job.prodSourceLabel,
        processingType: null,
      });
    }
    const result = priorityMassage(this.breakdown(), activated, {
      ...this.options.rules,
      throttledUsers: [],
    });
    for (const boost of result.boosts) {
      for (const id of boost.pandaIDs) {
        const job = this.live.get(id)?.job;
        if (job === undefined || job.jobStatus !== 'activated') continue;
        // `UPDATE … SET currentPriority = currentPriority + :delta`.
        this.server.setPriority(id, job.currentPriority + boost.delta);
        this.stats.jobsBoosted++;
      }
      this.stats.boostsApplied++;
    }
    this.stats.capActionsSeen += result.capActions.length;
    this.stats.massages++;
    this.last = result;
    return result;
  }

  private tick(): void {
    this.next = this.clock.schedule(this.periodS, () => this.tick());
    this.massage();
  }

  private *rows(now: number): IterableIterator<UsageBreakdownJob> {
    const hb = this.heartbeatS;
    for (const { job, row } of this.live.values()) {
      if (hb === null || !HEARTBEAT_STATES.has(job.jobStatus)) {
        yield row;
      } else {
        const beats = Math.floor((now - row.modificationTime) / hb);
        yield { ...row, modificationTime: row.modificationTime + beats * hb };
      }
    }
    yield* this.ended.values();
  }

  private onTransition(t: JobTransition): void {
    const job = t.job;
    if (job.prodSourceLabel !== 'user') return;
    if (t.to === 'finished' || t.to === 'failed' || t.to === 'cancelled') {
      this.live.delete(job.PandaID);
      this.ended.prune(t.now - this.windowS);
      this.ended.push(breakdownRow(job, t, 'archived'));
    } else if (ACTIVE_TABLE_STATES.has(t.to)) {
      this.live.set(job.PandaID, { job, row: breakdownRow(job, t, 'active') });
    } else {
      this.live.delete(job.PandaID);
    }
  }
}
