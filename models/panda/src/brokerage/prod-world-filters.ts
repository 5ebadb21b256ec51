// The filters of §2.2 applied a whole step at a time, for the common call: no pre-assignment, no hint mode, no
// explanations, the scan being every production PQ of the WORLD cloud (brokerage.md §2.1). It gives what the
// per-queue loop of prod-filters.ts gives — survivors in scan order, exclusion counts per reason, the step that
// emptied the list — from the same checks (prod-checks.ts), organised for calls that share a cycle:
// - a PQ's outcome at a permanent step depends on the PQ and a few task-side values, so the PQs failing each step
//   are kept in the cycle memo as bit sets, one per outcome code, under the step's name and those values (the
//   first call with a key evaluates the step on the PQs still in, the second on every PQ for the memo);
// - each PQ is excluded by the first step it fails, so running the steps in order over a bit set of the PQs still
//   in (`alive`) counts every exclusion under the same reason as the loop, a step costing a few dozen word
//   operations when its sets are known;
// - temporary marks only matter for the PQs left at the end, and all six temporary checks are made on the unified
//   PQ, so they are decided per unified PQ for the survivors alone, latest step first (the last mark wins), and
//   only for those the memo's sets say some check may mark.

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
import { CODE_STEP, isTemporary, PASS, X } from './prod-codes.ts';
import type { ProdContext } from './prod-context.ts';
import type { FailSets, MemoKey } from './prod-cycle-memo.ts';
import {
  filterSettings,
  finishFilters,
  linkKey,
  linkOutcome,
  softwareOf,
  zeroShareKey,
  zeroShareOutcome,
  type FilterSettings,
} from './prod-filter-shared.ts';
import type { FilterResult } from './prod-filters.ts';
import { Q_OPPORTUNISTIC, Q_PSEUDO } from './queue-catalog.ts';

