// The PQ catalog prepared once for many brokerage calls: unified queues expanded into pseudo queues (as JEDI's
// SiteMapper holds them), each queue's unified parent, the ATLAS site of its default output storage
// (`getPandaSiteToOutputStorageSiteMapping`, used for network links) and its RSE objects resolved by name.
// Per-queue data lives in arrays indexed like `specs` so the brokerage loop does no lookups by name, and `rows`
// copies the attributes the production filters read into objects of one shape, the ones read for every scanned
// queue also into typed columns. The catalog is a copy: after changing queue attributes (status, limits, …)
// prepare a new one.
// RSE objects are held by reference: the analysis brokerage reads their space and status at call time, the
// production brokerage when its queue-state view is prepared (queue-state-view.ts). Names the brokerage loop
// would otherwise compare or look up per PQ (RSEs, fair-share policies, software publications, ATLAS sites) are
// numbered here once, so a brokerage call memoises per number instead of per name.

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
  /** status `online`. */
  online: boolean;
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
  /** Index of `fairsharePolicy` in `QueueCatalog.policies`, −1 when empty. */
  policyId: number;
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
  /** Index of `ddmOutput` in `QueueCatalog.rseNames`, −1 when unset. */
  ddmOutputId: number;
  releases: string;
  software: QueueSoftware | null;
  /** PQs with equal `releases` and SW/HW JSON share a class: the software check depends on nothing else. */
  softwareClass: number;
  spec: SiteSpec;
}

/** Bits of `QueueColumns.flags`. */
export const Q_UNIFIED_PARENT = 1;
export const Q_ONLINE = 2;
export const Q_STANDBY = 4;
export const Q_JUMBO = 8;
export const Q_BARE_ONLY = 16;
export const Q_PSEUDO = 32;
export const Q_OPPORTUNISTIC = 64;
export const Q_DIRECT_LAN = 128;
export const Q_NUM_SLOTS = 256;
export const Q_UCORE = 512;
export const Q_UPS = 1024;
export const Q_ONLY_LOCAL_DATA = 2048;

/**
 * The `QueueRow` attributes every scanned queue is checked on, as columns: a scan over ~1,400 queues reads a few
 * compact arrays instead of touching every row object.
 */
export interface QueueColumns {
  flags: Uint16Array;
  coreCount: Float64Array;
  corepower: Float64Array;
  maxrss: Float64Array;
  minrss: Float64Array;
  maxtime: Float64Array;
  mintime: Float64Array;
  /** −1 when unset */
  maxIoIntensity: Float64Array;
  minEventsForJumbo: Float64Array;
  maxDiskio: Float64Array;
  maxwdir: Float64Array;
  maxinputsize: Float64Array;
  transferringlimit: Float64Array;
  pledgedCPU: Float64Array;
  policyId: Int32Array;
  softwareClass: Int32Array;
  /** `jobseed` as a number: JOBSEED_STD, _ES, _ESHIGH or _ALL (other values count as `all`). */
  seed: Uint8Array;
}

export const JOBSEED_STD = 0;
export const JOBSEED_ES = 1;
export const JOBSEED_ESHIGH = 2;
export const JOBSEED_ALL = 3;

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
  /** Indices of the PQs that run production (the WORLD cloud's site list), and their distinct unified PQs. */
  productionIndices: number[];
  productionUnified: number[];
  /** Small integer per distinct `atlasSite`, and the names by id. */
  atlasSiteId: Int32Array;
  atlasSiteNames: string[];
  atlasSiteIdByName: Map<string, number>;
  /** Every RSE name the PQs or the snapshot mention, numbered; the endpoint by number (undefined if unknown). */
  rseNames: string[];
  rseIdByName: Map<string, number>;
  rseEndpoints: (DdmEndpoint | undefined)[];
  /** `inputEndpoints`, `outputEndpoints` and `defaultOutputEndpoint` as RSE numbers (−1: none). */
  inputEndpointIds: (Int32Array | null)[];
  outputEndpointIds: (Int32Array | null)[];
  defaultOutputEndpointId: Int32Array;
  /** Distinct non-empty fair-share policies (`QueueRow.policyId`). */
  policies: string[];
  /** A catalog index per software class (`QueueRow.softwareClass`). */
  softwareClassRep: number[];
  /** unified name → the indices of the queues carrying it. */
  rowsByUnifiedName: Map<string, number[]>;
  columns: QueueColumns;
}

