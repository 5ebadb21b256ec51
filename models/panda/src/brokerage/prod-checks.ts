// The single-PQ checks of `AtlasProdJobBroker.doBrokerage` (pandajedi/jedibrokerage/AtlasProdJobBroker.py),
// brokerage.md §2.2 steps 2–22, each returning an outcome of prod-codes.ts. Both filter drivers call them: the
// per-queue loop of prod-filters.ts (which also explains) and the set-at-a-time one of prod-world-filters.ts.
// Checks named `…Check(ctx, ui)` take the catalog index of a unified PQ (or ordinary PQ) and hold for all its
// queues; the others take the values they read, so what a result depends on is visible in the signature.

import type { DdmEndpoint } from '../snapshot/data.ts';
import type { LinkMetrics } from '../snapshot/network.ts';
import { ramNeedAtSite, walltimeLimit, type ProdJobRequirements } from './job-requirements.ts';
import { PASS, TEMPORARY, X } from './prod-codes.ts';
import type { ProdContext } from './prod-context.ts';
import {
  JOBSEED_ES,
  JOBSEED_ESHIGH,
  JOBSEED_STD,
  Q_BARE_ONLY,
  Q_DIRECT_LAN,
  Q_JUMBO,
  Q_NUM_SLOTS,
  Q_ONLINE,
  Q_STANDBY,
  Q_UNIFIED_PARENT,
  type QueueColumns,
  type QueueRow,
} from './queue-catalog.ts';
import {
  PQ_INPUT_READ_LAN,
  PQ_INPUT_WRITE_WAN,
  PQ_NO_INPUTS,
  PQ_NO_OUTPUTS,
  PQ_OUTPUT_DATADISK,
  PQ_OUTPUT_READ_WAN,
  PQ_OUTPUT_WRITE_LAN,
  RSE_DATADISK,
  RSE_WRITE_WAN,
} from './queue-state-view.ts';
import { getNumStandby } from './queue-state.ts';
import { checkSoftware, type SoftwareRequirement } from './software-check.ts';

const HOUR = 3600;

// §2.2 step 2: unified parents are brokered through their pseudo queues; `standby` passes in the code variant.
export function statusOutcome(flags: number, standbyOk: boolean): number {
  if ((flags & Q_UNIFIED_PARENT) !== 0) return X.status;
  return (flags & (Q_ONLINE | (standbyOk ? Q_STANDBY : 0))) === 0 ? X.status : PASS;
}

// §2.2 step 3; it depends only on the ATLAS site of the PQ's output storage.
export function siteLinkCheck(ctx: ProdContext, atlasId: number): number {
  if (atlasId === ctx.nucleusAtlasId) return PASS;
  if (ctx.nucleusUnwritable) return X.dest_blacklisted | TEMPORARY;
  if (ctx.totalQueuedToNucleus >= ctx.o.NQUEUED_NUC_CAP_FOR_JOBS) return X.links_full | TEMPORARY;
  const link = (ctx.linksBySite as (LinkMetrics | undefined)[])[atlasId];
  if (link === undefined) return PASS;
  if (link.closeness === -1) return X.link_unusable;
  const queued = (ctx.isExpress ? link.expressQueued : link.productionOutputQueued) ?? 0;
  return queued >= ctx.o.NQUEUED_SAT_CAP ? X.link_unusable | TEMPORARY : PASS;
}

// §2.2 step 5.
export function inactiveCheck(ctx: ProdContext, ui: number): number {
  const last = ctx.view.laststart[ui];
  if (Number.isNaN(last) || last >= ctx.snapshot.now - ctx.o.inactiveTimeLimitHours * HOUR) return PASS;
  return ctx.view.activatedStartingAll[ui] > 0 ? X.inactive | TEMPORARY : PASS;
}

// §2.2 step 7 (outside site pre-assignment): jumbo PQs take only jumbo tasks, and those only with enough events.
export function jumboOutcome(
  flags: number,
  jumboTask: boolean,
  nReadyEvents: number | undefined,
  minEvents: number,
): number {
  if ((flags & Q_JUMBO) === 0) return PASS;
  if (!jumboTask) return X.jumbo;
  return nReadyEvents !== undefined && minEvents >= 0 && nReadyEvents < minEvents ? X.fewevents : PASS;
}

// §2.2 step 8.
export function diskIoCheck(ctx: ProdContext, ui: number): number {
  const { task, cat } = ctx;
  const usage = ctx.view.diskIoPerCore[ui];
  const maxDiskio = cat.columns.maxDiskio[ui];
  const cc = cat.columns.coreCount[ui];
  const limit = maxDiskio > 0 ? maxDiskio : ctx.o.MAX_DISKIO_DEFAULT;
  let taskIo = task.diskIO ?? 0;
  if (task.diskIO != null && task.coreCount !== null && task.coreCount > 1 && cc) {
    taskIo = Math.floor(task.diskIO / cc);
  }
  return taskIo && usage && limit && usage > limit && taskIo > limit ? X.diskIO | TEMPORARY : PASS;
}

