import { panda, queuesOf, type PlacementPolicy } from './policy.ts';

/**
 * GPU tasks may also use commercial-cloud GPUs while the scenario's budget allows: a task goes to the LCF and
 * cloud queues together (PanDA's brokerage splits it) when its estimated cloud cost fits in what is left of
 * the budget, else to the LCF queues alone. CPU tasks stay on the grid.
 */
export const costAware: PlacementPolicy = {
  name: 'cost-aware',
  description: 'GPU tasks on LCF + commercial-cloud GPUs while the budget lasts; CPU tasks on the grid',
  route: (task, ctx) => {
    if (task.kind === 'cpu') return panda(queuesOf(ctx, ['grid']));
    const lcf = queuesOf(ctx, ['hpc']);
    const clouds = ctx.resources.filter((r) => r.kind === 'cloud' && r.pandaQueues.length > 0);
    const left = ctx.budget - ctx.spent;
    const affordable = clouds.filter((c) => ctx.estimate(task, c.name).cost <= left);
    return panda([...lcf, ...affordable.flatMap((c) => c.pandaQueues)]);
  },
};
