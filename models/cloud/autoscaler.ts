/**
 * The cluster autoscaler's scale-up decision as a pure function over plain data: which node pools get a new
 * node so that pods no node can take now will fit.
 *
 * The cluster autoscaler (kubernetes/autoscaler, cluster-autoscaler/FAQ.md) adds nodes when pods failed to
 * schedule for lack of resources and a node like those of some node group would take them; it packs the
 * pending pods into hypothetical nodes (its binpacking estimator) and counts nodes still being provisioned as
 * capacity to come, so a loop does not ask twice for the same pods. Its expanders choose among the node groups
 * that would help; this model uses the `priority` expander's rule: pools in the order given.
 * Simplification: one pass plans for all pools, where the real autoscaler grows one node group per loop.
 */
import type { InstanceType } from './instance-types.ts';

/** Cores, memory and GPUs, free on a node or asked for by a pod. */
export interface Resources {
  cores: number;
  memoryMB: number;
  gpus: number;
}

/**
 * Whether a pod fits in `free` on a node of `instance`. CPU pods stay off GPU nodes: GKE and EKS taint GPU node
 * pools so that only pods asking for GPUs land there [R], which keeps costly GPU nodes free for GPU work.
 */
export function podFits(pod: Resources, free: Resources, instance: InstanceType): boolean {
  if (pod.gpus === 0 && instance.gpus > 0) return false;
  return pod.cores <= free.cores && pod.memoryMB <= free.memoryMB && pod.gpus <= free.gpus;
}

export interface PoolState {
  instance: InstanceType;
  /** Nodes of the pool, ready or being provisioned. */
  nodes: number;
  maxNodes: number;
}

export interface UpcomingNode {
  pool: number;
  /** Free resources once ready, as far as the pods already placed on it in thought leave them. */
  free: Resources;
}

/**
 * Indices of the pools to add one node each to (a pool may appear several times), for `pending` pods in their
 * order. Each pod goes first-fit onto an upcoming node, else onto a new node of the first pool whose instance can
 * hold it and that is below its maximum and below `maxNodesTotal` over all pools; a pod that fits nowhere is
 * left for a later loop.
 */
export function planScaleUp(
  pending: readonly Resources[],
  upcoming: readonly UpcomingNode[],
  pools: readonly PoolState[],
  maxNodesTotal: number,
): number[] {
  const planned: number[] = [];
  const nodes = upcoming.map((node) => ({ pool: node.pool, free: { ...node.free } }));
  const counts = pools.map((pool) => pool.nodes);
  let total = counts.reduce((sum, count) => sum + count, 0);
  for (const pod of pending) {
    let target = nodes.find((node) => podFits(pod, node.free, pools[node.pool].instance));
    if (target === undefined) {
      if (total >= maxNodesTotal) continue;
      const pool = pools.findIndex(
        (candidate, i) =>
          counts[i] < candidate.maxNodes && podFits(pod, candidate.instance, candidate.instance),
      );
      if (pool < 0) continue;
      const { cores, memoryMB, gpus } = pools[pool].instance;
      target = { pool, free: { cores, memoryMB, gpus } };
      nodes.push(target);
      planned.push(pool);
      counts[pool]++;
      total++;
    }
    target.free.cores -= pod.cores;
    target.free.memoryMB -= pod.memoryMB;
    target.free.gpus -= pod.gpus;
  }
  return planned;
}
