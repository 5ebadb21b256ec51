import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../sim/engine.ts';
import { RandomStreams } from '../../../sim/random.ts';
import { DataCatalog } from '../../../models/data/catalog.ts';
import { planGathering } from '../../../models/data/gathering.ts';
import { rseAsDestination } from '../../../models/data/storage-writes.ts';
import { FlowNetwork } from '../../../models/network/flow-network.ts';
import { buildRegionalTopology } from '../../../models/network/regional-topology.ts';
import { GlobusTransferService } from '../../../models/globus/transfer-service.ts';
import type { TransferTask } from '../../../models/globus/transfer-task.ts';

const GB = 1e9;

function world(alcfCapacity: number) {
  const catalog = new DataCatalog();
  catalog.addStorage({ name: 'BNL_DATADISK', site: 'BNL-ATLAS', capacity: 100 * GB });
  catalog.addStorage({ name: 'ALCF_EAGLE', site: 'ALCF', capacity: alcfCapacity });
  catalog.addFiles(
    'model.weights',
    [1, 2, 3, 4].map((i) => ({ name: `w${i}`, bytes: GB })),
  );
  for (let i = 1; i <= 4; i++) catalog.placeReplica(`w${i}`, 'BNL_DATADISK');
  const topology = buildRegionalTopology({
    endpoints: [
      { name: 'BNL_DATADISK', site: 'BNL-ATLAS', region: 'US', access: 1.25e9 },
      { name: 'ALCF_EAGLE', site: 'ALCF', region: 'US', kind: 'dtn', access: 1.25e9 },
    ],
    regions: [{ name: 'US' }],
  });
  const sim = new Simulation();
  const service = new GlobusTransferService(
    sim,
    new FlowNetwork(sim, topology),
    new RandomStreams(5).stream('globus/transfer'),
    { faultProbability: 0, hardFailureProbability: 0, concurrency: 1 },
  );
  return { sim, catalog, service };
}

function gather(alcfCapacity: number) {
  const { sim, catalog, service } = world(alcfCapacity);
  const [transfer] = planGathering(catalog, 'model.weights', 'ALCF_EAGLE').transfers;
  let ended: TransferTask | undefined;
  service.submit({
    user: 'prod',
    source: catalog.storage(transfer.source).networkEndpoint,
    destination: catalog.storage(transfer.destination).networkEndpoint,
    files: transfer.files,
    storage: rseAsDestination(catalog, 'ALCF_EAGLE'),
    onEnd: (t) => (ended = t),
  });
  sim.run();
  return { catalog, ended };
}

describe('a Globus transfer into a catalog endpoint', () => {
  it('registers each file as a replica as it arrives', () => {
    const { catalog, ended } = gather(10 * GB);
    expect(ended?.status).toBe('SUCCEEDED');
    expect(catalog.holdingsAt('model.weights', 'ALCF_EAGLE')).toEqual({ files: 4, bytes: 4 * GB });
    expect(catalog.freeSpace('ALCF_EAGLE')).toBe(6 * GB);
  });

  it('fails when the destination is full, keeping the files written and returning reserved space', () => {
    const { catalog, ended } = gather(2.5 * GB);
    expect(ended).toMatchObject({ status: 'FAILED', failure: 'storage-full', filesTransferred: 2 });
    expect(catalog.holdingsAt('model.weights', 'ALCF_EAGLE')).toEqual({ files: 2, bytes: 2 * GB });
    expect(catalog.storage('ALCF_EAGLE')).toMatchObject({ used: 2 * GB, reserved: 0 });
  });
});
