// The per-queue filters of `AtlasAnalJobBroker.doBrokerage` (pandajedi/jedibrokerage/AtlasAnalJobBroker.py) after the
// data-locality step, in the code's order (brokerage.md §4.2 steps 2–19). Queues are indices into the prepared
// catalog (pseudo queues of unified PQs included); checks PanDA makes on the unified PQ read the parent's spec and
// state, so they keep or drop all pseudo children together.

import type { DdmEndpoint } from '../snapshot/data.ts';
import type { QueueState, SiteSpec } from '../snapshot/queue.ts';
import type { InputChunk, TaskSpec } from '../snapshot/task.ts';
import { compensateRamCount } from '../shares/resource-types.ts';
import { checkHardware } from './hardware-check.ts';
import {
  cpuTimePerEvent,
  maxRamCount,
  outDiskSize,
  siteWalltimeLimit,
  useDirectIoForJob,
  useHS06,
  workDiskSize,
} from './job-requirements.ts';
import type { AnalysisJobBrokerOptions } from './analysis-options.ts';
import type { AnalysisExclusion, AnalysisExclusionCode, AnalysisUserContext } from './analysis-types.ts';
import { spaceUsable, type QueueCatalog } from './queue-catalog.ts';
import { checkSoftware, softwareRequirement } from './software-check.ts';
import { parseTaskArchitecture } from './task-architecture.ts';
import { hasZeroShare } from './zero-share.ts';

const MB = 1024 * 1024;
const DOWN = new Set(['OFF', 'TEST']);

/** Everything a filter step reads; built once per pass. */
export interface AnalysisFilterContext {
  catalog: QueueCatalog;
  states: Readonly<Record<string, QueueState>>;
  ddmEndpoints: Readonly<Record<string, DdmEndpoint>>;
  task: TaskSpec;
  chunk: InputChunk;
  user: AnalysisUserContext;
  options: AnalysisJobBrokerOptions;
  pass: 1 | 2;
  /** Pass 1 checks data locality; pass 2 does not. */
  checkDataLocality: boolean;
  /** VP queues are avoided (merging, distributed datasets, union locality). */
  avoidVp: boolean;
  /** Unified PQs chosen by the data step (`sites_in_nucleus` of the blacklist check); empty in pass 2. */
  sitesWithData: ReadonlySet<string>;
  /** Every non-distributed input dataset has a complete replica readable over WAN. */
  remoteSourceAvailable: boolean;
  /** `task.site` names a known PQ. */
  preassignedSite: string | null;
  /** `includedSite` given: brokeroff/test PQs stay. */
  siteListPreAssigned: boolean;
}

export interface FilterStepResult {
  kept: number[];
  excluded: AnalysisExclusion[];
}

export interface FilterStep {
  name: string;
  run(queues: readonly number[], ctx: AnalysisFilterContext): FilterStepResult;
}

type Verdict = { code: AnalysisExclusionCode; detail: string } | null;

function unifiedSpec(ctx: AnalysisFilterContext, i: number): SiteSpec {
  return ctx.catalog.specs[ctx.catalog.unifiedIndex[i]];
}

function state(ctx: AnalysisFilterContext, i: number): QueueState | undefined {
  return ctx.states[ctx.catalog.unifiedNames[i]];
}

function perQueue(name: string, check: (i: number, ctx: AnalysisFilterContext) => Verdict): FilterStep {
  return {
    name,
    run(queues, ctx) {
      const kept: number[] = [];
      const excluded: AnalysisExclusion[] = [];
      for (const i of queues) {
        const v = check(i, ctx);
        if (v === null) kept.push(i);
        else
          excluded.push({
            queue: ctx.catalog.specs[i].sitename,
            code: v.code,
            detail: v.detail,
            pass: ctx.pass,
          });
      }
      return { kept, excluded };
    },
  };
}

function isMerging(ctx: AnalysisFilterContext): boolean {
  return ctx.chunk.isMerging === true;
}

