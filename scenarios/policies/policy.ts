/**
 * A placement policy decides, for each workflow task when it is released, by which route its jobs run. It is a
 * plain module exporting one `PlacementPolicy`; registering it in policies/index.ts is all a new one needs.
 * Policies see the platform's resources and, for those that look ahead, an estimate of what each resource
 * would take to finish the task; they never touch the world's state.
 */
import type { ResourceInfo } from '../world/catalog.ts';
import type { WorkflowTaskSpec } from '../scenario.ts';

/** Through PanDA: JEDI brokers the jobs over `queues` (every PanDA queue of the grid and LCFs when null). */
export interface PandaRoute {
  readonly kind: 'panda';
  readonly queues: readonly string[] | null;
  /** Run GPU work on CPUs (the task's `cpuPerGpuSecond`), for routes without GPUs. */
  readonly cpuOnly: boolean;
}

/** Parsl on Globus Compute, straight to an endpoint, data moved by Globus (the seed's scenario 1). */
export interface FuncxRoute {
  readonly kind: 'funcx';
  readonly endpoint: string;
}

/** The user's own cluster first; what does not start there within `maxLocalWait` goes the overflow route. */
export interface LocalFirstRoute {
  readonly kind: 'local-first';
  readonly local: string;
  readonly maxLocalWait: number;
  readonly overflow: PandaRoute;
}

export type Route = PandaRoute | FuncxRoute | LocalFirstRoute;

/** A look-ahead estimate for the whole task on one resource, s. */
export interface TaskEstimate {
  readonly resource: string;
  readonly queueWait: number;
  readonly transfer: number;
  readonly compute: number;
  readonly total: number;
  /** USD the task would cost there. */
  readonly cost: number;
}

export interface PlacementContext {
  readonly now: number;
  readonly resources: readonly ResourceInfo[];
  /** What the whole task would take on `resource` if sent there now. */
  estimate(task: WorkflowTaskSpec, resource: string): TaskEstimate;
  /** USD spent so far on paid resources, and the scenario's budget for them. */
  readonly spent: number;
  readonly budget: number;
}

export interface PlacementPolicy {
  readonly name: string;
  /** One line: what the policy does and which of the seed's scenarios it stands for. */
  readonly description: string;
  route(task: WorkflowTaskSpec, ctx: PlacementContext): Route;
}

/** PanDA queues of the given resource kinds. */
export function queuesOf(ctx: PlacementContext, kinds: readonly ResourceInfo['kind'][]): string[] {
  return ctx.resources.flatMap((r) => (kinds.includes(r.kind) ? r.pandaQueues : []));
}

export function panda(queues: readonly string[] | null, cpuOnly = false): PandaRoute {
  return { kind: 'panda', queues, cpuOnly };
}
