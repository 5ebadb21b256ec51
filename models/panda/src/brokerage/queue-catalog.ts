// The PQ catalog prepared once for many brokerage calls: unified queues expanded into pseudo queues (as JEDI's
// SiteMapper holds them), each queue's unified parent, the ATLAS site of its default output storage
// (`getPandaSiteToOutputStorageSiteMapping`, used for network links) and its RSE objects resolved by name.
// Per-queue data lives in arrays indexed like `specs` so the brokerage loop does no lookups by name, and `rows`
// copies the attributes the production filters read into objects of one shape (fast property access over
// hundreds of PQs). The catalog is a copy: after changing queue attributes (status, limits, …) prepare a new one.
// RSE objects are held by reference, so their space and status are read at call time.

import type { DdmEndpoint } from '../snapshot/data.ts';
import type { QueueSoftware, SiteSpec } from '../snapshot/queue.ts';
import type { BrokerageSnapshot } from '../snapshot/world.ts';
import { expandUnifiedQueues, runsAnalysis, runsProduction } from './unified-queues.ts';

/** The attributes of one PQ the production brokerage reads, normalised (absent ⇒ PanDA's default). */
export interface QueueRow {
  index: number;
  sitename: string;
  unifiedName: string;
  /** Index of the unified parent (itself for ordinary PQs). */
  unifiedIndex: number;
  isUnifiedParent: boolean;
  /** A pseudo queue of a unified PQ. */
  isPseudo: boolean;
  production: boolean;
  status: string;
  capability: string;
  /** capability `ucore` and workflow `pull_ups`. */
  ups: boolean;
  coreCount: number;
  corepower: number;
  maxrss: number;
  minrss: number;
  maxtime: number;
  mintime: number;
  maxwdir: number;
  maxinputsize: number;
  pledgedCPU: number;
  transferringlimit: number;
  fairsharePolicy: string;
  jobseed: string;
  /** `wnconnectivity` before / after `#`, '' when unset. */
  wnConnectivity: string;
  ipStack: string;
  maxDiskio: number;
  directAccessLan: boolean;
  useJumboJobs: boolean;
  /** -1 when unset */
  minEventsForJumbo: number;
  useOnlyLocalData: boolean;
  /** 0 when unset */
  jobChunkSize: number;
  bareNucleus: string;
  /** -1 when unset */
  maxIoIntensity: number;
  /** Harvester_Slots configured. */
  hasNumSlots: boolean;
  ddmOutput: string;
  releases: string;
  software: QueueSoftware | null;
  spec: SiteSpec;
}

export interface QueueCatalog {
  /** Parents and pseudo children in SiteMapper order. */
  specs: SiteSpec[];
  rows: QueueRow[];
  /** Index in `specs` of the queue's unified parent (itself for ordinary queues and parents). */
  unifiedIndex: Int32Array;
  /** `get_unified_name()` per queue. */
  unifiedNames: string[];
  /** 1 for unified parents (`is_unified`). */
  isUnifiedParent: Uint8Array;
  /** 1 for queues that run production / analysis (`runs_production`, `runs_analysis`). */
  production: Uint8Array;
  analysis: Uint8Array;
  /** ATLAS site of the default output RSE (falls back to `pandasite`). */
  atlasSite: string[];
  /** Default output RSE (`ddm_output`), if known. */
  defaultOutputEndpoint: (DdmEndpoint | undefined)[];
  /** Input / output RSEs (`ddm_endpoints_input/output`, default RSE included), null when the PQ lists none. */
  inputEndpoints: (DdmEndpoint[] | null)[];
  outputEndpoints: (DdmEndpoint[] | null)[];
  /** sitename → index in `specs`. */
  indexByName: Map<string, number>;
  /** Indices of the PQs that run production (the WORLD cloud's site list). */
  productionIndices: number[];
  /** Small integer per distinct `atlasSite`, and the names by id. */
  atlasSiteId: Int32Array;
  atlasSiteNames: string[];
}

function resolveEndpoints(
  names: readonly string[] | undefined,
  fallback: string | undefined,
  rses: Record<string, DdmEndpoint>,
): DdmEndpoint[] | null {
  const all = names && names.length > 0 ? names : fallback ? [fallback] : [];
  if (all.length === 0) return null;
  const out: DdmEndpoint[] = [];
  for (const n of all) {
    const e = rses[n];
    if (e) out.push(e);
  }
  return out;
}