/** Whether `runWorldFilters` applies: it assumes the WORLD scan, which implies no pre-assignment and no hint. */
export function worldFiltersApply(ctx: ProdContext, explain: boolean): boolean {
  return !explain && ctx.scan === ctx.cat.productionIndices && !ctx.preAssigned && !ctx.hint;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

// Removes the PQs of each fail set from `alive`, counting them under the set's outcome.
function drop(alive: Int32Array, f: FailSets, counts: Int32Array): void {
  for (let k = 0; k < f.sets.length; k++) {
    let n = 0;
    const members = f.members[k];
    if (members !== null) {
      for (let m = 0; m < members.length; m++) {
        const i = members[m];
        const bit = 1 << (i & 31);
        if ((alive[i >>> 5] & bit) !== 0) {
          alive[i >>> 5] ^= bit;
          n++;
        }
      }
    } else {
      const set = f.sets[k];
      for (let w = 0; w < alive.length; w++) {
        const hit = alive[w] & set[w];
        if (hit !== 0) {
          n += popcount(hit);
          alive[w] ^= hit;
        }
      }
    }
    counts[f.outcomes[k] >> 1] += n;
  }
}

// Removes the PQs still in that fail a step and counts them, evaluating the step on each: for a task class the memo
// has not seen before.
function dropFailing(alive: Int32Array, outcomeOf: (i: number) => number, counts: Int32Array): void {
  for (let w = 0; w < alive.length; w++) {
    let bits = alive[w];
    while (bits !== 0) {
      const low = bits & -bits;
      bits ^= low;
      const outcome = outcomeOf((w << 5) | (31 - Math.clz32(low)));
      if (outcome === PASS) continue;
      alive[w] ^= low;
      counts[outcome >> 1]++;
    }
  }
}

// Each step's fail sets come from the cycle memo, under a key made of the step's name and every task-side value its
// outcome function reads, the values that vary most from task to task last (a key is a path of nested maps).
function permanentSteps(ctx: ProdContext, fs: FilterSettings, alive: Int32Array, counts: Int32Array): void {
  const { cat, task, chunk, req } = ctx;
  const memo = ctx.view.memo;
  const col = cat.columns;
  const ui = cat.unifiedIndex;
  const step = (key: MemoKey, outcomeOf: (i: number) => number): void => {
    const f = memo.failSets(key, outcomeOf);
    if (f !== null) drop(alive, f, counts);
    else dropFailing(alive, outcomeOf, counts);
  };

  const standbyOk = fs.standbyOk;
  step(['status', standbyOk], (i) => statusOutcome(col.flags[i], standbyOk));
  const links = fs.linkVerdicts;
  if (links !== null) {
    step(['link', ...linkKey(ctx)], (i) => {
      const v = linkOutcome(ctx, links, ui[i]);
      return isTemporary(v) ? PASS : v;
    });
  }
  if (fs.highPrio)
    step(['opportunistic'], (i) => ((col.flags[i] & Q_OPPORTUNISTIC) !== 0 ? X.opportunistic : PASS));
  if (fs.zeroShareOn) {
    const zero = fs.zeroShare;
    step(['zeroshare', ...zeroShareKey(ctx)], (i) =>
      col.policyId[i] >= 0 ? zeroShareOutcome(ctx, zero, col.policyId[i]) : PASS,
    );
  }
  const { jumboTask, maxCore } = fs;
  const nReadyEvents = chunk.nReadyEvents;
  step(['jumbo', jumboTask, nReadyEvents], (i) =>
    jumboOutcome(col.flags[i], jumboTask, nReadyEvents, col.minEventsForJumbo[i]),
  );
  const useMP = ctx.useMP;
  step(['core', useMP, maxCore], (i) => coreOutcome(useMP, maxCore, col.coreCount[i]));
  const software = fs.software;
  if (software !== null) {
    // the software requirement is a function of these task fields (ProdCycleMemo.softwareRequirement)
    step(
      ['software', task.transHome, task.architecture, task.container_name, task.use_only_tags_fc],
      (i) => softwareOf(ctx, software, col.softwareClass[ui[i]]).outcome,
    );
  }
  if (req.ram) {
    const isMerging = ctx.isMerging;
    const need = new RamNeed(req, isMerging);
    step(['memory', req.ramPerCore, req.baseRamCount, isMerging, req.ram], (i) =>
      memoryOutcome(need.at(col.coreCount[i]), col.maxrss[i], col.minrss[i]),
    );
  }
  const sn = scratchNeed(ctx, fs.taskSingleCore);
  step(
    [
      'scratch',
      sn.directOnly,
      sn.isMerging,
      sn.directWhereLan,
      sn.taskSingleCore,
      sn.diskCopyMB,
      sn.diskDirectMB,
    ],
    (i) => scratchOutcome(col, ui[i], sn),
  );
  const useScout = ctx.useScout;
  step(
    [
      'walltime',
      req.hs06,
      req.needsLongQueue,
      useScout,
      req.baseWalltime,
      req.cpuEfficiency,
      req.maxWalltimeDyn,
      req.minWalltimeDyn,
      req.minWalltime,
    ],
    (i) => walltimeOutcome(req, useScout, col, i),
  );
  if (fs.ipCheck) {
    const { ipConn, ipStack } = fs;
    step(['network', ipConn, ipStack], (i) => networkOutcome(cat.rows[i], ipConn, ipStack));
  }
  const { es, esHigh } = ctx;
  step(['es', es, esHigh], (i) =>
    eventServiceOutcome(es, esHigh, col.seed[i], (col.flags[i] & Q_PSEUDO) !== 0 && col.coreCount[i] === 1),
  );
  if (ctx.o.WORK_SHORTAGE) step(['pledge'], (i) => pledgeCheck(ctx, ui[i]));
  if (ctx.dropNonNucleus)
    step(['t1weight', ctx.nucleusKey], (i) => (isNucleusQueueMemo(ctx, ui[i]) ? PASS : X.t1weight));
  const ioLimit = fs.ioLimit;
  if (ioLimit) step(['io_intensity', ioLimit], (i) => ioIntensityOutcome(ioLimit, col.maxIoIntensity[i]));
  if (ctx.nucleusSpec !== null) {
    const fullChain = fs.fullChain;
    step(['chain', fullChain, ctx.nucleusKey], (i) =>
      chainOutcome(fullChain, ctx.inNucleus[i] === 1, col.flags[i]),
    );
  }
}

// The PQs still in that a temporary check may mark, as a bit set: the union of what each check marks, kept in the
// cycle memo like the fail sets. A nucleus PQ's storage verdict depends on the chunk's replicas, so nucleus PQs are
// left out of the storage set and always checked one by one.
function markable(ctx: ProdContext, fs: FilterSettings, alive: Int32Array, into: Int32Array): void {
  const { task, view } = ctx;
  const memo = view.memo;
  const ui = ctx.cat.unifiedIndex;
  into.fill(0);
  const add = (key: MemoKey, outcomeOf: (i: number) => number): void => {
    const f = memo.failSets(key, outcomeOf);
    if (f === null) {
      for (let w = 0; w < alive.length; w++) {
        let bits = alive[w];
        while (bits !== 0) {
          const low = bits & -bits;
          bits ^= low;
          if (outcomeOf((w << 5) | (31 - Math.clz32(low))) !== PASS) into[w] |= low;
        }
      }
      return;
    }
    for (let k = 0; k < f.sets.length; k++) {
      const members = f.members[k];
      if (members !== null) for (const i of members) into[i >>> 5] |= 1 << (i & 31);
      else for (let w = 0; w < into.length; w++) into[w] |= f.sets[k][w];
    }
  };
  const links = fs.linkVerdicts;
  if (links !== null) {
    add(['link marks', ...linkKey(ctx)], (i) => {
      const v = linkOutcome(ctx, links, ui[i]);
      return isTemporary(v) ? v : PASS;
    });
  }
  if (fs.inactiveOn) add(['inactive', ctx.snapshot.now], (i) => inactiveCheck(ctx, ui[i]));
  // without a task disk IO the check passes everywhere
  if (task.diskIO) {
    const perCore = task.coreCount !== null && task.coreCount > 1;
    add(['diskIO', task.diskIO, perCore], (i) => diskIoCheck(ctx, ui[i]));
  }
  add(['storage', ctx.nucleusKey, ctx.remoteSourceAvailable], (i) =>
    ctx.inNucleus[ui[i]] === 1 ? PASS : storageCheck(ctx, ui[i]),
  );
  add(['transferring', ctx.nucleusKey], (i) => transferringCheck(ctx, ui[i]));
  if (!fs.pilotExempt) {
    add(['nopilot', fs.jumboTask, ctx.wqTag, task.resource_type], (i) => pilotCheck(ctx, ui[i], false));
  }
}

// The temporary mark of a surviving unified PQ: its latest failing temporary check (steps 22, 17, 13, 8, 5, 3).
function temporaryMark(ctx: ProdContext, fs: FilterSettings, ui: number): number {
  let r: number;
  if ((r = pilotCheck(ctx, ui, fs.pilotExempt)) !== PASS) return r;
  if ((r = transferringCheck(ctx, ui)) !== PASS) return r;
  if ((r = storageCheck(ctx, ui)) !== PASS) return r;
  if ((r = diskIoCheck(ctx, ui)) !== PASS) return r;
  if (fs.inactiveOn && (r = inactiveCheck(ctx, ui)) !== PASS) return r;
  // survivors passed step 3, so its verdict here is PASS or a temporary mark
  return fs.linkVerdicts !== null ? linkOutcome(ctx, fs.linkVerdicts, ui) : PASS;
}

/** §2.2 steps 2–25 over the WORLD scan, without explanations (see `worldFiltersApply`). */
export function runWorldFilters(ctx: ProdContext): FilterResult {
  const cat = ctx.cat;
  const fs = filterSettings(ctx);
  const scratch = ctx.view.scratch;
  const alive = scratch.alive;
  alive.set(ctx.view.memo.production);
  const counts = scratch.counts;
  counts.fill(0);
  permanentSteps(ctx, fs, alive, counts);
  const maybeMarked = scratch.markable;
  markable(ctx, fs, alive, maybeMarked);
  const inNucleus = ctx.inNucleus;

  let nPassed = 0;
  for (let w = 0; w < alive.length; w++) nPassed += popcount(alive[w]);
  const passed = new Array<number>(nPassed);
  const passedTemp = scratch.temporary;
  let nMarked = 0;
  const unifiedIndex = cat.unifiedIndex;
  let ui = -1;
  let temp = PASS;
  let k = 0;
  for (let w = 0; w < alive.length; w++) {
    let bits = alive[w];
    while (bits !== 0) {
      const low = bits & -bits;
      bits ^= low;
      const i = (w << 5) | (31 - Math.clz32(low));
      if (unifiedIndex[i] !== ui) {
        ui = unifiedIndex[i];
        temp = (maybeMarked[w] & low) !== 0 || inNucleus[ui] === 1 ? temporaryMark(ctx, fs, ui) : PASS;
      }
      passed[k] = i;
      passedTemp[k++] = temp;
      if (temp !== PASS) nMarked++;
    }
  }
  let lastStep = 0;
  for (let c = 0; c < counts.length; c++)
    if (counts[c] > 0 && CODE_STEP[c] > lastStep) lastStep = CODE_STEP[c];
  const { survivors, emptiedAt } = finishFilters(
    ctx,
    passed,
    passedTemp,
    nMarked,
    counts,
    lastStep,
    false,
    [],
  );
  return { survivors, excluded: [], counts, emptiedAt, settings: fs };
}
