// The order one JobGenerator pass visits tasks in (`JobGenerator.start`, pandajedi/jediorder/JobGenerator.py;
// fairshare.md §2.1, §2.3): prodSourceLabels in `jobgen.procConfig` order (production before `user`), then the
// aligned work-queue list — the global-share leaves in `get_sorted_leaves` order — then resource types in
// RESOURCE_TYPES order; within one (label, share, resource type) the tasks by priority, +1 while scouting, then
// jediTaskID, as `getTasksToBeProcessed_JEDI` sorts them. Tasks of a share outside the tree come after the leaves.

import { UNDEFINED_RESOURCE_TYPE, type ResourceTypeSpec, type TaskSpec } from '@pandasim/panda';
import type { JediTask } from './jedi-task.ts';

/** The resource type the task is throttled and generated under (`Undefined` without a table). */
export function taskResourceType(spec: Pick<TaskSpec, 'resource_type'>): string {
  return spec.resource_type ?? UNDEFINED_RESOURCE_TYPE;
}

/** The pass's (label, share, resource type) groups in visiting order, each in task order. */
export function generationOrder(
  tasks: readonly JediTask[],
  sortedShares: readonly string[],
  resourceTypes: readonly ResourceTypeSpec[],
): JediTask[][] {
  const shareRank = new Map(sortedShares.map((s, i) => [s, i]));
  const rtRank = new Map(resourceTypes.map((rt, i) => [rt.resource_name, i]));
  const groups = new Map<string, { rank: number[]; tasks: JediTask[] }>();
  for (const t of tasks) {
    const rt = taskResourceType(t.spec);
    const key = `${t.spec.prodSourceLabel}\u0000${t.spec.gshare}\u0000${rt}`;
    let group = groups.get(key);
    if (group === undefined) {
      const rank = [
        t.spec.prodSourceLabel === 'user' ? 1 : 0,
        shareRank.get(t.spec.gshare) ?? shareRank.size,
        rtRank.get(rt) ?? rtRank.size,
      ];
      groups.set(key, (group = { rank, tasks: [] }));
    }
    group.tasks.push(t);
  }
  const ordered = [...groups.values()].sort(
    (a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.rank[2] - b.rank[2],
  );
  for (const g of ordered) {
    g.tasks.sort((a, b) => b.effectivePriority - a.effectivePriority || a.jediTaskID - b.jediTaskID);
  }
  return ordered.map((g) => g.tasks);
}
