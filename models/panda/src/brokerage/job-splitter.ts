// Assignment of a chunk's jobs to the brokerage candidates in bunches — `JobSplitter.doSplit`
// (pandajedi/jediorder/JobSplitter.py) choosing a site with `InputChunk.getOneSiteCandidate`
// (pandaserver/taskbuffer/InputChunk.py), as JobGenerator runs them (pandajedi/jediorder/JobGenerator.py):
// brokerage.md §2.6.
//
// A site is drawn at the start and each time the job counter reaches a multiple of the bunch size (2 for scouts
// and HPO, else 25, or the chosen PQ's `jobChunkSize`). Bootstrap candidates (weight 0) get one bunch each, drawn
// uniformly; then weighted draws with replacement among candidates under their cap, and after each weighted draw
// the winner's queue grows by the bunch size and its weight decays by (q+1)/(q+n+1). Quirks kept on purpose:
// the job counter is not reset per bunch, so after a PQ with a different `jobChunkSize` a bunch can be short; the
// queue update uses the bunch size in force *before* the draw; when the input runs out exactly on a bunch
// boundary one more draw is made (and its update kept) although no job follows; the float-rounding fallback
// decays the last candidate's weight, not the chosen one's. PQs with `jobChunkSize` are strict in the first pass
// (a short last bunch for them is given back) and excluded in the second pass that places the rest.
// The caller supplies the uniform [0,1) random source, so the simulator controls reproducibility.

/** What the splitter needs from a site candidate; analysis candidates have null counts (no cap, no decay). */
export interface SplitCandidate {
  siteName: string;
  weight: number;
  nQueuedJobs: number | null;
  nAssignedJobs: number | null;
  nRunningJobsCap: number | null;
  jobChunkSize?: number | null;
}

export interface SplitRequest {
  /** Jobs the chunk makes. */
  nJobs: number;
  /** Uniform random numbers in [0, 1). */
  rng: () => number;
  useScout?: boolean;
  isMerging?: boolean;
  isHpoWorkflow?: boolean;
  /** Jobs already generated this cycle per PQ (`InputChunk.update_n_queue`; not applied to merges). */
  liveCount?: Record<string, number>;
}

export interface SplitBunch {
  siteName: string;
  nJobs: number;
  bootstrap: boolean;
  /** Probability the draw had of choosing this PQ. */
  probability: number;
  weightBefore: number;
  weightAfter: number;
  /** The PQ's queue when it was drawn, and after the draw's update. */
  nQueuedBefore: number | null;
  nQueuedAfter: number | null;
  /** 1 = first pass (jobChunkSize strict), 2 = second pass without jobChunkSize PQs. */
  pass: 1 | 2;
}

export interface SplitResult {
  /** siteName → jobs assigned. */
  assignments: Record<string, number>;
  bunches: SplitBunch[];
  nAssigned: number;
  /** Jobs left for the next cycle because no candidate could take them. */
  nUnassigned: number;
  /** Candidate state after splitting (weights, queues). */
  candidates: SplitCandidate[];
  /** Site draws made, including a trailing draw that got no job. */
  nDraws: number;
}

interface DrawResult {
  index: number;
  bootstrap: boolean;
  probability: number;
  weightBefore: number;
  nQueuedBefore: number | null;
}

/** `SiteCandidate.can_accept_jobs`. */
function canAcceptJobs(c: SplitCandidate): boolean {
  return c.nRunningJobsCap === null || c.nQueuedJobs === null || c.nRunningJobsCap > c.nQueuedJobs;
}

