import { describe, expect, it } from 'vitest';
import { splitJobs, type SplitCandidate } from '../src/brokerage/job-splitter.ts';

function cand(siteName: string, weight: number, o: Partial<SplitCandidate> = {}): SplitCandidate {
  return {
    siteName,
    weight,
    nQueuedJobs: 0,
    nAssignedJobs: 0,
    nRunningJobsCap: 1000,
    jobChunkSize: null,
    ...o,
  };
}

/** A random source replaying the given values, then repeating the last one. */
function seq(...values: number[]): () => number {
  let k = 0;
  return () => values[Math.min(k++, values.length - 1)];
}

describe('JobSplitter.doSplit + InputChunk.getOneSiteCandidate', () => {
  it('cuts bunches of 25, 2 for scouts and HPO, 25 for scout merges', () => {
    const one = [cand('A', 1, { nRunningJobsCap: null })];
    expect(splitJobs(one, { nJobs: 60, rng: seq(0) }).bunches.map((b) => b.nJobs)).toEqual([25, 25, 10]);
    expect(splitJobs(one, { nJobs: 5, rng: seq(0), useScout: true }).bunches.map((b) => b.nJobs)).toEqual([
      2, 2, 1,
    ]);
    expect(
      splitJobs(one, { nJobs: 5, rng: seq(0), isHpoWorkflow: true }).bunches.map((b) => b.nJobs),
    ).toEqual([2, 2, 1]);
    expect(
      splitJobs(one, { nJobs: 30, rng: seq(0), useScout: true, isMerging: true }).bunches.map((b) => b.nJobs),
    ).toEqual([25, 5]);
  });

  it('walks candidates in order subtracting weights (draw with replacement)', () => {
    const cands = [cand('A', 3, { nQueuedJobs: null }), cand('B', 1, { nQueuedJobs: null })];
    // r = u × 4: 2.8 − 3 ≤ 0 → A; 3.2 − 3 − 1 ≤ 0 → B
    const r = splitJobs(cands, { nJobs: 75, rng: seq(0.7, 0.8, 0.7) });
    expect(r.bunches.map((b) => b.siteName)).toEqual(['A', 'B', 'A']);
    expect(r.bunches[0].probability).toBe(0.75);
    expect(r.assignments).toEqual({ A: 50, B: 25 });
  });

  it('decays the winner by (q+1)/(q+n+1) and grows its queue', () => {
    const r = splitJobs([cand('A', 2, { nQueuedJobs: 10, nAssignedJobs: 4 }), cand('B', 1)], {
      nJobs: 20,
      rng: seq(0),
    });
    const a = r.candidates[0];
    expect(a.nQueuedJobs).toBe(35);
    expect(a.nAssignedJobs).toBe(29);
    expect(a.weight).toBe((2 * 11) / 36);
    expect(r.bunches[0]).toMatchObject({ weightBefore: 2, weightAfter: (2 * 11) / 36, nQueuedAfter: 35 });
  });

  it('gives each bootstrap PQ one bunch first, drawn uniformly', () => {
    const cands = [cand('Z1', 0), cand('Z2', 0), cand('A', 1)];
    const r = splitJobs(cands, { nJobs: 100, rng: seq(0.9, 0, 0) });
    expect(r.bunches.map((b) => [b.siteName, b.bootstrap])).toEqual([
      ['Z2', true],
      ['Z1', true],
      ['A', false],
      ['A', false],
    ]);
    expect(r.bunches[0].probability).toBe(0.5);
    expect(r.candidates[1].nQueuedJobs).toBe(0);
  });

  it('skips candidates at their cap and leaves the rest unassigned when all are full', () => {
    const cands = [
      cand('A', 5, { nQueuedJobs: 20, nRunningJobsCap: 20 }),
      cand('B', 1, { nQueuedJobs: 0, nRunningJobsCap: 30 }),
    ];
    const r = splitJobs(cands, { nJobs: 100, rng: seq(0) });
    expect(r.assignments).toEqual({ B: 50 });
    expect(r.nUnassigned).toBe(50);
    expect(r.candidates[1].nQueuedJobs).toBe(50);
  });

  it('adds the live counter to the queues before splitting (not for merges)', () => {
    const cands = [cand('A', 1, { nRunningJobsCap: 40 })];
    expect(splitJobs(cands, { nJobs: 100, rng: seq(0), liveCount: { A: 30 } }).nAssigned).toBe(25);
    expect(
      splitJobs(cands, { nJobs: 100, rng: seq(0), liveCount: { A: 30 }, isMerging: true }).nAssigned,
    ).toBe(50);
  });

  it('keeps weights constant for candidates without counts (analysis)', () => {
    const cands = [cand('A', 3, { nQueuedJobs: null, nAssignedJobs: null, nRunningJobsCap: null })];
    const r = splitJobs(cands, { nJobs: 1000, rng: seq(0.5) });
    expect(r.nAssigned).toBe(1000);
    expect(r.candidates[0].weight).toBe(3);
  });

  it('jobChunkSize is strict in the first pass; the short remainder goes elsewhere in a second pass', () => {
    const cands = [cand('A', 1, { jobChunkSize: 10 }), cand('B', 1e-9)];
    const r = splitJobs(cands, { nJobs: 25, rng: seq(0) });
    expect(r.bunches.map((b) => [b.siteName, b.nJobs, b.pass])).toEqual([
      ['A', 10, 1],
      ['A', 10, 1],
      ['B', 5, 2],
    ]);
    expect(r.nAssigned).toBe(25);
  });

  it('keeps the job counter across bunches and updates queues with the previous bunch size', () => {
    const cands = [cand('A', 1), cand('B', 1, { jobChunkSize: 10 })];
    const r = splitJobs(cands, { nJobs: 40, rng: seq(0, 0.99, 0.99, 0.99) });
    expect(r.bunches.map((b) => [b.siteName, b.nJobs])).toEqual([
      ['A', 25],
      ['B', 5],
      ['B', 10],
    ]);
    expect(r.bunches[1].nQueuedAfter).toBe(25);
    expect(r.bunches[2].nQueuedAfter).toBe(35);
    // the input ends on a bunch boundary: PanDA draws once more before noticing
    expect(r.nDraws).toBe(4);
    expect(r.candidates[1].nQueuedJobs).toBe(45);
  });

  it('is reproducible for the same random sequence', () => {
    const mk = () => [cand('A', 2.5), cand('B', 1.2), cand('C', 0), cand('D', 0.3, { nRunningJobsCap: 40 })];
    let s1 = 7;
    let s2 = 7;
    const lcg = (get: () => number, set: (v: number) => void) => () => {
      set((get() * 1103515245 + 12345) % 2147483648);
      return get() / 2147483648;
    };
    const r1 = splitJobs(mk(), {
      nJobs: 500,
      rng: lcg(
        () => s1,
        (v) => (s1 = v),
      ),
    });
    const r2 = splitJobs(mk(), {
      nJobs: 500,
      rng: lcg(
        () => s2,
        (v) => (s2 = v),
      ),
    });
    expect(r1).toEqual(r2);
  });
});
