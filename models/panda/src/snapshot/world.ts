// Everything the brokerages read besides the task and chunk: the PQ catalog, its dynamic state, storage,
// nuclei, network and replicas at one instant. This is the body of `pandasim broker SNAPSHOT.json`.

import type { DatasetReplica, DdmEndpoint } from './data.ts';
import type { NetworkMetrics } from './network.ts';
import type { NucleusSpec } from './nucleus.ts';
import type { QueueState, ResourceTypeSpec, SiteSpec } from './queue.ts';

export interface BrokerageSnapshot {
  /** Snapshot time, seconds (the clock `laststart`, `frozenTime`, … are expressed in). */
  now: number;
  /** The PQ catalog as CRIC publishes it: unified queues appear once, as parents with capability `ucore`. */
  queues: SiteSpec[];
  /** Resource types used to expand unified queues into pseudo queues. */
  resourceTypes: ResourceTypeSpec[];
  /** Unified PQ name → dynamic state; a PQ absent here has no jobs, no pilots and no workers. */
  queueStates: Record<string, QueueState>;
  /** RSE name → endpoint. */
  ddmEndpoints: Record<string, DdmEndpoint>;
  /** Nucleus name → nucleus. */
  nuclei: Record<string, NucleusSpec>;
  network: NetworkMetrics;
  /** Dataset name → replicas; datasets absent here skip the completeness check. */
  replicas?: Record<string, DatasetReplica[]>;
  /** Jobs generated per PQ so far in the current JobGenerator cycle (`MapWithLock` live counter). */
  liveCount?: Record<string, number>;
}
