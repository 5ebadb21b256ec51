import { describe, expect, it } from 'vitest';
import {
  isCapThrottleCandidate,
  priorityMassage,
  usageBreakdown,
  type MassageJob,
  type UsageBreakdownEntry,
  type UsageBreakdownJob,
} from '../../src/shares/priority-massage.ts';

function cell(
  user: string,
  site: string,
  rundone: number,
  activated: number,
  running = 0,
): UsageBreakdownEntry {
  return {
    prodUserName: user,
    workingGroup: null,
    computingSite: site,
    rundone,
    activated,
    running,
    runcores: running,
  };
}

function activated(user: string, site: string, firstId: number, prios: number[]): MassageJob[] {
  return prios.map((p, i) => ({
    PandaID: firstId + i,
    prodUserName: user,
    computingSite: site,
    jobStatus: 'activated',
    prodSourceLabel: 'user',
    currentPriority: p,
  }));
}

describe('AtlasAnalWatchDog.doForPriorityMassage', () => {
  it('E10: users under the average get +10 on up to 30 jobs in (984, 990]', () => {
    const breakdown = [cell('U1', 'S', 100, 5), cell('U2', 'S', 10, 40), cell('U3', 'S', 10, 40)];
    const u2 = activated('U2', 'S', 200, [...Array<number>(35).fill(990), 985, 984, 980]);
    const u3 = activated('U3', 'S', 300, [
      ...Array<number>(10).fill(990),
      ...Array<number>(10).fill(985),
      984,
    ]);
    const result = priorityMassage(breakdown, [...activated('U1', 'S', 100, [995]), ...u2, ...u3]);
    expect(result.globalAverageRunDone).toBe(40);
    expect(result.capActions).toEqual([]);
    expect(result.boosts).toHaveLength(2);
    const [b2, b3] = result.boosts;
    expect(b2).toMatchObject({
      prodUserName: 'U2',
      computingSite: 'S',
      nJobs: 30,
      maxPrio: 990,
      minPrio: 984,
      delta: 10,
    });
    expect(b2.pandaIDs).toEqual(Array.from({ length: 30 }, (_, i) => 200 + i));
    expect(b3).toMatchObject({ prodUserName: 'U3', nJobs: 30, maxPrio: 990, minPrio: 984, delta: 10 });
    expect(b3.pandaIDs).toHaveLength(20);
  });

  it('skips users already at priority 1000 and users without activated jobs', () => {
    const breakdown = [cell('A', 'S', 100, 0), cell('B', 'S', 10, 3), cell('C', 'S', 0, 0)];
    const jobs = activated('B', 'S', 1, [1000, 1000, 1000]);
    expect(priorityMassage(breakdown, jobs).boosts).toEqual([]);
  });

  it('py3 boosts even fewer than 5 jobs; py2 (integer division) does not', () => {
    const breakdown = [cell('A', 'S', 8, 0), cell('B', 'S', 0, 3)];
    const jobs = activated('B', 'S', 1, [900, 900, 900]);
    const py3 = priorityMassage(breakdown, jobs).boosts;
    expect(py3).toHaveLength(1);
    expect(py3[0]).toMatchObject({ nJobs: 4, minPrio: 899.2, delta: 100, pandaIDs: [1, 2, 3] });
    expect(priorityMassage(breakdown, jobs, { rounding: 'py2' }).boosts).toEqual([]);
  });

  it('splits the boost evenly over the sites where the user is under the site average', () => {
    const breakdown = [
      cell('A', 'S1', 50, 0),
      cell('A', 'S2', 50, 0),
      cell('B', 'S1', 0, 10),
      cell('B', 'S2', 0, 10),
    ];
    const jobs = [
      ...activated('B', 'S1', 1, Array<number>(10).fill(990)),
      ...activated('B', 'S2', 11, Array<number>(10).fill(990)),
    ];
    const boosts = priorityMassage(breakdown, jobs).boosts;
    expect(boosts.map((b) => [b.computingSite, b.nJobs])).toEqual([
      ['S1', 25],
      ['S2', 25],
    ]);
  });

  it('throttles users at the running cap and releases them below 90 %', () => {
    const breakdown = [
      cell('big', 'S', 100, 0, 100),
      { ...cell('grp', 'S', 10, 0, 5), workingGroup: 'phys' },
    ];
    const result = priorityMassage(breakdown, [], {
      capRunningUserJobs: 100,
      capRunningGroupJobs: 10,
      throttledUsers: [{ prodUserName: 'grp', workingGroup: 'phys' }],
    });
    expect(result.capActions.map((a) => [a.prodUserName, a.action])).toEqual([
      ['big', 'throttle'],
      ['grp', 'release'],
    ]);
    expect(isCapThrottleCandidate({ jobStatus: 'activated', maxCpuCount: 21601 })).toBe(true);
    expect(isCapThrottleCandidate({ jobStatus: 'activated', maxCpuCount: 21600 })).toBe(false);
  });

  it('does nothing without users', () => {
    expect(priorityMassage([], [])).toEqual({ capActions: [], boosts: [], globalAverageRunDone: null });
  });
});

describe('TaskStandaloneModule.getUsageBreakdown_JEDI', () => {
  const job = (over: Partial<UsageBreakdownJob>): UsageBreakdownJob => ({
    prodUserName: 'u',
    computingSite: 'S',
    jobStatus: 'running',
    prodSourceLabel: 'user',
    coreCount: 8,
    modificationTime: 10_000,
    table: 'active',
    ...over,
  });

  it('counts running cores, run/done and activated jobs within the last hour', () => {
    const rows = usageBreakdown(
      [
        job({}),
        job({ jobStatus: 'sent', coreCount: null }),
        job({ jobStatus: 'finished', table: 'archived' }),
        job({ jobStatus: 'activated' }),
        job({ jobStatus: 'cancelled' }),
        job({ jobStatus: 'holding' }),
        job({ processingType: 'pmerge' }),
        job({ prodSourceLabel: 'managed' }),
        job({ jobStatus: 'finished', table: 'archived', modificationTime: 5_000 }),
      ],
      10_100,
    );
    expect(rows).toEqual([
      {
        prodUserName: 'u',
        workingGroup: null,
        computingSite: 'S',
        rundone: 3,
        activated: 1,
        running: 2,
        runcores: 9,
      },
    ]);
  });

  it('restricts active jobs to the window too (faithful), unless told otherwise', () => {
    const old = [job({ modificationTime: 0 })];
    expect(usageBreakdown(old, 10_000)).toEqual([]);
    expect(usageBreakdown(old, 10_000, { windowActiveTable: false })[0].running).toBe(1);
  });
});
