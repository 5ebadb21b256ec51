import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitJobs, type SplitCandidate } from '../src/brokerage/job-splitter.ts';
import { seededRandom } from '../bench/seeded-random.ts';

const candidateArb = fc.record({
  weight: fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 100, noNaN: true })),
  nQueuedJobs: fc.integer({ min: 0, max: 300 }),
  nRunningJobsCap: fc.option(fc.integer({ min: 20, max: 400 }), { nil: null }),
  jobChunkSize: fc.option(fc.constantFrom(5, 10, 40), { nil: null, freq: 5 }),
});

const caseArb = fc.record({
  cands: fc.array(candidateArb, { minLength: 1, maxLength: 10 }),
  nJobs: fc.integer({ min: 0, max: 3000 }),
  seed: fc.integer(),
  useScout: fc.boolean(),
  live: fc.integer({ min: 0, max: 50 }),
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function candidates(c: Case): SplitCandidate[] {
  return c.cands.map((x, k) => ({ siteName: `PQ${k}`, nAssignedJobs: 0, ...x }));
}

function run(c: Case) {
  return splitJobs(candidates(c), {
    nJobs: c.nJobs,
    rng: seededRandom(c.seed),
    useScout: c.useScout,
    liveCount: { PQ0: c.live },
  });
}

describe('job splitter properties', () => {
  it('accounts for every job and assigns all of them unless every candidate is full', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const r = run(c);
        expect(r.nAssigned + r.nUnassigned).toBe(c.nJobs);
        expect(Object.values(r.assignments).reduce((a, b) => a + b, 0)).toBe(r.nAssigned);
        expect(r.bunches.every((b) => b.nJobs > 0)).toBe(true);
        if (r.nUnassigned > 0) {
          for (const f of r.candidates) {
            const full = f.nRunningJobsCap !== null && f.nQueuedJobs! >= f.nRunningJobsCap;
            expect(f.weight === 0 || full || f.jobChunkSize !== null).toBe(true);
          }
        }
        const unlimited = c.cands.every((x) => x.nRunningJobsCap === null && x.jobChunkSize === null);
        if (unlimited && c.cands.some((x) => x.weight > 0)) expect(r.nAssigned).toBe(c.nJobs);
      }),
      { numRuns: 400 },
    );
  });

  it('respects caps: a capped PQ is only drawn while its queue is below the cap', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const r = run(c);
        const caps = new Map(candidates(c).map((x) => [x.siteName, x.nRunningJobsCap]));
        for (const b of r.bunches) {
          const cap = caps.get(b.siteName)!;
          if (!b.bootstrap && cap !== null) expect(b.nQueuedBefore!).toBeLessThan(cap);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('bootstraps each zero-weight PQ at most once and never decays weights below zero', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const r = run(c);
        const zero = new Set(
          candidates(c)
            .filter((x) => x.weight === 0)
            .map((x) => x.siteName),
        );
        for (const name of zero)
          expect(r.bunches.filter((b) => b.siteName === name).length).toBeLessThanOrEqual(1);
        expect(r.candidates.every((x) => x.weight >= 0)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('gives the same assignment for the same random sequence', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        expect(run(c)).toEqual(run(c));
      }),
      { numRuns: 100 },
    );
  });
});
