import { panda, queuesOf, type PlacementPolicy } from './policy.ts';

/**
 * The seed's scenario 1: Parsl/funcX orchestrates the workflow; GPU tasks go straight to the Globus Compute
 * endpoint (no PanDA, no Harvester cycles), grid steps use PanDA as an executor.
 */
export const parslOrchestrates: PlacementPolicy = {
  name: 'parsl-orchestrates',
  description: 'Parsl drives the workflow: GPU tasks straight to Globus Compute, grid tasks via PanDA',
  route: (task, ctx) => {
    if (task.kind === 'cpu') return panda(queuesOf(ctx, ['grid']));
    const endpoint = ctx.resources.find((r) => r.kind === 'funcx');
    if (endpoint === undefined)
      throw new Error('parsl-orchestrates: the platform has no Globus Compute endpoint');
    return { kind: 'funcx', endpoint: endpoint.name };
  },
};
