/**
 * Parameters of a Kubernetes cluster on a commercial cloud, with their defaults and where each comes from.
 * Tags as in shared/design/domain/providers.md: [S] read in the source, [R] recalled, [E] estimate.
 */
import { lognormal, uniform, type Distribution } from '../../sim/distributions.ts';
import type { InstanceType } from './instance-types.ts';

/** A node pool (node group): identical instances the cluster autoscaler adds and removes. */
export interface NodePoolParams {
  name: string;
  instance: InstanceType;
  /** Spot / preemptible instances: the spot price, and interruptions at `spotInterruptionRate`. */
  spot: boolean;
  /** Nodes kept whatever the load; they exist, ready, when the cluster is built, and are replaced when lost. */
  minNodes: number;
  maxNodes: number;
  /** Spot interruptions per instance-hour (an exponential hazard from the instance's creation). */
  spotInterruptionRate: number;
}

/** How kube-scheduler scores the nodes a pod fits on (NodeResourcesFit scoring strategy). */
export type NodeScoring = 'least-allocated' | 'most-allocated';

export interface CloudClusterParams {
  /** The provider's name: the PanDA queue Harvester submits to, and the prefix of its random streams. */
  name: string;
  /** In order of preference: scale-up adds a node to the first pool whose instance fits the pod and has room. */
  pools: readonly NodePoolParams[];
  /** Pod start (container creation to running) when the image is on the node. */
  podStartCached: Distribution;
  /** Pod start when the image must be pulled first. */
  podStartWithPull: Distribution;
  /** Probability that a pod finds its image on the node (not tracked per node). */
  imageCachedProbability: number;
  /** From the autoscaler's request to a Ready node. */
  nodeProvisioning: Distribution;
  /** The cluster autoscaler's loop period (`--scan-interval`), s. */
  scanInterval: number;
  /** How long a node must be empty before it is removed (`--scale-down-unneeded-time`), s. */
  scaleDownUnneededTime: number;
  /** Upper bound on nodes over all pools (`--max-nodes-total`). */
  maxNodesTotal: number;
  /** Minimum charge per instance, s. */
  billingMinimumSeconds: number;
  scoring: NodeScoring;
}

export type CloudClusterOptions = Pick<CloudClusterParams, 'name' | 'pools'> & Partial<CloudClusterParams>;

export const CLOUD_DEFAULTS = {
  // [E] providers.md §5.3: 10–60 s with the image cached, 1–5 min with a pull; uniform over those ranges.
  podStartCached: uniform({ min: 10, max: 60 }, 'duration'),
  podStartWithPull: uniform({ min: 60, max: 300 }, 'duration'),
  // [E] a pilot image is large but shared by every pilot pod; most pods land on a node that already has it.
  imageCachedProbability: 0.8,
  // [E] VM creation, boot and kubelet registration: about 2 min on GKE/EKS/AKS, with a tail. Below the
  // autoscaler's `--max-node-provision-time` of 15 min [S] (AKS ManagedClusterAutoScalerProfile docs).
  nodeProvisioning: lognormal({ median: 120, sigma: 0.3 }, 'duration'),
  // [S] cluster-autoscaler flag `--scan-interval` default 10 s (kubernetes/autoscaler cluster_autoscaler.go;
  // AKS autoscaler profile docs, learn.microsoft.com ManagedClusterAutoScalerProfile.ScanIntervalInSeconds).
  scanInterval: 10,
  // [S] `--scale-down-unneeded-time` default 10 min (same sources).
  scaleDownUnneededTime: 600,
  maxNodesTotal: Infinity,
  // [R] per-second billing with a 60 s minimum (billing.ts).
  billingMinimumSeconds: 60,
  // [S] kube-scheduler's NodeResourcesFit scores LeastAllocated by default (pods spread over nodes): pulumi_aws
  // docs, eks ClusterKubeSchedulerConfigNodeResourcesFitScoringStrategy ("Default is LeastAllocated").
  scoring: 'least-allocated' as NodeScoring,
} satisfies Omit<CloudClusterParams, 'name' | 'pools'>;

/**
 * Spot interruptions per instance-hour [E]. AWS's Spot Instance Advisor reports, per instance type, the share of
 * instances interrupted within a month in buckets (<5%, 5–10%, 10–15%, 15–20%, >20%) [R]; with an exponential
 * hazard λ that share is 1 − exp(−720 h · λ). 2e-4/h gives 13%/month (a middle bucket, usual for general-purpose
 * types); GPU types are scarcer and often in the top bucket: 1e-3/h gives 51%/month.
 */
export const SPOT_INTERRUPTION_RATE = { cpu: 2e-4, gpu: 1e-3 } as const;

/** A node pool with defaults: no minimum [E], at most 10 nodes [E], on demand, the spot rate of its kind. */
export function nodePool(
  name: string,
  instance: InstanceType,
  options: Partial<Omit<NodePoolParams, 'name' | 'instance'>> = {},
): NodePoolParams {
  return {
    name,
    instance,
    spot: options.spot ?? false,
    minNodes: options.minNodes ?? 0,
    maxNodes: options.maxNodes ?? 10,
    spotInterruptionRate:
      options.spotInterruptionRate ??
      (instance.gpus > 0 ? SPOT_INTERRUPTION_RATE.gpu : SPOT_INTERRUPTION_RATE.cpu),
  };
}

/** Fills in defaults and checks the result; errors name the cluster and the field. */
export function cloudClusterParams(options: CloudClusterOptions): CloudClusterParams {
  const params: CloudClusterParams = { ...CLOUD_DEFAULTS, ...options };
  const problems: string[] = [];
  const need = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  need(params.pools.length > 0, 'pools: at least one node pool is needed');
  params.pools.forEach((pool, i) => {
    const at = `pools[${i}] (${pool.name})`;
    const { instance } = pool;
    need(instance.cores > 0 && instance.memoryMB > 0, `${at}.instance: cores and memoryMB must be > 0`);
    need(
      instance.gpus >= 0 && (instance.gpus === 0 || instance.gpuSpeed > 0),
      `${at}.instance: GPUs need a speed > 0`,
    );
    need(instance.onDemandPerHour >= 0 && instance.spotPerHour >= 0, `${at}.instance: prices must be >= 0`);
    need(Number.isInteger(pool.minNodes) && pool.minNodes >= 0, `${at}.minNodes must be a whole number >= 0`);
    need(
      Number.isInteger(pool.maxNodes) && pool.maxNodes >= pool.minNodes,
      `${at}.maxNodes must be >= minNodes`,
    );
    need(pool.spotInterruptionRate >= 0, `${at}.spotInterruptionRate must be >= 0`);
  });
  need(
    params.imageCachedProbability >= 0 && params.imageCachedProbability <= 1,
    'imageCachedProbability must be in [0, 1]',
  );
  need(params.scanInterval > 0, 'scanInterval must be > 0 s');
  need(params.scaleDownUnneededTime >= 0, 'scaleDownUnneededTime must be >= 0 s');
  need(params.maxNodesTotal >= 0, 'maxNodesTotal must be >= 0');
  need(params.billingMinimumSeconds >= 0, 'billingMinimumSeconds must be >= 0 s');
  if (problems.length > 0) throw new RangeError(`cloud cluster '${params.name}': ${problems.join('; ')}`);
  return params;
}