// Step 2: offline PQs go; brokeroff/test PQs only stay when pre-assigned.
const statusCheck = perQueue('status', (i, ctx) => {
  const q = ctx.catalog.specs[i];
  if (q.status === 'offline') return { code: 'status', detail: `status=${q.status}` };
  if ((q.status === 'brokeroff' || q.status === 'test') && !ctx.siteListPreAssigned) {
    const pre = ctx.preassignedSite;
    if (pre === null || (pre !== q.sitename && pre !== ctx.catalog.unifiedNames[i])) {
      return { code: 'status', detail: `status=${q.status}` };
    }
  }
  return null;
});

// Unified parents leave silently here, as in the code; their pseudo queues carry on.
const status: FilterStep = {
  name: 'status',
  run: (queues, ctx) =>
    statusCheck.run(
      queues.filter((i) => ctx.catalog.isUnifiedParent[i] === 0),
      ctx,
    ),
};

// Step 3 (not for pre-assigned tasks).
const zeroShare = perQueue('zero share', (i, ctx) =>
  ctx.preassignedSite === null && hasZeroShare(ctx.catalog.specs[i], ctx.task, isMerging(ctx))
    ? { code: 'zeroshare', detail: 'zero share' }
    : null,
);

// Step 4: measured per-core disk IO and the task's (per-core, float division) both above the PQ limit.
const diskIo = perQueue('diskIO', (i, ctx) => {
  const q = unifiedSpec(ctx, i);
  const usage = state(ctx, i)?.diskIoPerCore ?? 0;
  const limit = q.maxDiskio && q.maxDiskio > 0 ? q.maxDiskio : ctx.options.MAX_DISKIO_DEFAULT;
  let taskIo = ctx.task.diskIO ?? null;
  const tc = ctx.task.coreCount;
  if (taskIo !== null && tc !== null && tc !== 0 && tc !== 1 && q.coreCount) taskIo /= q.coreCount;
  return taskIo && usage && limit && usage > limit && taskIo > limit
    ? { code: 'diskIO', detail: `diskIO ${usage} > ${limit} and task ${taskIo} > ${limit}` }
    : null;
});

// Step 5.
const maxIoIntensity = perQueue('max IO intensity', (i, ctx) => {
  const io = ctx.task.ioIntensity;
  const max = ctx.catalog.specs[i].max_io_intensity;
  if (!io || isMerging(ctx) || max === undefined || io <= max) return null;
  return { code: 'max_io_intensity', detail: `ioIntensity=${io} > max_io_intensity=${max}` };
});

/** `SiteSpec.use_vp`: an input RSE named `…_VP_DISK`. */
export function usesVp(ctx: Pick<AnalysisFilterContext, 'catalog'>, i: number): boolean {
  return (ctx.catalog.specs[i].ddm_endpoints_input ?? []).some((rse) => rse.endsWith('_VP_DISK'));
}

// Step 6.
const avoidVp = perQueue('avoid VP', (i, ctx) =>
  (ctx.task.avoidVP || ctx.avoidVp || !ctx.checkDataLocality) && usesVp(ctx, i)
    ? { code: 'vp', detail: 'to avoid VP' }
    : null,
);

// Step 7: the production `useMP` logic without the scout/priority clause.
const coreCount = perQueue('CPU core', (i, ctx) => {
  const q = ctx.catalog.specs[i];
  const tc = ctx.task.coreCount;
  const useMP = tc !== null && tc > 1 ? 'only' : tc === 0 ? 'any' : 'unuse';
  const ok =
    useMP === 'any' ||
    (useMP === 'only' && q.coreCount > 1) ||
    (useMP === 'unuse' && (q.coreCount === 0 || q.coreCount === 1));
  if (!ok) return { code: 'cpucore', detail: `cores_site=${q.coreCount} <> cores_task=${tc}` };
  const max = ctx.task.maxCoreCount;
  if (max && q.coreCount && q.coreCount > max)
    return { code: 'max_cpucore', detail: `site:${q.coreCount} > task_max=${max}` };
  return null;
});

