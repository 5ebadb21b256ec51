// Zero-share check on a PQ's `fairsharePolicy` — `AtlasBrokerUtils.hasZeroShare`
// (pandajedi/jedibrokerage/AtlasBrokerUtils.py), with the processing-type grouping of
// `ProcessGroups.getProcessGroup` (pandaserver/taskbuffer/ProcessGroups.py). brokerage.md §2.2 step 6.

import type { SiteSpec } from '../snapshot/queue.ts';
import type { TaskSpec } from '../snapshot/task.ts';

// `ProcessGroups.processGroups`; the first group ("others") is the default and its list is never searched.
const PROCESS_GROUPS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['others', []],
  ['evgen', ['evgen']],
  ['simul', ['simul']],
  ['reprocessing', ['reprocessing']],
  // JobUtils.list_ptest_prod_sources
  ['test', ['prod_test', 'validation', 'ptest', 'rc_test', 'rc_test2', 'rc_alrb']],
  ['mcore', ['mcore']],
  ['group', ['group']],
  ['deriv', ['deriv']],
  ['pile', ['pile']],
  ['merge', ['merge']],
];

/** `ProcessGroups.getProcessGroup`. */
export function getProcessGroup(processingType: string | undefined): string {
  for (let i = 1; i < PROCESS_GROUPS.length; i++) {
    if (processingType !== undefined && PROCESS_GROUPS[i][1].includes(processingType))
      return PROCESS_GROUPS[i][0];
  }
  return PROCESS_GROUPS[0][0];
}

// Policy values use `*` as a wildcard and are otherwise regular expressions matched against the whole string.
function fullMatch(pattern: string, value: string): boolean {
  return new RegExp(`^${pattern.replaceAll('*', '.*')}$`).test(value);
}

// `priority>400`-style conditions; PanDA `exec`s the text, so any Python comparison operator works.
function priorityHolds(priority: number, condition: string): boolean {
  const m = /^\s*(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(condition);
  if (!m) return false;
  const v = Number(m[2]);
  switch (m[1]) {
    case '>':
      return priority > v;
    case '>=':
      return priority >= v;
    case '<':
      return priority < v;
    case '<=':
      return priority <= v;
    case '==':
      return priority === v;
    default:
      return priority !== v;
  }
}

/**
 * True if the PQ's fair-share policy gives the task a zero share. Sub-policies are scanned left to right; the first
 * whose conditions all match decides (`0`/`0%` ⇒ zero share). The priority condition is ignored for merges.
 */
export function hasZeroShare(
  site: Pick<SiteSpec, 'fairsharePolicy'>,
  task: Pick<TaskSpec, 'processingType' | 'workingGroup' | 'gshare' | 'currentPriority'>,
  ignorePriority: boolean,
): boolean {
  const policyText = site.fairsharePolicy;
  if (!policyText) return false;
  const group = getProcessGroup(task.processingType);
  if (group === 'test') return false;
  for (const policy of policyText.split(',')) {
    const fields = policy.split(':');
    const share = fields[fields.length - 1];
    let type: string | undefined;
    let wg: string | undefined;
    let gshare: string | undefined;
    let priority: string | undefined;
    for (const f of fields) {
      if (f.startsWith('type=')) type = f.split('=').pop();
      else if (f.startsWith('group=')) wg = f.split('=').pop();
      else if (f.startsWith('gshare=')) gshare = f.split('=').pop();
      else if (f.startsWith('priority')) priority = f.slice('priority'.length);
    }
    if (type !== undefined && type !== 'any' && !fullMatch(type, group)) continue;
    if (wg !== undefined && wg !== 'any' && !fullMatch(wg, task.workingGroup ?? '')) continue;
    if (gshare !== undefined && gshare !== 'any' && !fullMatch(gshare, task.gshare)) continue;
    if (priority !== undefined && !ignorePriority && !priorityHolds(task.currentPriority, priority)) continue;
    return share === '0' || share === '0%';
  }
  return false;
}
