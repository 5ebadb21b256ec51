import { describe, expect, it } from 'vitest';
import {
  constant,
  empirical,
  exponential,
  gamma,
  lognormal,
  mixture,
  normal,
  parseDistribution,
  quantiles,
  uniform,
  weibull,
  type Distribution,
} from '../../sim/distributions.ts';
import { RandomStreams, type Rng } from '../../sim/random.ts';
import type { QuantityKind } from '../../sim/units.ts';

// Sample size for the statistical checks. Means and variances must agree with theory within 5 standard errors
// (a false alarm about once in 1.7 million for a normal estimate); the KS statistic must stay under the 1%
// critical value 1.63 / sqrt(n). Seeds are fixed, so the outcome is the same on every run.
const N = 200_000;

function samples(distribution: Distribution, seed: string, n = N): Float64Array {
  const rng = new RandomStreams(seed).stream(String(distribution));
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = distribution.sample(rng);
  return values;
}

/** Raw moments E[X], E[X²], E[X³], E[X⁴]. */
type RawMoments = readonly [number, number, number, number];

/** Checks the sample mean and variance against theory, with standard errors from the theoretical moments. */
function expectMoments(distribution: Distribution, [m1, m2, m3, m4]: RawMoments, seed: string): void {
  const variance = m2 - m1 * m1;
  const fourthCentral = m4 - 4 * m3 * m1 + 6 * m2 * m1 * m1 - 3 * m1 ** 4;
  const values = samples(distribution, seed);
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / N;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  const sampleVariance = squares / (N - 1);
  expect(distribution.mean).toBeCloseTo(m1, 10);
  expect(Math.abs(mean - m1)).toBeLessThan(5 * Math.sqrt(variance / N));
  expect(Math.abs(sampleVariance - variance)).toBeLessThan(
    5 * Math.sqrt((fourthCentral - variance ** 2) / N),
  );
}

function kolmogorovSmirnov(values: Float64Array, cdf: (x: number) => number): number {
  const sorted = Float64Array.from(values).sort();
  let d = 0;
  for (let i = 0; i < sorted.length; i++) {
    const f = cdf(sorted[i]);
    d = Math.max(d, f - i / sorted.length, (i + 1) / sorted.length - f);
  }
  return d;
}

const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1));
const powers = (f: (k: number) => number): RawMoments => [f(1), f(2), f(3), f(4)];
const mix = (parts: readonly (readonly [number, RawMoments])[]): RawMoments =>
  powers((k) => parts.reduce((sum, [w, m]) => sum + w * m[k - 1], 0));
const uniformMoments = (a: number, b: number): RawMoments =>
  powers((k) => (b ** (k + 1) - a ** (k + 1)) / ((k + 1) * (b - a)));
const exponentialMoments = (mean: number): RawMoments => powers((k) => factorial(k) * mean ** k);
const lognormalMoments = (mu: number, sigma: number): RawMoments =>
  powers((k) => Math.exp(k * mu + (k * k * sigma * sigma) / 2));

/** A stream that replays the given uniforms and counts what was drawn. */
class Scripted implements Rng {
  draws = 0;
  constructor(private readonly values: readonly number[]) {}
  next(): number {
    return this.values[this.draws++ % this.values.length];
  }
}

