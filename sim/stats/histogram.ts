/**
 * A mergeable histogram with logarithmic buckets, for quantiles of waits and durations over millions of jobs.
 *
 * The bucket scheme is DDSketch's (Masson, Rim & Lee 2019, "DDSketch: a fast and fully-mergeable quantile
 * sketch with relative-error guarantees", PVLDB 12:2195): with γ = (1 + α)/(1 − α), a positive x falls in
 * bucket i = ⌈log_γ x⌉, which covers (γ^(i−1), γ^i], and the bucket is represented by 2γ^i/(γ + 1), within a
 * relative α of every value in it. Any quantile is therefore reported within relative error α of the exact
 * order statistic (up to floating-point rounding at bucket edges). Buckets are stored densely in a typed array
 * that grows by doubling towards whichever side needs room: waits from 1 ms to 10⁷ s with α = 1% need about
 * 1,150 buckets. Zero is its own bucket (a job that never waits waits exactly 0); negative values are
 * rejected. Count, sum, min and max are kept exactly, so the mean and the extreme quantiles are exact.
 */

/** Compact plain-data form: `counts[k]` is the count of bucket `offset + k`; min/max are null when empty. */
export interface LogHistogramJSON {
  relativeAccuracy: number;
  offset: number;
  counts: number[];
  zeroCount: number;
  count: number;
  sum: number;
  min: number | null;
  max: number | null;
}

/** A bucket holds the observations in (lower, upper]; the zero bucket has lower = upper = 0. */
export interface HistogramBucket {
  lower: number;
  upper: number;
  count: number;
}

/** The figures a report prints for a distribution; quantiles and mean are NaN when empty. */
export interface DistributionSummary {
  count: number;
  mean: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
}

const DEFAULT_RELATIVE_ACCURACY = 0.01;
const INITIAL_BUCKETS = 128;
const NO_BUCKETS = new Float64Array(0);

function invalidJSON(why: string): never {
  throw new RangeError(`LogHistogram.fromJSON: ${why}`);
}

export class LogHistogram {
  readonly relativeAccuracy: number;
  private readonly logGamma: number;
  private readonly inverseLogGamma: number;
  /** Count per bucket; slot k holds bucket `offset + k`. Allocated at the first positive value. */
  private counts: Float64Array = NO_BUCKETS;
  private offset = 0;
  private zeros = 0;
  private n = 0;
  private total = 0;
  private lowest = Infinity;
  private highest = -Infinity;

  constructor(relativeAccuracy = DEFAULT_RELATIVE_ACCURACY) {
    if (!(relativeAccuracy > 0 && relativeAccuracy < 1)) {
      throw new RangeError(`LogHistogram: relative accuracy must be in (0, 1), got ${relativeAccuracy}`);
    }
    this.relativeAccuracy = relativeAccuracy;
    // log1p keeps the digits of a γ close to 1.
    this.logGamma = Math.log1p((2 * relativeAccuracy) / (1 - relativeAccuracy));
    this.inverseLogGamma = 1 / this.logGamma;
  }

  /** Records `count` observations of value `x` (x ≥ 0 and finite; count > 0, fractional counts allowed). */
  add(x: number, count = 1): void {
    if (!(count > 0 && count < Infinity)) throw new RangeError(`LogHistogram.add: bad count ${count}`);
    if (x > 0 && x < Infinity) {
      const index = Math.ceil(Math.log(x) * this.inverseLogGamma);
      let slot = index - this.offset;
      if (slot < 0 || slot >= this.counts.length) {
        this.cover(index, index);
        slot = index - this.offset;
      }
      this.counts[slot] += count;
    } else if (x === 0) {
      this.zeros += count;
    } else {
      throw new RangeError(`LogHistogram.add: value must be finite and non-negative, got ${x}`);
    }
    this.n += count;
    this.total += x * count;
    if (x < this.lowest) this.lowest = x;
    if (x > this.highest) this.highest = x;
  }

