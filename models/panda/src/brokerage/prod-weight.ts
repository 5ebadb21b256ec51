// Weight, caps and classification of the surviving PQs, and the final candidate list —
// `AtlasProdJobBroker.doBrokerage` from "calculate weight" to the end (pandajedi/jedibrokerage/
// AtlasProdJobBroker.py); brokerage.md §2.4 and §2.5.
//
// weight = basic × data locality × t1Weight (nucleus PQs) × network weight (if NW_ACTIVE) × architecture preference
// basic  = (R+1)/(Act+St+Def+10)                       input local or none
//        = (R+1)/(Act+Ass+St+Def+10)/manyAssigned      input must move
// Caps: queued ≤ max(cutOff, 2×running); PQs over the cap, and the others of §2.5, become "secondary" and are
// not used. Empty PQs of low-priority tasks are bootstrapped with weight 0 and listed first.
//
// Each PQ is evaluated into one reusable record, so weighing hundreds of PQs allocates nothing; candidate objects
// are built only for the (at most ten) PQs chosen, by evaluating them again.

import type { LinkMetrics } from '../snapshot/network.ts';
import { networkWeightValue } from './network-weight.ts';
import { CODE_NAMES, CODE_STEP, X } from './prod-codes.ts';
import type { ProdContext } from './prod-context.ts';
import type { ProdExclusion, ProdSiteCandidate, ProdWeightFactors } from './prod-decision.ts';
import { isNucleusQueue, type FilterResult } from './prod-filters.ts';
import { Q_JUMBO, Q_NUM_SLOTS, Q_ONLY_LOCAL_DATA, Q_UCORE, Q_UPS } from './queue-catalog.ts';
import { getNumStandby } from './queue-state.ts';

const MB = 1024 * 1024;
const BOOST_NONE = 0;
const BOOST_WORKERS = 1;
const BOOST_SLOTS = 2;

/** One PQ's weight and cap quantities. */
interface Evaluation {
  nRunning: number;
  nRunningAll: number;
  nActivated: number;
  nAssigned: number;
  nStarting: number;
  nDefined: number;
  liveCount: number;
  boost: number;
  manyAssigned: number;
  useAssigned: boolean;
  basicWeight: number;
  dataWeight: number;
  t1Weight: number;
  /** NaN without a nucleus */
  networkWeight: number;
  preferenceWeight: number;
  weight: number;
  skipRemoteData: boolean;
  useCapRT: boolean;
  rtRunning: number;
  rtQueued: number;
  nQueuedJobs: number;
  /** NaN for express chunks (no cap) */
  nRunningJobsCap: number;
}

function newEvaluation(): Evaluation {
  return {
    nRunning: 0,
    nRunningAll: 0,
    nActivated: 0,
    nAssigned: 0,
    nStarting: 0,
    nDefined: 0,
    liveCount: 0,
    boost: BOOST_NONE,
    manyAssigned: 1,
    useAssigned: false,
    basicWeight: 0,
    dataWeight: 1,
    t1Weight: 1,
    networkWeight: NaN,
    preferenceWeight: 1,
    weight: 0,
    skipRemoteData: false,
    useCapRT: false,
    rtRunning: 0,
    rtQueued: 0,
    nQueuedJobs: 0,
    nRunningJobsCap: NaN,
  };
}

/** Per-call lookups resolved once: input files per unified PQ, network weight per ATLAS site. */
interface Lookups {
  siteSize: Float64Array;
  siteFiles: Float64Array;
  /** NaN until computed */
  networkWeight: Float64Array;
}

function lookups(ctx: ProdContext): Lookups {
  const { cat, chunk } = ctx;
  const { siteSize, siteFiles, networkWeight } = ctx.view.scratch;
  siteSize.fill(0);
  siteFiles.fill(0);
  networkWeight.fill(NaN);
  const avail = chunk.availableFiles;
  if (avail && chunk.totalSize > 0) {
    for (const name in avail) {
      const i = cat.indexByName.get(name);
      if (i === undefined) continue;
      siteSize[i] = avail[name].siteSize;
      siteFiles[i] = avail[name].siteFiles;
    }
  }
  return { siteSize, siteFiles, networkWeight };
}