// §2.2 step 9 (outside site pre-assignment), on the queue's own core count.
export function coreOutcome(useMP: ProdContext['useMP'], maxCore: number, cc: number): number {
  if (!(useMP === 'any' || (useMP === 'only' ? cc > 1 : cc === 0 || cc === 1))) return X.cpucore;
  return maxCore && cc > maxCore ? X.max_cpucore : PASS;
}

/** Outcome of the software check for one software class, with what a passing class adds to its PQs. */
export interface SoftwareOutcome {
  outcome: number;
  /** Architecture preference weight, 0 for none. */
  preference: number;
  platform: string | null;
}

// §2.2 step 10, on the representative unified PQ of a software class (PQs publishing the same releases and SW/HW
// JSON share the verdict).
export function softwareOutcome(ctx: ProdContext, cls: number): SoftwareOutcome {
  const r = checkSoftware(ctx.cat.specs[ctx.cat.softwareClassRep[cls]], ctx.sw as SoftwareRequirement);
  if (r.ok) return { outcome: PASS, preference: r.preferenceWeight ?? 0, platform: r.resolvedPlatform };
  return { outcome: r.code === 'cache' ? X.cache : X.regexpcmtconfig, preference: 0, platform: null };
}

// §2.2 step 11, given the memory a job needs at a PQ of this core count (`ramNeedAtSite`).
export function memoryOutcome(need: number, maxrss: number, minrss: number): number {
  if (maxrss && need !== 0 && need > maxrss) return X.lowmemory;
  if (minrss && need !== 0 && need < minrss) return X.highmemory;
  return PASS;
}

/** `ramNeedAtSite` per distinct core count, remembered for the last one asked. */
export class RamNeed {
  private cores = NaN;
  private need = 0;
  constructor(
    private readonly req: ProdContext['req'],
    private readonly isMerging: boolean,
  ) {}
  at(cores: number): number {
    if (cores !== this.cores) {
      this.cores = cores;
      this.need = ramNeedAtSite(this.req, cores, this.isMerging);
    }
    return this.need;
  }
}

/** The scratch-disk check's task side (§2.2 step 12). */
export interface ScratchNeed {
  directOnly: boolean;
  isMerging: boolean;
  /** `not useLocalIO and allowInputLAN is not None`: direct IO wherever the PQ reads over LAN. */
  directWhereLan: boolean;
  diskDirectMB: number;
  diskCopyMB: number;
  taskSingleCore: boolean;
}

export function scratchNeed(ctx: ProdContext, taskSingleCore: boolean): ScratchNeed {
  const task = ctx.task;
  return {
    directOnly: task.allowInputLAN === 'only',
    isMerging: ctx.isMerging,
    directWhereLan: !task.useLocalIO && task.allowInputLAN != null,
    diskDirectMB: ctx.req.diskDirectMB,
    diskCopyMB: ctx.req.diskCopyMB,
    taskSingleCore,
  };
}

/** The PQ's scratch limit in MB for the task, scaled by cores (0 when the PQ sets none). */
export function scaledMaxwdir(col: QueueColumns, ui: number, taskSingleCore: boolean): number {
  const maxwdir = col.maxwdir[ui];
  if (maxwdir === 0) return 0;
  const cc = col.coreCount[ui];
  const siteCc = cc > 1 ? cc : 1;
  return (maxwdir * (taskSingleCore ? 1 : siteCc)) / siteCc;
}

// §2.2 step 12.
export function scratchOutcome(col: QueueColumns, ui: number, n: ScratchNeed): number {
  const directLan = (col.flags[ui] & Q_DIRECT_LAN) !== 0;
  const maxinputsize = col.maxinputsize[ui];
  if (n.directOnly && !directLan && maxinputsize !== -1 && !n.isMerging) return X.remoteio;
  if (col.maxwdir[ui] === 0) return PASS;
  const directIo = !n.isMerging && (maxinputsize === -1 || (n.directWhereLan && directLan));
  const need = directIo ? n.diskDirectMB : n.diskCopyMB;
  return need > scaledMaxwdir(col, ui, n.taskSingleCore) ? X.disk : PASS;
}

