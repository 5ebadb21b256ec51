// The ordered PQ filters of `AtlasProdJobBroker.doBrokerage` (pandajedi/jedibrokerage/AtlasProdJobBroker.py),
// brokerage.md §2.2 steps 2–25. PanDA runs each filter over the whole list; here each PQ runs through the
// filters in the same order and stops at the first permanent failure, which yields the same survivors and the
// same reason. Temporary problems (`siteSkippedTmp`) only mark a PQ, the last mark wins, and marked PQs are removed
// at step 25 (or at the hint-mode exit, step 23). Checks PanDA makes on the unified PQ are made once per unified
// PQ, on the parent's attributes, and hold for all its pseudo queues. Checks return an integer outcome
// (prod-codes.ts); reasons are put into words only when the caller wants explanations.

import type { DdmEndpoint } from '../snapshot/data.ts';
import type { QueueState } from '../snapshot/queue.ts';
import { ramNeedAtSite, siteWalltimeLimit, usesEventService } from './job-requirements.ts';
import { CODE_NAMES, isTemporary, PASS, stepOf, TEMPORARY, X } from './prod-codes.ts';
import type { ProdContext } from './prod-context.ts';
import type { ProdExclusion } from './prod-decision.ts';
import { filterMessage } from './prod-explain.ts';
import { spaceUsable, type QueueRow } from './queue-catalog.ts';
import { getNumStandby } from './queue-state.ts';
import { checkSoftware } from './software-check.ts';
import { hasZeroShare } from './zero-share.ts';

const HOUR = 3600;
const MB = 1024 * 1024;
const UNSET = -2;

function down(status: string | undefined): boolean {
  return status === 'OFF' || status === 'TEST';
}

export interface FilterResult {
  /** PQs left after step 25 (or step 23 in hint mode), catalog indices in scan order. */
  survivors: number[];
  /** Filled only when explaining. */
  excluded: ProdExclusion[];
  /** Excluded PQs per code index (prod-codes.ts). */
  counts: Int32Array;
  /** The step that emptied the list, if any. */
  emptiedAt: number | null;
  /** Per catalog index of the unified PQ: scaled maxwdir in MB (0 = none), pilots, SW preference weight (0 = none). */
  maxwdir: Float64Array;
  nPilot: Int32Array;
  preference: Float64Array;
  platform: Map<number, string>;
  /** Per unified PQ: whether it is a nucleus PQ (1/0, −1 not yet known). */
  nucleusFlag: Int8Array;
}

// AtlasBrokerUtils.check_endpoints_with_blacklist on DATADISK endpoints. PQs that list no endpoints pass: the
// snapshot does not model their storage.
function endpointBlacklist(
  inputs: DdmEndpoint[] | null,
  outputs: DdmEndpoint[] | null,
  inNucleus: boolean,
  remoteSourceAvailable: boolean,
  completeLocations: Set<string> | null,
): number {
  let readLan = inputs === null;
  let receiveWan = inputs === null;
  let writeLan = outputs === null;
  let sendWan = outputs === null;
  let remoteOk = remoteSourceAvailable;
  const checkComplete = completeLocations !== null && completeLocations.size > 0;
  if (inputs !== null) {
    for (const e of inputs) {
      if (e.type !== undefined && e.type !== 'DATADISK') continue;
      const st = e.detailed_status;
      if (!down(st?.read_lan)) readLan = true;
      if (!inNucleus || (checkComplete && !completeLocations.has(e.ddm_endpoint_name))) {
        if (!down(st?.write_wan)) receiveWan = true;
      } else {
        receiveWan = true;
        remoteOk = true;
      }
    }
  }
  if (outputs !== null) {
    for (const e of outputs) {
      if (e.type !== undefined && e.type !== 'DATADISK') continue;
      const st = e.detailed_status;
      if (!down(st?.write_lan)) writeLan = true;
      if (!inNucleus) {
        if (!down(st?.read_wan)) sendWan = true;
      } else {
        sendWan = true;
        remoteOk = true;
      }
    }
  }
  if (!readLan) return X.read_lan_blacklist | TEMPORARY;
  if (!writeLan) return X.write_lan_blacklist | TEMPORARY;
  if (!receiveWan) return X.write_wan_blacklist | TEMPORARY;
  if (!sendWan) return X.read_wan_blacklist | TEMPORARY;
  if (!remoteOk) return X.source_blacklist | TEMPORARY;
  return PASS;
}

