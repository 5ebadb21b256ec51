import { describe, expect, it } from 'vitest';
import { buildShareTree } from '../../src/shares/global-shares.ts';
import { ShareOrderer } from '../../src/shares/share-order.ts';
import { leafUsage } from '../../src/shares/share-usage.ts';
import { gsharePreference, gshareStatus, l1EquivalentTargets } from '../../src/shares/gshare-preference.ts';
import {
  analysisSiteClasses,
  analysisTaskClass,
  analysisUserEval,
  nanQuantile,
  type SiteWaitStats,
} from '../../src/shares/analysis-classes.ts';
import {
  analysisTaskBoost,
  shareUsageThrottle,
  userCapThrottle,
} from '../../src/shares/analysis-throttle.ts';
import { E3_EXECUTING, ILLUSTRATIVE_ROWS } from './fixtures.ts';

describe('metric_collector gshare_preference — E11', () => {
  it('hands the idle Express target to the busy L1 shares', () => {
    const l1 = l1EquivalentTargets(
      [
        { gshare: 'L1 Production', running_hs: 600, target_hs: 700, queuing_hs: 2000 },
        { gshare: 'L1 Analysis', running_hs: 400, target_hs: 250, queuing_hs: 500 },
        { gshare: 'L1 Express', running_hs: 0, target_hs: 50, queuing_hs: 0 },
      ],
      1000,
    );
    expect(l1).not.toBeNull();
    const [prod, anal, express] = l1 ?? [];
    expect(prod.proj_target_hs).toBe(700);
    expect(anal.proj_target_hs).toBe(250);
    expect(express.proj_target_hs).toBe(0);
    expect(prod.eqiv_target_hs).toBeCloseTo(736.8, 2);
    expect(prod.eqiv_usage_perc).toBeCloseTo(0.8143, 4);
    expect(anal.eqiv_target_hs).toBeCloseTo(263.14, 2);
    expect(anal.eqiv_usage_perc).toBeCloseTo(1.52, 3);
    expect(express.eqiv_target_hs).toBe(50);
    expect(express.eqiv_usage_perc).toBe(0);
  });

  it('builds the same figures from the share tree and getGShareStatus', () => {
    const tree = buildShareTree(ILLUSTRATIVE_ROWS);
    const usage = leafUsage(tree, {
      executing: E3_EXECUTING,
      queued: { 'MC Simulation Full': 1500, 'Data Derivations': 500, 'User Analysis': 500 },
    });
    const status = gshareStatus(new ShareOrderer(tree), usage);
    expect(status[0]).toEqual({ name: 'Express', running: 0, target: 50, queuing: 0 });
    expect(status.map((s) => s.name)[6]).toBe('User Analysis');
    const pref = gsharePreference(tree, status);
    expect(pref?.['User Analysis']).toMatchObject({ rank: 7, usage_perc: 1.75, queue_perc: 2.5 });
    expect(pref?.['L1 Production'].eqiv_target_hs).toBeCloseTo(736.8, 2);
    expect(pref?.['L1 Analysis'].eqiv_usage_perc).toBeCloseTo(1.52, 3);
    expect(pref?.['L1 Express'].usage_perc).toBe(0);
  });

  it('fails like upstream when nothing runs (target / 0)', () => {
    const tree = buildShareTree(ILLUSTRATIVE_ROWS);
    const status = gshareStatus(new ShareOrderer(tree), leafUsage(tree, { executing: {} }));
    expect(gsharePreference(tree, status)).toBeNull();
  });
});

describe('analy_site_eval', () => {
  const site = (
    name: string,
    w: number | null,
    lq: number | null,
    n: number,
    strr: number,
    rt = 'GRID',
  ): SiteWaitStats => ({
    site: name,
    resourceType: rt,
    w_cl95upp: w,
    long_q_mean: lq,
    long_q_n: n,
    strr_1d: strr,
  });

  it('interpolates quantiles like numpy.nanquantile', () => {
    const xs = [100, 4000, 5000, 20000, 30000];
    expect(nanQuantile(xs, 0.333)).toBeCloseTo(4332, 9);
    expect(nanQuantile(xs, 0.667)).toBeCloseTo(15020, 9);
    expect(nanQuantile([], 0.5)).toBeNaN();
  });

  it('classifies sites A/B/C by ranking wait time against GRID percentiles', () => {
    const classes = analysisSiteClasses([
      site('fast', 100, 50, 10, 1),
      site('ok-but-idle', 4000, 10, 10, 0),
      site('low-stat', 3000, 5000, 2, 1),
      site('slow', 20000, 10, 10, 1),
      site('slowest', 10, 30000, 10, 1),
      site('hpc', 12000, 10, 10, 1, 'hpc'),
      site('unknown', null, 10, 10, 1),
    ]);
    expect(classes).toEqual({ fast: 1, 'ok-but-idle': 0, 'low-stat': 1, slow: -1, slowest: -1, hpc: 0 });
  });
});