// Step 8: GPU PQs need the task's sw_platform and pass the JSON check with that platform only — which consults no
// host spec, so a GPU PQ whose JSON marks GPUs exclusive rejects every task here.
const gpu = perQueue('architecture', (i, ctx) => {
  const q = ctx.catalog.specs[i];
  if (!q.isGPU || ctx.task.isHpoWorkflow) return null;
  if (!parseTaskArchitecture(ctx.task.architecture).sw_platform) {
    return { code: 'architecture', detail: 'architecture is required for GPU queues' };
  }
  const u = unifiedSpec(ctx, i);
  const isAuto = u.releases?.length === 1 && u.releases[0] === 'AUTO';
  if (!isAuto || !u.software || checkHardware(u.software, null, null) !== null) {
    return { code: 'architecture', detail: 'architecture is unavailable' };
  }
  return null;
});

// Step 9: the task had jobs closed there within the failure window.
const closed = perQueue('too many closed', (i, ctx) => {
  if (ctx.preassignedSite !== null || isMerging(ctx)) return null;
  const n = ctx.task.jobOutcomes?.[ctx.catalog.unifiedNames[i]]?.nClosed ?? 0;
  return n > 0 ? { code: 'closed', detail: `n_closed=${n}` } : null;
});

/**
 * Step 10 (not for pre-assigned tasks). Tasks naming a release use the production check (release, container and
 * hardware gates). Stand-alone tasks (no transHome) need an AUTO PQ whose JSON passes the hardware gates, or an
 * ANY PQ when the task names no host hardware; the container and regexp-cmtconfig refinements are not modelled.
 */
const software: FilterStep = {
  name: 'SW/HW',
  run(queues, ctx) {
    const req = softwareRequirement(ctx.task);
    const arch = parseTaskArchitecture(ctx.task.architecture);
    return perQueue('SW/HW', (i) => {
      if (ctx.preassignedSite !== null) return null;
      const u = unifiedSpec(ctx, i);
      if (req !== null) {
        const v = checkSoftware(u, req);
        return v.ok ? null : { code: v.code, detail: v.detail };
      }
      const isAuto = u.releases?.length === 1 && u.releases[0] === 'AUTO';
      if (isAuto && u.software) {
        return checkHardware(u.software, arch.cpuSpecs, arch.gpuSpec) === null
          ? null
          : { code: 'cache', detail: 'irrelevant HW' };
      }
      const isAny = u.releases?.length === 1 && u.releases[0] === 'ANY';
      if (isAny && arch.cpuSpecs === null && arch.gpuSpec === null) return null;
      return { code: 'cache', detail: 'missing SW cache or irrelevant HW' };
    }).run(queues, ctx);
  },
};

// Step 11: as production but without baseRamCount.
const memory = perQueue('memory', (i, ctx) => {
  const ram = maxRamCount(ctx.task, ctx.chunk);
  if (!ram) return null;
  const q = ctx.catalog.specs[i];
  const perCore = ctx.task.ramUnit === 'MBPerCore' || ctx.task.ramUnit === 'MBPerCoreFixed';
  let need = ram;
  if (perCore && !isMerging(ctx) && q.coreCount) need = ram * q.coreCount;
  need = compensateRamCount(need, ctx.options.memoryCompensation);
  if (q.maxrss && need !== 0 && need > q.maxrss)
    return { code: 'lowmemory', detail: `${need} MB > maxrss ${q.maxrss}` };
  if (q.minrss && need !== 0 && need < q.minrss)
    return { code: 'highmemory', detail: `${need} MB < minrss ${q.minrss}` };
  return null;
});

