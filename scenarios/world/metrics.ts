/**
 * What a run measures, folded as it happens so memory follows the live jobs: per job class the final states,
 * wait and run times in log histograms (1 % quantiles), CPU/GPU-hours and the walltime failed attempts wasted;
 * per resource the jobs it ran; over time the running jobs and busy GPUs per resource and each global share's
 * part of the executing HS06. Jobs reach it from the PanDA server's transitions, or directly from executors
 * that bypass PanDA (Parsl on Globus Compute, the user's own cluster).
 */
import type { Simulation } from '../../sim/engine.ts';
import type { Rng } from '../../sim/random.ts';
import { LogHistogram } from '../../sim/stats/histogram.ts';
import { Reservoir } from '../../sim/stats/reservoir.ts';
import { TimeWeighted } from '../../sim/stats/time-weighted.ts';
import type { DistributionSummary, JobClassSummary, TimeSeriesSummary } from '../../reports/summary.ts';

/** One attempt's end, as far as metrics care. */
export interface AttemptRecord {
  readonly jobClass: string;
  readonly resource: string;
  readonly ok: boolean;
  readonly retried: boolean;
  /** From the job's creation (or its retry) to its payload's start, s; NaN when it never started. */
  readonly wait: number;
  /** Payload run time, s (0 when it never started). */
  readonly run: number;
  readonly cores: number;
  readonly gpus: number;
  readonly cause?: string;
}

class ClassStats {
  created = 0;
  finished = 0;
  failed = 0;
  cancelled = 0;
  retried = 0;
  readonly wait = new LogHistogram();
  readonly run = new LogHistogram();
  readonly stageIn = new LogHistogram();
  readonly stageOut = new LogHistogram();
  coreSeconds = 0;
  gpuSeconds = 0;
  wastedCoreSeconds = 0;
  wastedGpuSeconds = 0;
  readonly failures: Record<string, number> = {};
  /** A seeded sample of the waits, for CDF charts. */
  constructor(readonly waitSample: Reservoir) {}
}

/** Reservoir size of the wait and transfer samples kept for CDF charts. */
export const SAMPLE_SIZE = 2000;

export interface ResourceCounters {
  running: number;
  coresBusy: number;
  gpusBusy: number;
  finished: number;
  failed: number;
  coreSeconds: number;
  gpuSeconds: number;
}

export class RunMetrics {
  private readonly classes = new Map<string, ClassStats>();
  private readonly resources = new Map<string, ResourceCounters>();
  private readonly shareHs06 = new Map<string, TimeWeighted>();
  private readonly samples: { t: number[]; running: Map<string, number[]>; gpus: Map<string, number[]> };
  private readonly shareSeries = new Map<string, number[]>();
  private readonly shareT: number[] = [];

  constructor(
    private readonly sim: Simulation,
    private readonly rng: Rng,
    resourceNames: readonly string[],
    shareNames: readonly string[],
  ) {
    for (const name of resourceNames) {
      this.resources.set(name, {
        running: 0,
        coresBusy: 0,
        gpusBusy: 0,
        finished: 0,
        failed: 0,
        coreSeconds: 0,
        gpuSeconds: 0,
      });
    }
    this.samples = {
      t: [],
      running: new Map(resourceNames.map((n) => [n, []])),
      gpus: new Map(resourceNames.map((n) => [n, []])),
    };
    for (const share of shareNames) {
      this.shareHs06.set(share, new TimeWeighted(sim.now, 0));
      this.shareSeries.set(share, []);
    }
  }

  private cls(name: string): ClassStats {
    let c = this.classes.get(name);
    if (c === undefined) this.classes.set(name, (c = new ClassStats(new Reservoir(SAMPLE_SIZE, this.rng))));
    return c;
  }

  resource(name: string): ResourceCounters {
    const r = this.resources.get(name);
    if (r === undefined) throw new Error(`metrics: unknown resource ${name}`);
    return r;
  }

  jobCreated(jobClass: string): void {
    this.cls(jobClass).created++;
  }

  jobCancelled(jobClass: string): void {
    this.cls(jobClass).cancelled++;
  }

  started(resource: string, gpus: number, cores: number): void {
    const r = this.resource(resource);
    r.running++;
    r.coresBusy += cores;
    r.gpusBusy += gpus;
  }

