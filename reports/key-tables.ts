/**
 * The headline tables of a report as header + rows of formatted cells, rendered as markdown for CI and as HTML
 * for the page: the same cells in both, so the two never disagree.
 */
import { formatEstimate, formatMetric } from './format.ts';
import { metricHeading, orderedMetricKeys, reportedMetric, REPORTED_METRICS, runMetrics } from './metrics.ts';
import type { ComparisonSummary, RunSummary } from './summary.ts';
import { num } from './text-table.ts';

export interface KeyTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** One row per policy, one column per metric: `mean (95 % CI low – high)` over the seeds. */
export function policyKeyTable(comparison: ComparisonSummary): KeyTable {
  const keys = orderedMetricKeys(comparison.policies.flatMap((p) => Object.keys(p.metrics)));
  return {
    header: ['policy', ...keys.map((k) => metricHeading(reportedMetric(k)))],
    rows: comparison.policies.map((p) => [
      p.policy,
      ...keys.map((k) =>
        p.metrics[k] === undefined ? '-' : formatEstimate(p.metrics[k], reportedMetric(k)),
      ),
    ]),
  };
}

/**
 * What the differences are taken from: the comparison's baseline, or — in a comparison of two revisions, where
 * each policy is paired with its own runs at the other revision — "their baselines".
 */
export function differencesHeading(comparison: ComparisonSummary): string {
  const baselines = new Set(comparison.differences.map((d) => d.baseline));
  return baselines.size <= 1 ? `Differences from ${comparison.baseline}` : 'Differences from each baseline';
}

/** One row per policy other than the baseline: the paired difference policy − baseline per metric. */
export function differenceKeyTable(comparison: ComparisonSummary): KeyTable {
  const keys = orderedMetricKeys(comparison.differences.map((d) => d.metric));
  const policies = [...new Set(comparison.differences.map((d) => d.policy))];
  const label = (policy: string) => {
    const baseline = comparison.differences.find((d) => d.policy === policy)?.baseline;
    return baseline === undefined || baseline === comparison.baseline ? policy : `${policy} − ${baseline}`;
  };
  return {
    header: ['policy − baseline', ...keys.map((k) => metricHeading(reportedMetric(k)))],
    rows: policies.map((policy) => [
      label(policy),
      ...keys.map((k) => {
        const d = comparison.differences.find((x) => x.policy === policy && x.metric === k);
        return d === undefined ? '-' : formatEstimate(d.estimate, reportedMetric(k));
      }),
    ]),
  };
}

/** A single run: its headline metrics, one per row, then each workflow's makespan. */
export function runKeyTable(run: RunSummary): KeyTable {
  const values = runMetrics(run);
  const hour = reportedMetric('makespan');
  return {
    header: ['metric', 'value'],
    rows: [
      ...REPORTED_METRICS.map((m) => [metricHeading(m), formatMetric(values[m.key], m)]),
      ...run.workflows.map((w) => [`makespan of ${w.name} (${hour.unit})`, formatMetric(w.makespan, hour)]),
      ['simulated time (h)', formatMetric(run.simulatedTime, hour)],
      ['events processed', num(run.eventsProcessed)],
    ],
  };
}
