/**
 * The iDDS-style workflow DAG on its own: a fake executor records the slices it is handed, and the tests end
 * jobs at chosen times on the event clock.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Simulation } from '../../../sim/engine.ts';
import { constant } from '../../../sim/distributions.ts';
import {
  STREAM_SLICES,
  Workflow,
  type JobSlice,
  type TaskExecutor,
  type WorkflowTask,
} from '../../../models/workflow/workflow.ts';
import type { WorkflowSpec, WorkflowTaskSpec } from '../../../scenarios/scenario.ts';

function taskSpec(
  name: string,
  nJobs: number,
  after: readonly string[] = [],
  stream = false,
): WorkflowTaskSpec {
  return {
    name,
    after,
    stream,
    kind: 'cpu',
    gshare: 'MC Simulation Full',
    prodSourceLabel: 'managed',
    priority: 500,
    nJobs,
    cpuPerJob: constant(36_000),
    coreCount: 8,
    gpusPerJob: 0,
    ramMB: 16_000,
    walltime: 86_400,
    inputBytesPerJob: 0,
    sharedInputBytes: 0,
    outputBytesPerJob: 0,
  };
}

function workflowSpec(tasks: readonly WorkflowTaskSpec[]): WorkflowSpec {
  return { name: 'wf', user: 'alice', submitAt: 0, tasks };
}

interface Released {
  readonly task: string;
  readonly slice: JobSlice;
  readonly at: number;
}

/** Runs nothing: remembers each slice and lets the test end any released job. */
class FakeExecutor implements TaskExecutor {
  readonly released: Released[] = [];
  private readonly enders = new Map<string, (jobIndex: number, ok: boolean) => void>();

  constructor(private readonly sim: Simulation) {}

  run(task: WorkflowTask, slice: JobSlice, jobEnded: (jobIndex: number, ok: boolean) => void): void {
    this.released.push({ task: task.spec.name, slice, at: this.sim.now });
    this.enders.set(task.spec.name, jobEnded);
  }

  end(task: string, jobIndex: number, ok: boolean): void {
    const ender = this.enders.get(task);
    if (ender === undefined) throw new Error(`test: ${task} was never released`);
    ender(jobIndex, ok);
  }

  slicesOf(task: string): { first: number; count: number; at: number }[] {
    return this.released
      .filter((r) => r.task === task)
      .map((r) => ({ first: r.slice.first, count: r.slice.count, at: r.at }));
  }
}

