/**
 * The locality questions the brokerages ask of the replica catalog: how complete a dataset is at an endpoint
 * (the task brokerage's completeness check, brokerage.md §2.2 step 1) and how much of a task's input a queue
 * or nucleus already holds on its input endpoints, on disk and on disk or tape (§2.4 step 7, §3 step 2).
 *
 * Over several endpoints a file counts once, wherever it is: this is the simulator's truth about what is
 * local, from which the brokerage's own per-replica approximations are derived by the replica converter.
 */
import type { NucleusDataAvailability } from '@pandasim/panda';
import type { DataCatalog } from './catalog.ts';

export interface DatasetCompleteness {
  /** Files of the dataset at the endpoint, and all its files. */
  found: number;
  total: number;
  bytes: number;
  totalBytes: number;
  complete: boolean;
}

export function completenessAt(catalog: DataCatalog, dataset: string, rse: string): DatasetCompleteness {
  const d = catalog.dataset(dataset);
  const h = catalog.holdingsAt(dataset, rse);
  return {
    found: h.files,
    total: d.files.length,
    bytes: h.bytes,
    totalBytes: d.bytes,
    complete: h.files === d.files.length,
  };
}

/**
 * Input held by a set of endpoints, in the shape JEDI's nucleus weight reads (`NucleusDataAvailability` in
 * @pandasim/panda): `Disk` counts disk endpoints of the set only, `Any` tape too.
 */
export type LocalData = NucleusDataAvailability;

/** What `rses` (e.g. a queue's `ddm_endpoints_input`) hold of the files of `datasets`. */
export function localData(
  catalog: DataCatalog,
  datasets: readonly string[],
  rses: readonly string[],
): LocalData {
  const disk = new Set(rses.filter((r) => !catalog.storage(r).isTape));
  const any = new Set(rses);
  const out: LocalData = {
    totNum: 0,
    totSize: 0,
    avaNumDisk: 0,
    avaSizeDisk: 0,
    avaNumAny: 0,
    avaSizeAny: 0,
  };
  for (const name of datasets) {
    for (const fileName of catalog.dataset(name).files) {
      const bytes = catalog.file(fileName).bytes;
      out.totNum++;
      out.totSize += bytes;
      const at = catalog.replicasOf(fileName);
      if (at.some((r) => disk.has(r))) {
        out.avaNumDisk++;
        out.avaSizeDisk += bytes;
      }
      if (at.some((r) => any.has(r))) {
        out.avaNumAny++;
        out.avaSizeAny += bytes;
      }
    }
  }
  return out;
}
