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
import { isNucleusQueueMemo, scaledMaxwdir, type SoftwareOutcome } from './prod-checks.ts';
import type { ProdExclusion, ProdSiteCandidate, ProdWeightFactors } from './prod-decision.ts';
import type { FilterResult } from './prod-filters.ts';
import type { ProdJobBrokerOptions } from './prod-options.ts';
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

// The terms of one PQ that hold for every task of a share, resource type and bootstrap class during a cycle
// (ShareTerms rows): counts, Harvester boosts, manyAssigned and the basic weight without live count.
const T_RUNNING = 0; // nRunning after the boosts of §2.4 steps 2–3
const T_BOOST = 1;
const T_MANY_ASSIGNED = 2;
const T_BASIC_LOCAL = 3;
const T_BASIC_MOVE = 4;
const T_ACTIVATED = 5;
const T_ASSIGNED = 6;
const T_STARTING = 7;
const T_DEFINED = 8;
const T_RUNNING_ALL = 9;
const T_FLAGS = 10;
const T_LOCKED = 11;
/** 1 when the PQ publishes counts of the task's share and resource type. */
const T_RT = 12;
const T_RT_RUNNING = 13; // max(nRunning of the resource type, boosted nRunning)
const T_RT_QUEUED_ASSIGNED = 14; // queued of the resource type with, and without, its assigned jobs
const T_RT_QUEUED = 15;
const TERMS = 16;

// What `evaluate` reads, resolved once per call: the share's terms (cycle memo), the chunk's input files per
// unified PQ, the live counter, and the nucleus' network weights per ATLAS site (also shared by the cycle's calls
// for the same nucleus and express flag). Hundreds of survivors are weighed per call; their terms sit together so
// that weighing one reads a few cache lines rather than one line in each of two dozen arrays.
class Weigher {
  readonly unifiedIndex: Int32Array;
  readonly softwareClass: Int32Array;
  readonly atlasSiteId: Int32Array;
  readonly terms: Float64Array;
  readonly known: Uint8Array;
  readonly live: Float64Array | null;
  readonly siteSize: Float64Array;
  readonly siteFiles: Float64Array;
  readonly networkWeights: Float64Array;
  readonly software: (SoftwareOutcome | undefined)[] | null;
  readonly o: ProdJobBrokerOptions;
  readonly bootstrapPrio: boolean;
  readonly totalSize: number;
  readonly nFiles: number;
  /** The file-moving term `nFilesToMove/100 + 1` of PQs that hold none of the chunk's files. */
  readonly moveAllTerm: number;
  readonly hasDatasets: boolean;
  readonly hasNucleus: boolean;
  readonly express: boolean;
  readonly docsCap: boolean;

  constructor(
    readonly ctx: ProdContext,
    f: FilterResult,
  ) {
    const { cat, view, chunk, o } = ctx;
    this.unifiedIndex = cat.unifiedIndex;
    this.softwareClass = cat.columns.softwareClass;
    this.atlasSiteId = cat.atlasSiteId;
    this.bootstrapPrio = ctx.task.currentPriority <= o.MAX_PRIO_TO_BOOTSTRAP;
    // the terms depend on the task through its share, resource type, pre-assignment and bootstrap class only
    const terms = view.memo.shareTerms(
      [ctx.wqTag, ctx.task.resource_type, ctx.preAssigned, this.bootstrapPrio],
      TERMS,
    );
    this.terms = terms.rows;
    this.known = terms.known;
    this.live = ctx.live;
    this.siteSize = view.scratch.siteSize;
    this.siteFiles = view.scratch.siteFiles;
    this.siteSize.fill(0);
    this.siteFiles.fill(0);
    const avail = chunk.availableFiles;
    if (avail && chunk.totalSize > 0) {
      for (const name of Object.keys(avail)) {
        const i = cat.indexByName.get(name);
        if (i === undefined) continue;
        const a = avail[name];
        this.siteSize[i] = a.siteSize;
        this.siteFiles[i] = a.siteFiles;
      }
    }
    this.networkWeights = view.memo.networkWeight(ctx.nucleusKey, ctx.isExpress);
    this.software = f.settings.software;
    this.o = o;
    this.totalSize = chunk.totalSize;
    this.nFiles = chunk.nFiles;
    this.moveAllTerm = chunk.nFiles / 100 + 1;
    this.hasDatasets = chunk.datasets.length > 0;
    this.hasNucleus = ctx.nucleus !== null;
    this.express = ctx.isExpress;
    this.docsCap = o.variants.cap === 'docs';
  }

