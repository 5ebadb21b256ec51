/**
 * Student-t confidence intervals for a mean: of independent replications, of a steady-state output series by
 * batch means, and of paired differences under common random numbers.
 *
 * Batch means (Law, "Simulation Modeling and Analysis", ch. 9; Schmeiser 1982, "Batch size effects in the
 * analysis of simulation output", Operations Research 30:556): the waits of successive customers are strongly
 * correlated, so their sample variance understates the variance of their mean. Averaging over a few long
 * batches makes the batch means nearly independent and nearly normal; the t interval is then taken over the
 * batch means. Schmeiser found 10 to 30 batches a good trade-off, hence the default of 20.
 */
import { studentTQuantile } from './student-t.ts';
import { Tally } from './tally.ts';

export interface ConfidenceInterval {
  /** Confidence level, e.g. 0.95. */
  level: number;
  /** Number of independent observations the interval rests on (replications, batches or pairs). */
  n: number;
  mean: number;
  standardError: number;
  degreesOfFreedom: number;
  halfWidth: number;
  lower: number;
  upper: number;
}

export interface BatchMeansInterval extends ConfidenceInterval {
  batchSize: number;
  /** Leading observations left out so that every batch has the same size. */
  discarded: number;
  /**
   * Lag-1 autocorrelation of the batch means. Well above ~0.2 means batches are too short to be independent
   * and the interval is too narrow: run longer rather than use more batches.
   */
  lag1Autocorrelation: number;
}

function checkLevel(level: number): void {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
}

function tInterval(mean: number, standardError: number, n: number, level: number): ConfidenceInterval {
  const degreesOfFreedom = n - 1;
  const halfWidth = studentTQuantile(0.5 + level / 2, degreesOfFreedom) * standardError;
  return {
    level,
    n,
    mean,
    standardError,
    degreesOfFreedom,
    halfWidth,
    lower: mean - halfWidth,
    upper: mean + halfWidth,
  };
}

function tallyOf(values: ArrayLike<number>): Tally {
  const tally = new Tally();
  for (let k = 0; k < values.length; k++) tally.add(values[k]);
  return tally;
}

/** Interval for the mean of independent, roughly normal observations (e.g. one result per seed). */
export function meanConfidenceInterval(data: ArrayLike<number> | Tally, level = 0.95): ConfidenceInterval {
  checkLevel(level);
  const tally = data instanceof Tally ? data : tallyOf(data);
  if (tally.count < 2)
    throw new RangeError(`a confidence interval needs at least 2 observations, got ${tally.count}`);
  return tInterval(tally.mean, tally.standardError, tally.count, level);
}

/**
 * Interval for the steady-state mean of a correlated output series (warm-up already removed) by
 * non-overlapping batch means. When the length is not a multiple of `batches`, the remainder is dropped from
 * the front, the end nearest the warm-up.
 */
export function batchMeansInterval(
  values: ArrayLike<number>,
  batches = 20,
  level = 0.95,
): BatchMeansInterval {
  checkLevel(level);
  if (!(Number.isInteger(batches) && batches >= 2)) {
    throw new RangeError(`batch means need an integer number of batches >= 2, got ${batches}`);
  }
  const batchSize = Math.floor(values.length / batches);
  if (batchSize < 1) throw new RangeError(`${values.length} values cannot fill ${batches} batches`);
  const discarded = values.length - batches * batchSize;
  const means = new Float64Array(batches);
  for (let b = 0; b < batches; b++) {
    const first = discarded + b * batchSize;
    let sum = 0;
    for (let k = first; k < first + batchSize; k++) sum += values[k];
    means[b] = sum / batchSize;
  }
  const tally = tallyOf(means);
  const interval = tInterval(tally.mean, tally.standardError, batches, level);
  let lagged = 0;
  for (let b = 0; b + 1 < batches; b++) lagged += (means[b] - tally.mean) * (means[b + 1] - tally.mean);
  const spread = tally.populationVariance * batches;
  return { ...interval, batchSize, discarded, lag1Autocorrelation: spread > 0 ? lagged / spread : 0 };
}

/**
 * Interval for the mean of a[i] − b[i], where a[i] and b[i] are the results of two policies run with the same
 * seed i (common random numbers): pairing removes the seed-to-seed variation both share.
 */
export function pairedDifferenceInterval(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  level = 0.95,
): ConfidenceInterval {
  if (a.length !== b.length)
    throw new RangeError(`paired samples differ in length (${a.length} vs ${b.length})`);
  const differences = new Float64Array(a.length);
  for (let k = 0; k < a.length; k++) differences[k] = a[k] - b[k];
  return meanConfidenceInterval(differences, level);
}
