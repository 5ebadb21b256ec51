/**
 * Where a workflow job's data comes from and goes to. Inputs are the parents' outputs, read where they
 * collected (each parent's home); a root task reads from its own home. A job's input moves to the storage
 * next to where it runs before it may start — a shared input (a trained model) once per site — and its output
 * moves to its task's home after it ends. Both are timed and counted per task and job class.
 */
import type { Simulation } from '../../sim/engine.ts';
import type { DataMover } from '../../models/data/mover.ts';
import type { RunMetrics } from './metrics.ts';
import type { ResourceInfo } from './catalog.ts';
import type { TaskRun } from './task-run.ts';

export class WorkflowData {
  private readonly runs = new Map<string, TaskRun>();

  constructor(
    private readonly sim: Simulation,
    private readonly mover: DataMover,
    private readonly metrics: RunMetrics,
  ) {}

  add(run: TaskRun): void {
    this.runs.set(run.label, run);
  }

  /**
   * Moves a job's input to `resource`'s storage — its own part from each parent's home, and the task's shared
   * input once per site — and calls `done(ok)` when all of it is there (or a copy failed for good).
   */
  stageIn(run: TaskRun, resource: ResourceInfo, done: (ok: boolean) => void): void {
    const parents = run.task.parents.map((p) => this.runOf(`${p.workflow}/${p.spec.name}`));
    const sources = parents.length > 0 ? parents : [run];
    const start = this.sim.now;
    const copies: { source: TaskRun; bytes: number; shared: boolean }[] = [];
    for (const source of sources) {
      if (run.spec.inputBytesPerJob > 0) {
        copies.push({ source, bytes: run.spec.inputBytesPerJob / sources.length, shared: false });
      }
      if (run.spec.sharedInputBytes > 0) {
        copies.push({ source, bytes: run.spec.sharedInputBytes / sources.length, shared: true });
      }
    }
    let left = copies.length;
    let allOk = true;
    const finish = () => {
      this.metrics.stage(run.jobClass, 'in', this.sim.now - start);
      done(allOk);
    };
    if (left === 0) {
      this.sim.schedule(0, finish);
      return;
    }
    for (const { source, bytes, shared } of copies) {
      const from = source.home ?? resource.rse;
      const arrived = (ok: boolean, copied = true) => {
        allOk &&= ok;
        if (ok && copied && from !== resource.rse) run.transferred('in', bytes, start, this.sim.now);
        if (--left === 0) finish();
      };
      if (shared) this.mover.moveShared(`${source.label}/outputs`, from, resource.rse, bytes, arrived);
      else this.mover.move(from, resource.rse, bytes, arrived);
    }
  }

  /** Moves a finished job's output from `resource`'s storage to its task's home. */
  stageOut(run: TaskRun, resource: ResourceInfo, done: (ok: boolean) => void): void {
    const to = run.home ?? resource.rse;
    const start = this.sim.now;
    const bytes = run.spec.outputBytesPerJob;
    this.mover.move(resource.rse, to, bytes, (ok) => {
      if (ok && to !== resource.rse) run.transferred('out', bytes, start, this.sim.now);
      this.metrics.stage(run.jobClass, 'out', this.sim.now - start);
      done(ok);
    });
  }

  private runOf(label: string): TaskRun {
    const run = this.runs.get(label);
    if (run === undefined) throw new Error(`workflow data: no task ${label}`);
    return run;
  }
}
