/**
 * An RSE of the catalog as the destination of a Globus transfer: each file reserves its space when its
 * transfer starts (a full RSE refuses it and the task fails), becomes a replica when it arrives, and returns
 * its space if the task gives up on it.
 */
import type { DestinationStorage, TransferFile } from '../globus/transfer-task.ts';
import type { DataCatalog } from './catalog.ts';

export function rseAsDestination(catalog: DataCatalog, rse: string): DestinationStorage {
  catalog.storage(rse);
  return {
    reserve: (file: TransferFile) => {
      const result = catalog.beginWrite(file.name, rse);
      // A file already there (or on its way) should not have been put in a transfer: plans skip them.
      if (result === 'present') throw new Error(`${file.name} is already at ${rse} or being written there`);
      return result === 'ok';
    },
    commit: (file: TransferFile) => catalog.finishWrite(file.name, rse),
    release: (file: TransferFile) => catalog.cancelWrite(file.name, rse),
  };
}
