// What a job of the chunk needs from a PQ — memory, scratch disk, walltime — and the PQ-side limits, following
// `AtlasProdJobBroker.doBrokerage` (pandajedi/jedibrokerage/AtlasProdJobBroker.py, "selection for memory /
// scratch disk / walltime"), `InputChunk.getMaxRamCount`, `JobUtils.compensate_ram_count`,
// `CoreUtils.use_direct_io_for_job` and `JediTaskSpec.getOutDiskSize / getWorkDiskSize / getCpuTime`.
// brokerage.md §2.2 steps 11, 12, 14. Task-side quantities are computed once per call (`prodJobRequirements`),
// PQ-side checks are cheap functions of one SiteSpec.

import type { SiteSpec } from '../snapshot/queue.ts';
import type { InputChunk, TaskSpec } from '../snapshot/task.ts';
import { compensateRamCount } from '../shares/resource-types.ts';

const MB = 1024 * 1024;

/** `JediTaskSpec.useHS06`. */
export function useHS06(task: Pick<TaskSpec, 'cpuTimeUnit'>): boolean {
  const u = task.cpuTimeUnit;
  return (
    u === 'HS06sPerEvent' ||
    u === 'HS06sPerEventFixed' ||
    u === 'mHS06sPerEvent' ||
    u === 'mHS06sPerEventFixed'
  );
}

/** `JediTaskSpec.getCpuTime`: HS06·s per event (milli units converted), null for non-HS06 tasks. */
export function cpuTimePerEvent(task: Pick<TaskSpec, 'cpuTimeUnit' | 'cpuTime'>): number | null {
  if (!useHS06(task) || task.cpuTime === null || task.cpuTime === undefined) return null;
  return task.cpuTimeUnit!.startsWith('m') ? task.cpuTime / 1000 : task.cpuTime;
}

/** `JediTaskSpec.useEventService` (without the per-site `switchEStoNormal` exception). */
export function usesEventService(task: Pick<TaskSpec, 'eventService'>): boolean {
  return task.eventService === 1 || task.eventService === 2;
}

/** `JediTaskSpec.getOutDiskSize`, bytes (per event or per input byte). */
export function outDiskSize(task: Pick<TaskSpec, 'outDiskCount' | 'outDiskUnit'>): number {
  const n = task.outDiskCount;
  if (n === null || n === undefined || n < 0) return 0;
  const u = task.outDiskUnit;
  if (u?.startsWith('GB')) return n * 1024 * MB;
  if (u?.startsWith('MB')) return n * MB;
  if (u?.startsWith('kB')) return n * 1024;
  return n;
}

/** `JediTaskSpec.getWorkDiskSize`, bytes, including the 300 MB safety margin (0 when unset). */
export function workDiskSize(task: Pick<TaskSpec, 'workDiskCount' | 'workDiskUnit'>, margin: number): number {
  const n = task.workDiskCount;
  if (n === null || n === undefined) return 0;
  const u = task.workDiskUnit;
  const bytes = u === 'GB' ? n * 1024 * MB : u === 'MB' ? n * MB : u === 'kB' ? n * 1024 : n;
  return bytes + margin;
}

/** `InputChunk.getMaxRamCount`. */
export function maxRamCount(task: Pick<TaskSpec, 'ramCount' | 'mergeRamCount'>, chunk: InputChunk): number {
  const chunkRam = chunk.ramCount ?? 0;
  if (chunk.isMerging) return task.mergeRamCount ? Math.max(task.mergeRamCount, chunkRam, 2000) : chunkRam;
  return task.ramCount ? Math.max(task.ramCount, chunkRam) : chunkRam;
}

/** `CoreUtils.use_direct_io_for_job`. */
export function useDirectIoForJob(
  task: Pick<TaskSpec, 'useLocalIO' | 'allowInputLAN'>,
  site: Pick<SiteSpec, 'maxinputsize' | 'direct_access_lan'>,
  isMerging: boolean,
): boolean {
  if (isMerging) return false;
  if (site.maxinputsize === -1) return true;
  if (task.useLocalIO) return false;
  return task.allowInputLAN !== null && task.allowInputLAN !== undefined && site.direct_access_lan === true;
}

/**
 * A PQ walltime limit (`maxtime` or `mintime`) in the task's units: seconds × cores, and for HS06 tasks
 * (limit − baseWalltime) × cores × corepower × cpuEfficiency, truncated.
 */
export function siteWalltimeLimit(
  limit: number,
  site: Pick<SiteSpec, 'coreCount' | 'corepower'>,
  hs06: boolean,
  baseWalltime: number,
  cpuEfficiency: number,
): number {
  return walltimeLimit(limit, site.coreCount, site.corepower, hs06, baseWalltime, cpuEfficiency);
}

