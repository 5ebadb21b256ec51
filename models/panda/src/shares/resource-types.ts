// Resource types (fairshare.md §4): the RESOURCE_TYPES rows, the first-match classification of tasks and jobs
// into SCORE / MCORE / SCORE_HIMEM / MCORE_HIMEM, and the memory compensation that keeps jobs just above the
// 2000 MB/core border out of HIMEM.
//
// Upstream: pandaserver/taskbuffer/ResourceSpec.py (`ResourceSpec.match_task_basic`, `match_job`,
// `ResourceSpecMapper`), pandaserver/taskbuffer/JobUtils.py (`get_resource_type_job`, `compensate_ram_count`,
// `decompensate_ram_count`, `getJobMinRamCount`), entity_module.py `EntityModule.get_resource_type_task`.

import { pyInt, pyRound } from './py-numeric.ts';

/** A row of `RESOURCE_TYPES`; null bounds are not checked. */
export interface ResourceSpec {
  resource_name: string;
  mincore: number | null;
  maxcore: number | null;
  minrampercore: number | null;
  maxrampercore: number | null;
}

/** `ResourceSpec.HIMEM_THRESHOLD`, MB per core. */
export const HIMEM_THRESHOLD = 2000;
/** `JobUtils.MEMORY_COMPENSATION`. */
export const MEMORY_COMPENSATION = 0.9;
/** `ResourceSpec.BASIC_RESOURCE_TYPE`. */
export const BASIC_RESOURCE_TYPE = 'SCORE';
/** Returned when no row matches. */
export const UNDEFINED_RESOURCE_TYPE = 'Undefined';
/** A task or job with coreCount 0 ("any") is classified as if it had 8 cores. */
export const ANY_CORES_AS = 8;

/**
 * An illustrative RESOURCE_TYPES table consistent with `HIMEM_THRESHOLD` (the real rows are DB data that is
 * not public; fairshare.md §4.1 and §9 item 8). Row order is the match order.
 */
export const ILLUSTRATIVE_RESOURCE_TYPES: readonly ResourceSpec[] = [
  { resource_name: 'SCORE', mincore: 1, maxcore: 1, minrampercore: null, maxrampercore: HIMEM_THRESHOLD },
  {
    resource_name: 'SCORE_HIMEM',
    mincore: 1,
    maxcore: 1,
    minrampercore: HIMEM_THRESHOLD + 1,
    maxrampercore: null,
  },
  { resource_name: 'MCORE', mincore: 2, maxcore: null, minrampercore: null, maxrampercore: HIMEM_THRESHOLD },
  {
    resource_name: 'MCORE_HIMEM',
    mincore: 2,
    maxcore: null,
    minrampercore: HIMEM_THRESHOLD + 1,
    maxrampercore: null,
  },
];

/**
 * `compensate_ram_count`: `int(ram × 0.9)`; null stays null. The brokerages pass their configured factor
 * (`JobUtils.compensate_ram_count` reads the same constant).
 */
export function compensateRamCount(ramCount: number, factor?: number): number;
export function compensateRamCount(ramCount: number | null | undefined, factor?: number): number | null;
export function compensateRamCount(
  ramCount: number | null | undefined,
  factor = MEMORY_COMPENSATION,
): number | null {
  if (ramCount === null || ramCount === undefined) return null;
  return pyInt(ramCount * factor);
}

/** `decompensate_ram_count`: `int(ram / 0.9)`; null stays null. */
export function decompensateRamCount(ramCount: number | null | undefined): number | null {
  if (ramCount === null || ramCount === undefined) return null;
  return pyInt(ramCount / MEMORY_COMPENSATION);
}

function coresOf(coreCount: number | null | undefined): number {
  if (coreCount === null || coreCount === undefined) return 1;
  return coreCount === 0 ? ANY_CORES_AS : coreCount;
}

function withinBounds(spec: ResourceSpec, cores: number, ramPerCore: number): boolean {
  if (spec.mincore !== null && cores < spec.mincore) return false;
  if (spec.maxcore !== null && cores > spec.maxcore) return false;
  if (spec.minrampercore !== null && ramPerCore < spec.minrampercore) return false;
  if (spec.maxrampercore !== null && ramPerCore > spec.maxrampercore) return false;
  return true;
}

/** `ramUnit` values that mean "per core" (`ResourceSpec.match_task_basic`). */
const PER_CORE_UNITS = new Set(['MBPerCore', 'MBPerCoreFixed']);

/** The task columns resource-type matching reads (JediTaskSpec names). */
export interface ResourceTask {
  coreCount?: number | null;
  ramCount?: number | null;
  baseRamCount?: number | null;
  ramUnit?: string | null;
}