/** Scratch need of a job at a PQ, MB, and the scaled PQ limit (step 12). */
export function scratchCheck(
  task: TaskSpec,
  chunk: InputChunk,
  site: SiteSpec,
  margin: number,
): { needMB: number; limitMB: number } | null {
  if (!site.maxwdir) return null;
  const merging = chunk.isMerging === true;
  const out = outDiskSize(task);
  const work = workDiskSize(task, margin);
  const eff = chunk.maxAtomSizeEffective ?? chunk.maxAtomSize;
  const maxSizePerJob = merging || task.maxSizePerJob === undefined ? null : task.maxSizePerJob;
  let need: number;
  if (useDirectIoForJob(task, site, merging)) {
    need = Math.floor((out * eff + work) / MB);
    // The code multiplies outDisk by nGBPerJob already converted to MB here; reproduced as is.
    if (maxSizePerJob !== null && !task.useLocalIO) need = Math.max(need, (out * maxSizePerJob + work) / MB);
  } else {
    need = merging
      ? Math.floor((2 * chunk.maxAtomSize) / MB)
      : Math.floor((out * eff + work + chunk.maxAtomSize) / MB);
    if (maxSizePerJob !== null && maxSizePerJob > need) need = maxSizePerJob;
  }
  const siteCc = site.coreCount === 0 || site.coreCount === 1 ? 1 : site.coreCount;
  const tc = task.coreCount;
  const taskCc = tc === null || tc === 0 || tc === 1 ? 1 : siteCc;
  return { needMB: need, limitMB: (site.maxwdir * taskCc) / siteCc };
}

// Step 12.
const scratch = perQueue('scratch disk', (i, ctx) => {
  const u = unifiedSpec(ctx, i);
  if (ctx.task.allowInputLAN === 'only' && !u.direct_access_lan && u.maxinputsize !== -1 && !isMerging(ctx)) {
    return { code: 'remoteio', detail: 'direct IO is disabled' };
  }
  const s = scratchCheck(ctx.task, ctx.chunk, u, ctx.options.workDiskSafetyMargin);
  return s && s.needMB > s.limitMB
    ? { code: 'disk', detail: `small scratch disk=${s.limitMB} < ${s.needMB}` }
    : null;
});

function down(e: DdmEndpoint, key: 'read_lan' | 'write_lan' | 'read_wan' | 'write_wan'): boolean {
  const s = e.detailed_status?.[key];
  return s !== undefined && DOWN.has(s);
}

/** `AtlasBrokerUtils.check_endpoints_with_blacklist` for one (unified) PQ; null when usable. */
export function endpointBlacklist(
  ctx: Pick<AnalysisFilterContext, 'catalog' | 'sitesWithData' | 'remoteSourceAvailable'>,
  i: number,
): string | null {
  const u = ctx.catalog.unifiedIndex[i];
  const name = ctx.catalog.unifiedNames[i];
  const inNucleus = ctx.sitesWithData.has(name);
  let readLan = false;
  let receiveWan = false;
  let writeLan = false;
  let sendWan = false;
  let remote = ctx.remoteSourceAvailable;
  for (const e of ctx.catalog.inputEndpoints[u] ?? []) {
    if (!down(e, 'read_lan')) readLan = true;
    if (!inNucleus) {
      if (!down(e, 'write_wan')) receiveWan = true;
    } else {
      receiveWan = true;
      remote = true;
    }
  }
  for (const e of ctx.catalog.outputEndpoints[u] ?? []) {
    if (!down(e, 'write_lan')) writeLan = true;
    if (!inNucleus) {
      if (!down(e, 'read_wan')) sendWan = true;
    } else {
      sendWan = true;
      remote = true;
    }
  }
  if (!readLan) return 'input endpoints cannot read over LAN';
  if (!writeLan) return 'output endpoints cannot write over LAN';
  if (!receiveWan) return 'input endpoints cannot receive files over WAN';
  if (!sendWan) return 'output endpoints cannot send out files over WAN';
  if (!remote) return 'source endpoints cannot transfer files over WAN and it is satellite';
  return null;
}

