/**
 * Loads a scenario file: YAML → schema (schema.ts) → the files it names (a catalog for the platform, a shares
 * file) → cross-reference checks (checks.ts) → a `Scenario` with units parsed and defaults applied. Every
 * problem in all of these files is collected and thrown together as one ScenarioError.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { z } from 'zod';
import { formatPath, issuesToProblems, type GlobalShareRow } from '@pandasim/panda';
import {
  checkBackground,
  checkPlatform,
  checkShares,
  checkSource,
  checkWorkflows,
  MISSING,
  type CheckContext,
  type Place,
} from './checks.ts';
import { EMBEDDED_SCENARIOS } from './embedded.ts';
import { checkFaults } from './fault-checks.ts';
import { toFaultSpec } from './fault-spec.ts';
import { loadTraces, type TraceDefaults } from './trace-schema.ts';
import { isPlainObject, readYaml, shortJson } from './yaml-input.ts';
import { joinPath, ScenarioError, type ScenarioProblem } from './scenario-error.ts';
import {
  CatalogFileSchema,
  PlatformSchema,
  SCENARIO_DEFAULTS as D,
  ScenarioFileSchema,
  SharesFileSchema,
  SharesSchema,
  WorkflowFileSchema,
  WorkflowSchema,
  type BackgroundLoadInput,
  type PlatformInput,
  type WorkflowInput,
} from './schema.ts';
import type { BackgroundLoad, Platform, Scenario, WorkflowSpec, WorkflowTaskSpec } from './scenario.ts';

export { ScenarioError } from './scenario-error.ts';

/** Collects the problems of one scenario and its files; also the context the checks report into. */
class Problems implements CheckContext {
  readonly list: ScenarioProblem[] = [];
  sources: ReadonlySet<string> | undefined = undefined;

  report(place: Place, path: string, expected: string, got?: unknown): void {
    const shown = got === undefined ? null : got === MISSING ? 'nothing' : shortJson(got);
    this.list.push({ file: place.file, path: joinPath(place.prefix, path), expected, got: shown });
  }

  /** Validates `input`; the output, or undefined after reporting every issue. */
  validate<T>(schema: z.ZodType<T>, input: unknown, place: Place): T | undefined {
    const result = schema.safeParse(input, { reportInput: true });
    if (result.success) return result.data;
    for (const p of issuesToProblems(result.error.issues, schema, input)) {
      const got = p.value ?? (p.path === '' ? null : 'nothing');
      this.list.push({ file: place.file, path: joinPath(place.prefix, p.path), expected: p.expected, got });
    }
    return undefined;
  }
}

/** Reads a file another one names (relative to it); a failure is reported at the naming field. */
function readNamed(ref: string, from: Place, field: string, what: string, problems: Problems) {
  const file = isAbsolute(ref) ? ref : join(dirname(from.file), ref);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    problems.report(from, field, `${what} that can be read (${(error as Error).message})`, ref);
    return undefined;
  }
  const raw = readYaml(text, file, problems.list);
  return raw === undefined ? undefined : { place: { file, prefix: '' }, raw };
}

/** Citation keys as a file defines them: undefined if its map is broken. */
type SourceMap = Readonly<Record<string, string>> | undefined;

interface PlatformPart {
  /** The parsed YAML, for the checks. */
  readonly raw: unknown;
  /** The schema's output, if it passed. */
  readonly value: PlatformInput | undefined;
  readonly place: Place;
  readonly sources: SourceMap;
}

/** The platform: a catalog file (`platform: catalogs/default.yaml`) or written inline. */
function loadPlatform(ref: string | object, from: Place, problems: Problems): PlatformPart | undefined {
  if (typeof ref !== 'string') {
    const place = { file: from.file, prefix: 'platform' };
    return { raw: ref, value: problems.validate(PlatformSchema, ref, place), place, sources: {} };
  }
  const named = readNamed(ref, from, 'platform', 'a catalog file', problems);
  if (named === undefined) return undefined;
  const value = problems.validate(CatalogFileSchema, named.raw, named.place);
  return { raw: named.raw, value, place: named.place, sources: sourcesOf(named.raw) };
}

