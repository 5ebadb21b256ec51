/**
 * The catalog in the shape @pandasim/panda's brokerages read: RSEs as `DdmEndpoint` (CRIC's space fields, in
 * GB) and dataset replicas as `DatasetReplica` (Rucio's `found` / `total` / bytes per RSE), for the
 * `ddmEndpoints` and `replicas` of a `BrokerageSnapshot`.
 *
 * GB are taken as 10^9 bytes. An RSE of unlimited capacity reports no space fields (CRIC would not know them)
 * rather than an infinity that JSON cannot carry.
 */
import type { DatasetReplica, DdmEndpoint } from '@pandasim/panda';
import type { DataCatalog } from './catalog.ts';

const BYTES_PER_GB = 1e9;

export function toDdmEndpoint(catalog: DataCatalog, rse: string): DdmEndpoint {
  const s = catalog.storage(rse);
  const e: DdmEndpoint = { ddm_endpoint_name: s.name, site: s.site, type: s.type, is_tape: s.isTape };
  if (s.capacity < Infinity) {
    e.space_total = s.capacity / BYTES_PER_GB;
    e.space_free = catalog.freeSpace(rse) / BYTES_PER_GB;
  }
  return e;
}

/** Replicas of a dataset, one per RSE holding any of its files, in the order the RSEs first held some. */
export function toDatasetReplicas(catalog: DataCatalog, dataset: string): DatasetReplica[] {
  const total = catalog.dataset(dataset).files.length;
  return catalog.rsesWith(dataset).map((rse) => {
    const h = catalog.holdingsAt(dataset, rse);
    return { rse, found: h.files, total, bytes: h.bytes, isTape: catalog.storage(rse).isTape };
  });
}

/** Every RSE and every dataset's replicas, for a brokerage snapshot. */
export function toReplicaSnapshot(catalog: DataCatalog): {
  ddmEndpoints: Record<string, DdmEndpoint>;
  replicas: Record<string, DatasetReplica[]>;
} {
  const ddmEndpoints: Record<string, DdmEndpoint> = {};
  for (const rse of catalog.storageNames()) ddmEndpoints[rse] = toDdmEndpoint(catalog, rse);
  const replicas: Record<string, DatasetReplica[]> = {};
  for (const d of catalog.datasetNames()) replicas[d] = toDatasetReplicas(catalog, d);
  return { ddmEndpoints, replicas };
}
