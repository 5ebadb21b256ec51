// The vega-lite specs of a report: which charts, their data in display units, and snapshots of their shape.
import { describe, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { comparisonCharts, firstSeedRuns, runCharts, type Chart } from '../../reports/charts.ts';
import type { RunSummary } from '../../reports/summary.ts';
import { COMPARISON, RUN, RUNS } from './fixtures.ts';

type Row = Record<string, unknown>;

function values(spec: TopLevelSpec): Row[] {
  const data = (spec as { data?: { values?: Row[] } }).data;
  return data?.values ?? [];
}

/**
 * One line per chart: its spec with the data cut to a count and the first row, as the shape is what the
 * snapshot guards (the data are checked by the tests above).
 */
function snapshot(charts: Chart[]): string {
  const lines = charts.map(({ id, caption, spec }) => {
    const rows = values(spec);
    return JSON.stringify({ id, caption, spec: { ...spec, data: { rows: rows.length, first: rows[0] } } });
  });
  return `${lines.join('\n')}\n`;
}

const comparison = comparisonCharts(COMPARISON, RUNS);
const run = runCharts([RUN]);
const byId = (charts: Chart[], id: string) => charts.find((c) => c.id === id) as Chart;

describe('comparison charts', () => {
  it('are makespan and cost with CIs, the paired differences, then the per-run charts of the first seed', () => {
    expect(comparison.map((c) => c.id)).toEqual([
      'makespan',
      'cost',
      'differences',
      'gantt',
      'running-jobs',
      'gpus-busy',
      'wait-cdf',
      'transfer-cdf',
      'bytes-moved',
      'share-achieved',
      'share-over-time',
    ]);
    expect(firstSeedRuns(COMPARISON, RUNS).map((r) => `${r.policy}/${r.seed}`)).toEqual([
      'grid-only/1',
      'lcf-gpu/1',
      'funcx-burst/1',
    ]);
  });

  it('have a title in the spec and a one-line caption', () => {
    for (const c of [...comparison, ...run]) {
      expect((c.spec as { title?: string }).title).toBe(c.title);
      expect(c.caption).toMatch(/^[A-Z].{60,330}\.$/);
      expect(c.caption).not.toContain('\n');
    }
  });

  it('show makespan per policy in hours: the comparison mean and its 95 % CI', () => {
    const grid = COMPARISON.policies[0].metrics.makespan;
    expect(values(byId(comparison, 'makespan').spec)[0]).toEqual({
      policy: 'grid-only',
      mean: grid.mean / 3600,
      low: grid.low / 3600,
      high: grid.high / 3600,
      n: 3,
    });
    expect(values(byId(comparison, 'cost').spec).map((r) => r.policy)).toEqual([
      'grid-only',
      'lcf-gpu',
      'funcx-burst',
    ]);
  });

  it('show every paired difference with its metric heading', () => {
    const rows = values(byId(comparison, 'differences').spec);
    expect(rows).toHaveLength(COMPARISON.differences.length);
    const d = COMPARISON.differences.find((x) => x.policy === 'funcx-burst' && x.metric === 'bytesMoved');
    expect(rows).toContainEqual({
      policy: 'funcx-burst',
      metric: 'bytes moved (TB)',
      mean: (d?.estimate.mean ?? NaN) * 1e-12,
      low: (d?.estimate.low ?? NaN) * 1e-12,
      high: (d?.estimate.high ?? NaN) * 1e-12,
      n: 3,
    });
  });

  it('draw one Gantt row per policy × task, coloured by route', () => {
    const rows = values(byId(comparison, 'gantt').spec);
    expect(rows.map((r) => r.row)).toEqual(
      ['grid-only', 'lcf-gpu', 'funcx-burst'].flatMap((p) => [
        `${p} · simulate`,
        `${p} · gan-training`,
        `${p} · validate`,
      ]),
    );
    // lcf-gpu seed 1: training from 36 900 s + 300 s for 14 400 + 600 s on POLARIS.
    expect(rows[4]).toEqual({
      policy: 'lcf-gpu',
      row: 'lcf-gpu · gan-training',
      task: 'gan-training',
      route: 'panda:POLARIS',
      start: 37_200 / 3600,
      end: 52_200 / 3600,
      ended: true,
      jobs: 4,
      where: 'POLARIS: 4',
    });
  });

  it('give each policy its own row, in the comparison order', () => {
    const spec = byId(comparison, 'running-jobs').spec as { encoding: { row: { sort: string[] } } };
    expect(spec.encoding.row.sort).toEqual(['grid-only', 'lcf-gpu', 'funcx-burst']);
  });

  it('plot CDFs at every percentile, in minutes, non-decreasing from the minimum to the maximum', () => {
    const rows = values(byId(comparison, 'transfer-cdf').spec).filter((r) => r.policy === 'lcf-gpu');
    expect(rows).toHaveLength(101);
    const samples = RUNS[3].transferSamples;
    expect(rows[0]).toEqual({ policy: 'lcf-gpu', value: Math.min(...samples) / 60, fraction: 0 });
    expect(rows[100]).toEqual({ policy: 'lcf-gpu', value: Math.max(...samples) / 60, fraction: 1 });
    for (let k = 1; k < rows.length; k++)
      expect(rows[k].value as number).toBeGreaterThanOrEqual(rows[k - 1].value as number);
  });

  it('match their snapshots', async () => {
    await expect(snapshot(comparison)).toMatchFileSnapshot('./__snapshots__/comparison-charts.jsonl');
  });
});

describe('run charts', () => {
  it('have no policy rows for a single run and colour Gantt bars by route', () => {
    expect(run.map((c) => c.id)).toEqual(comparison.slice(3).map((c) => c.id));
    expect(run.every((c) => !('row' in ((c.spec as { encoding?: object }).encoding ?? {})))).toBe(true);
    expect(values(byId(run, 'gantt').spec).map((r) => r.row)).toEqual([
      'simulate',
      'gan-training',
      'validate',
    ]);
  });

  it('leave out a chart whose data the run does not have', () => {
    const noGpus: RunSummary = { ...RUN, gpusBusy: { t: [], series: {} }, shares: [] };
    expect(runCharts([noGpus]).map((c) => c.id)).toEqual([
      'gantt',
      'running-jobs',
      'wait-cdf',
      'transfer-cdf',
      'bytes-moved',
    ]);
  });

  it('match their snapshots', async () => {
    await expect(snapshot(run)).toMatchFileSnapshot('./__snapshots__/run-charts.jsonl');
  });
});
