// The dynamic PQ state of one snapshot resolved onto a catalog: each unified PQ's `QueueState` by catalog index,
// the all-share sums and the per-PQ numbers the filters and weights read (pilots, workers, last job start, disk IO,
// locks) as arrays, and — on first use — a share's job counts, a share × resource type's counts and a nucleus'
// network links by source ATLAS site. PanDA's brokerage also works from statistics read once per cycle
// (`getJobStatisticsByGlobalShare`, `getNetworkMetrics`, SiteData), while the live counter carries what changed
// within the cycle; prepare a view once per cycle and hand it to every brokerage call of that cycle. The status
// and usable space of the RSEs the PQs list are read into the view too, and summarised per PQ for the storage
// check. A view reflects the state at the time it was built (and, for what is resolved on first use, at that
// use): after changing job counts, pilots, RSE status or space, or network metrics, prepare a new view. The view
// also owns the per-call work arrays of the production brokerage, so calls sharing a view allocate nothing per PQ,
// and what the production brokerage calls of the cycle share (prod-cycle-memo.ts): that memo holds what it derived
// from the snapshot object a call brings (nuclei, replicas, RSE status, network) until a call brings another, so
// change a snapshot by making a new one, not in place.

import type { DdmEndpoint } from '../snapshot/data.ts';
import type { LinkMetrics } from '../snapshot/network.ts';
import type { JobCounts, QueueState, RseActivityStatus } from '../snapshot/queue.ts';
import { CODE_NAMES } from './prod-codes.ts';
import { ProdCycleMemo, newBitSet } from './prod-cycle-memo.ts';
import { spaceUsable, type QueueCatalog } from './queue-catalog.ts';

/** Bits of `QueueStateView.rseFlags`: DATADISK (or untyped) and which activities are up. */
export const RSE_DATADISK = 1;
export const RSE_READ_LAN = 2;
export const RSE_WRITE_LAN = 4;
export const RSE_READ_WAN = 8;
export const RSE_WRITE_WAN = 16;

/**
 * Bits of `QueueStateView.storage` per PQ, over its DATADISK RSEs (`check_endpoints_with_blacklist`): it lists no
 * input / output RSE, whether any input RSE reads over LAN / receives over WAN, and whether it has an output RSE and
 * any that writes over LAN / sends over WAN.
 */
export const PQ_NO_INPUTS = 1;
export const PQ_NO_OUTPUTS = 2;
export const PQ_INPUT_READ_LAN = 4;
export const PQ_INPUT_WRITE_WAN = 8;
export const PQ_OUTPUT_WRITE_LAN = 16;
export const PQ_OUTPUT_READ_WAN = 32;
export const PQ_OUTPUT_DATADISK = 64;

/** Counts of one share per catalog index (unified parents and ordinary PQs; pseudo queues read their parent). */
export interface ShareCountArrays {
  nRunning: Float64Array;
  nActivated: Float64Array;
  nAssigned: Float64Array;
  nStarting: Float64Array;
  nDefined: Float64Array;
}

/** Counts of one share and resource type per catalog index; `has` marks PQs that publish them. */
export interface ResourceTypeCountArrays extends ShareCountArrays {
  has: Uint8Array;
}

export interface QueueStateView {
  catalog: QueueCatalog;
  queueStates: Record<string, QueueState>;
  /** `QueueState` per catalog index of a unified PQ (undefined: no state, i.e. no jobs and no pilots). */
  state: (QueueState | undefined)[];
  /** All-share running, transferring and activated+starting jobs per catalog index. */
  runningAll: Float64Array;
  transferringAll: Float64Array;
  activatedStartingAll: Float64Array;
  /** `getJob + updateJob` over the last 3 h (0 without state). */
  pilots: Float64Array;
  /** `laststart`; NaN when unknown. */
  laststart: Float64Array;
  /** The optional numbers of `QueueState`, 0 when absent. */
  nWorkers: Float64Array;
  diskIoPerCore: Float64Array;
  nCoresRunningStarting: Float64Array;
  nTransferringToUnwritableNuclei: Float64Array;
  locked: Uint8Array;
  /** Per RSE number of the catalog: RSE_* bits, and `space_usable` in GB. */
  rseFlags: Int32Array;
  rseSpaceUsable: Float64Array;
  /** Per catalog index: PQ_* bits of the queue's RSEs. */
  storage: Int32Array;
  /** Share (or work queue) name → counts, filled on first use. */
  shares: Map<string, ShareCountArrays>;
  /** Share → resource type → counts, filled on first use. */
  resourceTypes: Map<string, Map<string, ResourceTypeCountArrays>>;
  /** A nucleus' links (the `network[nucleus]` record) → metrics by source ATLAS-site id, filled on first use. */
  links: Map<Record<string, LinkMetrics>, (LinkMetrics | undefined)[]>;
  /** Work arrays reused by every brokerage call on this view. */
  scratch: BrokerageScratch;
  /** What the production brokerage calls on this view share, filled on first use. */
  memo: ProdCycleMemo;
}

