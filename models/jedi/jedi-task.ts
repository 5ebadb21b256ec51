// A JEDI task as the simulator follows it from submission to its end: the task as submitted, the nucleus the
// task brokerage chose, how many of its jobs were generated, succeeded and failed, and its status under the names
// of JediTaskSpec (pandaserver/taskbuffer/JediTaskSpec.py: `statusForJobGenerator`, `statusToRejectExtChange`).
// Only counters are kept here; per-job state lives in Jedi for live jobs only.
//
// Scouts (brokerage.md §2.6, fairshare.md §3.2): the first `nScoutJobs` jobs form the scout chunk
// (`ContentsFeeder` reads `nChunksForScout = 10` files for scouts); the rest of the input waits until the scouts
// have told enough. `prepareTasksToBeFinished_JEDI` (pandaserver/taskbuffer/db_proxy_mods/task_complex_module.py)
// lets the task leave `scouting` either early, once `minSuccessScouts = 5` in 10 of its scout jobs finished
// ("early avalanche"), or once every scout job ended: with at least one success the task goes on (`scouted`, then
// `running`), with none it is broken ("no scout jobs succeeded", `tobroken` → `broken`). When every input file
// has been processed the master dataset, and then the task, become `done` (all succeeded), `failed` (none did)
// or `finished` (some did).

import type { SiteSpec, TaskSpec } from '@pandasim/panda';
import type { Payload } from '../provider/worker.ts';
import type { NewJob } from '../server/panda-server.ts';

/** The JediTaskSpec statuses a simulated task goes through. */
export type JediTaskStatus = 'defined' | 'scouting' | 'running' | 'done' | 'finished' | 'failed' | 'broken';

/** What a caller hands to JEDI: the task, how many jobs it makes, and what each job costs and moves. */
export interface JediTaskInput {
  /** The task as the brokerages read it (jediTaskID, gshare, prodSourceLabel, coreCount, ramCount, …). */
  spec: TaskSpec;
  nJobs: number;
  /**
   * The payload of a job, called when the job is generated and again for each retry JEDI brokers. `queue` is the
   * queue the attempt was brokered to (for a unified PQ its pseudo queue `<PQ>/<resource type>`): a GPU task may
   * get CPU work on a CPU-only queue. The work must not depend on anything else, so that policies compared under
   * one seed see the same jobs — except that a checkpointing job's retry has only the work left.
   */
  payload(jobIndex: number, queue: SiteSpec): Payload;
  inputBytesPerJob: number;
  outputBytesPerJob: number;
  /** Metrics label of the task's jobs. */
  jobClass: string;
  /** `prodUserName` of the jobs. */
  owner: string;
  /** PanDA's `skipScout` task parameter: no scout chunk, every job generated as the throttle allows. */
  skipScout?: boolean;
  /** Once, when every job finished or failed for good (and outputs arrived), or the task broke. */
  onEnd?(task: JediTaskHandle): void;
  /** For each job whose final attempt finished and whose outputs arrived. */
  onJobFinished?(job: GeneratedJob): void;
}

/** One job JEDI generated, as long as it lives. */
export interface GeneratedJob {
  readonly PandaID: number;
  readonly jediTaskID: number;
  readonly jobIndex: number;
  /** The PQ the job runs at (the unified PQ's name for a pseudo queue). */
  readonly computingSite: string;
  readonly nucleus: string;
  readonly inputBytes: number;
  readonly outputBytes: number;
  readonly jobClass: string;
  readonly isScout: boolean;
  /** The row JEDI inserted into the server's job table. */
  readonly job: NewJob;
}

export interface JediTaskCounters {
  generated: number;
  /** Final attempt finished and outputs arrived. */
  finished: number;
  /** Failed (or cancelled) for good. */
  failed: number;
  /** Generated and neither finished nor failed: generated = finished + failed + live. */
  live: number;
}

export interface JediTaskHandle {
  readonly jediTaskID: number;
  /** The task as brokered: `nucleus` set once chosen, `site` set from `includedSite` for production. */
  readonly spec: Readonly<TaskSpec>;
  readonly jobClass: string;
  readonly owner: string;
  readonly nJobs: number;
  readonly status: JediTaskStatus;
  /** Nucleus chosen by the task brokerage, null until then. */
  readonly nucleus: string | null;
  readonly counters: Readonly<JediTaskCounters>;
  readonly submittedAt: number;
  /** When the first of its jobs was seen executing, null before. */
  readonly firstStart: number | null;
  readonly end: number | null;
  /** Jobs generated per PQ (computingSite). */
  readonly jobsPerSite: ReadonlyMap<string, number>;
  /** Why the latest failed brokerage attempt (task or job brokerage) failed, kept after later successes; null if none failed. */
  readonly lastBrokerageFailure: string | null;
}

