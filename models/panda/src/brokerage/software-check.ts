// Software / hardware check of the production job brokerage (brokerage.md §2.2 step 10): the release and
// platform selection in `AtlasProdJobBroker.doBrokerage` around `AtlasBrokerUtils.JsonSoftwareCheck.check` and
// `resolve_cmt_config` (pandajedi/jedibrokerage/). PQs publishing `releases == ["AUTO"]` with SW/HW JSON are
// checked against it; `["ANY"]` PQs pass tasks without container-only tags and without host CPU/GPU needs.

import type { SiteSpec } from '../snapshot/queue.ts';
import type { TaskSpec } from '../snapshot/task.ts';
import { checkHardware } from './hardware-check.ts';
import { parseTaskArchitecture, type CpuSpec, type GpuSpec } from './task-architecture.ts';

/** What the check needs from the task, derived once per brokerage call. */
export interface SoftwareRequirement {
  cvmfsRepo: 'atlas' | 'nightlies';
  swProject: string | null;
  swVersion: string | null;
  cmtConfig: string | null;
  /** The cmtconfig is a pattern that does not match itself, so it must resolve to one of the PQ's. */
  isRegexpCmtConfig: boolean;
  basePlatform: string | null;
  containerName: string | null;
  onlyTagsFc: boolean;
  cpuSpecs: CpuSpec[] | null;
  gpuSpec: GpuSpec | null;
  preferredArchitectureLevel: string | null;
}

export type SoftwareVerdict =
  | { ok: true; preferenceWeight: number | null; resolvedPlatform: string | null }
  | { ok: false; code: 'cache' | 'regexpcmtconfig'; detail: string };

function matchesItselfAtStart(pattern: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})`).test(pattern);
  } catch {
    return true;
  }
}

/** Null when the task names no release (`transHome`), i.e. no software check. */
export function softwareRequirement(task: TaskSpec): SoftwareRequirement | null {
  const transHome = task.transHome;
  if (transHome === undefined) return null;
  const arch = parseTaskArchitecture(task.architecture);
  const release =
    /-\d+\.\d+\.\d+$/.test(transHome) ||
    (!/rel_\d+(\n|$)/.test(transHome) && !/\d{4}-\d{2}-\d{2}T\d{4}$/.test(transHome));
  const parts = transHome.split('-');
  const cmtConfig = arch.sw_platform || null;
  return {
    cvmfsRepo: release ? 'atlas' : 'nightlies',
    swProject: release ? parts[0] : null,
    swVersion: release ? (parts[1] ?? null) : null,
    cmtConfig,
    isRegexpCmtConfig: cmtConfig !== null && !matchesItselfAtStart(cmtConfig),
    basePlatform: arch.base_platform,
    containerName: task.container_name ?? null,
    onlyTagsFc: task.use_only_tags_fc === true,
    cpuSpecs: arch.cpuSpecs,
    gpuSpec: arch.gpuSpec,
    preferredArchitectureLevel: arch.preferredArchitectureLevel,
  };
}

// The container branch of JsonSoftwareCheck.check (the `ALL` tag-source list of sw_map is not modelled).
function containerAvailable(q: SiteSpec, req: SoftwareRequirement, container: string): boolean {
  const sw = q.software!;
  if (!req.onlyTagsFc && (sw.containers.includes('any') || sw.containers.includes('/cvmfs'))) return true;
  if (sw.tags.some((t) => t.container_name === container)) return true;
  if (sw.tags.some((t) => t.sources?.includes(container))) return true;
  return !req.onlyTagsFc && sw.containers.some((prefix) => container.startsWith(prefix));
}

// The release branch of JsonSoftwareCheck.check for AUTO PQs.
function releaseAvailable(q: SiteSpec, req: SoftwareRequirement): boolean {
  const sw = q.software!;
  const needContainer = req.basePlatform !== null;
  if (sw.cvmfs.includes('any') || sw.cvmfs.includes(req.cvmfsRepo)) {
    if (sw.containers.includes('any') || sw.containers.includes('/cvmfs')) return true;
    return !needContainer && req.cmtConfig !== null && sw.cmtconfigs.includes(req.cmtConfig);
  }
  if (needContainer && !sw.containers.includes('any')) return false;
  return sw.tags.some(
    (t) => t.cmtconfig === req.cmtConfig && t.project === req.swProject && t.release === req.swVersion,
  );
}

/** `resolve_cmt_config`: the PQ cmtconfig a pattern resolves to (with `@base_platform`), null if none is needed. */
export function resolveCmtConfig(q: SiteSpec, cmtConfig: string, basePlatform: string | null): string | null {
  const sw = q.software;
  if (!sw || sw.cmtconfigs.includes(cmtConfig)) return null;
  const re = new RegExp(`^${cmtConfig}$`);
  const hit = sw.cmtconfigs.find((c) => re.test(c));
  if (hit === undefined) return null;
  return basePlatform ? `${hit}@${basePlatform}` : hit;
}

/** Whether the (unified) PQ `q` can run the task's software; PanDA evaluates it on the unified PQ. */
export function checkSoftware(q: SiteSpec, req: SoftwareRequirement): SoftwareVerdict {
  const resolved = req.cmtConfig !== null ? resolveCmtConfig(q, req.cmtConfig, req.basePlatform) : null;
  const isAuto = q.releases?.length === 1 && q.releases[0] === 'AUTO';
  let passedJson = false;
  let preferenceWeight: number | null = null;
  if (isAuto && q.software) {
    const sw = q.software;
    if (req.preferredArchitectureLevel !== null) {
      preferenceWeight = 1 + (sw.architectureLevels?.[req.preferredArchitectureLevel] ?? 0) / 100;
    }
    const hw = checkHardware(sw, req.cpuSpecs, req.gpuSpec);
    if (hw === null) {
      passedJson =
        req.containerName !== null ? containerAvailable(q, req, req.containerName) : releaseAvailable(q, req);
    }
  }
  if (passedJson) {
    if (!req.isRegexpCmtConfig || resolved !== null)
      return { ok: true, preferenceWeight, resolvedPlatform: resolved };
    return { ok: false, code: 'regexpcmtconfig', detail: `unresolved regexp in cmtconfig=${req.cmtConfig}` };
  }
  const isAny = q.releases?.length === 1 && q.releases[0] === 'ANY';
  if (
    !(req.containerName !== null && req.onlyTagsFc) &&
    req.cpuSpecs === null &&
    req.gpuSpec === null &&
    isAny
  ) {
    return { ok: true, preferenceWeight: null, resolvedPlatform: resolved };
  }
  const hwText = req.cpuSpecs || req.gpuSpec ? ' or irrelevant HW' : '';
  return {
    ok: false,
    code: 'cache',
    detail: `${isAuto ? 'with' : 'without'} AUTO due to missing SW cache=${req.swProject ?? ''}-${req.swVersion ?? ''}:${req.cmtConfig ?? ''}${hwText}`,
  };
}
