// The dynamic PQ state of one snapshot resolved onto a catalog: each unified PQ's `QueueState` by catalog index,
// the all-share sums the filters need, and — on first use of a share — that share's job counts as arrays. PanDA's
// brokerage also works from job statistics read once per cycle (`getJobStatisticsByGlobalShare`), while the
// live counter carries what changed within the cycle; prepare a view once per cycle and hand it to every
// brokerage call of that cycle. A view reflects the counts at the time it was built (and, for a share, at its
// first use): after changing job counts, prepare a new view. The view also owns the per-call work arrays of the
// production brokerage, so calls sharing a view allocate nothing per PQ.

import type { QueueState } from '../snapshot/queue.ts';
import type { QueueCatalog } from './queue-catalog.ts';

/** Counts of one share per catalog index (unified parents and ordinary PQs; pseudo queues read their parent). */
export interface ShareCountArrays {
  nRunning: Float64Array;
  nActivated: Float64Array;
  nAssigned: Float64Array;
  nStarting: Float64Array;
  nDefined: Float64Array;
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
  /** Share (or work queue) name → counts, filled on first use. */
  shares: Map<string, ShareCountArrays>;
  /** Work arrays reused by every brokerage call on this view. */
  scratch: BrokerageScratch;
}

/** Per-call arrays indexed by catalog index (or ATLAS-site id), reset at the start of each call. */
export interface BrokerageScratch {
  maxwdir: Float64Array;
  nPilot: Int32Array;
  preference: Float64Array;
  nucleusFlag: Int8Array;
  siteSize: Float64Array;
  siteFiles: Float64Array;
  live: Float64Array;
  networkWeight: Float64Array;
  linkVerdict: Int32Array;
}

export function prepareQueueStateView(
  catalog: QueueCatalog,
  queueStates: Record<string, QueueState>,
): QueueStateView {
  const n = catalog.rows.length;
  const state: (QueueState | undefined)[] = new Array(n).fill(undefined);
  const runningAll = new Float64Array(n);
  const transferringAll = new Float64Array(n);
  const activatedStartingAll = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (catalog.unifiedIndex[i] !== i) continue;
    const st = queueStates[catalog.unifiedNames[i]];
    if (st === undefined) continue;
    state[i] = st;
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
    maxwdir: new Float64Array(n),
    nPilot: new Int32Array(n),
    preference: new Float64Array(n),
    nucleusFlag: new Int8Array(n),
    siteSize: new Float64Array(n),
    siteFiles: new Float64Array(n),
    live: new Float64Array(n),
    networkWeight: new Float64Array(catalog.atlasSiteNames.length),
    linkVerdict: new Int32Array(catalog.atlasSiteNames.length),
  };
  return {
    catalog,
    queueStates,
    state,
    runningAll,
    transferringAll,
    activatedStartingAll,
    shares: new Map(),
    scratch,
  };
}

/** The counts of one share per catalog index, computed on first use. */
export function shareCountArrays(view: QueueStateView, share: string): ShareCountArrays {
  let a = view.shares.get(share);
  if (a !== undefined) return a;
  const n = view.state.length;
  a = {
    nRunning: new Float64Array(n),
    nActivated: new Float64Array(n),
    nAssigned: new Float64Array(n),
    nStarting: new Float64Array(n),
    nDefined: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const c = view.state[i]?.jobsByShare[share];
    if (c === undefined) continue;
    a.nRunning[i] = c.nRunning;
    a.nActivated[i] = c.nActivated;
    a.nAssigned[i] = c.nAssigned;
    a.nStarting[i] = c.nStarting;
    a.nDefined[i] = c.nDefined;
  }
  view.shares.set(share, a);
  return a;
}
