/**
 * The parameters of one WLCG grid site, with defaults. Tags as in shared/design/domain/providers.md: [S] read
 * in the cited source, [S*] arithmetic on [S] numbers, [E] an estimate; "§" refers to providers.md.
 */
import { constant, exponential, lognormal, uniform, type Distribution } from '../../sim/distributions.ts';
import { HTCONDOR, type BatchSystem } from './batch-systems.ts';
import type { DowntimeWindow, RandomDowntime } from './downtime.ts';

/** What happens to running workers when the site goes offline. */
export type DowntimeMode =
  /** They fail with cause 'site-downtime' (an unannounced outage takes the worker nodes with it). */
  | 'lost'
  /** They go on until they end (the batch system is drained: nothing new starts). */
  | 'drain';

export interface GridSiteParams {
  /** Site name: names its random streams (`site/<name>/...`), so it must be unique in a run. */
  readonly name: string;
  /** The storage endpoint (Rucio RSE) the site's jobs read from and write to. */
  readonly storageEndpoint: string;
  readonly batchSystem: BatchSystem;
  /** Batch slots; a worker holds one whole slot. */
  readonly slots: number;
  readonly coresPerSlot: number;
  readonly memoryPerCoreMB: number;
  /** HS06 per core (PanDA's corepower): a payload's CPU part takes cpuWork / (cores · hs06PerCore). */
  readonly hs06PerCore: number;
  /**
   * The pilot's wait in the batch queue (fair share with the site's other users), s. The pilot starts once
   * its wait has passed and a slot is free, the earliest ready first.
   */
  readonly queueWait: Distribution;
  /** From getting the slot to asking for a payload (pilot set-up, environment checks), s. */
  readonly pilotStartup: Distribution;
  /** Added to every payload: input stage-in before it, output stage-out after it, s. */
  readonly stageIn: Distribution;
  readonly stageOut: Distribution;
  /** The longest walltime a worker gets; longer requests are cut to it, s. */
  readonly maxWalltime: number;
  /** Probability that a payload attempt fails by itself ('payload-error'), at a uniform point of its run. */
  readonly payloadFailureProbability: number;
  /** Probability that a started worker dies ('node-failure'), at a uniform point of its walltime. */
  readonly workerLossProbability: number;
  readonly scheduledDowntimes: readonly DowntimeWindow[];
  /** Unannounced outages; undefined for none. */
  readonly randomDowntime: RandomDowntime | undefined;
  readonly downtimeMode: DowntimeMode;
}

export const GRID_SITE_DEFAULTS: Omit<GridSiteParams, 'name' | 'storageEndpoint'> = {
  // [E] most WLCG sites run HTCondor behind HTCondor-CE or ARC-CE; Slurm and PBS are the others [S] §5.1.
  batchSystem: HTCONDOR,
  // [E] 2,000 cores, the median site of §6 ("cores per site: lognormal median 2,000"), in 8-core slots.
  slots: 250,
  // [S/E] the ATLAS multi-core slot, §6.
  coresPerSlot: 8,
  // [E] §6: 2 GB per core.
  memoryPerCoreMB: 2000,
  // [E] §4 step 3: ~10–12 HS06 per core for the 2015-era reference CPU.
  hs06PerCore: 10,
  // [E] §5.1 / §6: lognormal, median 15 min, sigma 1.2.
  queueWait: lognormal({ median: 900, sigma: 1.2 }, 'duration'),
  // [E] §5.1 "setup + stage-in 1–5 min" and §6 "pilot setup + stage-in 120 s": half to set-up ...
  pilotStartup: constant(60, 'duration'),
  // ... [E] and half to each payload's stage-in.
  stageIn: constant(60, 'duration'),
  // [E] §5.1: stage-out 1–3 min per job.
  stageOut: uniform({ min: 60, max: 180 }, 'duration'),
  // [E] §6: 48 h (typical queue limits 48–96 h, §5.1).
  maxWalltime: 172_800,
  // [E] §6: 0.08 (0.05–0.15); 2011 analysis jobs failed at 14% [S] (Panitkin et al., CHEP 2012).
  payloadFailureProbability: 0.08,
  // [E] §6: worker lost after start, 0.01 on the grid.
  workerLossProbability: 0.01,
  scheduledDowntimes: [],
  // [E] one unannounced outage a month lasting hours (median 4 h): ~1% of the time offline, inside the
  // WLCG Tier-2 availability target of 95% [R].
  randomDowntime: {
    between: exponential({ mean: 30 * 86_400 }, 'duration'),
    duration: lognormal({ median: 4 * 3600, sigma: 1 }, 'duration'),
  },
  // [E] an unannounced outage loses the running jobs.
  downtimeMode: 'lost',
};

function check(ok: boolean, site: string, field: string, expected: string, got: unknown): void {
  if (!ok) throw new RangeError(`grid site ${site}: ${field} must be ${expected}, got ${String(got)}`);
}

/** The defaults with `overrides` applied, checked; errors name the site and the field. */
export function gridSiteParams(
  overrides: Partial<GridSiteParams> & { readonly name: string },
): GridSiteParams {
  const params: GridSiteParams = {
    ...GRID_SITE_DEFAULTS,
    storageEndpoint: `${overrides.name}_DATADISK`,
    ...overrides,
  };
  const site = params.name;
  const positiveInteger = (field: 'slots' | 'coresPerSlot') =>
    check(Number.isInteger(params[field]) && params[field] > 0, site, field, 'an integer > 0', params[field]);
  positiveInteger('slots');
  positiveInteger('coresPerSlot');
  for (const field of ['memoryPerCoreMB', 'hs06PerCore', 'maxWalltime'] as const) {
    check(params[field] > 0, site, field, 'a number > 0', params[field]);
  }
  for (const field of ['payloadFailureProbability', 'workerLossProbability'] as const) {
    check(params[field] >= 0 && params[field] <= 1, site, field, 'a probability in [0, 1]', params[field]);
  }
  check(site !== '', site, 'name', 'non-empty', '""');
  return params;
}
