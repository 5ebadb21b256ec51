import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../sim/random.ts';
import { Reservoir } from '../../../sim/stats/reservoir.ts';

describe('Reservoir', () => {
  it('keeps every value, in arrival order, until it is full', () => {
    const r = new Reservoir(5, new RandomStreams(1).stream('r'));
    for (const x of [3, 1, 2]) r.add(x);
    expect(r.values).toEqual([3, 1, 2]);
    expect(r.sorted()).toEqual([1, 2, 3]);
    expect(r.count).toBe(3);
  });

  it('then keeps size values, each value seen equally likely kept, the same for the same stream', () => {
    const sample = (seed: number) => {
      const r = new Reservoir(100, new RandomStreams(seed).stream('r'));
      for (let x = 0; x < 10_000; x++) r.add(x);
      return r;
    };
    const r = sample(1);
    expect(r.values).toHaveLength(100);
    expect(r.count).toBe(10_000);
    expect(sample(1).values).toEqual(r.values);
    // Kept values are uniform over 0..9999: their mean is 4999.5 with a standard error of 2887/√100 ≈ 289.
    const mean = r.values.reduce((a, b) => a + b, 0) / 100;
    expect(Math.abs(mean - 4999.5)).toBeLessThan(4 * 289);
    // Over many samples each value's chance is 100/10,000: the first 1,000 values hold ~10 % of what is kept.
    let early = 0;
    for (let seed = 0; seed < 50; seed++) early += sample(seed).values.filter((x) => x < 1000).length;
    expect(early / (50 * 100)).toBeCloseTo(0.1, 1);
  });

  it('refuses a size below 1', () => {
    expect(() => new Reservoir(0, { next: () => 0 })).toThrow('Reservoir: size must be >= 1, got 0');
  });
});
