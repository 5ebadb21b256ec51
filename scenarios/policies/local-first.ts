import { LOCAL_FIRST_DEFAULTS } from '../../models/local/local-first.ts';
import { panda, queuesOf, type PlacementPolicy } from './policy.ts';

/**
 * The seed's "most users love local resources": every job tries the user's own cluster first and goes to PanDA
 * (grid and LCF queues) when it has not started there within the local wait limit.
 */
export const localFirst: PlacementPolicy = {
  name: 'local-first',
  description: 'own cluster first; jobs not started there within 15 min overflow to PanDA (grid + LCF)',
  route: (_task, ctx) => {
    const local = ctx.resources.find((r) => r.kind === 'local');
    if (local === undefined) throw new Error('local-first: the platform has no local cluster');
    return {
      kind: 'local-first',
      local: local.name,
      maxLocalWait: LOCAL_FIRST_DEFAULTS.maxLocalWait,
      overflow: panda(queuesOf(ctx, ['grid', 'hpc'])),
    };
  },
};
