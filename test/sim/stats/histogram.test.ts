import { describe, expect, it } from 'vitest';
import { uniformStream } from '../../support/test-uniforms.ts';
import { LogHistogram } from '../../../sim/stats/histogram.ts';

function standardNormals(seed: number, n: number): Float64Array {
  const uniform = uniformStream(seed);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k += 2) {
    const radius = Math.sqrt(-2 * Math.log(uniform()));
    const angle = 2 * Math.PI * uniform();
    out[k] = radius * Math.cos(angle);
    if (k + 1 < n) out[k + 1] = radius * Math.sin(angle);
  }
  return out;
}

const N = 200_000;
// Waits in seconds spanning 1e-3 s to 1e5 s: lognormal with median e³ ≈ 20 s and σ = 2.
const lognormal = standardNormals(1, N).map((z) => Math.exp(3 + 2 * z));
const exponentialUniform = uniformStream(2);
const exponential = Float64Array.from({ length: N }, () => -600 * Math.log(exponentialUniform()));
const QUANTILES = [0, 0.01, 0.5, 0.9, 0.99, 0.999, 1];
// Rounding at bucket edges may add a few ulps to the 1% bound.
const TOLERANCE = 0.01 * (1 + 1e-12);

function histogramOf(values: ArrayLike<number>): LogHistogram {
  const histogram = new LogHistogram();
  for (let k = 0; k < values.length; k++) histogram.add(values[k]);
  return histogram;
}

function exactQuantile(sorted: Float64Array, q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))];
}