function queueColumns(rows: readonly QueueRow[]): QueueColumns {
  const n = rows.length;
  const c: QueueColumns = {
    flags: new Uint16Array(n),
    coreCount: new Float64Array(n),
    corepower: new Float64Array(n),
    maxrss: new Float64Array(n),
    minrss: new Float64Array(n),
    maxtime: new Float64Array(n),
    mintime: new Float64Array(n),
    maxIoIntensity: new Float64Array(n),
    minEventsForJumbo: new Float64Array(n),
    maxDiskio: new Float64Array(n),
    maxwdir: new Float64Array(n),
    maxinputsize: new Float64Array(n),
    transferringlimit: new Float64Array(n),
    pledgedCPU: new Float64Array(n),
    policyId: new Int32Array(n),
    softwareClass: new Int32Array(n),
    seed: new Uint8Array(n),
  };
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    c.flags[i] =
      (r.isUnifiedParent ? Q_UNIFIED_PARENT : 0) |
      (r.status === 'online' ? Q_ONLINE : 0) |
      (r.status === 'standby' ? Q_STANDBY : 0) |
      (r.useJumboJobs ? Q_JUMBO : 0) |
      (r.bareNucleus === 'only' ? Q_BARE_ONLY : 0) |
      (r.isPseudo ? Q_PSEUDO : 0) |
      (r.pledgedCPU === -1 ? Q_OPPORTUNISTIC : 0) |
      (r.directAccessLan ? Q_DIRECT_LAN : 0) |
      (r.hasNumSlots ? Q_NUM_SLOTS : 0) |
      (r.capability === 'ucore' ? Q_UCORE : 0) |
      (r.ups ? Q_UPS : 0) |
      (r.useOnlyLocalData ? Q_ONLY_LOCAL_DATA : 0);
    c.coreCount[i] = r.coreCount;
    c.corepower[i] = r.corepower;
    c.maxrss[i] = r.maxrss;
    c.minrss[i] = r.minrss;
    c.maxtime[i] = r.maxtime;
    c.mintime[i] = r.mintime;
    c.maxIoIntensity[i] = r.maxIoIntensity;
    c.minEventsForJumbo[i] = r.minEventsForJumbo;
    c.maxDiskio[i] = r.maxDiskio;
    c.maxwdir[i] = r.maxwdir;
    c.maxinputsize[i] = r.maxinputsize;
    c.transferringlimit[i] = r.transferringlimit;
    c.pledgedCPU[i] = r.pledgedCPU;
    c.policyId[i] = r.policyId;
    c.softwareClass[i] = r.softwareClass;
    c.seed[i] =
      r.jobseed === 'std'
        ? JOBSEED_STD
        : r.jobseed === 'es'
          ? JOBSEED_ES
          : r.jobseed === 'eshigh'
            ? JOBSEED_ESHIGH
            : JOBSEED_ALL;
  }
  return c;
}

function endpointNames(
  names: readonly string[] | undefined,
  fallback: string | undefined,
): readonly string[] {
  return names && names.length > 0 ? names : fallback ? [fallback] : [];
}

// The PQ's RSEs that the snapshot knows; null when the PQ lists none.
function resolveEndpoints(names: readonly string[], rses: Record<string, DdmEndpoint>): DdmEndpoint[] | null {
  if (names.length === 0) return null;
  const out: DdmEndpoint[] = [];
  for (const n of names) {
    const e = rses[n];
    if (e) out.push(e);
  }
  return out;
}

