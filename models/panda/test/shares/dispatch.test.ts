import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildShareTree } from '../../src/shares/global-shares.ts';
import { ShareOrderer } from '../../src/shares/share-order.ts';
import { leafUsage } from '../../src/shares/share-usage.ts';
import {
  bestDispatchCandidate,
  dispatchOrderingMode,
  DispatchShareRanks,
  orderDispatchCandidates,
} from '../../src/shares/dispatch-order.ts';
import {
  dispatchMemoryLimit,
  matchesJobRequest,
  type DispatchFilterJob,
} from '../../src/shares/dispatch-filter.ts';
import { E3_EXECUTING, ILLUSTRATIVE_ROWS } from './fixtures.ts';

const E6_ROWS = [...ILLUSTRATIVE_ROWS, { name: 'Test', value: 0, parent: null }];

interface E6Job extends DispatchFilterJob {
  PandaID: number;
  gshare: string;
  currentPriority: number;
}

function e6Job(PandaID: number, gshare: string, currentPriority: number, rt: string): E6Job {
  return {
    PandaID,
    gshare,
    currentPriority,
    resource_type: rt,
    jobStatus: 'activated',
    computingSite: 'PQ',
    prodSourceLabel: 'managed',
  };
}

const E6_JOBS: E6Job[] = [
  e6Job(101, 'User Analysis', 1000, 'SCORE'),
  e6Job(102, 'MC Simulation Full', 900, 'SCORE'),
  e6Job(103, 'Data Derivations', 300, 'SCORE'),
  e6Job(104, 'Data Derivations', 500, 'MCORE'),
  e6Job(105, 'Express Analysis', 990, 'SCORE'),
  e6Job(106, 'Undefined', 5000, 'SCORE'),
  e6Job(107, 'Test', 100, 'SCORE'),
  e6Job(108, 'Group production', 200, 'SCORE'),
];

function e6Ranks(): DispatchShareRanks {
  const tree = buildShareTree(E6_ROWS);
  return new DispatchShareRanks(
    tree,
    new ShareOrderer(tree).order(leafUsage(tree, { executing: E3_EXECUTING })),
  );
}

describe('getCriteriaForGlobalShares', () => {
  it('E6: share ranks with the Test bypass and unknown shares last', () => {
    const ranks = e6Ranks();
    const expected: Record<string, number> = {
      Express: 0,
      'Group production': 1,
      'Data Derivations': 2,
      'MC Simulation Fast': 3,
      'MC Simulation Full': 4,
      'Express Analysis': 5,
      'User Analysis': 6,
      Test: 0,
      Undefined: 8,
      Production: 8,
    };
    for (const [name, rank] of Object.entries(expected)) expect(ranks.rankOf(name)).toBe(rank);
    expect(ranks.rankOf(null)).toBe(8);
  });

  it('without a Test leaf, Test jobs rank with Undefined', () => {
    const tree = buildShareTree(ILLUSTRATIVE_ROWS);
    const ranks = new DispatchShareRanks(
      tree,
      new ShareOrderer(tree).order(leafUsage(tree, { executing: E3_EXECUTING })),
    );
    expect(ranks.rankOf('Test')).toBe(7);
    expect(ranks.unknownRank).toBe(7);
  });

  it('E6: share mode, share mode with RT = SCORE, and age mode', () => {
    const ranks = e6Ranks();
    const ids = (jobs: E6Job[]): number[] => jobs.map((j) => j.PandaID);
    expect(ids(orderDispatchCandidates(E6_JOBS, 'share', ranks))).toEqual([
      107, 108, 104, 103, 102, 105, 101, 106,
    ]);
    const score = E6_JOBS.filter((j) => matchesJobRequest(j, { siteName: 'PQ', resourceType: 'SCORE' }));
    expect(ids(orderDispatchCandidates(score, 'share', ranks))).toEqual([107, 108, 103, 102, 105, 101, 106]);
    expect(ids(orderDispatchCandidates(E6_JOBS, 'age', ranks))).toEqual([
      101, 102, 103, 104, 105, 106, 107, 108,
    ]);
    expect(bestDispatchCandidate(E6_JOBS, 'share', ranks)?.PandaID).toBe(107);
    expect(bestDispatchCandidate(E6_JOBS, 'age', ranks)?.PandaID).toBe(101);
    expect(bestDispatchCandidate([], 'age', ranks)).toBeUndefined();
  });

  it('returns only nJobsInGetJob rows (default 10)', () => {
    const ranks = e6Ranks();
    const many = Array.from({ length: 25 }, (_, i) => e6Job(1000 - i, 'Express', 500, 'SCORE'));
    const rows = orderDispatchCandidates(many, 'share', ranks);
    expect(rows.map((j) => j.PandaID)).toEqual([976, 977, 978, 979, 980, 981, 982, 983, 984, 985]);
    expect(orderDispatchCandidates(many, 'share', ranks, 3)).toHaveLength(3);
  });

  it('property: bestDispatchCandidate is the head of the full ordering', () => {
    const ranks = e6Ranks();
    const shares = ['Express', 'Test', 'User Analysis', 'Undefined', 'Data Derivations'];
    const arbJobs = fc.uniqueArray(
      fc.record({
        PandaID: fc.integer({ min: 1, max: 10_000 }),
        s: fc.nat(4),
        p: fc.integer({ min: 0, max: 2000 }),
      }),
      { selector: (j) => j.PandaID, minLength: 1, maxLength: 30 },
    );
    fc.assert(
      fc.property(arbJobs, fc.constantFrom('share' as const, 'age' as const), (specs, mode) => {
        const jobs = specs.map((j) => e6Job(j.PandaID, shares[j.s], j.p, 'SCORE'));
        expect(bestDispatchCandidate(jobs, mode, ranks)).toBe(
          orderDispatchCandidates(jobs, mode, ranks, jobs.length)[0],
        );
      }),
    );
  });
});

