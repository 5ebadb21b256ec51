/**
 * The report's charts as vega-lite specs, built from the metrics contract alone. Each comes with a one-line
 * caption saying what it shows and how to read it. Per-run charts take one run per policy (a comparison passes
 * the first seed's run of each policy) and give each policy its own row, so policies read top to bottom.
 * Times are shown in hours (waits and transfers in minutes), bytes in terabytes, as in the tables.
 */
import { ascending, quantileSorted } from 'd3-array';
import type { TopLevelSpec } from 'vega-lite';
import { metricHeading, orderedMetricKeys, reportedMetric } from './metrics.ts';
import type { ComparisonSummary, Estimate, RunSummary, TimeSeriesSummary } from './summary.ts';

export interface Chart {
  /** File-name stem under `charts/` and the HTML element id. */
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const WIDTH = 560;
/** Points of an empirical CDF: its value at every percentile, enough for a smooth curve whatever the sample. */
const CDF_POINTS = 101;

const hours = (s: number) => s / 3600;
const minutes = (s: number) => s / 60;

/** A spec without its schema and title, which `chart` adds (Omit distributed over the union of spec kinds). */
type SpecBody<T = TopLevelSpec> = T extends unknown ? Omit<T, '$schema' | 'title'> : never;

function chart(id: string, title: string, caption: string, spec: SpecBody): Chart {
  return { id, title, caption, spec: { $schema: SCHEMA, title, ...spec } as TopLevelSpec };
}

/** Policies keep the comparison's order (baseline first) in rows and legends, not the alphabet's. */
function policyField(runs: readonly RunSummary[]) {
  return { field: 'policy', type: 'nominal' as const, sort: runs.map((r) => r.policy) };
}

/** A row per policy when several are compared; nothing for a single run. */
function policyRows(runs: readonly RunSummary[]) {
  return runs.length > 1 ? { row: { ...policyField(runs), title: null } } : {};
}

function policyLabel(runs: readonly RunSummary[]): string {
  return runs.length > 1
    ? `each policy on seed ${runs[0].seed}`
    : `policy ${runs[0].policy} on seed ${runs[0].seed}`;
}

// --- comparison ------------------------------------------------------------------------------------------

function estimateRows(comparison: ComparisonSummary, key: string) {
  const m = reportedMetric(key);
  return comparison.policies
    .filter((p) => p.metrics[key] !== undefined)
    .map((p) => scaledEstimate({ policy: p.policy }, p.metrics[key], m.scale));
}

function scaledEstimate<T extends object>(row: T, e: Estimate, scale: number) {
  return { ...row, mean: e.mean * scale, low: e.low * scale, high: e.high * scale, n: e.n };
}

const ESTIMATE_TOOLTIP = [
  { field: 'policy', type: 'nominal' },
  { field: 'mean', type: 'quantitative', format: '.4~g' },
  { field: 'low', type: 'quantitative', format: '.4~g', title: '95% CI low' },
  { field: 'high', type: 'quantitative', format: '.4~g', title: '95% CI high' },
  { field: 'n', type: 'quantitative', title: 'seeds' },
] as const;
const DIFFERENCE_TOOLTIP = [...ESTIMATE_TOOLTIP, { field: 'metric', type: 'nominal' } as const];
const POLICY_AXIS = { field: 'policy', type: 'nominal', sort: null, title: null } as const;

/** Mean over seeds per policy as a bar, its 95 % confidence interval as a whisker. */
function policyEstimateChart(comparison: ComparisonSummary, key: string, what: string): Chart {
  const m = reportedMetric(key);
  const heading = metricHeading(m);
  return chart(
    key,
    `${m.label[0].toUpperCase()}${m.label.slice(1)} per policy`,
    `${what} per policy: the bar is the mean over ${comparison.seeds.length} seeds, the whisker its 95 % ` +
      'confidence interval; policies whose whiskers do not overlap differ clearly (the paired differences chart is sharper).',
    {
      width: WIDTH,
      data: { values: estimateRows(comparison, key) },
      encoding: {
        y: POLICY_AXIS,
        tooltip: [...ESTIMATE_TOOLTIP],
      },
      layer: [
        {
          mark: { type: 'bar', color: '#9ecae1' },
          encoding: { x: { field: 'mean', type: 'quantitative', title: heading } },
        },
        {
          mark: { type: 'rule', strokeWidth: 2, color: '#08519c' },
          encoding: { x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } },
        },
      ],
    },
  );
}

