/**
 * Harvester serving one queue on a 16-core LocalCluster ("lab") through the Slurm provider plugin: the small
 * world the integration tests of Harvester and of the PanDA server both run.
 */
import { constant } from '../../../sim/distributions.ts';
import type { Simulation } from '../../../sim/engine.ts';
import { RandomStreams } from '../../../sim/random.ts';
import { LocalCluster } from '../../../models/local/local-cluster.ts';
import { Harvester } from '../../../models/harvester/harvester.ts';
import type { PandaServerApi } from '../../../models/harvester/panda-server-api.ts';
import { PILOT_DEFAULTS } from '../../../models/harvester/pilot.ts';
import { ProviderPlugin } from '../../../models/harvester/provider-plugin.ts';
import type { QueueConfig } from '../../../models/harvester/queue-config.ts';

export function labHarvester(
  sim: Simulation,
  server: PandaServerApi,
  queue: QueueConfig,
): { cluster: LocalCluster; harvester: Harvester } {
  const cluster = new LocalCluster(sim, new RandomStreams(3), {
    name: 'lab',
    cores: 16,
    memoryMB: 512_000,
    startLatency: constant(5, 'duration'),
  });
  const plugin = new ProviderPlugin(
    { sim, server, harvesterID: 'harvester', params: PILOT_DEFAULTS },
    cluster,
    'slurm',
  );
  const harvester = new Harvester(sim, new RandomStreams(3), { server, queues: [{ config: queue, plugin }] });
  return { cluster, harvester };
}
