// The periodic user-priority "massage" of the analysis watchdog (fairshare.md §3.3): per-user caps on running
// jobs/cores and the priority boost of users below the average recent usage. The only automatic ageing of
// user job priorities.
//
// Upstream: pandajedi/jedidog/AtlasAnalWatchDog.py `AtlasAnalWatchDog.doForPriorityMassage`;
// task_standalone_module.py `TaskStandaloneModule.getUsageBreakdown_JEDI`; job_standalone_module.py
// `throttleUserJobs`.

import { pyFloorDiv, pyInt } from './py-numeric.ts';

/** The job-table columns both the usage breakdown and the boost select on. */
export interface UserJobColumns {
  prodUserName: string;
  workingGroup?: string | null;
  computingSite: string;
  jobStatus: string;
  prodSourceLabel: string;
  processingType?: string | null;
}

/** A job row as `getUsageBreakdown_JEDI` reads it from jobsActive4 / jobsArchived4. */
export interface UsageBreakdownJob extends UserJobColumns {
  coreCount?: number | null;
  /** Seconds (any epoch shared with `nowS`). */
  modificationTime: number;
  table: 'active' | 'archived';
}

/** One (user, working group, site) cell of the usage breakdown. */
export interface UsageBreakdownEntry {
  prodUserName: string;
  workingGroup: string | null;
  computingSite: string;
  /** Every status except activated, cancelled, holding. */
  rundone: number;
  activated: number;
  /** running + starting + sent. */
  running: number;
  /** Σ cores of the running jobs. */
  runcores: number;
}

export interface UsageBreakdownOptions {
  /** Look-back of the rows, seconds (60 min upstream). */
  windowS?: number;
  /**
   * Faithful quirk: the unrestricted branch for jobsActive4 compares the table name with a schema-qualified
   * string that never matches, so active jobs are also restricted to the last 60 min. Default true; false
   * counts every active job as intended.
   */
  windowActiveTable?: boolean;
}

function pairKey(user: string, wg: string | null): string {
  return `${user}\u0000${wg === null ? '\u0001' : wg}`;
}

/** `getUsageBreakdown_JEDI` for label `user`, excluding pmerge jobs. Entries keep first-seen order. */
export function usageBreakdown(
  jobs: Iterable<UsageBreakdownJob>,
  nowS: number,
  options: UsageBreakdownOptions = {},
): UsageBreakdownEntry[] {
  const windowS = options.windowS ?? 3600;
  const windowActive = options.windowActiveTable ?? true;
  // Cells in order of first appearance, found by user, then working group, then site (no key strings built
  // per job: the simulator feeds every live user job every few minutes).
  const out: UsageBreakdownEntry[] = [];
  const byUser = new Map<string, Map<string | null, Map<string, UsageBreakdownEntry>>>();
  for (const job of jobs) {
    if (job.prodSourceLabel !== 'user' || job.processingType === 'pmerge') continue;
    const windowed = job.table === 'archived' || windowActive;
    if (windowed && !(job.modificationTime > nowS - windowS)) continue;
    const wg = job.workingGroup ?? null;
    let byGroup = byUser.get(job.prodUserName);
    if (byGroup === undefined) byUser.set(job.prodUserName, (byGroup = new Map()));
    let bySite = byGroup.get(wg);
    if (bySite === undefined) byGroup.set(wg, (bySite = new Map()));
    let cell = bySite.get(job.computingSite);
    if (cell === undefined) {
      cell = {
        prodUserName: job.prodUserName,
        workingGroup: wg,
        computingSite: job.computingSite,
        rundone: 0,
        activated: 0,
        running: 0,
        runcores: 0,
      };
      bySite.set(job.computingSite, cell);
      out.push(cell);
    }
    if (job.jobStatus === 'activated') {
      cell.activated++;
    } else if (job.jobStatus !== 'cancelled' && job.jobStatus !== 'holding') {
      if (job.jobStatus === 'running' || job.jobStatus === 'starting' || job.jobStatus === 'sent') {
        cell.running++;
        cell.runcores += job.coreCount ?? 1;
      }
      cell.rundone++;
    }
  }
  return out;
}

