/**
 * Probability distributions of durations, sizes and rates, sampled from a named random stream.
 *
 * Common random numbers stay aligned only if a sample uses the same draws whatever the policy, so sampling
 * is inverse-transform wherever that is cheap. What each distribution takes from the stream per sample:
 *   constant                                       0 uniforms
 *   uniform, exponential, weibull, empirical,      1 uniform, and the sample is non-decreasing in it
 *   quantiles
 *   normal, lognormal                              2 uniforms (Box–Muller, cosine branch only: caching the
 *                                                  sine branch would hand one caller's draw to the next)
 *   gamma                                          a variable number (Marsaglia–Tsang rejection)
 *   mixture                                        1 uniform to pick a component, then that component's
 * Samples allocate nothing. Each distribution remembers the kind of quantity its parameters are (seconds,
 * bytes, ...) and the form it was given in, so `toString()` writes text that `parseDistribution(text, unit)`
 * reads back to the same parameters.
 */
import type { Rng } from './random.ts';
import { lnGamma } from './stats/student-t.ts';
import { quantityToString, type QuantityKind } from './units.ts';

// The text syntax lives in its own module, which imports the constructors below and calls them only inside
// functions, so this import cycle never reads a binding before it is initialised.
export { parseDistribution } from './distribution-syntax.ts';

export interface Distribution {
  sample(rng: Rng): number;
  readonly mean: number;
  toString(): string;
}

/** A parameter outside its domain; `detail` is the message without the distribution's name. */
export class DistributionError extends RangeError {
  readonly distribution: string;
  readonly detail: string;

  constructor(distribution: string, detail: string) {
    super(`${distribution}: ${detail}`);
    this.name = 'DistributionError';
    this.distribution = distribution;
    this.detail = detail;
  }
}

function check(ok: boolean, distribution: string, detail: string): void {
  if (!ok) throw new DistributionError(distribution, detail);
}

function checkFinite(value: number, distribution: string, name: string): void {
  check(Number.isFinite(value), distribution, `${name} must be a finite number, got ${value}`);
}

function checkPositive(value: number, distribution: string, name: string): void {
  check(
    value > 0 && Number.isFinite(value),
    distribution,
    `${name} must be a finite number > 0, got ${value}`,
  );
}

const TWO_PI = 2 * Math.PI;

function standardNormal(rng: Rng): number {
  const radius = Math.sqrt(-2 * Math.log(1 - rng.next()));
  return radius * Math.cos(TWO_PI * rng.next());
}

class Constant implements Distribution {
  readonly mean: number;
  private readonly unit: QuantityKind;

  constructor(value: number, unit: QuantityKind) {
    checkFinite(value, 'constant', 'value');
    this.mean = value;
    this.unit = unit;
  }

  sample(): number {
    return this.mean;
  }

  toString(): string {
    return `constant(${quantityToString(this.mean, this.unit)})`;
  }
}

class Uniform implements Distribution {
  readonly mean: number;
  private readonly min: number;
  private readonly width: number;
  private readonly max: number;
  private readonly unit: QuantityKind;

  constructor(min: number, max: number, unit: QuantityKind) {
    checkFinite(min, 'uniform', 'min');
    checkFinite(max, 'uniform', 'max');
    const q = (x: number) => quantityToString(x, unit);
    check(min <= max, 'uniform', `min must not exceed max, got min=${q(min)}, max=${q(max)}`);
    this.min = min;
    this.max = max;
    this.width = max - min;
    this.mean = (min + max) / 2;
    this.unit = unit;
  }

  sample(rng: Rng): number {
    return this.min + this.width * rng.next();
  }

  toString(): string {
    const q = (x: number) => quantityToString(x, this.unit);
    return `uniform(min=${q(this.min)}, max=${q(this.max)})`;
  }
}

class Exponential implements Distribution {
  readonly mean: number;
  private readonly rate: number | undefined;
  private readonly unit: QuantityKind;