interface SharesPart {
  readonly rows: GlobalShareRow[] | undefined;
  readonly rowsPlace: Place;
  readonly sources: SourceMap;
  /** A shares file's own citation key, where it is. */
  readonly source?: { readonly place: Place; readonly key: unknown };
}

/** The GLOBAL_SHARES rows: a shares file (`shares: shares/atlas.yaml`) or written inline. */
function loadShares(ref: string | unknown[], from: Place, problems: Problems): SharesPart | undefined {
  if (typeof ref !== 'string') {
    const rowsPlace = { file: from.file, prefix: 'shares' };
    return { rows: problems.validate(SharesSchema, ref, rowsPlace), rowsPlace, sources: {} };
  }
  const named = readNamed(ref, from, 'shares', 'a shares file', problems);
  if (named === undefined) return undefined;
  const parsed = problems.validate(SharesFileSchema, named.raw, named.place);
  return {
    rows: parsed?.rows,
    rowsPlace: { file: named.place.file, prefix: 'rows' },
    sources: sourcesOf(named.raw),
    source: { place: named.place, key: isPlainObject(named.raw) ? named.raw.source : undefined },
  };
}

interface WorkflowPart {
  readonly raw: unknown;
  readonly value: WorkflowInput | undefined;
  /** A workflow file's top, or `workflows[i]` of the scenario for one written inline. */
  readonly place: Place;
  readonly sources: SourceMap;
}

/** The workflows: each written inline or a workflow file (`- workflows/x.yaml`, what `import wfformat` writes). */
function loadWorkflows(list: unknown, from: Place, problems: Problems): WorkflowPart[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((ref: unknown, i): WorkflowPart[] => {
    const field = `workflows[${i}]`;
    if (isPlainObject(ref)) {
      const place = { file: from.file, prefix: field };
      return [{ raw: ref, value: problems.validate(WorkflowSchema, ref, place), place, sources: {} }];
    }
    // Anything else is the schema's to report.
    if (typeof ref !== 'string') return [];
    const named = readNamed(ref, from, field, 'a workflow file', problems);
    if (named === undefined) return [];
    const value = problems.validate(WorkflowFileSchema, named.raw, named.place);
    return [{ raw: named.raw, value, place: named.place, sources: sourcesOf(named.raw) }];
  });
}

/** The `sources` map of a file's parsed YAML ({} if it has none). */
function sourcesOf(raw: unknown): SourceMap {
  return isPlainObject(raw) ? stringMap(raw.sources ?? {}) : {};
}

/** A citation map as written, if it is one (the schema reports it otherwise). */
function stringMap(value: unknown): Record<string, string> | undefined {
  if (!isPlainObject(value) || !Object.values(value).every((v) => typeof v === 'string')) return undefined;
  return value as Record<string, string>;
}

/**
 * All files' citation keys in one map. A key defined twice must say the same thing. Undefined when some
 * file's map is broken: the keys are then not checked, rather than every use reported as unknown.
 */
function mergeSources(
  maps: readonly { readonly place: Place; readonly map: Readonly<Record<string, string>> | undefined }[],
  problems: Problems,
): Record<string, string> | undefined {
  const merged: Record<string, string> = {};
  const origin = new Map<string, string>();
  for (const { place, map } of maps) {
    if (map === undefined) return undefined;
    for (const [key, text] of Object.entries(map)) {
      const first = origin.get(key);
      if (first !== undefined && merged[key] !== text) {
        problems.report(place, formatPath(['sources', key]), `the same reference as ${first} gives`, text);
      }
      origin.set(key, place.file);
      merged[key] = text;
    }
  }
  return merged;
}

// ---------------------------------------------------------------------------------------------------------
// Defaults applied: the scenario as the simulator takes it