/** Numbers names in order of first sight. */
class Numbering {
  readonly names: string[] = [];
  readonly ids = new Map<string, number>();
  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.push(name) - 1;
      this.ids.set(name, id);
    }
    return id;
  }
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
  const atlasSites = new Numbering();
  const rseIds = new Numbering();
  for (const name in snapshot.ddmEndpoints) rseIds.id(name);
  const inputEndpointIds: (Int32Array | null)[] = new Array(n);
  const outputEndpointIds: (Int32Array | null)[] = new Array(n);
  const defaultOutputEndpointId = new Int32Array(n).fill(-1);
  const policies = new Numbering();
  const softwareClasses = new Numbering();
  const softwareClassRep: number[] = [];
  const softwareById = new Map<string[] | undefined, Map<QueueSoftware | undefined, number>>();
  const rowsByUnifiedName = new Map<string, number[]>();
  const rses = snapshot.ddmEndpoints;
  const knownIds = (endpoints: DdmEndpoint[] | null, names: readonly string[]): Int32Array | null =>
    endpoints === null ? null : Int32Array.from(names.filter((x) => rses[x]).map((x) => rseIds.id(x)));
  for (let i = 0; i < n; i++) {
    const q = specs[i];
    const uname = q.unified_name ?? q.sitename;
    unifiedNames[i] = uname;
    unifiedIndex[i] = indexByName.get(uname) ?? i;
    const group = rowsByUnifiedName.get(uname);
    if (group) group.push(i);
    else rowsByUnifiedName.set(uname, [i]);
    isUnifiedParent[i] = q.is_unified ? 1 : 0;
    production[i] = runsProduction(q) ? 1 : 0;
    analysis[i] = runsAnalysis(q) ? 1 : 0;
    const out = q.ddm_output !== undefined ? rses[q.ddm_output] : undefined;
    defaultOutputEndpoint[i] = out;
    if (out) defaultOutputEndpointId[i] = rseIds.id(q.ddm_output as string);
    atlasSite[i] = out?.site ?? q.pandasite;
    atlasSiteId[i] = atlasSites.id(atlasSite[i]);
    if (production[i]) productionIndices.push(i);
    const inNames = endpointNames(q.ddm_endpoints_input, q.ddm_input);
    const outNames = endpointNames(q.ddm_endpoints_output, q.ddm_output);
    inputEndpoints[i] = resolveEndpoints(inNames, rses);
    outputEndpoints[i] = resolveEndpoints(outNames, rses);
    inputEndpointIds[i] = knownIds(inputEndpoints[i], inNames);
    outputEndpointIds[i] = knownIds(outputEndpoints[i], outNames);
    for (const name of q.ddm_endpoints_input ?? []) rseIds.id(name);
    if (q.ddm_input) rseIds.id(q.ddm_input);
    const row = makeRow(q, i, uname, unifiedIndex[i], production[i] === 1);
    row.policyId = row.fairsharePolicy === '' ? -1 : policies.id(row.fairsharePolicy);
    row.ddmOutputId = row.ddmOutput === '' ? -1 : rseIds.id(row.ddmOutput);
    // pseudo queues share their parent's objects, so most look-ups hit the identity memo before any JSON is made
    let byRelease = softwareById.get(q.releases);
    if (byRelease === undefined) softwareById.set(q.releases, (byRelease = new Map()));
    let swClass = byRelease.get(q.software);
    if (swClass === undefined) {
      swClass = softwareClasses.id(JSON.stringify([q.releases ?? null, q.software ?? null]));
      byRelease.set(q.software, swClass);
    }
    if (swClass === softwareClassRep.length) softwareClassRep.push(i);
    row.softwareClass = swClass;
    rows[i] = row;
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
    productionUnified: [...new Set(productionIndices.map((i) => unifiedIndex[i]))],
    atlasSiteId,
    atlasSiteNames: atlasSites.names,
    atlasSiteIdByName: atlasSites.ids,
    rseNames: rseIds.names,
    rseIdByName: rseIds.ids,
    rseEndpoints: rseIds.names.map((name) => rses[name]),
    inputEndpointIds,
    outputEndpointIds,
    defaultOutputEndpointId,
    policies: policies.names,
    softwareClassRep,
    rowsByUnifiedName,
    columns: queueColumns(rows),
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
    online: q.status === 'online',
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
    policyId: -1,
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
    ddmOutputId: -1,
    releases: q.releases?.length === 1 ? q.releases[0] : '',
    software: q.software ?? null,
    softwareClass: 0,
    spec: q,
  };
}

/** `space_usable` of an RSE in GB: free + expired − min free − unavailable (CRIC fields, absent = 0). */
export function spaceUsable(e: DdmEndpoint): number {
  return (e.space_free ?? 0) + (e.space_expired ?? 0) - (e.space_min_free ?? 0) - (e.space_unavailable ?? 0);
}