  constructor(params: { mean: number } | { rate: number }, unit: QuantityKind) {
    if ('rate' in params) {
      checkPositive(params.rate, 'exponential', 'rate');
      this.rate = params.rate;
      this.mean = 1 / params.rate;
    } else {
      checkPositive(params.mean, 'exponential', 'mean');
      this.mean = params.mean;
    }
    this.unit = unit;
  }

  sample(rng: Rng): number {
    return -this.mean * Math.log(1 - rng.next());
  }

  toString(): string {
    if (this.rate !== undefined) return `exponential(rate=${this.rate})`;
    return `exponential(mean=${quantityToString(this.mean, this.unit)})`;
  }
}

/** Plain, untruncated: it can return negative values, which a duration must not be. */
class Normal implements Distribution {
  readonly mean: number;
  private readonly sd: number;
  private readonly unit: QuantityKind;

  constructor(mean: number, sd: number, unit: QuantityKind) {
    checkFinite(mean, 'normal', 'mean');
    checkPositive(sd, 'normal', 'sd');
    this.mean = mean;
    this.sd = sd;
    this.unit = unit;
  }

  sample(rng: Rng): number {
    return this.mean + this.sd * standardNormal(rng);
  }

  toString(): string {
    const q = (x: number) => quantityToString(x, this.unit);
    return `normal(mean=${q(this.mean)}, sd=${q(this.sd)})`;
  }
}

/**
 * exp(N(mu, sigma²)). Given (median, sigma): mu = ln(median). Given (mean, cv), from mean = exp(mu + sigma²/2)
 * and cv² = exp(sigma²) - 1: sigma² = ln(1 + cv²) and median = mean / sqrt(1 + cv²).
 */
class Lognormal implements Distribution {
  readonly mean: number;
  private readonly median: number;
  private readonly sigma: number;
  private readonly cv: number | undefined;
  private readonly unit: QuantityKind;

  constructor(params: { median: number; sigma: number } | { mean: number; cv: number }, unit: QuantityKind) {
    if ('median' in params) {
      checkPositive(params.median, 'lognormal', 'median');
      checkPositive(params.sigma, 'lognormal', 'sigma');
      this.median = params.median;
      this.sigma = params.sigma;
      this.mean = params.median * Math.exp((params.sigma * params.sigma) / 2);
    } else {
      checkPositive(params.mean, 'lognormal', 'mean');
      checkPositive(params.cv, 'lognormal', 'cv');
      const spread = 1 + params.cv * params.cv;
      this.median = params.mean / Math.sqrt(spread);
      this.sigma = Math.sqrt(Math.log(spread));
      this.mean = params.mean;
      this.cv = params.cv;
    }
    this.unit = unit;
  }

  sample(rng: Rng): number {
    return this.median * Math.exp(this.sigma * standardNormal(rng));
  }

  toString(): string {
    if (this.cv !== undefined)
      return `lognormal(mean=${quantityToString(this.mean, this.unit)}, cv=${this.cv})`;
    return `lognormal(median=${quantityToString(this.median, this.unit)}, sigma=${this.sigma})`;
  }
}

/**
 * Marsaglia & Tsang, "A simple method for generating gamma variables", ACM TOMS 26(3), 2000. For shape < 1
 * it samples shape + 1 and multiplies by U^(1/shape), as the paper suggests.
 */
class Gamma implements Distribution {
  readonly mean: number;
  private readonly shape: number;
  private readonly scale: number;
  private readonly d: number;
  private readonly c: number;
  private readonly unit: QuantityKind;

  constructor(shape: number, scale: number, unit: QuantityKind) {
    checkPositive(shape, 'gamma', 'shape');
    checkPositive(scale, 'gamma', 'scale');
    this.shape = shape;
    this.scale = scale;
    this.mean = shape * scale;
    this.d = (shape < 1 ? shape + 1 : shape) - 1 / 3;
    this.c = 1 / Math.sqrt(9 * this.d);
    this.unit = unit;
  }

