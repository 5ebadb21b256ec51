import { describe, expect, it } from 'vitest';
import { dailyMemory, memoryTrend, type HourReading } from '../../bench/daily-memory.ts';

/** 72 hourly readings: a heap of `base` + `perJob` bytes per live job + `leak` MB per day. */
function readings(live: (h: number) => number, leakMBPerDay: number): HourReading[] {
  const base = 600;
  const perJobBytes = 4096;
  return Array.from({ length: 72 }, (_, i) => {
    const hour = i + 1;
    const liveJobs = live(hour);
    return {
      hour,
      liveJobs,
      heapMB: base + (liveJobs * perJobBytes) / (1024 * 1024) + (leakMBPerDay * hour) / 24,
    };
  });
}

describe('dailyMemory', () => {
  it('folds hours 1–24 into day 1, 25–48 into day 2, with mean, min and max', () => {
    const days = dailyMemory(readings(() => 0, 24));
    expect(days.map((d) => d.day)).toEqual([1, 2, 3]);
    // A leak of 1 MB per hour: day 1 holds 601…624 MB.
    expect(days[0].heapMinMB).toBeCloseTo(601, 9);
    expect(days[0].heapMaxMB).toBeCloseTo(624, 9);
    expect(days[0].heapMeanMB).toBeCloseTo(612.5, 9);
    expect(days[2].heapMeanMB).toBeCloseTo(660.5, 9);
  });
});

describe('memoryTrend', () => {
  it('finds a leak as a slope per day, and no live-job dependence where there is none', () => {
    const t = memoryTrend(
      readings((h) => 100_000 + (h % 5) * 1000, 10),
      24,
    );
    expect(t?.readings).toBe(48);
    // The live count's wobble happens to trend a little over the two days; the heap follows it.
    expect(t?.heapSlopeMBPerDay).toBeCloseTo(10, 0);
    expect(t?.bytesPerLiveJob).toBeCloseTo(4096, 3);
    expect(t?.residualSlopeMBPerDay).toBeCloseTo(10, 1);
  });

  it('tells a heap that follows a growing backlog from a leak: the residual slope is 0', () => {
    // The live count grows by 24,000 jobs a day, irregularly: the heap grows ~94 MB a day with it, no leak.
    const t = memoryTrend(
      readings((h) => 100_000 + 1000 * h + ((h * 7919) % 13) * 500, 0),
      24,
    );
    expect(t?.heapSlopeMBPerDay).toBeGreaterThan(90);
    expect(t?.bytesPerLiveJob).toBeCloseTo(4096, 3);
    expect(t?.residualSlopeMBPerDay).toBeCloseTo(0, 6);
  });

  it('needs two readings after the warm-up', () => {
    expect(
      memoryTrend(
        readings(() => 0, 0),
        71,
      ),
    ).toBeNull();
    const flat = memoryTrend(
      readings(() => 5, 0),
      0,
    );
    expect(flat?.heapSlopeMBPerDay).toBeCloseTo(0, 9);
    expect(flat?.bytesPerLiveJob).toBeNull();
    expect(flat?.residualSlopeMBPerDay).toBeNull();
    // Live jobs exactly in step with the day: nothing tells a leak from the backlog.
    const inStep = memoryTrend(
      readings((h) => 1000 * h, 5),
      24,
    );
    expect(inStep?.heapSlopeMBPerDay).toBeGreaterThan(5);
    expect(inStep?.residualSlopeMBPerDay).toBeNull();
  });
});