describe('getSortingCriteria', () => {
  it('uses age mode when randrange(100) <= sloppy ratio: 11 of 100 draws by default', () => {
    const ages = Array.from({ length: 100 }, (_, r) => dispatchOrderingMode(r)).filter((m) => m === 'age');
    expect(ages).toHaveLength(11);
    expect(dispatchOrderingMode(10)).toBe('age');
    expect(dispatchOrderingMode(11)).toBe('share');
    expect(dispatchOrderingMode(10, 0)).toBe('age');
    expect(dispatchOrderingMode(30, 30)).toBe('age');
    expect(dispatchOrderingMode(31, 30)).toBe('share');
  });

  it('offers the documented reading: exactly ratio % of draws', () => {
    const ages = Array.from({ length: 100 }, (_, r) => dispatchOrderingMode(r, null, true)).filter(
      (m) => m === 'age',
    );
    expect(ages).toHaveLength(10);
  });
});

describe('construct_where_clause', () => {
  const base: DispatchFilterJob = {
    jobStatus: 'activated',
    computingSite: 'PQ',
    prodSourceLabel: 'managed',
    minRamCount: 2000,
    maxDiskCount: 500,
    maxWalltime: 3600,
    resource_type: 'SCORE',
    coreCount: 1,
  };

  it('filters on status, site, memory, disk, walltime and resource type', () => {
    expect(matchesJobRequest(base, { siteName: 'PQ' })).toBe(true);
    expect(matchesJobRequest({ ...base, jobStatus: 'defined' }, { siteName: 'PQ' })).toBe(false);
    expect(matchesJobRequest(base, { siteName: 'OTHER' })).toBe(false);
    expect(matchesJobRequest(base, { siteName: 'PQ', mem: 1999 })).toBe(false);
    expect(matchesJobRequest({ ...base, minRamCount: 0 }, { siteName: 'PQ', mem: 1000 })).toBe(true);
    expect(matchesJobRequest({ ...base, minRamCount: null }, { siteName: 'PQ', mem: 1000 })).toBe(false);
    expect(matchesJobRequest(base, { siteName: 'PQ', diskSpace: 499 })).toBe(false);
    expect(matchesJobRequest(base, { siteName: 'PQ', remainingTime: 3599 })).toBe(false);
    expect(matchesJobRequest({ ...base, maxWalltime: null }, { siteName: 'PQ', remainingTime: 10 })).toBe(
      true,
    );
    expect(matchesJobRequest(base, { siteName: 'PQ', resourceType: 'MCORE' })).toBe(false);
  });

  it('maps the requested label onto job labels', () => {
    const withLabel = (label: string, processingType: string | null = null): DispatchFilterJob => ({
      ...base,
      prodSourceLabel: label,
      processingType,
    });
    expect(matchesJobRequest(withLabel('panda'), { siteName: 'PQ', prodSourceLabel: 'user' })).toBe(true);
    expect(matchesJobRequest(withLabel('managed'), { siteName: 'PQ', prodSourceLabel: 'user' })).toBe(false);
    expect(matchesJobRequest(withLabel('prod_test'), { siteName: 'PQ' })).toBe(true);
    expect(matchesJobRequest(withLabel('user'), { siteName: 'PQ', prodSourceLabel: 'managed' })).toBe(false);
    expect(matchesJobRequest(withLabel('user'), { siteName: 'PQ', prodSourceLabel: 'unified' })).toBe(true);
    expect(matchesJobRequest(withLabel('ptest'), { siteName: 'PQ', prodSourceLabel: 'ptest' })).toBe(true);
    const testCe = { siteName: 'PQ', prodSourceLabel: 'test', computingElement: 'ce1' };
    expect(matchesJobRequest(withLabel('user', 'gangarobot'), testCe)).toBe(true);
    expect(matchesJobRequest(withLabel('install'), testCe)).toBe(true);
    expect(matchesJobRequest(withLabel('install'), { ...testCe, isGU: true, jobType: 'user' })).toBe(false);
  });

  it('applies user, task, background and mean-RSS filters', () => {
    const job = {
      ...base,
      prodUserName: 'alice',
      jediTaskID: 7,
      jobExecutionID: 0,
      minRamCount: 16000,
      coreCount: 8,
    };
    expect(matchesJobRequest(job, { siteName: 'PQ', prodUserName: 'bob' })).toBe(false);
    expect(matchesJobRequest(job, { siteName: 'PQ', taskID: 7 })).toBe(true);
    expect(matchesJobRequest(job, { siteName: 'PQ', background: true })).toBe(false);
    expect(matchesJobRequest(job, { siteName: 'PQ', averageMemoryLimit: 2000 })).toBe(true);
    expect(matchesJobRequest(job, { siteName: 'PQ', averageMemoryLimit: 1999 })).toBe(false);
  });

  it('derives the mean-RSS limit only for push queues over target', () => {
    const input = {
      meanrss: 2000,
      workflow: 'push',
      averageMemoryRunningSubmitted: 2100,
      averageMemoryRunning: 1900,
    };
    expect(dispatchMemoryLimit(input)).toBe(2000);
    expect(dispatchMemoryLimit({ ...input, averageMemoryRunningSubmitted: 1900 })).toBeNull();
    expect(dispatchMemoryLimit({ ...input, workflow: 'pull_ups' })).toBeNull();
    expect(dispatchMemoryLimit({ ...input, meanrss: 0 })).toBeNull();
    expect(dispatchMemoryLimit({ ...input, ignoreMeanrss: true })).toBeNull();
  });
});
