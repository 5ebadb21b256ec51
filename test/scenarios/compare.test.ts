// The comparison's arithmetic: means with Student-t intervals per policy, paired differences to the baseline,
// and the pairing of two revisions policy by policy.
import { describe, expect, it } from 'vitest';
import { comparisonMarkdown } from '../../reports/markdown.ts';
import {
  comparedMetrics,
  summarizeComparison,
  summarizeRevisionComparison,
} from '../../scenarios/compare.ts';
import { makeRun, POLICIES, RUNS, SEEDS } from '../reports/fixtures.ts';

describe('summarizeComparison', () => {
  const c = summarizeComparison('s', POLICIES, SEEDS, RUNS);
  const makespans = (p: string) =>
    SEEDS.map((seed) => comparedMetrics(RUNS.find((r) => r.policy === p && r.seed === seed)!).makespan);

  it('gives each policy its mean makespan over the seeds with a 95 % Student-t interval', () => {
    const m = c.policies.find((p) => p.policy === 'lcf-gpu')!.metrics.makespan;
    const xs = makespans('lcf-gpu');
    const mean = (xs[0] + xs[1] + xs[2]) / 3;
    const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / 2);
    // t(0.975, 2 degrees of freedom) = 4.302652729911275
    expect(m.mean).toBeCloseTo(mean, 9);
    expect(m.high - m.mean).toBeCloseTo((4.302652729911275 * sd) / Math.sqrt(3), 6);
    expect(m.n).toBe(3);
  });

  it('pairs each policy with the baseline seed by seed', () => {
    const d = c.differences.find((x) => x.policy === 'funcx-burst' && x.metric === 'makespan')!;
    const a = makespans('funcx-burst');
    const b = makespans('grid-only');
    expect(d.baseline).toBe('grid-only');
    expect(d.estimate.mean).toBeCloseTo((a[0] - b[0] + a[1] - b[1] + a[2] - b[2]) / 3, 9);
    expect(c.differences.filter((x) => x.policy === 'grid-only')).toEqual([]);
  });
});

describe('summarizeRevisionComparison', () => {
  it('pairs each policy with its own runs at the other revision', () => {
    const current = POLICIES.slice(0, 2).flatMap((p) => SEEDS.map((s) => makeRun(p, s)));
    const older = current.map((r) => ({
      ...r,
      workflows: r.workflows.map((w) => ({
        ...w,
        makespan: (w.makespan ?? 0) + 3600,
        end: (w.end ?? 0) + 3600,
      })),
    }));
    const { comparison, runs } = summarizeRevisionComparison(
      's',
      'v1',
      POLICIES.slice(0, 2),
      SEEDS,
      current,
      older,
      1,
    );
    expect(comparison.policies.map((p) => p.policy)).toEqual([
      'grid-only@v1',
      'grid-only',
      'lcf-gpu@v1',
      'lcf-gpu',
    ]);
    expect(runs.map((r) => r.policy)).toEqual([
      ...Array(3).fill('grid-only@v1'),
      ...Array(3).fill('grid-only'),
      ...Array(3).fill('lcf-gpu@v1'),
      ...Array(3).fill('lcf-gpu'),
    ]);
    for (const p of ['grid-only', 'lcf-gpu']) {
      const d = comparison.differences.find((x) => x.policy === p && x.metric === 'makespan')!;
      expect(d.baseline).toBe(`${p}@v1`);
      expect(d.estimate.mean).toBeCloseTo(-3600, 6);
    }
    const md = comparisonMarkdown(comparison);
    expect(md).toContain('### Differences from each baseline');
    expect(md).toContain('| lcf-gpu − lcf-gpu@v1 |');
  });
});