// §2.2 step 13: space at the default output RSE, then AtlasBrokerUtils.check_endpoints_with_blacklist on DATADISK
// endpoints. PQs that list no endpoints pass: the snapshot does not model their storage. Away from the nucleus the
// verdict follows from the view's per-PQ summary; nucleus PQs look at their input RSEs one by one.
export function storageCheck(ctx: ProdContext, ui: number): number {
  const { cat, view } = ctx;
  const out = cat.defaultOutputEndpointId[ui];
  if (out >= 0 && view.rseSpaceUsable[out] < ctx.o.STORAGE_MIN_FREE_SIZE) return X.se_space | TEMPORARY;
  const bits = view.storage[ui];
  const noInputs = (bits & PQ_NO_INPUTS) !== 0;
  const noOutputs = (bits & PQ_NO_OUTPUTS) !== 0;
  if (ctx.inNucleus[ui] !== 1) {
    if (!noInputs && (bits & PQ_INPUT_READ_LAN) === 0) return X.read_lan_blacklist | TEMPORARY;
    if (!noOutputs && (bits & PQ_OUTPUT_WRITE_LAN) === 0) return X.write_lan_blacklist | TEMPORARY;
    if (!noInputs && (bits & PQ_INPUT_WRITE_WAN) === 0) return X.write_wan_blacklist | TEMPORARY;
    if (!noOutputs && (bits & PQ_OUTPUT_READ_WAN) === 0) return X.read_wan_blacklist | TEMPORARY;
    return ctx.remoteSourceAvailable ? PASS : X.source_blacklist | TEMPORARY;
  }
  const completeLocations = ctx.completeReplicaLocations;
  const checkComplete = completeLocations !== null && completeLocations.size > 0;
  let receiveWan = noInputs;
  let remoteOk = ctx.remoteSourceAvailable;
  for (const id of cat.inputEndpointIds[ui] ?? []) {
    const f = view.rseFlags[id];
    if ((f & RSE_DATADISK) === 0) continue;
    const e = cat.rseEndpoints[id] as DdmEndpoint;
    if (checkComplete && !completeLocations.has(e.ddm_endpoint_name)) {
      if ((f & RSE_WRITE_WAN) !== 0) receiveWan = true;
    } else {
      receiveWan = true;
      remoteOk = true;
    }
  }
  // a nucleus PQ with a DATADISK output RSE may send over WAN and counts as a remote source
  if (!noOutputs && (bits & PQ_OUTPUT_DATADISK) !== 0) remoteOk = true;
  if (!noInputs && (bits & PQ_INPUT_READ_LAN) === 0) return X.read_lan_blacklist | TEMPORARY;
  if (!noOutputs && (bits & PQ_OUTPUT_WRITE_LAN) === 0) return X.write_lan_blacklist | TEMPORARY;
  if (!receiveWan) return X.write_wan_blacklist | TEMPORARY;
  if (!noOutputs && (bits & PQ_OUTPUT_DATADISK) === 0) return X.read_wan_blacklist | TEMPORARY;
  if (!remoteOk) return X.source_blacklist | TEMPORARY;
  return PASS;
}

/** The walltime check's task side (§2.2 step 14). */
export type WalltimeNeed = Pick<
  ProdJobRequirements,
  | 'minWalltime'
  | 'minWalltimeDyn'
  | 'maxWalltimeDyn'
  | 'hs06'
  | 'baseWalltime'
  | 'cpuEfficiency'
  | 'needsLongQueue'
>;

// §2.2 step 14, on the pseudo queue's own core count.
export function walltimeOutcome(r: WalltimeNeed, useScout: boolean, col: QueueColumns, i: number): number {
  const maxtime = col.maxtime[i];
  const mintime = col.mintime[i];
  if (maxtime === 0 && mintime === 0 && !r.needsLongQueue) return PASS;
  const cc = col.coreCount[i];
  const corepower = col.corepower[i];
  const siteMax = walltimeLimit(maxtime, cc, corepower, r.hs06, r.baseWalltime, r.cpuEfficiency);
  const dynamicAtSite = r.minWalltimeDyn !== null && r.minWalltimeDyn !== 0 && mintime > 0;
  if (maxtime !== 0) {
    const need = dynamicAtSite ? r.minWalltimeDyn : r.minWalltime;
    if (need && need > siteMax) return X.shortwalltime;
  }
  if (r.needsLongQueue && siteMax !== 0 && siteMax < 24 * 3600 * 10 * (cc || 1)) {
    return useScout ? X.scout_walltime : X.min_walltime;
  }
  if (mintime !== 0) {
    const siteMin = walltimeLimit(mintime, cc, corepower, r.hs06, r.baseWalltime, r.cpuEfficiency);
    const tooShort = dynamicAtSite
      ? r.minWalltimeDyn! < siteMin && (r.maxWalltimeDyn === null || r.maxWalltimeDyn < siteMin)
      : r.minWalltime === null || r.minWalltime < siteMin;
    if (tooShort) return X.longwalltime;
  }
  return PASS;
}