/** Every policy − baseline difference with its 95 % CI, one panel per metric, a zero line in each. */
function differencesChart(comparison: ComparisonSummary): Chart {
  const keys = orderedMetricKeys(comparison.differences.map((d) => d.metric));
  const values = comparison.differences.map((d) => {
    const m = reportedMetric(d.metric);
    return scaledEstimate({ policy: d.policy, metric: metricHeading(m) }, d.estimate, m.scale);
  });
  return chart(
    'differences',
    `Paired differences from ${comparison.baseline}`,
    `Each dot is a policy's mean difference from ${comparison.baseline} over the same seeds (policy − baseline, ` +
      'in the panel’s unit), the whisker its 95 % confidence interval: a whisker clear of the dashed zero line is a ' +
      'difference the seeds support.',
    {
      data: { values },
      facet: {
        field: 'metric',
        type: 'nominal',
        sort: keys.map((k) => metricHeading(reportedMetric(k))),
        title: null,
      },
      columns: 3,
      resolve: { scale: { x: 'independent' } },
      spec: {
        width: 220,
        layer: [
          {
            mark: { type: 'rule', strokeDash: [4, 4], color: '#888' },
            encoding: { x: { datum: 0, type: 'quantitative' } },
          },
          {
            mark: { type: 'rule', strokeWidth: 2 },
            encoding: {
              y: POLICY_AXIS,
              x: { field: 'low', type: 'quantitative', title: null },
              x2: { field: 'high' },
              tooltip: DIFFERENCE_TOOLTIP,
            },
          },
          {
            mark: { type: 'point', filled: true, size: 60 },
            encoding: {
              y: POLICY_AXIS,
              x: { field: 'mean', type: 'quantitative' },
              tooltip: DIFFERENCE_TOOLTIP,
            },
          },
        ],
      },
    },
  );
}

// --- per run ---------------------------------------------------------------------------------------------

function taskRows(runs: readonly RunSummary[]) {
  const workflows = new Set(runs.flatMap((r) => r.workflows.map((w) => w.name)));
  return runs.flatMap((run) =>
    run.workflows.flatMap((w) =>
      w.tasks
        .filter((t) => t.start !== null)
        .map((t) => {
          const task = workflows.size > 1 ? `${t.workflow}/${t.task}` : t.task;
          return {
            policy: run.policy,
            row: runs.length > 1 ? `${run.policy} · ${task}` : task,
            task,
            route: t.route,
            start: hours(t.start as number),
            end: hours(t.end ?? run.simulatedTime),
            ended: t.end !== null,
            jobs: t.nFinished,
            where: Object.entries(t.jobsPerResource)
              .map(([r, n]) => `${r}: ${n}`)
              .join(', '),
          };
        }),
    ),
  );
}