// §2.4 steps 1–10 and the cap quantities of §2.5 for catalog index i.
function evaluate(ctx: ProdContext, f: FilterResult, l: Lookups, i: number, e: Evaluation): void {
  const { cat, task, chunk, o } = ctx;
  const col = cat.columns;
  const ui = cat.unifiedIndex[i];
  const flags = col.flags[i];
  const c = ctx.counts;
  const prio = task.currentPriority;
  let nRunning = c.nRunning[ui];
  const nActivated = c.nActivated[ui];
  const nAssigned = c.nAssigned[ui];
  const nStarting = c.nStarting[ui];
  const liveCount = ctx.live !== null ? ctx.live[ui] : 0;
  const nDefined = c.nDefined[ui] + liveCount;
  let boost = BOOST_NONE;
  // step 2: Harvester workers bootstrap UPS queues
  const nWorkers = Math.min(o.nWorkersCutoff, ctx.view.nWorkers[ui]);
  if (
    !ctx.preAssigned &&
    (ctx.view.pilots[ui] | 0) > 0 &&
    nRunning < o.nWorkersCutoff &&
    nWorkers > nRunning &&
    (col.flags[ui] & Q_UPS) !== 0 &&
    prio <= o.MAX_PRIO_TO_BOOTSTRAP
  ) {
    nRunning = nWorkers;
    boost = BOOST_WORKERS;
  }
  // step 3: Harvester numSlots
  if ((flags & Q_NUM_SLOTS) !== 0 && prio <= o.MAX_PRIO_TO_BOOTSTRAP) {
    const numStandby = getNumStandby(cat.specs[i], ctx.wqTag, task.resource_type);
    if (numStandby !== null) {
      nRunning =
        numStandby === 0
          ? nStarting + nRunning
          : Math.max(Math.trunc(numStandby / (col.coreCount[i] || 1)), nRunning);
      boost = BOOST_SLOTS;
    }
  }
  const manyAssigned =
    o.variants.manyAssigned === 'docs'
      ? Math.max(1, Math.min(2, nActivated > 0 ? nAssigned / nActivated : nAssigned > 0 ? 2 : 1))
      : Math.max(1, Math.min(2, (nAssigned + 1) / (nActivated + 1)));
  const totalSize = chunk.totalSize;
  const siteSize = l.siteSize[ui];
  const siteFiles = l.siteFiles[ui];
  const useAssigned = chunk.datasets.length > 0 && siteSize < totalSize;
  // resource-type statistics of the task's share (§2.5)
  let useCapRT = false;
  let rtRunning = 0;
  let rtQueued = 0;
  const rt = ctx.rtCounts;
  if (rt !== null && rt.has[ui] === 1) {
    useCapRT = true;
    rtRunning = Math.max(rt.nRunning[ui], nRunning);
    rtQueued = rt.nDefined[ui] + (useAssigned ? rt.nAssigned[ui] : 0) + rt.nActivated[ui] + rt.nStarting[ui];
  }
  const basicWeight =
    totalSize === 0 || totalSize - siteSize <= 0
      ? (nRunning + 1) / (nActivated + nStarting + nDefined + 10)
      : (nRunning + 1) / (nActivated + nAssigned + nStarting + nDefined + 10) / manyAssigned;
  let weight = basicWeight;
  let dataWeight = 1;
  let skipRemoteData = false;
  if (totalSize > 0) {
    const nFilesToMove = chunk.nFiles - siteFiles;
    if (
      (flags & Q_ONLY_LOCAL_DATA) !== 0 &&
      (Math.trunc((totalSize - siteSize) / MB) > 0 || nFilesToMove > 0)
    )
      skipRemoteData = true;
    else {
      dataWeight = (totalSize + siteSize) / totalSize / (nFilesToMove / 100 + 1);
      weight = (weight * (totalSize + siteSize)) / totalSize / (nFilesToMove / 100 + 1);
    }
  }
  let nucleusPQ = f.nucleusFlag[ui];
  if (nucleusPQ < 0) nucleusPQ = f.nucleusFlag[ui] = isNucleusQueue(ctx, cat.rows[ui]) ? 1 : 0;
  const t1Weight = nucleusPQ === 1 ? ctx.t1Weight : 1;
  weight *= t1Weight;
  let nw = NaN;
  if (ctx.nucleus !== null) {
    const id = cat.atlasSiteId[ui];
    nw = l.networkWeight[id];
    if (Number.isNaN(nw)) {
      nw = l.networkWeight[id] = networkWeightValue(
        id === ctx.nucleusAtlasId,
        (ctx.linksBySite as (LinkMetrics | undefined)[])[id],
        ctx.isExpress,
        ctx.networkOptions,
      );
    }
    if (o.NW_ACTIVE) weight *= nw;
  }
  const pref = f.preference[ui];
  if (pref !== 0) weight *= pref;
  const express = ctx.isExpress;
  let nQueuedJobs: number;
  let cap: number;
  if ((flags & Q_UCORE) !== 0) {
    cap = express ? NaN : Math.max(ctx.cutOffValue, o.cutOffFactor * rtRunning);
    nQueuedJobs = rtQueued;
  } else {
    cap = express ? NaN : Math.max(ctx.cutOffValue, o.cutOffFactor * nRunning);
    nQueuedJobs =
      nActivated + nStarting + (useAssigned ? nAssigned : 0) + (o.variants.cap === 'docs' ? nDefined : 0);
  }
  e.nRunning = nRunning;
  e.nRunningAll = ctx.view.runningAll[ui];
  e.nActivated = nActivated;
  e.nAssigned = nAssigned;
  e.nStarting = nStarting;
  e.nDefined = nDefined;
  e.liveCount = liveCount;
  e.boost = boost;
  e.manyAssigned = manyAssigned;
  e.useAssigned = useAssigned;
  e.basicWeight = basicWeight;
  e.dataWeight = dataWeight;
  e.t1Weight = t1Weight;
  e.networkWeight = nw;
  e.preferenceWeight = pref !== 0 ? pref : 1;
  e.weight = weight;
  e.skipRemoteData = skipRemoteData;
  e.useCapRT = useCapRT;
  e.rtRunning = rtRunning;
  e.rtQueued = rtQueued;
  e.nQueuedJobs = nQueuedJobs;
  e.nRunningJobsCap = cap;
}