  sample(rng: Rng): number {
    let x: number;
    let v: number;
    for (;;) {
      do {
        x = standardNormal(rng);
        v = 1 + this.c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - rng.next();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) break;
      if (Math.log(u) < 0.5 * x2 + this.d * (1 - v + Math.log(v))) break;
    }
    const variate = this.d * v;
    if (this.shape >= 1) return variate * this.scale;
    return variate * Math.pow(1 - rng.next(), 1 / this.shape) * this.scale;
  }

  toString(): string {
    return `gamma(shape=${this.shape}, scale=${quantityToString(this.scale, this.unit)})`;
  }
}

class Weibull implements Distribution {
  readonly mean: number;
  private readonly shape: number;
  private readonly scale: number;
  private readonly inverseShape: number;
  private readonly unit: QuantityKind;

  constructor(shape: number, scale: number, unit: QuantityKind) {
    checkPositive(shape, 'weibull', 'shape');
    checkPositive(scale, 'weibull', 'scale');
    this.shape = shape;
    this.scale = scale;
    this.inverseShape = 1 / shape;
    this.mean = scale * Math.exp(lnGamma(1 + 1 / shape));
    this.unit = unit;
  }

  sample(rng: Rng): number {
    return this.scale * Math.pow(-Math.log(1 - rng.next()), this.inverseShape);
  }

  toString(): string {
    return `weibull(shape=${this.shape}, scale=${quantityToString(this.scale, this.unit)})`;
  }
}

/**
 * Plain resampling of observed values, each equally likely (no interpolation: the mean is the sample mean
 * and only observed values occur). Values are kept sorted, so a sample is the inverse empirical CDF at u.
 */
class Empirical implements Distribution {
  readonly mean: number;
  private readonly values: Float64Array;
  private readonly unit: QuantityKind;

  constructor(values: readonly number[], unit: QuantityKind) {
    check(values.length > 0, 'empirical', 'needs at least one value');
    values.forEach((value, i) => checkFinite(value, 'empirical', `value ${i + 1}`));
    this.values = Float64Array.from(values).sort();
    this.mean = this.values.reduce((sum, value) => sum + value, 0) / values.length;
    this.unit = unit;
  }

  sample(rng: Rng): number {
    return this.values[Math.floor(rng.next() * this.values.length)];
  }

  toString(): string {
    return `empirical(${Array.from(this.values, (x) => quantityToString(x, this.unit)).join(', ')})`;
  }
}

/** The inverse CDF is piecewise linear through the given (p, value) points, from p = 0 to p = 1. */
class Quantiles implements Distribution {
  readonly mean: number;
  private readonly ps: Float64Array;
  private readonly values: Float64Array;
  private readonly unit: QuantityKind;

  constructor(points: readonly (readonly [number, number])[], unit: QuantityKind) {
    const name = 'quantiles';
    check(points.length >= 2, name, `needs at least two points (p=0 and p=1), got ${points.length}`);
    check(points[0][0] === 0, name, `the first point must have p=0, got p=${points[0][0]}`);
    check(
      points[points.length - 1][0] === 1,
      name,
      `the last point must have p=1, got p=${points.at(-1)![0]}`,
    );
    points.forEach(([p, value], i) => {
      checkFinite(value, name, `value at p=${p}`);
      if (i === 0) return;
      const [previousP, previousValue] = points[i - 1];
      check(p > previousP, name, `p must increase, got p=${p} after p=${previousP}`);
      check(
        value >= previousValue,
        name,
        `values must not decrease, got ${value} at p=${p} after ${previousValue}`,
      );
    });
    this.ps = Float64Array.from(points, ([p]) => p);
    this.values = Float64Array.from(points, ([, value]) => value);
    let mean = 0;
    for (let i = 1; i < points.length; i++) {
      mean += ((this.ps[i] - this.ps[i - 1]) * (this.values[i] + this.values[i - 1])) / 2;
    }
    this.mean = mean;
    this.unit = unit;
  }