describe('distributions: moments at n = 200k', () => {
  it('uniform', () => {
    expectMoments(uniform({ min: 2, max: 5 }), uniformMoments(2, 5), 'u');
  });

  it('exponential by mean and by rate', () => {
    expectMoments(exponential({ mean: 3 }), exponentialMoments(3), 'e1');
    expectMoments(exponential({ rate: 0.5 }), exponentialMoments(2), 'e2');
  });

  it('normal', () => {
    const [mu, s] = [10, 2];
    expectMoments(
      normal({ mean: mu, sd: s }),
      [mu, mu ** 2 + s ** 2, mu ** 3 + 3 * mu * s ** 2, mu ** 4 + 6 * mu ** 2 * s ** 2 + 3 * s ** 4],
      'n',
    );
  });

  it('lognormal by (median, sigma) and by (mean, cv)', () => {
    expectMoments(lognormal({ median: 2, sigma: 0.5 }), lognormalMoments(Math.log(2), 0.5), 'ln1');
    // mean = 2, cv = 0.5: sigma² = ln(1.25), mu = ln 2 - sigma²/2.
    const sigma2 = Math.log(1.25);
    const fromMeanCv = lognormal({ mean: 2, cv: 0.5 });
    expectMoments(fromMeanCv, lognormalMoments(Math.log(2) - sigma2 / 2, Math.sqrt(sigma2)), 'ln2');
    const values = samples(fromMeanCv, 'ln2');
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - 2) ** 2, 0) / N);
    expect(Math.abs(sd / 2 - 0.5)).toBeLessThan(0.01);
  });

  it('gamma, shape above and below 1 (Marsaglia–Tsang)', () => {
    // E[X^k] = scale^k * shape (shape + 1) ... (shape + k - 1)
    const gammaMoments = (shape: number, scale: number): RawMoments =>
      powers((k) => scale ** k * Array.from({ length: k }, (_, i) => shape + i).reduce((p, x) => p * x, 1));
    expectMoments(gamma({ shape: 2, scale: 3 }), gammaMoments(2, 3), 'g1');
    expectMoments(gamma({ shape: 0.5, scale: 2 }), gammaMoments(0.5, 2), 'g2');
    expectMoments(gamma({ shape: 7.5, scale: 0.1 }), gammaMoments(7.5, 0.1), 'g3');
  });

  it('weibull', () => {
    // E[X^k] = scale^k Γ(1 + k/shape); shape 0.5 makes these factorials, shape 2 needs Γ(1.5) = √π/2.
    expectMoments(
      weibull({ shape: 0.5, scale: 3 }),
      powers((k) => 3 ** k * factorial(2 * k)),
      'w1',
    );
    const rootPi = Math.sqrt(Math.PI);
    expectMoments(
      weibull({ shape: 2, scale: 3 }),
      [(3 * rootPi) / 2, 9, (27 * 3 * rootPi) / 4, 81 * 2],
      'w2',
    );
  });

  it('weibull mean uses Γ accurately', () => {
    expect(weibull({ shape: 1, scale: 2 }).mean).toBeCloseTo(2, 13);
    expect(weibull({ shape: 2, scale: 1 }).mean).toBeCloseTo(Math.sqrt(Math.PI) / 2, 13);
    expect(weibull({ shape: 1 / 3, scale: 1 }).mean).toBeCloseTo(6, 12);
    expect(weibull({ shape: 1.5, scale: 1 }).mean).toBeCloseTo(0.9027452929509336, 13);
  });

  it('empirical resamples the observed values', () => {
    const values = [1, 2, 2, 5];
    expectMoments(
      empirical(values),
      powers((k) => values.reduce((s, v) => s + v ** k, 0) / values.length),
      'emp',
    );
  });

  it('quantiles: a piecewise-uniform density', () => {
    const points: [number, number][] = [
      [0, 1],
      [0.5, 15],
      [0.9, 120],
      [1, 360],
    ];
    const parts = points
      .slice(1)
      .map(([p, v], i) => [p - points[i][0], uniformMoments(points[i][1], v)] as const);
    expectMoments(quantiles(points), mix(parts), 'q');
  });

  it('mixture', () => {
    const d = mixture([
      { weight: 0.9, distribution: exponential({ mean: 10 }) },
      { weight: 0.1, distribution: lognormal({ median: 120, sigma: 0.5 }) },
    ]);
    expectMoments(
      d,
      mix([
        [0.9, exponentialMoments(10)],
        [0.1, lognormalMoments(Math.log(120), 0.5)],
      ]),
      'mix',
    );
  });
});