/** Per-call arrays indexed by catalog index (or ATLAS-site id), reset at the start of each call. */
export interface BrokerageScratch {
  siteSize: Float64Array;
  siteFiles: Float64Array;
  live: Float64Array;
  /** Bit sets over catalog indices (prod-world-filters.ts): the PQs still in, and those a temporary check marks. */
  alive: Int32Array;
  markable: Int32Array;
  /** The temporary mark of each PQ that passed the permanent checks, in scan order. */
  temporary: Int32Array;
  /** Exclusions per outcome code of the call (prod-codes.ts). */
  counts: Int32Array;
  /** Per unified PQ: outcome of the link, disk-IO, scratch, storage, transferring and pilot checks. */
  linkVerdicts: Int32Array;
  diskIoVerdicts: Int32Array;
  scratchVerdicts: Int32Array;
  storageVerdicts: Int32Array;
  transferringVerdicts: Int32Array;
  pilotVerdicts: Int32Array;
  /** Primary candidates of the weighing: catalog index, ranking weight, jumbo flag. */
  primaryIndex: Int32Array;
  primaryWeight: Float64Array;
  primaryJumbo: Uint8Array;
}

function up(status: RseActivityStatus | undefined): boolean {
  return status !== 'OFF' && status !== 'TEST';
}

function rseFlags(e: DdmEndpoint | undefined): number {
  if (e === undefined) return 0;
  const st = e.detailed_status;
  let f = 0;
  if (e.type === undefined || e.type === 'DATADISK') f |= RSE_DATADISK;
  if (up(st?.read_lan)) f |= RSE_READ_LAN;
  if (up(st?.write_lan)) f |= RSE_WRITE_LAN;
  if (up(st?.read_wan)) f |= RSE_READ_WAN;
  if (up(st?.write_wan)) f |= RSE_WRITE_WAN;
  return f;
}

function storageBits(inputs: Int32Array | null, outputs: Int32Array | null, flags: Int32Array): number {
  let bits = 0;
  if (inputs === null) bits |= PQ_NO_INPUTS;
  else {
    for (const id of inputs) {
      const f = flags[id];
      if ((f & RSE_DATADISK) === 0) continue;
      if ((f & RSE_READ_LAN) !== 0) bits |= PQ_INPUT_READ_LAN;
      if ((f & RSE_WRITE_WAN) !== 0) bits |= PQ_INPUT_WRITE_WAN;
    }
  }
  if (outputs === null) bits |= PQ_NO_OUTPUTS;
  else {
    for (const id of outputs) {
      const f = flags[id];
      if ((f & RSE_DATADISK) === 0) continue;
      bits |= PQ_OUTPUT_DATADISK;
      if ((f & RSE_WRITE_LAN) !== 0) bits |= PQ_OUTPUT_WRITE_LAN;
      if ((f & RSE_READ_WAN) !== 0) bits |= PQ_OUTPUT_READ_WAN;
    }
  }
  return bits;
}

