/**
 * A uniform sample of at most `size` values from a stream of unknown length (Vitter's algorithm R): every
 * value seen has the same chance of being kept, in memory bounded by `size` — the samples behind CDF charts of
 * runs of any length.
 */
import type { Rng } from '../random.ts';

export class Reservoir {
  private readonly kept: number[] = [];
  private seen = 0;

  /** `rng` is drawn from only once more than `size` values have been seen. */
  constructor(
    readonly size: number,
    private readonly rng: Rng,
  ) {
    if (!(size >= 1)) throw new RangeError(`Reservoir: size must be >= 1, got ${size}`);
  }

  add(x: number): void {
    this.seen++;
    if (this.kept.length < this.size) {
      this.kept.push(x);
      return;
    }
    const k = Math.floor(this.rng.next() * this.seen);
    if (k < this.size) this.kept[k] = x;
  }

  /** Values seen so far. */
  get count(): number {
    return this.seen;
  }

  /** The values kept, in the order kept (every value, in arrival order, until `size` were seen). */
  get values(): readonly number[] {
    return this.kept;
  }

  /** The values kept, ascending. */
  sorted(): number[] {
    return [...this.kept].sort((a, b) => a - b);
  }
}