  attemptEnded(a: AttemptRecord): void {
    const c = this.cls(a.jobClass);
    const r = this.resource(a.resource);
    const started = !Number.isNaN(a.wait);
    if (started) {
      r.running--;
      r.coresBusy -= a.cores;
      r.gpusBusy -= a.gpus;
      c.wait.add(a.wait);
      c.waitSample.add(a.wait);
    }
    const coreSeconds = a.run * a.cores;
    const gpuSeconds = a.run * a.gpus;
    r.coreSeconds += coreSeconds;
    r.gpuSeconds += gpuSeconds;
    c.coreSeconds += coreSeconds;
    c.gpuSeconds += gpuSeconds;
    if (a.ok) {
      c.finished++;
      r.finished++;
      c.run.add(a.run);
      return;
    }
    r.failed++;
    c.wastedCoreSeconds += coreSeconds;
    c.wastedGpuSeconds += gpuSeconds;
    const cause = a.cause ?? 'unknown';
    c.failures[cause] = (c.failures[cause] ?? 0) + 1;
    if (a.retried) c.retried++;
    else c.failed++;
  }

  stage(jobClass: string, direction: 'in' | 'out', seconds: number): void {
    (direction === 'in' ? this.cls(jobClass).stageIn : this.cls(jobClass).stageOut).add(seconds);
  }

  /** The executing HS06 of each share changed (sampled by the world from the server). */
  shareUsage(share: string, hs06: number): void {
    this.shareHs06.get(share)?.update(this.sim.now, hs06);
  }

  /** Takes one sample of the time series. */
  sample(): void {
    this.samples.t.push(this.sim.now);
    for (const [name, r] of this.resources) {
      this.samples.running.get(name)?.push(r.running);
      this.samples.gpus.get(name)?.push(r.gpusBusy);
    }
    let total = 0;
    for (const tw of this.shareHs06.values()) total += tw.value;
    this.shareT.push(this.sim.now);
    for (const [share, tw] of this.shareHs06)
      this.shareSeries.get(share)?.push(total > 0 ? tw.value / total : 0);
  }

  /** Time-weighted fraction of the executing HS06 each share had up to now. */
  achievedShares(): Map<string, number> {
    const now = this.sim.now;
    let total = 0;
    const integrals = new Map<string, number>();
    for (const [share, tw] of this.shareHs06) {
      const integral = tw.integral(now);
      integrals.set(share, integral);
      total += integral;
    }
    return new Map([...integrals].map(([share, v]) => [share, total > 0 ? v / total : 0]));
  }

  jobClasses(live: (jobClass: string) => number): JobClassSummary[] {
    return [...this.classes.keys()].sort().map((name) => {
      const c = this.cls(name);
      return {
        name,
        counts: {
          created: c.created,
          finished: c.finished,
          failed: c.failed,
          cancelled: c.cancelled,
          live: live(name),
          retried: c.retried,
        },
        wait: summary(c.wait),
        run: summary(c.run),
        stageIn: summary(c.stageIn),
        stageOut: summary(c.stageOut),
        cpuHours: c.coreSeconds / 3600,
        gpuHours: c.gpuSeconds / 3600,
        wastedCoreHours: c.wastedCoreSeconds / 3600,
        wastedGpuHours: c.wastedGpuSeconds / 3600,
        failures: { ...c.failures },
      };
    });
  }

  waitSamples(): Record<string, number[]> {
    return Object.fromEntries([...this.classes].map(([name, c]) => [name, c.waitSample.sorted()]));
  }

  runningJobs(): TimeSeriesSummary {
    return { t: this.samples.t, series: Object.fromEntries(this.samples.running) };
  }

  gpusBusy(): TimeSeriesSummary {
    return { t: this.samples.t, series: Object.fromEntries(this.samples.gpus) };
  }

  shareSeriesSummary(): TimeSeriesSummary {
    return { t: this.shareT, series: Object.fromEntries(this.shareSeries) };
  }
}

export function summary(h: LogHistogram): DistributionSummary {
  if (h.count === 0) return { count: 0, mean: null, p50: null, p90: null, p99: null, max: null };
  const s = h.summary();
  return { count: s.count, mean: s.mean, p50: s.p50, p90: s.p90, p99: s.p99, max: s.max };
}