/** An activated job the boost may touch (jobsActive4 columns). */
export interface MassageJob extends UserJobColumns {
  PandaID: number;
  currentPriority: number;
}

export interface PriorityMassageOptions {
  /** prio_mgr `CAP_RUNNING_USER_JOBS` etc.; default 10000 each. */
  capRunningUserJobs?: number | null;
  capRunningGroupJobs?: number | null;
  capRunningUserCores?: number | null;
  capRunningGroupCores?: number | null;
  /** Pairs currently throttled (`getThrottledUsers`), as `{prodUserName, workingGroup}`. */
  throttledUsers?: readonly { prodUserName: string; workingGroup: string | null }[];
  /** `checkQuota` result; 0.0 in the current code, so the quota factor is 1. */
  quota?: number;
  /** `py3` (current): skip a site only when its share is 0 jobs; `py2`: skip below 5 jobs. */
  rounding?: 'py3' | 'py2';
}

export const MASSAGE_CONSTANTS = {
  defaultCap: 10000,
  releaseFraction: 0.9,
  nJobsPerPrioUnit: 5,
  highestPrio: 1000,
  defaultSiteWeight: 100,
  /** `throttleUserJobs` only touches activated jobs with maxCpuCount above 6 h. */
  throttleMinMaxCpuCountS: 6 * 60 * 60,
  /** The watchdog takes a 6-minute process lock, so the massage runs at most that often (code). */
  lockMinutes: 6,
  /** Period the docs state ("every 20 minutes"; fairshare.md §9 item 3), for a documented-mode schedule. */
  documentedPeriodMinutes: 20,
} as const;

export interface CapAction {
  prodUserName: string;
  workingGroup: string | null;
  action: 'throttle' | 'release';
  running: number;
  runcores: number;
  maxRun: number;
  maxCore: number;
}

export interface PriorityBoost {
  prodUserName: string;
  workingGroup: string | null;
  computingSite: string;
  /** Upper bound of rows updated (`rownum <= n`). */
  nJobs: number;
  maxPrio: number;
  minPrio: number;
  delta: number;
  /** Rows chosen (PandaID ascending; the SQL leaves the choice to the DB). */
  pandaIDs: number[];
}

export interface PriorityMassageResult {
  capActions: CapAction[];
  boosts: PriorityBoost[];
  globalAverageRunDone: number | null;
}

/**
 * `doForPriorityMassage`: caps on running jobs/cores per (user, working group) and the priority boost for pairs
 * whose recent run/done count is under the average, site by site. Returns the actions; applying them (status
 * `throttled`, `currentPriority += delta`) is the caller's job.
 */