// Step 13: usable space at the output RSE (and at the input RSE when input must move), blacklist, local quota.
const storage = perQueue('storage space', (i, ctx) => {
  const u = unifiedSpec(ctx, i);
  if (u.ddm_output === undefined) return { code: 'disk', detail: 'output endpoint undefined' };
  const out = ctx.ddmEndpoints[u.ddm_output];
  if (out && spaceUsable(out) < ctx.options.STORAGE_MIN_FREE_SIZE_OUTPUT) {
    return {
      code: 'disk',
      detail: `output disk shortage ${spaceUsable(out)} < ${ctx.options.STORAGE_MIN_FREE_SIZE_OUTPUT}GB`,
    };
  }
  if (!ctx.checkDataLocality) {
    if (u.ddm_input === undefined) return { code: 'disk', detail: 'input endpoint undefined' };
    const inp = ctx.ddmEndpoints[u.ddm_input];
    if (u.ddm_input !== u.ddm_output && inp && spaceUsable(inp) < ctx.options.STORAGE_MIN_FREE_SIZE) {
      return {
        code: 'disk',
        detail: `input disk shortage ${spaceUsable(inp)} < ${ctx.options.STORAGE_MIN_FREE_SIZE}GB`,
      };
    }
  }
  const black = endpointBlacklist(ctx, i);
  if (black !== null) return { code: 'blacklist', detail: black };
  if (ctx.user.endpointsOverLocalQuota?.includes(u.ddm_output))
    return { code: 'local_quota', detail: `${u.ddm_output} over local quota` };
  return null;
});

/** The job's walltime need: seconds (walltime × effective input) or HS06·s (cpuTime × events); null if unknown. */
function minWalltime(task: TaskSpec, chunk: InputChunk): number | null {
  if (!useHS06(task)) {
    return task.walltime != null ? task.walltime * (chunk.maxAtomSizeEffective ?? chunk.maxAtomSize) : null;
  }
  const cpu = cpuTimePerEvent(task);
  return cpu !== null ? cpu * (chunk.maxAtomNumEvents ?? 0) : null;
}

// Step 14: only with a positive need and not for merges; no event-service division in analysis.
const walltime = perQueue('walltime', (i, ctx) => {
  const need = minWalltime(ctx.task, ctx.chunk);
  if (!need || need <= 0 || isMerging(ctx)) return null;
  const q = ctx.catalog.specs[i];
  const hs06 = useHS06(ctx.task);
  const base = ctx.task.baseWalltime ?? 0;
  const eff = ctx.task.cpuEfficiency ?? 100;
  const max = siteWalltimeLimit(q.maxtime, q, hs06, base, eff);
  if (q.maxtime !== 0 && need > max) return { code: 'shortwalltime', detail: `site limit ${max} < ${need}` };
  const min = siteWalltimeLimit(q.mintime, q, hs06, base, eff);
  if (q.mintime !== 0 && need < min)
    return { code: 'longwalltime', detail: `site lower limit ${min} > ${need}` };
  return null;
});

// Step 15: scouts (not pre-assigned) and walltime-undefined tasks need 24 h at 10 HS06 per core.
const minimumWalltime = perQueue('minimum walltime capacity', (i, ctx) => {
  const t = ctx.task;
  const scout = ctx.preassignedSite === null && ctx.chunk.useScout === true;
  const undefinedWalltime =
    (!t.walltime && !t.walltimeUnit && !t.cpuTimeUnit) ||
    (!cpuTimePerEvent(t) && t.cpuTimeUnit !== undefined);
  if (!scout && !undefinedWalltime) return null;
  const q = ctx.catalog.specs[i];
  const max = siteWalltimeLimit(q.maxtime, q, useHS06(t), t.baseWalltime ?? 0, t.cpuEfficiency ?? 100);
  const required = 24 * 3600 * 10 * (q.coreCount || 1);
  if (max !== 0 && max < required) {
    return {
      code: ctx.chunk.useScout ? 'scout_walltime' : 'min_walltime',
      detail: `site walltime ${max} < ${required}`,
    };
  }
  return null;
});

// Step 16: no pilot requests in the last 3 h (test tasks exempt).
const pilots = perQueue('pilot activity', (i, ctx) => {
  const s = state(ctx, i);
  const nPilot = (s?.getJob ?? 0) + (s?.updateJob ?? 0);
  return nPilot === 0 && ctx.task.prodSourceLabel !== 'test' ? { code: 'nopilot', detail: 'no pilot' } : null;
});

/** `AtlasBrokerUtils.isMatched`: exact name or `*` wildcard pattern. */
function matches(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => {
    if (!p.includes('*')) return p === name;
    const re = p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*');
    return new RegExp(`^${re}$`).test(name);
  });
}

