/**
 * The simulator's jobs as PanDA job records (job-records.ts), one per attempt that ended, so a run's own output
 * can be replayed (trace-replay.ts) and calibrated against like a real export.
 *
 * Each attempt is followed from its insert (`creationtime`; a retry is inserted again, as PanDA makes a new job
 * for it) to its start — `running`, or `starting` for a payload that ended before a monitor cycle saw it run,
 * as the world's metrics time it — and its end. Simulated time t is written as RECORD_EPOCH + t. `hs06sec` is
 * the CPU work the payload carried (PanDA derives it from the wall time; here the work is known); for an
 * attempt that did not finish, the part it got through, as PanDA counts it (`JobUtils.getHS06sec`: wall ×
 * cores × corepower), so that a replay of the record loads the site as the attempt did. `corecount`
 * the cores the job asked for at its queue, `actualcorecount` the ones its payload used. A job that replays a
 * record keeps that record's pandaid, jeditaskid and attemptnr, so the two can be compared row by row.
 * Only live attempts are held in memory.
 */
import type { JobTransition, TableJob } from '../server/panda-server.ts';
import type { JobRecord } from './job-records.ts';

/** Simulated time 0 in the records: 2024-01-01T00:00:00 UTC, s since the Unix epoch. */
export const RECORD_EPOCH = Date.UTC(2024, 0, 1) / 1000;

export interface JobRecordRecorderOptions {
  /** Receives each record as its attempt ends, with the job it is of. */
  readonly sink: (record: JobRecord, job: Readonly<TableJob>) => void;
  /** The record a job replays, to keep its identity. */
  readonly replayed?: (PandaID: number) => JobRecord | undefined;
  /** HS06 per core of a PanDA queue (CRIC corepower). */
  readonly corepower: (queue: string) => number | undefined;
}

interface LiveAttempt {
  created: number;
  starting: number;
  started: number;
  /** The task's bytes per job, read at insert: the task may end before its last record is written. */
  readonly bytes: TaskBytes | undefined;
}

interface TaskBytes {
  readonly input: number;
  readonly output: number;
}

export class JobRecordRecorder {
  private readonly live = new Map<number, LiveAttempt>();
  private readonly tasks = new Map<number, TaskBytes>();

  constructor(private readonly options: JobRecordRecorderOptions) {}

  /** A task's input and output bytes per job, from its submission to its end. */
  task(jediTaskID: number, input: number, output: number): void {
    this.tasks.set(jediTaskID, { input, output });
  }

  taskEnded(jediTaskID: number): void {
    this.tasks.delete(jediTaskID);
  }

  /** Feed it every job transition of the server, in order. */
  readonly observe = (t: JobTransition): void => {
    const { job, now } = t;
    if (t.from === null) {
      const bytes = this.tasks.get(job.jediTaskID);
      this.live.set(job.PandaID, { created: now, starting: Number.NaN, started: Number.NaN, bytes });
      return;
    }
    const attempt = this.live.get(job.PandaID);
    if (attempt === undefined) return;
    if (t.to === 'starting') attempt.starting = now;
    else if (t.to === 'running' && Number.isNaN(attempt.started)) attempt.started = now;
    else if (t.to === 'finished' || t.to === 'failed' || t.to === 'cancelled') {
      this.live.delete(job.PandaID);
      this.options.sink(this.record(job, t.to, attempt, now), job);
    }
  };

  private record(job: Readonly<TableJob>, status: string, attempt: LiveAttempt, now: number): JobRecord {
    const startedAt = Number.isNaN(attempt.started) ? attempt.starting : attempt.started;
    const ran = !Number.isNaN(startedAt);
    const original = this.options.replayed?.(job.PandaID);
    const { cpuWork: work, cores } = job.spec.payload;
    const corepower = this.options.corepower(job.computingSite) ?? 0;
    return {
      pandaid: original?.pandaid ?? job.PandaID,
      jeditaskid: original === undefined ? job.jediTaskID : original.jeditaskid,
      attemptnr: original?.attemptnr ?? job.attemptNr,
      creationtime: RECORD_EPOCH + attempt.created,
      starttime: ran ? RECORD_EPOCH + startedAt : null,
      endtime: RECORD_EPOCH + now,
      computingsite: job.computingSite,
      jobstatus: status,
      corecount: job.coreCount,
      actualcorecount: cores,
      hs06sec: status === 'finished' || !ran ? work : Math.min(work, (now - startedAt) * cores * corepower),
      maxwalltime: job.maxWalltime > 0 ? job.maxWalltime : null,
      gshare: job.gshare,
      prodsourcelabel: job.prodSourceLabel,
      inputfilebytes: original?.inputfilebytes ?? attempt.bytes?.input ?? 0,
      outputfilebytes: original?.outputfilebytes ?? attempt.bytes?.output ?? 0,
    };
  }
}
