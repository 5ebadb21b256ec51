// Two-sample distances: exact values on small samples, and the properties a fit relies on.
import { describe, expect, it } from 'vitest';
import { ksDistance, sortedCopy, wassersteinDistance } from '../../../sim/stats/two-sample.ts';

describe('Kolmogorov–Smirnov distance', () => {
  it('is the largest gap between the empirical CDFs', () => {
    // F jumps by 1/3 at 1, 2, 3; G by 1/2 at 2, 4: after 1 F − G = 1/3, after 2 2/3 − 1/2, after 3 1 − 1/2.
    expect(ksDistance([1, 2, 3], [2, 4])).toBeCloseTo(1 / 2, 15);
    expect(ksDistance([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(ksDistance([1, 2], [5, 6])).toBe(1);
  });

  it('compares ties as the CDFs do, after every value equal to x', () => {
    expect(ksDistance([1, 1, 2], [1, 2, 2])).toBeCloseTo(1 / 3, 15);
  });
});

describe('Wasserstein-1 distance', () => {
  it('is the area between the empirical CDFs', () => {
    // A shift moves every unit of mass by the shift.
    expect(wassersteinDistance([1, 2, 3], [11, 12, 13])).toBe(10);
    // |F − G| = 1/3 on [1, 2), 2/3 − 1/2 on [2, 3), 1/2 on [3, 4): 1/3 + 1/6 + 1/2.
    expect(wassersteinDistance([1, 2, 3], [2, 4])).toBeCloseTo(1, 15);
    expect(wassersteinDistance([5], [5])).toBe(0);
  });

  it('is symmetric', () => {
    const a = sortedCopy([3, 1, 4, 1, 5, 9, 2, 6]);
    const b = sortedCopy([2, 7, 1, 8, 2, 8]);
    expect(wassersteinDistance(a, b)).toBeCloseTo(wassersteinDistance(b, a), 12);
    expect(ksDistance(a, b)).toBe(ksDistance(b, a));
  });
});

describe('sortedCopy', () => {
  it('sorts numerically and refuses NaN', () => {
    expect([...sortedCopy([10, 9, 100])]).toEqual([9, 10, 100]);
    expect(() => sortedCopy([1, Number.NaN])).toThrow(/NaN/);
    expect(() => ksDistance([], [1])).toThrow(/at least one value/);
  });
});