export function priorityMassage(
  breakdown: readonly UsageBreakdownEntry[],
  activatedJobs: readonly MassageJob[],
  options: PriorityMassageOptions = {},
): PriorityMassageResult {
  const M = MASSAGE_CONSTANTS;
  interface Pair {
    user: string;
    wg: string | null;
    cells: UsageBreakdownEntry[];
  }
  const pairs = new Map<string, Pair>();
  const siteUsers = new Map<string, number>();
  const siteRunDone = new Map<string, number>();
  let totalRunDone = 0;
  for (const cell of breakdown) {
    const key = pairKey(cell.prodUserName, cell.workingGroup);
    let pair = pairs.get(key);
    if (pair === undefined) {
      pair = { user: cell.prodUserName, wg: cell.workingGroup, cells: [] };
      pairs.set(key, pair);
    }
    pair.cells.push(cell);
    totalRunDone += cell.rundone;
    siteUsers.set(cell.computingSite, (siteUsers.get(cell.computingSite) ?? 0) + 1);
    siteRunDone.set(cell.computingSite, (siteRunDone.get(cell.computingSite) ?? 0) + cell.rundone);
  }
  const totalUsers = pairs.size;
  if (totalUsers === 0) return { capActions: [], boosts: [], globalAverageRunDone: null };

  const throttled = new Set(
    (options.throttledUsers ?? []).map((u) => pairKey(u.prodUserName, u.workingGroup)),
  );
  const capActions: CapAction[] = [];
  for (const [key, pair] of pairs) {
    const running = pair.cells.reduce((s, c) => s + c.running, 0);
    const runcores = pair.cells.reduce((s, c) => s + c.runcores, 0);
    const maxRun =
      (pair.wg === null ? options.capRunningUserJobs : options.capRunningGroupJobs) ?? M.defaultCap;
    const maxCore =
      (pair.wg === null ? options.capRunningUserCores : options.capRunningGroupCores) ?? M.defaultCap;
    const base = { prodUserName: pair.user, workingGroup: pair.wg, running, runcores, maxRun, maxCore };
    if (running >= maxRun || runcores >= maxCore) {
      capActions.push({ ...base, action: 'throttle' });
    } else if (
      running < maxRun * M.releaseFraction &&
      runcores < maxCore * M.releaseFraction &&
      throttled.has(key)
    ) {
      capActions.push({ ...base, action: 'release' });
    }
  }

  const globalAverageRunDone = totalRunDone / totalUsers;
  const siteAverage = new Map<string, number>();
  for (const [site, n] of siteRunDone) siteAverage.set(site, n / (siteUsers.get(site) as number));
  const quotaFactor = 1.0 + (options.quota ?? 0);
  const py2 = options.rounding === 'py2';
  // The activated user jobs of each (user, working group, site), gathered once: the upstream SQL selects them
  // per pair and site, which here would be a scan of every activated job per boost.
  const activatedBy = new Map<string, MassageJob[]>();
  for (const j of activatedJobs) {
    if (j.jobStatus !== 'activated' || j.prodSourceLabel !== 'user') continue;
    const k = `${pairKey(j.prodUserName, j.workingGroup ?? null)}\u0000${j.computingSite}`;
    let list = activatedBy.get(k);
    if (list === undefined) activatedBy.set(k, (list = []));
    list.push(j);
  }
  const boosts: PriorityBoost[] = [];
  for (const pair of pairs.values()) {
    const userTotal = pair.cells.reduce((s, c) => s + c.rundone, 0);
    if (userTotal >= globalAverageRunDone) continue;
    const sites = pair.cells
      .filter((c) => c.rundone < (siteAverage.get(c.computingSite) as number) && c.activated !== 0)
      .map((c) => c.computingSite);
    if (sites.length === 0) continue;
    const totalW = M.defaultSiteWeight * sites.length;
    const numBoosted = globalAverageRunDone - userTotal;
    for (const site of sites) {
      const weight = M.defaultSiteWeight / totalW;
      const nSite = pyInt((numBoosted * weight) / quotaFactor);
      const perUnit = py2 ? pyFloorDiv(nSite, M.nJobsPerPrioUnit) : nSite / M.nJobsPerPrioUnit;
      if (perUnit === 0) continue;
      const own = activatedBy.get(`${pairKey(pair.user, pair.wg)}\u0000${site}`) ?? [];
      let maxPrio: number | null = null;
      for (const j of own) {
        if (j.processingType === 'pmerge') continue;
        if (maxPrio === null || j.currentPriority > maxPrio) maxPrio = j.currentPriority;
      }
      if (maxPrio === null) continue;
      const delta = M.highestPrio - maxPrio;
      if (delta <= 0) continue;
      const minPrio = maxPrio - perUnit;
      const pandaIDs = own
        .filter((j) => j.currentPriority > minPrio && j.currentPriority <= (maxPrio as number))
        .map((j) => j.PandaID)
        .sort((a, b) => a - b)
        .slice(0, nSite);
      boosts.push({
        prodUserName: pair.user,
        workingGroup: pair.wg,
        computingSite: site,
        nJobs: nSite,
        maxPrio,
        minPrio,
        delta,
        pandaIDs,
      });
    }
  }
  return { capActions, boosts, globalAverageRunDone };
}

/** Jobs `throttleUserJobs` moves to `throttled` for a capped user: activated with maxCpuCount above 6 h. */
export function isCapThrottleCandidate(job: { jobStatus: string; maxCpuCount?: number | null }): boolean {
  return job.jobStatus === 'activated' && (job.maxCpuCount ?? 0) > MASSAGE_CONSTANTS.throttleMinMaxCpuCountS;
}