function toPlatform(p: PlatformInput): Platform {
  const uplink = (value: number | undefined) => value ?? D.uplink;
  return {
    network: { regions: p.network.regions, links: p.network.links ?? [], source: p.network.source },
    gridSites: (p.gridSites ?? []).map((s) => ({
      name: s.name,
      region: s.region,
      uplink: uplink(s.uplink),
      source: s.source,
      status: s.status ?? 'online',
      ...(s.harvester === undefined ? {} : { harvester: s.harvester }),
      nucleus: s.nucleus ?? D.grid.nucleus,
      batchSystem: s.batchSystem ?? D.grid.batchSystem,
      slots: s.slots,
      coresPerSlot: s.coresPerSlot ?? D.grid.coresPerSlot,
      memoryPerCoreMB: s.memoryPerCoreMB ?? D.grid.memoryPerCoreMB,
      hs06PerCore: s.hs06PerCore ?? D.grid.hs06PerCore,
      queueWait: s.queueWait ?? D.grid.queueWait,
      payloadFailureProbability: s.payloadFailureProbability ?? D.grid.payloadFailureProbability,
      workerLossProbability: s.workerLossProbability ?? D.grid.workerLossProbability,
      maxWalltime: s.maxWalltime ?? D.grid.maxWalltime,
      storage: s.storage ?? D.grid.storage,
    })),
    hpc: (p.hpc ?? []).map((h) => ({
      ...h,
      uplink: uplink(h.uplink),
      allocationNodeHours: h.allocationNodeHours ?? D.hpc.allocationNodeHours,
      // One job (one node) per Harvester batch job unless the catalog bundles more.
      jobsPerWorker: h.jobsPerWorker ?? h.harvester?.nJobsPerWorker ?? 1,
    })),
    funcx: (p.funcx ?? []).map((f) => ({
      ...f,
      uplink: uplink(f.uplink),
      nodesPerBlock: f.nodesPerBlock ?? D.funcx.nodesPerBlock,
      maxBlocks: f.maxBlocks ?? D.funcx.maxBlocks,
      workersPerNode: f.workersPerNode ?? D.funcx.workersPerNode,
    })),
    cloud: (p.cloud ?? []).map((c) => ({
      ...c,
      uplink: uplink(c.uplink),
      gpuSpeed: c.gpuSpeed ?? D.cloud.gpuSpeed,
      hs06PerCore: c.hs06PerCore ?? D.cloud.hs06PerCore,
      spot: c.spot ?? D.cloud.spot,
    })),
    local: (p.local ?? []).map((l) => ({
      ...l,
      uplink: uplink(l.uplink),
      gpus: l.gpus ?? D.local.gpus,
      gpuSpeed: l.gpuSpeed ?? D.local.gpuSpeed,
      hs06PerCore: l.hs06PerCore ?? D.local.hs06PerCore,
    })),
  };
}

function defaultPriority(label: 'managed' | 'user'): number {
  return label === 'user' ? D.work.userPriority : D.work.managedPriority;
}

function toBackground(b: BackgroundLoadInput): BackgroundLoad {
  const prodSourceLabel = b.prodSourceLabel ?? D.work.prodSourceLabel;
  const coreCount = b.coreCount ?? D.work.coreCount;
  return {
    ...b,
    prodSourceLabel,
    coreCount,
    ramMB: b.ramMB ?? coreCount * D.work.ramMBPerCore,
    inputBytesPerJob: b.inputBytesPerJob ?? 0,
    outputBytesPerJob: b.outputBytesPerJob ?? 0,
    priority: b.priority ?? defaultPriority(prodSourceLabel),
    users: b.users ?? D.work.users,
  };
}

const TRACE_DEFAULTS: TraceDefaults = { coresPerSlot: D.grid.coresPerSlot, priority: defaultPriority };

function toWorkflow(w: WorkflowInput): WorkflowSpec {
  return {
    name: w.name,
    user: w.user,
    submitAt: w.submitAt ?? D.submitAt,
    tasks: w.tasks.map((t): WorkflowTaskSpec => {
      const kind = t.kind ?? 'cpu';
      const prodSourceLabel = t.prodSourceLabel ?? D.work.prodSourceLabel;
      const coreCount = t.coreCount ?? D.work.coreCount;
      return {
        ...t,
        after: t.after ?? [],
        stream: t.stream ?? false,
        kind,
        prodSourceLabel,
        priority: t.priority ?? defaultPriority(prodSourceLabel),
        coreCount,
        gpusPerJob: t.gpusPerJob ?? (kind === 'gpu' ? D.work.gpusPerGpuJob : 0),
        ramMB: t.ramMB ?? coreCount * D.work.ramMBPerCore,
        inputBytesPerJob: t.inputBytesPerJob ?? 0,
        sharedInputBytes: t.sharedInputBytes ?? 0,
        outputBytesPerJob: t.outputBytesPerJob ?? 0,
      };
    }),
  };
}

