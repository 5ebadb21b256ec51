/**
 * A trace of PanDA job records replayed as background load: each job that ran in the trace (it has a start
 * and an end) comes back with its cores, its CPU work and its input/output bytes, and is created when it was,
 * relative to the trace's first creation (plus the trace's `timeShift`).
 *
 * Where it goes (`route`):
 * - `recorded`: inserted into the server at its creation time, activated, at the queue it ran at (its
 *   `computingsite`, or the grid site `queueMap` maps it to): the site's single-core PQ for a one-core job,
 *   else its multi-core PQ, as JEDI's splitter would have filled the row (job-builder.ts). The pilots of that
 *   site's queue pick it up like any other job, so its wait is the model's, not the recorded one.
 * - `broker`: the records of one task (`jeditaskid` and core count) become one JEDI task, submitted when its
 *   first job was created, whose jobs carry the records' work; JEDI's brokerage, throttle and cycles decide
 *   where and when they are created, over the grid's queues.
 *
 * The work: `hs06sec` when the record has it, else the wall time × cores × the corepower of the site it ran at
 * (PanDA's own `JobUtils.getHS06sec`). Either way it includes what the job spent outside its payload, so the
 * grid model's stage-in/out overheads come on top (a few minutes per job).
 *
 * Status: the recorded one is not imposed. A record is one attempt (PanDA's retries are records of their own),
 * so a recorded-route job is inserted as its last attempt and the server does not retry it; whether it fails
 * is the site model's draw (`payloadFailureProbability`, worker loss), and a record that failed still comes
 * back as the load it was. Records without a start or an end (cancelled before running, still running when
 * exported) are not replayed and are counted in `skipped`.
 *
 * Input and output bytes go with the jobs as the background's do: into the brokerage's input size (`broker`)
 * and the exported records; the grid model's transfer time is its per-site stage-in/out overhead.
 */
import type { SiteSpec, TaskSpec } from '@pandasim/panda';
import type { Simulation } from '../../sim/engine.ts';
import type { TraceSpec } from '../../scenarios/scenario.ts';
import { buildJob, jobCoreCount } from '../jedi/job-builder.ts';
import type { JediTaskInput } from '../jedi/jedi-task.ts';
import type { JobTransition, NewJob } from '../server/panda-server.ts';
import { recordCores, type JobRecord } from './job-records.ts';

/**
 * PandaIDs of recorded-route jobs start here, far above JEDI's (which count up from 1), so the two never meet
 * in the job table; the record of a replayed job is found from its PandaID alone.
 */
export const TRACE_PANDAID_BASE = 2 ** 40;

/** A grid site as the replay sees it: its corepower and its PanDA queues (a multi-core and a single-core one). */
export interface ReplaySite {
  readonly name: string;
  readonly corepower: number;
  readonly queues: readonly SiteSpec[];
}

export interface TraceReplayOptions {
  readonly specs: readonly TraceSpec[];
  readonly sites: readonly ReplaySite[];
  readonly resourceTypes: Parameters<typeof buildJob>[0]['resourceTypes'];
  /** The server's attempts per job: a recorded-route job is inserted as the last one. */
  readonly maxAttempts: number;
  /** Time the trace's first creation maps to, before each trace's `timeShift`, s. */
  readonly start?: number;
  /** The server's insert (recorded route). */
  submitJob(job: NewJob): void;
  /** Calls `observer` on every job transition of the server. */
  observe(observer: (t: JobTransition) => void): void;
  /** A new jediTaskID, registered under the job class of its jobs (the metrics' label). */
  newTask(jobClass: string): number;
  /** Hands a task to JEDI (broker route); `onEnd` is called when all its jobs ended. */
  submitTask(input: JediTaskInput): void;
}

/** One job of the trace to replay. */
interface ReplayJob {
  readonly record: JobRecord;
  readonly trace: number;
  /** Simulated creation time, s. */
  readonly at: number;
  readonly cores: number;
  /** HS06·s. */
  readonly work: number;
  /** Walltime it asks for: its recorded `maxwalltime`, else the wall time it was seen to need, s. */
  readonly walltime: number;
  /** The grid site it ran at (recorded route), or the one its corepower is read from. */
  readonly site: ReplaySite | undefined;
}

/** The grid site a record's queue stands for: a site's name, one of its PQs, or `queueMap`'s entry. */
export function mappedSite(
  queue: string,
  queueMap: Readonly<Record<string, string>>,
  sites: ReadonlyMap<string, string>,
): string | undefined {
  return (
    sites.get(queueMap[queue] ?? queue) ??
    (queueMap['*'] !== undefined ? sites.get(queueMap['*']) : undefined)
  );
}

