// Unified queues → pseudo queues, as `SiteMapper.__init__` builds them (pandaserver/brokerage/SiteMapper.py,
// `get_child_site_spec`): every PQ with capability `ucore` gets one child `"<PQ>/<resource type>"` per resource
// type it can host, with core count and RSS limits clipped to the resource type (brokerage.md §5.2). The parent is
// flagged `is_unified` and is dropped by the status filter; the children carry `unified_name = parent`.

import type { ResourceTypeSpec, SiteSpec } from '../snapshot/queue.ts';

/** The pseudo queue of `parent` for `rt`, or null when the PQ has too few cores for it. */
export function childSiteSpec(parent: SiteSpec, rt: ResourceTypeSpec): SiteSpec | null {
  const coreCount = Math.max(1, parent.coreCount);
  if (rt.mincore !== null && coreCount < rt.mincore) return null;
  const mincore = rt.mincore ?? 0;
  const childCores =
    rt.maxcore === null ? Math.max(coreCount, mincore) : Math.max(Math.min(coreCount, rt.maxcore), mincore);
  const scale = childCores / coreCount;
  const minrss =
    rt.minrampercore !== null
      ? Math.max(childCores * rt.minrampercore - childCores + 1, parent.minrss * scale)
      : Math.max(parent.minrss * scale, parent.minrss);
  const maxrss =
    rt.maxrampercore !== null
      ? Math.min(childCores * rt.maxrampercore, parent.maxrss * scale)
      : Math.min(parent.maxrss * scale, parent.maxrss);
  return {
    ...parent,
    sitename: `${parent.sitename}/${rt.resource_name}`,
    coreCount: childCores,
    minrss,
    maxrss,
    is_unified: false,
    unified_name: parent.sitename,
  };
}

/**
 * The catalog as JEDI's SiteMapper holds it: every PQ in input order, each unified parent (flagged `is_unified`)
 * immediately followed by its pseudo children in resource-type order.
 */
export function expandUnifiedQueues(
  queues: readonly SiteSpec[],
  resourceTypes: readonly ResourceTypeSpec[],
): SiteSpec[] {
  const out: SiteSpec[] = [];
  for (const q of queues) {
    if (q.capability !== 'ucore') {
      out.push(q);
      continue;
    }
    out.push({ ...q, is_unified: true });
    for (const rt of resourceTypes) {
      const child = childSiteSpec(q, rt);
      if (child) out.push(child);
    }
  }
  return out;
}

/** `SiteSpec.get_unified_name`. */
export function unifiedName(q: SiteSpec): string {
  return q.unified_name ?? q.sitename;
}

/** `SiteSpec.runs_production`: production type, `unified` type or catchall `grandly_unified`. */
export function runsProduction(q: SiteSpec): boolean {
  return q.type === 'production' || q.type === 'unified' || q.grandly_unified === true;
}

/** `SiteSpec.runs_analysis`. */
export function runsAnalysis(q: SiteSpec): boolean {
  return q.type === 'analysis' || q.type === 'unified' || q.grandly_unified === true;
}