// §2.2 step 15: `SiteSpec.get_wn_connectivity` / `get_ipstack`.
export function networkOutcome(q: QueueRow, ipConn: string | null, ipStack: string | null): number {
  if (ipConn !== null && !(q.wnConnectivity === 'full' || (q.wnConnectivity === 'http' && ipConn === 'http')))
    return X.network;
  if (ipStack !== null && ipStack !== q.ipStack) return X.network;
  return PASS;
}

// §2.2 step 16 (outside site pre-assignment); `singleCorePseudo`: a single-core pseudo queue of a unified PQ.
export function eventServiceOutcome(
  es: boolean,
  esHigh: boolean,
  seed: number,
  singleCorePseudo: boolean,
): number {
  if (es) {
    if (seed === JOBSEED_STD) return X.es;
    if (seed === JOBSEED_ESHIGH && !esHigh) return X.eshigh;
    if (singleCorePseudo) return X.es_ucore;
  } else if (seed === JOBSEED_ES) {
    return X.nones;
  }
  return PASS;
}

// §2.2 step 17; nucleus PQs and PQs whose output storage is at the nucleus are exempt.
export function transferringCheck(ctx: ProdContext, ui: number): number {
  const view = ctx.view;
  const limit = ctx.cat.columns.transferringlimit[ui];
  const maxT = limit === 0 ? ctx.o.defaultMaxTransferring : limit;
  const nT = view.transferringAll[ui] - view.nTransferringToUnwritableNuclei[ui];
  if (!(Math.max(maxT, 2 * view.runningAll[ui]) < nT)) return PASS;
  if (isNucleusQueueMemo(ctx, ui) || ctx.cat.atlasSiteId[ui] === ctx.nucleusAtlasId) return PASS;
  return X.transferring | TEMPORARY;
}

// §2.2 step 18 (outside site pre-assignment, under work shortage).
export function pledgeCheck(ctx: ProdContext, ui: number): number {
  const pledged = ctx.cat.columns.pledgedCPU[ui];
  if (pledged === -1) return X.non_pledged;
  if (pledged > 0 && ctx.view.nCoresRunningStarting[ui] > pledged) return X.over_pledged;
  return PASS;
}

// §2.2 step 20.
export function ioIntensityOutcome(ioLimit: number, maxIoIntensity: number): number {
  return ioLimit && maxIoIntensity >= 0 && ioLimit > maxIoIntensity ? X.max_io_intensity : PASS;
}

// §2.2 step 21, for tasks with a nucleus: full-chain tasks stay in the nucleus, bare-nucleus-only PQs take only them.
export function chainOutcome(fullChain: boolean, inNucleus: boolean, flags: number): number {
  if (fullChain) return inNucleus ? PASS : X.full_chain;
  return (flags & Q_BARE_ONLY) !== 0 ? X.not_full_chain : PASS;
}

// §2.2 step 22; `exempt`: test-label tasks that are not express.
export function pilotCheck(ctx: ProdContext, ui: number, exempt: boolean): number {
  const flags = ctx.cat.columns.flags[ui];
  if (ctx.view.pilots[ui] > 0 || exempt || (ctx.task.nJumboJobs !== undefined && (flags & Q_JUMBO) !== 0))
    return PASS;
  if (
    (flags & Q_NUM_SLOTS) !== 0 &&
    getNumStandby(ctx.cat.specs[ui], ctx.wqTag, ctx.task.resource_type) !== null
  )
    return PASS;
  return X.nopilot | TEMPORARY;
}

/** Whether the unified PQ counts as a nucleus PQ: in the nucleus, or writing to its first PQ's input storage. */
export function isNucleusQueue(ctx: ProdContext, u: QueueRow): boolean {
  if (ctx.inNucleus[u.index] === 1) return true;
  return (
    ctx.nucleusShareInputs !== null &&
    u.ddmOutputId >= 0 &&
    ctx.nucleusShareInput[u.ddmOutputId] === 1 &&
    u.online &&
    u.production &&
    u.sitename !== ctx.nucleusFirstSite
  );
}

/** `isNucleusQueue` of the unified PQ `ui`, remembered in the context's nucleus flags. */
export function isNucleusQueueMemo(ctx: ProdContext, ui: number): boolean {
  const flags = ctx.nucleusFlag;
  if (flags[ui] < 0) flags[ui] = isNucleusQueue(ctx, ctx.cat.rows[ui]) ? 1 : 0;
  return flags[ui] === 1;
}
