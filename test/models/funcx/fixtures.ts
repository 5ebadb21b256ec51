/** The machine the Globus Compute tests (here and Harvester's funcX plugin) run an endpoint on. */
import { constant } from '../../../sim/distributions.ts';
import { A100_40GB } from '../../../models/hpc/gpu-models.ts';
import type { HpcMachineParams } from '../../../models/hpc/machine-params.ts';

const HOUR = 3600;

/** A 64-node GPU machine with one queue of fixed wait `queueWait` and no failures unless asked. */
export function toyGpuMachine(
  queueWait: number,
  overrides: Partial<HpcMachineParams> = {},
): HpcMachineParams {
  return {
    name: 'toy',
    storageEndpoint: 'TOY_DATADISK',
    nodes: 64,
    coresPerNode: 32,
    memoryPerNodeMB: 512_000,
    gpusPerNode: 4,
    gpu: A100_40GB,
    hs06PerCore: 10,
    queues: [
      {
        name: 'batch',
        minNodes: 1,
        maxNodes: 16,
        minWalltime: 0,
        maxWalltime: 72 * HOUR,
        wait: constant(queueWait),
        limits: {},
        routedOnly: false,
      },
    ],
    routingQueues: [],
    limits: {},
    allocationNodeHours: Infinity,
    nodeDownFraction: 0,
    nodeRepairTime: HOUR,
    jobFailureProbability: 0,
    payloadFailureProbability: 0,
    ...overrides,
  };
}
