// Tagging of tasks and jobs with a leaf share by the regex columns of GLOBAL_SHARES (fairshare.md §1.9), and
// the long-lived leaf list that upstream's mutable-default quirk produces (§1.10).
//
// Upstream: entity_module.py `EntityModule.compare_share_task`, `compare_share_job`, `get_share_for_task`,
// `get_share_for_job`, `is_valid_share`; GlobalShares.py `Node.get_leaves`;
// pandajedi/jedirefine/RefinerUtils.py `get_initial_global_share`.

import type { GlobalShareRow, ShareTree } from './global-shares.ts';

/** Fallback tag when no leaf matches. */
export const UNDEFINED_SHARE = 'Undefined';
/** Event-service merge jobs always go here (`get_share_for_job`). */
export const EXPRESS_SHARE = 'Express';
/** `EventServiceUtils.esMergeJobFlagNumber`. */
export const ES_MERGE_JOB_FLAG = 2;

/**
 * Python `re.match`: anchored at the start, not at the end. Compiled with the sticky flag so the pattern
 * itself is not rewritten, after translating Python-only syntax (named groups, `\A`, `\Z`).
 */
export function compilePythonMatch(pattern: string): RegExp {
  const js = pattern
    .replace(/\(\?P</g, '(?<')
    .replace(/\(\?P=(\w+)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$');
  return new RegExp(js, 'y');
}

function pyMatch(re: RegExp, value: string): boolean {
  re.lastIndex = 0;
  return re.test(value);
}

/** A leaf row with its regexes compiled once. */
interface CompiledLeaf {
  readonly row: GlobalShareRow;
  readonly prodsourcelabel: RegExp | null;
  readonly workinggroup: RegExp | null;
  readonly campaign: RegExp | null;
  readonly processingtype: RegExp | null;
  readonly transpath: RegExp | null;
  readonly rtype: RegExp | null;
}

/** Oracle stores an empty string as NULL, so an empty column is no constraint. */
function compileColumn(value: string | null | undefined): RegExp | null {
  return value === null || value === undefined || value === '' ? null : compilePythonMatch(value);
}

function compileLeaf(row: GlobalShareRow): CompiledLeaf {
  return {
    row,
    prodsourcelabel: compileColumn(row.prodsourcelabel),
    workinggroup: compileColumn(row.workinggroup),
    campaign: compileColumn(row.campaign),
    processingtype: compileColumn(row.processingtype),
    transpath: compileColumn(row.transpath),
    rtype: compileColumn(row.rtype),
  };
}

/** Task attributes `compare_share_task` reads (JediTaskSpec names). */
export interface ShareTaggingTask {
  prodSourceLabel?: string | null;
  workingGroup?: string | null;
  campaign?: string | null;
  processingType?: string | null;
  transPath?: string | null;
  /** Comma-separated site list; the first one decides the `rtype` match. */
  site?: string | null;
  /** A share named in the task parameters; used when it is a valid leaf (`get_initial_global_share`). */
  gshare?: string | null;
}

/** Job attributes `compare_share_job` reads (JobSpec names). */
export interface ShareTaggingJob {
  prodSourceLabel?: string | null;
  workingGroup?: string | null;
  processingType?: string | null;
  computingSite?: string | null;
  eventService?: number | null;
  /** The task's gshare, which jobs normally inherit. */
  gshare?: string | null;
}

/** CRIC `resource_type` of a PanDA queue (`get_rtype_site`); undefined/null when unknown. */
export type SiteRtypeLookup = (site: string) => string | null | undefined;

export interface ShareRegistryOptions {
  /**
   * Faithful quirk of `Node.get_leaves(leaves=[])`: the default list is shared across calls, so each hourly
   * reload appends the new leaves after all earlier ones. Removed shares stay valid and, being first in the
   * list, the oldest definition of a regex still wins the match. Default false (a fresh list per reload).
   */
  accumulateLeaves?: boolean;
}

/**
 * The leaf list the server matches against and validates with (`self.leave_shares`). Build it from a tree;
 * pass the previous registry on a reload to reproduce the accumulation quirk.
 */
export class ShareRegistry {
  private readonly leaves: readonly CompiledLeaf[];
  private readonly names: ReadonlySet<string>;

  private constructor(leaves: readonly CompiledLeaf[]) {
    this.leaves = leaves;
    this.names = new Set(leaves.map((l) => l.row.name));
  }

  static fromTree(
    tree: ShareTree,
    previous?: ShareRegistry,
    options: ShareRegistryOptions = {},
  ): ShareRegistry {
    const fresh = Array.from(tree.leafNodes, (n) => compileLeaf(tree.rows[n] as GlobalShareRow));
    const carried = options.accumulateLeaves && previous ? previous.leaves : [];
    return new ShareRegistry([...carried, ...fresh]);
  }

  /** Leaf rows in matching order. */
  get leafRows(): GlobalShareRow[] {
    return this.leaves.map((l) => l.row);
  }

  /** `is_valid_share`. */
  isValidShare(name: string): boolean {
    return this.names.has(name);
  }

  /** `get_share_for_task`: first leaf (in list order) whose criteria all match, else `Undefined`. */
  shareForTask(task: ShareTaggingTask, siteRtype: SiteRtypeLookup = () => undefined): string {
    for (const leaf of this.leaves) if (taskMatchesLeaf(leaf, task, siteRtype)) return leaf.row.name;
    return UNDEFINED_SHARE;
  }

  /** `RefinerUtils.get_initial_global_share`: a requested valid leaf wins, else regex matching. */
  initialShareForTask(task: ShareTaggingTask, siteRtype?: SiteRtypeLookup): string {
    if (task.gshare && this.isValidShare(task.gshare)) return task.gshare;
    return this.shareForTask(task, siteRtype);
  }

  /** `get_share_for_job`: ES merge jobs → `Express`; otherwise the first matching leaf, else `Undefined`. */
  shareForJob(job: ShareTaggingJob, siteRtype: SiteRtypeLookup = () => undefined): string {
    if (job.eventService === ES_MERGE_JOB_FLAG) return EXPRESS_SHARE;
    for (const leaf of this.leaves) if (jobMatchesLeaf(leaf, job, siteRtype)) return leaf.row.name;
    return UNDEFINED_SHARE;
  }

  /** `JobComplexModule.insertNewJob`: a job keeps the gshare it carries; only an empty one is matched. */
  shareForNewJob(job: ShareTaggingJob, siteRtype?: SiteRtypeLookup): string {
    if (job.gshare) return job.gshare;
    return this.shareForJob(job, siteRtype);
  }
}

function firstSite(site: string): string {
  return site.split(',')[0];
}

/**
 * `compare_share_task`. A criterion is skipped when the task value is None; a null working group is matched
 * as a single space; the campaign is also skipped when empty; an unknown site rtype skips the rtype test.
 */
function taskMatchesLeaf(leaf: CompiledLeaf, task: ShareTaggingTask, siteRtype: SiteRtypeLookup): boolean {
  const { prodSourceLabel, campaign, processingType, transPath, site } = task;
  if (leaf.prodsourcelabel && prodSourceLabel !== null && prodSourceLabel !== undefined) {
    if (!pyMatch(leaf.prodsourcelabel, prodSourceLabel)) return false;
  }
  if (leaf.workinggroup && !pyMatch(leaf.workinggroup, task.workingGroup ?? ' ')) return false;
  if (leaf.campaign && campaign && !pyMatch(leaf.campaign, campaign)) return false;
  if (leaf.processingtype && processingType !== null && processingType !== undefined) {
    if (!pyMatch(leaf.processingtype, processingType)) return false;
  }
  if (leaf.transpath && transPath !== null && transPath !== undefined) {
    if (!pyMatch(leaf.transpath, transPath)) return false;
  }
  if (leaf.rtype && site !== null && site !== undefined) {
    const rtype = siteRtype(firstSite(site));
    if (rtype && !pyMatch(leaf.rtype, rtype)) return false;
  }
  return true;
}

/**
 * `compare_share_job`: like the task comparison without campaign/transpath and without None guards. A null
 * job value makes Python's `re.match` raise (uncaught for label/group/type); here it counts as "no match".
 * An unknown site rtype raises inside the guarded rtype block and so means "no match" there too.
 */
function jobMatchesLeaf(leaf: CompiledLeaf, job: ShareTaggingJob, siteRtype: SiteRtypeLookup): boolean {
  const test = (re: RegExp | null, value: string | null | undefined): boolean =>
    re === null || (value !== null && value !== undefined && pyMatch(re, value));
  if (!test(leaf.prodsourcelabel, job.prodSourceLabel)) return false;
  if (!test(leaf.workinggroup, job.workingGroup)) return false;
  if (!test(leaf.processingtype, job.processingType)) return false;
  if (leaf.rtype && job.computingSite !== null && job.computingSite !== undefined) {
    if (!test(leaf.rtype, siteRtype(firstSite(job.computingSite)))) return false;
  }
  return true;
}
