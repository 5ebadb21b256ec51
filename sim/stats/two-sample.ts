/**
 * Distances between the empirical distributions of two samples, for fitting a model's output to data:
 *
 * - Kolmogorov–Smirnov: sup over x of |F(x) − G(x)|, in [0, 1], blind to the scale of the values.
 * - Wasserstein-1 (earth mover's): the integral over x of |F(x) − G(x)|, in the values' unit — the mean
 *   distance a unit of probability mass has to move to turn one distribution into the other.
 *
 * Both take sorted samples (ascending, no NaN) and walk them once, O(n + m); `sortedCopy` makes one.
 */

/** An ascending copy of `values`; NaN is refused, as it has no place in an order. */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  const sorted = Float64Array.from(values);
  for (const x of sorted) if (Number.isNaN(x)) throw new RangeError('sortedCopy: NaN in the sample');
  return sorted.sort();
}

function checkSamples(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  if (a.length === 0 || b.length === 0) throw new RangeError(`${what}: both samples need at least one value`);
}

/**
 * Calls `step(x, next, F, G)` for each stretch [x, next) between consecutive distinct values of the pooled
 * sample, with both empirical CDFs evaluated on it, and once at the largest value (next = x, F = G = 1).
 */
function walk(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  step: (x: number, next: number, fa: number, fb: number) => void,
): void {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
    while (i < a.length && a[i] === x) i++;
    while (j < b.length && b[j] === x) j++;
    const next = Math.min(i < a.length ? a[i] : Infinity, j < b.length ? b[j] : Infinity);
    step(x, Number.isFinite(next) ? next : x, i / a.length, j / b.length);
  }
}

/** The two-sample Kolmogorov–Smirnov statistic of sorted samples `a` and `b`. */
export function ksDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkSamples(a, b, 'ksDistance');
  let d = 0;
  walk(a, b, (_x, _next, fa, fb) => {
    d = Math.max(d, Math.abs(fa - fb));
  });
  return d;
}

/** The Wasserstein-1 distance between the empirical distributions of sorted samples `a` and `b`. */
export function wassersteinDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkSamples(a, b, 'wassersteinDistance');
  let area = 0;
  walk(a, b, (x, next, fa, fb) => {
    area += Math.abs(fa - fb) * (next - x);
  });
  return area;
}
