/**
 * Parsl's 'simple' strategy (parsl/jobs/strategy.py) case by case, and the service's sliding-window rate
 * limit against its definition (no more than `limit` requests in any window).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_HTEX_PARAMS } from '../../../models/funcx/params.ts';
import { SlidingWindowLimit } from '../../../models/funcx/sliding-window.ts';
import { simpleStrategy, type StrategyParams, type StrategyState } from '../../../models/funcx/strategy.ts';

const params = (overrides: Partial<StrategyParams> = {}): StrategyParams => ({
  ...DEFAULT_HTEX_PARAMS,
  initBlocks: 0,
  minBlocks: 0,
  maxBlocks: 10,
  parallelism: 1,
  workersPerNode: 4,
  nodesPerBlock: 2,
  maxIdletime: 120,
  strategyPeriod: 5,
  ...overrides,
});

const state = (overrides: Partial<StrategyState> = {}): StrategyState => ({
  first: false,
  outstandingTasks: 0,
  activeBlocks: 0,
  pass: 10,
  idleSincePass: undefined,
  ...overrides,
});

describe('simpleStrategy', () => {
  it('asks for initBlocks at the first pass only, and counts them as slots', () => {
    const p = params({ initBlocks: 2 });
    expect(simpleStrategy(state({ first: true }), p).scaleOut).toBe(2);
    expect(simpleStrategy(state({ first: false }), p).scaleOut).toBe(0);
    // 2 initial blocks × 8 slots cover 16 tasks: no more.
    expect(simpleStrategy(state({ first: true, outstandingTasks: 16 }), p).scaleOut).toBe(2);
    expect(simpleStrategy(state({ first: true, outstandingTasks: 17 }), p).scaleOut).toBe(3);
  });

  it('scales out by the blocks that cover the missing slots, up to maxBlocks', () => {
    // 1 block = 8 slots; 20 tasks need ceil((20 - 8) / 8) = 2 more.
    expect(simpleStrategy(state({ outstandingTasks: 20, activeBlocks: 1 }), params()).scaleOut).toBe(2);
    expect(simpleStrategy(state({ outstandingTasks: 1000, activeBlocks: 1 }), params()).scaleOut).toBe(9);
    expect(simpleStrategy(state({ outstandingTasks: 1000, activeBlocks: 10 }), params()).scaleOut).toBe(0);
    // parallelism 0.5: 20 tasks want 10 slots, 8 exist: one more block.
    expect(
      simpleStrategy(state({ outstandingTasks: 20, activeBlocks: 1 }), params({ parallelism: 0.5 })).scaleOut,
    ).toBe(1);
  });

  it('with parallelism 0 asks for one block only when there is none', () => {
    const p = params({ parallelism: 0 });
    expect(simpleStrategy(state({ outstandingTasks: 500 }), p).scaleOut).toBe(1);
    expect(simpleStrategy(state({ outstandingTasks: 500, activeBlocks: 1 }), p).scaleOut).toBe(0);
  });

  it('starts an idle timer and scales in above minBlocks once idle longer than maxIdletime', () => {
    const p = params({ minBlocks: 1 });
    const started = simpleStrategy(state({ activeBlocks: 3, pass: 10 }), p);
    expect(started).toEqual({ scaleOut: 0, scaleIn: 0, idleSincePass: 10 });
    // 24 passes × 5 s = 120 s is not more than 120 s; 25 passes is.
    expect(simpleStrategy(state({ activeBlocks: 3, pass: 34, idleSincePass: 10 }), p).scaleIn).toBe(0);
    expect(simpleStrategy(state({ activeBlocks: 3, pass: 35, idleSincePass: 10 }), p).scaleIn).toBe(2);
  });

  it('neither scales in nor out to minBlocks without tasks, and resets the timer when tasks appear', () => {
    const p = params({ minBlocks: 2 });
    expect(simpleStrategy(state({ activeBlocks: 0, pass: 50, idleSincePass: 1 }), p)).toEqual({
      scaleOut: 0,
      scaleIn: 0,
      idleSincePass: 1,
    });
    const busy = simpleStrategy(state({ activeBlocks: 3, outstandingTasks: 1, idleSincePass: 1 }), p);
    expect(busy.idleSincePass).toBeUndefined();
  });
});

describe('SlidingWindowLimit', () => {
  it('admits 20 requests per 10 s window and holds the rest until the oldest leaves the window', () => {
    const limit = new SlidingWindowLimit(20, 10);
    const times: number[] = [];
    for (let i = 0; i < 100; i++) {
      const at = limit.earliest(0);
      limit.admit(at);
      times.push(at);
    }
    expect(times).toEqual(Array.from({ length: 100 }, (_, i) => 10 * Math.floor(i / 20)));
  });

  it('never lets more than the limit into any window, whatever the arrival times', () => {
    const limit = new SlidingWindowLimit(5, 10);
    const admitted: number[] = [];
    let now = 0;
    for (let i = 0; i < 200; i++) {
      now += (i * 7919) % 13 === 0 ? 6 : 0.7;
      const at = limit.earliest(now);
      expect(at).toBeGreaterThanOrEqual(now);
      limit.admit(at);
      admitted.push(at);
    }
    // 1e-9: admitted[i] is computed as admitted[i - 5] + 10, which the subtraction may round below 10.
    for (let i = 5; i < admitted.length; i++) {
      expect(admitted[i] - admitted[i - 5]).toBeGreaterThanOrEqual(10 - 1e-9);
    }
  });
});
