// The background load of a scenario: per global share, production or analysis tasks arriving as a Poisson
// process and handed to JEDI, which brokers, throttles and generates their jobs like any other task.
//
// Common random numbers: arrival times come from the share's own stream and everything about the n-th task of
// the share (its jobs, owner, CPU per job) from a stream of that task alone, drawn in full when it arrives. So two
// runs with one seed see the same tasks at the same times, whatever the policy placed where; only where the jobs
// run (and so how long they take) differs.

import type { TaskSpec } from '@pandasim/panda';
import type { Simulation } from '../../sim/engine.ts';
import type { RandomStreams, Rng } from '../../sim/random.ts';
import type { BackgroundLoad as BackgroundLoadSpec } from '../../scenarios/scenario.ts';
import { jobCoreCount } from '../jedi/job-builder.ts';
import type { JediTaskHandle, JediTaskInput } from '../jedi/jedi-task.ts';

/** What the background load needs of JEDI. */
export interface TaskSink {
  submit(task: JediTaskInput): JediTaskHandle;
  nextTaskID(): number;
}

export interface BackgroundLoadOptions {
  jedi: TaskSink;
  specs: readonly BackgroundLoadSpec[];
  /** Time the arrival processes start, s (default: now). */
  start?: number;
  /** No task arrives at or after this time, s (default: never stops). */
  stop?: number;
  /** Each task as submitted (metrics, tests). */
  onTask?(task: JediTaskHandle, spec: BackgroundLoadSpec): void;
}

/** The task a background spec makes from the draws of one task stream. */
export function backgroundTask(spec: BackgroundLoadSpec, jediTaskID: number, rng: Rng): JediTaskInput {
  const nJobs = Math.max(1, Math.round(spec.jobsPerTask.sample(rng)));
  const user = Math.floor(rng.next() * spec.users);
  const cpuWork = new Float64Array(nJobs);
  for (let i = 0; i < nJobs; i++) cpuWork[i] = Math.max(0, spec.cpuPerJob.sample(rng));
  const owner = `background/${spec.gshare}/user${user}`;
  const taskSpec: TaskSpec = {
    jediTaskID,
    prodSourceLabel: spec.prodSourceLabel,
    gshare: spec.gshare,
    currentPriority: spec.priority,
    taskPriority: spec.priority,
    coreCount: spec.coreCount,
    ramCount: spec.ramMB,
    ramUnit: 'MB',
    // One event per job: the task's HS06·s per event is what its scouts would measure, the mean per job.
    cpuTime: spec.cpuPerJob.mean,
    cpuTimeUnit: 'HS06sPerEvent',
    maxWalltime: spec.walltime,
    ...(spec.prodSourceLabel === 'user' ? { userName: owner } : {}),
  };
  return {
    spec: taskSpec,
    nJobs,
    payload: (jobIndex, queue) => ({
      id: jobIndex,
      cpuWork: cpuWork[jobIndex],
      gpuWork: 0,
      cores: jobCoreCount(spec.coreCount, queue),
      gpus: 0,
      fixedTime: 0,
    }),
    inputBytesPerJob: spec.inputBytesPerJob,
    outputBytesPerJob: spec.outputBytesPerJob,
    jobClass: `background:${spec.gshare}`,
    owner,
  };
}

export class BackgroundLoad {
  private readonly submittedPerSpec: number[];

  constructor(
    private readonly sim: Simulation,
    private readonly streams: RandomStreams,
    private readonly options: BackgroundLoadOptions,
  ) {
    const seen = new Set<string>();
    for (const spec of options.specs) {
      // Streams are named by gshare; two loads of one share would share (and shift) each other's draws.
      if (seen.has(spec.gshare)) throw new RangeError(`background: two loads for gshare "${spec.gshare}"`);
      seen.add(spec.gshare);
      if (!(spec.taskRate >= 0)) throw new RangeError(`background ${spec.gshare}: taskRate must be >= 0`);
      if (!(spec.users >= 1)) throw new RangeError(`background ${spec.gshare}: users must be >= 1`);
    }
    this.submittedPerSpec = options.specs.map(() => 0);
    const start = options.start ?? sim.now;
    options.specs.forEach((spec, k) => {
      if (spec.taskRate > 0)
        sim.at(start, () => this.scheduleNext(k, streams.stream(this.name(spec, 'arrivals'))));
    });
  }

  /** Tasks submitted so far, all loads together. */
  get submitted(): number {
    return this.submittedPerSpec.reduce((a, b) => a + b, 0);
  }

  /** Tasks submitted so far by the load of `gshare`. */
  submittedFor(gshare: string): number {
    const k = this.options.specs.findIndex((s) => s.gshare === gshare);
    return k < 0 ? 0 : this.submittedPerSpec[k];
  }

  private name(spec: BackgroundLoadSpec, what: string): string {
    return `workload/background/${spec.gshare}/${what}`;
  }

  private scheduleNext(k: number, arrivals: Rng): void {
    const spec = this.options.specs[k];
    const gap = -Math.log(1 - arrivals.next()) / spec.taskRate;
    const at = this.sim.now + gap;
    if (at >= (this.options.stop ?? Infinity)) return;
    this.sim.at(at, () => {
      this.arrive(k);
      this.scheduleNext(k, arrivals);
    });
  }

  private arrive(k: number): void {
    const spec = this.options.specs[k];
    const n = this.submittedPerSpec[k]++;
    const rng = this.streams.fresh(this.name(spec, `task-${n}`));
    const task = this.options.jedi.submit(backgroundTask(spec, this.options.jedi.nextTaskID(), rng));
    this.options.onTask?.(task, spec);
  }
}
