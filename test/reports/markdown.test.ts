// The markdown summary: every number in it is the summary's number in the display unit, formatted by `num`.
import { describe, expect, it } from 'vitest';
import { comparisonMarkdown, runMarkdown } from '../../reports/markdown.ts';
import { orderedMetricKeys, reportedMetric, REPORTED_METRICS, runMetrics } from '../../reports/metrics.ts';
import type { Estimate } from '../../reports/summary.ts';
import { num } from '../../reports/text-table.ts';
import { COMPARISON, RUN } from './fixtures.ts';

/** The rows of the markdown table that follows `heading` line (or the first table when none), as cells. */
function table(markdown: string, after = ''): string[][] {
  const lines = markdown.split('\n');
  const from = after === '' ? 0 : lines.findIndex((l) => l.startsWith(after));
  const start = lines.findIndex((l, i) => i > from && l.startsWith('|'));
  const rows: string[][] = [];
  for (let i = start; i < lines.length && lines[i].startsWith('|'); i++) {
    rows.push(
      lines[i]
        .slice(2, -2)
        .split(' | ')
        .map((c) => c.trim()),
    );
  }
  return rows;
}

/** `mean (low – high)` read back into its three numbers as written. */
function estimateCell(cell: string): string[] {
  const m = /^(\S+) \((\S+) – (\S+)\)$/.exec(cell);
  expect(m, cell).not.toBeNull();
  return (m as RegExpExecArray).slice(1, 4);
}

const shown = (e: Estimate, scale: number) => [e.mean, e.low, e.high].map((x) => num(x * scale));

describe('comparison markdown', () => {
  const md = comparisonMarkdown(COMPARISON);
  const keys = orderedMetricKeys(Object.keys(COMPARISON.policies[0].metrics));

  it('has a column per metric in display units, makespan, cost, GPU, CPU, bytes moved, mean wait', () => {
    expect(table(md)[0]).toEqual([
      'policy',
      'makespan (h)',
      'cost (USD)',
      'GPU time (GPU-h)',
      'CPU time (core-h)',
      'bytes moved (TB)',
      'mean wait (h)',
    ]);
    expect(md.split('\n')).toContain('|:--|--:|--:|--:|--:|--:|--:|');
  });

  it('shows each policy estimate as in comparison.json', () => {
    const rows = table(md).slice(2);
    expect(rows.map((r) => r[0])).toEqual(['grid-only', 'lcf-gpu', 'funcx-burst']);
    COMPARISON.policies.forEach((p, i) => {
      keys.forEach((k, j) => {
        expect(estimateCell(rows[i][j + 1])).toEqual(shown(p.metrics[k], reportedMetric(k).scale));
      });
    });
    // grid-only makespans 104 400, 105 300, 106 200 s: mean 29.25 h ± t(0.975, 2) · 900 s / √3.
    expect(rows[0][1]).toBe('29.25 (28.63 – 29.87)');
  });

  it('shows the paired differences from the baseline as in comparison.json', () => {
    const rows = table(md, '### Differences from grid-only');
    expect(rows[0][0]).toBe('policy − baseline');
    expect(rows.slice(2).map((r) => r[0])).toEqual(['lcf-gpu', 'funcx-burst']);
    for (const d of COMPARISON.differences) {
      const row = rows.find((r) => r[0] === d.policy) as string[];
      const cell = row[keys.indexOf(d.metric) + 1];
      expect(estimateCell(cell)).toEqual(shown(d.estimate, reportedMetric(d.metric).scale));
    }
  });
});

describe('run markdown', () => {
  const md = runMarkdown(RUN);

  it('shows the run metrics as in summary.json', () => {
    const rows = table(md);
    const values = runMetrics(RUN);
    REPORTED_METRICS.forEach((m, i) => {
      expect(rows[i + 2][1]).toBe(num((values[m.key] as number) * m.scale));
    });
    // lcf-gpu seed 1 ends at 36 900 + 300 + 15 000 + 300 + 5 400 s.
    expect(rows[2]).toEqual(['makespan (h)', num(57_900 / 3600)]);
    expect(rows[2][1]).toBe('16.08');
    expect(rows.slice(8)).toEqual([
      ['makespan of fastcalogan (h)', '16.08'],
      ['simulated time (h)', '48'],
      ['events processed', '121000'],
    ]);
  });

  it('keeps a pipe in a name inside its cell', () => {
    const md2 = runMarkdown({ ...RUN, workflows: [{ ...RUN.workflows[0], name: 'a|b' }] });
    expect(md2).toContain('| makespan of a\\|b (h) | 16.08 |');
  });
});

describe('runMetrics', () => {
  it('weighs the mean wait by the number of waits of each job class', () => {
    const waits = RUN.jobClasses.map((c) => [c.wait.mean ?? 0, c.wait.count]);
    const expected = waits.reduce((a, [m, n]) => a + m * n, 0) / waits.reduce((a, [, n]) => a + n, 0);
    expect(runMetrics(RUN).meanWait).toBeCloseTo(expected, 9);
    expect(runMetrics(RUN).bytesMoved).toBe(4.21e12 + 1.1e12 + 9e11);
  });

  it('has no makespan while a workflow has not ended', () => {
    const open = { ...RUN, workflows: [{ ...RUN.workflows[0], end: null, makespan: null }] };
    expect(runMetrics(open).makespan).toBeNull();
    expect(table(runMarkdown(open))[2]).toEqual(['makespan (h)', '-']);
  });
});
