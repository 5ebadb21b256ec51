// The ordered PQ filters of `AtlasProdJobBroker.doBrokerage` (pandajedi/jedibrokerage/AtlasProdJobBroker.py),
// brokerage.md §2.2 steps 2–25. PanDA runs each filter over the whole list; here each PQ runs through the
// filters in the same order and stops at the first permanent failure, which yields the same survivors and the
// same reason. Temporary problems (`siteSkippedTmp`) only mark a PQ, the last mark wins, and marked PQs are removed
// at step 25 (or at the hint-mode exit, step 23). Checks PanDA makes on the unified PQ are made once per unified
// PQ, on the parent's attributes, and hold for all its pseudo queues. Checks return an integer outcome
// (prod-codes.ts); reasons are put into words only when the caller wants explanations.

import type { DdmEndpoint } from '../snapshot/data.ts';
import type { LinkMetrics } from '../snapshot/network.ts';
import { ramNeedAtSite, usesEventService, walltimeLimit } from './job-requirements.ts';
import { CODE_NAMES, isTemporary, PASS, stepOf, TEMPORARY, X } from './prod-codes.ts';
import type { ProdContext } from './prod-context.ts';
import type { ProdExclusion } from './prod-decision.ts';
import { filterMessage } from './prod-explain.ts';
import {
  JOBSEED_ES,
  JOBSEED_ESHIGH,
  JOBSEED_STD,
  Q_BARE_ONLY,
  Q_DIRECT_LAN,
  Q_JUMBO,
  Q_NUM_SLOTS,
  Q_ONLINE,
  Q_OPPORTUNISTIC,
  Q_PSEUDO,
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
import { hasZeroShare } from './zero-share.ts';

const HOUR = 3600;
const MB = 1024 * 1024;
const UNSET = -2;

export interface FilterResult {
  /** PQs left after step 25 (or step 23 in hint mode), catalog indices in scan order. */
  survivors: number[];
  /** Filled only when explaining. */
  excluded: ProdExclusion[];
  /** Excluded PQs per code index (prod-codes.ts). */
  counts: Int32Array;
  /** The step that emptied the list, if any. */
  emptiedAt: number | null;
  /** Per catalog index of the unified PQ: scaled maxwdir in MB (0 = none), SW preference weight (0 = none). */
  maxwdir: Float64Array;
  preference: Float64Array;
  platform: Map<number, string>;
  /** Per unified PQ: whether it is a nucleus PQ (1/0, −1 not yet known). */
  nucleusFlag: Int8Array;
}

// §2.2 step 13: space at the default output RSE, then AtlasBrokerUtils.check_endpoints_with_blacklist on DATADISK
// endpoints. PQs that list no endpoints pass: the snapshot does not model their storage. Away from the nucleus the
// verdict follows from the view's per-PQ summary; nucleus PQs look at their input RSEs one by one.
function storageCheck(ctx: ProdContext, ui: number): number {
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

function nucleusQueueFlag(ctx: ProdContext, u: QueueRow): boolean {
  const flags = ctx.view.scratch.nucleusFlag;
  if (flags[u.index] < 0) flags[u.index] = isNucleusQueue(ctx, u) ? 1 : 0;
  return flags[u.index] === 1;
}

// §2.2 step 3; it depends only on the ATLAS site of the PQ's output storage.
function siteLinkCheck(ctx: ProdContext, atlasId: number): number {
  if (atlasId === ctx.nucleusAtlasId) return PASS;
  if (ctx.nucleusUnwritable) return X.dest_blacklisted | TEMPORARY;
  if (ctx.totalQueuedToNucleus >= ctx.o.NQUEUED_NUC_CAP_FOR_JOBS) return X.links_full | TEMPORARY;
  const link = (ctx.linksBySite as (LinkMetrics | undefined)[])[atlasId];
  if (link === undefined) return PASS;
  if (link.closeness === -1) return X.link_unusable;
  const queued = (ctx.isExpress ? link.expressQueued : link.productionOutputQueued) ?? 0;
  return queued >= ctx.o.NQUEUED_SAT_CAP ? X.link_unusable | TEMPORARY : PASS;
}

// The checks below take the catalog index `ui` of a unified PQ (or ordinary PQ) and hold for all its queues.

function linkCheck(ctx: ProdContext, ui: number): number {
  const id = ctx.cat.atlasSiteId[ui];
  const verdicts = ctx.view.scratch.linkVerdict;
  let v = verdicts[id];
  if (v === UNSET) v = verdicts[id] = siteLinkCheck(ctx, id);
  return v;
}

// §2.2 step 5.
function inactiveCheck(ctx: ProdContext, ui: number, inactiveBefore: number): number {
  const last = ctx.view.laststart[ui];
  if (Number.isNaN(last) || last >= inactiveBefore) return PASS;
  return ctx.view.activatedStartingAll[ui] > 0 ? X.inactive | TEMPORARY : PASS;
}

// §2.2 step 8.
function diskIoCheck(ctx: ProdContext, ui: number): number {
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

// §2.2 step 10, decided once per software class (PQs publishing the same releases and SW/HW JSON).
function softwareCheck(ctx: ProdContext, ui: number, platform: Map<number, string>): number {
  const s = ctx.view.scratch;
  const cls = ctx.cat.columns.softwareClass[ui];
  let v = s.softwareVerdict[cls];
  if (v === UNSET) {
    const r = checkSoftware(ctx.cat.specs[ctx.cat.softwareClassRep[cls]], ctx.sw as SoftwareRequirement);
    if (r.ok) {
      v = PASS;
      s.softwarePreference[cls] = r.preferenceWeight ?? 0;
      s.softwarePlatform[cls] = r.resolvedPlatform;
    } else v = r.code === 'cache' ? X.cache : X.regexpcmtconfig;
    s.softwareVerdict[cls] = v;
  }
  if (v === PASS) {
    const pref = s.softwarePreference[cls];
    if (pref !== 0) s.preference[ui] = pref;
    const resolved = s.softwarePlatform[cls];
    if (resolved !== null) platform.set(ui, resolved);
  }
  return v;
}

// §2.2 step 12.
function scratchCheck(ctx: ProdContext, ui: number, taskSingleCore: boolean): number {
  const task = ctx.task;
  const col = ctx.cat.columns;
  const directLan = (col.flags[ui] & Q_DIRECT_LAN) !== 0;
  const maxinputsize = col.maxinputsize[ui];
  if (task.allowInputLAN === 'only' && !directLan && maxinputsize !== -1 && !ctx.isMerging) return X.remoteio;
  const maxwdir = col.maxwdir[ui];
  if (maxwdir !== 0) {
    const directIo =
      !ctx.isMerging &&
      (maxinputsize === -1 || (!task.useLocalIO && task.allowInputLAN != null && directLan));
    const need = directIo ? ctx.req.diskDirectMB : ctx.req.diskCopyMB;
    const cc = col.coreCount[ui];
    const siteCc = cc > 1 ? cc : 1;
    const scaled = (maxwdir * (taskSingleCore ? 1 : siteCc)) / siteCc;
    if (need > scaled) return X.disk;
    ctx.view.scratch.maxwdir[ui] = scaled;
  }
  return PASS;
}

// §2.2 step 17.
function transferringCheck(ctx: ProdContext, ui: number): number {
  const view = ctx.view;
  const limit = ctx.cat.columns.transferringlimit[ui];
  const maxT = limit === 0 ? ctx.o.defaultMaxTransferring : limit;
  const nT = view.transferringAll[ui] - view.nTransferringToUnwritableNuclei[ui];
  if (!(Math.max(maxT, 2 * view.runningAll[ui]) < nT)) return PASS;
  if (nucleusQueueFlag(ctx, ctx.cat.rows[ui]) || ctx.cat.atlasSiteId[ui] === ctx.nucleusAtlasId) return PASS;
  return X.transferring | TEMPORARY;
}

// §2.2 step 18.
function pledgeCheck(ctx: ProdContext, ui: number): number {
  const pledged = ctx.cat.columns.pledgedCPU[ui];
  if (pledged === -1) return X.non_pledged;
  if (pledged > 0 && ctx.view.nCoresRunningStarting[ui] > pledged) return X.over_pledged;
  return PASS;
}

// §2.2 step 22.
function pilotCheck(ctx: ProdContext, ui: number, exempt: boolean): number {
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

// §2.2 step 6, decided once per distinct fair-share policy.
function zeroShareCheck(ctx: ProdContext, policyId: number): boolean {
  const memo = ctx.view.scratch.zeroShare;
  let z = memo[policyId];
  if (z < 0) {
    const policy = { fairsharePolicy: ctx.cat.policies[policyId] };
    z = memo[policyId] = hasZeroShare(policy, ctx.task, ctx.isMerging) ? 1 : 0;
  }
  return z === 1;
}

// The unified-level checks that cost nothing but time, decided up front for every unified PQ of the scan in one
// tight pass (the filter loop then reads the verdicts): steps 3, 8, 12, 13, 17 and 22. Step 12 records the scaled
// scratch limit of PQs that pass it, which is read for survivors only.
function unifiedVerdicts(ctx: ProdContext, taskSingleCore: boolean, pilotExempt: boolean): void {
  const s = ctx.view.scratch;
  const units = ctx.scanUnified;
  const hasNucleus = ctx.nucleus !== null;
  const pilots = !ctx.preAssigned;
  for (let k = 0; k < units.length; k++) {
    const ui = units[k];
    if (hasNucleus) s.linkVerdicts[ui] = linkCheck(ctx, ui);
    s.diskIoVerdicts[ui] = diskIoCheck(ctx, ui);
    s.scratchVerdicts[ui] = scratchCheck(ctx, ui, taskSingleCore);
    s.storageVerdicts[ui] = storageCheck(ctx, ui);
    s.transferringVerdicts[ui] = transferringCheck(ctx, ui);
    if (pilots) s.pilotVerdicts[ui] = pilotCheck(ctx, ui, pilotExempt);
  }
}

/** Runs §2.2 steps 2–22 (and 24–25 unless in hint mode) over the context's scan list. */
export function runProdFilters(ctx: ProdContext, explain: boolean): FilterResult {
  const { cat, task, chunk, o, snapshot, req } = ctx;
  const rows = cat.rows;
  const prio = task.currentPriority;
  const preAssigned = ctx.preAssigned;
  const sitePre = ctx.sitePreAssigned;
  const excluded: ProdExclusion[] = [];
  const counts = new Int32Array(CODE_NAMES.length);
  const scratch = ctx.view.scratch;
  const { maxwdir, preference, nucleusFlag } = scratch;
  maxwdir.fill(0);
  preference.fill(0);
  nucleusFlag.fill(-1);
  scratch.zeroShare.fill(-1);
  if (ctx.sw !== null) scratch.softwareVerdict.fill(UNSET);
  if (ctx.nucleus !== null) scratch.linkVerdict.fill(UNSET);
  const platform = new Map<number, string>();
  const passed: number[] = [];
  const passedTemp: number[] = [];
  let nMarked = 0;
  let lastStep = 0;

  const checkStatus = !preAssigned;
  const standbyOk = o.variants.status === 'code';
  const hasNucleus = ctx.nucleus !== null;
  const highPrio = (prio >= 800 || ctx.useScout) && !preAssigned;
  const inactiveOn =
    (prio >= 800 || ctx.useScout || ctx.isMerging || task.mergeOutput === true) && !preAssigned;
  const inactiveBefore = snapshot.now - o.inactiveTimeLimitHours * HOUR;
  const zeroShareOn =
    (sitePre && task.prodSourceLabel !== 'managed') || !(ctx.wqTag === 'test' || ctx.wqTag === 'validation');
  const jumboTask = task.nJumboJobs !== undefined;
  const nReadyEvents = chunk.nReadyEvents;
  const maxCore = task.maxCoreCount ?? 0;
  const useMP = ctx.useMP;
  const ram = req.ram;
  const ipConn = task.ipConnectivity ?? null;
  const ipStack = task.ipStack ?? null;
  const ipCheck = !sitePre && (ipConn !== null || ipStack !== null);
  const ioLimit = task.ioIntensity && !ctx.isMerging ? task.ioIntensity : 0;
  const usesEs = usesEventService(task);
  const taskSingleCore = (task.coreCount === null || task.coreCount <= 1) && !usesEs;
  const labelTest = task.prodSourceLabel.includes('test') && !ctx.isExpress;
  const fullChain = ctx.nucleusSpec !== null && task.fullChain === true && !!ctx.nucleusSpec.bareNucleus;
  // the memory need depends on the PQ's core count only: remembered for the last one seen
  let ramCores = NaN;
  let ramNeed = 0;

  // unified-level verdicts, kept while consecutive PQs share a unified parent
  let ui = -1;
  let m5 = UNSET,
    m10 = UNSET,
    m18 = UNSET;
  const { linkVerdicts: v3, diskIoVerdicts: v8, scratchVerdicts: v12 } = scratch;
  const { storageVerdicts: v13, transferringVerdicts: v17, pilotVerdicts: v22 } = scratch;
  unifiedVerdicts(ctx, taskSingleCore, labelTest);

  const scan = ctx.scan;
  const unifiedIndex = cat.unifiedIndex;
  const col = cat.columns;
  const statusMask = Q_ONLINE | (standbyOk ? Q_STANDBY : 0);
  for (let s = 0; s < scan.length; s++) {
    const i = scan[s];
    if (unifiedIndex[i] !== ui) {
      ui = unifiedIndex[i];
      m5 = m10 = m18 = UNSET;
    }
    const flags = col.flags[i];
    let out = PASS;
    let temp = PASS;
    let r: number;
    check: {
      if (checkStatus && ((flags & Q_UNIFIED_PARENT) !== 0 || (flags & statusMask) === 0)) {
        out = X.status;
        break check;
      }
      if (hasNucleus) {
        r = v3[ui];
        if (r !== PASS) {
          if (!isTemporary(r)) {
            out = r;
            break check;
          }
          temp = r;
        }
      }
      if (highPrio && (flags & Q_OPPORTUNISTIC) !== 0) {
        out = X.opportunistic;
        break check;
      }
      if (inactiveOn && (r = m5 === UNSET ? (m5 = inactiveCheck(ctx, ui, inactiveBefore)) : m5) !== PASS)
        temp = r;
      if (zeroShareOn && col.policyId[i] >= 0 && zeroShareCheck(ctx, col.policyId[i])) {
        out = X.zeroshare;
        break check;
      }
      if (!sitePre) {
        if (!jumboTask) {
          if ((flags & Q_JUMBO) !== 0) {
            out = X.jumbo;
            break check;
          }
        } else if (
          nReadyEvents !== undefined &&
          (flags & Q_JUMBO) !== 0 &&
          col.minEventsForJumbo[i] >= 0 &&
          nReadyEvents < col.minEventsForJumbo[i]
        ) {
          out = X.fewevents;
          break check;
        }
      }
      if ((r = v8[ui]) !== PASS) temp = r;
      const cc = col.coreCount[i];
      if (!sitePre) {
        if (!(useMP === 'any' || (useMP === 'only' ? cc > 1 : cc === 0 || cc === 1))) {
          out = X.cpucore;
          break check;
        }
        if (maxCore && cc > maxCore) {
          out = X.max_cpucore;
          break check;
        }
      }
      if (ctx.sw !== null && (r = m10 === UNSET ? (m10 = softwareCheck(ctx, ui, platform)) : m10) !== PASS) {
        out = r;
        break check;
      }
      if (ram) {
        if (cc !== ramCores) {
          ramCores = cc;
          ramNeed = ramNeedAtSite(req, cc, ctx.isMerging);
        }
        const maxrss = col.maxrss[i];
        if (maxrss && ramNeed !== 0 && ramNeed > maxrss) {
          out = X.lowmemory;
          break check;
        }
        const minrss = col.minrss[i];
        if (minrss && ramNeed !== 0 && ramNeed < minrss) {
          out = X.highmemory;
          break check;
        }
      }
      if ((r = v12[ui]) !== PASS) {
        out = r;
        break check;
      }
      if ((r = v13[ui]) !== PASS) temp = r;
      if ((r = walltimeCheck(ctx, col, i)) !== PASS) {
        out = r;
        break check;
      }
      if (ipCheck && (r = networkCheck(rows[i], ipConn, ipStack)) !== PASS) {
        out = r;
        break check;
      }
      if (
        !sitePre &&
        (r = eventServiceCheck(ctx, col.seed[i], (flags & Q_PSEUDO) !== 0 && cc === 1)) !== PASS
      ) {
        out = r;
        break check;
      }
      if ((r = v17[ui]) !== PASS) temp = r;
      if (!sitePre && o.WORK_SHORTAGE && (r = m18 === UNSET ? (m18 = pledgeCheck(ctx, ui)) : m18) !== PASS) {
        out = r;
        break check;
      }
      if (ctx.dropNonNucleus && !nucleusQueueFlag(ctx, rows[ui])) {
        out = X.t1weight;
        break check;
      }
      if (ioLimit && col.maxIoIntensity[i] >= 0 && ioLimit > col.maxIoIntensity[i]) {
        out = X.max_io_intensity;
        break check;
      }
      if (ctx.nucleusSpec !== null) {
        if (fullChain) {
          if (ctx.inNucleus[i] !== 1) {
            out = X.full_chain;
            break check;
          }
        } else if ((flags & Q_BARE_ONLY) !== 0) {
          out = X.not_full_chain;
          break check;
        }
      }
      if (!preAssigned && (r = v22[ui]) !== PASS) temp = r;
    }
    if (out !== PASS) {
      counts[out >> 1]++;
      const step = stepOf(out);
      if (step > lastStep) lastStep = step;
      if (explain) excluded.push(exclusion(ctx, rows[i], out));
      continue;
    }
    passed.push(i);
    passedTemp.push(temp);
    if (temp !== PASS) nMarked++;
  }
  let emptiedAt: number | null = passed.length === 0 ? lastStep : null;
  let survivors = passed;
  let temps = passedTemp;
  if (!ctx.hint && passed.length > 0) {
    const kept = ioMoveLimit(ctx, passed, counts, explain ? excluded : null);
    if (kept !== null) {
      survivors = [];
      temps = [];
      for (let k = 0; k < passed.length; k++) {
        if (kept[k]) {
          survivors.push(passed[k]);
          temps.push(passedTemp[k]);
        }
      }
      if (survivors.length === 0) emptiedAt = 24;
    }
  }
  // step 25 (23 in hint mode): drop PQs marked as temporarily problematic
  if (nMarked > 0) {
    const left: number[] = [];
    for (let k = 0; k < survivors.length; k++) {
      const t = temps[k];
      if (t === PASS) {
        left.push(survivors[k]);
        continue;
      }
      counts[t >> 1]++;
      if (explain) excluded.push(exclusion(ctx, rows[survivors[k]], t));
    }
    if (left.length === 0 && survivors.length > 0) emptiedAt = ctx.hint ? 23 : 25;
    survivors = left;
  }
  return { survivors, excluded, counts, emptiedAt, maxwdir, preference, platform, nucleusFlag };
}

function exclusion(ctx: ProdContext, row: QueueRow, outcome: number): ProdExclusion {
  return {
    siteName: row.sitename,
    unifiedName: row.unifiedName,
    code: CODE_NAMES[outcome >> 1],
    step: stepOf(outcome),
    temporary: isTemporary(outcome),
    message: filterMessage(ctx, row, outcome),
  };
}

// §2.2 step 14, on the pseudo queue's own core count.
function walltimeCheck(ctx: ProdContext, col: QueueColumns, i: number): number {
  const r = ctx.req;
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
    return ctx.useScout ? X.scout_walltime : X.min_walltime;
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
function networkCheck(q: QueueRow, ipConn: string | null, ipStack: string | null): number {
  if (ipConn !== null && !(q.wnConnectivity === 'full' || (q.wnConnectivity === 'http' && ipConn === 'http')))
    return X.network;
  if (ipStack !== null && ipStack !== q.ipStack) return X.network;
  return PASS;
}

// §2.2 step 16; `singleCorePseudo`: a single-core pseudo queue of a unified PQ.
function eventServiceCheck(ctx: ProdContext, seed: number, singleCorePseudo: boolean): number {
  if (ctx.es) {
    if (seed === JOBSEED_STD) return X.es;
    if (seed === JOBSEED_ESHIGH && !ctx.esHigh) return X.eshigh;
    if (singleCorePseudo) return X.es_ucore;
  } else if (seed === JOBSEED_ES) {
    return X.nones;
  }
  return PASS;
}

// §2.2 step 24: IO-intensive tasks avoid PQs where too much input would have to move; PQs that fail only on disk
// (but would do with local tape) are a fallback; if nobody passes at all the check is disabled. Returns which
// of `passed` are kept, or null when the check does not apply.
function ioMoveLimit(
  ctx: ProdContext,
  passed: number[],
  counts: Int32Array,
  excluded: ProdExclusion[] | null,
): Uint8Array | null {
  const { task, chunk, o, cat } = ctx;
  const total = chunk.totalSize;
  const io = task.ioIntensity;
  if (
    ctx.sitePreAssigned ||
    total <= 0 ||
    ctx.isMerging ||
    io === null ||
    io === undefined ||
    io <= o.IO_INTENSITY_CUTOFF ||
    ctx.es
  ) {
    return null;
  }
  const sizeCut = o.SIZE_CUTOFF_TO_MOVE_INPUT * 1024;
  const numCut = o.NUM_CUTOFF_TO_MOVE_INPUT;
  const verdict = new Int8Array(passed.length);
  let nOk = 0;
  let nTape = 0;
  for (let k = 0; k < passed.length; k++) {
    const a = chunk.availableFiles?.[cat.rows[passed[k]].unifiedName];
    const siteSize = a?.siteSize ?? 0;
    const siteFiles = a?.siteFiles ?? 0;
    const mb = Math.trunc((total - siteSize) / MB);
    const nMove = chunk.nFiles - siteFiles;
    const mbWT = Math.trunc((total - siteSize - (a?.tapeSize ?? 0)) / MB);
    const nWT = nMove - (a?.tapeFiles ?? 0);
    let v = 0;
    if (Math.min(mb, mbWT) > sizeCut || Math.min(nMove, nWT) > numCut) v = 2;
    else if (mb > sizeCut || nMove > numCut) v = 1;
    verdict[k] = v;
    if (v === 0) nOk++;
    else if (v === 1) nTape++;
  }
  if (nOk + nTape === 0) return null;
  const keep = nOk > 0 ? 0 : 1;
  const kept = new Uint8Array(passed.length);
  for (let k = 0; k < passed.length; k++) {
    if (verdict[k] === keep) {
      kept[k] = 1;
      continue;
    }
    counts[X.io >> 1]++;
    if (excluded !== null) excluded.push(exclusion(ctx, cat.rows[passed[k]], X.io));
  }
  return kept;
}
