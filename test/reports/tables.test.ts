// The CSV tables: their columns, and one row's values against the summary they came from.
import { describe, expect, it } from 'vitest';
import {
  differenceTable,
  jobClassTable,
  policyMetricTable,
  resourceTable,
  shareTable,
  taskTable,
} from '../../reports/tables.ts';
import { COMPARISON, RUN, RUNS } from './fixtures.ts';

/** The fixture's cells hold no commas or quotes, so a split reads them back. */
function parse(csv: string): Record<string, string>[] {
  const [header, ...lines] = csv.trimEnd().split('\n');
  const columns = header.split(',');
  return lines.map((line) => {
    expect(line).not.toContain('"');
    return Object.fromEntries(line.split(',').map((cell, i) => [columns[i], cell]));
  });
}

const columns = (csv: string) => csv.slice(0, csv.indexOf('\n')).split(',');

describe('run tables', () => {
  it('per task: one row per task with where its jobs ran in one cell', () => {
    const csv = taskTable([RUN]);
    expect(columns(csv)).toEqual([
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
    ]);
    const rows = parse(csv);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({
      policy: 'lcf-gpu',
      seed: '1',
      workflow: 'fastcalogan',
      task: 'simulate',
      jedi_task_id: '41001',
      route: 'panda:all',
      submitted_s: '0',
      start_s: '300',
      end_s: '36900',
      makespan_s: '36900',
      n_jobs: '302',
      finished: '300',
      failed: '2',
      bytes_in: '600000000000',
      bytes_out: '150000000000',
      transfer_time_s: '420',
      jobs_per_resource: 'CERN-PROD:180;BNL-ATLAS:120',
    });
  });

  it('per task: an unfinished task has empty end and makespan', () => {
    const open = {
      ...RUN,
      workflows: [{ ...RUN.workflows[0], tasks: [{ ...RUN.workflows[0].tasks[2], end: null }] }],
    };
    expect(parse(taskTable([open]))[0]).toMatchObject({ task: 'validate', end_s: '', makespan_s: '' });
  });

  it('per job class: counts, time distributions, hours and failures by cause', () => {
    const csv = jobClassTable([RUN]);
    expect(columns(csv)).toHaveLength(30);
    expect(columns(csv).slice(9, 13)).toEqual(['wait_mean_s', 'wait_p50_s', 'wait_p90_s', 'wait_p99_s']);
    const c = RUN.jobClasses[1];
    expect(parse(csv)[1]).toMatchObject({
      job_class: 'workflow:fastcalogan/gan-training',
      created: '7',
      finished: '4',
      failed: '3',
      retried: '3',
      wait_mean_s: String(c.wait.mean),
      run_p99_s: String(c.run.p99),
      stage_in_p90_s: String(c.stageIn.p90),
      stage_out_p50_s: String(c.stageOut.p50),
      gpu_hours: String(c.gpuHours),
      wasted_gpu_hours: '1.25',
      failures: 'worker-lost:2;stage-in:1',
    });
  });

  it('per job class: a distribution with nothing observed leaves its cells empty', () => {
    const none = { count: 0, mean: null, p50: null, p90: null, p99: null, max: null };
    const run = { ...RUN, jobClasses: [{ ...RUN.jobClasses[0], stageIn: none }] };
    const row = parse(jobClassTable([run]))[0];
    expect([row.stage_in_mean_s, row.stage_in_p50_s, row.stage_in_p90_s, row.stage_in_p99_s]).toEqual([
      '',
      '',
      '',
      '',
    ]);
    expect(row.wait_mean_s).toBe(String(RUN.jobClasses[0].wait.mean));
  });

  it('per resource and per share, with the share deviation achieved − target', () => {
    expect(parse(resourceTable([RUN]))[2]).toEqual({
      policy: 'lcf-gpu',
      seed: '1',
      resource: 'POLARIS',
      kind: 'hpc',
      utilisation: '0.35',
      cpu_hours: '64',
      gpu_hours: '0',
      cost_usd: '0',
      jobs_finished: '4',
      jobs_failed: '0',
    });
    const share = parse(shareTable([RUN]))[2];
    expect(share).toMatchObject({ share: 'ML training', target: '0.1', achieved: '0.0975' });
    expect(Number(share.deviation)).toBeCloseTo(-0.0025, 12);
  });

  it('stack the rows of every run of a comparison', () => {
    const rows = parse(taskTable(RUNS));
    expect(rows).toHaveLength(27);
    expect(rows.map((r) => `${r.policy}/${r.seed}`).slice(0, 4)).toEqual([
      'grid-only/1',
      'grid-only/1',
      'grid-only/1',
      'grid-only/2',
    ]);
  });
});

describe('comparison tables', () => {
  it('one row per policy × metric: mean, 95 % CI and number of seeds', () => {
    const csv = policyMetricTable(COMPARISON);
    expect(columns(csv)).toEqual(['policy', 'metric', 'mean', 'low', 'high', 'n']);
    const rows = parse(csv);
    expect(rows).toHaveLength(18);
    const e = COMPARISON.policies[2].metrics.cost;
    expect(rows.find((r) => r.policy === 'funcx-burst' && r.metric === 'cost')).toEqual({
      policy: 'funcx-burst',
      metric: 'cost',
      mean: String(e.mean),
      low: String(e.low),
      high: String(e.high),
      n: '3',
    });
  });

  it('the paired differences from the baseline', () => {
    const rows = parse(differenceTable(COMPARISON));
    expect(rows).toHaveLength(12);
    const d = COMPARISON.differences[0];
    expect(rows[0]).toEqual({
      policy: 'lcf-gpu',
      baseline: 'grid-only',
      metric: 'makespan',
      mean: String(d.estimate.mean),
      low: String(d.estimate.low),
      high: String(d.estimate.high),
      n: '3',
    });
  });
});
