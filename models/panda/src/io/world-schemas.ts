// File schemas of the world the brokerages read besides the task: storage endpoints and replicas
// (snapshot/data.ts), network metrics (snapshot/network.ts), nuclei (snapshot/nucleus.ts) and the snapshot itself
// (snapshot/world.ts), with the analysis and task-brokerage extensions of the snapshot.

import { z } from 'zod';
import type { AnalysisReplica, AnalysisSnapshot } from '../brokerage/analysis-types.ts';
import type { TaskBrokerageSnapshot } from '../brokerage/task-brokerage-types.ts';
import type { DatasetReplica, DdmEndpoint, RseDetailedStatus } from '../snapshot/data.ts';
import type { LinkMetrics, NetworkMetrics } from '../snapshot/network.ts';
import type { NucleusSpec } from '../snapshot/nucleus.ts';
import type { BrokerageSnapshot } from '../snapshot/world.ts';
import type { Assert, IsExact } from './exact.ts';
import {
  QueueStateSchema,
  ResourceTypeSpecSchema,
  RseActivityStatusSchema,
  SiteSpecSchema,
} from './queue-schemas.ts';

const gb = (description: string) => z.number().describe(`${description}, GB.`).optional();

export const RseDetailedStatusSchema = z
  .strictObject({
    read_lan: RseActivityStatusSchema.optional(),
    write_lan: RseActivityStatusSchema.optional(),
    read_wan: RseActivityStatusSchema.optional(),
    write_wan: RseActivityStatusSchema.optional(),
  })
  .meta({
    id: 'RseDetailedStatus',
    description: '`detailed_status` of an RSE; an absent activity counts as up.',
  });

export const DdmEndpointSchema = z
  .strictObject({
    ddm_endpoint_name: z.string().describe('RSE name, e.g. `CERN-PROD_DATADISK`.'),
    site: z.string().describe('ATLAS site the RSE belongs to.'),
    type: z.string().describe('`DATADISK`, `SCRATCHDISK`, `TAPE`, …').optional(),
    is_tape: z.boolean().describe('The RSE is a tape endpoint.').optional(),
    space_free: gb('Free space'),
    space_expired: gb('Space held by expired replicas (counted as usable)'),
    space_min_free: gb('Space to keep free'),
    space_unavailable: gb('Space that cannot be used'),
    space_total: gb('Total space'),
    detailed_status: RseDetailedStatusSchema.optional(),
  })
  .meta({ id: 'DdmEndpoint', description: 'One DDM endpoint (Rucio storage element, RSE).' });

export const DatasetReplicaSchema = z
  .strictObject({
    rse: z.string().describe('RSE holding the replica.'),
    found: z.number().int().nonnegative().describe('Files of the dataset present at the RSE.'),
    total: z
      .number()
      .int()
      .nonnegative()
      .describe('Files of the dataset as Rucio counts them; defaults to the dataset nFiles.')
      .optional(),
    bytes: z.number().describe('Bytes present.').optional(),
    isTape: z.boolean().describe('The replica is on tape.').optional(),
  })
  .meta({ id: 'DatasetReplica', description: 'A dataset replica at one RSE.' });

export const AnalysisReplicaSchema = DatasetReplicaSchema.extend({
  vp: z.boolean().describe('Virtual Placement replica: counts only at VP queues.').optional(),
}).meta({ id: 'AnalysisReplica', description: 'A dataset replica as the analysis brokerage reads it.' });

export const LinkMetricsSchema = z
  .strictObject({
    productionOutputQueued: z
      .number()
      .describe('`Production Output_queued`: files queued on the link.')
      .optional(),
    expressQueued: z.number().describe('`Express_queued`: files queued for express chunks.').optional(),
    productionOutputDone6h: z
      .number()
      .describe('`Production Output_done_6h`: files moved in 6 h.')
      .optional(),
    expressDone6h: z.number().describe('`Express_done_6h`: express files moved in 6 h.').optional(),
    mbps1h: z.number().describe('`dashb_mbps_1h`: FTS throughput, MB/s.').optional(),
    mbps1d: z.number().describe('`dashb_mbps_1d`: FTS throughput, MB/s.').optional(),
    mbps1w: z.number().describe('`dashb_mbps_1w`: FTS throughput, MB/s.').optional(),
    closeness: z.number().describe('`AGIS_closeness`: 0 best … 11 worst; -1 blocked.').optional(),
  })
  .meta({ id: 'LinkMetrics', description: 'Metrics of one source-site → nucleus link (absent = no row).' });

