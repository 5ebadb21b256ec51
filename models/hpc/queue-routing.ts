/**
 * Which execution queue takes a request, or why none does: the queue named (or, for a routing queue, the
 * first of its routes whose ranges fit, as PBS routing queues do), checked against its node and walltime
 * ranges and against what one node has.
 */
import { formatDuration } from '../../sim/units.ts';
import type { WorkerRequest } from '../provider/worker.ts';
import type { ExecutionQueue, HpcMachineParams, RoutingQueue } from './machine-params.ts';

export type QueueChoice =
  { readonly queue: ExecutionQueue; readonly route: RoutingQueue | undefined } | { readonly refusal: string };

function ranges(queue: ExecutionQueue): string {
  const time = (s: number) => (s === 0 ? '0s' : formatDuration(s));
  return `${queue.name}: ${queue.minNodes}–${queue.maxNodes} nodes, ${time(queue.minWalltime)}–${time(queue.maxWalltime)}`;
}

function fits(queue: ExecutionQueue, request: WorkerRequest): boolean {
  return (
    request.nodes >= queue.minNodes &&
    request.nodes <= queue.maxNodes &&
    request.walltime >= queue.minWalltime &&
    request.walltime <= queue.maxWalltime
  );
}

/**
 * The execution queue for `request` on `machine`, or the reason it is refused. The request is well-formed
 * (whole nodes >= 1 and so on): WorkerRuntime.create checks that before the machine sees it.
 */
export function chooseQueue(machine: HpcMachineParams, request: WorkerRequest): QueueChoice {
  const at = machine.name;
  if (request.cores > machine.coresPerNode) {
    return { refusal: `${at}: ${request.cores} cores per node asked, nodes have ${machine.coresPerNode}` };
  }
  if (request.gpus > machine.gpusPerNode) {
    return { refusal: `${at}: ${request.gpus} GPUs per node asked, nodes have ${machine.gpusPerNode}` };
  }
  if (request.memoryMB > machine.memoryPerNodeMB) {
    return {
      refusal: `${at}: ${request.memoryMB} MB per node asked, nodes have ${machine.memoryPerNodeMB} MB`,
    };
  }
  const want = `${request.nodes} nodes for ${formatDuration(request.walltime)}`;
  const route = machine.routingQueues.find((r) => r.name === request.queue);
  if (route !== undefined) {
    const targets = route.routes.map((name) => machine.queues.find((q) => q.name === name)!);
    const queue = targets.find((q) => fits(q, request));
    if (queue !== undefined) return { queue, route };
    return { refusal: `${at} ${route.name}: no queue takes ${want} (${targets.map(ranges).join('; ')})` };
  }
  const queue = machine.queues.find((q) => q.name === request.queue);
  if (queue === undefined) {
    const names = [...machine.queues.filter((q) => !q.routedOnly), ...machine.routingQueues].map(
      (q) => q.name,
    );
    return { refusal: `${at}: no queue ${request.queue} (queues: ${names.join(', ')})` };
  }
  if (queue.routedOnly) {
    const via = machine.routingQueues.filter((r) => r.routes.includes(queue.name)).map((r) => r.name);
    return { refusal: `${at} ${queue.name}: takes jobs only through ${via.join(' or ')}` };
  }
  if (!fits(queue, request))
    return { refusal: `${at} ${queue.name}: does not take ${want} (${ranges(queue)})` };
  return { queue, route: undefined };
}