// ---------------------------------------------------------------------------------------------------------

/**
 * A scenario from its YAML text. `file` names it in errors and anchors the relative paths it gives for its
 * platform and shares. Throws a ScenarioError listing every problem found.
 */
export function parseScenario(text: string, file: string): Scenario {
  const problems = new Problems();
  const raw = readYaml(text, file, problems.list);
  if (raw === undefined) throw new ScenarioError(problems.list);
  const place: Place = { file, prefix: '' };
  const top = problems.validate(ScenarioFileSchema, raw, place);
  const rawTop = isPlainObject(raw) ? raw : {};

  // A platform or shares of the wrong type is the schema's to report.
  const platform =
    typeof rawTop.platform === 'string' || isPlainObject(rawTop.platform)
      ? loadPlatform(rawTop.platform, place, problems)
      : undefined;
  const shares =
    typeof rawTop.shares === 'string' || Array.isArray(rawTop.shares)
      ? loadShares(rawTop.shares, place, problems)
      : undefined;
  const workflows = loadWorkflows(rawTop.workflows, place, problems);

  const sources = mergeSources(
    [
      { place, map: sourcesOf(raw) },
      ...(platform ? [{ place: platform.place, map: platform.sources }] : []),
      ...(shares ? [{ place: { file: shares.rowsPlace.file, prefix: '' }, map: shares.sources }] : []),
      ...workflows.filter((w) => w.place.prefix === '').map((w) => ({ place: w.place, map: w.sources })),
    ],
    problems,
  );
  problems.sources = sources === undefined ? undefined : new Set(Object.keys(sources));

  if (platform) checkPlatform(platform.raw, platform.place, problems);
  if (shares?.source) checkSource(problems, shares.source.place, '', shares.source.key);
  const tree = shares?.rows ? checkShares(shares.rows, shares.rowsPlace, problems) : undefined;
  checkBackground(rawTop.background, tree, place, problems);
  const traces = loadTraces(top?.traces ?? [], file, platform?.value, tree, TRACE_DEFAULTS, problems);
  checkWorkflows(workflows, tree, problems);
  checkFaults(rawTop.faults, platform?.raw, place, problems);

  if (problems.list.length > 0 || !top || !platform?.value || !shares?.rows || !sources) {
    throw new ScenarioError(problems.list);
  }
  return {
    name: top.name,
    description: top.description ?? '',
    file,
    horizon: top.horizon,
    seeds: top.seeds ?? D.seeds,
    policies: top.policies ?? D.policies,
    sources,
    platform: toPlatform(platform.value),
    shares: shares.rows,
    background: (top.background ?? []).map(toBackground),
    // Every workflow passed its schema: any problem would have been thrown above.
    workflows: workflows.flatMap((w) => (w.value === undefined ? [] : [toWorkflow(w.value)])),
    ...(top.budget === undefined ? {} : { budget: top.budget }),
    ...(top.warmStart === undefined ? {} : { warmStart: top.warmStart }),
    ...(traces !== undefined && traces.length > 0 ? { traces } : {}),
    ...(top.faults !== undefined && top.faults.length > 0 ? { faults: top.faults.map(toFaultSpec) } : {}),
  };
}

/** Reads and parses a scenario file; a built-in one gets `file: '<embedded>'` (outputs name no local path). */
export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ScenarioError([
      {
        file: path,
        path: '',
        expected: `a scenario file that can be read (${(error as Error).message})`,
        got: null,
      },
    ]);
  }
  const scenario = parseScenario(text, path);
  const builtIn = Object.values(EMBEDDED_SCENARIOS).includes(resolve(path));
  return builtIn ? { ...scenario, file: '<embedded>' } : scenario;
}
