import { describe, expect, it } from 'vitest';
import { TimeSeries } from '../../../sim/stats/time-series.ts';

describe('TimeSeries', () => {
  it('samples the last value recorded at or before each sample time', () => {
    const running = new TimeSeries(0, 10, 1);
    running.record(5, 2);
    running.record(20, 3);
    running.record(20, 4); // the last record at an instant wins
    running.record(35, 7);
    expect(Array.from(running.samples(45))).toEqual([1, 2, 4, 4, 7]);
    expect(Array.from(running.samples(50))).toEqual([1, 2, 4, 4, 7, 7]);
    expect(running.value).toBe(7);
    expect(running.timeAt(5)).toBe(50);
  });

  it('answers for earlier horizons from samples already taken', () => {
    const series = new TimeSeries(100, 60);
    series.record(130, 5);
    series.record(400, 6);
    expect(Array.from(series.samples(219))).toEqual([0, 5]);
    expect(Array.from(series.samples(220))).toEqual([0, 5, 5]);
    expect(series.snapshot(400)).toEqual({ start: 100, interval: 60, values: [0, 5, 5, 5, 5, 6] });
  });

  it('grows with the horizon, not with the number of records', () => {
    const series = new TimeSeries(0, 600);
    for (let k = 0; k < 100_000; k++) series.record(k * 3.6, k % 7);
    const samples = series.samples(360_000);
    expect(samples.length).toBe(601);
    // The sample at 600·j is the record at 3.6·k ≤ 600·j with the largest k, k = ⌊600·j/3.6⌋.
    for (const j of [0, 1, 250, 599]) expect(samples[j]).toBe(Math.floor((600 * j) / 3.6) % 7);
  });

  it('keeps sample times free of accumulated drift', () => {
    const series = new TimeSeries(0, 0.1);
    expect(series.timeAt(1_000_000)).toBe(100_000);
  });

  it('refuses time going backwards, a bad interval and non-finite values', () => {
    const series = new TimeSeries(10, 5);
    expect(() => series.record(9, 1)).toThrow(RangeError);
    series.record(20, 1);
    expect(() => series.record(19, 1)).toThrow(RangeError);
    expect(() => series.record(21, NaN)).toThrow(RangeError);
    expect(() => new TimeSeries(0, 0)).toThrow(RangeError);
    expect(() => new TimeSeries(0, -1)).toThrow(RangeError);
  });
});
