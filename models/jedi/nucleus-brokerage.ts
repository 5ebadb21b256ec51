// JEDI's task brokerage for the tasks still without a nucleus: one `AtlasProdTaskBrokerThread.runImpl` cycle
// (pandajedi/jedibrokerage/AtlasProdTaskBroker.py, brokerage.md §3) through the package's `brokerTasksInCycle`,
// with the remaining work already headed to each nucleus (`calculateWorldRWwithPrio_JEDI`) taken from the tasks
// JEDI follows, and the job check run as the production job brokerage in hint mode on this cycle's queue view.

import {
  brokerTasksInCycle,
  checkQueuesForTaskBrokerage,
  DEFAULT_CPU_TIME_FOR_RW,
  type BrokerageSnapshot,
  type NucleusWorkload,
  type ProdJobBrokerOptions,
  type QueueCatalog,
  type QueueStateView,
  type TaskBrokerageDecision,
  type TaskBrokerageOptions,
  type TaskToBroker,
} from '@pandasim/panda';
import { inputChunk, taskInputDataset } from './input-chunk.ts';
import type { JediTask } from './jedi-task.ts';

export interface NucleusBrokerageContext {
  snapshot: BrokerageSnapshot;
  catalog: QueueCatalog;
  view: QueueStateView;
  jobBrokerage: ProdJobBrokerOptions;
  taskBrokerage?: Partial<TaskBrokerageOptions>;
  /** Storage tokens of the tasks' output datasets (endpoint check, §3 step 5); none skips the check. */
  outputStorageTokens: readonly string[];
  rng: () => number;
}

/** Remaining work of a task, HS06·s: unused input events × cpuTime (300 when the task has none). */
function remainingWork(task: JediTask): number {
  return (task.nJobs - task.counters.generated) * (task.spec.cpuTime ?? DEFAULT_CPU_TIME_FOR_RW);
}

/** The work already at each nucleus: every task that has one and has not ended. */
export function nucleusWorkloads(tasks: Iterable<JediTask>): NucleusWorkload[] {
  const out: NucleusWorkload[] = [];
  for (const t of tasks) {
    const nucleus = t.nucleus;
    // Only tasks that will still generate jobs count (ready/scouting/running, brokerage.md §3).
    if (nucleus === null || t.ended || t.status === 'broken') continue;
    out.push({
      nucleus,
      currentPriority: t.spec.currentPriority,
      share: t.spec.workQueueName ?? t.spec.gshare,
      remainingWork: remainingWork(t),
    });
  }
  return out;
}

/** Decisions for `tasks` in order; the caller sets the nucleus of those that got one. */
export function brokerNuclei(
  tasks: readonly JediTask[],
  pool: readonly NucleusWorkload[],
  ctx: NucleusBrokerageContext,
): TaskBrokerageDecision[] {
  const byId = new Map(tasks.map((t) => [t.jediTaskID, t]));
  const toBroker: TaskToBroker[] = tasks.map((t) => ({
    ...t.spec,
    inputDatasets: [taskInputDataset(t.spec, t.nJobs, t.counters.generated, t.input.inputBytesPerJob)],
    outputStorageTokens: [...ctx.outputStorageTokens],
  }));
  const jobCheck = (task: TaskToBroker, queueNames: readonly string[]): string[] => {
    const t = byId.get(task.jediTaskID) as JediTask;
    const chunk = inputChunk({
      task,
      nJobs: t.nJobs,
      generated: t.counters.generated,
      size: Math.max(1, t.scoutsToGenerate),
      inputBytesPerJob: t.input.inputBytesPerJob,
      useScout: t.scoutsToGenerate > 0,
    });
    const { snapshot, jobBrokerage, catalog, view } = ctx;
    return checkQueuesForTaskBrokerage(snapshot, task, chunk, queueNames, jobBrokerage, catalog, view).passed;
  };
  return brokerTasksInCycle(
    toBroker,
    { snapshot: ctx.snapshot, jobCheck, rng: ctx.rng, options: ctx.taskBrokerage },
    pool,
  );
}
