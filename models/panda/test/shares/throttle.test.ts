import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  jediThrottle,
  mergeThrottled,
  throttleConfig,
  throttleJobStats,
  throttleThreshold,
  type JediThrottleInput,
} from '../../src/shares/throttle.ts';

interface Counts {
  running: number;
  notRun: number;
  defined: number;
  waiting?: number;
}

function input(c: Counts, extra: Partial<JediThrottleInput> = {}): JediThrottleInput {
  return {
    queueName: 'MC Simulation Full',
    throttled: true,
    resourceType: 'SCORE',
    prodSourceLabel: 'managed',
    jobStats: {
      running: { SCORE: c.running },
      activated: { SCORE: c.notRun },
      defined: { SCORE: c.defined },
      waiting: { SCORE: c.waiting ?? 0 },
    },
    highestPrioWaiting: 0,
    highestPrioInPandaDB: 0,
    nNotRunHighestPrio: 1000,
    totalWalltime: null,
    ...extra,
  };
}

const highPrio = { highestPrioWaiting: 950, highestPrioInPandaDB: 900 };

describe('JobThrottlerBase.toBeThrottledBase — E8', () => {
  it('a: enough queued → merge-only', () => {
    const d = jediThrottle(input({ running: 1000, notRun: 1500, defined: 700 }));
    expect([d.nJobsInBunch, d.nQueueLimit]).toEqual([500, 2000]);
    expect(d).toMatchObject({ mergeOnly: true, level: 5, rule: 'enoughQueued', minPriority: null });
    expect(d.reason).toMatch(/^SKIP nQueued_rt\(2200\)\/nRunning_rt\(1000\)>2/);
  });

  it('b: pass with maxNumJobs 250, not lacking jobs', () => {
    const d = jediThrottle(input({ running: 1000, notRun: 1500, defined: 300 }));
    expect(d).toMatchObject({
      mergeOnly: false,
      level: false,
      rule: 'none',
      maxNumJobs: 250,
      lackOfJobs: false,
    });
    expect([d.nJobsInBunch, d.nQueueLimit]).toEqual([500, 2000]);
  });

  it('c: pass, lack of jobs, maxNumJobs max(300, 120)', () => {
    const d = jediThrottle(input({ running: 5000, notRun: 2000, defined: 500 }));
    expect([d.nJobsInBunch, d.nQueueLimit]).toEqual([600, 2400]);
    expect(d).toMatchObject({ mergeOnly: false, maxNumJobs: 300, lackOfJobs: true });
  });

  it('d: nothing running, long queue and walltime → merge-only', () => {
    const d = jediThrottle(input({ running: 0, notRun: 2500, defined: 500 }, { totalWalltime: 6e7 }));
    expect(d).toMatchObject({ mergeOnly: true, rule: 'noRunning', nJobsInBunch: 500, nQueueLimit: 2000 });
  });

  it('e: as d but higher-priority tasks waiting → pass from priority 950', () => {
    const d = jediThrottle(
      input({ running: 0, notRun: 2500, defined: 500 }, { totalWalltime: 6e7, ...highPrio }),
    );
    expect(d).toMatchObject({
      mergeOnly: false,
      rule: 'noRunning',
      minPriority: 950,
      highPrioQueued: true,
      lackOfJobs: false,
    });
    expect(d.maxNumJobs).toBe(250);
  });

  it('f: as d but little walltime left → pass, not lacking', () => {
    const d = jediThrottle(input({ running: 0, notRun: 2500, defined: 500 }, { totalWalltime: 1e7 }));
    expect(d).toMatchObject({ mergeOnly: false, rule: 'none', lackOfJobs: false, minPriority: null });
  });

  it('g: queue cap exceeded → merge-only', () => {
    const d = jediThrottle(
      input(
        { running: 10000, notRun: 1000, defined: 200 },
        { config: { 'NQUEUECAP_MC Simulation Full': 1000 } },
      ),
    );
    expect([d.nJobsInBunch, d.nQueueLimit]).toEqual([600, 2400]);
    expect(d).toMatchObject({ mergeOnly: true, rule: 'queueCap' });
    expect(d.reason).toContain('NQUEUECAP_MC Simulation Full=1000');
  });

  it('h: under the queue cap → maxNumJobs 1000 // 5 = 200, lack keeps 200', () => {
    const d = jediThrottle(
      input(
        { running: 10000, notRun: 700, defined: 100 },
        { config: { 'NQUEUECAP_MC Simulation Full': 1000 } },
      ),
    );
    expect(d).toMatchObject({ mergeOnly: false, rule: 'none', maxNumJobs: 200, lackOfJobs: true });
  });

  it('i: too many waiting → merge-only', () => {
    const d = jediThrottle(input({ running: 100, notRun: 50, defined: 10, waiting: 1200 }));
    expect(d).toMatchObject({ mergeOnly: true, rule: 'tooManyWaiting', nJobsInBunch: 500 });
  });

  it('j: running cap → merge-only even with high-priority tasks waiting', () => {
    const config = { 'NRUNNINGCAP_MC Simulation Full': 250 };
    const d = jediThrottle(input({ running: 300, notRun: 100, defined: 50 }, { config, ...highPrio }));
    expect(d).toMatchObject({ mergeOnly: true, rule: 'runningCap', highPrioQueued: true });
  });
});

