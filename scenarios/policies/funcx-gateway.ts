import { panda, queuesOf, type PlacementPolicy } from './policy.ts';

/**
 * The seed's scenario 2: PanDA drives the LCF through Harvester's Globus Compute (funcX) plugin, Parsl
 * provisions the nodes behind the endpoint, Globus moves the data; CPU tasks stay on the grid.
 */
export const funcxGateway: PlacementPolicy = {
  name: 'funcx-gateway',
  description:
    'GPU tasks via PanDA → Harvester funcX plugin → Globus Compute/Parsl at the LCF; data by Globus',
  route: (task, ctx) =>
    task.kind === 'gpu' ? panda(queuesOf(ctx, ['funcx'])) : panda(queuesOf(ctx, ['grid'])),
};
