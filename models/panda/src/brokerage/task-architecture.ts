// Decoding of a task's `architecture` column into the software platform and the host CPU/GPU requirements, as
// `JediTaskSpec.get_sw_platform`, `get_base_platform`, `get_host_cpu_spec`, `get_host_gpu_spec` and
// `get_host_cpu_preference` do (pandaserver/taskbuffer/JediTaskSpec.py). Two forms exist: JSON, and the encoded
// `sw_platform@base_platform#cpu_specs&gpu_spec` string. brokerage.md §2.2 step 10 and §6.

/** One acceptable host CPU; `*` = unspecified. */
export interface CpuSpec {
  arch: string;
  vendor: string;
  instr: string;
}

/** Host GPU requirement. Numeric constraints keep PanDA's `<op><value>` form, e.g. `>=40960`. */
export interface GpuSpec {
  /** regex matched at the start, case-insensitive; `*` = any */
  vendor: string;
  /** regex, or an exclusion pattern; `*` = any */
  model: string | { pattern: string; excl: boolean };
  vram?: string;
  /** CUDA version constraint */
  version?: string;
  driver_version?: string;
  microarchitecture?: string | string[];
}

export interface TaskArchitecture {
  sw_platform: string | null;
  base_platform: string | null;
  cpuSpecs: CpuSpec[] | null;
  gpuSpec: GpuSpec | null;
  /** `cpu_pref.preferred_architecture_level` (JSON form only). */
  preferredArchitectureLevel: string | null;
}

type JsonArchitecture = {
  sw_platform?: string;
  base_platform?: string | null;
  cpu_specs?: Array<Partial<CpuSpec> & { arch: string }> | null;
  gpu_spec?: Partial<GpuSpec> | null;
  cpu_pref?: { preferred_architecture_level?: string } | null;
};

function parseJson(text: string): JsonArchitecture | null {
  if (!text.trimStart().startsWith('{')) return null;
  try {
    return JSON.parse(text) as JsonArchitecture;
  } catch {
    return null;
  }
}

function fromJson(d: JsonArchitecture): TaskArchitecture {
  const specs = d.cpu_specs;
  const gpu = d.gpu_spec;
  return {
    sw_platform: d.sw_platform ?? '',
    base_platform: d.base_platform ?? null,
    cpuSpecs:
      specs && specs.length > 0
        ? specs.map((s) => ({ arch: s.arch, vendor: s.vendor ?? '*', instr: s.instr ?? '*' }))
        : null,
    gpuSpec: gpu ? { ...gpu, vendor: gpu.vendor ?? '*', model: gpu.model ?? '*' } : null,
    preferredArchitectureLevel: d.cpu_pref?.preferred_architecture_level ?? null,
  };
}

// `"-*" * n` in Python is empty for n ≤ 0.
function pad(s: string, dashes: number): string {
  const have = s.split('-').length - 1;
  return dashes > have ? s + '-*'.repeat(dashes - have) : s;
}

function encodedCpuSpecs(a: string): CpuSpec[] | null {
  if (!a) return null;
  if (!a.includes('#')) {
    // old format: the first token of the platform is read as the CPU architecture
    if (/^[\^@&]/.test(a)) return null;
    const arch = a.split('-')[0];
    return arch ? [{ arch, vendor: '*', instr: '*' }] : null;
  }
  let specText = /#([^^@&]*)/.exec(a)?.[1] ?? '';
  if (!specText) return null;
  if (specText.startsWith('(')) specText = specText.slice(1);
  if (specText.endsWith(')')) specText = specText.slice(0, -1);
  return specText.split('|').map((one) => {
    let s = pad(one, 2);
    if (!s.includes('-')) s += '-*';
    const items = s.split('-');
    return { arch: items[0], vendor: items[1], instr: items[2] };
  });
}

const GPU_SHORTHAND: Record<string, 'version' | 'microarchitecture' | 'driver_version' | 'model' | 'vram'> = {
  cuda: 'version',
  uarch: 'microarchitecture',
  driver: 'driver_version',
  model: 'model',
  vram: 'vram',
};

function encodedGpuSpec(a: string): GpuSpec | null {
  if (!a.includes('&')) return null;
  const specText = /&([^^@#]*)/.exec(a)?.[1] ?? '';
  if (!specText) return null;
  const parts = specText.split(':');
  const items = pad(parts[0], 1).split('-');
  const spec: GpuSpec = { vendor: items[0], model: items[1] };
  for (const part of parts.slice(1)) {
    const m = /^(\w+)(>=|<=|!=|==|>|<|=)(.*)$/.exec(part);
    if (!m) continue;
    const key = GPU_SHORTHAND[m[1]];
    if (!key) continue;
    const [, , op, val] = m;
    if (key === 'model') spec.model = op === '!=' ? { pattern: val, excl: true } : val;
    else if (key === 'microarchitecture') spec.microarchitecture = val;
    else spec[key] = (op === '=' ? '==' : op) + val;
  }
  return spec;
}

/** Decode a task `architecture` value (absent ⇒ no platform and no host requirements). */
export function parseTaskArchitecture(architecture: string | undefined): TaskArchitecture {
  if (architecture === undefined) {
    return {
      sw_platform: null,
      base_platform: null,
      cpuSpecs: null,
      gpuSpec: null,
      preferredArchitectureLevel: null,
    };
  }
  const json = parseJson(architecture);
  if (json) return fromJson(json);
  let base: string | null = null;
  if (architecture.includes('@')) base = /@([^#&]*)/.exec(architecture)?.[1] || null;
  return {
    sw_platform: /^([^@#&]*)/.exec(architecture)?.[1] ?? architecture,
    base_platform: base,
    cpuSpecs: encodedCpuSpecs(architecture),
    gpuSpec: encodedGpuSpec(architecture),
    preferredArchitectureLevel: null,
  };
}