/** Whether a record is replayed: it ran (has a start and an end). */
export function isReplayed(record: JobRecord): boolean {
  return record.starttime !== null && record.endtime !== null;
}

/** Site name and PQ names → site name, for `mappedSite`. */
export function siteNames(sites: readonly ReplaySite[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const s of sites) {
    names.set(s.name, s.name);
    for (const q of s.queues) names.set(q.sitename, s.name);
  }
  return names;
}

export class TraceReplay {
  private readonly jobs: ReplayJob[] = [];
  private readonly byName = new Map<string, ReplaySite>();
  private readonly taskIDs = new Map<string, number>();
  private readonly endListeners: (() => void)[] = [];
  private next = 0;
  private endedCount = 0;
  /** Records not replayed (no start or no end). */
  readonly skipped: number;

  constructor(
    private readonly sim: Simulation,
    private readonly options: TraceReplayOptions,
  ) {
    for (const s of options.sites) this.byName.set(s.name, s);
    const names = siteNames(options.sites);
    let skipped = 0;
    const start = options.start ?? sim.now;
    options.specs.forEach((spec, trace) => {
      if (spec.records.length === 0) return;
      const first = spec.records.reduce((m, r) => Math.min(m, r.creationtime), Infinity);
      for (const record of spec.records) {
        if (!isReplayed(record)) {
          skipped++;
          continue;
        }
        const siteName = mappedSite(record.computingsite, spec.queueMap, names);
        const site = siteName === undefined ? undefined : this.byName.get(siteName);
        const cores = recordCores(record);
        const wall = (record.endtime as number) - (record.starttime as number);
        const work = record.hs06sec ?? (site === undefined ? NaN : wall * cores * site.corepower);
        if (Number.isNaN(work) || (spec.route === 'recorded' && site === undefined)) {
          throw new Error(
            `trace ${spec.file}: pandaid ${record.pandaid} ran at ${record.computingsite}, which is no grid site ` +
              'of the catalog (scenarios/load.ts checks this)',
          );
        }
        const at = start + spec.timeShift + record.creationtime - first;
        this.jobs.push({ record, trace, at, cores, work, walltime: record.maxwalltime ?? wall, site });
      }
    });
    this.skipped = skipped;
    // Jobs in creation order; a stable sort keeps the file's order among equal times.
    this.jobs.sort((a, b) => a.at - b.at);
    options.observe((t) => this.onTransition(t));
    if (this.jobs.some((j) => options.specs[j.trace].route === 'recorded')) this.scheduleNext();
    this.submitTasks();
  }

  /** Jobs the trace replays. */
  get planned(): number {
    return this.jobs.length;
  }

  /** Replayed jobs that have ended (finished, failed or cancelled for good). */
  get ended(): number {
    return this.endedCount;
  }

  /** Calls `listener` once every replayed job has ended. */
  onAllEnded(listener: () => void): void {
    if (this.jobs.length > 0 && this.endedCount === this.jobs.length) listener();
    else this.endListeners.push(listener);
  }

  /** The record a recorded-route job replays, from its PandaID; undefined for any other job. */
  recordOf(PandaID: number): JobRecord | undefined {
    const k = PandaID - TRACE_PANDAID_BASE;
    return k >= 0 && k < this.jobs.length ? this.jobs[k].record : undefined;
  }

  // Recorded route: one pending creation event at a time, the next scheduled when it fires.

  private scheduleNext(): void {
    while (
      this.next < this.jobs.length &&
      this.options.specs[this.jobs[this.next].trace].route !== 'recorded'
    )
      this.next++;
    if (this.next < this.jobs.length) this.sim.at(this.jobs[this.next].at, this.createDue);
  }

  private readonly createDue = (): void => {
    const now = this.sim.now;
    while (this.next < this.jobs.length && this.jobs[this.next].at <= now) {
      const k = this.next++;
      if (this.options.specs[this.jobs[k].trace].route === 'recorded') this.create(k);
    }
    this.scheduleNext();
  };

  private create(k: number): void {
    const job = this.jobs[k];
    const spec = this.options.specs[job.trace];
    const site = job.site as ReplaySite;
    const queue = this.queueFor(site, job.cores);
    const task = this.taskSpec(spec, job.trace, job.record, job.cores, job.walltime);
    const PandaID = TRACE_PANDAID_BASE + k;
    const built = buildJob({
      PandaID,
      task,
      queue,
      payload: { id: PandaID, cpuWork: job.work, gpuWork: 0, cores: job.cores, gpus: 0, fixedTime: 0 },
      owner: owner(spec),
      isScout: false,
      resourceTypes: this.options.resourceTypes,
      userJobs: 0,
    });
    this.options.submitJob({ ...built, attemptNr: this.options.maxAttempts });
  }

