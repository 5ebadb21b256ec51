/**
 * What each fault of the plan cost, as reports/fault-summary.ts defines it. The fault hooks tell the ledger
 * which payloads a fault ended (`killed`); the ledger follows those that are PanDA jobs through the server's
 * transitions — retried as a new attempt, its retry running again, out of attempts, finished after a retry —
 * and how long each waited to run again; while a fault lasts, it counts the world's failed copies and blocked
 * submissions and samples the waiting it measures (`measure`).
 */
import type { Simulation } from '../../sim/engine.ts';
import type { LostPayload } from '../../models/provider/worker-runtime.ts';
import type { JobTransition, PandaServer } from '../../models/server/panda-server.ts';
import type { FaultSummary } from '../../reports/fault-summary.ts';
import type { PlannedFault } from './fault-plan.ts';

/** How often a fault's waiting is sampled while it lasts, s [E]: a tenth of the shortest outages of interest. */
export const DELAY_SAMPLE_PERIOD = 300;

/** Counters of the world a fault window reads at its start and its end. */
export interface WorldCounters {
  readonly transferAttemptsFailed: number;
  readonly transfersFailed: number;
  readonly globusFileFaults: number;
  readonly submissionsBlocked: number;
}

/** The waiting a fault causes, as a count sampled while it lasts (jobs queued, flows stalled, ...). */
export interface DelayMeasure {
  readonly basis: string;
  /** The quantity waiting now. */
  readonly count: () => number;
}

interface Entry {
  readonly fault: PlannedFault;
  jobsKilled: number;
  jobsRetried: number;
  jobsFailed: number;
  jobsRecovered: number;
  coreSeconds: number;
  gpuSeconds: number;
  atStart: WorldCounters | undefined;
  window: WorldCounters | undefined;
  delaySeconds: number;
  delayBasis: string | null;
  /** Seconds its killed PanDA jobs waited from the kill until a retry ran (those that did). */
  restartSeconds: number;
  /** Its window counters have been read at its end. */
  closed: boolean;
}

/** A PanDA job a fault ended: which fault, and whether its retry is under way. */
interface Followed {
  readonly entry: Entry;
  readonly killedAt: number;
  retried: boolean;
  /** A retry has run: the wait to restart is counted. */
  restarted: boolean;
}

const ZERO: WorldCounters = {
  transferAttemptsFailed: 0,
  transfersFailed: 0,
  globusFileFaults: 0,
  submissionsBlocked: 0,
};

export class FaultLedger {
  private readonly entries: Entry[];
  private readonly followed = new Map<number, Followed>();

  constructor(
    private readonly sim: Simulation,
    private readonly server: PandaServer,
    plan: readonly PlannedFault[],
    private readonly counters: () => WorldCounters,
    /** The PanDA queues of a resource, to tell its PanDA jobs from other payloads with the same id. */
    private readonly queuesOf: (resource: string) => readonly string[],
  ) {
    this.entries = plan.map((fault) => ({
      fault,
      jobsKilled: 0,
      jobsRetried: 0,
      jobsFailed: 0,
      jobsRecovered: 0,
      coreSeconds: 0,
      gpuSeconds: 0,
      atStart: undefined,
      window: undefined,
      delaySeconds: 0,
      delayBasis: null,
      restartSeconds: 0,
      closed: false,
    }));
    server.observe((t) => this.observe(t));
  }

  /** The fault has begun: its window counters start. */
  opened(fault: PlannedFault): void {
    this.entries[fault.id].atStart = this.counters();
  }

  /** The fault has ended: its window counters stop. */
  closed(fault: PlannedFault): void {
    const entry = this.entries[fault.id];
    if (entry.closed) return;
    entry.closed = true;
    const start = entry.atStart ?? ZERO;
    const now = this.counters();
    entry.window = {
      transferAttemptsFailed: now.transferAttemptsFailed - start.transferAttemptsFailed,
      transfersFailed: now.transfersFailed - start.transfersFailed,
      globusFileFaults: now.globusFileFaults - start.globusFileFaults,
      submissionsBlocked: now.submissionsBlocked - start.submissionsBlocked,
    };
  }

