/**
 * The `faults:` section of a scenario file: faults injected into the modelled world, each scheduled (`at` +
 * `for`) or sudden (a Poisson `rate` per target + a `duration` distribution, drawn at world build from the
 * fault's own random stream). Which timing a fault has, and that its targets exist, is checked in
 * fault-checks.ts; scenarios/fault-spec.ts holds the loaded form.
 *
 * The schemas are built by a function: schema.ts includes them in the scenario file's schema, and this module
 * uses schema.ts's unit helpers, so nothing here may run before schema.ts has defined them.
 */
import { z } from 'zod';
import { distribution, frequency, quantity } from './schema.ts';

/** The names of the fault kinds, as written in `kind:`. */
export const FAULT_KINDS = [
  'site-downtime',
  'lcf-node-failure',
  'lcf-queue-outage',
  'funcx-endpoint-down',
  'credential-expiry',
  'transfer-faults',
  'network-cut',
  'network-degraded',
  'storage-full',
  'harvester-down',
] as const;

export function faultsSchema() {
  const names = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
  const timing = {
    at: quantity('duration')
      .describe('Scheduled: when the fault begins, from the scenario start.')
      .optional(),
    for: quantity('duration', { positive: true }).describe('Scheduled: how long it lasts.').optional(),
    rate: frequency().describe("Sudden: Poisson rate per target, e.g. '1/30d'.").optional(),
    duration: distribution('duration', { positive: true })
      .describe("Sudden: the length of each occurrence, e.g. 'lognormal(median=4h, sigma=1)'.")
      .optional(),
    source: z.string().min(1).describe('A key of `sources`.').optional(),
  };
  const network = {
    uplink: names.describe('Resources whose link to their region is hit.').optional(),
    backbone: names.describe('Regions whose backbone is hit.').optional(),
    between: z
      .tuple([z.string().min(1), z.string().min(1)])
      .describe('An inter-region link.')
      .optional(),
  };
  const probability = () => z.number().min(0).lt(1);
  return z.array(
    z.discriminatedUnion('kind', [
      z.strictObject({
        kind: z.literal('site-downtime'),
        site: names,
        announce: quantity('duration')
          .describe('Scheduled: CRIC sets the queues brokeroff this long before the downtime. Default 0.')
          .optional(),
        ...timing,
      }),
      z.strictObject({
        kind: z.literal('lcf-node-failure'),
        hpc: names,
        nodes: z
          .number()
          .int()
          .positive()
          .describe('Nodes failing at each occurrence. Default 1.')
          .optional(),
        hits: z
          .enum(['any', 'busy'])
          .describe("Which nodes: any of the machine's (default), or those running the project's jobs.")
          .optional(),
        ...timing,
      }),
      z.strictObject({
        kind: z.literal('lcf-queue-outage'),
        hpc: names,
        queue: z.string().min(1).describe('A batch queue of the machine; default every queue.').optional(),
        ...timing,
      }),
      z.strictObject({ kind: z.literal('funcx-endpoint-down'), endpoint: names, ...timing }),
      z.strictObject({
        kind: z.literal('credential-expiry'),
        resource: names,
        credential: z
          .enum(['harvester', 'globus'])
          .describe("Harvester's token for the resource (default), or the Globus endpoint's credentials.")
          .optional(),
        ...timing,
      }),
      z.strictObject({
        kind: z.literal('transfer-faults'),
        endpoint: names.describe('Resources whose Globus transfers are hit; default all.').optional(),
        faultProbability: probability().describe('Per file attempt, while the fault lasts.').optional(),
        hardFailureProbability: probability().describe('Per task started while it lasts.').optional(),
        ...timing,
      }),
      z.strictObject({ kind: z.literal('network-cut'), ...network, ...timing }),
      z.strictObject({
        kind: z.literal('network-degraded'),
        ...network,
        factor: z.number().gt(0).lt(1).describe('Fraction of the capacity left.'),
        ...timing,
      }),
      z.strictObject({ kind: z.literal('storage-full'), site: names, ...timing }),
      z.strictObject({
        kind: z.literal('harvester-down'),
        instance: z
          .string()
          .min(1)
          .describe(
            "'central' (LCF and cloud queues), 'grid-<region>' (that region's grid sites) or 'funcx'.",
          ),
        ...timing,
      }),
    ]),
  );
}

export type FaultInput = z.output<ReturnType<typeof faultsSchema>>[number];
