import { panda, queuesOf, type PlacementPolicy } from './policy.ts';

/**
 * Every task through PanDA's brokerage over every grid and LCF queue (the LCFs behind Harvester's batch
 * plugins): the brokerage's own filters — the GPU hardware check among them — decide where each job goes.
 */
export const pandaBrokerage: PlacementPolicy = {
  name: 'panda-brokerage',
  description: 'every task brokered by PanDA over all grid and LCF queues (LCFs via Harvester)',
  route: (_task, ctx) => panda(queuesOf(ctx, ['grid', 'hpc'])),
};
