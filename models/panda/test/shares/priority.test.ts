import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  calculatePriority,
  countUserJobs,
  generatedJobPriority,
  highPrioPendingReactivationMinutes,
  insertedJobPriority,
  prioParameters,
  productionProgressBoost,
  refinedAnalysisTaskPriority,
  userBatchPriorities,
  type PrioParameters,
  type ProductionTaskProgress,
} from '../../src/shares/priority.ts';

const NORMAL: PrioParameters = { priorityOffset: 0, serNum: 0, weight: 0, prioReduction: true };

describe('PrioUtil.calculatePriority — E7', () => {
  it('a: fresh user, one batch of 100 jobs (Python 3 code)', () => {
    const p = userBatchPriorities(0, 100);
    expect(p[0]).toBe(1000);
    expect(p.slice(1, 6)).toEqual([999, 999, 999, 999, 999]);
    expect(p.slice(6, 11)).toEqual([998, 998, 998, 998, 998]);
    expect(p[11]).toBe(997);
    expect(p[95]).toBe(981);
    expect(p.slice(96)).toEqual([980, 980, 980, 980]);
  });

  it('a: documented Python 2 behaviour', () => {
    const p = userBatchPriorities(0, 100, 0, 'py2');
    expect(p.slice(0, 5)).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect(p.slice(5, 10)).toEqual([999, 999, 999, 999, 999]);
    expect(p.slice(95)).toEqual([981, 981, 981, 981, 981]);
  });

  it('b: a user with 12 jobs submits 8 more', () => {
    expect(userBatchPriorities(12, 8)).toEqual([997, 997, 997, 997, 996, 996, 996, 996]);
    expect(userBatchPriorities(12, 8, 0, 'py2')).toEqual([998, 998, 998, 997, 997, 997, 997, 997]);
  });

  it('c: overflow truncates toward zero', () => {
    expect(calculatePriority(0, 5003)).toBe(0);
    expect(calculatePriority(0, 5005)).toBe(-1);
  });

  it('d: scouts, merges, build and express jobs', () => {
    const scout = generatedJobPriority(1000, false, true);
    expect(scout).toBe(1001);
    expect(
      insertedJobPriority({ prodSourceLabel: 'user', assignedPriority: scout, isScoutJob: true }, NORMAL),
    ).toBe(1001);
    const merge = generatedJobPriority(1000, true, false);
    expect(merge).toBe(5000);
    expect(
      insertedJobPriority(
        { prodSourceLabel: 'user', processingType: 'pmerge', assignedPriority: merge },
        NORMAL,
      ),
    ).toBe(5000);
    expect(insertedJobPriority({ prodSourceLabel: 'panda' }, NORMAL)).toBe(2000);
    expect(
      insertedJobPriority({ prodSourceLabel: 'user', specialHandling: 'ddm:rucio,express' }, NORMAL),
    ).toBe(6000);
  });

  it('property: matches the closed forms 1000 + o − ceil(n/5) (py3) and 1000 + o − floor(n/5) (py2)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4000 }), fc.integer({ min: 0, max: 3000 }), (n, o) => {
        expect(calculatePriority(o, n)).toBe(1000 + o - Math.ceil(n / 5));
        expect(calculatePriority(o, n, 0, 'py2')).toBe(1000 + o - Math.floor(n / 5));
      }),
    );
  });
});

describe('JobComplexModule.insertNewJob', () => {
  it('fixed priorities for install, artprod and express build jobs', () => {
    expect(insertedJobPriority({ prodSourceLabel: 'install', assignedPriority: 10 }, NORMAL)).toBe(4100);
    expect(insertedJobPriority({ prodSourceLabel: 'user', prodUserName: 'artprod' }, NORMAL)).toBe(7000);
    expect(insertedJobPriority({ prodSourceLabel: 'panda', specialHandling: 'express' }, NORMAL)).toBe(6500);
    expect(insertedJobPriority({ prodSourceLabel: 'panda' }, { ...NORMAL, priorityOffset: 2000 })).toBe(4000);
  });

  it('keeps JEDI priorities of scouts and of tasks at or above 1500, else applies the formula', () => {
    expect(insertedJobPriority({ prodSourceLabel: 'user', assignedPriority: 1500 }, NORMAL)).toBe(1500);
    expect(
      insertedJobPriority({ prodSourceLabel: 'user', assignedPriority: 1499 }, { ...NORMAL, serNum: 7 }),
    ).toBe(998);
  });

  it('uses the boost-list priority directly (+1 for scouts)', () => {
    const boosted = prioParameters({
      processingType: 'panda-client',
      existingJobs: 300,
      boostPriority: 1200,
    });
    expect(boosted).toEqual({ priorityOffset: 1200, serNum: 0, weight: 0, prioReduction: false });
    expect(insertedJobPriority({ prodSourceLabel: 'user' }, boosted)).toBe(1200);
    expect(insertedJobPriority({ prodSourceLabel: 'user', isScoutJob: true }, boosted)).toBe(1201);
  });

  it('leaves production priorities as assigned by JEDI', () => {
    expect(insertedJobPriority({ prodSourceLabel: 'managed', assignedPriority: 900 }, NORMAL)).toBe(900);
    expect(insertedJobPriority({ prodSourceLabel: 'managed' }, NORMAL)).toBeNull();
  });
});