describe('toBeThrottledBase details', () => {
  it('never throttles a share with THROTTLED = N', () => {
    const d = jediThrottle(input({ running: 0, notRun: 99999, defined: 99999 }, { throttled: false }));
    expect(d).toMatchObject({
      mergeOnly: false,
      rule: 'unthrottledShare',
      maxNumJobs: null,
      minPriority: null,
    });
  });

  it('ignores the high-priority bypass for user tasks and needs < 500 jobs at equal priority', () => {
    const stuck = { running: 0, notRun: 2500, defined: 500 };
    expect(jediThrottle(input(stuck, { prodSourceLabel: 'user', ...highPrio })).mergeOnly).toBe(true);
    const equal = { highestPrioWaiting: 900, highestPrioInPandaDB: 900 };
    expect(jediThrottle(input(stuck, { ...equal, nNotRunHighestPrio: 499 })).highPrioQueued).toBe(true);
    expect(jediThrottle(input(stuck, { ...equal, nNotRunHighestPrio: 500 })).highPrioQueued).toBe(false);
  });

  it('a matched bypassable rule shadows the running cap (elif chain)', () => {
    const config = { 'NRUNNINGCAP_MC Simulation Full': 1 };
    const d = jediThrottle(input({ running: 0, notRun: 2500, defined: 500 }, { config, ...highPrio }));
    expect(d).toMatchObject({ mergeOnly: false, rule: 'noRunning', minPriority: 950 });
  });

  it('brokerage stuck: too many defined jobs', () => {
    const d = jediThrottle(input({ running: 2000, notRun: 0, defined: 2500 }, { totalWalltime: 1e7 }));
    expect(d).toMatchObject({ mergeOnly: true, rule: 'brokerageStuck' });
  });

  it('grows the bunch from the free queue room for Heavy Ion / Reprocessing default', () => {
    const config = { 'NQUEUELIMIT_Heavy Ion': 5000 };
    const d = jediThrottle(
      input({ running: 100, notRun: 100, defined: 0 }, { queueName: 'Heavy Ion', config }),
    );
    expect(d.nQueueLimit).toBe(5000);
    expect(d.nJobsInBunch).toBe(600);
    expect(d.maxNumJobs).toBe(300);
    const plain = jediThrottle(
      input({ running: 100, notRun: 100, defined: 0 }, { queueName: 'X', config: { NQUEUELIMIT_X: 5000 } }),
    );
    expect(plain.nJobsInBunch).toBe(500);
  });

  it('counts at share level for the eventservice work queue', () => {
    const d = jediThrottle({
      ...input({ running: 0, notRun: 0, defined: 0 }),
      queueName: 'eventservice',
      jobStats: { running: { SCORE: 0, MCORE: 1000 }, activated: { SCORE: 2500 }, defined: { MCORE: 100 } },
    });
    expect(d.nJobsInBunch).toBe(500);
    expect(d).toMatchObject({ mergeOnly: true, rule: 'enoughQueued' });
  });

  it('lack of jobs raises maxNumJobs to nQueueLimit / 20, a true division', () => {
    const d = jediThrottle(
      input({ running: 10, notRun: 0, defined: 0 }, { config: { 'NQUEUELIMIT_MC Simulation Full': 10010 } }),
    );
    expect(d.maxNumJobs).toBe(500.5);
  });
});

