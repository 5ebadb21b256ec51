import { describe, expect, it } from 'vitest';
import { Tally } from '../../../sim/stats/tally.ts';

function tallyOf(values: readonly number[]): Tally {
  const tally = new Tally();
  for (const x of values) tally.add(x);
  return tally;
}

function twoPass(values: readonly number[]): { mean: number; variance: number } {
  const mean = values.reduce((s, x) => s + x, 0) / values.length;
  const squares = values.reduce((s, x) => s + (x - mean) * (x - mean), 0);
  return { mean, variance: squares / (values.length - 1) };
}

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

// Noise that is irregular but reproducible, centred near zero, spread about ±3.
function noise(k: number): number {
  return ((k * 7919) % 1000) / 166.7 - 3 + ((k * 104729) % 97) / 970;
}

describe('Tally', () => {
  it('gives the textbook figures for 2, 4, 4, 4, 5, 5, 7, 9', () => {
    const tally = tallyOf([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(tally.count).toBe(8);
    expect(tally.mean).toBe(5);
    expect(tally.sum).toBe(40);
    expect(tally.min).toBe(2);
    expect(tally.max).toBe(9);
    expect(tally.populationVariance).toBeCloseTo(4, 14);
    expect(tally.variance).toBeCloseTo(32 / 7, 14);
    expect(tally.standardError).toBeCloseTo(Math.sqrt(32 / 7 / 8), 14);
  });

  it('keeps its digits at an offset of 1e9 (4, 7, 13, 16 shifted: variance 30)', () => {
    const tally = tallyOf([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]);
    expect(tally.mean).toBe(1e9 + 10);
    expect(relativeError(tally.variance, 30)).toBeLessThan(1e-12);
  });

  it('matches a two-pass computation on 100,000 values of 1e9 plus small noise', () => {
    const values = Array.from({ length: 100_000 }, (_, k) => 1e9 + noise(k));
    const exact = twoPass(values);
    const tally = tallyOf(values);
    expect(relativeError(tally.mean, exact.mean)).toBeLessThan(1e-15);
    expect(relativeError(tally.variance, exact.variance)).toBeLessThan(1e-9);
    // The data is hard enough to matter: the textbook (Σx² − (Σx)²/n)/(n − 1) loses every digit on it.
    let sum = 0;
    let sumOfSquares = 0;
    for (const x of values) {
      sum += x;
      sumOfSquares += x * x;
    }
    const textbook = (sumOfSquares - (sum * sum) / values.length) / (values.length - 1);
    expect(relativeError(textbook, exact.variance)).toBeGreaterThan(1);
  });

  it('merges into exactly the tally of the concatenation', () => {
    const values = Array.from({ length: 30_001 }, (_, k) => 50 + 40 * noise(k) + (k % 13) * 1e3);
    const whole = tallyOf(values);
    const cuts = [0, 1, 7_000, 7_001, 22_222, 30_001];
    const merged = new Tally();
    for (let part = 0; part + 1 < cuts.length; part++)
      merged.merge(tallyOf(values.slice(cuts[part], cuts[part + 1])));
    expect(merged.count).toBe(whole.count);
    expect(relativeError(merged.mean, whole.mean)).toBeLessThan(1e-12);
    expect(relativeError(merged.variance, whole.variance)).toBeLessThan(1e-12);
    expect(relativeError(merged.sum, whole.sum)).toBeLessThan(1e-12);
    expect(merged.min).toBe(whole.min);
    expect(merged.max).toBe(whole.max);
  });

  it('merges with empty tallies on either side', () => {
    const full = tallyOf([3, 5]);
    expect(new Tally().merge(full).toJSON()).toEqual(full.toJSON());
    expect(tallyOf([3, 5]).merge(new Tally()).toJSON()).toEqual(full.toJSON());
  });

  it('reports NaN, not zero, for figures it cannot know', () => {
    const empty = new Tally();
    expect(empty.mean).toBeNaN();
    expect(empty.min).toBeNaN();
    expect(empty.max).toBeNaN();
    expect(empty.populationVariance).toBeNaN();
    const single = tallyOf([4]);
    expect(single.mean).toBe(4);
    expect(single.variance).toBeNaN();
    expect(single.populationVariance).toBe(0);
  });

  it('rejects non-finite observations', () => {
    const tally = new Tally();
    expect(() => tally.add(NaN)).toThrow(RangeError);
    expect(() => tally.add(Infinity)).toThrow(RangeError);
    expect(tally.count).toBe(0);
  });

  it('survives a JSON round trip, empty or not', () => {
    const tally = tallyOf([1.5, -2.25, 8]);
    const copy = Tally.fromJSON(JSON.parse(JSON.stringify(tally)));
    expect(copy.toJSON()).toEqual(tally.toJSON());
    expect(copy.variance).toBe(tally.variance);
    const empty = Tally.fromJSON(JSON.parse(JSON.stringify(new Tally())));
    expect(empty.count).toBe(0);
    expect(empty.toJSON()).toEqual({ count: 0, mean: 0, m2: 0, sum: 0, min: null, max: null });
  });

  it('refuses inconsistent JSON', () => {
    expect(() => Tally.fromJSON({ count: 2, mean: 1, m2: 0, sum: 2, min: null, max: null })).toThrow(
      RangeError,
    );
    expect(() => Tally.fromJSON({ count: 2, mean: 1, m2: -1, sum: 2, min: 1, max: 1 })).toThrow(RangeError);
    expect(() => Tally.fromJSON({ count: 1.5, mean: 1, m2: 0, sum: 2, min: 1, max: 1 })).toThrow(RangeError);
  });
});
