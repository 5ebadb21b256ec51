import { describe, expect, it } from 'vitest';
import { newBasicWeights } from '../src/brokerage/analysis-basic-weight.ts';
import { drawAnalysisCandidate, orderCandidates } from '../src/brokerage/analysis-candidate-list.ts';
import { brokerAnalysisJobs } from '../src/brokerage/analysis-job-broker.ts';
import { resolveAnalysisJobBrokerOptions } from '../src/brokerage/analysis-options.ts';
import { analysisThrottle } from '../src/brokerage/analysis-throttles.ts';
import type { AnalysisCandidate } from '../src/brokerage/analysis-types.ts';
import {
  grandQueueRatio,
  overloadVerdict,
  stabilizerProblems,
  userQueueLimits,
} from '../src/brokerage/analysis-user-queue.ts';
import type { QueueState } from '../src/snapshot/queue.ts';
import { DS, GB, UA, chunk, grid, input, jobs, pq, state, userTask } from './analysis-fixture.ts';

const OPTS = resolveAnalysisJobBrokerOptions();

/** Per-user table where alice has `nQueued` jobs queued and nobody else has jobs: rem_q_len = 100 − nQueued. */
function aliceQueued(nQueued: number, siteClass: -1 | 0 | 1): QueueState {
  return state({ analySiteClass: siteClass, jobsByUser: { [UA]: { alice: { nQueued, nRunning: 0 } } } });
}

describe('brokerage.md §10 E9 — new basic weight', () => {
  it('gives 29.948035, 9.999967, 0.050001 and draw probabilities 0.748738 / 0.250012 / 0.001250', () => {
    const w = newBasicWeights(
      [
        { name: 'S1', siteClass: 1, remainingQueue: 50 },
        { name: 'S2', siteClass: 1, remainingQueue: 30 },
        { name: 'S3', siteClass: 0, remainingQueue: 100 },
      ],
      { gshare: UA, taskClass: 1, nJobs: 40, isMerging: false },
      OPTS,
    );
    const s1 = w.get('S1')!;
    const s2 = w.get('S2')!;
    const s3 = w.get('S3')!;
    expect(s1.main).toBeCloseTo(39.948, 12);
    expect(s3.main).toBeCloseTo(0.05, 12);
    expect(s1.secondary).toBeCloseTo(30.026 / 40.052, 12);
    expect(s1.basic).toBeCloseTo(29.948035, 6);
    expect(s2.basic).toBeCloseTo(9.999967, 6);
    expect(s3.secondary).toBe(1);
    expect(s3.basic).toBe(0.05 + 2 ** -20);
    const total = s1.basic + s2.basic + s3.basic;
    expect(s1.basic / total).toBeCloseTo(0.748738, 6);
    expect(s2.basic / total).toBeCloseTo(0.250012, 6);
    expect(s3.basic / total).toBeCloseTo(0.00125, 6);
  });

  it('comes out of the full brokerage with the data factor 1 and the order S1, S2, S3', () => {
    const snapshot = grid([pq('S1'), pq('S2'), pq('S3')], {
      S1: aliceQueued(50, 1),
      S2: aliceQueued(70, 1),
      S3: aliceQueued(0, 0),
    });
    const d = brokerAnalysisJobs(input(snapshot));
    expect(d.outcome).toBe('brokered');
    expect(d.pass).toBe(1);
    expect(d.candidates.map((c) => c.siteName)).toEqual(['S1', 'S2', 'S3']);
    expect(d.candidates.map((c) => c.factors.limits.remainingQueue)).toEqual([50, 30, 100]);
    expect(d.candidates.map((c) => c.factors.dataFactor)).toEqual([1, 1, 1]);
    expect(d.candidates[0].weight).toBeCloseTo(29.948035, 6);
    expect(d.candidates[2].weight).toBeCloseTo(0.050001, 6);
  });

  it('B tasks fill mid-class PQs, C tasks only low-class ones; other shares use N_j and the total remainder', () => {
    const sites = [
      { name: 'hi', siteClass: 1 as const, remainingQueue: 50 },
      { name: 'mid', siteClass: 0 as const, remainingQueue: 30 },
      { name: 'lo', siteClass: -1 as const, remainingQueue: 20 },
    ];
    const b = newBasicWeights(sites, { gshare: UA, taskClass: 0, nJobs: 40, isMerging: false }, OPTS);
    expect(b.get('hi')!.main).toBe(0.001);
    expect(b.get('mid')!.main).toBeCloseTo(29.9, 12);
    expect(b.get('lo')!.main).toBeCloseTo(10.1, 12);
    const c = newBasicWeights(sites, { gshare: UA, taskClass: -1, nJobs: 40, isMerging: false }, OPTS);
    expect(c.get('lo')!.main).toBe(40);
    expect(c.get('mid')!.main).toBe(0.001);
    const g = newBasicWeights(
      sites,
      { gshare: 'Group Analysis', taskClass: 1, nJobs: 40, isMerging: false },
      OPTS,
    );
    // rem 50 − 40/3 over 100 − 40.
    expect(g.get('hi')!.secondary).toBeCloseTo((50 - 40 / 3) / 60, 12);
    expect(g.get('hi')!.basic).toBeCloseTo((40 * (50 - 40 / 3)) / 60 + 2 ** -20, 12);
  });
});