  /** The site's single-core PQ for a one-core job, else the multi-core PQ with room for its cores. */
  private queueFor(site: ReplaySite, cores: number): SiteSpec {
    const fits = site.queues.filter((q) => (cores === 1 ? q.coreCount === 1 : (q.coreCount ?? 0) >= cores));
    const queue = fits.sort((a, b) => (a.coreCount ?? 0) - (b.coreCount ?? 0))[0];
    if (queue === undefined)
      throw new Error(`trace replay: no queue of ${site.name} takes ${cores}-core jobs`);
    return queue;
  }

  /**
   * The task row of a record's task (its jeditaskid and core count), with a jediTaskID of the run's own. Its
   * jobs ask for `walltime`, so a pilot with less time left does not take them.
   */
  private taskSpec(
    spec: TraceSpec,
    trace: number,
    record: JobRecord,
    cores: number,
    walltime: number,
  ): TaskSpec {
    const key = `${trace}/${record.jeditaskid ?? `job${record.pandaid}`}/${cores}`;
    let jediTaskID = this.taskIDs.get(key);
    if (jediTaskID === undefined) {
      jediTaskID = this.options.newTask(jobClass(spec));
      this.taskIDs.set(key, jediTaskID);
    }
    return {
      jediTaskID,
      prodSourceLabel: spec.prodSourceLabel,
      gshare: spec.gshare,
      currentPriority: spec.priority,
      taskPriority: spec.priority,
      coreCount: cores,
      maxWalltime: Math.ceil(walltime),
      // The records carry no memory request (minramcount is not read): 0 = not stated.
      ramCount: 0,
      ramUnit: 'MB',
      ...(spec.prodSourceLabel === 'user' ? { userName: owner(spec) } : {}),
    };
  }

  private onTransition(t: JobTransition): void {
    if (t.to !== 'finished' && t.to !== 'failed' && t.to !== 'cancelled') return;
    if (t.retried || this.recordOf(t.job.PandaID) === undefined) return;
    this.jobEnded(1);
  }

  private jobEnded(n: number): void {
    this.endedCount += n;
    if (this.endedCount === this.jobs.length) for (const listener of this.endListeners.splice(0)) listener();
  }

  // Broker route: a JEDI task per (trace, jeditaskid, cores), submitted at its first job's creation.

  private submitTasks(): void {
    const tasks = new Map<string, ReplayJob[]>();
    for (const job of this.jobs) {
      if (this.options.specs[job.trace].route !== 'broker') continue;
      const key = `${job.trace}/${job.record.jeditaskid ?? `job${job.record.pandaid}`}/${job.cores}`;
      const list = tasks.get(key);
      if (list === undefined) tasks.set(key, [job]);
      else list.push(job);
    }
    for (const jobs of tasks.values()) this.sim.at(jobs[0].at, () => this.submitTask(jobs));
  }

  private submitTask(jobs: readonly ReplayJob[]): void {
    const first = jobs[0];
    const spec = this.options.specs[first.trace];
    const longest = jobs.reduce((m, j) => Math.max(m, j.walltime), 0);
    const task = this.taskSpec(spec, first.trace, first.record, first.cores, longest);
    const inputBytes = jobs.reduce((a, j) => a + j.record.inputfilebytes, 0) / jobs.length;
    const outputBytes = jobs.reduce((a, j) => a + j.record.outputfilebytes, 0) / jobs.length;
    this.options.submitTask({
      spec: {
        ...task,
        // One event per job: the task's HS06·s per event is the mean work of its jobs, as for the background.
        cpuTime: jobs.reduce((a, j) => a + j.work, 0) / jobs.length,
        cpuTimeUnit: 'HS06sPerEvent',
      },
      nJobs: jobs.length,
      payload: (jobIndex, queue) => ({
        id: jobIndex,
        cpuWork: jobs[jobIndex].work,
        gpuWork: 0,
        cores: Math.min(jobs[jobIndex].cores, jobCoreCount(first.cores, queue)),
        gpus: 0,
        fixedTime: 0,
      }),
      inputBytesPerJob: inputBytes,
      outputBytesPerJob: outputBytes,
      jobClass: jobClass(spec),
      owner: owner(spec),
      skipScout: true,
      // A task ends when every job of it has ended for good (or it broke and the rest never will run).
      onEnd: () => this.jobEnded(jobs.length),
    });
  }
}

/** The metrics label of a trace's jobs. */
export function jobClass(spec: Pick<TraceSpec, 'name'>): string {
  return `trace:${spec.name}`;
}

function owner(spec: TraceSpec): string {
  return `trace/${spec.name}`;
}
