// Production task brokerage: choose a nucleus for each WORLD task in `assigning` — `AtlasProdTaskBrokerThread.runImpl`
// (pandajedi/jedibrokerage/AtlasProdTaskBroker.py), with the RW maps `AtlasProdTaskBroker.doBrokerage` prepares
// per cycle (brokerage.md §3). Filters in the code's order, weights, weighted draw, then the in-cycle RW update
// that spreads the tasks of one cycle over the nuclei.

import type { NucleusSpec } from '../snapshot/nucleus.ts';
import type { SiteSpec } from '../snapshot/queue.ts';
import {
  diskThresholdGB,
  resolveTaskBrokerageOptions,
  type TaskBrokerageOptions,
} from './task-brokerage-options.ts';
import type {
  DroppedNucleus,
  TaskBrokerageDecision,
  TaskBrokerageSnapshot,
  TaskJobCheck,
  TaskToBroker,
} from './task-brokerage-types.ts';
import { nucleiWithData, type NucleusDataAvailability } from './task-nucleus-data.ts';
import {
  filterDataLocality,
  filterFullChain,
  filterJobCheck,
  filterNucleusStatus,
  filterOutputEndpoints,
  filterTransferBacklog,
  type NucleusFilterResult,
} from './task-nucleus-filters.ts';
import { drawNucleus, nucleusWeight } from './task-nucleus-weight.ts';
import {
  addBrokeredWork,
  remainingWorkState,
  taskWorldRemainingWork,
  type NucleusWorkload,
  type RemainingWorkState,
} from './task-remaining-work.ts';

/** What one task-brokerage call needs besides the task and the RW state. */
export interface TaskBrokerageEnvironment {
  snapshot: TaskBrokerageSnapshot;
  /** The production job brokerage in hint mode (or any stand-in) for the job check. */
  jobCheck: TaskJobCheck;
  /** U[0, 1) stream for the weighted draw. */
  rng: () => number;
  options?: Partial<TaskBrokerageOptions>;
}

const SECONDS_PER_DAY = 86400;

/** Work queue the task is brokered under: its work-queue name when that is not a global share, else its gshare. */
export function taskShare(task: Pick<TaskToBroker, 'workQueueName' | 'gshare'>): string {
  return task.workQueueName ?? task.gshare;
}

interface PreparedWorld {
  queuesByName: Map<string, SiteSpec>;
  nucleusByName: Map<string, NucleusSpec>;
  options: TaskBrokerageOptions;
}

function prepare(env: TaskBrokerageEnvironment): PreparedWorld {
  const { snapshot } = env;
  const nucleusByName = new Map<string, NucleusSpec>([
    ...Object.entries(snapshot.satellites ?? {}),
    ...Object.entries(snapshot.nuclei),
  ]);
  return {
    queuesByName: new Map(snapshot.queues.map((q) => [q.sitename, q])),
    nucleusByName,
    options: resolveTaskBrokerageOptions(env.options),
  };
}

function failed(
  task: TaskToBroker,
  failure: string,
  dropped: DroppedNucleus[],
  remainingWork: number,
  dataCheck: TaskBrokerageDecision['dataCheck'] = 'skipped',
): TaskBrokerageDecision {
  return {
    jediTaskID: task.jediTaskID,
    outcome: 'failed',
    nucleus: null,
    failure,
    dropped,
    weights: [],
    dataCheck,
    remainingWork,
  };
}