// §2.5 decision chain without the negative-t1Weight and jumbo branches: -1 = primary, 0 = bootstrap (primary at
// weight 0), else the secondary outcome code.
function classify(ctx: ProdContext, i: number, e: Evaluation): number {
  const { o, task } = ctx;
  const express = ctx.isExpress;
  if (ctx.view.locked[ctx.cat.unifiedIndex[i]] === 1) return X.lock;
  if (e.skipRemoteData) return X.non_local;
  if (!express && (ctx.cat.columns.flags[i] & Q_UCORE) === 0 && e.nQueuedJobs > e.nRunningJobsCap)
    return X.cap;
  if (o.NW_ACTIVE && express && e.networkWeight < o.NW_THRESHOLD * o.NW_WEIGHT_MULTIPLIER)
    return X.lowNetworkWeight;
  if (e.useCapRT && !express && e.rtQueued > Math.max(ctx.cutOffValue, e.rtRunning * o.resourceTypeCapFactor))
    return X.cap_rt;
  if (
    e.nRunning + e.nActivated + e.nAssigned + e.nStarting + e.nDefined === 0 &&
    task.currentPriority <= o.MAX_PRIO_TO_BOOTSTRAP &&
    !ctx.isMerging &&
    !express
  ) {
    return 0;
  }
  if (ctx.minWeight > 0 && e.weight < ctx.minWeight) return X.below_min_weight;
  return -1;
}

const BOOSTS: ProdWeightFactors['nRunningBoost'][] = [null, 'workers', 'numSlots'];

