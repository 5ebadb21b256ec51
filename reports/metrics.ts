/**
 * The headline metrics a report shows for a run and compares across policies, with the unit they are shown in.
 * Values are kept in the contract's units (s, bytes, USD, hours); `scale` converts to the display unit once,
 * where a table or chart shows them, so a planner reads hours and terabytes rather than 10^5 s and 10^13 B.
 */
import { sum } from 'd3-array';
import type { RunSummary } from './summary.ts';

export interface ReportedMetric {
  /** Key in `PolicyResult.metrics` and `PairedDifference.metric`. */
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  /** Multiplies a contract value into `unit`. */
  readonly scale: number;
}

/** In the order tables show them; a comparison's other metrics follow, by name. */
export const REPORTED_METRICS: readonly ReportedMetric[] = [
  { key: 'makespan', label: 'makespan', unit: 'h', scale: 1 / 3600 },
  { key: 'cost', label: 'cost', unit: 'USD', scale: 1 },
  { key: 'gpuHours', label: 'GPU time', unit: 'GPU-h', scale: 1 },
  { key: 'cpuHours', label: 'CPU time', unit: 'core-h', scale: 1 },
  { key: 'bytesMoved', label: 'bytes moved', unit: 'TB', scale: 1e-12 },
  { key: 'meanWait', label: 'mean wait', unit: 'h', scale: 1 / 3600 },
];

/** A metric the report has no unit for is shown as it is, under its own name. */
export function reportedMetric(key: string): ReportedMetric {
  return REPORTED_METRICS.find((m) => m.key === key) ?? { key, label: key, unit: '', scale: 1 };
}

export function metricHeading(m: ReportedMetric): string {
  return m.unit === '' ? m.label : `${m.label} (${m.unit})`;
}

/** The metric keys of a comparison, reported ones first in their order, then the rest by name. */
export function orderedMetricKeys(keys: Iterable<string>): string[] {
  const present = new Set(keys);
  const known = REPORTED_METRICS.map((m) => m.key).filter((k) => present.has(k));
  const rest = [...present].filter((k) => !known.includes(k)).sort();
  return [...known, ...rest];
}

/**
 * The reported metrics of one run, in contract units. Makespan is from the first workflow's submission to the
 * last one's end (null when one had not ended by the horizon); the mean wait weighs each job class's mean by its
 * number of waits.
 */
export function runMetrics(run: RunSummary): Readonly<Record<string, number | null>> {
  const ends = run.workflows.map((w) => w.end);
  const makespan =
    run.workflows.length === 0 || ends.some((e) => e === null)
      ? null
      : Math.max(...(ends as number[])) - Math.min(...run.workflows.map((w) => w.submitted));
  const waits = sum(run.jobClasses, (c) => c.wait.count);
  return {
    makespan,
    cost: run.cost,
    gpuHours: run.gpuHours,
    cpuHours: run.cpuHours,
    bytesMoved: sum(Object.values(run.bytesMoved)),
    meanWait: waits === 0 ? null : sum(run.jobClasses, (c) => (c.wait.mean ?? 0) * c.wait.count) / waits,
  };
}