// InputChunk.getOneSiteCandidate(nSubChunks, ngSites).
function drawSite(
  cands: SplitCandidate[],
  bootstrapped: Uint8Array,
  ng: Uint8Array,
  nSub: number,
  rng: () => number,
): DrawResult | null {
  let nBoot = 0;
  for (let k = 0; k < cands.length; k++) if (cands[k].weight === 0 && !bootstrapped[k] && !ng[k]) nBoot++;
  if (nBoot > 0) {
    let pick = Math.floor(rng() * nBoot);
    for (let k = 0; k < cands.length; k++) {
      if (cands[k].weight === 0 && !bootstrapped[k] && !ng[k] && pick-- === 0) {
        bootstrapped[k] = 1;
        return {
          index: k,
          bootstrap: true,
          probability: 1 / nBoot,
          weightBefore: 0,
          nQueuedBefore: cands[k].nQueuedJobs,
        };
      }
    }
  }
  let total = 0;
  let last = -1;
  let nOk = 0;
  for (let k = 0; k < cands.length; k++) {
    const c = cands[k];
    if (ng[k] || (c.weight === 0 && bootstrapped[k]) || !canAcceptJobs(c)) continue;
    total += c.weight;
    last = k;
    nOk++;
  }
  if (nOk === 0) return null;
  let r = rng() * total;
  let chosen = -1;
  let walked = -1;
  for (let k = 0; k < cands.length; k++) {
    const c = cands[k];
    if (ng[k] || (c.weight === 0 && bootstrapped[k]) || !canAcceptJobs(c)) continue;
    walked = k;
    r -= c.weight;
    if (r <= 0) {
      chosen = k;
      break;
    }
  }
  if (chosen < 0) {
    let pick = Math.floor(rng() * nOk);
    for (let k = 0; k < cands.length; k++) {
      const c = cands[k];
      if (ng[k] || (c.weight === 0 && bootstrapped[k]) || !canAcceptJobs(c)) continue;
      if (pick-- === 0) {
        chosen = k;
        break;
      }
    }
    walked = last;
  }
  const c = cands[chosen];
  const weightBefore = c.weight;
  const nQueuedBefore = c.nQueuedJobs;
  if (c.nQueuedJobs !== null && c.nAssignedJobs !== null) {
    const old = c.nQueuedJobs;
    c.nQueuedJobs += nSub;
    c.nAssignedJobs += nSub;
    // PanDA decays the loop variable of the walk, which is the chosen candidate unless the fallback was taken
    const decayed = cands[walked];
    decayed.weight = (decayed.weight * (old + 1)) / (c.nQueuedJobs + 1);
  }
  return { index: chosen, bootstrap: false, probability: weightBefore / total, weightBefore, nQueuedBefore };
}

/** Splits `nJobs` over the candidates (listed in brokerage order) and returns the bunches. */
export function splitJobs(candidates: readonly SplitCandidate[], req: SplitRequest): SplitResult {
  const cands = candidates.map((c) => ({ ...c }));
  const n = cands.length;
  if (req.liveCount && !req.isMerging) {
    for (const c of cands) {
      const live = req.liveCount[c.siteName] ?? 0;
      if (live > 0 && c.nQueuedJobs !== null) c.nQueuedJobs += live;
    }
  }
  const defaultSize = (req.useScout && !req.isMerging) || req.isHpoWorkflow ? 2 : 25;
  const bootstrapped = new Uint8Array(n);
  const noNg = new Uint8Array(n);
  const chunkSizeNg = new Uint8Array(n);
  for (let k = 0; k < n; k++) if (cands[k].jobChunkSize != null) chunkSizeNg[k] = 1;
  const bunches: SplitBunch[] = [];
  let remaining = req.nJobs;
  let nDraws = 0;

  const runPass = (pass: 1 | 2): boolean => {
    const ng = pass === 1 ? noNg : chunkSizeNg;
    let nSub = defaultSize;
    let strict = false;
    let i = 0;
    let open: SplitBunch | null = null;
    while (true) {
      if (i % nSub === 0) {
        if (open !== null && open.nJobs > 0) bunches.push(open);
        open = null;
        const d = drawSite(cands, bootstrapped, ng, nSub, req.rng);
        nDraws++;
        if (d === null) break;
        const c = cands[d.index];
        const size = c.jobChunkSize;
        nSub = size ?? defaultSize;
        strict = size != null;
        open = {
          siteName: c.siteName,
          nJobs: 0,
          bootstrap: d.bootstrap,
          probability: d.probability,
          weightBefore: d.weightBefore,
          weightAfter: c.weight,
          nQueuedBefore: d.nQueuedBefore,
          nQueuedAfter: c.nQueuedJobs,
          pass,
        };
      }
      if (remaining === 0) break;
      const take = Math.min((Math.floor(i / nSub) + 1) * nSub - i, remaining);
      open!.nJobs += take;
      i += take;
      remaining -= take;
    }
    if (open !== null && open.nJobs > 0) {
      if (pass === 1 && strict && open.nJobs < nSub) {
        remaining += open.nJobs;
        return true;
      }
      bunches.push(open);
    }
    return false;
  };

  if (runPass(1)) runPass(2);
  const assignments: Record<string, number> = {};
  let nAssigned = 0;
  for (const b of bunches) {
    assignments[b.siteName] = (assignments[b.siteName] ?? 0) + b.nJobs;
    nAssigned += b.nJobs;
  }
  return { assignments, bunches, nAssigned, nUnassigned: req.nJobs - nAssigned, candidates: cands, nDraws };
}
