/**
 * The parameters of an LCF machine: nodes, batch queues with their size and walltime ranges, waits and
 * limits, the project's allocation, and failure rates. Ready-made sets are in machines.ts.
 */
import type { Distribution } from '../../sim/distributions.ts';
import type { GpuModel } from './gpu-models.ts';

/** A cap on jobs, counted for the whole project (this provider) and for each user (WorkerRequest.user). */
export interface Cap {
  readonly perProject?: number;
  readonly perUser?: number;
}

/**
 * Limits as facilities state them. "Eligible" (ALCF: running/accruing, OLCF: eligible-to-run) jobs are the
 * ones running or ageing in the queue; the others are held and their queue wait has not begun.
 */
export interface JobLimits {
  /** Jobs in any state; a submission beyond it is refused. */
  readonly maxJobs?: Cap;
  /** Jobs running or eligible; later ones are held until one of these ends. */
  readonly maxEligible?: Cap;
  /** Jobs running; a job whose wait has passed waits on for one of these to end. */
  readonly maxRunning?: Cap;
  /** Nodes the queue's running jobs may hold together. */
  readonly maxNodesInUse?: number;
}

/** Preemption as a constant hazard once a job has run `after` seconds. */
export interface Preemption {
  /** Probability that a job running 24 h (past `after`) is preempted: hazard = −ln(1 − p) / 86,400 s. */
  readonly probabilityPerDay: number;
  /** Seconds of guaranteed run before preemption can strike. */
  readonly after: number;
}

export interface ExecutionQueue {
  readonly name: string;
  readonly minNodes: number;
  readonly maxNodes: number;
  /** Walltime range a request must fall in, s. */
  readonly minWalltime: number;
  readonly maxWalltime: number;
  /** The job's wait in the queue once it is eligible, s (the other users' demand, which is not simulated). */
  readonly wait: Distribution;
  readonly limits: JobLimits;
  readonly preemption?: Preemption;
  /** Reached only through a routing queue (Polaris `small` through `prod`). */
  readonly routedOnly: boolean;
}

/** A queue that sends each job to the first of its routes whose node and walltime ranges take it. */
export interface RoutingQueue {
  readonly name: string;
  readonly routes: readonly string[];
  /** Limits over all the jobs it routed. */
  readonly limits: JobLimits;
}

export interface HpcMachineParams {
  /** Machine name: names its random streams (`hpc/<name>/...`), so it must be unique in a run. */
  readonly name: string;
  /** The storage endpoint (Rucio RSE / Globus endpoint) next to the machine. */
  readonly storageEndpoint: string;
  readonly nodes: number;
  readonly coresPerNode: number;
  readonly memoryPerNodeMB: number;
  readonly gpusPerNode: number;
  readonly gpu: GpuModel;
  /** HS06 per core of the host CPU (corepower), for payloads with CPU work. */
  readonly hs06PerCore: number;
  readonly queues: readonly ExecutionQueue[];
  readonly routingQueues: readonly RoutingQueue[];
  /** Limits over all the project's jobs on the machine. */
  readonly limits: JobLimits;
  /** The project's allocation, node-hours; Infinity for none. */
  readonly allocationNodeHours: number;
  /** Long-run fraction of nodes down; each node alternates exponential up and down times. */
  readonly nodeDownFraction: number;
  /** Mean time a node stays down, s (the mean up time follows from the fraction). */
  readonly nodeRepairTime: number;
  /** Probability that a batch job dies ('node-failure') at a uniform point of its walltime. */
  readonly jobFailureProbability: number;
  /** Probability that a payload attempt fails by itself ('payload-error'), at a uniform point of its run. */
  readonly payloadFailureProbability: number;
}

/** Throws a RangeError naming the machine and the field when `params` is inconsistent. */
export function checkHpcMachineParams(params: HpcMachineParams): void {
  const fail = (field: string, problem: string): never => {
    throw new RangeError(`HPC machine ${params.name}: ${field} ${problem}`);
  };
  for (const field of ['nodes', 'coresPerNode'] as const) {
    if (!(Number.isInteger(params[field]) && params[field] > 0)) fail(field, 'must be an integer > 0');
  }
  if (!(Number.isInteger(params.gpusPerNode) && params.gpusPerNode >= 0)) {
    fail('gpusPerNode', 'must be an integer >= 0');
  }
  for (const field of ['memoryPerNodeMB', 'hs06PerCore', 'nodeRepairTime', 'allocationNodeHours'] as const) {
    if (!(params[field] > 0)) fail(field, `must be > 0, got ${params[field]}`);
  }
  if (params.gpusPerNode > 0 && !(params.gpu.speed > 0)) fail('gpu.speed', 'must be > 0');
  if (!(params.nodeDownFraction >= 0 && params.nodeDownFraction < 1)) {
    fail('nodeDownFraction', `must be in [0, 1), got ${params.nodeDownFraction}`);
  }
  for (const field of ['jobFailureProbability', 'payloadFailureProbability'] as const) {
    if (!(params[field] >= 0 && params[field] <= 1)) fail(field, `must be in [0, 1], got ${params[field]}`);
  }
  const names = new Set<string>();
  for (const queue of [...params.queues, ...params.routingQueues]) {
    if (names.has(queue.name)) fail('queues', `name ${queue.name} appears twice`);
    names.add(queue.name);
  }
  for (const queue of params.queues) {
    const at = `queue ${queue.name}`;
    if (!(Number.isInteger(queue.minNodes) && queue.minNodes >= 1 && queue.maxNodes >= queue.minNodes)) {
      fail(at, `needs integer 1 <= minNodes <= maxNodes, got ${queue.minNodes}–${queue.maxNodes}`);
    }
    if (queue.maxNodes > params.nodes)
      fail(at, `maxNodes ${queue.maxNodes} exceeds the ${params.nodes} nodes`);
    if (!(queue.minWalltime >= 0 && queue.maxWalltime > queue.minWalltime)) {
      fail(at, `needs 0 <= minWalltime < maxWalltime, got ${queue.minWalltime}–${queue.maxWalltime}`);
    }
    const p = queue.preemption;
    if (p !== undefined && !(p.probabilityPerDay >= 0 && p.probabilityPerDay < 1 && p.after >= 0)) {
      fail(at, 'preemption needs probabilityPerDay in [0, 1) and after >= 0');
    }
  }
  for (const route of params.routingQueues) {
    if (route.routes.length === 0) fail(`routing queue ${route.name}`, 'has no routes');
    for (const target of route.routes) {
      const queue = params.queues.find((q) => q.name === target);
      if (queue === undefined) fail(`routing queue ${route.name}`, `routes to unknown queue ${target}`);
    }
  }
}