export function prepareQueueCatalog(
  snapshot: Pick<BrokerageSnapshot, 'queues' | 'resourceTypes' | 'ddmEndpoints'>,
): QueueCatalog {
  const specs = expandUnifiedQueues(snapshot.queues, snapshot.resourceTypes);
  const n = specs.length;
  const indexByName = new Map<string, number>();
  specs.forEach((q, i) => indexByName.set(q.sitename, i));
  const unifiedIndex = new Int32Array(n);
  const unifiedNames: string[] = new Array(n);
  const isUnifiedParent = new Uint8Array(n);
  const production = new Uint8Array(n);
  const analysis = new Uint8Array(n);
  const atlasSite: string[] = new Array(n);
  const defaultOutputEndpoint: (DdmEndpoint | undefined)[] = new Array(n);
  const inputEndpoints: (DdmEndpoint[] | null)[] = new Array(n);
  const outputEndpoints: (DdmEndpoint[] | null)[] = new Array(n);
  const rows: QueueRow[] = new Array(n);
  const productionIndices: number[] = [];
  const atlasSiteId = new Int32Array(n);
  const atlasSiteNames: string[] = [];
  const atlasIds = new Map<string, number>();
  const rses = snapshot.ddmEndpoints;
  for (let i = 0; i < n; i++) {
    const q = specs[i];
    const uname = q.unified_name ?? q.sitename;
    unifiedNames[i] = uname;
    unifiedIndex[i] = indexByName.get(uname) ?? i;
    isUnifiedParent[i] = q.is_unified ? 1 : 0;
    production[i] = runsProduction(q) ? 1 : 0;
    analysis[i] = runsAnalysis(q) ? 1 : 0;
    const out = q.ddm_output !== undefined ? rses[q.ddm_output] : undefined;
    defaultOutputEndpoint[i] = out;
    atlasSite[i] = out?.site ?? q.pandasite;
    let id = atlasIds.get(atlasSite[i]);
    if (id === undefined) {
      id = atlasSiteNames.push(atlasSite[i]) - 1;
      atlasIds.set(atlasSite[i], id);
    }
    atlasSiteId[i] = id;
    if (production[i]) productionIndices.push(i);
    inputEndpoints[i] = resolveEndpoints(q.ddm_endpoints_input, q.ddm_input, rses);
    outputEndpoints[i] = resolveEndpoints(q.ddm_endpoints_output, q.ddm_output, rses);
    rows[i] = makeRow(q, i, uname, unifiedIndex[i], production[i] === 1);
  }
  return {
    specs,
    rows,
    unifiedIndex,
    unifiedNames,
    isUnifiedParent,
    production,
    analysis,
    atlasSite,
    defaultOutputEndpoint,
    inputEndpoints,
    outputEndpoints,
    indexByName,
    productionIndices,
    atlasSiteId,
    atlasSiteNames,
  };
}

function makeRow(
  q: SiteSpec,
  index: number,
  unifiedName: string,
  unifiedIndex: number,
  production: boolean,
): QueueRow {
  const wn = q.wnconnectivity?.split('#');
  return {
    index,
    sitename: q.sitename,
    unifiedName,
    unifiedIndex,
    isUnifiedParent: q.is_unified === true,
    isPseudo: q.unified_name !== undefined && q.unified_name !== q.sitename,
    production,
    status: q.status,
    capability: q.capability ?? '',
    ups: q.capability === 'ucore' && q.workflow === 'pull_ups',
    coreCount: q.coreCount,
    corepower: q.corepower,
    maxrss: q.maxrss,
    minrss: q.minrss,
    maxtime: q.maxtime,
    mintime: q.mintime,
    maxwdir: q.maxwdir,
    maxinputsize: q.maxinputsize,
    pledgedCPU: q.pledgedCPU,
    transferringlimit: q.transferringlimit,
    fairsharePolicy: q.fairsharePolicy ?? '',
    jobseed: q.jobseed ?? 'std',
    wnConnectivity: wn?.[0] ?? '',
    ipStack: wn && wn.length === 2 ? wn[1] : '',
    maxDiskio: q.maxDiskio ?? 0,
    directAccessLan: q.direct_access_lan === true,
    useJumboJobs: q.useJumboJobs === true,
    minEventsForJumbo: q.minEventsForJumbo ?? -1,
    useOnlyLocalData: q.use_only_local_data === true,
    jobChunkSize: q.jobChunkSize ?? 0,
    bareNucleus: q.bareNucleus ?? '',
    maxIoIntensity: q.max_io_intensity ?? -1,
    hasNumSlots: q.num_slots_map !== undefined,
    ddmOutput: q.ddm_output ?? '',
    releases: q.releases?.length === 1 ? q.releases[0] : '',
    software: q.software ?? null,
    spec: q,
  };
}

/** `space_usable` of an RSE in GB: free + expired − min free − unavailable (CRIC fields, absent = 0). */
export function spaceUsable(e: DdmEndpoint): number {
  return (e.space_free ?? 0) + (e.space_expired ?? 0) - (e.space_min_free ?? 0) - (e.space_unavailable ?? 0);
}