describe('TaskBuffer.getPrioParameters', () => {
  it('HammerCloud resets serNum; super-user groups get offset 2000; others count their jobs', () => {
    expect(prioParameters({ processingType: 'gangarobot-pft', existingJobs: 50 })).toEqual(NORMAL);
    expect(prioParameters({ processingType: 'hammercloud-fax', existingJobs: 50 })).toEqual(NORMAL);
    const group = prioParameters({
      processingType: 'x',
      existingJobs: 50,
      validGroupJob: true,
      groupIsSuperUser: true,
    });
    expect(group).toEqual({ priorityOffset: 2000, serNum: 0, weight: 0, prioReduction: true });
    expect(insertedJobPriority({ prodSourceLabel: 'user' }, group)).toBe(3000);
    expect(prioParameters({ processingType: 'x', existingJobs: 50 }).serNum).toBe(50);
  });

  it('getNumberJobsUser counts the user-label jobs of that working group except failed/merging', () => {
    const rows = [
      { prodUserName: 'u', prodSourceLabel: 'user', jobStatus: 'running' },
      { prodUserName: 'u', prodSourceLabel: 'user', jobStatus: 'failed' },
      { prodUserName: 'u', prodSourceLabel: 'user', jobStatus: 'merging' },
      { prodUserName: 'u', prodSourceLabel: 'panda', jobStatus: 'activated' },
      { prodUserName: 'u', prodSourceLabel: 'user', jobStatus: 'defined', workingGroup: 'phys' },
      { prodUserName: 'v', prodSourceLabel: 'user', jobStatus: 'running' },
    ];
    expect(countUserJobs(rows, 'u')).toBe(1);
    expect(countUserJobs(rows, 'u', 'phys')).toBe(1);
  });
});

describe('JEDI task and job priorities', () => {
  it('scouts get max(901, task + 1)', () => {
    expect(generatedJobPriority(500, false, true)).toBe(901);
    expect(generatedJobPriority(900, false, true)).toBe(901);
    expect(generatedJobPriority(901, false, true)).toBe(902);
    expect(generatedJobPriority(700, false, false)).toBe(700);
  });

  it('analysis task priority is clamped to 1000 outside [900, 1100]; super-users reach 1500', () => {
    expect(refinedAnalysisTaskPriority(850, 1000, false)).toBe(1000);
    expect(refinedAnalysisTaskPriority(950, 1000, false)).toBe(950);
    expect(refinedAnalysisTaskPriority(undefined, 1000, false)).toBe(1000);
    expect(refinedAnalysisTaskPriority(950, 1000, true)).toBe(1500);
    expect(refinedAnalysisTaskPriority(null, 800, true)).toBe(1500);
  });

  it('reactivates high-priority pending production tasks after 10 or 30 minutes', () => {
    expect(highPrioPendingReactivationMinutes(950)).toBe(10);
    expect(highPrioPendingReactivationMinutes(949)).toBe(30);
    expect(highPrioPendingReactivationMinutes(899)).toBeNull();
  });
});

describe('AtlasProdWatchDog.do_task_progress_based_actions', () => {
  const task: ProductionTaskProgress = {
    jediTaskID: 1,
    currentPriority: 500,
    gshare: 'MC Simulation Full',
    nFiles: 1000,
    nFilesFinished: 940,
    nFilesFailed: 10,
    nJobs: 2000,
    inGlobalShareOfLabel: true,
  };

  it('boosts to 900 and moves to Express at ≥ 95 % done with ≤ 100 remaining jobs', () => {
    expect(productionProgressBoost(task)).toMatchObject({ newPriority: 900, newShare: 'Express' });
  });

  it('does nothing below 95 % or with too many remaining jobs or an unfinished parent', () => {
    expect(productionProgressBoost({ ...task, nFilesFinished: 939 }).newShare).toBeNull();
    expect(productionProgressBoost({ ...task, nJobs: 2100 }).newPriority).toBeNull();
    expect(productionProgressBoost({ ...task, parentStatus: 'running' }).newPriority).toBeNull();
    expect(productionProgressBoost({ ...task, nJobs: null }).newPriority).toBeNull();
  });

  it('keeps higher priorities and the Express share', () => {
    expect(productionProgressBoost({ ...task, currentPriority: 950, gshare: 'Express' })).toMatchObject({
      newPriority: null,
      newShare: null,
    });
  });
});
