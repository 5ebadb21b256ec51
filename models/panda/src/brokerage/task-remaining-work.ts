// Remaining work (RW) that the task brokerage balances over nuclei (brokerage.md §3): the RW of the task being
// brokered (`calculateTaskWorldRW_JEDI`), the RW already headed to each nucleus (`calculateWorldRWwithPrio_JEDI`,
// both in pandaserver/taskbuffer/db_proxy_mods/entity_module.py), and the in-cycle update that
// `AtlasProdTaskBrokerThread.runImpl` applies after every decision so later tasks of the same cycle see the load.

import type { ChunkDataset, TaskSpec } from '../snapshot/task.ts';

/** cpuTime the SQL substitutes when a task has none (`CASE WHEN cpuTime IS NULL THEN 300`). */
export const DEFAULT_CPU_TIME_FOR_RW = 300;

type EventCounts = Pick<ChunkDataset, 'isMaster' | 'nEvents' | 'nEventsUsed'>;

/**
 * RW of one task: (nEvents − nEventsUsed) × cpuTime over its master datasets, with milli-HS06 cpuTime divided by
 * 1000. The SQL takes the first row of `masterID IS NULL` datasets (`fetchone`), which for an ordinary task is its
 * single master input; summing over master inputs gives the same value for such tasks.
 */
export function taskWorldRemainingWork(
  task: Pick<TaskSpec, 'cpuTime' | 'cpuTimeUnit'>,
  datasets: readonly EventCounts[],
): number {
  let cpuTime = task.cpuTime ?? DEFAULT_CPU_TIME_FOR_RW;
  if (
    task.cpuTime != null &&
    (task.cpuTimeUnit === 'mHS06sPerEvent' || task.cpuTimeUnit === 'mHS06sPerEventFixed')
  ) {
    cpuTime /= 1000;
  }
  let rw = 0;
  for (const d of datasets) {
    if (d.isMaster) rw += ((d.nEvents ?? 0) - (d.nEventsUsed ?? 0)) * cpuTime;
  }
  return rw;
}

/**
 * A WORLD task already at a nucleus (status ready, scouting, running or pending, with unprocessed input) as the
 * nucleus RW query sees it. Its `remainingWork` uses the raw cpuTime: unlike the per-task query, the per-nucleus
 * query does not convert milli-HS06 units.
 */
export interface NucleusWorkload {
  nucleus: string;
  currentPriority: number;
  /** Global share (or work-queue name when the work queue is not a global share). */
  share: string;
  remainingWork: number;
}

/**
 * RW per nucleus as the task brokerage holds it during one cycle: `full` over all shares and priorities (space
 * projection), and per task priority p the RW of the batch's share at priority ≥ p (the weight).
 */
export interface RemainingWorkState {
  full: Map<string, number>;
  byPriority: Map<number, Map<string, number>>;
}

function sumByNucleus(
  pool: readonly NucleusWorkload[],
  keep: (w: NucleusWorkload) => boolean,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const w of pool) {
    if (keep(w)) out.set(w.nucleus, (out.get(w.nucleus) ?? 0) + w.remainingWork);
  }
  return out;
}

/**
 * The RW maps `AtlasProdTaskBroker.doBrokerage` computes before its worker threads start: the full map, and one
 * map per distinct priority among the tasks to broker, restricted to the batch's share.
 */
export function remainingWorkState(
  pool: readonly NucleusWorkload[],
  share: string,
  taskPriorities: Iterable<number>,
): RemainingWorkState {
  const byPriority = new Map<number, Map<string, number>>();
  for (const p of taskPriorities) {
    if (!byPriority.has(p))
      byPriority.set(
        p,
        sumByNucleus(pool, (w) => w.share === share && w.currentPriority >= p),
      );
  }
  return { full: sumByNucleus(pool, () => true), byPriority };
}

/**
 * `runImpl` "update RW table": the task's RW is added to its nucleus in every cached priority map with priority
 * ≤ the task's. The full map is not updated (the code leaves it as read at the start of the cycle).
 */
export function addBrokeredWork(
  state: RemainingWorkState,
  nucleus: string,
  priority: number,
  rw: number,
): void {
  for (const [p, m] of state.byPriority) {
    if (p <= priority) m.set(nucleus, (m.get(nucleus) ?? 0) + rw);
  }
}
