import { describe, expect, it } from 'vitest';
import { ILLUSTRATIVE_RESOURCE_TYPES, type TaskSpec } from '@pandasim/panda';
import { generationOrder } from '../../../models/jedi/generation-order.ts';
import { JediTask } from '../../../models/jedi/jedi-task.ts';
import { spec, task } from './jedi-world.ts';

function jediTask(s: TaskSpec): JediTask {
  return new JediTask(task(s, 20), { ...s }, 10, 0.5, 0);
}

describe('JobGenerator visiting order', () => {
  it('goes label, sorted share, resource type, then priority (+1 scouting) and jediTaskID', () => {
    const tasks = [
      jediTask(spec(1, { gshare: 'B', resource_type: 'SCORE' })),
      jediTask(spec(2, { gshare: 'A', resource_type: 'MCORE', currentPriority: 900 })),
      jediTask(spec(3, { gshare: 'A', resource_type: 'SCORE', currentPriority: 400 })),
      jediTask(spec(4, { gshare: 'A', resource_type: 'SCORE', currentPriority: 400 })),
      jediTask(spec(5, { gshare: 'A', resource_type: 'SCORE', currentPriority: 400 })),
      jediTask(spec(6, { gshare: 'A', prodSourceLabel: 'user', resource_type: 'SCORE' })),
      jediTask(spec(7, { gshare: 'Other', resource_type: 'SCORE' })),
    ];
    // Task 5 is scouting: it orders as 401.
    tasks[4].setNucleus('N');
    tasks[4].onGenerated('Q', true);
    const order = generationOrder(tasks, ['A', 'B'], ILLUSTRATIVE_RESOURCE_TYPES);
    expect(order.map((g) => g.map((t) => t.jediTaskID))).toEqual([[5, 3, 4], [2], [1], [7], [6]]);
  });
});
