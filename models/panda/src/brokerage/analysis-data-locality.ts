// Input-data locality of the analysis brokerage: replica flags per dataset (`AtlasBrokerUtils.get_sites_with_data`),
// PQs holding each dataset (`getAnalSitesWithDataDisk`) and the pass-1 "selection for data availability" of
// `AtlasAnalJobBroker.doBrokerage` (pandajedi/jedibrokerage/; brokerage.md §4.2 step 1). PQs are unified names.

import type { DdmEndpoint } from '../snapshot/data.ts';
import type { ChunkDataset } from '../snapshot/task.ts';
import type { AnalysisReplica } from './analysis-types.ts';

const DOWN = new Set(['OFF', 'TEST']);

/** Where complete replicas of a dataset exist at usable RSEs (VP replicas ignored). */
export interface DatasetReplicaFlags {
  /** A disk replica counted as complete (≤ MAX_MISSING files missing or ≥ MIN_COMPLETENESS %). */
  completeDisk: boolean;
  completeTape: boolean;
  /** A disk replica with every file. */
  trulyCompleteDisk: boolean;
  /** Some complete replica is readable over WAN. */
  remoteReadable: boolean;
}

function isTape(r: AnalysisReplica, endpoints: Readonly<Record<string, DdmEndpoint>>): boolean {
  return endpoints[r.rse]?.is_tape ?? r.isTape ?? false;
}

/** `get_sites_with_data` flags: only RSEs readable over LAN or WAN count. */
export function datasetReplicaFlags(
  dataset: Pick<ChunkDataset, 'nFiles'>,
  replicas: readonly AnalysisReplica[],
  endpoints: Readonly<Record<string, DdmEndpoint>>,
  maxMissing: number,
  minCompleteness: number,
): DatasetReplicaFlags {
  const flags: DatasetReplicaFlags = {
    completeDisk: false,
    completeTape: false,
    trulyCompleteDisk: false,
    remoteReadable: false,
  };
  for (const r of replicas) {
    if (r.vp) continue;
    const total = r.total ?? dataset.nFiles;
    const truly = r.found === total;
    const regarded =
      total > 0 &&
      r.found > 0 &&
      (total - r.found <= maxMissing || (r.found / total) * 100 >= minCompleteness);
    if (!truly && !regarded) continue;
    const status = endpoints[r.rse]?.detailed_status ?? {};
    const lan = !DOWN.has(status.read_lan ?? 'ON');
    const wan = !DOWN.has(status.read_wan ?? 'ON');
    if (!lan && !wan) continue;
    if (isTape(r, endpoints)) flags.completeTape = true;
    else {
      flags.completeDisk = true;
      if (truly) flags.trulyCompleteDisk = true;
    }
    if (wan) flags.remoteReadable = true;
  }
  return flags;
}

/** One replica as seen from a PQ (`dataSiteMap[dataset][pq][rse]`). */
export interface ReplicaAtQueue {
  tape: boolean;
  complete: boolean;
  vp: boolean;
}

/** PQ (unified name) → RSE → replica, for the RSEs among the PQ's input endpoints. */
export type DatasetSiteMap = Map<string, Map<string, ReplicaAtQueue>>;

export function datasetSiteMap(
  dataset: Pick<ChunkDataset, 'nFiles'>,
  replicas: readonly AnalysisReplica[],
  queueInputRses: ReadonlyMap<string, readonly string[]>,
  endpoints: Readonly<Record<string, DdmEndpoint>>,
): DatasetSiteMap {
  const byRse = new Map(replicas.map((r) => [r.rse, r]));
  const out: DatasetSiteMap = new Map();
  for (const [pq, rses] of queueInputRses) {
    for (const rse of rses) {
      const r = byRse.get(rse);
      if (!r) continue;
      const entry = {
        tape: isTape(r, endpoints),
        complete: (r.total ?? dataset.nFiles) === r.found,
        vp: r.vp === true,
      };
      if (!out.has(pq)) out.set(pq, new Map());
      out.get(pq)!.set(rse, entry);
    }
  }
  return out;
}

/**
 * `getAnalSitesWithDataDisk`: PQs with a complete replica (disk, or also tape); VP PQs are dropped when a non-VP
 * disk replica exists; PQs with only incomplete replicas are returned when no complete one exists, or appended
 * when `useIncomplete` and no non-VP disk replica exists.
 */