function brokerPrepared(
  task: TaskToBroker,
  env: TaskBrokerageEnvironment,
  world: PreparedWorld,
  rw: RemainingWorkState,
): TaskBrokerageDecision {
  const { snapshot } = env;
  const { options } = world;
  const remainingWork = taskWorldRemainingWork(task, task.inputDatasets);
  if (task.nucleus !== undefined && world.nucleusByName.has(task.nucleus)) {
    return {
      jediTaskID: task.jediTaskID,
      outcome: 'preassigned',
      nucleus: task.nucleus,
      dropped: [],
      weights: [],
      dataCheck: 'skipped',
      remainingWork,
    };
  }
  let candidates = Object.values(snapshot.nuclei);
  if (task.fullChainMode !== undefined) {
    const bare = Object.values(snapshot.satellites ?? {}).filter((s) => s.bareNucleus !== undefined);
    candidates = [...candidates, ...bare.filter((s) => !(s.name in snapshot.nuclei))];
  }

  const availability = nucleiWithData(task, candidates, {
    queuesByName: world.queuesByName,
    ddmEndpoints: snapshot.ddmEndpoints,
    replicas: snapshot.replicas ?? {},
  });
  if (availability.unreadableDataset !== null) {
    return failed(
      task,
      `dataset=${availability.unreadableDataset} is incomplete/missing at online endpoints with read_wan=ON`,
      [],
      remainingWork,
    );
  }

  const dropped: DroppedNucleus[] = [];
  let nuclei = candidates;
  const apply = (r: NucleusFilterResult): boolean => {
    dropped.push(...r.dropped);
    nuclei = r.kept;
    return nuclei.length > 0;
  };
  if (!apply(filterNucleusStatus(nuclei))) return failed(task, 'no candidates', dropped, remainingWork);
  if (!apply(filterTransferBacklog(nuclei, task, snapshot.network, options))) {
    return failed(task, 'no candidates', dropped, remainingWork);
  }
  const endpoints = filterOutputEndpoints(nuclei, task, {
    queuesByName: world.queuesByName,
    ddmEndpoints: snapshot.ddmEndpoints,
    nucleusByName: world.nucleusByName,
    fullRemainingWork: rw.full,
    diskThresholdGB: diskThresholdGB(options, taskShare(task)),
  });
  if (!apply(endpoints)) return failed(task, 'no candidates', dropped, remainingWork);
  if (!apply(filterJobCheck(nuclei, task, env.jobCheck, world.queuesByName))) {
    return failed(task, 'no candidates', dropped, remainingWork);
  }

  let data: Map<string, NucleusDataAvailability> = availability.byNucleus;
  let dataCheck: TaskBrokerageDecision['dataCheck'] = 'skipped';
  const frozenTooLong =
    task.frozenTime !== undefined &&
    snapshot.now - task.frozenTime > options.DATA_LOCATION_CHECK_PERIOD * SECONDS_PER_DAY;
  if (!frozenTooLong) {
    const names = new Set(nuclei.map((n) => n.name));
    data = new Map([...data].filter(([name]) => names.has(name)));
    if (data.size > 0) {
      const locality = filterDataLocality(nuclei, task, data, options);
      dataCheck = locality.disabled ? 'disabled' : 'applied';
      if (locality.disabled) data = new Map();
      if (!apply(locality)) return failed(task, 'no candidates', dropped, remainingWork, dataCheck);
    }
  }
  if (!apply(filterFullChain(nuclei, task)))
    return failed(task, 'no candidates', dropped, remainingWork, dataCheck);

  const rwAtPriority = rw.byPriority.get(task.currentPriority);
  const weights = nuclei.map((n) =>
    nucleusWeight(
      n.name,
      {
        remainingWork: rwAtPriority?.get(n.name),
        data: data.size > 0 ? (data.get(n.name) ?? null) : null,
        freeSpace: endpoints.freeSpace.get(n.name) ?? null,
      },
      task,
      options,
    ),
  );
  return {
    jediTaskID: task.jediTaskID,
    outcome: 'brokered',
    nucleus: drawNucleus(weights, env.rng),
    dropped,
    weights,
    dataCheck,
    remainingWork,
  };
}

/**
 * Broker one task against a RW state (not modified). `rw.byPriority` must hold the task's priority for the RW
 * factor to apply; a missing map counts as no work anywhere.
 */
export function brokerTask(
  task: TaskToBroker,
  env: TaskBrokerageEnvironment,
  rw: RemainingWorkState,
): TaskBrokerageDecision {
  return brokerPrepared(task, env, prepare(env), rw);
}

/**
 * One task-brokerage cycle: tasks are brokered in order, per share with the RW maps built from `pool` at the
 * start of the cycle, and each decided task's RW is added to its nucleus before the next task is weighed — so
 * identical tasks spread over equally loaded nuclei instead of all drawing from the same weights.
 */
export function brokerTasksInCycle(
  tasks: readonly TaskToBroker[],
  env: TaskBrokerageEnvironment,
  pool: readonly NucleusWorkload[],
): TaskBrokerageDecision[] {
  const world = prepare(env);
  const states = new Map<string, RemainingWorkState>();
  for (const share of new Set(tasks.map(taskShare))) {
    const priorities = tasks.filter((t) => taskShare(t) === share).map((t) => t.currentPriority);
    states.set(share, remainingWorkState(pool, share, priorities));
  }
  return tasks.map((task) => {
    const state = states.get(taskShare(task)) as RemainingWorkState;
    const decision = brokerPrepared(task, env, world, state);
    if (decision.nucleus !== null)
      addBrokeredWork(state, decision.nucleus, task.currentPriority, decision.remainingWork);
    return decision;
  });
}
