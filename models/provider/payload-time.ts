/**
 * How long a payload runs where it landed: the workload fixes its work in reference units (worker.ts), the
 * placement's speeds turn that into seconds.
 */
import type { Payload, Placement } from './worker.ts';

/**
 * Wall time of `payload` on `placement`: fixed time, plus CPU work on its cores at the node's corepower, plus GPU
 * work on its GPUs at the GPU speed. The CPU and GPU parts add rather than overlap: a payload that has both
 * (event preparation, then training) mostly alternates between them, and when one is zero, as for nearly every
 * HEP or training payload, the rule does not matter.
 */
export function payloadWallTime(payload: Payload, placement: Placement): number {
  let time = payload.fixedTime;
  if (payload.cpuWork > 0) {
    if (!(payload.cores > 0 && placement.corepower > 0)) {
      throw new RangeError(
        `payload ${payload.id}: CPU work ${payload.cpuWork} needs cores > 0 on a node with corepower > 0 ` +
          `(cores ${payload.cores}, corepower ${placement.corepower})`,
      );
    }
    time += payload.cpuWork / (payload.cores * placement.corepower);
  }
  if (payload.gpuWork > 0) {
    if (!(payload.gpus > 0 && placement.gpuSpeed > 0)) {
      throw new RangeError(
        `payload ${payload.id}: GPU work ${payload.gpuWork} needs GPUs > 0 on a node with GPU speed > 0 ` +
          `(gpus ${payload.gpus}, gpuSpeed ${placement.gpuSpeed})`,
      );
    }
    time += payload.gpuWork / (payload.gpus * placement.gpuSpeed);
  }
  return time;
}
