import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { brokerAnalysisJobs } from '../src/brokerage/analysis-job-broker.ts';
import type { AnalysisBrokerageDecision } from '../src/brokerage/analysis-types.ts';
import type { QueueStatus } from '../src/snapshot/queue.ts';
import { UA, grid, input, jobs, pq, state, userTask } from './analysis-fixture.ts';
import { seededRandom } from '../bench/seeded-random.ts';

const queueArb = fc.record({
  status: fc.constantFrom<QueueStatus>('online', 'online', 'online', 'brokeroff', 'offline'),
  hasData: fc.boolean(),
  siteClass: fc.constantFrom<-1 | 0 | 1>(-1, 0, 1),
  running: fc.integer({ min: 0, max: 500 }),
  queued: fc.integer({ min: 0, max: 500 }),
  aliceQueued: fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }),
  aliceRunning: fc.integer({ min: 0, max: 100 }),
  otherUsers: fc.integer({ min: 0, max: 5 }),
  toRunningRate: fc.integer({ min: 0, max: 100 }),
  pilots: fc.integer({ min: 0, max: 3 }),
  usedBefore: fc.boolean(),
});

const scenarioArb = fc.record({
  queues: fc.array(queueArb, { minLength: 1, maxLength: 16 }),
  taskClass: fc.constantFrom<-1 | 0 | 1>(-1, 0, 1),
  gshare: fc.constantFrom(UA, 'Express Analysis', 'Group Analysis'),
  nJobs: fc.integer({ min: 1, max: 500 }),
  seed: fc.integer(),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function broker(s: Scenario, rng: () => number): AnalysisBrokerageDecision {
  const names = s.queues.map((_, k) => `Q${k}`);
  const states = Object.fromEntries(
    s.queues.map((q, k) => {
      const users: Record<string, { nQueued: number; nRunning: number }> = {};
      for (let u = 0; u < q.otherUsers; u++) users[`u${u}`] = { nQueued: 1, nRunning: 1 };
      if (q.aliceQueued !== undefined) users.alice = { nQueued: q.aliceQueued, nRunning: q.aliceRunning };
      return [
        names[k],
        state({
          jobsByShare: { [s.gshare]: jobs({ nRunning: q.running, nActivated: q.queued }) },
          jobsByUser: { [s.gshare]: users },
          toRunningRate: q.toRunningRate,
          analySiteClass: q.siteClass,
          getJob: q.pilots,
          updateJob: 0,
        }),
      ];
    }),
  );
  const snapshot = grid(
    s.queues.map((q, k) => pq(names[k], { status: q.status })),
    states,
    names.filter((_, k) => s.queues[k].hasData),
  );
  const task = userTask({
    gshare: s.gshare,
    analyTaskClass: s.taskClass,
    usedSites: names.filter((_, k) => s.queues[k].usedBefore),
  });
  return brokerAnalysisJobs(input(snapshot, { task, rng, user: { nJobsEstimate: s.nJobs } }));
}

describe('analysis brokerage properties', () => {
  it('at most 10 distinct candidates, weights finite and ≥ 0, none excluded in the pass used or the final list', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const d = broker(s, seededRandom(s.seed));
        const names = d.candidates.map((c) => c.siteName);
        expect(names.length).toBeLessThanOrEqual(10);
        expect(new Set(names).size).toBe(names.length);
        for (const c of d.candidates) {
          expect(Number.isFinite(c.weight)).toBe(true);
          expect(c.weight).toBeGreaterThanOrEqual(0);
        }
        const gone = new Set(d.excluded.filter((e) => e.pass === 0 || e.pass === d.pass).map((e) => e.queue));
        for (const n of names) expect(gone.has(n)).toBe(false);
        for (const c of d.candidates) expect(d.problematic[c.unifiedName]).toBeUndefined();
        if (d.outcome === 'brokered') expect(names.length).toBeGreaterThan(0);
        else expect(names).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('used-before PQs lead the list, the rest is sorted by weight', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const d = broker(s, seededRandom(s.seed));
        const firstNew = d.candidates.findIndex((c) => !c.usedBefore);
        if (firstNew < 0) return;
        const rest = d.candidates.slice(firstNew);
        expect(rest.every((c) => !c.usedBefore)).toBe(true);
        for (let k = 1; k < rest.length; k++) expect(rest[k].weight).toBeLessThanOrEqual(rest[k - 1].weight);
      }),
      { numRuns: 300 },
    );
  });

  it('the same RNG stream gives the same decision', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        expect(broker(s, seededRandom(s.seed))).toEqual(broker(s, seededRandom(s.seed)));
      }),
      { numRuns: 150 },
    );
  });
});