  /** Folds `other` (same relative accuracy) into this histogram. `other` is unchanged. */
  merge(other: LogHistogram): this {
    if (other.relativeAccuracy !== this.relativeAccuracy) {
      throw new RangeError(
        `LogHistogram.merge: relative accuracies differ (${this.relativeAccuracy} vs ${other.relativeAccuracy})`,
      );
    }
    const [first, last] = other.occupiedSlots();
    if (first <= last) {
      this.cover(other.offset + first, other.offset + last);
      const shift = other.offset - this.offset;
      for (let slot = first; slot <= last; slot++) this.counts[slot + shift] += other.counts[slot];
    }
    this.zeros += other.zeros;
    this.n += other.n;
    this.total += other.total;
    if (other.lowest < this.lowest) this.lowest = other.lowest;
    if (other.highest > this.highest) this.highest = other.highest;
    return this;
  }

  get count(): number {
    return this.n;
  }

  get zeroCount(): number {
    return this.zeros;
  }

  get sum(): number {
    return this.total;
  }

  /** Exact mean; NaN when empty. */
  get mean(): number {
    return this.n === 0 ? NaN : this.total / this.n;
  }

  /** Exact minimum; NaN when empty. */
  get min(): number {
    return this.n === 0 ? NaN : this.lowest;
  }

  /** Exact maximum; NaN when empty. */
  get max(): number {
    return this.n === 0 ? NaN : this.highest;
  }