/** Whether the unified PQ counts as a nucleus PQ: in the nucleus, or writing to its first PQ's input storage. */
export function isNucleusQueue(ctx: ProdContext, u: QueueRow): boolean {
  if (ctx.sitesInNucleus.has(u.unifiedName)) return true;
  const share = ctx.nucleusShareInputs;
  return (
    share !== null &&
    u.sitename !== ctx.nucleusFirstSite &&
    u.status === 'online' &&
    u.production &&
    u.ddmOutput !== '' &&
    share.has(u.ddmOutput)
  );
}

/** Runs §2.2 steps 2–22 (and 24–25 unless in hint mode) over the context's scan list. */
export function runProdFilters(ctx: ProdContext, explain: boolean): FilterResult {
  const { cat, task, chunk, o, snapshot, req } = ctx;
  const rows = cat.rows;
  const view = ctx.view;
  const prio = task.currentPriority;
  const preAssigned = ctx.preAssigned;
  const sitePre = ctx.sitePreAssigned;
  const excluded: ProdExclusion[] = [];
  const counts = new Int32Array(CODE_NAMES.length);
  const { maxwdir, nPilot, preference, nucleusFlag } = ctx.view.scratch;
  maxwdir.fill(0);
  nPilot.fill(0);
  preference.fill(0);
  nucleusFlag.fill(-1);
  const platform = new Map<number, string>();
  const zeroShareMemo = new Map<string, boolean>();
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

  // unified-level verdicts, kept while consecutive PQs share a unified parent
  let memoU = -1;
  let u: QueueRow = rows[0];
  let st: QueueState | undefined;
  let m3 = UNSET,
    m5 = UNSET,
    m8 = UNSET,
    m10 = UNSET,
    m12 = UNSET,
    m13 = UNSET,
    m17 = UNSET,
    m18 = UNSET,
    m22 = UNSET;
  const isNucleusPQ = (): boolean => {
    if (nucleusFlag[u.index] < 0) nucleusFlag[u.index] = isNucleusQueue(ctx, u) ? 1 : 0;
    return nucleusFlag[u.index] === 1;
  };

  // the link check depends only on the PQ's output-storage ATLAS site: decided once per site
  const linkVerdict = ctx.view.scratch.linkVerdict;
  if (hasNucleus) linkVerdict.fill(UNSET);
  const linkCheck = (): number => {
    const id = cat.atlasSiteId[u.index];
    let v = linkVerdict[id];
    if (v === UNSET) v = linkVerdict[id] = siteLinkCheck(cat.atlasSiteNames[id]);
    return v;
  };
  const siteLinkCheck = (atlas: string): number => {
    if (atlas === ctx.nucleus) return PASS;
    if (ctx.nucleusUnwritable) return X.dest_blacklisted | TEMPORARY;
    if (ctx.totalQueuedToNucleus >= o.NQUEUED_NUC_CAP_FOR_JOBS) return X.links_full | TEMPORARY;
    const link = ctx.links![atlas];
    if (link === undefined) return PASS;
    if (link.closeness === -1) return X.link_unusable;
    const queued = (ctx.isExpress ? link.expressQueued : link.productionOutputQueued) ?? 0;
    return queued >= o.NQUEUED_SAT_CAP ? X.link_unusable | TEMPORARY : PASS;
  };
  const inactiveCheck = (): number => {
    const last = st?.laststart;
    if (last === undefined || last >= inactiveBefore) return PASS;
    return view.activatedStartingAll[u.index] > 0 ? X.inactive | TEMPORARY : PASS;
  };
  const diskIoCheck = (): number => {
    const usage = st?.diskIoPerCore ?? 0;
    const limit = u.maxDiskio > 0 ? u.maxDiskio : o.MAX_DISKIO_DEFAULT;
    let taskIo = task.diskIO ?? 0;
    if (task.diskIO != null && task.coreCount !== null && task.coreCount > 1 && u.coreCount) {
      taskIo = Math.floor(task.diskIO / u.coreCount);
    }
    return taskIo && usage && limit && usage > limit && taskIo > limit ? X.diskIO | TEMPORARY : PASS;
  };
  const softwareCheck = (): number => {
    const v = checkSoftware(u.spec, ctx.sw!);
    if (!v.ok) return v.code === 'cache' ? X.cache : X.regexpcmtconfig;
    if (v.preferenceWeight !== null) preference[u.index] = v.preferenceWeight;
    if (v.resolvedPlatform !== null) platform.set(u.index, v.resolvedPlatform);
    return PASS;
  };
  const scratchCheck = (): number => {
    if (task.allowInputLAN === 'only' && !u.directAccessLan && u.maxinputsize !== -1 && !ctx.isMerging)
      return X.remoteio;
    if (u.maxwdir !== 0) {
      const directIo =
        !ctx.isMerging &&
        (u.maxinputsize === -1 || (!task.useLocalIO && task.allowInputLAN != null && u.directAccessLan));
      const need = directIo ? req.diskDirectMB : req.diskCopyMB;
      const siteCc = u.coreCount > 1 ? u.coreCount : 1;
      const scaled = (u.maxwdir * (taskSingleCore ? 1 : siteCc)) / siteCc;
      if (need > scaled) return X.disk;
      maxwdir[u.index] = scaled;
    }
    return PASS;
  };
  const storageCheck = (): number => {
    const out = cat.defaultOutputEndpoint[u.index];
    if (out !== undefined && spaceUsable(out) < o.STORAGE_MIN_FREE_SIZE) return X.se_space | TEMPORARY;
    return endpointBlacklist(
      cat.inputEndpoints[u.index],
      cat.outputEndpoints[u.index],
      ctx.sitesInNucleus.has(u.unifiedName),
      ctx.remoteSourceAvailable,
      ctx.completeReplicaLocations,
    );
  };
  const transferringCheck = (): number => {
    if (isNucleusPQ() || ctx.nucleus === cat.atlasSite[u.index]) return PASS;
    const maxT = u.transferringlimit === 0 ? o.defaultMaxTransferring : u.transferringlimit;
    const nT = view.transferringAll[u.index] - (st?.nTransferringToUnwritableNuclei ?? 0);
    return Math.max(maxT, 2 * view.runningAll[u.index]) < nT ? X.transferring | TEMPORARY : PASS;
  };
  const pledgeCheck = (): number => {
    if (u.pledgedCPU === -1) return X.non_pledged;
    if (u.pledgedCPU > 0 && (st?.nCoresRunningStarting ?? 0) > u.pledgedCPU) return X.over_pledged;
    return PASS;
  };
  const pilotCheck = (): number => {
    const pilots = st ? st.getJob + st.updateJob : 0;
    nPilot[u.index] = pilots;
    if (pilots > 0 || labelTest || (jumboTask && u.useJumboJobs)) return PASS;
    if (u.hasNumSlots && getNumStandby(u.spec, ctx.wqTag, task.resource_type) !== null) return PASS;
    return X.nopilot | TEMPORARY;
  };

  const scan = ctx.scan;
  for (let s = 0; s < scan.length; s++) {
    const i = scan[s];
    const row = rows[i];
    if (row.unifiedIndex !== memoU) {
      memoU = row.unifiedIndex;
      u = rows[memoU];
      st = view.state[memoU];
      m3 = m5 = m8 = m10 = m12 = m13 = m17 = m18 = m22 = UNSET;
    }
    let out = PASS;
    let temp = PASS;
    let r: number;
    check: {
      if (
        checkStatus &&
        (row.isUnifiedParent || !(row.status === 'online' || (standbyOk && row.status === 'standby')))
      ) {
        out = X.status;
        break check;
      }
      if (hasNucleus) {
        r = m3 === UNSET ? (m3 = linkCheck()) : m3;
        if (r !== PASS) {
          if (!isTemporary(r)) {
            out = r;
            break check;
          }
          temp = r;
        }
      }
      if (highPrio && row.pledgedCPU === -1) {
        out = X.opportunistic;
        break check;
      }
      if (inactiveOn && (r = m5 === UNSET ? (m5 = inactiveCheck()) : m5) !== PASS) temp = r;
      if (zeroShareOn && row.fairsharePolicy !== '') {
        let zero = zeroShareMemo.get(row.fairsharePolicy);
        if (zero === undefined) {
          zero = hasZeroShare(row.spec, task, ctx.isMerging);
          zeroShareMemo.set(row.fairsharePolicy, zero);
        }
        if (zero) {
          out = X.zeroshare;
          break check;
        }
      }
      if (!sitePre) {
        if (!jumboTask) {
          if (row.useJumboJobs) {
            out = X.jumbo;
            break check;
          }
        } else if (
          nReadyEvents !== undefined &&
          row.useJumboJobs &&
          row.minEventsForJumbo >= 0 &&
          nReadyEvents < row.minEventsForJumbo
        ) {
          out = X.fewevents;
          break check;
        }
      }
      if ((r = m8 === UNSET ? (m8 = diskIoCheck()) : m8) !== PASS) temp = r;
      if (!sitePre) {
        const cc = row.coreCount;
        if (!(useMP === 'any' || (useMP === 'only' ? cc > 1 : cc === 0 || cc === 1))) {
          out = X.cpucore;
          break check;
        }
        if (maxCore && cc > maxCore) {
          out = X.max_cpucore;
          break check;
        }
      }
      if (ctx.sw !== null && (r = m10 === UNSET ? (m10 = softwareCheck()) : m10) !== PASS) {
        out = r;
        break check;
      }
      if (ram) {
        const need = ramNeedAtSite(req, row.coreCount, ctx.isMerging);
        if (row.maxrss && need !== 0 && need > row.maxrss) {
          out = X.lowmemory;
          break check;
        }
        if (row.minrss && need !== 0 && need < row.minrss) {
          out = X.highmemory;
          break check;
        }
      }
      if ((r = m12 === UNSET ? (m12 = scratchCheck()) : m12) !== PASS) {
        out = r;
        break check;
      }
      if ((r = m13 === UNSET ? (m13 = storageCheck()) : m13) !== PASS) temp = r;
      if ((r = walltimeCheck(row, ctx)) !== PASS) {
        out = r;
        break check;
      }
      if (ipCheck && (r = networkCheck(row, ipConn, ipStack)) !== PASS) {
        out = r;
        break check;
      }
      if (!sitePre && (r = eventServiceCheck(row, ctx)) !== PASS) {
        out = r;
        break check;
      }
      if ((r = m17 === UNSET ? (m17 = transferringCheck()) : m17) !== PASS) temp = r;
      if (!sitePre && o.WORK_SHORTAGE && (r = m18 === UNSET ? (m18 = pledgeCheck()) : m18) !== PASS) {
        out = r;
        break check;
      }
      if (ctx.dropNonNucleus && !isNucleusPQ()) {
        out = X.t1weight;
        break check;
      }
      if (ioLimit && row.maxIoIntensity >= 0 && ioLimit > row.maxIoIntensity) {
        out = X.max_io_intensity;
        break check;
      }
      if (ctx.nucleusSpec !== null) {
        if (fullChain) {
          if (!ctx.sitesInNucleus.has(row.unifiedName)) {
            out = X.full_chain;
            break check;
          }
        } else if (row.bareNucleus === 'only') {
          out = X.not_full_chain;
          break check;
        }
      }
      if (!preAssigned && (r = m22 === UNSET ? (m22 = pilotCheck()) : m22) !== PASS) temp = r;
    }
    if (out !== PASS) {
      counts[out >> 1]++;
      const step = stepOf(out);
      if (step > lastStep) lastStep = step;
      if (explain) excluded.push(exclusion(ctx, row, out));
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
  return { survivors, excluded, counts, emptiedAt, maxwdir, nPilot, preference, platform, nucleusFlag };
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
function walltimeCheck(q: QueueRow, ctx: ProdContext): number {
  const r = ctx.req;
  if (q.maxtime === 0 && q.mintime === 0 && !r.needsLongQueue) return PASS;
  const siteMax = siteWalltimeLimit(q.maxtime, q, r.hs06, r.baseWalltime, r.cpuEfficiency);
  const dynamicAtSite = r.minWalltimeDyn !== null && r.minWalltimeDyn !== 0 && q.mintime > 0;
  if (q.maxtime !== 0) {
    const need = dynamicAtSite ? r.minWalltimeDyn : r.minWalltime;
    if (need && need > siteMax) return X.shortwalltime;
  }
  if (r.needsLongQueue && siteMax !== 0 && siteMax < 24 * 3600 * 10 * (q.coreCount || 1)) {
    return ctx.useScout ? X.scout_walltime : X.min_walltime;
  }
  if (q.mintime !== 0) {
    const siteMin = siteWalltimeLimit(q.mintime, q, r.hs06, r.baseWalltime, r.cpuEfficiency);
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

// §2.2 step 16.
function eventServiceCheck(q: QueueRow, ctx: ProdContext): number {
  const seed = q.jobseed;
  if (ctx.es) {
    if (seed === 'std') return X.es;
    if (seed === 'eshigh' && !ctx.esHigh) return X.eshigh;
    if (q.isPseudo && q.coreCount === 1) return X.es_ucore;
  } else if (seed === 'es') {
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
