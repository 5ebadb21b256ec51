import { describe, expect, it } from 'vitest';
import { TimeWeighted } from '../../../sim/stats/time-weighted.ts';

describe('TimeWeighted', () => {
  it('averages a hand-made step function', () => {
    // 2 on [0, 3), 1 on [3, 7), 0 on [7, 10); the 5 set at t = 3 is replaced at once and never held.
    const queue = new TimeWeighted(0, 2);
    queue.update(3, 5);
    queue.update(3, 1);
    queue.update(7, 0);
    expect(queue.integral(10)).toBe(2 * 3 + 1 * 4);
    expect(queue.mean(10)).toBe(1);
    expect(queue.min).toBe(0);
    expect(queue.max).toBe(2);
    expect(queue.value).toBe(0);
    expect(queue.summary(10)).toEqual({ start: 0, end: 10, mean: 1, min: 0, max: 2, integral: 10 });
  });

  it('counts time from its own start, and the value held since the last update', () => {
    const busy = new TimeWeighted(100, 4);
    expect(busy.mean(100)).toBe(4);
    busy.update(110, 0);
    busy.update(115, 8);
    expect(busy.integral(120)).toBe(4 * 10 + 0 * 5 + 8 * 5);
    expect(busy.mean(120)).toBe(80 / 20);
    expect(busy.max).toBe(8);
  });

  it('matches the exact integral of many random-length steps', () => {
    const level = new TimeWeighted(0, 0);
    let now = 0;
    let area = 0;
    let value = 0;
    for (let k = 1; k <= 10_000; k++) {
      const step = (k % 17) * 0.25;
      area += value * step;
      now += step;
      value = (k * 31) % 11;
      level.update(now, value);
    }
    expect(level.integral(now)).toBe(area);
    expect(level.mean(now)).toBe(area / now);
    expect(level.min).toBe(0);
    expect(level.max).toBe(10);
  });

  it('refuses time going backwards and non-finite values', () => {
    const level = new TimeWeighted(5, 1);
    expect(() => level.update(4, 2)).toThrow(RangeError);
    level.update(6, 2);
    expect(() => level.integral(5.5)).toThrow(RangeError);
    expect(() => level.update(7, NaN)).toThrow(RangeError);
    expect(() => new TimeWeighted(NaN, 0)).toThrow(RangeError);
  });
});