describe('brokerage.md §10 E10 — Analysis Stabilizer limit', () => {
  const users = Object.fromEntries(
    Array.from({ length: 8 }, (_, k) => [`u${k}`, { nQueued: 0, nRunning: 45 }]),
  );
  const at = (queued: number, aliceQ: number) =>
    state({
      jobsByShare: { [UA]: jobs({ nRunning: 400, nActivated: queued }) },
      toRunningRate: 50,
      jobsByUser: {
        [UA]: { ...users, alice: { nQueued: aliceQ, nRunning: 40 }, _total: { nQueued: 0, nRunning: 400 } },
      },
    });

  it('computes maxQ_pq 800, frac 0.1, maxQ_user 80, rem_q_len 70', () => {
    const l = userQueueLimits(at(300, 10), UA, 'alice', OPTS);
    expect(l).toMatchObject({
      toRunningRate: 50,
      nUsers: 10,
      nRunningPq: 400,
      maxQueuePq: 800,
      userFraction: 0.1,
      maxQueueUser: 80,
    });
    expect(l.remainingQueue).toBe(70);
  });

  it('does not throttle with 300 queued (< 8 h × 50/h) and marks the PQ when 500 are queued and alice has 90', () => {
    expect(stabilizerProblems(at(300, 90), UA, 'alice', undefined, OPTS)).toEqual([]);
    expect(stabilizerProblems(at(500, 80), UA, 'alice', undefined, OPTS)).toEqual([]);
    expect(stabilizerProblems(at(500, 90), UA, 'alice', undefined, OPTS)).toHaveLength(1);
  });

  it('also marks a PQ where the task failed more than max(2 × finished, 5) jobs — only for eligible PQs', () => {
    const outcomes = { nFinished: 2, nFailed: 4, nClosed: 2 };
    expect(stabilizerProblems(at(500, 10), UA, 'alice', outcomes, OPTS)).toEqual([
      'too many failed or closed jobs for last 6h',
    ]);
    expect(stabilizerProblems(at(300, 10), UA, 'alice', outcomes, OPTS)).toEqual([]);
  });

  it('removes the marked PQ from the final list', () => {
    const snapshot = grid([pq('A'), pq('B')], { A: at(500, 90) });
    const d = brokerAnalysisJobs(input(snapshot));
    expect(d.candidates.map((c) => c.siteName)).toEqual(['B']);
    expect(d.excluded).toContainEqual(expect.objectContaining({ queue: 'A', code: 'badsite', pass: 0 }));
    expect(Object.keys(d.problematic)).toEqual(['A']);
  });
});

