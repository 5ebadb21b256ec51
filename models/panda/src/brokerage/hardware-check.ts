// CPU and GPU gates of `JsonSoftwareCheck.check` (pandajedi/jedibrokerage/AtlasBrokerUtils.py): a PQ whose
// published architecture lists contain `excl` takes only tasks that name such hardware; a task naming hardware
// needs a PQ that publishes it. GPU attributes are checked against the worker-node GPU summary: vendor, model and
// micro-architecture need one matching node type, VRAM / CUDA / driver constraints must hold on every node type.
// brokerage.md §6.

import type { CpuArchitecture, GpuArchitecture, QueueSoftware } from '../snapshot/queue.ts';
import type { CpuSpec, GpuSpec } from './task-architecture.ts';

export type HardwareRejection =
  'cpu_required' | 'gpu_required' | 'no_hw_info' | 'cpu_mismatch' | 'gpu_mismatch';

/** `packaging.version` comparison reduced to dotted numeric releases; null when either side is not numeric. */
export function compareVersions(a: string, b: string): number | null {
  const pa = a.trim().split('.');
  const pb = b.trim().split('.');
  const n = Math.max(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const x = i < pa.length ? Number(pa[i]) : 0;
    const y = i < pb.length ? Number(pb[i]) : 0;
    if (!Number.isFinite(x) || !Number.isFinite(y) || pa[i] === '' || pb[i] === '') return null;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** `compare_version_string(value, "<op><version>")`. */
export function satisfiesConstraint(value: string, constraint: string): boolean {
  const m = /^([=><!]+)(.+)$/.exec(constraint);
  if (!m) return false;
  const c = compareVersions(value, m[2]);
  if (c === null) return false;
  switch (m[1].trim()) {
    case '==':
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
    case '>=':
      return c >= 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '<':
      return c < 0;
    default:
      return false;
  }
}

function hasExcl(cpu: CpuArchitecture): boolean {
  return cpu.arch.includes('excl') || !!cpu.vendor?.includes('excl') || !!cpu.instr?.includes('excl');
}

function fullMatchAny(pattern: string, values: readonly string[]): boolean {
  const re = new RegExp(`^${pattern}$`);
  return values.some((v) => re.test(v));
}

function cpuSpecOk(cpu: CpuArchitecture, spec: CpuSpec): boolean {
  if (spec.arch === '*') {
    if (cpu.arch.includes('excl')) return false;
  } else if (
    !cpu.arch.includes('any') &&
    !cpu.arch.includes(spec.arch) &&
    !fullMatchAny(spec.arch, cpu.arch)
  ) {
    return false;
  }
  if (spec.vendor === '*') {
    if (cpu.vendor?.includes('excl')) return false;
  } else if (!cpu.vendor || (!cpu.vendor.includes('any') && !cpu.vendor.includes(spec.vendor))) {
    return false;
  }
  if (spec.instr === '*') {
    if (cpu.instr?.includes('excl')) return false;
  } else if (!cpu.instr || (!cpu.instr.includes('any') && !cpu.instr.includes(spec.instr))) {
    return false;
  }
  return true;
}

function gpuSpecOk(gpu: GpuArchitecture, spec: GpuSpec): boolean {
  const nodes = gpu.nodes;
  if (spec.vendor !== '*') {
    const re = new RegExp(`^(?:${spec.vendor})`, 'i');
    if (!nodes.some((g) => g.vendor !== undefined && re.test(g.vendor))) return false;
  }
  if (spec.model !== '*') {
    const pattern = typeof spec.model === 'string' ? spec.model : spec.model.pattern;
    const excl = typeof spec.model === 'string' ? false : spec.model.excl;
    if (nodes.length === 0) return false;
    const re = new RegExp(`^(?:${pattern})`, 'i');
    if (nodes.some((g) => g.model !== undefined && re.test(g.model)) === excl) return false;
  }
  const vram = spec.vram;
  if (vram !== undefined) {
    if (nodes.length === 0 || !nodes.every((g) => !!g.vram && satisfiesConstraint(String(g.vram), vram)))
      return false;
  }
  if (spec.microarchitecture !== undefined) {
    const wanted =
      typeof spec.microarchitecture === 'string' ? [spec.microarchitecture] : spec.microarchitecture;
    if (!nodes.some((g) => g.architecture !== undefined && wanted.includes(g.architecture))) return false;
  }
  const cuda = spec.version;
  if (cuda !== undefined) {
    if (
      nodes.length === 0 ||
      !nodes.every((g) => !!g.framework_version && satisfiesConstraint(g.framework_version, cuda))
    )
      return false;
  }
  const driver = spec.driver_version;
  if (driver !== undefined) {
    if (
      nodes.length === 0 ||
      !nodes.every((g) => !!g.driver_version && satisfiesConstraint(g.driver_version, driver))
    )
      return false;
  }
  return true;
}

/**
 * The hardware part of `JsonSoftwareCheck.check` for one PQ with published SW/HW data; null when the PQ may run
 * the task, else why not.
 */
export function checkHardware(
  sw: QueueSoftware,
  cpuSpecs: readonly CpuSpec[] | null,
  gpuSpec: GpuSpec | null,
): HardwareRejection | null {
  if (sw.cpu && hasExcl(sw.cpu) && cpuSpecs === null) return 'cpu_required';
  if (sw.gpu?.excl && gpuSpec === null) return 'gpu_required';
  if (cpuSpecs === null && gpuSpec === null) return null;
  if (!sw.cpu && !sw.gpu) return 'no_hw_info';
  if (cpuSpecs !== null) {
    const cpu = sw.cpu;
    if (!cpu || !cpuSpecs.some((s) => cpuSpecOk(cpu, s))) return 'cpu_mismatch';
  }
  if (gpuSpec !== null && (!sw.gpu || !gpuSpecOk(sw.gpu, gpuSpec))) return 'gpu_mismatch';
  return null;
}
