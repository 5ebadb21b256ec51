/**
 * The grid-site parameters `pandasim calibrate` can fit, read from and written into a scenario:
 *
 *   queueWait.median   the median of the site's lognormal pilot queue wait, s
 *   queueWait.sigma    its log-scale spread
 *   hs06PerCore        the site's speed (PanDA corepower): W HS06·s of work take W / (cores × hs06PerCore) s
 *
 * Every one is positive, so the search runs on their logarithms: a step is a factor, the same for a wait of
 * minutes as of hours, and no candidate leaves the domain.
 */
import { lognormal, parseDistribution, type Distribution } from '../../sim/distributions.ts';
import type { GridSiteSpec, Scenario } from '../scenario.ts';

/** A request that cannot be calibrated as given (unknown site or parameter, records that do not fit). */
export class CalibrationInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalibrationInputError';
  }
}

export const FIT_PARAMETERS = ['queueWait.median', 'queueWait.sigma', 'hs06PerCore'] as const;
export type FitParameter = (typeof FIT_PARAMETERS)[number];

/** A parameter list as the command line gives it (`queueWait.median,hs06PerCore`); throws a message. */
export function parseFitList(text: string): FitParameter[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0)
    throw new CalibrationInputError(`expected a comma-separated list of ${FIT_PARAMETERS.join(', ')}`);
  const seen = new Set<string>();
  for (const name of names) {
    if (!(FIT_PARAMETERS as readonly string[]).includes(name))
      throw new CalibrationInputError(
        `unknown parameter '${name}'; expected some of ${FIT_PARAMETERS.join(', ')}`,
      );
    if (seen.has(name)) throw new CalibrationInputError(`'${name}' is listed twice`);
    seen.add(name);
  }
  return names as FitParameter[];
}

/** A lognormal's median (s) and sigma, from its text form; undefined for any other distribution. */
export function lognormalParams(d: Distribution): { median: number; sigma: number } | undefined {
  const m = /^lognormal\((median|mean)=([^,]+), (sigma|cv)=([^)]+)\)$/.exec(d.toString());
  if (m === null) return undefined;
  // Read back through the syntax, which turns a (mean, cv) form into its median and sigma the same way.
  const first = parseDistribution(`constant(${m[2]})`, 'duration').mean;
  const second = Number(m[4]);
  if (m[1] === 'median') return { median: first, sigma: second };
  const spread = 1 + second * second;
  return { median: first / Math.sqrt(spread), sigma: Math.sqrt(Math.log(spread)) };
}

/** The grid site `name` of a scenario; throws a message naming the sites there are. */
export function gridSite(scenario: Scenario, name: string): GridSiteSpec {
  const site = scenario.platform.gridSites.find((s) => s.name === name);
  if (site === undefined) {
    const names = scenario.platform.gridSites.map((s) => s.name).join(', ') || 'none';
    throw new CalibrationInputError(
      `no grid site '${name}' in scenario ${scenario.name} (grid sites: ${names})`,
    );
  }
  return site;
}

/** The current values of `fit` at `site`; throws when the queue wait is not lognormal but its parameters are asked for. */
export function readParameters(site: GridSiteSpec, fit: readonly FitParameter[]): number[] {
  const wait = lognormalParams(site.queueWait);
  return fit.map((p) => {
    if (p === 'hs06PerCore') return site.hs06PerCore;
    if (wait === undefined)
      throw new CalibrationInputError(
        `site ${site.name}: ${p} needs a lognormal queueWait, the site has ${site.queueWait.toString()}`,
      );
    return p === 'queueWait.median' ? wait.median : wait.sigma;
  });
}

/** A value to the precision a catalog writes: the median to the second, sigma to 0.001, hs06PerCore to 0.01. */
export function roundParameter(parameter: FitParameter, value: number): number {
  if (parameter === 'queueWait.median') return Math.max(1, Math.round(value));
  const scale = parameter === 'queueWait.sigma' ? 1000 : 100;
  return Math.max(1 / scale, Math.round(value * scale) / scale);
}

/** The site with `values` of `fit` put in (the median to whole seconds, as the distribution's text keeps it). */
export function withParameters(
  site: GridSiteSpec,
  fit: readonly FitParameter[],
  values: readonly number[],
): GridSiteSpec {
  const value = (p: FitParameter) => values[fit.indexOf(p)];
  let queueWait = site.queueWait;
  if (fit.includes('queueWait.median') || fit.includes('queueWait.sigma')) {
    const current = lognormalParams(site.queueWait);
    if (current === undefined)
      throw new CalibrationInputError(`site ${site.name}: queueWait is not lognormal`);
    queueWait = lognormal(
      {
        median: fit.includes('queueWait.median')
          ? Math.max(1, Math.round(value('queueWait.median')))
          : current.median,
        sigma: fit.includes('queueWait.sigma') ? value('queueWait.sigma') : current.sigma,
      },
      'duration',
    );
  }
  return {
    ...site,
    queueWait,
    hs06PerCore: fit.includes('hs06PerCore') ? value('hs06PerCore') : site.hs06PerCore,
  };
}

/** The scenario with its grid site `site` replaced. */
export function withSite(scenario: Scenario, site: GridSiteSpec): Scenario {
  const gridSites = scenario.platform.gridSites.map((s) => (s.name === site.name ? site : s));
  return { ...scenario, platform: { ...scenario.platform, gridSites } };
}