/** `ResourceSpec.match_task_basic`: RAM per core is compensated (× 0.9, truncated) before the bounds test. */
export function matchTask(spec: ResourceSpec, task: ResourceTask): boolean {
  const cores = coresOf(task.coreCount);
  const ram = task.ramCount ?? 0;
  const base = task.baseRamCount ?? 0;
  const perCore = PER_CORE_UNITS.has(task.ramUnit ?? '')
    ? (ram * cores + base) / cores
    : (ram + base) / cores;
  return withinBounds(spec, cores, compensateRamCount(perCore));
}

/** The job columns resource-type matching reads (JobSpec names); minRamCount is in MB, already compensated. */
export interface ResourceJob {
  coreCount?: number | null;
  minRamCount?: number | null;
}

/** `ResourceSpec.match_job`: RAM per core is `round(minRamCount / cores)` with Python's ties-to-even. */
export function matchJob(spec: ResourceSpec, job: ResourceJob): boolean {
  const cores = coresOf(job.coreCount);
  return withinBounds(spec, cores, pyRound((job.minRamCount ?? 0) / cores));
}

/** `EntityModule.get_resource_type_task`: first matching row in table order, else `Undefined`. */
export function resourceTypeForTask(types: readonly ResourceSpec[], task: ResourceTask): string {
  for (const spec of types) if (matchTask(spec, task)) return spec.resource_name;
  return UNDEFINED_RESOURCE_TYPE;
}

/** `JobUtils.get_resource_type_job`: first matching row in table order, else `Undefined`. */
export function resourceTypeForJob(types: readonly ResourceSpec[], job: ResourceJob): string {
  for (const spec of types) if (matchJob(spec, job)) return spec.resource_name;
  return UNDEFINED_RESOURCE_TYPE;
}

function find(types: readonly ResourceSpec[], name: string): ResourceSpec | undefined {
  return types.find((t) => t.resource_name === name);
}

/** `ResourceSpec.is_single_core`: mincore = maxcore = 1. */
export function isSingleCore(types: readonly ResourceSpec[], name: string): boolean {
  const spec = find(types, name);
  return spec !== undefined && spec.mincore === 1 && spec.maxcore === 1;
}

/** `ResourceSpec.is_multi_core`: mincore > 1. */
export function isMultiCore(types: readonly ResourceSpec[], name: string): boolean {
  const spec = find(types, name);
  return spec !== undefined && spec.mincore !== null && spec.mincore > 1;
}

/** `ResourceSpecMapper.is_high_memory`: no RAM ceiling, or a ceiling above the threshold. */
export function isHighMemory(
  types: readonly ResourceSpec[],
  name: string,
  threshold = HIMEM_THRESHOLD,
): boolean {
  const spec = find(types, name);
  return spec !== undefined && (spec.maxrampercore === null || spec.maxrampercore > threshold);
}

/** `ResourceSpecMapper.translate_resourcetype_to_cores`: the PQ core count for multi-core types, else 1. */
export function coresForResourceType(
  types: readonly ResourceSpec[],
  name: string,
  queueCores: number,
): number {
  return isMultiCore(types, name) ? queueCores : 1;
}

/** `ResourceSpecMapper.filter_out_high_memory_resourcetypes`: names that are not high-memory at `threshold`. */
export function resourceTypesUnderMemory(
  types: readonly ResourceSpec[],
  threshold = HIMEM_THRESHOLD,
): string[] {
  return types.filter((t) => !isHighMemory(types, t.resource_name, threshold)).map((t) => t.resource_name);
}

/** Inputs of `JobUtils.getJobMinRamCount`. */
export interface JobRamInput {
  /** `inputChunk.getMaxRamCount()`. */
  ramCount: number;
  ramUnit?: string | null;
  baseRamCount?: number | null;
  /** Cores of the job (the PQ core count for multi-core tasks). */
  coreCount: number;
  isMerging?: boolean;
}

/**
 * `getJobMinRamCount`: the job's compensated `minRamCount` and its unit. Per-core units are multiplied by the
 * cores and the base RAM added; merge jobs use the chunk's value in MB as is (then compensated too).
 */
export function jobMinRamCount(input: JobRamInput): { minRamCount: number; minRamUnit: string } {
  let ram = input.ramCount;
  let unit = 'MB';
  if (!input.isMerging) {
    unit = input.ramUnit ? input.ramUnit : 'MB';
    if (PER_CORE_UNITS.has(unit)) {
      ram = ram * input.coreCount + (input.baseRamCount ?? 0);
      unit = unit.replace(/PerCore.*$/, '');
    }
  }
  return { minRamCount: compensateRamCount(ram), minRamUnit: unit };
}