// Step 17: exclusion, inclusion (with `AUTO` admitting the rest only if nothing is included), cloud.
const includeExclude: FilterStep = {
  name: 'include/exclude',
  run(queues, ctx) {
    const include = ctx.task.includedSite ?? null;
    const exclude = ctx.task.excludedSite ?? [];
    const kept: number[] = [];
    const auto: number[] = [];
    const excluded: AnalysisExclusion[] = [];
    const drop = (i: number, code: AnalysisExclusionCode, detail: string) =>
      excluded.push({ queue: ctx.catalog.specs[i].sitename, code, detail, pass: ctx.pass });
    for (const i of queues) {
      const name = ctx.catalog.unifiedNames[i];
      if (matches(name, exclude)) {
        drop(i, 'excluded', 'excluded');
        continue;
      }
      let isAuto = false;
      if (include !== null && !matches(name, include)) {
        if (!include.includes('AUTO')) {
          drop(i, 'notincluded', 'not included');
          continue;
        }
        isAuto = true;
      }
      const cloud = ctx.task.cloud;
      if (cloud !== undefined && cloud !== '' && cloud !== 'any' && cloud !== unifiedSpec(ctx, i).cloud) {
        drop(i, 'cloudmismatch', 'cloud mismatch');
        continue;
      }
      (isAuto ? auto : kept).push(i);
    }
    if (kept.length === 0) return { kept: auto, excluded };
    for (const i of auto) drop(i, 'notincluded', 'not included');
    return { kept, excluded };
  },
};

// Step 18: a pre-assigned PQ must have survived; hospital queues go when a normal PQ remains.
const preassignedAndHospital: FilterStep = {
  name: 'preassign/hospital',
  run(queues, ctx) {
    const excluded: AnalysisExclusion[] = [];
    let kept = [...queues];
    const pre = ctx.preassignedSite;
    if (pre !== null) {
      const mine = kept.filter((i) => ctx.catalog.unifiedNames[i] === pre);
      for (const i of kept) {
        if (ctx.catalog.unifiedNames[i] !== pre) {
          excluded.push({
            queue: ctx.catalog.specs[i].sitename,
            code: 'nonpreassigned',
            detail: 'non pre-assigned site',
            pass: ctx.pass,
          });
        }
      }
      kept = mine;
    }
    if (kept.some((i) => !ctx.catalog.unifiedNames[i].endsWith('_HOSPITAL'))) {
      kept = kept.filter((i) => {
        if (!ctx.catalog.unifiedNames[i].endsWith('_HOSPITAL')) return true;
        excluded.push({
          queue: ctx.catalog.specs[i].sitename,
          code: 'hospital',
          detail: 'hospital queue',
          pass: ctx.pass,
        });
        return false;
      });
    }
    return { kept, excluded };
  },
};

/** Steps 2–18 in the code's order. */
export const ANALYSIS_FILTER_STEPS: readonly FilterStep[] = [
  status,
  zeroShare,
  diskIo,
  maxIoIntensity,
  avoidVp,
  coreCount,
  gpu,
  closed,
  software,
  memory,
  scratch,
  storage,
  walltime,
  minimumWalltime,
  pilots,
  includeExclude,
  preassignedAndHospital,
];

/**
 * Step 19: the resource-type cap `queued > max(20, 2 × running)` for the task's share and resource type. The code
 * computes it and writes a skip message but keeps the PQ; returned here for the record only.
 */
export function resourceTypeCapExceeded(queues: readonly number[], ctx: AnalysisFilterContext): string[] {
  if (ctx.preassignedSite !== null) return [];
  const rt = ctx.task.resource_type;
  const out: string[] = [];
  for (const i of queues) {
    const name = ctx.catalog.unifiedNames[i];
    const share = ctx.task.workQueueName ?? ctx.task.gshare;
    const c = rt === undefined ? undefined : state(ctx, i)?.jobsByResourceType?.[share]?.[rt];
    if (!c || out.includes(name)) continue;
    const queued = c.nDefined + c.nAssigned + c.nActivated + c.nStarting;
    if (queued > Math.max(ctx.options.resourceTypeCapFloor, c.nRunning * ctx.options.resourceTypeCapFactor))
      out.push(name);
  }
  return out;
}
