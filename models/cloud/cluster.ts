/**
 * A Kubernetes cluster on a commercial cloud as a provider: a worker is a pod (Harvester's K8s submitter creates
 * one pod per worker), nodes come from node pools of one instance type each, the cluster autoscaler adds nodes
 * for pods that fit nowhere and removes nodes that stay empty, spot nodes are interrupted, and every node is
 * billed for its lifetime (billing.ts).
 *
 * Life of a pod: pending → bound to a node (kube-scheduler: a ready node where it fits, scored by
 * `params.scoring`) → running after the pod start latency (image cached or pulled) → ended. The pod holds its
 * node's resources from binding, so a starting pod is not double-booked. A pod for more than one node, or that
 * no pool's instance could ever hold, ends at once as `missed` (cause `submission-failed`) instead of pending
 * for ever, which Harvester would only notice at its queue timeout.
 *
 * Life of a node: requested by the autoscaler → ready after the provisioning delay → removed when it has been
 * empty for `scaleDownUnneededTime` and its pool is above its minimum, or interrupted (spot). An interruption
 * fails the pods on it with cause `preempted`; a pool that drops below its minimum gets a replacement at once.
 * Not modelled: the autoscaler moving pods off under-used nodes (pilot pods cannot move; only empty nodes go),
 * `--scale-down-delay-after-add`, the two-minute spot notice, and capacity shortages when asking for a node.
 *
 * Random streams: `cloud/<name>/pods` (start latency), `cloud/<name>/nodes` (provisioning), `cloud/<name>/spot`.
 */
import type { EventId, Simulation } from '../../sim/engine.ts';
import type { RandomStreams, Rng } from '../../sim/random.ts';
import { RuntimeProvider } from '../provider/runtime-provider.ts';
import type { Placement, ProviderUsage, Worker, WorkerEvents, WorkerRequest } from '../provider/worker.ts';
import { ProviderWorker, WorkerRuntime } from '../provider/worker-runtime.ts';
import { planScaleUp, podFits, type Resources } from './autoscaler.ts';
import { instanceCost } from './billing.ts';
import {
  cloudClusterParams,
  type CloudClusterOptions,
  type CloudClusterParams,
  type NodePoolParams,
} from './params.ts';

export interface CloudUsage extends ProviderUsage {
  /** Instance-seconds of all nodes, from creation to removal (or now). */
  nodeSeconds: number;
  /** The part of nodeSeconds on spot instances: the exposure behind `spotInterruptions`. */
  spotNodeSeconds: number;
  spotInterruptions: number;
  nodesCreated: number;
  nodesRemoved: number;
}

interface Pool {
  readonly params: NodePoolParams;
  readonly index: number;
  readonly pricePerHour: number;
  readonly placement: Placement;
  readonly nodes: Set<Node>;
}

interface Node {
  readonly pool: Pool;
  readonly requestedAt: number;
  gone: boolean;
  readonly free: Resources;
  readonly pods: Set<Pod>;
  readyEvent?: EventId;
  idleEvent?: EventId;
  interruptEvent?: EventId;
}

/** A worker as a pod: the node it is bound to, once it is. */
class Pod extends ProviderWorker {
  node: Node | undefined;
}

function demand(request: WorkerRequest): Resources {
  return { cores: request.cores, memoryMB: request.memoryMB, gpus: request.gpus };
}

export class KubernetesCluster extends RuntimeProvider<Pod> {
  readonly name: string;
  readonly params: CloudClusterParams;
  protected readonly runtime: WorkerRuntime<Pod>;
  private readonly pools: Pool[];
  private readonly pending = new Set<Pod>();
  private readonly readyNodes = new Set<Node>();
  private readonly provisioning = new Set<Node>();
  private readonly podRng: Rng;
  private readonly nodeRng: Rng;
  private readonly spotRng: Rng;
  private scanEvent: EventId | undefined;
  private closedCost = 0;
  private closedNodeSeconds = 0;
  private closedSpotSeconds = 0;
  private spotInterruptions = 0;
  private nodesCreated = 0;
  private nodesRemoved = 0;