export const NetworkMetricsSchema = z.record(z.string(), z.record(z.string(), LinkMetricsSchema)).meta({
  id: 'NetworkMetrics',
  description:
    'Nucleus → source ATLAS site → link metrics (`getNetworkMetrics`); a source named `total` may carry the files queued from all sources.',
});

export const NucleusSpecSchema = z
  .strictObject({
    name: z.string().describe('Nucleus (ATLAS site) name.'),
    state: z.string().describe('Only `ACTIVE` nuclei are task-brokerage candidates.'),
    allPandaSites: z.array(z.string()).describe('PQ names attached to the nucleus.'),
    defaultEndpointOut: z.string().describe('Default output RSE (`get_default_endpoint_out`).').optional(),
    endpointsByToken: z
      .record(z.string(), z.string())
      .describe('Storage token (e.g. `ATLASDATADISK`) → RSE name, for output datasets.')
      .optional(),
    bareNucleus: z.enum(['only', 'allow']).describe('Bare-nucleus mode for full-chain tasks.').optional(),
    secondaryNucleus: z.string().describe('Nucleus taking outputs in full-chain mode.').optional(),
  })
  .meta({
    id: 'NucleusSpec',
    description: 'A nucleus (`NucleusSpec`): a Tier-1-like site collecting task outputs.',
  });

const snapshotFields = {
  now: z.number().describe('Snapshot time, s (the clock of `laststart`, `frozenTime`, …).'),
  queues: z
    .array(SiteSpecSchema)
    .describe(
      'The PQ catalog as CRIC publishes it; unified PQs appear once, as parents with capability `ucore`.',
    ),
  resourceTypes: z.array(ResourceTypeSpecSchema).describe('Resource types used to expand unified queues.'),
  queueStates: z
    .record(z.string(), QueueStateSchema)
    .describe('Unified PQ name → dynamic state; an absent PQ has no jobs, pilots or workers.'),
  ddmEndpoints: z.record(z.string(), DdmEndpointSchema).describe('RSE name → endpoint.'),
  nuclei: z.record(z.string(), NucleusSpecSchema).describe('Nucleus name → nucleus.'),
  network: NetworkMetricsSchema,
  replicas: z
    .record(z.string(), z.array(DatasetReplicaSchema))
    .describe('Dataset name → replicas; datasets absent here skip the completeness check.')
    .optional(),
  liveCount: z
    .record(z.string(), z.number())
    .describe('Jobs generated per PQ so far in the current JobGenerator cycle (live counter).')
    .optional(),
};

export const BrokerageSnapshotSchema = z.strictObject(snapshotFields).meta({
  id: 'BrokerageSnapshot',
  description: 'PQ catalog, PQ state, storage, nuclei, network and replicas.',
});

export const AnalysisSnapshotSchema = z
  .strictObject({
    ...snapshotFields,
    replicas: z
      .record(z.string(), z.array(AnalysisReplicaSchema))
      .describe('Dataset name → replicas (VP replicas marked).')
      .optional(),
  })
  .meta({ id: 'AnalysisSnapshot', description: 'The brokerage snapshot with Virtual Placement replicas.' });

export const TaskBrokerageSnapshotSchema = z
  .strictObject({
    ...snapshotFields,
    satellites: z
      .record(z.string(), NucleusSpecSchema)
      .describe('Satellite sites; those with `bareNucleus` are candidates of full-chain tasks.')
      .optional(),
  })
  .meta({ id: 'TaskBrokerageSnapshot', description: 'The brokerage snapshot with satellites.' });

type _checks = [
  Assert<IsExact<z.infer<typeof RseDetailedStatusSchema>, RseDetailedStatus>>,
  Assert<IsExact<z.infer<typeof DdmEndpointSchema>, DdmEndpoint>>,
  Assert<IsExact<z.infer<typeof DatasetReplicaSchema>, DatasetReplica>>,
  Assert<IsExact<z.infer<typeof AnalysisReplicaSchema>, AnalysisReplica>>,
  Assert<IsExact<z.infer<typeof LinkMetricsSchema>, LinkMetrics>>,
  Assert<IsExact<z.infer<typeof NetworkMetricsSchema>, NetworkMetrics>>,
  Assert<IsExact<z.infer<typeof NucleusSpecSchema>, NucleusSpec>>,
  Assert<IsExact<z.infer<typeof BrokerageSnapshotSchema>, BrokerageSnapshot>>,
  Assert<IsExact<z.infer<typeof AnalysisSnapshotSchema>, AnalysisSnapshot>>,
  Assert<IsExact<z.infer<typeof TaskBrokerageSnapshotSchema>, TaskBrokerageSnapshot>>,
];
