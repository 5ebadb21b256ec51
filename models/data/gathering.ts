/**
 * Gathering a task's output dataset at its nucleus: JEDI's WORLD model sends each job's outputs from the
 * satellite where it ran to the nucleus' storage (brokerage.md §1, §3), so the outputs of a task end up in
 * one place. The plan lists, per source endpoint, the files the destination still lacks (one transfer task
 * each, for Globus or FTS to carry out), and the files that have no replica anywhere.
 *
 * Source choice per file, deterministic (never left to hash order): a disk replica before a tape one, then
 * the endpoint holding most of the dataset (fewer, larger transfers), then the endpoint name.
 */
import type { DataCatalog, DataFile } from './catalog.ts';

export interface PlannedTransfer {
  source: string;
  destination: string;
  files: DataFile[];
  bytes: number;
}

export interface GatheringPlan {
  transfers: PlannedTransfer[];
  /** Files with no replica at all. */
  missing: DataFile[];
  /** Files already at the destination. */
  present: number;
  /** Files being written to the destination already (a transfer under way). */
  inProgress: number;
  /** Bytes to move. */
  bytes: number;
}

export function planGathering(catalog: DataCatalog, dataset: string, destination: string): GatheringPlan {
  catalog.storage(destination);
  const held = (rse: string): number => catalog.holdingsAt(dataset, rse).files;
  const better = (a: string, b: string): boolean => {
    const tapeA = catalog.storage(a).isTape;
    const tapeB = catalog.storage(b).isTape;
    if (tapeA !== tapeB) return tapeB;
    if (held(a) !== held(b)) return held(a) > held(b);
    return a < b;
  };
  const bySource = new Map<string, PlannedTransfer>();
  const plan: GatheringPlan = { transfers: [], missing: [], present: 0, inProgress: 0, bytes: 0 };
  for (const name of catalog.dataset(dataset).files) {
    const file = catalog.file(name);
    const at = catalog.replicasOf(name);
    if (at.includes(destination)) {
      plan.present++;
      continue;
    }
    if (catalog.isBeingWritten(name, destination)) {
      plan.inProgress++;
      continue;
    }
    if (at.length === 0) {
      plan.missing.push(file);
      continue;
    }
    let source = at[0];
    for (const rse of at) if (better(rse, source)) source = rse;
    let transfer = bySource.get(source);
    if (transfer === undefined) {
      transfer = { source, destination, files: [], bytes: 0 };
      bySource.set(source, transfer);
    }
    transfer.files.push(file);
    transfer.bytes += file.bytes;
    plan.bytes += file.bytes;
  }
  plan.transfers = [...bySource.values()].sort((a, b) => (a.source < b.source ? -1 : 1));
  return plan;
}
