/**
 * Parameters of a volunteer-computing project (BOINC, as ATLAS@Home runs on it), with defaults and sources.
 * Tags as in shared/design/domain/providers.md: [S] read in the source, [R] recalled, [E] estimate.
 */
import { empirical, lognormal, weibull, type Distribution } from '../../sim/distributions.ts';

/** One host given explicitly instead of drawn. */
export interface HostSpec {
  cores: number;
  /** HS06 per core. */
  corepower: number;
}

export interface VolunteerParams {
  /** The project's name, prefix of its random streams. */
  name: string;
  /** How many hosts are attached (attributes drawn), or the hosts themselves. */
  hosts: number | readonly HostSpec[];
  /** Cores a host gives the project (rounded to a whole number >= 1). */
  hostCores: Distribution;
  /** HS06 per core of a host. */
  hostCorepower: Distribution;
  /** How long a host stays available (on, computing), then unavailable. */
  onPeriod: Distribution;
  offPeriod: Distribution;
  /** Results created for a new work unit (BOINC `target_nresults`). */
  replication: number;
  /** Agreeing valid results needed (BOINC `min_quorum`). */
  quorum: number;
  /** Probability that a returned result is invalid (crash, or output that disagrees). */
  resultErrorRate: number;
  /** Seconds from sending a result to giving up on it and sending another (BOINC `delay_bound`). */
  deadline: number;
  /** More invalid results than this fail the work unit (BOINC `max_error_results`). */
  maxErrorResults: number;
  /** More results than this fail the work unit (BOINC `max_total_results`). */
  maxTotalResults: number;
}

export type VolunteerOptions = Pick<VolunteerParams, 'name'> & Partial<VolunteerParams>;

export const VOLUNTEER_DEFAULTS = {
  // [E] a mid-sized project's active hosts.
  hosts: 1000,
  // [E] volunteers' desktops and laptops of the 2020s; most let the project use all their cores.
  hostCores: empirical([2, 4, 4, 4, 8, 8, 8, 16]),
  // [E] consumer cores of mixed age around 10 HS06 each, spread ±35% (one sigma).
  hostCorepower: lognormal({ median: 10, sigma: 0.3 }),
  // Availability intervals of volunteer hosts are heavy-tailed; Weibull and log-normal fit the SETI@home traces
  // [R] (Javadi, Kondo, Vincent, Anderson, "Discovering statistical models of availability in large distributed
  // systems: an empirical study of SETI@home", MASCOTS 2009). Values [E]: on ~12 h mean, off ~18.5 h mean, so
  // a host is available ~39% of the time.
  onPeriod: weibull({ shape: 0.6, scale: 8 * 3600 }, 'duration'),
  offPeriod: lognormal({ median: 6 * 3600, sigma: 1.5 }, 'duration'),
  // [S] BOINC/boinc tools/create_work.cpp defaults: min_quorum 2, target_nresults 2, max_error_results 3,
  // max_total_results 10, delay_bound 7 days. (ATLAS@Home itself sends one copy and checks outputs instead [R].)
  replication: 2,
  quorum: 2,
  // [E] a few percent of results crash or are rejected.
  resultErrorRate: 0.05,
  deadline: 7 * 86400,
  maxErrorResults: 3,
  maxTotalResults: 10,
} satisfies Omit<VolunteerParams, 'name'>;

/** Fills in defaults and checks; errors name the project and the field. */
export function volunteerParams(options: VolunteerOptions): VolunteerParams {
  const params: VolunteerParams = { ...VOLUNTEER_DEFAULTS, ...options };
  const problems: string[] = [];
  const need = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  const whole = (x: number, min: number) => Number.isInteger(x) && x >= min;
  if (typeof params.hosts === 'number') need(whole(params.hosts, 1), 'hosts must be a whole number >= 1');
  else {
    need(params.hosts.length > 0, 'hosts: at least one host is needed');
    params.hosts.forEach((host, i) =>
      need(
        whole(host.cores, 1) && host.corepower > 0,
        `hosts[${i}]: cores a whole number >= 1, corepower > 0`,
      ),
    );
  }
  need(whole(params.quorum, 1), 'quorum must be a whole number >= 1');
  need(whole(params.replication, params.quorum), 'replication must be a whole number >= quorum');
  need(params.resultErrorRate >= 0 && params.resultErrorRate < 1, 'resultErrorRate must be in [0, 1)');
  need(params.deadline > 0, 'deadline must be > 0 s');
  need(whole(params.maxErrorResults, 0), 'maxErrorResults must be a whole number >= 0');
  need(
    whole(params.maxTotalResults, params.replication),
    'maxTotalResults must be a whole number >= replication',
  );
  need(params.onPeriod.mean > 0 && params.offPeriod.mean > 0, 'onPeriod and offPeriod must have means > 0');
  if (problems.length > 0) throw new RangeError(`volunteer project '${params.name}': ${problems.join('; ')}`);
  return params;
}