  constructor(
    private readonly sim: Simulation,
    random: RandomStreams,
    options: CloudClusterOptions,
  ) {
    super();
    this.params = cloudClusterParams(options);
    this.name = this.params.name;
    this.runtime = new WorkerRuntime(sim, this.name, Pod, (pod) => this.podEnded(pod));
    this.podRng = random.stream(`cloud/${this.name}/pods`);
    this.nodeRng = random.stream(`cloud/${this.name}/nodes`);
    this.spotRng = random.stream(`cloud/${this.name}/spot`);
    this.pools = this.params.pools.map((params, index) => ({
      params,
      index,
      pricePerHour: params.spot ? params.instance.spotPerHour : params.instance.onDemandPerHour,
      placement: {
        provider: this.name,
        resource: `${this.name}/${params.name}`,
        corepower: params.instance.corepower,
        gpuSpeed: params.instance.gpuSpeed,
      },
      nodes: new Set<Node>(),
    }));
    for (const pool of this.pools) {
      for (let i = 0; i < pool.params.minNodes; i++) this.nodeReady(this.createNode(pool));
    }
  }

  /** Nodes ready for pods. */
  get readyNodeCount(): number {
    return this.readyNodes.size;
  }

  /** Nodes requested and not yet ready. */
  get provisioningNodeCount(): number {
    return this.provisioning.size;
  }

  /** Pods waiting for a node. */
  get pendingPods(): number {
    return this.pending.size;
  }

  submit(request: WorkerRequest, events: WorkerEvents): Worker {
    const pod = this.runtime.create(request, events);
    if (request.nodes !== 1) {
      this.runtime.refuse(pod, `${this.name}: a pod runs on one node, got a request for ${request.nodes}`);
    } else if (!this.fitsSomePool(demand(request))) {
      this.runtime.refuse(
        pod,
        `${this.name}: no node pool has room for ${request.cores} cores, ${request.memoryMB} MB ` +
          `and ${request.gpus} GPUs`,
      );
    } else {
      this.pending.add(pod);
      if (!this.bindToBestNode(pod)) this.ensureScan();
    }
    return pod;
  }

  override usage(now: number): CloudUsage {
    let cost = this.closedCost;
    let nodeSeconds = this.closedNodeSeconds;
    let spotNodeSeconds = this.closedSpotSeconds;
    for (const pool of this.pools) {
      for (const node of pool.nodes) {
        const lifetime = now - node.requestedAt;
        cost += instanceCost(lifetime, pool.pricePerHour, this.params.billingMinimumSeconds);
        nodeSeconds += lifetime;
        if (pool.params.spot) spotNodeSeconds += lifetime;
      }
    }
    return {
      ...this.runtime.usage(now),
      cost,
      nodeSeconds,
      spotNodeSeconds,
      spotInterruptions: this.spotInterruptions,
      nodesCreated: this.nodesCreated,
      nodesRemoved: this.nodesRemoved,
    };
  }

  // Scheduling pods onto nodes.

  /** Whether an empty node of some pool that may have nodes would hold the pod. */
  private fitsSomePool(want: Resources): boolean {
    return this.pools.some(
      ({ params }) => params.maxNodes > 0 && podFits(want, params.instance, params.instance),
    );
  }

  /** kube-scheduler for a new pod: the best-scored ready node it fits on. */
  private bindToBestNode(pod: Pod): boolean {
    const want = demand(pod.request);
    const sign = this.params.scoring === 'least-allocated' ? 1 : -1;
    let best: Node | undefined;
    let bestScore = -Infinity;
    for (const node of this.readyNodes) {
      const { instance } = node.pool.params;
      if (!podFits(want, node.free, instance)) continue;
      // NodeResourcesFit scores CPU and memory with equal weights: the share of each left free after placing.
      const left =
        (node.free.cores - want.cores) / instance.cores +
        (node.free.memoryMB - want.memoryMB) / instance.memoryMB;
      if (sign * left > bestScore) {
        best = node;
        bestScore = sign * left;
      }
    }
    if (best === undefined) return false;
    this.bind(pod, best);
    return true;
  }

  /** Capacity appeared on `node`: pending pods that fit there take it, oldest first. */
  private fillNode(node: Node): void {
    for (const pod of this.pending) {
      if (node.free.cores <= 0 && node.free.gpus <= 0) return;
      if (podFits(demand(pod.request), node.free, node.pool.params.instance)) this.bind(pod, node);
    }
  }

  private bind(pod: Pod, node: Node): void {
    const { request } = pod;
    this.pending.delete(pod);
    node.free.cores -= request.cores;
    node.free.memoryMB -= request.memoryMB;
    node.free.gpus -= request.gpus;
    node.pods.add(pod);
    pod.node = node;
    if (node.idleEvent !== undefined) {
      this.sim.cancel(node.idleEvent);
      node.idleEvent = undefined;
    }
    const cached = this.podRng.next() < this.params.imageCachedProbability;
    const latency = (cached ? this.params.podStartCached : this.params.podStartWithPull).sample(this.podRng);
    this.runtime.timer(pod, this.sim.now + latency, this.startPod);
  }