export function sitesWithData(
  map: DatasetSiteMap,
  includeTape: boolean,
  useVp: boolean,
  useIncomplete: boolean,
): string[] {
  const complete: string[] = [];
  const incomplete: string[] = [];
  const nonVpDisk = new Set<string>();
  const usingVp = new Set<string>();
  for (const [pq, rses] of map) {
    for (const r of rses.values()) {
      if (r.vp) {
        usingVp.add(pq);
        if (!useVp) continue;
      }
      if (!includeTape && r.tape) continue;
      if (r.complete) {
        if (!complete.includes(pq)) complete.push(pq);
        if (!r.tape && !r.vp) nonVpDisk.add(pq);
      } else if (!incomplete.includes(pq)) incomplete.push(pq);
    }
  }
  const withoutVp = (list: string[]) => (nonVpDisk.size > 0 ? list.filter((pq) => !usingVp.has(pq)) : list);
  const c = withoutVp(complete);
  const i = withoutVp(incomplete);
  if (c.length > 0) return !useIncomplete || nonVpDisk.size > 0 ? c : [...c, ...i];
  return i;
}

export interface DataSelectionInput {
  /** Per dataset of the chunk: its replica map and whether incomplete replicas may be used. */
  datasets: { map: DatasetSiteMap; useIncomplete: boolean }[];
  /** Unified names of the current candidates. */
  candidates: ReadonlySet<string>;
  useVp: boolean;
  preassignedSite: string | null;
}

export interface DataSelection {
  /** Unified PQs kept, in the order the code builds them. */
  sites: string[];
  /** Σ over datasets: +1 per dataset on disk (or VP), +0.001 per dataset only on tape. */
  dataWeight: Map<string, number>;
  /** No PQ holds every dataset: the union was used (and VP PQs are then avoided). */
  useUnionLocality: boolean;
  /** PQs holding the data on non-VP storage (the overload filter keeps these as a last resort). */
  sitesWithoutVp: Set<string>;
}

/** Pass-1 "selection for data availability". */
export function selectSitesWithData(input: DataSelectionInput): DataSelection {
  const dataWeight = new Map<string, number>();
  let scan: string[] | null = null;
  let onDisk = new Set<string>();
  let union = new Set<string>();
  let onDiskUnion = new Set<string>();
  let woVp: string[] = [];
  let woVpUnion = new Set<string>();
  for (const { map, useIncomplete } of input.datasets) {
    const all = sitesWithData(map, true, true, useIncomplete);
    const disk = sitesWithData(map, false, input.useVp, useIncomplete);
    const nonVp = sitesWithData(map, true, false, useIncomplete);
    for (const pq of all) dataWeight.set(pq, (dataWeight.get(pq) ?? 0) + (disk.includes(pq) ? 1 : 0.001));
    if (scan === null) {
      scan = all.filter((pq, k) => input.candidates.has(pq) && all.indexOf(pq) === k);
      onDisk = new Set(disk.filter((pq) => input.candidates.has(pq)));
      woVp = nonVp;
      union = new Set(scan);
      onDiskUnion = new Set(onDisk);
      woVpUnion = new Set(woVp);
    } else {
      const prev: string[] = scan;
      scan = all.filter((pq, k) => prev.includes(pq) && all.indexOf(pq) === k);
      for (const pq of all) union.add(pq);
      onDisk = new Set(disk.filter((pq) => onDisk.has(pq)));
      for (const pq of disk) onDiskUnion.add(pq);
      woVp = woVp.filter((pq) => nonVp.includes(pq));
      woVpUnion = new Set([...woVpUnion, ...nonVp]);
    }
  }
  let sites = scan ?? [];
  let useUnionLocality = false;
  let sitesWithoutVp = new Set(woVp);
  const pre = input.preassignedSite;
  if (pre !== null) {
    if (!sites.includes(pre) && !union.has(pre)) sites = [];
    else if (!sites.includes(pre)) sites = [...union];
  } else if (onDisk.size > 0) {
    sites = [...onDisk];
  } else if (sites.length === 0 && union.size > 0) {
    sites = onDiskUnion.size > 0 ? [...onDiskUnion] : [...union];
    sitesWithoutVp = woVpUnion;
    useUnionLocality = true;
  }
  return { sites, dataWeight, useUnionLocality, sitesWithoutVp };
}