describe('LogHistogram', () => {
  for (const [name, values] of [
    ['lognormal', lognormal],
    ['exponential', exponential],
  ] as const) {
    it(`gives quantiles within 1% of the exact ones on 200k ${name} samples`, () => {
      const histogram = histogramOf(values);
      const sorted = Float64Array.from(values).sort();
      for (const q of QUANTILES) {
        const exact = exactQuantile(sorted, q);
        expect(Math.abs(histogram.quantile(q) - exact) / exact, `q = ${q}`).toBeLessThanOrEqual(TOLERANCE);
      }
      expect(histogram.quantile(0)).toBe(sorted[0]);
      expect(histogram.quantile(1)).toBe(sorted[N - 1]);
      expect(histogram.count).toBe(N);
      const exactMean = values.reduce((s, x) => s + x, 0) / N;
      expect(Math.abs(histogram.mean - exactMean) / exactMean).toBeLessThan(1e-12);
    });
  }

  it('merges into the histogram of the concatenation', () => {
    const whole = histogramOf(lognormal);
    const merged = histogramOf(lognormal.subarray(0, 1000))
      .merge(histogramOf(lognormal.subarray(1000, 150_000)))
      .merge(new LogHistogram())
      .merge(histogramOf(lognormal.subarray(150_000)));
    const [a, b] = [merged.toJSON(), whole.toJSON()];
    expect(a.offset).toBe(b.offset);
    expect(a.counts).toEqual(b.counts);
    expect(a.count).toBe(b.count);
    expect([a.min, a.max]).toEqual([b.min, b.max]);
    expect(Math.abs(a.sum - b.sum) / b.sum).toBeLessThan(1e-12);
    for (const q of QUANTILES) expect(merged.quantile(q)).toBe(whole.quantile(q));
  });

  it('merges histograms whose ranges do not overlap, in either order', () => {
    const low = histogramOf([0.001, 0.002, 0]);
    const high = histogramOf([1e6, 1e7]);
    const lowThenHigh = histogramOf([0.001, 0.002, 0]).merge(high);
    const highThenLow = histogramOf([1e6, 1e7]).merge(low);
    expect(lowThenHigh.toJSON()).toEqual(highThenLow.toJSON());
    expect(lowThenHigh.count).toBe(5);
    expect(lowThenHigh.quantile(0.5)).toBeCloseTo(0.002, 4);
    expect(lowThenHigh.quantile(1)).toBe(1e7);
  });

  it('refuses to merge histograms of different accuracy', () => {
    expect(() => new LogHistogram(0.01).merge(new LogHistogram(0.02))).toThrow(RangeError);
  });

  it('survives a JSON round trip with compact storage', () => {
    const histogram = histogramOf(exponential);
    histogram.add(0, 7);
    const text = JSON.stringify(histogram);
    const copy = LogHistogram.fromJSON(JSON.parse(text));
    expect(copy.toJSON()).toEqual(histogram.toJSON());
    for (const q of QUANTILES) expect(copy.quantile(q)).toBe(histogram.quantile(q));
    // Buckets from the smallest to the largest sample only, about ln(max/min)/ln γ of them.
    const json = histogram.toJSON();
    const span = Math.log((json.max as number) / exponential.reduce((m, x) => Math.min(m, x), Infinity));
    expect(json.counts.length).toBeLessThanOrEqual(Math.ceil(span / Math.log(1.01 / 0.99)) + 1);
    expect(json.counts[0]).toBeGreaterThan(0);
    expect(json.counts[json.counts.length - 1]).toBeGreaterThan(0);
  });

  it('needs about 1,150 buckets for 1 ms to 1e7 s', () => {
    const histogram = histogramOf([1e-3, 1e7]);
    expect(histogram.toJSON().counts.length).toBe(1152);
  });

  it('keeps zeros in a bucket of their own', () => {
    const histogram = new LogHistogram();
    histogram.add(0, 600);
    for (let k = 1; k <= 400; k++) histogram.add(k);
    expect(histogram.zeroCount).toBe(600);
    expect(histogram.count).toBe(1000);
    expect(histogram.min).toBe(0);
    expect(histogram.quantile(0.5)).toBe(0);
    expect(histogram.quantile(0.599)).toBe(0);
    // Rank ⌊0.8·999⌋ = 799 is the 200th positive value, 200.
    expect(Math.abs(histogram.quantile(0.8) - 200) / 200).toBeLessThanOrEqual(TOLERANCE);
    expect(histogram.mean).toBe((400 * 401) / 2 / 1000);
    expect(Array.from(histogram.cdf([0, 400]))).toEqual([0.6, 1]);
    expect(histogram.buckets().next().value).toEqual({ lower: 0, upper: 0, count: 600 });
  });

  it('counts weighted observations', () => {
    const histogram = new LogHistogram();
    histogram.add(5, 3);
    histogram.add(7);
    expect(histogram.count).toBe(4);
    expect(histogram.sum).toBe(22);
    expect(histogram.quantile(0.5)).toBeCloseTo(5, 1);
  });

  it('rejects negative, infinite and NaN values and non-positive counts', () => {
    const histogram = new LogHistogram();
    for (const bad of [-1e-9, -5, Infinity, NaN]) expect(() => histogram.add(bad)).toThrow(RangeError);
    expect(() => histogram.add(1, 0)).toThrow(RangeError);
    expect(() => histogram.add(1, -1)).toThrow(RangeError);
    expect(() => histogram.quantile(1.5)).toThrow(RangeError);
    expect(histogram.count).toBe(0);
  });

  it('answers NaN when empty, and round-trips empty', () => {
    const empty = new LogHistogram();
    expect(empty.quantile(0.5)).toBeNaN();
    expect(empty.mean).toBeNaN();
    expect(empty.min).toBeNaN();
    expect(Array.from(empty.cdf([1]))).toEqual([NaN]);
    expect([...empty.buckets()]).toEqual([]);
    const json = JSON.parse(JSON.stringify(empty));
    expect(json).toEqual({
      relativeAccuracy: 0.01,
      offset: 0,
      counts: [],
      zeroCount: 0,
      count: 0,
      sum: 0,
      min: null,
      max: null,
    });
    expect(LogHistogram.fromJSON(json).count).toBe(0);
  });

  it('refuses inconsistent JSON', () => {
    const json = histogramOf([1, 2, 3]).toJSON();
    expect(() => LogHistogram.fromJSON({ ...json, count: 4 })).toThrow(RangeError);
    expect(() => LogHistogram.fromJSON({ ...json, offset: 0.5 })).toThrow(RangeError);
    expect(() => LogHistogram.fromJSON({ ...json, min: null })).toThrow(RangeError);
    expect(() => LogHistogram.fromJSON({ ...json, counts: [-1, 4] })).toThrow(RangeError);
    expect(() => LogHistogram.fromJSON({ ...json, relativeAccuracy: 0 })).toThrow(RangeError);
  });

  it('gives the CDF to within one bucket in x', () => {
    const histogram = histogramOf(lognormal);
    const sorted = Float64Array.from(lognormal).sort();
    const fractionAtMost = (x: number): number => {
      let low = 0;
      let high = N;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (sorted[mid] <= x) low = mid + 1;
        else high = mid;
      }
      return low / N;
    };
    const gamma = 1.01 / 0.99;
    const points = [1e-4, 0.01, 0.5, 1, 7, 20, 150, 3000, 1e5, 1e9];
    const cdf = histogram.cdf(points);
    points.forEach((x, k) => {
      expect(cdf[k]).toBeGreaterThanOrEqual(fractionAtMost(x / gamma));
      expect(cdf[k]).toBeLessThanOrEqual(fractionAtMost(x * gamma));
    });
    expect(cdf[0]).toBe(0);
    expect(cdf[points.length - 1]).toBe(1);
  });

  it('lists buckets that partition the observations, each at most γ wide', () => {
    const histogram = histogramOf(exponential);
    const buckets = [...histogram.buckets()];
    expect(buckets.reduce((s, b) => s + b.count, 0)).toBe(N);
    for (let k = 0; k < buckets.length; k++) {
      expect(buckets[k].upper / buckets[k].lower).toBeCloseTo(1.01 / 0.99, 12);
      if (k > 0) expect(buckets[k].lower).toBeGreaterThanOrEqual(buckets[k - 1].upper * (1 - 1e-12));
    }
    const summary = histogram.summary();
    expect(summary.count).toBe(N);
    expect(summary.p50).toBe(histogram.quantile(0.5));
    expect(summary.p99).toBe(histogram.quantile(0.99));
  });
});