  private readonly startPod = (pod: Pod): void => {
    this.runtime.start(pod, pod.node!.pool.placement);
    this.runtime.accept(pod);
  };

  /** The runtime's hook: a pod reached its final status; free its node's share. */
  private podEnded(pod: Pod): void {
    this.pending.delete(pod);
    const node = pod.node;
    if (node === undefined || node.gone) return;
    node.free.cores += pod.request.cores;
    node.free.memoryMB += pod.request.memoryMB;
    node.free.gpus += pod.request.gpus;
    node.pods.delete(pod);
    this.fillNode(node);
    if (node.pods.size === 0) this.armIdle(node);
  }

  // The autoscaler.

  /** The autoscaler looks at pending pods on its next loop, at the next multiple of the scan interval. */
  private ensureScan(): void {
    if (this.scanEvent !== undefined || this.pending.size === 0) return;
    const interval = this.params.scanInterval;
    this.scanEvent = this.sim.at(Math.ceil(this.sim.now / interval) * interval, this.scan);
  }

  private readonly scan = (): void => {
    this.scanEvent = undefined;
    const pending = [...this.pending].map((pod) => demand(pod.request));
    const upcoming = [...this.provisioning].map((node) => ({ pool: node.pool.index, free: node.free }));
    const pools = this.pools.map((pool) => ({
      instance: pool.params.instance,
      nodes: pool.nodes.size,
      maxNodes: pool.params.maxNodes,
    }));
    for (const index of planScaleUp(pending, upcoming, pools, this.params.maxNodesTotal)) {
      this.provision(this.pools[index]);
    }
  };

  private createNode(pool: Pool): Node {
    const { cores, memoryMB, gpus } = pool.params.instance;
    const node: Node = {
      pool,
      requestedAt: this.sim.now,
      gone: false,
      free: { cores, memoryMB, gpus },
      pods: new Set(),
    };
    pool.nodes.add(node);
    this.nodesCreated++;
    if (pool.params.spot && pool.params.spotInterruptionRate > 0) {
      const hours = -Math.log(1 - this.spotRng.next()) / pool.params.spotInterruptionRate;
      node.interruptEvent = this.sim.schedule(hours * 3600, this.interrupt, node);
    }
    return node;
  }

  private provision(pool: Pool): void {
    const node = this.createNode(pool);
    this.provisioning.add(node);
    node.readyEvent = this.sim.schedule(
      this.params.nodeProvisioning.sample(this.nodeRng),
      this.becomeReady,
      node,
    );
  }

  private readonly becomeReady = (node: Node): void => {
    node.readyEvent = undefined;
    this.provisioning.delete(node);
    this.nodeReady(node);
    this.ensureScan();
  };

  private nodeReady(node: Node): void {
    this.readyNodes.add(node);
    this.fillNode(node);
    if (node.pods.size === 0) this.armIdle(node);
  }

  private armIdle(node: Node): void {
    if (node.idleEvent === undefined) {
      node.idleEvent = this.sim.schedule(this.params.scaleDownUnneededTime, this.idleTimeout, node);
    }
  }

  private readonly idleTimeout = (node: Node): void => {
    node.idleEvent = undefined;
    if (node.pods.size === 0 && node.pool.nodes.size > node.pool.params.minNodes) this.removeNode(node);
  };

  private readonly interrupt = (node: Node): void => {
    node.interruptEvent = undefined;
    this.spotInterruptions++;
    this.removeNode(node);
  };

  private removeNode(node: Node): void {
    const { pool } = node;
    node.gone = true;
    for (const event of [node.readyEvent, node.idleEvent, node.interruptEvent]) {
      if (event !== undefined) this.sim.cancel(event);
    }
    this.readyNodes.delete(node);
    this.provisioning.delete(node);
    pool.nodes.delete(node);
    this.nodesRemoved++;
    const lifetime = this.sim.now - node.requestedAt;
    this.closedCost += instanceCost(lifetime, pool.pricePerHour, this.params.billingMinimumSeconds);
    this.closedNodeSeconds += lifetime;
    if (pool.params.spot) this.closedSpotSeconds += lifetime;
    if (pool.nodes.size < pool.params.minNodes) this.provision(pool);
    this.ensureScan();
    // Last, so that owners hearing of their pods see the cluster as the interruption left it.
    for (const pod of [...node.pods]) this.runtime.end(pod, 'failed', 'preempted');
  }
}