function setup(tasks: readonly WorkflowTaskSpec[]) {
  const sim = new Simulation();
  const exec = new FakeExecutor(sim);
  const log = { taskEnded: [] as string[], workflowEnded: 0 };
  const wf = new Workflow(workflowSpec(tasks), sim, () => exec, {
    taskEnded: (t) => log.taskEnded.push(t.spec.name),
    workflowEnded: () => log.workflowEnded++,
  });
  const task = (name: string): WorkflowTask => {
    const t = wf.tasks.find((x) => x.spec.name === name);
    if (t === undefined) throw new Error(`test: no task ${name}`);
    return t;
  };
  /** Ends `task`'s jobs `indices` at `t`, `t + step`, ... */
  const endAt = (name: string, indices: readonly number[], t: number, ok = true, step = 0) =>
    indices.forEach((i, k) => sim.at(t + k * step, () => exec.end(name, i, ok)));
  return { sim, exec, wf, task, log, endAt };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('Workflow release', () => {
  it('releases every root whole at submission and nothing else', () => {
    const { sim, exec, wf, task } = setup([taskSpec('a', 3), taskSpec('b', 2), taskSpec('c', 4, ['a', 'b'])]);
    expect(wf.state).toBe('waiting');
    sim.at(100, () => wf.submit());
    sim.run();
    expect(wf.submittedAt).toBe(100);
    expect(exec.released).toEqual([
      { task: 'a', slice: { first: 0, count: 3 }, at: 100 },
      { task: 'b', slice: { first: 0, count: 2 }, at: 100 },
    ]);
    expect(task('a')).toMatchObject({ state: 'running', released: 3, releasedAt: 100 });
    expect(task('c')).toMatchObject({ state: 'waiting', released: 0 });
    expect(task('c').releasedAt).toBeNaN();
    expect(wf.state).toBe('running');
    expect(() => wf.submit()).toThrow('workflow wf: submitted twice');
  });

  it('releases a child whole once all its parents have ended, not before', () => {
    const { sim, exec, wf, task, endAt } = setup([
      taskSpec('a', 3),
      taskSpec('b', 2),
      taskSpec('c', 4, ['a', 'b']),
    ]);
    wf.submit();
    endAt('a', [0, 1, 2], 200, true, 10);
    endAt('b', [0], 300);
    sim.run(301);
    // a is done, b has one job left: c still waits.
    expect(task('a')).toMatchObject({ state: 'done', finished: 3, endedAt: 220 });
    expect(exec.slicesOf('c')).toEqual([]);
    endAt('b', [1], 310);
    sim.run();
    expect(exec.slicesOf('c')).toEqual([{ first: 0, count: 4, at: 310 }]);
    expect(task('c')).toMatchObject({ state: 'running', released: 4, releasedAt: 310 });
  });

  it('rejects a task after an unknown one', () => {
    expect(() => setup([taskSpec('a', 1, ['nope'])])).toThrow('workflow wf: a after unknown nope');
  });
});

describe('Workflow streaming', () => {
  /** Parent p of 20 jobs ending one every 10 s from t = 10; returns the streamed child's slices. */
  function stream(childJobs: number) {
    const w = setup([taskSpec('p', 20), taskSpec('c', childJobs, ['p'], true)]);
    w.wf.submit();
    w.endAt('p', range(0, 20), 10, true, 10);
    w.sim.run();
    return { ...w, slices: w.exec.slicesOf('c') };
  }

  it('releases a 7-job child at floor(7·k/10) jobs as the parent crosses each tenth k of 20 jobs', () => {
    // Parent finished 2j of 20 → j tenths → floor(7j/10) jobs: 0,1,2,2,3,4,4,5,6,7 for j = 1..10.
    const { slices, task } = stream(7);
    expect(slices).toEqual([
      { first: 0, count: 1, at: 40 },
      { first: 1, count: 1, at: 60 },
      { first: 2, count: 1, at: 100 },
      { first: 3, count: 1, at: 120 },
      { first: 4, count: 1, at: 160 },
      { first: 5, count: 1, at: 180 },
      { first: 6, count: 1, at: 200 },
    ]);
    expect(task('c')).toMatchObject({ released: 7, releasedAt: 40 });
  });

  it('releases a 25-job child in exactly STREAM_SLICES slices, one per tenth of the parent', () => {
    const { slices } = stream(25);
    expect(slices).toHaveLength(STREAM_SLICES);
    expect(slices.map((s) => [s.first, s.count, s.at])).toEqual([
      [0, 2, 20],
      [2, 3, 40],
      [5, 2, 60],
      [7, 3, 80],
      [10, 2, 100],
      [12, 3, 120],
      [15, 2, 140],
      [17, 3, 160],
      [20, 2, 180],
      [22, 3, 200],
    ]);
  });

  it('is bounded by the slowest parent', () => {
    const { sim, exec, wf, endAt } = setup([
      taskSpec('a', 10),
      taskSpec('b', 10),
      taskSpec('c', 10, ['a', 'b'], true),
    ]);
    wf.submit();
    endAt('a', range(0, 10), 10, true, 1);
    endAt('b', range(0, 3), 100, true, 1);
    sim.run();
    // a all done by t = 19 releases nothing while b has none; b's first three tenths release 3 jobs.
    expect(exec.slicesOf('c')).toEqual([
      { first: 0, count: 1, at: 100 },
      { first: 1, count: 1, at: 101 },
      { first: 2, count: 1, at: 102 },
    ]);
  });

  it('counts only finished parent jobs as inputs, and releases the rest when the parent ends finished', () => {
    const { sim, exec, wf, task, endAt } = setup([taskSpec('p', 10), taskSpec('c', 10, ['p'], true)]);
    wf.submit();
    endAt('p', [0, 1, 2, 3, 4], 10, false, 1);
    endAt('p', [5, 6, 7, 8, 9], 20, true, 1);
    sim.run();
    expect(exec.slicesOf('c')).toEqual([
      { first: 0, count: 1, at: 20 },
      { first: 1, count: 1, at: 21 },
      { first: 2, count: 1, at: 22 },
      { first: 3, count: 1, at: 23 },
      // The fifth success is half the parent: one more job; the parent's end a moment later releases the rest.
      { first: 4, count: 1, at: 24 },
      { first: 5, count: 5, at: 24 },
    ]);
    expect(task('p')).toMatchObject({ state: 'finished', finished: 5, failed: 5, endedAt: 24 });
  });
});

describe('Workflow task and workflow states', () => {
  it('done when every job succeeded, finished when some failed, failed when none succeeded', () => {
    const { sim, wf, task, log, endAt } = setup([
      taskSpec('ok', 2),
      taskSpec('some', 2),
      taskSpec('none', 2),
    ]);
    wf.submit();
    endAt('ok', [0, 1], 10, true, 1);
    endAt('some', [1], 20, false);
    endAt('some', [0], 21, true);
    endAt('none', [0, 1], 30, false, 5);
    sim.run();
    expect(task('ok')).toMatchObject({ state: 'done', finished: 2, failed: 0, endedAt: 11 });
    expect(task('some')).toMatchObject({ state: 'finished', finished: 1, failed: 1, endedAt: 21 });
    expect(task('none')).toMatchObject({ state: 'failed', finished: 0, failed: 2, endedAt: 35 });
    expect(log.taskEnded).toEqual(['ok', 'some', 'none']);
    expect(wf.state).toBe('failed');
    expect(wf.endedAt).toBe(35);
    expect(log.workflowEnded).toBe(1);
  });

  it('a workflow whose tasks are done or finished is done', () => {
    const { sim, wf, log, endAt } = setup([taskSpec('a', 2), taskSpec('b', 1, ['a'])]);
    wf.submit();
    endAt('a', [0], 5, false);
    endAt('a', [1], 6, true);
    endAt('b', [0], 50, true);
    sim.run();
    expect(wf.state).toBe('done');
    expect(wf.endedAt).toBe(50);
    expect(log.workflowEnded).toBe(1);
  });

  it('a failed parent ends its unreleased descendants failed at once, without running them', () => {
    const { sim, exec, wf, task, log, endAt } = setup([
      taskSpec('a', 2),
      taskSpec('side', 1),
      taskSpec('b', 3, ['a']),
      taskSpec('s', 4, ['a'], true),
      taskSpec('c', 2, ['b', 'side']),
    ]);
    wf.submit();
    endAt('a', [0, 1], 40, false, 10);
    endAt('side', [0], 90);
    sim.run();
    expect(exec.released.map((r) => r.task)).toEqual(['a', 'side']);
    for (const name of ['b', 's', 'c']) {
      expect(task(name)).toMatchObject({ state: 'failed', released: 0, finished: 0, failed: 0, endedAt: 50 });
      expect(task(name).releasedAt).toBeNaN();
    }
    expect(log.taskEnded).toEqual(['a', 'b', 'c', 's', 'side']);
    // The workflow ends with its last task, the independent root `side`.
    expect(wf.endedAt).toBe(90);
    expect(wf.state).toBe('failed');
    expect(log.workflowEnded).toBe(1);
  });

  it('fires workflowEnded once, with the workflow', () => {
    const sim = new Simulation();
    const exec = new FakeExecutor(sim);
    const ended: Workflow[] = [];
    const wf = new Workflow(workflowSpec([taskSpec('a', 1)]), sim, () => exec, {
      workflowEnded: (w) => ended.push(w),
    });
    wf.submit();
    sim.at(7, () => exec.end('a', 0, true));
    sim.run();
    expect(ended).toEqual([wf]);
    expect(wf.endedAt).toBe(7);
  });

  it('asks executorOf for each task it releases', () => {
    const sim = new Simulation();
    const byTask = new Map<string, FakeExecutor>();
    const wf = new Workflow(workflowSpec([taskSpec('a', 1), taskSpec('b', 1, ['a'])]), sim, (t) => {
      const e = new FakeExecutor(sim);
      byTask.set(t.spec.name, e);
      return e;
    });
    wf.submit();
    byTask.get('a')?.end('a', 0, true);
    expect(byTask.get('b')?.slicesOf('b')).toEqual([{ first: 0, count: 1, at: 0 }]);
    expect(byTask.get('a')?.slicesOf('b')).toEqual([]);
  });
});

describe('Workflow job-end checks', () => {
  it('refuses the end of a job never released', () => {
    const { wf, exec } = setup([taskSpec('p', 10), taskSpec('c', 10, ['p'], true)]);
    wf.submit();
    exec.end('p', 0, true);
    // c has job 0 only.
    expect(exec.slicesOf('c')).toEqual([{ first: 0, count: 1, at: 0 }]);
    expect(() => exec.end('c', 1, true)).toThrow('workflow wf: c job 1 was never released');
    expect(() => exec.end('c', -1, true)).toThrow('workflow wf: c job -1 was never released');
    expect(() => exec.end('p', 10, true)).toThrow('workflow wf: p job 10 was never released');
  });

  it('refuses more job ends than jobs released', () => {
    const { wf, exec, task } = setup([taskSpec('a', 1)]);
    wf.submit();
    exec.end('a', 0, true);
    expect(task('a').state).toBe('done');
    expect(() => exec.end('a', 0, false)).toThrow('workflow wf: a has more job ends than jobs released');
  });
});

describe('Workflow invariants over random DAGs and outcomes', () => {
  it('every task ends, workflowEnded fires once, and a failed task never has a finished job', () => {
    const dag = fc
      .array(
        fc.record({
          nJobs: fc.integer({ min: 1, max: 12 }),
          stream: fc.boolean(),
          parents: fc.array(fc.nat(), { maxLength: 3 }),
        }),
        { minLength: 1, maxLength: 6 },
      )
      .map((rows) =>
        rows.map((r, i) =>
          taskSpec(
            `t${i}`,
            r.nJobs,
            i === 0 ? [] : [...new Set(r.parents.map((p) => `t${p % i}`))],
            r.stream,
          ),
        ),
      );
    const outcomes = fc.array(fc.tuple(fc.nat(), fc.boolean()), { minLength: 80, maxLength: 80 });
    fc.assert(
      fc.property(dag, outcomes, (specs, draws) => {
        const { exec, wf, log } = setup(specs);
        wf.submit();
        const open: { task: string; index: number }[] = [];
        let seen = 0;
        const collect = () => {
          for (; seen < exec.released.length; seen++) {
            const r = exec.released[seen];
            for (let i = 0; i < r.slice.count; i++) open.push({ task: r.task, index: r.slice.first + i });
          }
        };
        collect();
        let k = 0;
        while (open.length > 0) {
          // Past the drawn outcomes every job succeeds, so the run always drains.
          const [pick, ok] = k < draws.length ? draws[k] : [0, true];
          k++;
          const [job] = open.splice(pick % open.length, 1);
          exec.end(job.task, job.index, ok);
          collect();
        }
        expect(log.workflowEnded).toBe(1);
        expect(log.taskEnded).toHaveLength(specs.length);
        for (const t of wf.tasks) {
          expect(t.finished + t.failed).toBe(t.released);
          if (t.state === 'failed') expect(t.finished).toBe(0);
          else expect(t.released).toBe(t.spec.nJobs);
          if (t.parents.some((p) => p.state === 'failed')) expect(t.released).toBe(0);
        }
      }),
      { numRuns: 300, seed: 20240601 },
    );
  });
});
