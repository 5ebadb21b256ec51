import { panda, queuesOf, type PlacementPolicy } from './policy.ts';

/** The grid alone: GPU work (the GAN training) runs on CPU slots at its CPU-equivalent cost. */
export const gridOnly: PlacementPolicy = {
  name: 'grid-only',
  description: 'every task on the WLCG grid through PanDA; GAN training on CPUs',
  route: (_task, ctx) => panda(queuesOf(ctx, ['grid']), true),
};
