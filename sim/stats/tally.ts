/**
 * Count, mean, variance, min, max and sum of a stream of observations, in constant memory.
 *
 * The mean and the sum of squared deviations are updated with Welford's recurrence (Welford 1962, Technometrics
 * 4:419) rather than from running sums of x and x², which cancel catastrophically when the spread is small
 * next to the mean (waits of 1e9 s ± a few seconds). Two tallies combine exactly with the pairwise formula of
 * Chan, Golub & LeVeque (1979, "Updating formulae and a pairwise algorithm for computing sample variances"),
 * so per-seed or per-shard tallies can be merged into one.
 */

/** Plain-data form of a Tally; `min`/`max` are null when it is empty (JSON has no infinities). */
export interface TallyJSON {
  count: number;
  mean: number;
  /** Sum of squared deviations from the mean. */
  m2: number;
  sum: number;
  min: number | null;
  max: number | null;
}

export class Tally {
  private n = 0;
  private runningMean = 0;
  private m2 = 0;
  private total = 0;
  private lowest = Infinity;
  private highest = -Infinity;

  add(x: number): void {
    if (!Number.isFinite(x)) throw new RangeError(`Tally.add: observation must be finite, got ${x}`);
    const n = ++this.n;
    const delta = x - this.runningMean;
    this.runningMean += delta / n;
    this.m2 += delta * (x - this.runningMean);
    this.total += x;
    if (x < this.lowest) this.lowest = x;
    if (x > this.highest) this.highest = x;
  }

  /** Folds `other` into this tally, as if its observations had been added here. `other` is unchanged. */
  merge(other: Tally): this {
    const nb = other.n;
    if (nb === 0) return this;
    const na = this.n;
    const n = na + nb;
    const delta = other.runningMean - this.runningMean;
    this.runningMean = na === 0 ? other.runningMean : this.runningMean + (delta * nb) / n;
    this.m2 += other.m2 + ((delta * delta * na) / n) * nb;
    this.n = n;
    this.total += other.total;
    if (other.lowest < this.lowest) this.lowest = other.lowest;
    if (other.highest > this.highest) this.highest = other.highest;
    return this;
  }

  get count(): number {
    return this.n;
  }

  /** NaN when empty. */
  get mean(): number {
    return this.n === 0 ? NaN : this.runningMean;
  }

  get sum(): number {
    return this.total;
  }

  /** NaN when empty. */
  get min(): number {
    return this.n === 0 ? NaN : this.lowest;
  }

  /** NaN when empty. */
  get max(): number {
    return this.n === 0 ? NaN : this.highest;
  }

  /** Unbiased sample variance (divisor n − 1); NaN with fewer than two observations. */
  get variance(): number {
    return this.n < 2 ? NaN : this.m2 / (this.n - 1);
  }

  /** Variance with divisor n; NaN when empty. */
  get populationVariance(): number {
    return this.n === 0 ? NaN : this.m2 / this.n;
  }

  /** Square root of the sample variance. */
  get standardDeviation(): number {
    return Math.sqrt(this.variance);
  }

  /** Standard error of the mean, s/√n. */
  get standardError(): number {
    return Math.sqrt(this.variance / this.n);
  }

  toJSON(): TallyJSON {
    const empty = this.n === 0;
    return {
      count: this.n,
      mean: this.runningMean,
      m2: this.m2,
      sum: this.total,
      min: empty ? null : this.lowest,
      max: empty ? null : this.highest,
    };
  }

  static fromJSON(json: TallyJSON): Tally {
    const { count, mean, m2, sum, min, max } = json;
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`Tally.fromJSON: bad count ${count}`);
    if (![mean, m2, sum].every(Number.isFinite) || m2 < 0) {
      throw new RangeError('Tally.fromJSON: mean, m2 and sum must be finite and m2 non-negative');
    }
    const tally = new Tally();
    if (count === 0) return tally;
    if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max) || min > max) {
      throw new RangeError('Tally.fromJSON: a non-empty tally needs finite min <= max');
    }
    tally.n = count;
    tally.runningMean = mean;
    tally.m2 = m2;
    tally.total = sum;
    tally.lowest = min;
    tally.highest = max;
    return tally;
  }
}
