import { describe, expect, it } from 'vitest';
import { compareRounds } from '../../bench/against.ts';
import type { BenchResult } from '../../bench/harness.ts';

const result = (name: string, rate: number): BenchResult => ({
  suite: 's',
  name,
  unit: 'events',
  medianMs: 1000 / rate,
  rate,
  rmePercent: 1,
  samples: 10,
});

describe('compareRounds', () => {
  it('compares medians over rounds and measures noise as the largest deviation from a median', () => {
    const ref = [
      [result('a', 100), result('b', 100)],
      [result('a', 110), result('b', 100)],
      [result('a', 90), result('b', 100)],
    ];
    const cur = [
      [result('a', 75), result('b', 101)],
      [result('a', 75), result('b', 99)],
      [result('a', 75), result('b', 100)],
    ];
    const rows = compareRounds(ref, cur);
    expect(rows.map((r) => r.name)).toEqual(['a', 'b']);
    const a = rows[0];
    expect(a.refRate).toBe(100);
    expect(a.currentRate).toBe(75);
    expect(a.ratio).toBeCloseTo(0.75, 12);
    expect(a.noise).toBeCloseTo(0.1, 12);
    expect(a.regressed).toBe(true); // 0.75 < 0.9 − 0.1
    expect(rows[1].ratio).toBeCloseTo(1, 12);
    expect(rows[1].regressed).toBe(false);
  });

  it('flags a slowdown only when it exceeds the threshold by more than the noise', () => {
    const quiet = compareRounds(
      [[result('a', 100)], [result('a', 100)]],
      [[result('a', 85)], [result('a', 85)]],
    );
    expect(quiet[0].noise).toBe(0);
    expect(quiet[0].regressed).toBe(true);
    const noisy = compareRounds(
      [[result('a', 70)], [result('a', 130)]],
      [[result('a', 85)], [result('a', 85)]],
    );
    expect(noisy[0].noise).toBeCloseTo(0.3, 12);
    expect(noisy[0].regressed).toBe(false);
  });

  it('leaves out cases that only one side has', () => {
    const rows = compareRounds([[result('old', 1)]], [[result('new', 1)]]);
    expect(rows).toEqual([]);
  });
});
