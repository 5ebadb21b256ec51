// The pieces of `pandasim calibrate` that need no simulation: the minimiser, the parameters, the score.
import { describe, expect, it } from 'vitest';
import { constant, lognormal } from '../../sim/distributions.ts';
import { nelderMead } from '../../scenarios/calibrate/nelder-mead.ts';
import {
  lognormalParams,
  parseFitList,
  readParameters,
  roundParameter,
  withParameters,
} from '../../scenarios/calibrate/parameters.ts';
import { observables, score } from '../../scenarios/calibrate/calibrate.ts';
import type { GridSiteSpec } from '../../scenarios/scenario.ts';
import type { JobRecord } from '../../models/workload/job-records.ts';

describe('Nelder–Mead', () => {
  it('finds the minimum of Rosenbrock’s valley', () => {
    const rosenbrock = ([x, y]: readonly number[]) => (1 - x) ** 2 + 100 * (y - x * x) ** 2;
    const r = nelderMead(rosenbrock, [-1.2, 1], { step: 0.5, maxEvaluations: 2000, tolerance: 1e-6 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 3);
    expect(r.x[1]).toBeCloseTo(1, 3);
  });

  it('stops at its budget of evaluations and returns the best point seen', () => {
    let calls = 0;
    const r = nelderMead(
      ([x]) => {
        calls++;
        return (x - 3) ** 2;
      },
      [0],
      { step: 1, maxEvaluations: 5 },
    );
    expect(calls).toBe(5);
    expect(r.evaluations).toBe(5);
    expect(r.converged).toBe(false);
    expect(r.value).toBe((r.x[0] - 3) ** 2);
  });
});

const site = {
  name: 'SITE-A',
  hs06PerCore: 10,
  queueWait: lognormal({ median: 900, sigma: 1.2 }, 'duration'),
};

describe('fit parameters', () => {
  it('reads a list, refusing unknown and repeated names', () => {
    expect(parseFitList('queueWait.median, hs06PerCore')).toEqual(['queueWait.median', 'hs06PerCore']);
    expect(() => parseFitList('speed')).toThrow(/unknown parameter 'speed'/);
    expect(() => parseFitList('hs06PerCore,hs06PerCore')).toThrow(/listed twice/);
  });

  it('reads a lognormal in either form, and puts values back into a site', () => {
    expect(lognormalParams(site.queueWait)).toEqual({ median: 900, sigma: 1.2 });
    const byMean = lognormalParams(lognormal({ mean: 3600, cv: 1 }, 'duration'));
    expect(byMean?.median).toBeCloseTo(3600 / Math.SQRT2, 9);
    expect(byMean?.sigma).toBeCloseTo(Math.sqrt(Math.LN2), 12);
    const spec = site as unknown as GridSiteSpec;
    expect(readParameters(spec, ['hs06PerCore', 'queueWait.sigma'])).toEqual([10, 1.2]);
    const fitted = withParameters(spec, ['queueWait.median', 'hs06PerCore'], [2400.4, 14]);
    expect(fitted.queueWait.toString()).toBe('lognormal(median=40min, sigma=1.2)');
    expect(fitted.hs06PerCore).toBe(14);
    expect(roundParameter('queueWait.sigma', 0.80049)).toBe(0.8);
    expect(roundParameter('hs06PerCore', 13.996)).toBe(14);
  });

  it('refuses the queue-wait parameters of a site whose wait is not lognormal', () => {
    const spec = { ...site, queueWait: constant(1800, 'duration') } as unknown as GridSiteSpec;
    expect(() => readParameters(spec, ['queueWait.median'])).toThrow(
      /site SITE-A: queueWait.median needs a lognormal queueWait, the site has constant\(30min\)/,
    );
  });
});

describe('the score of a fit', () => {
  const job = (pandaid: number, wait: number, run: number, jobstatus = 'finished'): JobRecord => ({
    pandaid,
    jeditaskid: 1,
    attemptnr: 1,
    creationtime: 0,
    starttime: wait,
    endtime: wait + run,
    computingsite: 'SITE-A',
    jobstatus,
    corecount: 8,
    actualcorecount: 8,
    hs06sec: null,
    maxwalltime: null,
    gshare: null,
    prodsourcelabel: null,
    inputfilebytes: 0,
    outputfilebytes: 0,
  });

  it('compares the finished jobs’ waits and run times, each term a fraction', () => {
    const real = observables([job(1, 60, 600), job(2, 120, 1200), job(3, 5, 5, 'failed')]);
    expect([...real.wait]).toEqual([60, 120]);
    const sim = observables([job(1, 120, 600), job(2, 180, 1200)]);
    const s = score(real, sim, 'wasserstein', 0);
    // Every wait 60 s later: W1 = 60 s over a mean real wait of 90 s; the run times agree.
    expect(s.wasserstein).toEqual({ wait: 60, run: 0 });
    expect(s.distance).toBeCloseTo(60 / 90, 12);
    expect(score(real, sim, 'ks', 0.25).distance).toBeCloseTo(0.5 + 0.25, 12);
  });
});