/** What the early avalanche asks of scouts: `minSuccessScouts / 10` of them finished. */
export const EARLY_AVALANCHE_FRACTION = 5 / 10;

export class JediTask implements JediTaskHandle {
  readonly jediTaskID: number;
  readonly spec: TaskSpec;
  readonly jobClass: string;
  readonly owner: string;
  readonly nJobs: number;
  readonly nScoutJobs: number;
  status: JediTaskStatus = 'defined';
  firstStart: number | null = null;
  end: number | null = null;
  lastBrokerageFailure: string | null = null;
  readonly counters: JediTaskCounters = { generated: 0, finished: 0, failed: 0, live: 0 };
  readonly jobsPerSite = new Map<string, number>();
  private scoutsGenerated = 0;
  private scoutsFinished = 0;
  private scoutsFailed = 0;

  constructor(
    readonly input: JediTaskInput,
    spec: TaskSpec,
    nScouts: number,
    private readonly avalancheFraction: number,
    readonly submittedAt: number,
  ) {
    if (!Number.isInteger(input.nJobs) || input.nJobs < 1)
      throw new RangeError(`task ${spec.jediTaskID}: nJobs must be a whole number >= 1, got ${input.nJobs}`);
    this.jediTaskID = spec.jediTaskID;
    this.spec = spec;
    this.jobClass = input.jobClass;
    this.owner = input.owner;
    this.nJobs = input.nJobs;
    this.nScoutJobs = Math.min(nScouts, input.nJobs);
  }

  get nucleus(): string | null {
    return this.spec.nucleus ?? null;
  }

  get ended(): boolean {
    return this.end !== null;
  }

  /** Jobs still to generate in the scout chunk; 0 once the scouts are all out or the task left scouting. */
  get scoutsToGenerate(): number {
    return this.status === 'defined' || this.status === 'scouting'
      ? this.nScoutJobs - this.scoutsGenerated
      : 0;
  }

  /** Whether the JobGenerator reads the task now (`statusForJobGenerator` with input left to use). */
  get canGenerate(): boolean {
    if (this.ended || this.nucleus === null || this.counters.generated >= this.nJobs) return false;
    return this.status === 'scouting' ? this.scoutsToGenerate > 0 : this.status !== 'broken';
  }

  /** The priority the JobGenerator orders by: scouting tasks get +1 "so that scouts do not wait behind the bulk". */
  get effectivePriority(): number {
    return this.spec.currentPriority + (this.status === 'scouting' ? 1 : 0);
  }

  setNucleus(nucleus: string): void {
    this.spec.nucleus = nucleus;
  }

  onGenerated(computingSite: string, isScout: boolean): void {
    this.counters.generated++;
    this.counters.live++;
    if (isScout) this.scoutsGenerated++;
    this.jobsPerSite.set(computingSite, (this.jobsPerSite.get(computingSite) ?? 0) + 1);
    if (this.status === 'defined') this.status = this.nScoutJobs > 0 ? 'scouting' : 'running';
  }

  onStarted(now: number): void {
    if (this.firstStart === null) this.firstStart = now;
  }

  /** A job's final attempt finished and its outputs arrived; true when the task has now ended. */
  onJobFinished(job: GeneratedJob, now: number): boolean {
    this.counters.finished++;
    this.counters.live--;
    if (job.isScout) this.scoutsFinished++;
    return this.settle(now);
  }

  /** A job failed for good; true when the task has now ended. */
  onJobFailed(job: GeneratedJob, now: number): boolean {
    this.counters.failed++;
    this.counters.live--;
    if (job.isScout) this.scoutsFailed++;
    return this.settle(now);
  }

  private settle(now: number): boolean {
    if (this.status === 'scouting') this.assessScouts();
    if (this.status === 'broken' && this.counters.live === 0) {
      this.end = now;
      return true;
    }
    if (this.status !== 'running' || this.counters.generated < this.nJobs || this.counters.live > 0)
      return false;
    const { finished } = this.counters;
    this.status = finished === this.nJobs ? 'done' : finished === 0 ? 'failed' : 'finished';
    this.end = now;
    return true;
  }

  private assessScouts(): void {
    // minSuccessScouts of the task's scout jobs (not of those generated so far: a partly assigned scout chunk
    // must not go on after one success).
    const early = this.scoutsFinished > 0 && this.scoutsFinished >= this.nScoutJobs * this.avalancheFraction;
    const allEnded =
      this.scoutsGenerated === this.nScoutJobs && this.scoutsFinished + this.scoutsFailed === this.nScoutJobs;
    if (early || (allEnded && this.scoutsFinished > 0)) this.status = 'running';
    else if (allEnded) this.status = 'broken';
  }
}