  /**
   * The q-quantile: the order statistic of 0-based rank ⌊q·(n − 1)⌋ (the "lower" quantile), within the relative
   * accuracy. q = 0 and q = 1 give the exact min and max. NaN when empty.
   */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`LogHistogram.quantile: q must be in [0, 1], got ${q}`);
    if (this.n === 0) return NaN;
    if (q === 0) return this.lowest;
    if (q === 1) return this.highest;
    const rank = Math.floor(q * (this.n - 1));
    let cumulative = this.zeros;
    if (cumulative > rank) return 0;
    const counts = this.counts;
    for (let slot = 0; slot < counts.length; slot++) {
      cumulative += counts[slot];
      if (cumulative > rank) {
        const estimate = this.representative(this.offset + slot);
        // The true value lies in [min, max], so clamping can only bring the estimate closer.
        return Math.min(Math.max(estimate, this.lowest), this.highest);
      }
    }
    return this.highest;
  }

  /**
   * The empirical CDF at each point: the fraction of observations ≤ x, where an observation counts as ≤ x when
   * its bucket's upper edge is ≤ the upper edge of x's bucket (so within the relative accuracy in x).
   * NaN when empty.
   */
  cdf(points: ArrayLike<number>): Float64Array {
    const result = new Float64Array(points.length);
    if (this.n === 0) return result.fill(NaN);
    const cumulative = new Float64Array(this.counts.length);
    let running = this.zeros;
    for (let slot = 0; slot < cumulative.length; slot++) {
      running += this.counts[slot];
      cumulative[slot] = running;
    }
    for (let k = 0; k < points.length; k++) {
      const x = points[k];
      let below: number;
      if (x >= this.highest) below = this.n;
      else if (x < this.lowest || x < 0) below = 0;
      else if (x === 0) below = this.zeros;
      else {
        const slot = Math.ceil(Math.log(x) * this.inverseLogGamma) - this.offset;
        below = slot < 0 ? this.zeros : cumulative[Math.min(slot, cumulative.length - 1)];
      }
      result[k] = below / this.n;
    }
    return result;
  }

  /** The non-empty buckets in increasing order, the zero bucket first. */
  *buckets(): Generator<HistogramBucket> {
    if (this.zeros > 0) yield { lower: 0, upper: 0, count: this.zeros };
    const [first, last] = this.occupiedSlots();
    for (let slot = first; slot <= last; slot++) {
      const count = this.counts[slot];
      if (count === 0) continue;
      const index = this.offset + slot;
      yield { lower: Math.exp((index - 1) * this.logGamma), upper: Math.exp(index * this.logGamma), count };
    }
  }

  summary(): DistributionSummary {
    return {
      count: this.n,
      mean: this.mean,
      min: this.min,
      max: this.max,
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p99: this.quantile(0.99),
    };
  }

  toJSON(): LogHistogramJSON {
    const [first, last] = this.occupiedSlots();
    const empty = this.n === 0;
    return {
      relativeAccuracy: this.relativeAccuracy,
      offset: first <= last ? this.offset + first : 0,
      counts: Array.from(this.counts.subarray(first, last + 1)),
      zeroCount: this.zeros,
      count: this.n,
      sum: this.total,
      min: empty ? null : this.lowest,
      max: empty ? null : this.highest,
    };
  }

  static fromJSON(json: LogHistogramJSON): LogHistogram {
    const histogram = new LogHistogram(json.relativeAccuracy);
    const { offset, counts, zeroCount, count, sum, min, max } = json;
    if (!Number.isInteger(offset)) invalidJSON(`offset must be an integer, got ${offset}`);
    if (!(zeroCount >= 0 && zeroCount < Infinity)) invalidJSON(`bad zeroCount ${zeroCount}`);
    let total = zeroCount;
    for (const c of counts) {
      if (!(c >= 0 && c < Infinity)) invalidJSON(`bucket counts must be finite and non-negative, got ${c}`);
      total += c;
    }
    // Counts are integers in practice, so the sum is exact; the tolerance only admits fractional weights.
    if (!(Math.abs(total - count) <= 1e-9 * count))
      invalidJSON(`count ${count} differs from the buckets' total ${total}`);
    if (!(sum >= 0 && sum < Infinity)) invalidJSON(`bad sum ${sum}`);
    if (count > 0) {
      if (min === null || max === null || !(min >= 0 && min <= max && max < Infinity)) {
        invalidJSON('a non-empty histogram needs 0 <= min <= max');
      }
      histogram.lowest = min;
      histogram.highest = max;
    }
    if (counts.length > 0) {
      histogram.counts = Float64Array.from(counts);
      histogram.offset = offset;
    }
    histogram.zeros = zeroCount;
    histogram.n = count;
    histogram.total = sum;
    return histogram;
  }

  /** The representative value of bucket `index`: 2γ^i/(γ + 1), which equals γ^i·(1 − α). */
  private representative(index: number): number {
    return Math.exp(index * this.logGamma) * (1 - this.relativeAccuracy);
  }

  /** First and last non-empty slots; first > last when there are none. */
  private occupiedSlots(): [number, number] {
    const counts = this.counts;
    let first = 0;
    while (first < counts.length && counts[first] === 0) first++;
    let last = counts.length - 1;
    while (last > first && counts[last] === 0) last--;
    return [first, first < counts.length ? last : -1];
  }

  /** Makes the storage span bucket indices [low, high], doubling its length towards the side that needs it. */
  private cover(low: number, high: number): void {
    const length = this.counts.length;
    if (length === 0) {
      let size = INITIAL_BUCKETS;
      while (size < high - low + 1) size *= 2;
      this.counts = new Float64Array(size);
      this.offset = low - Math.floor((size - (high - low + 1)) / 2);
      return;
    }
    const spanLow = Math.min(low, this.offset);
    const spanHigh = Math.max(high, this.offset + length - 1);
    if (spanLow === this.offset && spanHigh === this.offset + length - 1) return;
    let size = 2 * length;
    while (size < spanHigh - spanLow + 1) size *= 2;
    const newOffset = spanLow < this.offset ? spanHigh - size + 1 : spanLow;
    const grown = new Float64Array(size);
    grown.set(this.counts, this.offset - newOffset);
    this.counts = grown;
    this.offset = newOffset;
  }
}
