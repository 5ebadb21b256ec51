export { Tally, type TallyJSON } from './tally.ts';
export { TimeWeighted, type TimeWeightedSummary } from './time-weighted.ts';
export {
  LogHistogram,
  type LogHistogramJSON,
  type HistogramBucket,
  type DistributionSummary,
} from './histogram.ts';
export { TimeSeries, type TimeSeriesJSON } from './time-series.ts';
export { normalQuantile } from './normal.ts';
export { studentTCdf, studentTQuantile, regularizedIncompleteBeta, lnGamma } from './student-t.ts';
export {
  meanConfidenceInterval,
  batchMeansInterval,
  pairedDifferenceInterval,
  type ConfidenceInterval,
  type BatchMeansInterval,
} from './confidence.ts';