  /** Architecture preference weight of a surviving unified PQ, 0 for none. */
  preference(ui: number): number {
    return this.software !== null ? (this.software[this.softwareClass[ui]] as SoftwareOutcome).preference : 0;
  }

  // The share's terms of catalog index i: §2.4 steps 2–4 without the live counter, and what the caps read.
  private fillTerms(i: number, ui: number): void {
    const { ctx, o } = this;
    const { cat, view } = ctx;
    const c = ctx.counts;
    const flags = cat.columns.flags;
    let nRunning = c.nRunning[ui];
    const nActivated = c.nActivated[ui];
    const nAssigned = c.nAssigned[ui];
    const nStarting = c.nStarting[ui];
    const nDefined = c.nDefined[ui];
    let boost = BOOST_NONE;
    // step 2: Harvester workers bootstrap UPS queues
    const nWorkers = Math.min(o.nWorkersCutoff, view.nWorkers[ui]);
    if (
      !ctx.preAssigned &&
      (view.pilots[ui] | 0) > 0 &&
      nRunning < o.nWorkersCutoff &&
      nWorkers > nRunning &&
      (flags[ui] & Q_UPS) !== 0 &&
      this.bootstrapPrio
    ) {
      nRunning = nWorkers;
      boost = BOOST_WORKERS;
    }
    // step 3: Harvester numSlots
    if ((flags[i] & Q_NUM_SLOTS) !== 0 && this.bootstrapPrio) {
      const numStandby = getNumStandby(cat.specs[i], ctx.wqTag, ctx.task.resource_type);
      if (numStandby !== null) {
        nRunning =
          numStandby === 0
            ? nStarting + nRunning
            : Math.max(Math.trunc(numStandby / (cat.columns.coreCount[i] || 1)), nRunning);
        boost = BOOST_SLOTS;
      }
    }
    const manyAssigned =
      o.variants.manyAssigned === 'docs'
        ? Math.max(1, Math.min(2, nActivated > 0 ? nAssigned / nActivated : nAssigned > 0 ? 2 : 1))
        : Math.max(1, Math.min(2, (nAssigned + 1) / (nActivated + 1)));
    const t = this.terms;
    const b = i * TERMS;
    t[b + T_RUNNING] = nRunning;
    t[b + T_BOOST] = boost;
    t[b + T_MANY_ASSIGNED] = manyAssigned;
    t[b + T_BASIC_LOCAL] = basicWeightOf(
      true,
      nRunning,
      nActivated,
      nAssigned,
      nStarting,
      nDefined,
      manyAssigned,
    );
    t[b + T_BASIC_MOVE] = basicWeightOf(
      false,
      nRunning,
      nActivated,
      nAssigned,
      nStarting,
      nDefined,
      manyAssigned,
    );
    t[b + T_ACTIVATED] = nActivated;
    t[b + T_ASSIGNED] = nAssigned;
    t[b + T_STARTING] = nStarting;
    t[b + T_DEFINED] = nDefined;
    t[b + T_RUNNING_ALL] = view.runningAll[ui];
    t[b + T_FLAGS] = flags[i];
    t[b + T_LOCKED] = view.locked[ui];
    const rt = ctx.rtCounts;
    if (rt !== null && rt.has[ui] === 1) {
      t[b + T_RT] = 1;
      t[b + T_RT_RUNNING] = Math.max(rt.nRunning[ui], nRunning);
      t[b + T_RT_QUEUED_ASSIGNED] = rt.nDefined[ui] + rt.nAssigned[ui] + rt.nActivated[ui] + rt.nStarting[ui];
      t[b + T_RT_QUEUED] = rt.nDefined[ui] + rt.nActivated[ui] + rt.nStarting[ui];
    }
    this.known[i] = 1;
  }