describe('brokerage.md §10 E11 — overload', () => {
  // grandRatio 0.5: 10 queued for 20 running elsewhere.
  const states = (nQ: number, nR: number) => ({
    REF: state({ jobsByShare: { [UA]: jobs({ nActivated: 10, nRunning: 20 }) } }),
    X: state({ jobsByShare: { [UA]: jobs({ nActivated: nQ, nRunning: nR }) } }),
  });

  it('drops nQ 30 / nR 40, keeps nQ 15 / nR 0, drops and marks nQ 25 / nR 0', () => {
    expect(overloadVerdict(states(30, 40).X, UA, 0.5, OPTS)).toBe('overloaded');
    expect(overloadVerdict(states(15, 0).X, UA, 0.5, OPTS)).toBe('ok');
    expect(overloadVerdict(states(25, 0).X, UA, 0.5, OPTS)).toBe('overloaded-idle');
    expect(grandQueueRatio({ a: states(10, 20).REF, b: state() }, UA)).toBe(0.5);
  });

  it('in the brokerage the overloaded PQ goes when another remains, and an idle one is also problematic', () => {
    const busy = brokerAnalysisJobs(input(grid([pq('REF'), pq('X')], states(30, 20))));
    // Σ queued 40 / Σ running 40 = 1: X has 30/20 = 1.5 > 1.2.
    expect(busy.candidates.map((c) => c.siteName)).toEqual(['REF']);
    expect(busy.excluded).toContainEqual(expect.objectContaining({ queue: 'X', code: 'overloaded' }));
    const idle = brokerAnalysisJobs(input(grid([pq('REF'), pq('X')], states(25, 0))));
    expect(idle.problematic).toHaveProperty('X');
    expect(idle.candidates.map((c) => c.siteName)).toEqual(['REF']);
  });

  it('keeps the overloaded PQs holding data when all are overloaded', () => {
    // REF (no data) sets grandRatio 60/120 = 0.5; A and B both queue 3 × their running.
    const busy = state({ jobsByShare: { [UA]: jobs({ nActivated: 30, nRunning: 10 }) } });
    const ref = state({ jobsByShare: { [UA]: jobs({ nRunning: 100 }) } });
    const d = brokerAnalysisJobs(
      input(grid([pq('REF'), pq('A'), pq('B')], { REF: ref, A: busy, B: busy }, ['A', 'B'])),
    );
    expect(d.pass).toBe(1);
    expect(d.candidates.map((c) => c.siteName).sort()).toEqual(['A', 'B']);
    expect(d.excluded.filter((e) => e.code === 'overloaded')).toEqual([]);
  });
});

describe('task-level throttles (§4.1)', () => {
  const t = userTask({ analyTaskClass: 1 });
  it('caps running and queued jobs of the user when configured', () => {
    const totals = { nRunJobs: 100, nQueuedJobs: 250, nRunCores: 0, nQueuedCores: 0 };
    const opts = resolveAnalysisJobBrokerOptions({ CAP_RUNNING_USER_JOBS: 120 });
    expect(analysisThrottle(t, false, { totals, nJobsEstimate: 1 }, opts)).toContain('queued jobs');
    expect(analysisThrottle(t, false, { totals, nJobsEstimate: 1 }, OPTS)).toBeNull();
    expect(analysisThrottle(t, true, { totals, nJobsEstimate: 1 }, opts)).toBeNull();
  });
  it('throttles by share usage and task class: C above 90 %, B above 95 %, A when usage × (1 − remA/1000) > 100 %', () => {
    const u = (gshareUsage: number, remSlotsA?: number) => ({ gshareUsage, remSlotsA, nJobsEstimate: 1 });
    expect(analysisThrottle(userTask({ analyTaskClass: -1 }), false, u(0.91), OPTS)).not.toBeNull();
    expect(analysisThrottle(userTask({ analyTaskClass: 0 }), false, u(0.91), OPTS)).toBeNull();
    expect(analysisThrottle(userTask({ analyTaskClass: 0 }), false, u(0.96), OPTS)).not.toBeNull();
    expect(analysisThrottle(t, false, u(1.9), OPTS)).toBeNull(); // 190 × 0.5 without user data
    expect(analysisThrottle(t, false, u(2.1), OPTS)).not.toBeNull();
    expect(analysisThrottle(t, false, u(2.1, 600), OPTS)).toBeNull(); // 210 × 0.4 = 84
    expect(analysisThrottle(t, false, { ...u(0.5), l1EquivalentUsage: 3 }, OPTS)).toBeNull();
  });
  it('stops tasks over the global quota, and all but merges near it', () => {
    expect(analysisThrottle(t, false, { overGlobalQuota: true, nJobsEstimate: 1 }, OPTS)).toBe(
      'over global quota',
    );
    expect(analysisThrottle(t, true, { nearGlobalQuota: true, nJobsEstimate: 1 }, OPTS)).toBeNull();
    const d = brokerAnalysisJobs(
      input(grid([pq('A')]), { user: { nearGlobalQuota: true, nJobsEstimate: 1 } }),
    );
    expect(d.outcome).toBe('throttled');
  });
});