describe('distributions: shape', () => {
  const critical = 1.63 / Math.sqrt(N);

  it('inverse-transform samplers pass Kolmogorov–Smirnov at the 1% level', () => {
    const cases: [Distribution, (x: number) => number][] = [
      [uniform({ min: -1, max: 3 }), (x) => (x + 1) / 4],
      [exponential({ mean: 5 }), (x) => 1 - Math.exp(-x / 5)],
      [weibull({ shape: 1.5, scale: 2 }), (x) => 1 - Math.exp(-((x / 2) ** 1.5))],
      [
        quantiles([
          [0, 0],
          [0.5, 1],
          [1, 4],
        ]),
        (x) => (x <= 1 ? x / 2 : 0.5 + (x - 1) / 6),
      ],
    ];
    for (const [distribution, cdf] of cases) {
      expect(kolmogorovSmirnov(samples(distribution, 'ks'), cdf)).toBeLessThan(critical);
    }
  });

  it('lognormal puts half its mass below the median', () => {
    const tolerance = 5 * Math.sqrt(0.25 / N);
    const cases: [Distribution, number][] = [
      [lognormal({ median: 900, sigma: 1.2 }), 900],
      [lognormal({ mean: 7200, cv: 0.5 }), 7200 / Math.sqrt(1.25)],
    ];
    for (const [distribution, median] of cases) {
      const below = samples(distribution, 'median').filter((v) => v < median).length / N;
      expect(Math.abs(below - 0.5)).toBeLessThan(tolerance);
    }
  });

  it('quantiles reproduces its quantiles', () => {
    const points: [number, number][] = [
      [0, 60],
      [0.5, 900],
      [0.9, 7200],
      [1, 21600],
    ];
    const d = quantiles(points);
    for (const [p, value] of points.slice(0, -1)) expect(d.sample(new Scripted([p]))).toBe(value);
    expect(d.sample(new Scripted([0.7]))).toBeCloseTo(900 + 0.5 * (7200 - 900), 9);
    const values = samples(d, 'quantiles');
    for (const [p, value] of points.slice(1, -1)) {
      const below = values.filter((v) => v <= value).length / N;
      expect(Math.abs(below - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / N));
    }
  });

  it('empirical picks each observation with equal probability', () => {
    const d = empirical([5, 1, 2, 2]);
    expect(d.mean).toBe(2.5);
    expect([0, 0.25, 0.5, 0.75, 0.99].map((u) => d.sample(new Scripted([u])))).toEqual([1, 2, 2, 5, 5]);
  });

  it('mixture picks components by weight', () => {
    const d = mixture([
      { weight: 0.3, distribution: constant(1) },
      { weight: 0.7, distribution: constant(2) },
    ]);
    expect(d.mean).toBeCloseTo(1.7, 15);
    const ones = samples(d, 'pick').filter((v) => v === 1).length / N;
    expect(Math.abs(ones - 0.3)).toBeLessThan(5 * Math.sqrt((0.3 * 0.7) / N));
  });
});

describe('distributions: draws per sample (common random numbers)', () => {
  const oneDraw: Distribution[] = [
    uniform({ min: 0, max: 1 }),
    exponential({ mean: 1 }),
    weibull({ shape: 2, scale: 1 }),
    empirical([1, 2, 3]),
    quantiles([
      [0, 0],
      [1, 1],
    ]),
  ];

  it('constant draws nothing; inverse-transform ones draw one uniform; normal and lognormal two', () => {
    const counted = (d: Distribution): number => {
      const rng = new Scripted([0.1, 0.6, 0.35, 0.9]);
      for (let i = 0; i < 10; i++) d.sample(rng);
      return rng.draws / 10;
    };
    expect(counted(constant(3))).toBe(0);
    for (const d of oneDraw) expect(counted(d)).toBe(1);
    expect(counted(normal({ mean: 0, sd: 1 }))).toBe(2);
    expect(counted(lognormal({ median: 1, sigma: 1 }))).toBe(2);
  });

  it('inverse-transform samples do not decrease as the uniform grows', () => {
    const us = Array.from({ length: 101 }, (_, i) => i / 101);
    for (const d of oneDraw) {
      const xs = us.map((u) => d.sample(new Scripted([u])));
      expect(xs.every((x, i) => i === 0 || x >= xs[i - 1])).toBe(true);
    }
  });
});