describe('analy_user_eval and analy_task_eval', () => {
  const classes = { A1: 1, B1: 0, C1: -1 } as const;
  const types = { A1: 'GRID', B1: 'GRID', C1: 'GRID', H: 'hpc' };
  const users = analysisUserEval(
    [
      { user: 'u', site: 'A1', gshare: 'User Analysis', slotsRunning: 600 },
      { user: 'u', site: 'A1', gshare: 'Express Analysis', slotsRunning: 500 },
      { user: 'u', site: 'B1', gshare: 'User Analysis', slotsRunning: 7000 },
      { user: 'u', site: 'C1', gshare: 'User Analysis', slotsRunning: 50 },
      { user: 'u', site: 'A1', gshare: 'Group production', slotsRunning: 999 },
      { user: 'v', site: 'A1', gshare: 'User Analysis', slotsRunning: 10 },
      { user: 'w', site: 'H', gshare: 'User Analysis', slotsRunning: 10 },
    ],
    classes,
    types,
  );

  it('counts remaining slots on A and A+B sites', () => {
    expect(users.u).toEqual({
      slotsRunningA: 1100,
      slotsRunningB: 7000,
      slotsRunningC: 50,
      rem_slots_A: 0,
      rem_slots_B: 0,
      rem_slot_ratio_A: 0,
      rem_slot_ratio_B: 0,
    });
    expect(users.v.rem_slots_A).toBe(990);
    expect(users.w).toBeUndefined();
  });

  it('classifies tasks S/A/B/C and promotes nearly-done ones', () => {
    const progress = {
      gshare: 'User Analysis',
      nFiles: 100,
      nFilesFinished: 10,
      nFilesFailed: 0,
      nJobs: 1000,
    };
    expect(analysisTaskClass({ ...progress, gshare: 'Express Analysis' }, undefined)).toBe(2);
    expect(analysisTaskClass(progress, undefined)).toBeNull();
    expect(analysisTaskClass(progress, { rem_slots_A: 5, rem_slots_B: 5 })).toBe(1);
    expect(analysisTaskClass(progress, { rem_slots_A: 0, rem_slots_B: 5 })).toBe(0);
    expect(analysisTaskClass(progress, users.u)).toBe(-1);
    const nearlyA = { ...progress, nFilesFinished: 90 };
    expect(analysisTaskClass(nearlyA, { rem_slots_A: 5, rem_slots_B: 5 })).toBe(2);
    expect(analysisTaskClass(nearlyA, { rem_slots_A: 0, rem_slots_B: 5 })).toBe(0);
    expect(
      analysisTaskClass({ ...progress, nFilesFinished: 95, nJobs: 4000 }, { rem_slots_A: 0, rem_slots_B: 5 }),
    ).toBe(2);
    expect(analysisTaskClass({ ...progress, nFilesFinished: 100 }, { rem_slots_A: 5, rem_slots_B: 5 })).toBe(
      1,
    );
  });
});

describe('AtlasAnalJobBroker task throttles', () => {
  it('caps running and queued jobs and cores per user', () => {
    const totals = { nRunJobs: 50, nQueuedJobs: 250, nRunCores: 50, nQueuedCores: 250 };
    expect(userCapThrottle(totals, { maxRunJobs: 100 }).throttled).toBe(true);
    expect(userCapThrottle(totals, { maxRunJobs: 125 }).throttled).toBe(false);
    expect(userCapThrottle(totals, { maxRunCores: 40 }).reason).toMatch(/running cores/);
    expect(userCapThrottle(totals, {}).throttled).toBe(false);
    expect(userCapThrottle(totals, { maxRunJobs: 10 }, true).throttled).toBe(false);
    expect(userCapThrottle(null, { maxRunJobs: 10 }).throttled).toBe(false);
  });

  it('throttles User Analysis tasks by class and share usage', () => {
    const base = { gshare: 'User Analysis', shareUsage: 0.96, taskClass: 0 as const, remSlotsA: 0 };
    expect(shareUsageThrottle(base).throttled).toBe(true);
    expect(shareUsageThrottle({ ...base, l1EquivalentUsage: 0.94 }).throttled).toBe(false);
    expect(shareUsageThrottle({ ...base, shareUsage: 0.91, taskClass: -1 }).throttled).toBe(true);
    expect(shareUsageThrottle({ ...base, taskClass: 2, shareUsage: 5 }).throttled).toBe(false);
    expect(shareUsageThrottle({ ...base, taskClass: 1, shareUsage: 1.01 }).throttled).toBe(true);
    expect(shareUsageThrottle({ ...base, taskClass: 1, shareUsage: 1.5, remSlotsA: 500 }).throttled).toBe(
      false,
    );
    expect(shareUsageThrottle({ ...base, taskClass: 1, shareUsage: 2.1, remSlotsA: null }).throttled).toBe(
      true,
    );
    expect(shareUsageThrottle({ ...base, gshare: 'Express Analysis' }).throttled).toBe(false);
    expect(shareUsageThrottle({ ...base, taskClass: null }).throttled).toBe(false);
  });

  it('moves S-class User Analysis tasks to Express Analysis', () => {
    expect(analysisTaskBoost('User Analysis', 2, false)).toEqual({
      newShare: 'Express Analysis',
      maxWalltimeHours: 1,
    });
    expect(analysisTaskBoost('User Analysis', 2, true)).toEqual({
      newShare: 'Express Analysis',
      maxWalltimeHours: null,
    });
    expect(analysisTaskBoost('User Analysis', 1, false)).toBeNull();
    expect(analysisTaskBoost('Express Analysis', 2, false)).toBeNull();
  });
});