function ganttChart(runs: readonly RunSummary[]): Chart {
  return chart(
    'gantt',
    'Workflow tasks over time',
    `When each task of the workflow ran under ${policyLabel(runs)}: a bar spans first job start to last job end ` +
      '(to the horizon when unfinished), its colour is where the policy sent it; hover for the jobs per resource.',
    {
      width: WIDTH,
      data: { values: taskRows(runs) },
      mark: { type: 'bar', cornerRadius: 2 },
      encoding: {
        y: { field: 'row', type: 'nominal', sort: null, title: null },
        x: { field: 'start', type: 'quantitative', title: 'simulated time (h)' },
        x2: { field: 'end' },
        color: { field: 'route', type: 'nominal', title: 'route' },
        tooltip: [
          { field: 'policy', type: 'nominal' },
          { field: 'task', type: 'nominal' },
          { field: 'route', type: 'nominal' },
          { field: 'start', type: 'quantitative', format: '.2f', title: 'start (h)' },
          { field: 'end', type: 'quantitative', format: '.2f', title: 'end (h)' },
          { field: 'ended', type: 'nominal' },
          { field: 'jobs', type: 'quantitative', title: 'finished jobs' },
          { field: 'where', type: 'nominal', title: 'jobs per resource' },
        ],
      },
    },
  );
}

/** Long rows `{policy, t (h), name, value}` of one time series per run. */
function seriesRows(runs: readonly RunSummary[], pick: (r: RunSummary) => TimeSeriesSummary, name: string) {
  return runs.flatMap((run) => {
    const s = pick(run);
    return Object.entries(s.series).flatMap(([key, values]) =>
      values.map((value, k) => ({ policy: run.policy, t: hours(s.t[k]), [name]: key, value })),
    );
  });
}

/**
 * Lines and areas are one mark item per series, whose datum is the series' first sample: their tooltip names
 * the series and leaves the values to the axes.
 */
const seriesTooltip = (fields: readonly string[]) =>
  fields.map((field) => ({ field, type: 'nominal' as const }));

const TIME_AXIS = { field: 't', type: 'quantitative', title: 'simulated time (h)' } as const;

function runningJobsChart(runs: readonly RunSummary[]): Chart {
  return chart(
    'running-jobs',
    'Running jobs per resource',
    `Jobs running on each resource over time under ${policyLabel(runs)}, stacked: the top edge is the total, ` +
      'the height of a band that resource’s share of it.',
    {
      width: WIDTH,
      height: 140,
      data: { values: seriesRows(runs, (r) => r.runningJobs, 'resource') },
      mark: { type: 'area', interpolate: 'step-after' },
      encoding: {
        x: TIME_AXIS,
        y: { field: 'value', type: 'quantitative', stack: 'zero', title: 'running jobs' },
        color: { field: 'resource', type: 'nominal' },
        tooltip: seriesTooltip(['policy', 'resource']),
        ...policyRows(runs),
      },
    },
  );
}

function gpusBusyChart(runs: readonly RunSummary[]): Chart {
  return chart(
    'gpus-busy',
    'GPUs busy per resource',
    `GPUs in use on each resource over time under ${policyLabel(runs)}, one line per resource: a plateau is ` +
      'training holding that many GPUs, a gap idle or waiting GPUs.',
    {
      width: WIDTH,
      height: 120,
      data: { values: seriesRows(runs, (r) => r.gpusBusy, 'resource') },
      mark: { type: 'line', interpolate: 'step-after' },
      encoding: {
        x: TIME_AXIS,
        y: { field: 'value', type: 'quantitative', title: 'GPUs busy' },
        color: { field: 'resource', type: 'nominal' },
        tooltip: seriesTooltip(['policy', 'resource']),
        ...policyRows(runs),
      },
    },
  );
}

/** The empirical CDF at every percentile: `value` is the p-quantile of the samples, in minutes. */
function cdfPoints(samples: readonly number[]): { value: number; fraction: number }[] {
  if (samples.length === 0) return [];
  const sorted = [...samples].sort(ascending);
  return Array.from({ length: CDF_POINTS }, (_, k) => {
    const fraction = k / (CDF_POINTS - 1);
    return { value: minutes(quantileSorted(sorted, fraction) ?? 0), fraction };
  });
}

const CDF_Y = {
  field: 'fraction',
  type: 'quantitative',
  title: 'fraction of jobs',
  axis: { format: '%' },
} as const;

