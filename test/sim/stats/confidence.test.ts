import { describe, expect, it } from 'vitest';
import { uniformStream } from '../../support/test-uniforms.ts';
import {
  batchMeansInterval,
  meanConfidenceInterval,
  pairedDifferenceInterval,
} from '../../../sim/stats/confidence.ts';
import { Tally } from '../../../sim/stats/tally.ts';

/** Standard normal deviates by Box–Muller (one per pair of uniforms; simplicity over speed). */
function normalStream(seed: number): () => number {
  const uniform = uniformStream(seed);
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** x_k = μ + φ·(x_{k−1} − μ) + ε_k, started in its stationary distribution. */
function autoregressive(seed: number, n: number, mean: number, phi: number): Float64Array {
  const normal = normalStream(seed);
  const out = new Float64Array(n);
  let deviation = normal() / Math.sqrt(1 - phi * phi);
  for (let k = 0; k < n; k++) {
    out[k] = mean + deviation;
    deviation = phi * deviation + normal();
  }
  return out;
}

describe('meanConfidenceInterval', () => {
  it('computes the t interval of 2, 4, 4, 4, 5, 5, 7, 9', () => {
    const interval = meanConfidenceInterval([2, 4, 4, 4, 5, 5, 7, 9]);
    // s = √(32/7), s/√8 = 0.7559289460184544, t(0.975, 7) = 2.364624251592784 (scipy 1.17).
    expect(interval.n).toBe(8);
    expect(interval.degreesOfFreedom).toBe(7);
    expect(interval.mean).toBe(5);
    expect(interval.standardError).toBeCloseTo(0.7559289460184544, 14);
    expect(interval.halfWidth).toBeCloseTo(1.7874879182362098, 13);
    expect(interval.lower).toBeCloseTo(5 - 1.7874879182362098, 13);
    expect(interval.upper).toBeCloseTo(5 + 1.7874879182362098, 13);
    expect(interval.level).toBe(0.95);
  });

  it('gives the same interval from a Tally as from the raw samples', () => {
    const samples = [3.1, 2.7, 3.9, 3.3, 2.2, 4.0];
    const tally = new Tally();
    for (const x of samples) tally.add(x);
    expect(meanConfidenceInterval(tally, 0.9)).toEqual(meanConfidenceInterval(samples, 0.9));
  });

  it('covers the true mean in 93.5–96.5% of 2,000 replications of 10 normal samples', () => {
    const normal = normalStream(7);
    const trueMean = 3;
    let covered = 0;
    for (let replication = 0; replication < 2000; replication++) {
      const samples = Array.from({ length: 10 }, () => trueMean + 2 * normal());
      const { lower, upper } = meanConfidenceInterval(samples);
      if (lower <= trueMean && trueMean <= upper) covered++;
    }
    expect(covered / 2000).toBeGreaterThanOrEqual(0.935);
    expect(covered / 2000).toBeLessThanOrEqual(0.965);
  });

  it('rejects fewer than two observations and a bad level', () => {
    expect(() => meanConfidenceInterval([1])).toThrow(RangeError);
    expect(() => meanConfidenceInterval([1, 2], 1)).toThrow(RangeError);
    expect(() => meanConfidenceInterval([1, 2], 0)).toThrow(RangeError);
  });
});

describe('batchMeansInterval', () => {
  it('drops the leading remainder and forms equal batches', () => {
    const values = [1000, -1000, ...Array.from({ length: 100 }, (_, k) => k + 1)];
    const interval = batchMeansInterval(values, 4);
    // Batch means 13, 38, 63, 88: deviations ±12.5 and ±37.5.
    expect(interval.discarded).toBe(2);
    expect(interval.batchSize).toBe(25);
    expect(interval.n).toBe(4);
    expect(interval.degreesOfFreedom).toBe(3);
    expect(interval.mean).toBe(50.5);
    expect(interval.standardError).toBeCloseTo(Math.sqrt(3125 / 3 / 4), 12);
    // t(0.975, 3) = 3.1824463052837078 (scipy 1.17).
    expect(interval.halfWidth).toBeCloseTo(3.1824463052837078 * Math.sqrt(3125 / 3 / 4), 11);
    expect(interval.lag1Autocorrelation).toBeCloseTo((468.75 - 156.25 + 468.75) / 3125, 14);
  });

  it('widens the interval of a correlated series as much as its correlation demands', () => {
    // AR(1) with φ = 0.9: the variance of a long mean is (1 + φ)/(1 − φ) = 19 times the naive one.
    const values = autoregressive(11, 200_000, 50, 0.9);
    const batch = batchMeansInterval(values, 20);
    const naive = meanConfidenceInterval(values);
    const widening = batch.standardError / naive.standardError;
    expect(widening).toBeGreaterThan(Math.sqrt(19) * 0.6);
    expect(widening).toBeLessThan(Math.sqrt(19) * 1.5);
    expect(Math.abs(batch.lag1Autocorrelation)).toBeLessThan(0.5);
  });

  it('covers the true mean of an AR(1) series in about 95% of 400 replications', () => {
    let covered = 0;
    for (let replication = 0; replication < 400; replication++) {
      const { lower, upper } = batchMeansInterval(autoregressive(1000 + replication, 10_000, 5, 0.5), 20);
      if (lower <= 5 && 5 <= upper) covered++;
    }
    // Binomial(400, 0.95) has a standard deviation of 1.1%; the band is about ±3 of them.
    expect(covered / 400).toBeGreaterThanOrEqual(0.915);
    expect(covered / 400).toBeLessThanOrEqual(0.985);
  });

  it('rejects too few values or batches', () => {
    expect(() => batchMeansInterval([1, 2, 3], 4)).toThrow(RangeError);
    expect(() => batchMeansInterval([1, 2, 3], 1)).toThrow(RangeError);
    expect(() => batchMeansInterval([1, 2, 3, 4], 2.5)).toThrow(RangeError);
  });
});

describe('pairedDifferenceInterval', () => {
  it('is the t interval of the per-seed differences', () => {
    const interval = pairedDifferenceInterval([10, 12, 14, 11], [9, 11.5, 13, 10.2]);
    // Differences 1, 0.5, 1, 0.8; scipy 1.17: s/√4 = 0.1181453906563152, half-width 0.3759913619804906.
    expect(interval.mean).toBeCloseTo(0.825, 14);
    expect(interval.standardError).toBeCloseTo(0.1181453906563152, 14);
    expect(interval.halfWidth).toBeCloseTo(0.3759913619804906, 13);
  });

  it('is far narrower than comparing the two means apart when the seeds dominate the variation', () => {
    const normal = normalStream(3);
    const seedEffect = Array.from({ length: 20 }, () => 100 * normal());
    const policyA = seedEffect.map((s) => s + 5 + normal());
    const policyB = seedEffect.map((s) => s + normal());
    const paired = pairedDifferenceInterval(policyA, policyB);
    expect(paired.lower).toBeGreaterThan(0);
    expect(paired.halfWidth).toBeLessThan(meanConfidenceInterval(policyA).halfWidth / 10);
  });

  it('rejects samples of different lengths', () => {
    expect(() => pairedDifferenceInterval([1, 2, 3], [1, 2])).toThrow(RangeError);
  });
});
