/**
 * One workflow task as the world runs it: its jobs' work drawn up front from the task's own random stream (so
 * every policy sees the same jobs: common random numbers), the payload a job gets where it lands, where the
 * task's outputs collect, and what it moved and where its jobs ran.
 */
import type { RandomStreams } from '../../sim/random.ts';
import type { Payload } from '../../models/provider/worker.ts';
import type { WorkflowTask } from '../../models/workflow/workflow.ts';
import type { WorkflowTaskSpec } from '../scenario.ts';
import type { Route } from '../policies/policy.ts';
import type { ResourceInfo } from './catalog.ts';

/** HS06 of the reference core the brokerage's walltime rules are written for ("24 h at 10 HS06 per core"). */
const REFERENCE_HS06_PER_CORE = 10;

export class TaskRun {
  readonly spec: WorkflowTaskSpec;
  /** Work of each job: HS06·s for cpu tasks, A100·s for gpu tasks. */
  readonly work: Float64Array;
  /** Work each job has checkpointed over its killed attempts, same units. */
  readonly progress: Float64Array;
  route: Route | null = null;
  /** Storage endpoint where the outputs collect (the nucleus under PanDA, the LCF under Parsl). */
  home: string | null = null;
  readonly jobsPerResource: Record<string, number> = {};
  readonly jediTaskIDs: number[] = [];
  bytesIn = 0;
  bytesOut = 0;
  firstStart = Number.NaN;
  firstTransfer = Number.NaN;
  lastTransfer = Number.NaN;

  constructor(
    readonly task: WorkflowTask,
    streams: RandomStreams,
  ) {
    this.spec = task.spec;
    const dist = this.spec.kind === 'gpu' ? this.spec.gpuPerJob : this.spec.cpuPerJob;
    if (dist === undefined)
      throw new Error(`task ${this.label}: no work per job for a ${this.spec.kind} task`);
    const rng = streams.stream(`workload/${task.workflow}/${this.spec.name}/work`);
    this.work = new Float64Array(this.spec.nJobs);
    for (let i = 0; i < this.work.length; i++) this.work[i] = dist.sample(rng);
    this.progress = new Float64Array(this.spec.nJobs);
  }

  get label(): string {
    return `${this.task.workflow}/${this.spec.name}`;
  }

  get jobClass(): string {
    return `workflow:${this.label}`;
  }

  /** HS06·s per job for the brokerage's walltime checks: the mean CPU work, or the cores held during the GPU work. */
  cpuTimePerJob(): number {
    const s = this.spec;
    if (s.kind === 'cpu') return s.cpuPerJob?.mean ?? 0;
    return (s.gpuPerJob?.mean ?? 0) * s.coreCount * REFERENCE_HS06_PER_CORE;
  }

  /** Runs on GPUs at `resource` unless the route or the resource has none. */
  usesGpus(resource: ResourceInfo, cpuOnly: boolean): boolean {
    return this.spec.kind === 'gpu' && !cpuOnly && resource.gpus > 0;
  }

  /** Job `index`'s payload on `resource`; a gpu task on CPUs does its work at `cpuPerGpuSecond`. */
  payload(id: number, index: number, resource: ResourceInfo, cpuOnly: boolean): Payload {
    const work = Math.max(0, this.work[index] - this.progress[index]);
    if (this.spec.kind === 'cpu') {
      return { id, cpuWork: work, gpuWork: 0, cores: this.spec.coreCount, gpus: 0, fixedTime: 0 };
    }
    if (this.usesGpus(resource, cpuOnly)) {
      return {
        id,
        cpuWork: 0,
        gpuWork: work,
        cores: this.spec.coreCount,
        gpus: this.spec.gpusPerJob,
        fixedTime: 0,
      };
    }
    const factor = this.spec.cpuPerGpuSecond;
    if (factor === undefined) {
      throw new Error(
        `task ${this.label}: GPU work on ${resource.name}, which has no GPUs, and no cpuPerGpuSecond`,
      );
    }
    return { id, cpuWork: work * factor, gpuWork: 0, cores: this.spec.coreCount, gpus: 0, fixedTime: 0 };
  }

  /** Work a killed attempt keeps: whole checkpoint intervals of its run, in the task's work units. */
  checkpointedWork(runSeconds: number, resource: ResourceInfo, cpuOnly: boolean): number {
    const every = this.spec.checkpointEvery;
    if (every === undefined || !(runSeconds > 0)) return 0;
    const kept = Math.floor(runSeconds / every) * every;
    if (this.usesGpus(resource, cpuOnly)) return kept * this.spec.gpusPerJob * resource.gpuSpeed;
    const rate = this.spec.coreCount * resource.corepower;
    return this.spec.kind === 'cpu' ? kept * rate : (kept * rate) / (this.spec.cpuPerGpuSecond ?? Infinity);
  }

  transferred(direction: 'in' | 'out', bytes: number, startedAt: number, now: number): void {
    if (direction === 'in') this.bytesIn += bytes;
    else this.bytesOut += bytes;
    if (!(this.firstTransfer <= startedAt)) this.firstTransfer = startedAt;
    if (!(this.lastTransfer >= now)) this.lastTransfer = now;
  }

  started(now: number): void {
    if (!(this.firstStart <= now)) this.firstStart = now;
  }

  finishedAt(resource: string): void {
    this.jobsPerResource[resource] = (this.jobsPerResource[resource] ?? 0) + 1;
  }
}