function waitCdfChart(runs: readonly RunSummary[]): Chart {
  const values = runs.flatMap((run) =>
    Object.entries(run.waitSamples).flatMap(([jobClass, samples]) =>
      cdfPoints(samples).map((p) => ({ policy: run.policy, class: jobClass, ...p })),
    ),
  );
  const multi = runs.length > 1;
  return chart(
    'wait-cdf',
    'Queue wait per job class',
    `Cumulative distribution of the wait from activation to payload start under ${policyLabel(runs)}` +
      (multi ? ', one panel per job class, one line per policy' : ', one line per job class') +
      ': read across at 50 % for the median wait, at 90 % for the tail; a line further left waits less.',
    {
      width: multi ? 300 : WIDTH,
      height: multi ? 160 : 240,
      data: { values },
      mark: { type: 'line', interpolate: 'step-after' },
      encoding: {
        x: { field: 'value', type: 'quantitative', title: 'wait (min)' },
        y: CDF_Y,
        color: multi ? policyField(runs) : { field: 'class', type: 'nominal' },
        tooltip: seriesTooltip(['policy', 'class']),
        ...(multi ? { facet: { field: 'class', type: 'nominal', columns: 2, title: null } } : {}),
      },
    },
  );
}

function transferCdfChart(runs: readonly RunSummary[]): Chart {
  const values = runs.flatMap((run) =>
    cdfPoints(run.transferSamples).map((p) => ({ policy: run.policy, ...p })),
  );
  return chart(
    'transfer-cdf',
    'Transfer time',
    `Cumulative distribution of file transfer times under ${policyLabel(runs)}: the height at a time is the ` +
      'fraction of transfers done within it; a line further left moves data faster.',
    {
      width: WIDTH,
      height: 200,
      data: { values },
      mark: { type: 'line', interpolate: 'step-after' },
      encoding: {
        x: { field: 'value', type: 'quantitative', title: 'transfer time (min)' },
        y: CDF_Y,
        color: policyField(runs),
        tooltip: seriesTooltip(['policy']),
      },
    },
  );
}

function bytesMovedChart(runs: readonly RunSummary[]): Chart {
  const values = runs.flatMap((run) =>
    Object.entries(run.bytesMoved).map(([link, bytes]) => ({
      policy: run.policy,
      link,
      terabytes: bytes * 1e-12,
    })),
  );
  return chart(
    'bytes-moved',
    'Bytes moved per link class',
    `Terabytes moved over each class of link under ${policyLabel(runs)} (lan within a site, wan-region within ` +
      'a region, wan-inter between regions): taller wan bars mean more long-haul traffic.',
    {
      width: WIDTH,
      height: 200,
      data: { values },
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: { field: 'link', type: 'nominal', sort: null, title: 'link class', axis: { labelAngle: 0 } },
        y: { field: 'terabytes', type: 'quantitative', title: 'moved (TB)' },
        color: policyField(runs),
        ...(runs.length > 1 ? { xOffset: policyField(runs) } : {}),
      },
    },
  );
}

function shareBarsChart(runs: readonly RunSummary[]): Chart {
  const values = runs.flatMap((run) =>
    run.shares.flatMap((s) => [
      { policy: run.policy, share: s.name, kind: 'target', fraction: s.target },
      { policy: run.policy, share: s.name, kind: 'achieved', fraction: s.achieved },
    ]),
  );
  return chart(
    'share-achieved',
    'Achieved vs target share',
    `Each global share's target fraction of the grid beside the fraction it achieved (time-weighted HS06) under ` +
      `${policyLabel(runs)}: an achieved bar shorter than its target is a share that got less than promised.`,
    {
      width: WIDTH,
      height: 140,
      data: { values },
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: { field: 'share', type: 'nominal', sort: null, title: null, axis: { labelAngle: 0 } },
        xOffset: { field: 'kind', type: 'nominal', sort: ['target', 'achieved'] },
        y: { field: 'fraction', type: 'quantitative', title: 'fraction of grid', axis: { format: '%' } },
        color: { field: 'kind', type: 'nominal', sort: ['target', 'achieved'], title: null },
        ...policyRows(runs),
      },
    },
  );
}