function candidateFrom(
  ctx: ProdContext,
  f: FilterResult,
  i: number,
  e: Evaluation,
  bootstrap: boolean,
): ProdSiteCandidate {
  const row = ctx.cat.rows[i];
  const hasNw = !Number.isNaN(e.networkWeight);
  const mw = f.maxwdir[row.unifiedIndex];
  return {
    siteName: row.sitename,
    unifiedName: row.unifiedName,
    weight: bootstrap ? 0 : e.weight,
    bootstrap,
    factors: {
      nRunning: e.nRunning,
      nActivated: e.nActivated,
      nAssigned: e.nAssigned,
      nStarting: e.nStarting,
      nDefined: e.nDefined,
      liveCount: e.liveCount,
      nRunningBoost: BOOSTS[e.boost],
      manyAssigned: e.manyAssigned,
      useAssigned: e.useAssigned,
      basicWeight: e.basicWeight,
      dataWeight: e.dataWeight,
      t1Weight: e.t1Weight,
      networkWeight: hasNw ? e.networkWeight : null,
      networkWeightApplied: hasNw && ctx.o.NW_ACTIVE,
      preferenceWeight: e.preferenceWeight,
      weight: e.weight,
    },
    nRunningJobs: e.nRunning,
    nAssignedJobs: e.nAssigned,
    nQueuedJobs: e.nQueuedJobs,
    nRunningJobsCap: Number.isNaN(e.nRunningJobsCap) ? null : e.nRunningJobsCap,
    maxwdir: mw !== 0 ? mw : null,
    platform: f.platform.get(row.unifiedIndex) ?? null,
    jobChunkSize: row.jobChunkSize !== 0 ? row.jobChunkSize : null,
  };
}

function secondaryMessage(ctx: ProdContext, code: number, e: Evaluation): string {
  const o = ctx.o;
  switch (CODE_NAMES[code >> 1]) {
    case 'lock':
      return 'locked by another brokerage';
    case 'non_local':
      return 'input not local while the PQ uses only local data';
    case 'cap':
      return `nQueued=${e.nQueuedJobs} greater than max(${ctx.cutOffValue},${o.cutOffFactor}*nRunning=${e.nRunning})`;
    case 'lowNetworkWeight':
      return `network weight ${e.networkWeight} below ${o.NW_THRESHOLD * o.NW_WEIGHT_MULTIPLIER} for an express task`;
    case 'cap_rt':
      return `nQueued_rt=${e.rtQueued} greater than max(${ctx.cutOffValue},${o.resourceTypeCapFactor}*nRunning_rt=${e.rtRunning})`;
    case 'below_min_weight':
      return `weight ${e.weight} below the minimum ${ctx.minWeight}`;
    case 't1_weight':
      return `total nRunningAll=${e.nRunningAll} is not the largest for negative t1Weight`;
    default:
      return `weight ${e.weight} not among the ${o.maxSiteCandidates} best`;
  }
}

export interface Classification {
  candidates: ProdSiteCandidate[];
  jumboCandidates: ProdSiteCandidate[];
  /** Filled only when explaining. */
  excluded: ProdExclusion[];
}