  // §2.4 steps 1–10 and the cap quantities of §2.5 for catalog index i. Ranking needs the weight but not its data
  // factor on its own, which costs two more divisions: `withDataWeight` is for the factors of candidates.
  evaluate(i: number, e: Evaluation, withDataWeight: boolean): void {
    const { ctx, o } = this;
    const ui = this.unifiedIndex[i];
    if (this.known[i] === 0) this.fillTerms(i, ui);
    const t = this.terms;
    const b = i * TERMS;
    const flags = t[b + T_FLAGS];
    const nRunning = t[b + T_RUNNING];
    const nActivated = t[b + T_ACTIVATED];
    const nAssigned = t[b + T_ASSIGNED];
    const nStarting = t[b + T_STARTING];
    const liveCount = this.live !== null ? this.live[ui] : 0;
    const nDefined = t[b + T_DEFINED] + liveCount;
    const manyAssigned = t[b + T_MANY_ASSIGNED];
    const totalSize = this.totalSize;
    const siteSize = this.siteSize[ui];
    const siteFiles = this.siteFiles[ui];
    const useAssigned = this.hasDatasets && siteSize < totalSize;
    // resource-type statistics of the task's share (§2.5)
    const useCapRT = t[b + T_RT] === 1;
    const rtRunning = useCapRT ? t[b + T_RT_RUNNING] : 0;
    const rtQueued = useCapRT ? t[b + (useAssigned ? T_RT_QUEUED_ASSIGNED : T_RT_QUEUED)] : 0;
    const local = totalSize === 0 || totalSize - siteSize <= 0;
    const basicWeight =
      liveCount === 0
        ? t[b + (local ? T_BASIC_LOCAL : T_BASIC_MOVE)]
        : basicWeightOf(local, nRunning, nActivated, nAssigned, nStarting, nDefined, manyAssigned);
    let weight = basicWeight;
    let dataWeight = 1;
    let skipRemoteData = false;
    if (totalSize > 0) {
      const nFilesToMove = this.nFiles - siteFiles;
      if (
        (flags & Q_ONLY_LOCAL_DATA) !== 0 &&
        (Math.trunc((totalSize - siteSize) / MB) > 0 || nFilesToMove > 0)
      )
        skipRemoteData = true;
      else {
        const moveTerm = siteFiles === 0 ? this.moveAllTerm : nFilesToMove / 100 + 1;
        if (withDataWeight) dataWeight = (totalSize + siteSize) / totalSize / moveTerm;
        weight = (weight * (totalSize + siteSize)) / totalSize / moveTerm;
      }
    }
    // whether the PQ is a nucleus PQ matters only when the task's t1Weight is not 1
    const t1Weight = ctx.t1Weight !== 1 && isNucleusQueueMemo(ctx, ui) ? ctx.t1Weight : 1;
    weight *= t1Weight;
    let nw = NaN;
    if (this.hasNucleus) {
      const id = this.atlasSiteId[ui];
      nw = this.networkWeights[id];
      if (Number.isNaN(nw)) {
        nw = this.networkWeights[id] = networkWeightValue(
          id === ctx.nucleusAtlasId,
          (ctx.linksBySite as (LinkMetrics | undefined)[])[id],
          this.express,
          ctx.networkOptions,
        );
      }
      if (o.NW_ACTIVE) weight *= nw;
    }
    const pref = this.preference(ui);
    if (pref !== 0) weight *= pref;
    const express = this.express;
    let nQueuedJobs: number;
    let cap: number;
    if ((flags & Q_UCORE) !== 0) {
      cap = express ? NaN : Math.max(ctx.cutOffValue, o.cutOffFactor * rtRunning);
      nQueuedJobs = rtQueued;
    } else {
      cap = express ? NaN : Math.max(ctx.cutOffValue, o.cutOffFactor * nRunning);
      nQueuedJobs = nActivated + nStarting + (useAssigned ? nAssigned : 0) + (this.docsCap ? nDefined : 0);
    }
    e.nRunning = nRunning;
    e.nRunningAll = t[b + T_RUNNING_ALL];
    e.nActivated = nActivated;
    e.nAssigned = nAssigned;
    e.nStarting = nStarting;
    e.nDefined = nDefined;
    e.liveCount = liveCount;
    e.boost = t[b + T_BOOST];
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

  // §2.5 decision chain without the negative-t1Weight and jumbo branches, on `evaluate`'s record of catalog index
  // i: -1 = primary, 0 = bootstrap (primary at weight 0), else the secondary outcome code.
  classify(i: number, e: Evaluation): number {
    const { ctx, o } = this;
    const express = this.express;
    const b = i * TERMS;
    if (this.terms[b + T_LOCKED] === 1) return X.lock;
    if (e.skipRemoteData) return X.non_local;
    if (!express && (this.terms[b + T_FLAGS] & Q_UCORE) === 0 && e.nQueuedJobs > e.nRunningJobsCap)
      return X.cap;
    if (o.NW_ACTIVE && express && e.networkWeight < o.NW_THRESHOLD * o.NW_WEIGHT_MULTIPLIER)
      return X.lowNetworkWeight;
    if (
      e.useCapRT &&
      !express &&
      e.rtQueued > Math.max(ctx.cutOffValue, e.rtRunning * o.resourceTypeCapFactor)
    )
      return X.cap_rt;
    if (
      e.nRunning + e.nActivated + e.nAssigned + e.nStarting + e.nDefined === 0 &&
      this.bootstrapPrio &&
      !ctx.isMerging &&
      !express
    ) {
      return 0;
    }
    if (ctx.minWeight > 0 && e.weight < ctx.minWeight) return X.below_min_weight;
    return -1;
  }
}

// §2.4 step 4: (R+1)/(Act+St+Def+10) when the input is local (or there is none), else
// (R+1)/(Act+Ass+St+Def+10)/manyAssigned.
function basicWeightOf(
  local: boolean,
  nRunning: number,
  nActivated: number,
  nAssigned: number,
  nStarting: number,
  nDefined: number,
  manyAssigned: number,
): number {
  return local
    ? (nRunning + 1) / (nActivated + nStarting + nDefined + 10)
    : (nRunning + 1) / (nActivated + nAssigned + nStarting + nDefined + 10) / manyAssigned;
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
  const mw = scaledMaxwdir(ctx.cat.columns, row.unifiedIndex, f.settings.taskSingleCore);
  const software = f.settings.software;
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
    platform:
      software !== null
        ? (software[ctx.cat.columns.softwareClass[row.unifiedIndex]] as SoftwareOutcome).platform
        : null,
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
  const w = new Weigher(ctx, f);
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
    w.evaluate(i, e, false);
    const forJumbo = jumboTask && (ctx.cat.columns.flags[i] & Q_JUMBO) !== 0;
    const cls = w.classify(i, e);
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
          if (explain) w.evaluate(pIndex[k], ev, false);
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
    w.evaluate(i, e, true);
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
  if (full || n <= max) {
    const all = Array.from({ length: n }, (_, k) => k);
    return all.sort((a, b) => (a === b ? 0 : precedes(weights[a], a, weights[b], b) ? -1 : 1));
  }
  // the best `max` so far, in order; a later index never precedes an equal weight, so most fail the first test
  const top: number[] = [];
  for (let k = 0; k < n; k++) {
    const wk = weights[k];
    if (top.length === max && !precedes(wk, k, weights[top[max - 1]], top[max - 1])) continue;
    let pos = top.length < max ? top.length : max - 1;
    while (pos > 0 && precedes(wk, k, weights[top[pos - 1]], top[pos - 1])) {
      if (pos < max) top[pos] = top[pos - 1];
      pos--;
    }
    top[pos] = k;
  }
  return top;
}

function precedes(wa: number, a: number, wb: number, b: number): boolean {
  if (wa === wb) return a < b;
  if (wa === 0) return true;
  if (wb === 0) return false;
  return wa > wb;
}
