// The ordered PQ filters of `AtlasProdJobBroker.doBrokerage` (pandajedi/jedibrokerage/AtlasProdJobBroker.py),
// brokerage.md §2.2 steps 2–25. PanDA runs each filter over the whole list; here each PQ runs through the
// filters in the same order and stops at the first permanent failure, which yields the same survivors and the
// same reason. Temporary problems (`siteSkippedTmp`) only mark a PQ, the last mark wins, and marked PQs are removed
// at step 25 (or at the hint-mode exit, step 23). Checks PanDA makes on the unified PQ are made once per unified
// PQ, on the parent's attributes, and hold for all its pseudo queues. Checks return an integer outcome
// (prod-codes.ts); reasons are put into words only when the caller wants explanations.
//
// This per-queue loop is the reference, and the driver for explanations and for pre-assigned or hint-mode scan
// lists. Quiet calls over the WORLD's production PQs go through prod-world-filters.ts, which applies the same checks
// (prod-checks.ts) a whole step at a time; tests compare the two.

import {
  chainOutcome,
  coreOutcome,
  diskIoCheck,
  eventServiceOutcome,
  inactiveCheck,
  ioIntensityOutcome,
  isNucleusQueueMemo,
  jumboOutcome,
  memoryOutcome,
  networkOutcome,
  pilotCheck,
  pledgeCheck,
  RamNeed,
  scratchNeed,
  scratchOutcome,
  statusOutcome,
  storageCheck,
  transferringCheck,
  walltimeOutcome,
} from './prod-checks.ts';
import { CODE_NAMES, isTemporary, PASS, stepOf, X } from './prod-codes.ts';
import type { ProdContext } from './prod-context.ts';
import type { ProdExclusion } from './prod-decision.ts';
import {
  exclusion,
  filterSettings,
  finishFilters,
  linkOutcome,
  softwareOf,
  zeroShareOutcome,
  type FilterSettings,
} from './prod-filter-shared.ts';
import { Q_OPPORTUNISTIC, Q_PSEUDO } from './queue-catalog.ts';

export { isNucleusQueue } from './prod-checks.ts';

const UNSET = -2;

export interface FilterResult {
  /** PQs left after step 25 (or step 23 in hint mode), catalog indices in scan order. */
  survivors: number[];
  /** Filled only when explaining. */
  excluded: ProdExclusion[];
  /** Excluded PQs per code index (prod-codes.ts); the view's scratch array in the world filters. */
  counts: Int32Array;
  /** The step that emptied the list, if any. */
  emptiedAt: number | null;
  /** The switches the filters ran with; the weighing reads the survivors' software outcomes from them. */
  settings: FilterSettings;
}

// The unified-level checks that cost nothing but time, decided up front for every unified PQ of the scan in one
// tight pass (the filter loop then reads the verdicts): steps 3, 8, 12, 13, 17 and 22.
function unifiedVerdicts(ctx: ProdContext, fs: FilterSettings): void {
  const s = ctx.view.scratch;
  const units = ctx.scanUnified;
  const pilots = !ctx.preAssigned;
  const scratch = scratchNeed(ctx, fs.taskSingleCore);
  const col = ctx.cat.columns;
  for (let k = 0; k < units.length; k++) {
    const ui = units[k];
    if (fs.linkVerdicts !== null) s.linkVerdicts[ui] = linkOutcome(ctx, fs.linkVerdicts, ui);
    s.diskIoVerdicts[ui] = diskIoCheck(ctx, ui);
    s.scratchVerdicts[ui] = scratchOutcome(col, ui, scratch);
    s.storageVerdicts[ui] = storageCheck(ctx, ui);
    s.transferringVerdicts[ui] = transferringCheck(ctx, ui);
    if (pilots) s.pilotVerdicts[ui] = pilotCheck(ctx, ui, fs.pilotExempt);
  }
}

