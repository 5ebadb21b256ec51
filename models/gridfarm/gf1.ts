/**
 * GF-1, the grid-farm reference workload (shared/design/benchmarks.md): 100 sites with FIFO queues, Poisson
 * arrivals, exponential runtimes, each job sent on arrival to the site with the largest (R+1)/(Q+10). It is a
 * minimal site model on the kernel, written so that the same workload can be timed in other simulators; it
 * measures the engine (up to ~500k jobs in the system at once) rather than PanDA's brokerage.
 *
 * Common random numbers: arrivals and runtimes come from two named streams and the k-th job's runtime is the
 * k-th draw whatever site it lands on.
 */
import { Simulation } from '../../sim/engine.ts';
import { exponential } from '../../sim/distributions.ts';
import { RandomStreams } from '../../sim/random.ts';
import { LogHistogram } from '../../sim/stats/histogram.ts';
import { TimeWeighted } from '../../sim/stats/time-weighted.ts';

export interface Gf1Options {
  jobs: number;
  seed: number | string;
  /** Jobs/s. */
  arrivalRate?: number;
  /** Seconds. */
  meanRuntime?: number;
  sites?: number;
}

/** The reference workload (benchmarks.md): 16.875 jobs/s of 3600 s mean on 67,500 slots is utilisation 0.9. */
export const GF1_DEFAULTS = { sites: 100, arrivalRate: 16.875, meanRuntime: 3600 } as const;

export interface Gf1Result {
  jobs: number;
  events: number;
  meanWait: number;
  p50Wait: number;
  p99Wait: number;
  /** Mean slot utilisation over [0, last arrival]. */
  utilisation: number;
  lastArrival: number;
  makespan: number;
  peakRunning: number;
  peakInSystem: number;
  waits: LogHistogram;
}

/** Slots of site i: 200 + 50·(i mod 20), 67,500 over 100 sites. */
export function gf1Slots(site: number): number {
  return 200 + 50 * (site % 20);
}

/** A growable ring buffer of queued jobs (arrival time, runtime) for one site's FIFO queue. */
class JobRing {
  private arrival = new Float64Array(16);
  private runtime = new Float64Array(16);
  private head = 0;
  size = 0;

  push(arrival: number, runtime: number): void {
    if (this.size === this.arrival.length) this.grow();
    const i = (this.head + this.size) & (this.arrival.length - 1);
    this.arrival[i] = arrival;
    this.runtime[i] = runtime;
    this.size++;
  }

  /** Removes the oldest job; its fields are read with `lastArrival` / `lastRuntime`. */
  shift(): void {
    this.lastArrival = this.arrival[this.head];
    this.lastRuntime = this.runtime[this.head];
    this.head = (this.head + 1) & (this.arrival.length - 1);
    this.size--;
  }
  lastArrival = 0;
  lastRuntime = 0;

  private grow(): void {
    const n = this.arrival.length;
    const a = new Float64Array(n * 2);
    const r = new Float64Array(n * 2);
    for (let k = 0; k < this.size; k++) {
      a[k] = this.arrival[(this.head + k) & (n - 1)];
      r[k] = this.runtime[(this.head + k) & (n - 1)];
    }
    this.arrival = a;
    this.runtime = r;
    this.head = 0;
  }
}

export function runGf1(options: Gf1Options): Gf1Result {
  const nSites = options.sites ?? GF1_DEFAULTS.sites;
  const rate = options.arrivalRate ?? GF1_DEFAULTS.arrivalRate;
  const meanRuntime = options.meanRuntime ?? GF1_DEFAULTS.meanRuntime;
  const total = options.jobs;
  const streams = new RandomStreams(options.seed);
  const arrivals = streams.stream('gf1/arrivals');
  const runtimes = streams.stream('gf1/runtimes');
  const interArrival = exponential({ rate });
  const runtimeDist = exponential({ mean: meanRuntime });

  const sim = new Simulation();
  const slots = Int32Array.from({ length: nSites }, (_, i) => gf1Slots(i));
  const totalSlots = slots.reduce((a, b) => a + b, 0);
  const running = new Int32Array(nSites);
  const queues = Array.from({ length: nSites }, () => new JobRing());
  const waits = new LogHistogram();
  const busy = new TimeWeighted(0, 0);
  let busyNow = 0;
  let inSystem = 0;
  let peakRunning = 0;
  let peakInSystem = 0;
  let arrived = 0;
  let lastArrival = 0;
  let utilisation = 0;

  const start = (site: number, runtime: number): void => {
    running[site]++;
    busyNow++;
    if (busyNow > peakRunning) peakRunning = busyNow;
    busy.update(sim.now, busyNow);
    sim.schedule(runtime, complete, site);
  };

  const complete = (site: number): void => {
    running[site]--;
    busyNow--;
    inSystem--;
    const q = queues[site];
    if (q.size > 0) {
      q.shift();
      waits.add(sim.now - q.lastArrival);
      busyNow++;
      running[site]++;
      sim.schedule(q.lastRuntime, complete, site);
    } else {
      busy.update(sim.now, busyNow);
    }
  };

  const arrive = (): void => {
    const now = sim.now;
    const runtime = runtimeDist.sample(runtimes);
    // The simplified PanDA weight; strict '>' sends ties to the lowest index.
    let best = 0;
    let bestWeight = -1;
    for (let i = 0; i < nSites; i++) {
      const w = (running[i] + 1) / (queues[i].size + 10);
      if (w > bestWeight) {
        bestWeight = w;
        best = i;
      }
    }
    inSystem++;
    if (inSystem > peakInSystem) peakInSystem = inSystem;
    if (running[best] < slots[best]) {
      waits.add(0);
      start(best, runtime);
    } else {
      queues[best].push(now, runtime);
    }
    arrived++;
    if (arrived < total) {
      sim.schedule(interArrival.sample(arrivals), arrive);
    } else {
      lastArrival = now;
      utilisation = busy.mean(now) / totalSlots;
    }
  };

  if (total > 0) sim.schedule(interArrival.sample(arrivals), arrive);
  sim.run();

  return {
    jobs: total,
    events: sim.eventsProcessed,
    meanWait: waits.mean,
    p50Wait: waits.quantile(0.5),
    p99Wait: waits.quantile(0.99),
    utilisation,
    lastArrival,
    makespan: sim.now,
    peakRunning,
    peakInSystem,
    waits,
  };
}