/** Broker over a passing PQ `OK` and a PQ `X` built with the given overrides; returns X's exclusion code. */
function dropCode(
  x: Parameters<typeof pq>[1],
  opts: { task?: object; chunk?: object; xState?: QueueState; ddm?: object } = {},
) {
  const snapshot = grid([pq('OK'), pq('X', x)], opts.xState ? { X: opts.xState } : {});
  Object.assign(snapshot.ddmEndpoints.X_DATADISK, opts.ddm ?? {});
  const d = brokerAnalysisJobs(
    input(snapshot, { task: userTask(opts.task ?? {}), chunk: chunk(opts.chunk ?? {}) }),
  );
  expect(d.candidates.map((c) => c.siteName)).toContain('OK');
  return d.excluded.filter((e) => e.queue === 'X' && e.pass !== 2).map((e) => e.code)[0];
}

describe('per-queue filters (§4.2), in order', () => {
  it('status: offline and brokeroff go, online stays', () => {
    expect(dropCode({ status: 'offline' })).toBe('status');
    expect(dropCode({ status: 'brokeroff' })).toBe('status');
    expect(dropCode({})).toBeUndefined();
  });
  it('zero share', () => expect(dropCode({ fairsharePolicy: 'gshare=User Analysis:0%' })).toBe('zeroshare'));
  it('disk IO: PQ and task both above the limit', () => {
    const xState = state({ diskIoPerCore: 600 });
    expect(dropCode({ maxDiskio: 500 }, { xState, task: { diskIO: 700 } })).toBe('diskIO');
    expect(dropCode({ maxDiskio: 500 }, { xState, task: { diskIO: 400 } })).toBeUndefined();
  });
  it('max IO intensity', () =>
    expect(dropCode({ max_io_intensity: 100 }, { task: { ioIntensity: 150 } })).toBe('max_io_intensity'));
  it('core count: single-core tasks avoid multi-core PQs', () =>
    expect(dropCode({ coreCount: 8 })).toBe('cpucore'));
  it('GPU PQs need an architecture', () => expect(dropCode({ isGPU: true })).toBe('architecture'));
  it('closed jobs of the task at the PQ', () =>
    expect(dropCode({}, { task: { jobOutcomes: { X: { nFinished: 0, nFailed: 0, nClosed: 1 } } } })).toBe(
      'closed',
    ));
  it('SW: a release needs an AUTO PQ with the release or an ANY PQ', () => {
    expect(dropCode({ releases: ['AUTO'] }, { task: { transHome: 'AnalysisBase-24.2.1' } })).toBe('cache');
  });
  it('memory: compensated need above maxrss (no baseRamCount in analysis)', () => {
    // 2000 MB × 0.9 = 1800 > 1700; baseRamCount would add nothing here.
    expect(dropCode({ maxrss: 1700 }, { task: { baseRamCount: 5000 } })).toBe('lowmemory');
    expect(dropCode({ maxrss: 1800 }, { task: { baseRamCount: 5000 } })).toBeUndefined();
  });
  it('scratch: copy-to-scratch need (out × input + work + max input) above maxwdir', () => {
    // 5 GB input + 300 MB margin = 5420 MB.
    expect(dropCode({ maxwdir: 5419 }, { task: { workDiskCount: 0, workDiskUnit: 'MB' } })).toBe('disk');
    expect(dropCode({ maxwdir: 5420 }, { task: { workDiskCount: 0, workDiskUnit: 'MB' } })).toBeUndefined();
  });
  it('storage: output space below 200 GB, blacklisted endpoint, local quota', () => {
    expect(dropCode({}, { ddm: { space_free: 199 } })).toBe('disk');
    expect(dropCode({}, { ddm: { detailed_status: { write_lan: 'OFF' } } })).toBe('blacklist');
    const snapshot = grid([pq('OK'), pq('X')]);
    const d = brokerAnalysisJobs(
      input(snapshot, { user: { endpointsOverLocalQuota: ['X_DATADISK'], nJobsEstimate: 40 } }),
    );
    expect(d.excluded).toContainEqual(expect.objectContaining({ queue: 'X', code: 'local_quota' }));
  });
  it('walltime: job need above the site limit', () => {
    const hs06 = { cpuTime: 100, cpuTimeUnit: 'HS06sPerEvent' as const, cpuEfficiency: 100 };
    // 100 HS06·s × 1000 events = 1e5 > 3600 s × 1 core × 10 HS06 = 36000.
    expect(dropCode({ maxtime: 3600 }, { task: hs06, chunk: { maxAtomNumEvents: 1000 } })).toBe(
      'shortwalltime',
    );
  });
  it('scouts need 24 h at 10 HS06 per core', () => {
    expect(dropCode({ maxtime: 86400 * 10 - 1 }, { chunk: { useScout: true } })).toBe('scout_walltime');
  });
  it('pilots: no getJob/updateJob in 3 h', () =>
    expect(dropCode({}, { xState: state({ getJob: 0, updateJob: 0 }) })).toBe('nopilot'));
  it('include / exclude lists with wildcards', () => {
    expect(dropCode({}, { task: { excludedSite: ['X*'] } })).toBe('excluded');
    expect(dropCode({}, { task: { includedSite: ['O*'] } })).toBe('notincluded');
  });
  it('hospital queues go when a normal PQ remains', () => {
    const snapshot = grid([pq('OK'), pq('X_HOSPITAL')]);
    const d = brokerAnalysisJobs(input(snapshot));
    expect(d.excluded).toContainEqual(expect.objectContaining({ queue: 'X_HOSPITAL', code: 'hospital' }));
  });
  it('a pre-assigned PQ is the only candidate', () => {
    const d = brokerAnalysisJobs(input(grid([pq('OK'), pq('X')]), { task: userTask({ site: 'X' }) }));
    expect(d.candidates.map((c) => c.siteName)).toEqual(['X']);
  });
  it('the resource-type cap is only recorded', () => {
    const xState = state({ jobsByResourceType: { [UA]: { SCORE: jobs({ nActivated: 50, nRunning: 10 }) } } });
    const d = brokerAnalysisJobs(
      input(grid([pq('X')], { X: xState }), { task: userTask({ resource_type: 'SCORE' }) }),
    );
    expect(d.resourceTypeCapLogged).toEqual(['X']);
    expect(d.candidates.map((c) => c.siteName)).toEqual(['X']);
  });
});

