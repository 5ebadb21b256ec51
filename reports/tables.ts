/**
 * The report's tables as CSV, in contract units and full precision (they are for spreadsheets and scripts; the
 * rounded, unit-converted numbers are in the markdown and HTML). Run tables carry `policy` and `seed` columns so
 * the rows of every run of a comparison stack into one file.
 */
import { stringify } from 'csv-stringify/sync';
import type { ComparisonSummary, DistributionSummary, RunSummary } from './summary.ts';

type Cell = string | number | null;
type Row = Record<string, Cell>;

function csv(columns: readonly string[], rows: readonly Row[]): string {
  return stringify(rows as Row[], { header: true, columns: [...columns] });
}

/** `name:n;name:n`, in the record's order: a map in one cell. */
function counts(record: Readonly<Record<string, number>>): string {
  return Object.entries(record)
    .map(([k, n]) => `${k}:${n}`)
    .join(';');
}

const TASK_COLUMNS = [
  'policy',
  'seed',
  'workflow',
  'task',
  'jedi_task_id',
  'route',
  'submitted_s',
  'start_s',
  'end_s',
  'makespan_s',
  'n_jobs',
  'finished',
  'failed',
  'bytes_in',
  'bytes_out',
  'transfer_time_s',
  'jobs_per_resource',
] as const;

/** One row per task of every workflow of every run; makespan is end − submitted, empty when not ended. */
export function taskTable(runs: readonly RunSummary[]): string {
  const rows = runs.flatMap((run) =>
    run.workflows.flatMap((w) =>
      w.tasks.map((t) => ({
        policy: run.policy,
        seed: run.seed,
        workflow: t.workflow,
        task: t.task,
        jedi_task_id: t.jediTaskID,
        route: t.route,
        submitted_s: t.submitted,
        start_s: t.start,
        end_s: t.end,
        makespan_s: t.end === null ? null : t.end - t.submitted,
        n_jobs: t.nJobs,
        finished: t.nFinished,
        failed: t.nFailed,
        bytes_in: t.bytesIn,
        bytes_out: t.bytesOut,
        transfer_time_s: t.transferTime,
        jobs_per_resource: counts(t.jobsPerResource),
      })),
    ),
  );
  return csv(TASK_COLUMNS, rows);
}

const DISTRIBUTIONS = ['wait', 'run', 'stage_in', 'stage_out'] as const;
const STATISTICS = ['mean', 'p50', 'p90', 'p99'] as const;

function distributionCells(prefix: string, d: DistributionSummary): Row {
  return Object.fromEntries(STATISTICS.map((s) => [`${prefix}_${s}_s`, d[s]]));
}

const JOB_CLASS_COLUMNS = [
  'policy',
  'seed',
  'job_class',
  'created',
  'finished',
  'failed',
  'cancelled',
  'live',
  'retried',
  ...DISTRIBUTIONS.flatMap((d) => STATISTICS.map((s) => `${d}_${s}_s`)),
  'cpu_hours',
  'gpu_hours',
  'wasted_core_hours',
  'wasted_gpu_hours',
  'failures',
];

export function jobClassTable(runs: readonly RunSummary[]): string {
  const rows = runs.flatMap((run) =>
    run.jobClasses.map((c) => ({
      policy: run.policy,
      seed: run.seed,
      job_class: c.name,
      ...c.counts,
      ...distributionCells('wait', c.wait),
      ...distributionCells('run', c.run),
      ...distributionCells('stage_in', c.stageIn),
      ...distributionCells('stage_out', c.stageOut),
      cpu_hours: c.cpuHours,
      gpu_hours: c.gpuHours,
      wasted_core_hours: c.wastedCoreHours,
      wasted_gpu_hours: c.wastedGpuHours,
      failures: counts(c.failures),
    })),
  );
  return csv(JOB_CLASS_COLUMNS, rows);
}

const RESOURCE_COLUMNS = [
  'policy',
  'seed',
  'resource',
  'kind',
  'utilisation',
  'cpu_hours',
  'gpu_hours',
  'cost_usd',
  'jobs_finished',
  'jobs_failed',
] as const;

export function resourceTable(runs: readonly RunSummary[]): string {
  const rows = runs.flatMap((run) =>
    run.resources.map((r) => ({
      policy: run.policy,
      seed: run.seed,
      resource: r.name,
      kind: r.kind,
      utilisation: r.utilisation,
      cpu_hours: r.cpuHours,
      gpu_hours: r.gpuHours,
      cost_usd: r.cost,
      jobs_finished: r.jobsFinished,
      jobs_failed: r.jobsFailed,
    })),
  );
  return csv(RESOURCE_COLUMNS, rows);
}

const SHARE_COLUMNS = ['policy', 'seed', 'share', 'target', 'achieved', 'deviation'] as const;

/** Deviation is achieved − target: positive when the share got more than its target. */
export function shareTable(runs: readonly RunSummary[]): string {
  const rows = runs.flatMap((run) =>
    run.shares.map((s) => ({
      policy: run.policy,
      seed: run.seed,
      share: s.name,
      target: s.target,
      achieved: s.achieved,
      deviation: s.achieved - s.target,
    })),
  );
  return csv(SHARE_COLUMNS, rows);
}

const ESTIMATE_COLUMNS = ['mean', 'low', 'high', 'n'] as const;

/** One row per policy × metric: the mean over seeds and its 95 % confidence interval. */
export function policyMetricTable(comparison: ComparisonSummary): string {
  const rows = comparison.policies.flatMap((p) =>
    Object.entries(p.metrics).map(([metric, e]) => ({ policy: p.policy, metric, ...e })),
  );
  return csv(['policy', 'metric', ...ESTIMATE_COLUMNS], rows);
}

/** One row per policy × metric: the paired difference policy − baseline and its 95 % confidence interval. */
export function differenceTable(comparison: ComparisonSummary): string {
  const rows = comparison.differences.map((d) => ({
    policy: d.policy,
    baseline: d.baseline,
    metric: d.metric,
    ...d.estimate,
  }));
  return csv(['policy', 'baseline', 'metric', ...ESTIMATE_COLUMNS], rows);
}
