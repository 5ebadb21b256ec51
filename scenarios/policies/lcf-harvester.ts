import { panda, queuesOf, type PlacementPolicy } from './policy.ts';

/** Training pinned to the LCF queues Harvester serves with its batch plugins; the rest on the grid. */
export const lcfHarvester: PlacementPolicy = {
  name: 'lcf-harvester',
  description: 'GPU tasks pinned to the LCF batch queues through Harvester; CPU tasks on the grid',
  route: (task, ctx) =>
    task.kind === 'gpu' ? panda(queuesOf(ctx, ['hpc'])) : panda(queuesOf(ctx, ['grid'])),
};