describe('__getConfiguration and __prepareJobStats', () => {
  it('looks up RT, then SCORE/MCORE family, then share level; 0 counts as unset', () => {
    const values = {
      'NQUEUELIMIT_MC 16_MCORE_HIMEM': 0,
      'NQUEUELIMIT_MC 16_MCORE*': 700,
      'NQUEUELIMIT_MC 16': 900,
      'NRUNNINGCAP_MC 16_MCORE_HIMEM': 50,
      'NQUEUECAP_MC 16': 400,
    };
    const cfg = throttleConfig(values, 'MC 16', 'MCORE_HIMEM');
    expect(cfg.NQUEUELIMIT).toEqual({ value: 700, level: 'MS', key: 'NQUEUELIMIT_MC 16_MCORE*' });
    expect(cfg.NRUNNINGCAP).toEqual({ value: 50, level: 'RT', key: 'NRUNNINGCAP_MC 16_MCORE_HIMEM' });
    expect(cfg.NQUEUECAP).toEqual({ value: 400, level: 'GS', key: 'NQUEUECAP_MC 16' });
    expect(throttleConfig({ 'NQUEUECAP_X_None*': 3 }, 'X', 'GPU').NQUEUECAP.level).toBe('MS');
  });

  it('counts at RT, family and share level and treats standby slots as running', () => {
    const stats = {
      running: { SCORE: 10, SCORE_HIMEM: 5, MCORE: 7 },
      activated: { SCORE: 3, MCORE: 4 },
      assigned: { SCORE: 2 },
      starting: { SCORE_HIMEM: 1 },
      defined: { SCORE: 6, MCORE: 8 },
      waiting: { SCORE: 9, MCORE: 1 },
    };
    const cfg = throttleConfig(
      { NQUEUELIMIT_S: 1, NRUNNINGCAP_S_SCORE_HIMEM: 1, 'NQUEUECAP_S_SCORE*': 1 },
      'S',
      'SCORE_HIMEM',
    );
    const s = throttleJobStats(stats, 'SCORE_HIMEM', cfg, { SCORE: 2 }, { SCORE_HIMEM: 1 });
    expect(s).toEqual({
      nRunning_rt: 1,
      nRunning_gs: 25,
      nRunning_runningcap: 1,
      nNotRun_rt: 0,
      nNotRun_gs: 9,
      nNotRun_queuelimit: 9,
      nNotRun_queuecap: 5,
      nDefine_rt: 0,
      nDefine_gs: 14,
      nDefine_queuelimit: 14,
      nDefine_queuecap: 6,
      nWaiting_rt: 0,
      nWaiting_gs: 10,
    });
  });

  it('reads the threshold for normal operation or work shortage', () => {
    expect(throttleThreshold()).toBe(2.0);
    expect(throttleThreshold({ THROTTLE_THRESHOLD: 3 })).toBe(3);
    expect(throttleThreshold({ workShortage: true, THROTTLE_THRESHOLD: 3 })).toBe(2.0);
    expect(throttleThreshold({ workShortage: true, THROTTLE_THRESHOLD_FOR_WORK_SHORTAGE: 5 })).toBe(5);
  });

  it('mergeThrottled: level 5 still lets merges through', () => {
    expect(mergeThrottled(5)).toBe(false);
    expect(mergeThrottled(6)).toBe(true);
    expect(mergeThrottled(true)).toBe(true);
  });
});

describe('monotonicity', () => {
  const arbCounts = fc.record({
    running: fc.integer({ min: 0, max: 20000 }),
    notRun: fc.integer({ min: 0, max: 20000 }),
    defined: fc.integer({ min: 0, max: 5000 }),
    waiting: fc.integer({ min: 0, max: 5000 }),
  });
  const arbExtra = fc.record({
    totalWalltime: fc.option(fc.integer({ min: 0, max: 1e8 }), { nil: null }),
    cap: fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }),
  });

  it('without the high-priority bypass, more queued, defined or waiting jobs never unthrottle', () => {
    fc.assert(
      fc.property(
        arbCounts,
        arbExtra,
        fc.nat(3000),
        fc.constantFrom('notRun', 'defined', 'waiting'),
        (c, x, more, field) => {
          const extra: Partial<JediThrottleInput> = { totalWalltime: x.totalWalltime };
          if (x.cap !== undefined) extra.config = { 'NQUEUECAP_MC Simulation Full': x.cap };
          const before = jediThrottle(input(c, extra));
          const after = jediThrottle(input({ ...c, [field]: c[field as keyof Counts] + more }, extra));
          if (before.mergeOnly) expect(after.mergeOnly).toBe(true);
        },
      ),
    );
  });

  it('maxNumJobs never exceeds what the bunch or cap allows', () => {
    fc.assert(
      fc.property(arbCounts, (c) => {
        const d = jediThrottle(input(c));
        expect(d.maxNumJobs).toBeGreaterThanOrEqual(250);
        expect(d.maxNumJobs).toBeLessThanOrEqual(300);
      }),
    );
  });
});
