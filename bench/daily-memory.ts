/**
 * Whether a long run's memory is flat across days (issue #8: "a 30-day run with memory flat across days"): the
 * hourly heap readings folded per simulated day, and the least-squares trend of the heap over the days after a
 * warm-up. A heap that follows the live work also gets a trend net of it (the heap regressed on the live job
 * count and the day together), so a backlog that grows for reasons of the model is told apart from a leak.
 */

export interface HourReading {
  /** Simulated hour at the end of which the reading was taken (1, 2, …). */
  readonly hour: number;
  readonly heapMB: number;
  /** Jobs live in the PanDA job table. */
  readonly liveJobs: number;
}

export interface DayMemory {
  readonly day: number;
  readonly heapMeanMB: number;
  readonly heapMinMB: number;
  readonly heapMaxMB: number;
  readonly liveJobsMean: number;
}

export interface MemoryTrend {
  /** Readings after the warm-up that the trend was fitted on. */
  readonly readings: number;
  readonly heapMeanMB: number;
  readonly heapMinMB: number;
  readonly heapMaxMB: number;
  /** Least-squares slope of the heap over simulated days. */
  readonly heapSlopeMBPerDay: number;
  /** Least-squares slope of the live job count over simulated days. */
  readonly liveJobsSlopePerDay: number;
  /**
   * Heap ≈ a + bytesPerLiveJob × live jobs + residualSlopeMBPerDay × day, by least squares; both null when the
   * live count does not vary apart from the day (constant, or exactly in step with it).
   */
  readonly bytesPerLiveJob: number | null;
  readonly residualSlopeMBPerDay: number | null;
}

const HOURS_PER_DAY = 24;
const MB = 1024 * 1024;

/** Hour h belongs to day ceil(h / 24): hours 1–24 are day 1. */
export function dailyMemory(readings: readonly HourReading[]): DayMemory[] {
  const days = new Map<number, HourReading[]>();
  for (const r of readings) {
    const day = Math.max(1, Math.ceil(r.hour / HOURS_PER_DAY));
    const list = days.get(day) ?? [];
    list.push(r);
    days.set(day, list);
  }
  return [...days]
    .sort(([a], [b]) => a - b)
    .map(([day, rs]) => ({
      day,
      heapMeanMB: mean(rs.map((r) => r.heapMB)),
      heapMinMB: Math.min(...rs.map((r) => r.heapMB)),
      heapMaxMB: Math.max(...rs.map((r) => r.heapMB)),
      liveJobsMean: mean(rs.map((r) => r.liveJobs)),
    }));
}

/**
 * The trend of the readings after `warmupHours` (the first days fill the grid and the job table), or null
 * when fewer than two readings remain or they span no time.
 */
export function memoryTrend(readings: readonly HourReading[], warmupHours: number): MemoryTrend | null {
  const rs = readings.filter((r) => r.hour > warmupHours);
  if (rs.length < 2) return null;
  const days = rs.map((r) => r.hour / HOURS_PER_DAY);
  const heap = rs.map((r) => r.heapMB);
  const live = rs.map((r) => r.liveJobs);
  const heapSlope = slope(days, heap);
  if (heapSlope === null) return null;
  const both = twoRegressors(live, days, heap);
  return {
    readings: rs.length,
    heapMeanMB: mean(heap),
    heapMinMB: Math.min(...heap),
    heapMaxMB: Math.max(...heap),
    heapSlopeMBPerDay: heapSlope,
    liveJobsSlopePerDay: slope(days, live) ?? 0,
    bytesPerLiveJob: both === null ? null : both[0] * MB,
    residualSlopeMBPerDay: both === null ? null : both[1],
  };
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Ordinary least-squares slope of y on x; null when x does not vary. */
function slope(x: readonly number[], y: readonly number[]): number | null {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return sxx === 0 ? null : sxy / sxx;
}

/** Least-squares coefficients of y on x1 and x2 together; null when x1 and x2 do not vary apart. */
function twoRegressors(
  x1: readonly number[],
  x2: readonly number[],
  y: readonly number[],
): [number, number] | null {
  const m1 = mean(x1);
  const m2 = mean(x2);
  const my = mean(y);
  let s11 = 0;
  let s22 = 0;
  let s12 = 0;
  let s1y = 0;
  let s2y = 0;
  for (let i = 0; i < y.length; i++) {
    const a = x1[i] - m1;
    const b = x2[i] - m2;
    const c = y[i] - my;
    s11 += a * a;
    s22 += b * b;
    s12 += a * b;
    s1y += a * c;
    s2y += b * c;
  }
  const det = s11 * s22 - s12 * s12;
  // Relative to the scales involved: a live count in step with the day leaves nothing to tell them apart.
  if (!(det > 1e-12 * s11 * s22)) return null;
  return [(s22 * s1y - s12 * s2y) / det, (s11 * s2y - s12 * s1y) / det];
}
