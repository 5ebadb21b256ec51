/**
 * How every number in a report's prose, markdown and HTML tables is written: one function (`num` of the text
 * tables), applied after converting to the metric's display unit, so the same value reads the same everywhere.
 */
import type { ReportedMetric } from './metrics.ts';
import type { Estimate } from './summary.ts';
import { num } from './text-table.ts';

/** A contract value shown in the metric's display unit; `-` when absent. */
export function formatMetric(value: number | null, metric: ReportedMetric): string {
  return num(value === null ? null : value * metric.scale);
}

/** `mean (low – high)` in the metric's display unit. */
export function formatEstimate(e: Estimate, metric: ReportedMetric): string {
  return `${formatMetric(e.mean, metric)} (${formatMetric(e.low, metric)} – ${formatMetric(e.high, metric)})`;
}
