// Input data held by each candidate nucleus — `AtlasBrokerUtils.getNucleiWithData`
// (pandajedi/jedibrokerage/AtlasBrokerUtils.py) summed over the task's datasets as `runImpl` does
// (pandajedi/jedibrokerage/AtlasProdTaskBroker.py, "check data"; brokerage.md §3 step 2).

import type { DatasetReplica, DdmEndpoint } from '../snapshot/data.ts';
import type { NucleusSpec } from '../snapshot/nucleus.ts';
import type { SiteSpec } from '../snapshot/queue.ts';
import type { TaskInputDataset, TaskToBroker } from './task-brokerage-types.ts';

/** Bytes and files of the task input, and how much of it a nucleus holds on disk / on disk or tape. */
export interface NucleusDataAvailability {
  totSize: number;
  totNum: number;
  avaSizeDisk: number;
  avaSizeAny: number;
  avaNumDisk: number;
  avaNumAny: number;
}

export interface TaskDataAvailability {
  /** Per candidate nucleus; empty when no dataset counts for locality (the weight then ignores data). */
  byNucleus: Map<string, NucleusDataAvailability>;
  /** First dataset with no complete replica readable over WAN anywhere: the task cannot be brokered. */
  unreadableDataset: string | null;
}

export interface NucleusDataContext {
  queuesByName: ReadonlyMap<string, SiteSpec>;
  ddmEndpoints: Readonly<Record<string, DdmEndpoint>>;
  replicas: Readonly<Record<string, readonly DatasetReplica[]>>;
}

/** `DataServiceUtils.getDatasetType`: fifth dot-separated field, none for user/group datasets. */
function datasetType(name: string): string | undefined {
  if (name.startsWith('user') || name.startsWith('group')) return undefined;
  return name.split('.')[4];
}

/** The datasets `runImpl` checks: not pseudo, not DB releases (`ddo…`), not `log`, only the master if asked. */
export function datasetsForLocality(task: TaskToBroker): TaskInputDataset[] {
  return task.inputDatasets.filter(
    (d) =>
      !d.isPseudo &&
      !d.datasetName.startsWith('ddo') &&
      datasetType(d.datasetName) !== 'log' &&
      !(task.taskBrokerOnMaster === true && !d.isMaster),
  );
}

/** `SiteMapper.is_readable_remotely`: the RSE's `read_wan` is not OFF/TEST. */
function readableRemotely(rse: string, endpoints: Readonly<Record<string, DdmEndpoint>>): boolean {
  const s = endpoints[rse]?.detailed_status?.read_wan;
  return s !== 'OFF' && s !== 'TEST';
}

/** `NucleusSpec.all_ddm_endpoints_in`: every input RSE of the nucleus' PQs. */
function nucleusInputEndpoints(
  nucleus: NucleusSpec,
  queuesByName: ReadonlyMap<string, SiteSpec>,
): Set<string> {
  const out = new Set<string>();
  for (const name of nucleus.allPandaSites) {
    const q = queuesByName.get(name);
    if (!q) continue;
    for (const rse of q.ddm_endpoints_input ?? []) out.add(rse);
    if (q.ddm_input !== undefined) out.add(q.ddm_input);
  }
  return out;
}

function emptyAvailability(): NucleusDataAvailability {
  return { totSize: 0, totNum: 0, avaSizeDisk: 0, avaSizeAny: 0, avaNumDisk: 0, avaNumAny: 0 };
}

/**
 * Availability of one dataset at one nucleus. The totals come from the first replica's statistics, so a dataset
 * without any replica contributes 0 to `totSize`/`totNum`. A complete disk replica ends the scan.
 */
function datasetAtNucleus(
  dataset: TaskInputDataset,
  replicas: readonly DatasetReplica[],
  inputRses: ReadonlySet<string>,
  endpoints: Readonly<Record<string, DdmEndpoint>>,
): NucleusDataAvailability {
  const a = emptyAvailability();
  for (const r of replicas) {
    const total = r.total ?? dataset.nFiles;
    if (a.totNum === 0) {
      a.totNum = total;
      a.totSize = dataset.totalBytes;
    }
    if (!inputRses.has(r.rse)) continue;
    const bytes = r.bytes ?? 0;
    const tape = endpoints[r.rse]?.is_tape ?? r.isTape ?? false;
    if (!tape) {
      if (a.totNum === r.found && a.totNum > 0) {
        a.avaNumDisk = a.avaNumAny = r.found;
        a.avaSizeDisk = a.avaSizeAny = bytes;
        break;
      }
      if (r.found > a.avaNumDisk) {
        a.avaNumDisk = r.found;
        a.avaSizeDisk = bytes;
      }
    }
    if (a.avaNumAny < r.found) {
      a.avaNumAny = r.found;
      a.avaSizeAny = bytes;
    }
  }
  return a;
}

/** Data availability of the task input at each candidate nucleus (`runImpl` "check data"). */
export function nucleiWithData(
  task: TaskToBroker,
  candidates: readonly NucleusSpec[],
  ctx: NucleusDataContext,
): TaskDataAvailability {
  const byNucleus = new Map<string, NucleusDataAvailability>();
  const inputRses = new Map(candidates.map((n) => [n.name, nucleusInputEndpoints(n, ctx.queuesByName)]));
  for (const dataset of datasetsForLocality(task)) {
    const replicas = ctx.replicas[dataset.datasetName] ?? [];
    const readable = replicas.some((r) => {
      const total = r.total ?? dataset.nFiles;
      return total > 0 && total === r.found && readableRemotely(r.rse, ctx.ddmEndpoints);
    });
    if (!readable) return { byNucleus, unreadableDataset: dataset.datasetName };
    for (const n of candidates) {
      const d = datasetAtNucleus(dataset, replicas, inputRses.get(n.name) ?? new Set(), ctx.ddmEndpoints);
      const sum = byNucleus.get(n.name) ?? emptyAvailability();
      sum.totSize += d.totSize;
      sum.totNum += d.totNum;
      sum.avaSizeDisk += d.avaSizeDisk;
      sum.avaSizeAny += d.avaSizeAny;
      sum.avaNumDisk += d.avaNumDisk;
      sum.avaNumAny += d.avaNumAny;
      byNucleus.set(n.name, sum);
    }
  }
  return { byNucleus, unreadableDataset: null };
}
