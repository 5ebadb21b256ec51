/**
 * Time average of a piecewise-constant quantity such as a queue length or the number of busy slots.
 *
 * The quantity holds its value until the next `update`; the integral is accumulated when it changes, so the
 * memory is constant whatever the horizon. A value replaced at the same instant it was set was never held, so
 * it adds nothing to the integral and is left out of min/max (a job that arrives and is dispatched in the same
 * event does not make the queue look one longer than it ever was).
 */

export interface TimeWeightedSummary {
  start: number;
  end: number;
  mean: number;
  min: number;
  max: number;
  integral: number;
}

export class TimeWeighted {
  readonly start: number;
  private lastTime: number;
  private current: number;
  private area = 0;
  private lowestHeld = Infinity;
  private highestHeld = -Infinity;

  constructor(start = 0, initialValue = 0) {
    if (!Number.isFinite(start) || !Number.isFinite(initialValue)) {
      throw new RangeError('TimeWeighted: start and initial value must be finite');
    }
    this.start = start;
    this.lastTime = start;
    this.current = initialValue;
  }

  /** The quantity takes `value` from time `now` on. Times must not go backwards. */
  update(now: number, value: number): void {
    const elapsed = now - this.lastTime;
    if (!(elapsed >= 0)) throw new RangeError(`TimeWeighted.update: time ${now} is before ${this.lastTime}`);
    if (!Number.isFinite(value))
      throw new RangeError(`TimeWeighted.update: value must be finite, got ${value}`);
    if (elapsed > 0) {
      this.area += this.current * elapsed;
      if (this.current < this.lowestHeld) this.lowestHeld = this.current;
      if (this.current > this.highestHeld) this.highestHeld = this.current;
      this.lastTime = now;
    }
    this.current = value;
  }

  /** The value held now. */
  get value(): number {
    return this.current;
  }

  /** ∫ value dt from the start to `now` (which must not precede the last update). */
  integral(now: number): number {
    const elapsed = now - this.lastTime;
    if (!(elapsed >= 0))
      throw new RangeError(`TimeWeighted.integral: time ${now} is before ${this.lastTime}`);
    return this.area + this.current * elapsed;
  }

  /** Time average from the start to `now`; at the start itself, the value held. */
  mean(now: number): number {
    const integral = this.integral(now);
    const duration = now - this.start;
    return duration === 0 ? this.current : integral / duration;
  }

  /** Smallest value held, the current one included. */
  get min(): number {
    return Math.min(this.lowestHeld, this.current);
  }

  /** Largest value held, the current one included. */
  get max(): number {
    return Math.max(this.highestHeld, this.current);
  }

  summary(now: number): TimeWeightedSummary {
    return {
      start: this.start,
      end: now,
      mean: this.mean(now),
      min: this.min,
      max: this.max,
      integral: this.integral(now),
    };
  }
}