/** Runs §2.2 steps 2–22 (and 24–25 unless in hint mode) over the context's scan list. */
export function runProdFilters(ctx: ProdContext, explain: boolean): FilterResult {
  const { cat, chunk, o, req } = ctx;
  const fs = filterSettings(ctx);
  const rows = cat.rows;
  const preAssigned = ctx.preAssigned;
  const sitePre = ctx.sitePreAssigned;
  const excluded: ProdExclusion[] = [];
  const counts = new Int32Array(CODE_NAMES.length);
  const scratch = ctx.view.scratch;
  const passed: number[] = [];
  const passedTemp: number[] = [];
  let nMarked = 0;
  let lastStep = 0;

  const { checkStatus, standbyOk, hasNucleus, highPrio, inactiveOn, zeroShareOn, jumboTask } = fs;
  const { maxCore, ipConn, ipStack, ipCheck, ioLimit, fullChain } = fs;
  const nReadyEvents = chunk.nReadyEvents;
  const useMP = ctx.useMP;
  const ram = req.ram;
  const ramNeed = new RamNeed(req, ctx.isMerging);

  // unified-level verdicts, kept while consecutive PQs share a unified parent
  let ui = -1;
  let m5 = UNSET,
    m10 = UNSET,
    m18 = UNSET;
  const { linkVerdicts: v3, diskIoVerdicts: v8, scratchVerdicts: v12 } = scratch;
  const { storageVerdicts: v13, transferringVerdicts: v17, pilotVerdicts: v22 } = scratch;
  unifiedVerdicts(ctx, fs);

  const scan = ctx.scan;
  const unifiedIndex = cat.unifiedIndex;
  const col = cat.columns;
  for (let s = 0; s < scan.length; s++) {
    const i = scan[s];
    if (unifiedIndex[i] !== ui) {
      ui = unifiedIndex[i];
      m5 = m10 = m18 = UNSET;
    }
    const flags = col.flags[i];
    let out: number;
    let temp = PASS;
    let r: number;
    check: {
      if (checkStatus && (out = statusOutcome(flags, standbyOk)) !== PASS) break check;
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
      if (inactiveOn && (r = m5 === UNSET ? (m5 = inactiveCheck(ctx, ui)) : m5) !== PASS) temp = r;
      if (zeroShareOn && col.policyId[i] >= 0) {
        if ((out = zeroShareOutcome(ctx, fs.zeroShare, col.policyId[i])) !== PASS) break check;
      }
      if (!sitePre) {
        out = jumboOutcome(flags, jumboTask, nReadyEvents, col.minEventsForJumbo[i]);
        if (out !== PASS) break check;
      }
      if ((r = v8[ui]) !== PASS) temp = r;
      const cc = col.coreCount[i];
      if (!sitePre && (out = coreOutcome(useMP, maxCore, cc)) !== PASS) break check;
      if (fs.software !== null) {
        if (m10 === UNSET) m10 = softwareOf(ctx, fs.software, col.softwareClass[ui]).outcome;
        if ((out = m10) !== PASS) break check;
      }
      if (ram && (out = memoryOutcome(ramNeed.at(cc), col.maxrss[i], col.minrss[i])) !== PASS) break check;
      if ((out = v12[ui]) !== PASS) break check;
      if ((r = v13[ui]) !== PASS) temp = r;
      if ((out = walltimeOutcome(req, ctx.useScout, col, i)) !== PASS) break check;
      if (ipCheck && (out = networkOutcome(rows[i], ipConn, ipStack)) !== PASS) break check;
      if (!sitePre) {
        out = eventServiceOutcome(ctx.es, ctx.esHigh, col.seed[i], (flags & Q_PSEUDO) !== 0 && cc === 1);
        if (out !== PASS) break check;
      }
      if ((r = v17[ui]) !== PASS) temp = r;
      if (!sitePre && o.WORK_SHORTAGE && (out = m18 === UNSET ? (m18 = pledgeCheck(ctx, ui)) : m18) !== PASS)
        break check;
      if (ctx.dropNonNucleus && !isNucleusQueueMemo(ctx, ui)) {
        out = X.t1weight;
        break check;
      }
      if ((out = ioIntensityOutcome(ioLimit, col.maxIoIntensity[i])) !== PASS) break check;
      if (ctx.nucleusSpec !== null && (out = chainOutcome(fullChain, ctx.inNucleus[i] === 1, flags)) !== PASS)
        break check;
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
  const { survivors, emptiedAt } = finishFilters(
    ctx,
    passed,
    passedTemp,
    nMarked,
    counts,
    lastStep,
    explain,
    excluded,
  );
  return { survivors, excluded, counts, emptiedAt, settings: fs };
}
