// What the two drivers of the production filters share (brokerage.md §2.2): the per-queue reference loop of
// prod-filters.ts and the set-at-a-time one of prod-world-filters.ts. The task-side switches of the filters, the
// checks decided once per ATLAS site, fair-share policy or software class through the cycle memo, and steps 24–25,
// which both run over the PQs that passed steps 2–22.

import { usesEventService } from './job-requirements.ts';
import { siteLinkCheck, softwareOutcome, type SoftwareOutcome } from './prod-checks.ts';
import { CODE_NAMES, isTemporary, PASS, stepOf, X } from './prod-codes.ts';
import type { ProdContext } from './prod-context.ts';
import type { MemoKey } from './prod-cycle-memo.ts';
import type { ProdExclusion } from './prod-decision.ts';
import { filterMessage } from './prod-explain.ts';
import type { QueueRow } from './queue-catalog.ts';
import { hasZeroShare } from './zero-share.ts';

const MB = 1024 * 1024;
const UNSET = -2;

/** The task-side switches of the filters, shared by both drivers. */
export interface FilterSettings {
  checkStatus: boolean;
  standbyOk: boolean;
  hasNucleus: boolean;
  /** Step 4: avoid opportunistic PQs. */
  highPrio: boolean;
  inactiveOn: boolean;
  zeroShareOn: boolean;
  jumboTask: boolean;
  maxCore: number;
  ipConn: string | null;
  ipStack: string | null;
  ipCheck: boolean;
  /** Step 20: the task's ioIntensity, 0 when not checked. */
  ioLimit: number;
  taskSingleCore: boolean;
  /** Step 22: test-label tasks that are not express need no pilots. */
  pilotExempt: boolean;
  fullChain: boolean;
  /** Step 3 verdicts by source ATLAS site for the task's nucleus (null without one), −2 not yet known. */
  linkVerdicts: Int32Array | null;
  /** Step 6 verdicts per fair-share policy (1/0, −1 not yet known). */
  zeroShare: Int8Array;
  /** Step 10 outcomes per software class (null when the task names no release). */
  software: (SoftwareOutcome | undefined)[] | null;
}

export function filterSettings(ctx: ProdContext): FilterSettings {
  const { task, o } = ctx;
  const prio = task.currentPriority;
  const preAssigned = ctx.preAssigned;
  const sitePre = ctx.sitePreAssigned;
  const memo = ctx.view.memo;
  const ipConn = task.ipConnectivity ?? null;
  const ipStack = task.ipStack ?? null;
  return {
    checkStatus: !preAssigned,
    standbyOk: o.variants.status === 'code',
    hasNucleus: ctx.nucleus !== null,
    highPrio: (prio >= 800 || ctx.useScout) && !preAssigned,
    inactiveOn: (prio >= 800 || ctx.useScout || ctx.isMerging || task.mergeOutput === true) && !preAssigned,
    zeroShareOn:
      (sitePre && task.prodSourceLabel !== 'managed') ||
      !(ctx.wqTag === 'test' || ctx.wqTag === 'validation'),
    jumboTask: task.nJumboJobs !== undefined,
    maxCore: task.maxCoreCount ?? 0,
    ipConn,
    ipStack,
    ipCheck: !sitePre && (ipConn !== null || ipStack !== null),
    ioLimit: task.ioIntensity && !ctx.isMerging ? task.ioIntensity : 0,
    taskSingleCore: (task.coreCount === null || task.coreCount <= 1) && !usesEventService(task),
    pilotExempt: task.prodSourceLabel.includes('test') && !ctx.isExpress,
    fullChain: ctx.nucleusSpec !== null && task.fullChain === true && !!ctx.nucleusSpec.bareNucleus,
    linkVerdicts: ctx.nucleus !== null ? memo.linkVerdicts(linkKey(ctx)) : null,
    zeroShare: memo.zeroShare(zeroShareKey(ctx)),
    software: ctx.sw !== null ? memo.softwareOutcomes(ctx.sw) : null,
  };
}

/** What the link check (`siteLinkCheck`) reads of the call besides the nucleus' links and the options. */
export function linkKey(ctx: ProdContext): MemoKey {
  return [ctx.nucleusKey, ctx.isExpress, ctx.nucleusUnwritable, ctx.totalQueuedToNucleus];
}

/** What `hasZeroShare` reads of the task. */
export function zeroShareKey(ctx: ProdContext): MemoKey {
  const t = ctx.task;
  return [t.processingType, t.workingGroup, t.gshare, t.currentPriority, ctx.isMerging];
}

// §2.2 step 3 for the unified PQ `ui`: decided once per source ATLAS site in the cycle memo.
export function linkOutcome(ctx: ProdContext, verdicts: Int32Array, ui: number): number {
  const id = ctx.cat.atlasSiteId[ui];
  let v = verdicts[id];
  if (v === UNSET) v = verdicts[id] = siteLinkCheck(ctx, id);
  return v;
}

// §2.2 step 6 for the fair-share policy `policyId`, decided once per policy in the cycle memo.
export function zeroShareOutcome(ctx: ProdContext, memo: Int8Array, policyId: number): number {
  let z = memo[policyId];
  if (z < 0) {
    const policy = { fairsharePolicy: ctx.cat.policies[policyId] };
    z = memo[policyId] = hasZeroShare(policy, ctx.task, ctx.isMerging) ? 1 : 0;
  }
  return z === 1 ? X.zeroshare : PASS;
}

// §2.2 step 10 for the software class `cls`, decided once per class in the cycle memo.
export function softwareOf(
  ctx: ProdContext,
  memo: (SoftwareOutcome | undefined)[],
  cls: number,
): SoftwareOutcome {
  let v = memo[cls];
  if (v === undefined) v = memo[cls] = softwareOutcome(ctx, cls);
  return v;
}

/**
 * Steps 24 and 25 (23 in hint mode) over the PQs that passed steps 2–22 with their temporary marks, shared by both
 * drivers; `lastStep` is the latest step that dropped a PQ so far.
 */
export function finishFilters(
  ctx: ProdContext,
  passed: number[],
  passedTemp: ArrayLike<number>,
  nMarked: number,
  counts: Int32Array,
  lastStep: number,
  explain: boolean,
  excluded: ProdExclusion[],
): { survivors: number[]; emptiedAt: number | null } {
  const rows = ctx.cat.rows;
  let emptiedAt: number | null = passed.length === 0 ? lastStep : null;
  let survivors = passed;
  let temps: ArrayLike<number> = passedTemp;
  if (!ctx.hint && passed.length > 0) {
    const kept = ioMoveLimit(ctx, passed, counts, explain ? excluded : null);
    if (kept !== null) {
      survivors = [];
      const keptTemps: number[] = [];
      temps = keptTemps;
      for (let k = 0; k < passed.length; k++) {
        if (kept[k]) {
          survivors.push(passed[k]);
          keptTemps.push(passedTemp[k]);
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
  return { survivors, emptiedAt };
}

/** A PQ dropped with `outcome`, explained. */
export function exclusion(ctx: ProdContext, row: QueueRow, outcome: number): ProdExclusion {
  return {
    siteName: row.sitename,
    unifiedName: row.unifiedName,
    code: CODE_NAMES[outcome >> 1],
    step: stepOf(outcome),
    temporary: isTemporary(outcome),
    message: filterMessage(ctx, row, outcome),
  };
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