describe('data locality and passes', () => {
  it('pass 1 keeps only PQs with the data; dataWeight is 1 per disk dataset', () => {
    const d = brokerAnalysisJobs(input(grid([pq('A'), pq('B')], {}, ['A'])));
    expect(d.pass).toBe(1);
    expect(d.candidates.map((c) => c.siteName)).toEqual(['A']);
    expect(d.excluded).toContainEqual({
      queue: 'B',
      code: 'data',
      detail: 'input data unavailable',
      pass: 1,
    });
  });

  it('a tape-only dataset weighs 0.001', () => {
    const snapshot = grid([pq('A', { ddm_endpoints_input: ['A_DATADISK', 'A_TAPE'] }), pq('B')], {}, ['B']);
    snapshot.ddmEndpoints.A_TAPE = { ddm_endpoint_name: 'A_TAPE', site: 'A', is_tape: true };
    snapshot.replicas![DS] = [{ rse: 'A_TAPE', found: 100, bytes: 50 * GB }];
    const d = brokerAnalysisJobs(input(snapshot));
    expect(d.candidates.map((c) => [c.siteName, c.factors.dataFactor])).toEqual([['A', 0.001]]);
  });

  it('falls back to pass 2 when no PQ with data survives, with the data factor 1 + local GB / 10', () => {
    const snapshot = grid([pq('A', { status: 'offline' }), pq('B')], {}, ['A']);
    const d = brokerAnalysisJobs(
      input(snapshot, { chunk: chunk({ availableFiles: { B: { siteFiles: 10, siteSize: 25 * GB } } }) }),
    );
    expect(d.pass).toBe(2);
    expect(d.candidates.map((c) => c.siteName)).toEqual(['B']);
    expect(d.candidates[0].factors.dataFactor).toBe(3.5);
  });

  it('a chunk with only pseudo input runs one pass without locality filtering', () => {
    const pseudo = chunk({
      datasets: [{ datasetName: 'pseudo_dataset', isMaster: true, nFiles: 0, isPseudo: true }],
    });
    const d = brokerAnalysisJobs(input(grid([pq('A'), pq('B')], {}, []), { chunk: pseudo }));
    expect(d.pass).toBe(1);
    expect(d.candidates.map((c) => c.siteName).sort()).toEqual(['A', 'B']);
  });

  it('fails when the input is complete nowhere', () => {
    const snapshot = grid([pq('A')], {}, []);
    expect(brokerAnalysisJobs(input(snapshot)).reason).toBe(`${DS} is incomplete at online storage`);
  });
});