function shareOverTimeChart(runs: readonly RunSummary[]): Chart {
  const targets = runs.flatMap((run) =>
    run.shares.flatMap((s) => {
      const t = run.shareUsage.t;
      return t.length === 0
        ? []
        : [t[0], t[t.length - 1]].map((x) => ({
            policy: run.policy,
            t: hours(x),
            share: s.name,
            value: s.target,
            kind: 'target',
          }));
    }),
  );
  const achieved = seriesRows(runs, (r) => r.shareUsage, 'share').map((r) => ({ ...r, kind: 'achieved' }));
  return chart(
    'share-over-time',
    'Achieved share over time',
    `Fraction of the executing HS06 each share had over time (solid) against its target (dashed, same colour) ` +
      `under ${policyLabel(runs)}: a solid line below its dashed one is a share running short at that time.`,
    {
      width: WIDTH,
      height: 140,
      data: { values: [...achieved, ...targets] },
      mark: { type: 'line' },
      encoding: {
        x: TIME_AXIS,
        y: { field: 'value', type: 'quantitative', title: 'share of grid', axis: { format: '%' } },
        color: { field: 'share', type: 'nominal' },
        strokeDash: { field: 'kind', type: 'nominal', sort: ['achieved', 'target'], title: null },
        tooltip: seriesTooltip(['policy', 'share', 'kind']),
        ...policyRows(runs),
      },
    },
  );
}

const hasSeries = (s: TimeSeriesSummary) => s.t.length > 0 && Object.keys(s.series).length > 0;

/** The charts of one run per policy; a chart whose data no run has (no GPUs, no shares) is left out. */
export function runCharts(runs: readonly RunSummary[]): Chart[] {
  if (runs.length === 0) return [];
  const some = (p: (r: RunSummary) => boolean) => runs.some(p);
  return [
    some((r) => r.workflows.some((w) => w.tasks.some((t) => t.start !== null))) ? ganttChart(runs) : null,
    some((r) => hasSeries(r.runningJobs)) ? runningJobsChart(runs) : null,
    some((r) => hasSeries(r.gpusBusy)) ? gpusBusyChart(runs) : null,
    some((r) => Object.values(r.waitSamples).some((s) => s.length > 0)) ? waitCdfChart(runs) : null,
    some((r) => r.transferSamples.length > 0) ? transferCdfChart(runs) : null,
    some((r) => Object.keys(r.bytesMoved).length > 0) ? bytesMovedChart(runs) : null,
    some((r) => r.shares.length > 0) ? shareBarsChart(runs) : null,
    some((r) => r.shares.length > 0 && hasSeries(r.shareUsage)) ? shareOverTimeChart(runs) : null,
  ].filter((c): c is Chart => c !== null);
}

/** The runs a comparison's per-run charts show: each policy's run on the first seed, in policy order. */
export function firstSeedRuns(comparison: ComparisonSummary, runs: readonly RunSummary[]): RunSummary[] {
  const seed = comparison.seeds[0];
  return comparison.policies
    .map((p) => runs.find((r) => r.policy === p.policy && r.seed === seed))
    .filter((r): r is RunSummary => r !== undefined);
}

/** Makespan and cost per policy, the paired differences, then the per-run charts of the first seed. */
export function comparisonCharts(comparison: ComparisonSummary, runs: readonly RunSummary[]): Chart[] {
  const has = (key: string) => comparison.policies.some((p) => p.metrics[key] !== undefined);
  return [
    has('makespan') ? policyEstimateChart(comparison, 'makespan', 'Workflow makespan') : null,
    has('cost') ? policyEstimateChart(comparison, 'cost', 'Money spent on paid resources') : null,
    comparison.differences.length > 0 ? differencesChart(comparison) : null,
    ...runCharts(firstSeedRuns(comparison, runs)),
  ].filter((c): c is Chart => c !== null);
}
