/**
 * An iDDS-style workflow: a DAG of tasks, each released to an executor when its inputs exist. A task whose
 * spec says `stream` is released in slices as its parents' outputs appear, the way iDDS hands a
 * processing new input files while the parent task still runs (iDDS `workflow/work.py` "Work" with
 * `use_dependency_to_release_jobs`); otherwise it is released whole when every parent is done.
 *
 * The workflow knows nothing of where tasks run: its executor (chosen per task by the placement policy) runs
 * the jobs and reports each job's end. A task ends when all its jobs ended; when none succeeded it failed,
 * its children not yet released never are, and the workflow ends failed.
 */
import type { WorkflowSpec, WorkflowTaskSpec } from '../../scenarios/scenario.ts';

/**
 * JEDI's final task states: `done` every job succeeded, `finished` some failed for good (the children still get
 * the outputs that exist, as iDDS releases on a finished parent), `failed` none succeeded or a parent failed.
 */
export type WorkflowTaskState = 'waiting' | 'running' | 'done' | 'finished' | 'failed';

function ended(state: WorkflowTaskState): boolean {
  return state === 'done' || state === 'finished' || state === 'failed';
}

/** One released slice of a task's jobs: indices [first, first + count). */
export interface JobSlice {
  readonly first: number;
  readonly count: number;
}

/** What the workflow needs from whoever runs its tasks. */
export interface TaskExecutor {
  /** Runs a slice of the task's jobs; `jobEnded` must be called once per job of the slice. */
  run(task: WorkflowTask, slice: JobSlice, jobEnded: (jobIndex: number, ok: boolean) => void): void;
}

export interface WorkflowTask {
  readonly workflow: string;
  readonly spec: WorkflowTaskSpec;
  readonly parents: readonly WorkflowTask[];
  readonly children: WorkflowTask[];
  state: WorkflowTaskState;
  /** Jobs released to the executor so far. */
  released: number;
  finished: number;
  failed: number;
  /** When the first slice was released, and when the last job ended (NaN until then). */
  releasedAt: number;
  endedAt: number;
}

/** Slices a streamed task is released in: one per tenth of its parents' jobs done. */
export const STREAM_SLICES = 10;

export interface WorkflowEvents {
  taskReleased?(task: WorkflowTask, slice: JobSlice): void;
  taskEnded?(task: WorkflowTask): void;
  workflowEnded?(workflow: Workflow): void;
}

export class Workflow {
  readonly name: string;
  readonly tasks: readonly WorkflowTask[];
  submittedAt = Number.NaN;
  endedAt = Number.NaN;
  private open: number;

  constructor(
    readonly spec: WorkflowSpec,
    private readonly clock: { readonly now: number },
    private readonly executorOf: (task: WorkflowTask) => TaskExecutor,
    private readonly events: WorkflowEvents = {},
  ) {
    this.name = spec.name;
    const byName = new Map<string, WorkflowTask>();
    const tasks: WorkflowTask[] = [];
    for (const taskSpec of spec.tasks) {
      const parents = taskSpec.after.map((name) => {
        const parent = byName.get(name);
        // The scenario loader orders and checks `after`; this guards hand-built specs.
        if (parent === undefined)
          throw new Error(`workflow ${spec.name}: ${taskSpec.name} after unknown ${name}`);
        return parent;
      });
      const task: WorkflowTask = {
        workflow: spec.name,
        spec: taskSpec,
        parents,
        children: [],
        state: 'waiting',
        released: 0,
        finished: 0,
        failed: 0,
        releasedAt: Number.NaN,
        endedAt: Number.NaN,
      };
      for (const parent of parents) parent.children.push(task);
      byName.set(taskSpec.name, task);
      tasks.push(task);
    }
    this.tasks = tasks;
    this.open = tasks.length;
  }

  get state(): 'waiting' | 'running' | 'done' | 'failed' {
    if (Number.isNaN(this.submittedAt)) return 'waiting';
    if (this.open > 0) return 'running';
    return this.tasks.some((t) => t.state === 'failed') ? 'failed' : 'done';
  }

  /** Submits the workflow now: its root tasks are released. */
  submit(): void {
    if (!Number.isNaN(this.submittedAt)) throw new Error(`workflow ${this.name}: submitted twice`);
    this.submittedAt = this.clock.now;
    for (const task of this.tasks) this.release(task);
  }

  /** Releases what the task's inputs allow now. */
  private release(task: WorkflowTask): void {
    if (ended(task.state)) return;
    const allowed = this.releasable(task);
    if (allowed <= task.released) return;
    const slice = { first: task.released, count: allowed - task.released };
    if (task.released === 0) {
      task.state = 'running';
      task.releasedAt = this.clock.now;
    }
    task.released = allowed;
    this.events.taskReleased?.(task, slice);
    this.executorOf(task).run(task, slice, (jobIndex, ok) => this.jobEnded(task, jobIndex, ok));
  }

  /** Jobs of `task` its parents' progress allows to run. */
  private releasable(task: WorkflowTask): number {
    const n = task.spec.nJobs;
    if (task.parents.length === 0) return n;
    if (task.parents.some((p) => p.state === 'failed')) return 0;
    if (task.parents.every((p) => p.state === 'done' || p.state === 'finished')) return n;
    if (!task.spec.stream) return 0;
    // The slowest parent bounds the inputs present; a slice is released per tenth of it.
    let fraction = 1;
    for (const p of task.parents) fraction = Math.min(fraction, p.finished / p.spec.nJobs);
    const slices = Math.floor(fraction * STREAM_SLICES);
    return Math.floor((n * slices) / STREAM_SLICES);
  }

  private jobEnded(task: WorkflowTask, jobIndex: number, ok: boolean): void {
    if (!(jobIndex >= 0 && jobIndex < task.released)) {
      throw new Error(`workflow ${this.name}: ${task.spec.name} job ${jobIndex} was never released`);
    }
    if (ok) task.finished++;
    else task.failed++;
    if (task.finished + task.failed > task.released) {
      throw new Error(`workflow ${this.name}: ${task.spec.name} has more job ends than jobs released`);
    }
    if (ok) for (const child of task.children) this.release(child);
    this.endIfComplete(task);
  }

  /** Jobs the task will run in all: fewer than its spec's when a parent failed before releasing them all. */
  private target(task: WorkflowTask): number {
    return task.parents.some((p) => p.state === 'failed') ? task.released : task.spec.nJobs;
  }

  private endIfComplete(task: WorkflowTask): void {
    if (ended(task.state)) return;
    const target = this.target(task);
    if (task.finished + task.failed < target) return;
    if (task.finished === 0) task.state = 'failed';
    else task.state = task.failed > 0 ? 'finished' : 'done';
    task.endedAt = this.clock.now;
    this.open--;
    this.events.taskEnded?.(task);
    for (const child of task.children) {
      if (task.state === 'failed') this.endIfComplete(child);
      else this.release(child);
    }
    if (this.open === 0 && Number.isNaN(this.endedAt)) {
      this.endedAt = this.clock.now;
      this.events.workflowEnded?.(this);
    }
  }
}