/** §2.4–2.5 over the filter survivors (scan order); `counts` gets the secondaries per code. */
export function weighAndRank(
  ctx: ProdContext,
  f: FilterResult,
  counts: Int32Array,
  explain: boolean,
): Classification {
  const rows = ctx.cat.rows;
  const jumboTask = ctx.task.nJumboJobs !== undefined;
  const e = newEvaluation();
  const l = lookups(ctx);
  const excluded: ProdExclusion[] = [];
  // primaries as parallel arrays: catalog index, weight used for ranking (0 for bootstrap), jumbo flag
  const { primaryIndex: pIndex, primaryWeight: pWeight, primaryJumbo: pJumbo } = ctx.view.scratch;
  let nPrimary = 0;
  let nJumbo = 0;
  let largestNumRun = -1;
  const demote = (i: number, outcome: number, ev: Evaluation): void => {
    counts[outcome >> 1]++;
    if (!explain) return;
    const row = rows[i];
    excluded.push({
      siteName: row.sitename,
      unifiedName: row.unifiedName,
      code: CODE_NAMES[outcome >> 1],
      step: CODE_STEP[outcome >> 1],
      temporary: false,
      message: `${row.sitename}: ${secondaryMessage(ctx, outcome, ev)}`,
      weight: ev.weight,
    });
  };

  const survivors = f.survivors;
  for (let s = 0; s < survivors.length; s++) {
    const i = survivors[s];
    evaluate(ctx, f, l, i, e);
    const forJumbo = jumboTask && (ctx.cat.columns.flags[i] & Q_JUMBO) !== 0;
    const cls = classify(ctx, i, e);
    // PanDA adds jumbo PQs to the jumbo list whatever the chain says; only bootstrap changes their weight
    if (!forJumbo) {
      if (cls > 0) {
        demote(i, cls, e);
        continue;
      }
      if (cls === -1 && ctx.useT1Weight) {
        if (largestNumRun >= 0 && largestNumRun >= e.nRunningAll) {
          demote(i, X.t1_weight, e);
          continue;
        }
        largestNumRun = e.nRunningAll;
        // the earlier primaries are demoted, jumbo PQs stay
        const ev = newEvaluation();
        let kept = 0;
        for (let k = 0; k < nPrimary; k++) {
          if (pJumbo[k] === 1) {
            pIndex[kept] = pIndex[k];
            pWeight[kept] = pWeight[k];
            pJumbo[kept++] = 1;
            continue;
          }
          if (explain) evaluate(ctx, f, l, pIndex[k], ev);
          demote(pIndex[k], X.t1_weight, ev);
        }
        nPrimary = kept;
      }
    }
    pIndex[nPrimary] = i;
    pWeight[nPrimary] = cls === 0 ? 0 : e.weight;
    pJumbo[nPrimary++] = forJumbo ? 1 : 0;
    if (forJumbo) nJumbo++;
  }
  const full = explain || nJumbo > 0;
  const order = rankOrder(pWeight, nPrimary, ctx.o.maxSiteCandidates, full);
  if (!full) counts[X.low_weight >> 1] += nPrimary - order.length;
  const candidates: ProdSiteCandidate[] = [];
  const jumboCandidates: ProdSiteCandidate[] = [];
  const useJumbo = ctx.chunk.useJumbo;
  for (const k of order) {
    const i = pIndex[k];
    evaluate(ctx, f, l, i, e);
    const cand = candidateFrom(ctx, f, i, e, pWeight[k] === 0);
    if (pJumbo[k] === 1) {
      jumboCandidates.push(cand);
      if (useJumbo !== 'fake' && useJumbo !== 'only') continue;
    }
    if (candidates.length < ctx.o.maxSiteCandidates) candidates.push(cand);
    else demote(i, X.low_weight, e);
  }
  return { candidates, jumboCandidates, excluded };
}

// Final order of the first n weights: weight descending with weight 0 (bootstrap) first, equal weights in scan
// order — PanDA's weight-keyed dict walked in sorted key order. Without explanations or jumbo PQs only the first
// `max` are needed.
function rankOrder(weights: Float64Array, n: number, max: number, full: boolean): number[] {
  const before = (a: number, b: number): boolean => {
    const wa = weights[a];
    const wb = weights[b];
    if (wa === wb) return a < b;
    if (wa === 0) return true;
    if (wb === 0) return false;
    return wa > wb;
  };
  if (full || n <= max) {
    const all = Array.from({ length: n }, (_, k) => k);
    return all.sort((a, b) => (a === b ? 0 : before(a, b) ? -1 : 1));
  }
  const top: number[] = [];
  for (let k = 0; k < n; k++) {
    if (top.length === max && !before(k, top[max - 1])) continue;
    let pos = top.length;
    while (pos > 0 && before(k, top[pos - 1])) pos--;
    top.splice(pos, 0, k);
    if (top.length > max) top.pop();
  }
  return top;
}