/** `siteWalltimeLimit` on the PQ's core count and core power. */
export function walltimeLimit(
  limit: number,
  coreCount: number,
  corepower: number,
  hs06: boolean,
  baseWalltime: number,
  cpuEfficiency: number,
): number {
  let t = limit;
  if (hs06) t -= baseWalltime;
  if (t !== 0 && coreCount) t *= coreCount;
  if (hs06) {
    if (t !== 0) t *= corepower;
    t = Math.trunc(t * (cpuEfficiency / 100));
  }
  return t;
}

/** Task-side requirements of the production filters, derived once per brokerage call. */
export interface ProdJobRequirements {
  /** MB before core scaling; 0 ⇒ no memory check. */
  ram: number;
  ramPerCore: boolean;
  baseRamCount: number;
  /** Scratch need in MB with direct IO (D) and with copy-to-scratch (L). */
  diskDirectMB: number;
  diskCopyMB: number;
  /** Walltime need in seconds (or HS06·s for HS06 tasks); null when undefined. */
  minWalltime: number | null;
  /** Dynamic-number-of-events variants, compared at PQs with mintime > 0. */
  minWalltimeDyn: number | null;
  maxWalltimeDyn: number | null;
  hs06: boolean;
  baseWalltime: number;
  cpuEfficiency: number;
  /** Apply the "24 h at 10 HS06 per core" minimum (scouts, merges, walltime-undefined tasks). */
  needsLongQueue: boolean;
}

export function prodJobRequirements(
  task: TaskSpec,
  chunk: InputChunk,
  preAssigned: boolean,
  o: {
    memoryCompensation: number;
    defaultOutputSize: number;
    workDiskSafetyMargin: number;
    defMaxAttemptEsJob: number;
  },
): ProdJobRequirements & { compensation: number } {
  const isMerging = chunk.isMerging === true;
  const es = usesEventService(task) && !task.useJobCloning;
  const outScalesWithEvents = task.outDiskUnit !== undefined && task.outDiskUnit.includes('PerEvent');
  const atomEvents = chunk.maxAtomNumEvents ?? 0;
  const atomEffective = chunk.maxAtomSizeEffective ?? chunk.maxAtomSize;
  const out = Math.max(
    outDiskSize(task) * (outScalesWithEvents ? atomEvents : atomEffective),
    o.defaultOutputSize,
  );
  const base = out + workDiskSize(task, o.workDiskSafetyMargin);
  const hs06 = useHS06(task);
  const cpuTime = cpuTimePerEvent(task);
  let minWalltime: number | null;
  let minWalltimeDyn: number | null = null;
  let maxWalltimeDyn: number | null = null;
  if (!hs06) {
    minWalltime =
      task.walltime !== null && task.walltime !== undefined ? task.walltime * atomEffective : null;
  } else {
    minWalltime = cpuTime !== null ? cpuTime * atomEvents : null;
    if (cpuTime !== null && task.dynamicNumEvents !== undefined) {
      minWalltimeDyn = cpuTime * task.dynamicNumEvents;
      maxWalltimeDyn = cpuTime * atomEvents;
    }
  }
  if (minWalltime) {
    const nConsumers = es ? (task.nEsConsumers ?? 1) : 1;
    const nAttempts = es
      ? task.maxAttemptEsJob === undefined
        ? o.defMaxAttemptEsJob
        : task.maxAttemptEsJob + 1
      : 1;
    minWalltime /= nConsumers * nAttempts;
  }
  return {
    ram: maxRamCount(task, chunk),
    ramPerCore: task.ramUnit === 'MBPerCore' || task.ramUnit === 'MBPerCoreFixed',
    baseRamCount: task.baseRamCount ?? 0,
    compensation: o.memoryCompensation,
    diskDirectMB: Math.floor(base / MB),
    diskCopyMB: Math.floor((base + chunk.maxAtomSize) / MB),
    minWalltime,
    minWalltimeDyn,
    maxWalltimeDyn,
    hs06,
    baseWalltime: task.baseWalltime ?? 0,
    cpuEfficiency: task.cpuEfficiency ?? 100,
    needsLongQueue:
      (!preAssigned && chunk.useScout === true) ||
      isMerging ||
      (!task.walltime && !task.walltimeUnit && !task.cpuTimeUnit) ||
      (!cpuTime && task.cpuTimeUnit !== undefined),
  };
}

/** Memory a job needs at a PQ, MB, after the 0.9 compensation (`need` of §2.2 step 11). */
export function ramNeedAtSite(
  r: Pick<ProdJobRequirements, 'ram' | 'ramPerCore' | 'baseRamCount'> & { compensation: number },
  siteCoreCount: number,
  isMerging: boolean,
): number {
  let need = r.ram;
  if (r.ramPerCore && !isMerging) {
    if (siteCoreCount) need = r.ram * siteCoreCount;
    need += r.baseRamCount;
  }
  return compensateRamCount(need, r.compensation);
}