  sample(rng: Rng): number {
    const u = rng.next();
    const ps = this.ps;
    let low = 0;
    let high = ps.length - 1;
    while (high - low > 1) {
      const middle = (low + high) >>> 1;
      if (ps[middle] <= u) low = middle;
      else high = middle;
    }
    const fraction = (u - ps[low]) / (ps[high] - ps[low]);
    return this.values[low] + fraction * (this.values[high] - this.values[low]);
  }

  toString(): string {
    const points = Array.from(this.ps, (p, i) => `${p}:${quantityToString(this.values[i], this.unit)}`);
    return `quantiles(${points.join(', ')})`;
  }
}

export interface MixtureComponent {
  readonly weight: number;
  readonly distribution: Distribution;
}

class Mixture implements Distribution {
  readonly mean: number;
  private readonly components: readonly MixtureComponent[];
  private readonly cumulative: Float64Array;

  constructor(components: readonly MixtureComponent[]) {
    check(components.length > 0, 'mixture', 'needs at least one component');
    components.forEach(({ weight }, i) => checkPositive(weight, 'mixture', `weight ${i + 1}`));
    const total = components.reduce((sum, { weight }) => sum + weight, 0);
    check(Math.abs(total - 1) <= 1e-9, 'mixture', `weights must sum to 1, got ${total}`);
    this.components = components.slice();
    this.cumulative = new Float64Array(components.length);
    let sum = 0;
    components.forEach(({ weight }, i) => (this.cumulative[i] = sum += weight));
    this.mean = components.reduce((m, { weight, distribution }) => m + weight * distribution.mean, 0);
  }

  sample(rng: Rng): number {
    const u = rng.next();
    const last = this.components.length - 1;
    let i = 0;
    while (i < last && u >= this.cumulative[i]) i++;
    return this.components[i].distribution.sample(rng);
  }

  toString(): string {
    return `mixture(${this.components.map(({ weight, distribution }) => `${weight}: ${distribution}`).join(', ')})`;
  }
}

// Constructors. `unit` is what the parameters measure; it only affects toString (e.g. 900 -> '15min').

export function constant(value: number, unit: QuantityKind = 'none'): Distribution {
  return new Constant(value, unit);
}

export function uniform(params: { min: number; max: number }, unit: QuantityKind = 'none'): Distribution {
  return new Uniform(params.min, params.max, unit);
}

/** By mean, or by rate = 1 / mean (per base unit: per second for durations). */
export function exponential(
  params: { mean: number } | { rate: number },
  unit: QuantityKind = 'none',
): Distribution {
  return new Exponential(params, unit);
}

export function normal(params: { mean: number; sd: number }, unit: QuantityKind = 'none'): Distribution {
  return new Normal(params.mean, params.sd, unit);
}

export function lognormal(
  params: { median: number; sigma: number } | { mean: number; cv: number },
  unit: QuantityKind = 'none',
): Distribution {
  return new Lognormal(params, unit);
}

export function gamma(params: { shape: number; scale: number }, unit: QuantityKind = 'none'): Distribution {
  return new Gamma(params.shape, params.scale, unit);
}

export function weibull(params: { shape: number; scale: number }, unit: QuantityKind = 'none'): Distribution {
  return new Weibull(params.shape, params.scale, unit);
}

export function empirical(values: readonly number[], unit: QuantityKind = 'none'): Distribution {
  return new Empirical(values, unit);
}

/** Points (p, value) with p rising from 0 to 1 and values not decreasing. */
export function quantiles(
  points: readonly (readonly [number, number])[],
  unit: QuantityKind = 'none',
): Distribution {
  return new Quantiles(points, unit);
}

/** Weights must be > 0 and sum to 1 within 1e-9. */
export function mixture(components: readonly MixtureComponent[]): Distribution {
  return new Mixture(components);
}
