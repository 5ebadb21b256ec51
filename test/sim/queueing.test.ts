/**
 * The kernel against queueing theory: M/M/1 and M/M/c mean waits and waiting probabilities (Erlang C), M/D/1
 * mean wait (Pollaczek–Khinchine). Customers are generator processes queueing on a `Resource`, so this
 * validates the event queue, processes, the resource and the random streams together. Waiting times are
 * strongly autocorrelated, so the interval is from batch means; the theoretical value must lie inside the 99%
 * interval, and the interval must be narrow enough to mean something.
 */
import { describe, expect, it } from 'vitest';
import { constant, exponential, type Distribution } from '../../sim/distributions.ts';
import { Simulation } from '../../sim/engine.ts';
import { timeout } from '../../sim/process.ts';
import { RandomStreams } from '../../sim/random.ts';
import { Resource } from '../../sim/resources.ts';
import { batchMeansInterval } from '../../sim/stats/confidence.ts';
import { startArrivals } from '../support/arrivals.ts';
import { erlangC, mg1MeanWait, mmcMeanWait } from '../support/queueing-theory.ts';

interface QueueRun {
  waits: Float64Array;
  waited: Float64Array;
}

function simulateQueue(
  servers: number,
  interArrival: Distribution,
  service: Distribution,
  customers: number,
  seed: number,
): QueueRun {
  const sim = new Simulation();
  const streams = new RandomStreams(seed);
  const arrivals = streams.stream('arrivals');
  const services = streams.stream('services');
  const desk = new Resource(sim, servers);
  const waits = new Float64Array(customers);
  const waited = new Float64Array(customers);

  function* customer(k: number) {
    const arrived = sim.now;
    const req = desk.request();
    yield req;
    waits[k] = sim.now - arrived;
    waited[k] = sim.now > arrived ? 1 : 0;
    yield timeout(sim, service.sample(services));
    desk.release(req);
  }
  startArrivals(sim, interArrival, arrivals, customers, customer);
  sim.run();
  return { waits, waited };
}

const WARMUP = 20_000;

function steadyState(values: Float64Array): Float64Array {
  return values.subarray(WARMUP);
}

describe('M/M/c against Erlang C', () => {
  const cases = [
    { c: 1, rho: 0.5, customers: 300_000, tightness: 0.1 },
    { c: 1, rho: 0.8, customers: 600_000, tightness: 0.1 },
    { c: 1, rho: 0.95, customers: 1_500_000, tightness: 0.1 },
    { c: 2, rho: 0.7, customers: 400_000, tightness: 0.1 },
    { c: 5, rho: 0.9, customers: 800_000, tightness: 0.1 },
    // Ten servers in heavy traffic: waits are rare but long and correlated over ~10^4 customers; 1.5M
    // customers give a 99% half-width of ~15% of the mean.
    { c: 10, rho: 0.95, customers: 1_500_000, tightness: 0.2 },
  ];
  for (const { c, rho, customers, tightness } of cases) {
    it(`c=${c}, utilisation ${rho}: mean wait and P(wait) inside the 99% batch-means interval`, () => {
      const mu = 1;
      const lambda = rho * c * mu;
      const run = simulateQueue(
        c,
        exponential({ rate: lambda }),
        exponential({ rate: mu }),
        customers,
        11 + c,
      );
      const wq = mmcMeanWait(c, lambda, mu);
      const pw = erlangC(c, lambda / mu);
      const waitCi = batchMeansInterval(steadyState(run.waits), 30, 0.99);
      const probCi = batchMeansInterval(steadyState(run.waited), 30, 0.99);
      expect(wq).toBeGreaterThanOrEqual(waitCi.lower);
      expect(wq).toBeLessThanOrEqual(waitCi.upper);
      expect(pw).toBeGreaterThanOrEqual(probCi.lower);
      expect(pw).toBeLessThanOrEqual(probCi.upper);
      // The check has teeth only if the interval is tight relative to the mean wait and to P(wait).
      expect(waitCi.halfWidth / wq).toBeLessThan(tightness);
      expect(probCi.halfWidth / pw).toBeLessThan(0.03);
    });
  }
});

describe('M/D/1 against Pollaczek–Khinchine', () => {
  for (const rho of [0.5, 0.9]) {
    it(`utilisation ${rho}: mean wait inside the 99% batch-means interval`, () => {
      const s = 1;
      const lambda = rho / s;
      const run = simulateQueue(1, exponential({ rate: lambda }), constant(s), 800_000, 5);
      const wq = mg1MeanWait(lambda, s, s * s);
      const ci = batchMeansInterval(steadyState(run.waits), 30, 0.99);
      expect(wq).toBeGreaterThanOrEqual(ci.lower);
      expect(wq).toBeLessThanOrEqual(ci.upper);
      expect(ci.halfWidth / wq).toBeLessThan(0.1);
    });
  }
});

describe('queueing formulas', () => {
  it('Erlang C and P-K give textbook values', () => {
    // M/M/1: P(wait) = ρ, Wq = ρ/(μ−λ).
    expect(erlangC(1, 0.8)).toBeCloseTo(0.8, 12);
    expect(mmcMeanWait(1, 0.8, 1)).toBeCloseTo(4, 12);
    // M/M/2 with a = 1.4: C = a²/(2−a)/(1 + a + a²/(2−a)) · ... = 0.5765 (Gross & Harris, 2-server table).
    expect(erlangC(2, 1.4)).toBeCloseTo(0.576470588, 8);
    // M/D/1: Wq = ρ/(2μ(1−ρ)) = 0.5 at ρ = 0.5.
    expect(mg1MeanWait(0.5, 1, 1)).toBeCloseTo(0.5, 12);
  });
});