  /** Payloads the fault ended on `resource`; those that are PanDA jobs running there are followed. */
  killed(fault: PlannedFault, resource: string, lost: readonly LostPayload[]): void {
    const entry = this.entries[fault.id];
    const queues = this.queuesOf(resource);
    for (const p of lost) {
      entry.jobsKilled++;
      entry.coreSeconds += p.cores * p.wallTime;
      entry.gpuSeconds += p.gpus * p.wallTime;
      const job = this.server.job(p.id);
      if (job !== undefined && queues.includes(job.computingSite)) {
        this.followed.set(p.id, { entry, killedAt: this.sim.now, retried: false, restarted: false });
      }
    }
  }

  /** Samples `measure` every DELAY_SAMPLE_PERIOD from now to the fault's end, as hours of waiting. */
  measure(fault: PlannedFault, measure: DelayMeasure): void {
    const entry = this.entries[fault.id];
    entry.delayBasis = measure.basis;
    const sample = (): void => {
      const now = this.sim.now;
      const step = Math.min(DELAY_SAMPLE_PERIOD, fault.end - now);
      if (step <= 0) return;
      entry.delaySeconds += measure.count() * step;
      if (now + step < fault.end) this.sim.schedule(DELAY_SAMPLE_PERIOD, sample);
    };
    sample();
  }

  /** Waiting measured in one go (tasks held until the fault ended), s. */
  delayed(fault: PlannedFault, basis: string, seconds: number): void {
    const entry = this.entries[fault.id];
    entry.delayBasis = basis;
    entry.delaySeconds += seconds;
  }

  summary(): FaultSummary[] {
    // Killed jobs still waiting to run again wait until now, as far as this run knows.
    const waiting = new Map<Entry, number>();
    for (const f of this.followed.values()) {
      if (!f.restarted) waiting.set(f.entry, (waiting.get(f.entry) ?? 0) + this.sim.now - f.killedAt);
    }
    return this.entries.map((e) => {
      if (!e.closed && e.atStart !== undefined) this.closed(e.fault);
      const w = e.window ?? ZERO;
      return {
        kind: e.fault.spec.kind,
        target: e.fault.label,
        origin: e.fault.origin,
        start: e.fault.start,
        end: e.fault.end,
        jobsKilled: e.jobsKilled,
        jobsRetried: e.jobsRetried,
        jobsFailed: e.jobsFailed,
        jobsRecovered: e.jobsRecovered,
        cpuHoursLost: e.coreSeconds / 3600,
        gpuHoursLost: e.gpuSeconds / 3600,
        transferAttemptsFailed: w.transferAttemptsFailed,
        transfersFailed: w.transfersFailed,
        globusFileFaults: w.globusFileFaults,
        submissionsBlocked: w.submissionsBlocked,
        delayHours: e.delayBasis === null ? null : e.delaySeconds / 3600,
        delayBasis: e.delayBasis,
        restartWaitHours: (e.restartSeconds + (waiting.get(e) ?? 0)) / 3600,
      };
    });
  }

  private observe(t: JobTransition): void {
    const followed = this.followed.get(t.job.PandaID);
    if (followed === undefined) return;
    const { entry } = followed;
    if (t.to === 'running' && followed.retried && !followed.restarted) {
      followed.restarted = true;
      entry.restartSeconds += t.now - followed.killedAt;
      return;
    }
    if (t.to === 'failed') {
      if (!followed.retried && t.retried) {
        entry.jobsRetried++;
        followed.retried = true;
        return;
      }
      if (!t.retried) {
        entry.jobsFailed++;
        this.followed.delete(t.job.PandaID);
      }
    } else if (t.to === 'finished') {
      if (followed.retried) entry.jobsRecovered++;
      this.followed.delete(t.job.PandaID);
    } else if (t.to === 'cancelled') {
      this.followed.delete(t.job.PandaID);
    }
  }
}
