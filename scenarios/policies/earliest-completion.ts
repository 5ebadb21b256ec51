import { panda, queuesOf, type PlacementPolicy, type Route, type TaskEstimate } from './policy.ts';

/**
 * The seed's "optimal provider for each part of the workflow": per task, the route with the lowest estimated
 * queue wait + transfer + compute time. The grid counts as one pool (PanDA spreads the jobs over its sites);
 * each LCF, the Globus Compute endpoint and the local cluster count alone. Paid resources are left out.
 */
export const earliestCompletion: PlacementPolicy = {
  name: 'earliest-completion',
  description: 'per task, the provider with the lowest estimated queue + transfer + compute time',
  route: (task, ctx) => {
    const candidates: { estimate: TaskEstimate; route: Route }[] = [];
    const grid = queuesOf(ctx, ['grid']);
    const overflow = queuesOf(ctx, ['grid', 'hpc']);
    for (const r of ctx.resources) {
      if (r.kind === 'cloud') continue;
      // LCF PQs are GPU-only (the brokerage's hardware check turns CPU tasks away from them).
      if (task.kind === 'cpu' && r.kind === 'hpc') continue;
      if (task.kind === 'gpu' && r.gpus === 0 && task.cpuPerGpuSecond === undefined) continue;
      const estimate = ctx.estimate(task, r.name);
      if (!Number.isFinite(estimate.total)) continue;
      let route: Route;
      if (r.kind === 'grid') route = panda(grid, task.kind === 'gpu');
      else if (r.kind === 'funcx') route = { kind: 'funcx', endpoint: r.name };
      else if (r.kind === 'local')
        route = { kind: 'local-first', local: r.name, maxLocalWait: Infinity, overflow: panda(overflow) };
      else route = panda(r.pandaQueues);
      candidates.push({ estimate, route });
    }
    if (candidates.length === 0) throw new Error(`earliest-completion: no resource can run ${task.name}`);
    // Ties go to the first resource in catalog order, so the choice is deterministic.
    let best = candidates[0];
    for (const c of candidates) if (c.estimate.total < best.estimate.total) best = c;
    return best.route;
  },
};