export function prepareQueueStateView(
  catalog: QueueCatalog,
  queueStates: Record<string, QueueState>,
): QueueStateView {
  const n = catalog.rows.length;
  const rseFlagsById = Int32Array.from(catalog.rseEndpoints, rseFlags);
  const rseSpaceUsable = Float64Array.from(catalog.rseEndpoints, (e) => (e ? spaceUsable(e) : NaN));
  const storage = new Int32Array(n);
  for (let i = 0; i < n; i++)
    storage[i] = storageBits(catalog.inputEndpointIds[i], catalog.outputEndpointIds[i], rseFlagsById);
  const state: (QueueState | undefined)[] = new Array(n).fill(undefined);
  const runningAll = new Float64Array(n);
  const transferringAll = new Float64Array(n);
  const activatedStartingAll = new Float64Array(n);
  const pilots = new Float64Array(n);
  const laststart = new Float64Array(n).fill(NaN);
  const nWorkers = new Float64Array(n);
  const diskIoPerCore = new Float64Array(n);
  const nCoresRunningStarting = new Float64Array(n);
  const nTransferringToUnwritableNuclei = new Float64Array(n);
  const locked = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (catalog.unifiedIndex[i] !== i) continue;
    const st = queueStates[catalog.unifiedNames[i]];
    if (st === undefined) continue;
    state[i] = st;
    pilots[i] = st.getJob + st.updateJob;
    if (st.laststart !== undefined) laststart[i] = st.laststart;
    nWorkers[i] = st.nWorkers ?? 0;
    diskIoPerCore[i] = st.diskIoPerCore ?? 0;
    nCoresRunningStarting[i] = st.nCoresRunningStarting ?? 0;
    nTransferringToUnwritableNuclei[i] = st.nTransferringToUnwritableNuclei ?? 0;
    locked[i] = st.locked ? 1 : 0;
    const all = st.jobsAllShares;
    if (all) {
      runningAll[i] = all.nRunning;
      transferringAll[i] = all.nTransferring;
      activatedStartingAll[i] = all.nActivated + all.nStarting;
      continue;
    }
    let r = 0;
    let t = 0;
    let q = 0;
    for (const c of Object.values(st.jobsByShare)) {
      r += c.nRunning;
      t += c.nTransferring;
      q += c.nActivated + c.nStarting;
    }
    runningAll[i] = r;
    transferringAll[i] = t;
    activatedStartingAll[i] = q;
  }
  const scratch: BrokerageScratch = {
    siteSize: new Float64Array(n),
    siteFiles: new Float64Array(n),
    live: new Float64Array(n),
    alive: newBitSet(n),
    markable: newBitSet(n),
    temporary: new Int32Array(n),
    counts: new Int32Array(CODE_NAMES.length),
    linkVerdicts: new Int32Array(n),
    diskIoVerdicts: new Int32Array(n),
    scratchVerdicts: new Int32Array(n),
    storageVerdicts: new Int32Array(n),
    transferringVerdicts: new Int32Array(n),
    pilotVerdicts: new Int32Array(n),
    primaryIndex: new Int32Array(n),
    primaryWeight: new Float64Array(n),
    primaryJumbo: new Uint8Array(n),
  };
  return {
    catalog,
    queueStates,
    state,
    runningAll,
    transferringAll,
    activatedStartingAll,
    pilots,
    laststart,
    nWorkers,
    diskIoPerCore,
    nCoresRunningStarting,
    nTransferringToUnwritableNuclei,
    locked,
    rseFlags: rseFlagsById,
    rseSpaceUsable,
    storage,
    shares: new Map(),
    resourceTypes: new Map(),
    links: new Map(),
    scratch,
    memo: new ProdCycleMemo(catalog),
  };
}

function emptyCountArrays(n: number): ShareCountArrays {
  return {
    nRunning: new Float64Array(n),
    nActivated: new Float64Array(n),
    nAssigned: new Float64Array(n),
    nStarting: new Float64Array(n),
    nDefined: new Float64Array(n),
  };
}

function setCounts(a: ShareCountArrays, i: number, c: JobCounts): void {
  a.nRunning[i] = c.nRunning;
  a.nActivated[i] = c.nActivated;
  a.nAssigned[i] = c.nAssigned;
  a.nStarting[i] = c.nStarting;
  a.nDefined[i] = c.nDefined;
}

/** The counts of one share per catalog index, computed on first use. */
export function shareCountArrays(view: QueueStateView, share: string): ShareCountArrays {
  let a = view.shares.get(share);
  if (a !== undefined) return a;
  const n = view.state.length;
  a = emptyCountArrays(n);
  for (let i = 0; i < n; i++) {
    const c = view.state[i]?.jobsByShare[share];
    if (c !== undefined) setCounts(a, i, c);
  }
  view.shares.set(share, a);
  return a;
}

/** The counts of one share and resource type per catalog index (`jobsByResourceType`), computed on first use. */
export function resourceTypeCountArrays(
  view: QueueStateView,
  share: string,
  resourceType: string,
): ResourceTypeCountArrays {
  let byType = view.resourceTypes.get(share);
  if (byType === undefined) view.resourceTypes.set(share, (byType = new Map()));
  let a = byType.get(resourceType);
  if (a !== undefined) return a;
  const n = view.state.length;
  a = { ...emptyCountArrays(n), has: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    const c = view.state[i]?.jobsByResourceType?.[share]?.[resourceType];
    if (c === undefined) continue;
    a.has[i] = 1;
    setCounts(a, i, c);
  }
  byType.set(resourceType, a);
  return a;
}

/** A nucleus' link metrics by source ATLAS-site id of the view's catalog, resolved on first use. */
export function linksBySourceSite(
  view: QueueStateView,
  links: Record<string, LinkMetrics>,
): (LinkMetrics | undefined)[] {
  let a = view.links.get(links);
  if (a === undefined) {
    a = view.catalog.atlasSiteNames.map((site) => links[site]);
    view.links.set(links, a);
  }
  return a;
}
