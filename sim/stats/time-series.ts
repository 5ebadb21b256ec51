/**
 * A quantity sampled at a fixed interval of simulated time (running jobs every 10 minutes, say), for plots.
 *
 * The model calls `record(now, value)` whenever the quantity changes, at any time; the sample at
 * t_k = start + k·interval is the last value recorded at or before t_k (last value carried forward), so of
 * several records at one instant the last wins. Samples are written lazily into a growable Float64Array when
 * time passes them: memory is one number per interval of horizon, however many records there are.
 */

export interface TimeSeriesJSON {
  start: number;
  interval: number;
  /** values[k] is the sample at start + k·interval. */
  values: number[];
}

const INITIAL_CAPACITY = 256;

export class TimeSeries {
  readonly start: number;
  readonly interval: number;
  private values = new Float64Array(INITIAL_CAPACITY);
  /** Samples written so far: those at t_k < the latest time seen. */
  private filled = 0;
  private current: number;
  private lastTime: number;

  constructor(start: number, interval: number, initialValue = 0) {
    if (!Number.isFinite(start) || !Number.isFinite(initialValue)) {
      throw new RangeError('TimeSeries: start and initial value must be finite');
    }
    if (!(interval > 0 && interval < Infinity)) {
      throw new RangeError(`TimeSeries: interval must be positive, got ${interval}`);
    }
    this.start = start;
    this.interval = interval;
    this.current = initialValue;
    this.lastTime = start;
  }

  /** The quantity takes `value` from time `now` on. Times must not go backwards nor precede the start. */
  record(now: number, value: number): void {
    if (!(now >= this.lastTime))
      throw new RangeError(`TimeSeries.record: time ${now} is before ${this.lastTime}`);
    if (!Number.isFinite(value))
      throw new RangeError(`TimeSeries.record: value must be finite, got ${value}`);
    this.fillBefore(now);
    this.current = value;
    this.lastTime = now;
  }

  /** The value held now. */
  get value(): number {
    return this.current;
  }

  /** Time of sample k. */
  timeAt(k: number): number {
    // Multiplying rather than accumulating keeps sample times free of drift over long horizons.
    return this.start + k * this.interval;
  }

  /**
   * A copy of the samples at all t_k ≤ `until`. Samples up to `until` are final afterwards: a later record
   * at exactly `until` no longer changes the sample at that instant.
   */
  samples(until: number): Float64Array {
    if (until >= this.lastTime) {
      while (this.timeAt(this.filled) <= until) this.push(this.current);
    }
    let n = this.filled;
    while (n > 0 && this.timeAt(n - 1) > until) n--;
    return this.values.slice(0, n);
  }

  /** Plain data for a results file (not named toJSON: JSON.stringify would pass it a key, not a time). */
  snapshot(until: number): TimeSeriesJSON {
    return { start: this.start, interval: this.interval, values: Array.from(this.samples(until)) };
  }

  private fillBefore(now: number): void {
    while (this.timeAt(this.filled) < now) this.push(this.current);
  }

  private push(value: number): void {
    if (this.filled === this.values.length) {
      const grown = new Float64Array(2 * this.values.length);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.filled++] = value;
  }
}