describe('final list (§4.4)', () => {
  const cand = (name: string, weight: number, usedBefore = false) =>
    ({ siteName: name, unifiedName: name, weight, usedBefore }) as AnalysisCandidate;

  it('puts used-before PQs first, then weights descending with ties shuffled by the RNG', () => {
    const list = [cand('a', 1), cand('b', 5), cand('c', 3, true), cand('d', 5)];
    expect(orderCandidates(list, () => 0.9).map((c) => c.siteName)).toEqual(['c', 'b', 'd', 'a']);
    expect(orderCandidates(list, () => 0.1).map((c) => c.siteName)).toEqual(['c', 'd', 'b', 'a']);
  });

  it('keeps at most 10 PQs', () => {
    const queues = Array.from({ length: 15 }, (_, k) => pq(`Q${String(k).padStart(2, '0')}`));
    const d = brokerAnalysisJobs(input(grid(queues)));
    expect(d.candidates).toHaveLength(10);
    expect(d.excluded.filter((e) => e.code === 'low_weight')).toHaveLength(5);
  });

  it('lists the PQs the task already used first even if they weigh less', () => {
    const snapshot = grid([pq('A'), pq('B')], { A: aliceQueued(90, 0), B: aliceQueued(0, 0) });
    const d = brokerAnalysisJobs(input(snapshot, { task: userTask({ usedSites: ['A'] }) }));
    expect(d.candidates.map((c) => c.siteName)).toEqual(['A', 'B']);
    expect(d.candidates[0].weight).toBeLessThan(d.candidates[1].weight);
  });

  it('draws bunches from constant weights: the walk picks by cumulative weight', () => {
    const list = [cand('S1', 29.948035), cand('S2', 9.999967), cand('S3', 0.050001)];
    const total = 29.948035 + 9.999967 + 0.050001;
    expect(drawAnalysisCandidate(list, () => 0.7)?.siteName).toBe('S1');
    expect(drawAnalysisCandidate(list, () => 29.95 / total)?.siteName).toBe('S2');
    expect(drawAnalysisCandidate(list, () => 0.9999)?.siteName).toBe('S3');
    expect(list.map((c) => c.weight)).toEqual([29.948035, 9.999967, 0.050001]);
    expect(drawAnalysisCandidate([], () => 0.5)).toBeNull();
  });
});