describe('parseDistribution', () => {
  it.each([
    'constant(30s)',
    'uniform(min=1min, max=5min)',
    'exponential(mean=1h)',
    'exponential(rate=0.001)',
    'normal(mean=2h, sd=20min)',
    'lognormal(median=15min, sigma=1.2)',
    'lognormal(mean=2h, cv=0.5)',
    'gamma(shape=2, scale=30min)',
    'weibull(shape=1.5, scale=2h)',
    'empirical(1h, 2h, 2h, 5h)',
    'quantiles(0:1min, 0.5:15min, 0.9:2h, 1:6h)',
    'mixture(0.9: exponential(mean=10min), 0.1: lognormal(median=2h, sigma=1))',
  ])('reads and writes back %s', (text) => {
    expect(parseDistribution(text, 'duration').toString()).toBe(text);
  });

  it('reads quantities in the given unit', () => {
    expect(parseDistribution('30s', 'duration').mean).toBe(30);
    expect(parseDistribution('30', 'duration').mean).toBe(30);
    expect(parseDistribution('exponential(mean=1.5h)', 'duration').mean).toBe(5400);
    expect(parseDistribution('uniform(min=1GB, max=3GB)', 'size').mean).toBe(2e9);
    expect(parseDistribution('constant(10Gb/s)', 'rate').mean).toBe(1.25e9);
    expect(parseDistribution('normal(mean=-1, sd=0.5)', 'none').mean).toBe(-1);
    expect(parseDistribution(' exponential( mean = 2h ) ', 'duration').toString()).toBe(
      'exponential(mean=2h)',
    );
  });

  it('writes canonical text for other spellings', () => {
    expect(parseDistribution('30s', 'duration').toString()).toBe('constant(30s)');
    expect(parseDistribution('uniform(min=60, max=0.5h)', 'duration').toString()).toBe(
      'uniform(min=1min, max=30min)',
    );
    expect(parseDistribution('empirical(5h, 1h)', 'duration').toString()).toBe('empirical(1h, 5h)');
    expect(parseDistribution('constant(1250MB/s)', 'rate').toString()).toBe('constant(10Gb/s)');
  });

  it('round-trips arbitrary parameters exactly: same text, same samples', () => {
    const cases: [Distribution, QuantityKind][] = [
      [lognormal({ median: 1234.5678, sigma: 0.37 }, 'duration'), 'duration'],
      [lognormal({ mean: 7777.7, cv: 1.3 }, 'duration'), 'duration'],
      [gamma({ shape: 0.7, scale: 3.3e9 }, 'size'), 'size'],
      [uniform({ min: 1e8, max: 1.23456789e9 }, 'rate'), 'rate'],
      [normal({ mean: -0.1, sd: 1 / 3 }), 'none'],
      [
        mixture([
          { weight: 1 / 3, distribution: weibull({ shape: 1.1, scale: 100.5 }, 'duration') },
          {
            weight: 2 / 3,
            distribution: quantiles(
              [
                [0, 1],
                [0.3, 7],
                [1, 1e4],
              ],
              'duration',
            ),
          },
        ]),
        'duration',
      ],
    ];
    for (const [distribution, unit] of cases) {
      const copy = parseDistribution(distribution.toString(), unit);
      expect(copy.toString()).toBe(distribution.toString());
      expect(copy.mean).toBe(distribution.mean);
      expect(samples(copy, 'same', 100)).toEqual(samples(distribution, 'same', 100));
    }
  });

  it.each([
    [
      'lognormal(median=15min)',
      'lognormal(median=15min): missing parameter sigma (expected lognormal(median=<duration>, sigma=<number>) ' +
        'or lognormal(mean=<duration>, cv=<number>))',
    ],
    [
      'lognormal(median=15min, cv=1)',
      'lognormal(median=15min, cv=1): parameters median and cv do not go together (expected ' +
        'lognormal(median=<duration>, sigma=<number>) or lognormal(mean=<duration>, cv=<number>))',
    ],
    [
      'lognormal(median=1h, sigma=0)',
      'lognormal(median=1h, sigma=0): sigma must be a finite number > 0, got 0',
    ],
    [
      'gamma(shape=2, scale=1h, rate=3)',
      'gamma(shape=2, scale=1h, rate=3): unknown parameter rate (expected gamma(shape=<number>, scale=<duration>))',
    ],
    [
      'uniform(min=1min, max=5min, min=2min)',
      'uniform(min=1min, max=5min, min=2min): parameter min given twice',
    ],
    [
      'uniform(min=5min, max=1min)',
      'uniform(min=5min, max=1min): min must not exceed max, got min=5min, max=1min',
    ],
    [
      'uniform()',
      'uniform(): missing parameters min, max (expected uniform(min=<duration>, max=<duration>))',
    ],
    [
      'exponential(1h)',
      'exponential(1h): "1h" is not of the form name=value (expected exponential(mean=<duration>) or ' +
        'exponential(rate=<number>))',
    ],
    [
      'foo(1)',
      'foo(1): unknown distribution "foo" (expected one of constant, uniform, exponential, normal, lognormal, ' +
        'gamma, weibull, empirical, quantiles, mixture)',
    ],
    ['exponential(mean=1h', 'exponential(mean=1h: missing ")"'],
    ['exponential(mean=1h) * 2', 'exponential(mean=1h) * 2: unexpected text after ")": "* 2"'],
    ['exponential(mean=1h,)', 'exponential(mean=1h,): empty argument'],
    [
      'constant(1s, 2s)',
      'constant(1s, 2s): takes one value, got 2 (expected constant(<duration>) or a bare <duration>)',
    ],
    ['quantiles(0.1:1min, 1:2min)', 'quantiles(0.1:1min, 1:2min): the first point must have p=0, got p=0.1'],
    [
      'quantiles(0:1min, 0.5:30s, 1:2min)',
      'quantiles(0:1min, 0.5:30s, 1:2min): values must not decrease, got 30 at p=0.5 after 60',
    ],
    [
      'mixture(0.9: exponential(mean=10min), 0.2: constant(1s))',
      'mixture(0.9: exponential(mean=10min), 0.2: constant(1s)): weights must sum to 1, got 1.1',
    ],
  ])('explains %s', (text, message) => {
    expect(() => parseDistribution(text, 'duration')).toThrow(message);
  });

  it('names the parameter and the unit expected when a quantity is wrong', () => {
    expect(() => parseDistribution('lognormal(median=15 parsecs, sigma=1)', 'duration')).toThrow(
      'lognormal(median=15 parsecs, sigma=1): parameter median: cannot parse "15 parsecs" as a duration: ' +
        'unknown unit "parsecs"; expected a number with a unit ms, s, sec, m, min, h, hr, d, day, w',
    );
    expect(() => parseDistribution('gamma(shape=2h, scale=1h)', 'duration')).toThrow(
      'gamma(shape=2h, scale=1h): parameter shape: cannot parse "2h" as a number: expected a plain number',
    );
    expect(() => parseDistribution('10 parsecs', 'duration')).toThrow(
      'cannot parse "10 parsecs" as a duration: unknown unit "parsecs"; expected a number with a unit',
    );
    expect(() => parseDistribution('10 parsecs', 'duration')).toThrow(
      '(or a distribution: constant, uniform, exponential, normal, lognormal, gamma, weibull, empirical, ' +
        'quantiles, mixture)',
    );
  });

  it('reports a bad mixture component by its own text', () => {
    expect(() =>
      parseDistribution('mixture(0.9: exponential(mean=10min), 0.1: lognormal(median=2h))', 'duration'),
    ).toThrow(
      'lognormal(median=2h): missing parameter sigma (expected lognormal(median=<duration>, sigma=<number>) ' +
        'or lognormal(mean=<duration>, cv=<number>))',
    );
  });
});
