/**
 * A sweep: the variants of a scenario (every combination of the sweep file's parameter values, the first
 * parameter varying slowest) × its policies × its seeds. Each (variant, policy, seed) is a cell with a stable
 * id and index; `runSweep` runs cells on a pool of worker threads, one cell per task, and writes each cell's RunSummary
 * atomically to `DIR/cells/<id>.json` as soon as it is done, so a killed sweep loses only the cells that were
 * running. `DIR/sweep.json` is the manifest: the resolved sweep, which `mergeSweep` (sweep-merge.ts) reads.
 *
 * A shard `I/N` runs the cells whose index is I mod N: round-robin, so every shard gets a share of each
 * variant and policy (their run times differ far more than the seeds' do).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { writeJsonAtomic } from '../reports/files.ts';
import type { RunSummary } from '../reports/summary.ts';
import { EMBEDDED_SCENARIOS } from './embedded.ts';
import { loadScenario } from './load.ts';
import { formatProblem, ScenarioError, type ScenarioProblem } from './scenario-error.ts';
import { readScenarioYaml, scenarioVariant, type Override } from './scenario-overrides.ts';
import { loadSweepFile, type SweepFile } from './sweep-file.ts';
import { withRunPool } from './worker-pool.ts';

export const SWEEP_VERSION = 1;

export interface SweepVariant {
  /** `v0`, `v1`, …, zero-padded to the same width: names `merged/<id>/`. */
  readonly id: string;
  readonly index: number;
  /** Parameter (as written in the sweep file) → its value in this variant. */
  readonly values: Readonly<Record<string, unknown>>;
  /** SHA-256 of the variant's scenario text: a changed scenario or catalog is a different sweep. */
  readonly digest: string;
}

export interface SweepCell {
  /** `<variant>--<policy>--seed-<seed>`, e.g. `v1--grid-only--seed-0003`. */
  readonly id: string;
  /** Position in the manifest: variant, then policy, then seed. */
  readonly index: number;
  readonly variant: string;
  readonly policy: string;
  readonly seed: number;
}

/** `DIR/sweep.json`. Holds no path of this machine: shards on other nodes resolve the same manifest. */
export interface SweepManifest {
  readonly version: typeof SWEEP_VERSION;
  /** The scenario's name. */
  readonly scenario: string;
  /** The first is the baseline of each variant's comparison. */
  readonly policies: readonly string[];
  readonly seeds: readonly number[];
  readonly parameters: Readonly<Record<string, readonly unknown[]>>;
  readonly variants: readonly SweepVariant[];
  readonly cells: readonly SweepCell[];
}

export interface ResolvedSweep {
  readonly file: string;
  /** The scenario file the variants derive from (a built-in one's absolute path). */
  readonly scenarioFile: string;
  readonly manifest: SweepManifest;
  /** Variant id → its scenario as one self-contained YAML text. */
  readonly texts: ReadonlyMap<string, string>;
}

export interface Shard {
  readonly index: number;
  readonly count: number;
}

export interface SweepOptions {
  /** The sweep file. */
  readonly file: string;
  /** The sweep's directory. */
  readonly out: string;
  /** Skip cells whose file is there and parses. */
  readonly resume?: boolean;
  /** Run only this shard's cells. */
  readonly shard?: Shard;
  /** Cells at once (default: the machine's cores). */
  readonly parallel?: number;
  /** Told after each cell run now, done or failed (`done` counts both). */
  readonly onCell?: (cell: SweepCell, done: number, total: number) => void;
  /** Stops the sweep (Ctrl-C): the cells under way are dropped, the finished ones stay for `resume`. */
  readonly signal?: AbortSignal;
}

export interface SweepRun {
  readonly manifest: SweepManifest;
  /** Cells run now, by index. */
  readonly ran: readonly string[];
  /** Cells of this shard found done (with `resume`). */
  readonly skipped: readonly string[];
  /** The signal stopped it: cells of this shard are left to run (`resume` runs them). */
  readonly interrupted: boolean;
}

/** Cells that failed, after the others have run; their messages say why. */
export class CellsFailedError extends Error {
  constructor(
    readonly failed: readonly string[],
    of: number,
  ) {
    super(`${failed.length} of ${of} cells failed (--resume runs them again):\n${failed.join('\n')}`);
    this.name = 'CellsFailedError';
  }
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export function cellId(variant: string, policy: string, seed: number): string {
  return `${variant}--${policy}--seed-${pad(seed, 4)}`;
}

export function cellFile(dir: string, id: string): string {
  return join(dir, 'cells', `${id}.json`);
}

/** The scenario a sweep file names: a built-in one, or a file relative to the sweep file. */
function scenarioFileOf(sweep: SweepFile): string {
  if (Object.hasOwn(EMBEDDED_SCENARIOS, sweep.scenario)) return EMBEDDED_SCENARIOS[sweep.scenario];
  const file = isAbsolute(sweep.scenario) ? sweep.scenario : join(dirname(sweep.file), sweep.scenario);
  if (existsSync(file) && statSync(file).isFile()) return file;
  throw new ScenarioError([
    {
      file: sweep.file,
      path: 'scenario',
      expected: `a built-in scenario (${Object.keys(EMBEDDED_SCENARIOS).join(', ')}) or a scenario file relative to the sweep file`,
      got: JSON.stringify(sweep.scenario),
    },
  ]);
}

/** Every combination of the parameters' values, the first parameter varying slowest. */
function grid(sweep: SweepFile): Override[][] {
  const total = sweep.parameters.reduce((n, p) => n * p.values.length, 1);
  return Array.from({ length: total }, (_, v) => {
    let rest = v;
    const overrides: Override[] = [];
    for (let i = sweep.parameters.length - 1; i >= 0; i--) {
      const parameter = sweep.parameters[i];
      overrides.unshift({ parameter, valueIndex: rest % parameter.values.length });
      rest = Math.floor(rest / parameter.values.length);
    }
    return overrides;
  });
}

/**
 * Reads a sweep file and everything it names, builds and checks every variant: a ScenarioError lists all
 * problems (the scenario's own, named by its file; a bad override, by the sweep file and the parameter).
 */
export function resolveSweep(file: string): ResolvedSweep {
  const sweep = loadSweepFile(file);
  const scenarioFile = scenarioFileOf(sweep);
  const scenario = loadScenario(scenarioFile);
  const base = readScenarioYaml(scenarioFile);
  const combinations = grid(sweep);
  const width = String(combinations.length - 1).length;
  const problems = new Map<string, ScenarioProblem>();
  const texts = new Map<string, string>();
  const variants: SweepVariant[] = [];
  combinations.forEach((overrides, index) => {
    const variant = scenarioVariant(base, scenarioFile, overrides, file);
    if (!variant.ok) {
      for (const p of variant.problems) problems.set(formatProblem(p), p);
      return;
    }
    const id = `v${pad(index, width)}`;
    texts.set(id, variant.text);
    variants.push({
      id,
      index,
      values: Object.fromEntries(overrides.map((o) => [o.parameter.name, o.parameter.values[o.valueIndex]])),
      digest: createHash('sha256').update(variant.text).digest('hex'),
    });
  });
  if (problems.size > 0) throw new ScenarioError([...problems.values()]);
  const policies = sweep.policies ?? scenario.policies;
  const seeds = sweep.seeds ?? scenario.seeds;
  const cells = variants.flatMap((v) =>
    policies.flatMap((policy) => seeds.map((seed) => ({ variant: v.id, policy, seed }))),
  );
  const manifest: SweepManifest = {
    version: SWEEP_VERSION,
    scenario: scenario.name,
    policies: [...policies],
    seeds: [...seeds],
    parameters: Object.fromEntries(sweep.parameters.map((p) => [p.name, p.values])),
    variants,
    cells: cells.map((c, index) => ({ id: cellId(c.variant, c.policy, c.seed), index, ...c })),
  };
  return { file, scenarioFile, manifest, texts };
}

/** The cells of a shard (all of them without one). */
export function shardCells(cells: readonly SweepCell[], shard?: Shard): SweepCell[] {
  if (shard === undefined) return [...cells];
  const { index, count } = shard;
  if (!(Number.isInteger(count) && count >= 1 && Number.isInteger(index) && index >= 0 && index < count)) {
    throw new RangeError(`shard ${index}/${count}: expected I/N with 0 <= I < N`);
  }
  return cells.filter((c) => c.index % count === index);
}

const manifestText = (manifest: SweepManifest) => `${JSON.stringify(manifest, null, 2)}\n`;

/**
 * Writes `DIR/sweep.json`, or leaves it when it says the same: shards of one sweep all call this, perhaps at
 * once. A directory holding another sweep (or this one before its scenario changed) is an error, so cells of
 * two sweeps never mix.
 */
export function writeSweepManifest(dir: string, manifest: SweepManifest): void {
  const file = join(dir, 'sweep.json');
  const text = manifestText(manifest);
  if (existsSync(file)) {
    if (readFileSync(file, 'utf8') === text) return;
    throw new ScenarioError([
      {
        file,
        path: '',
        expected:
          "this sweep's manifest: the directory holds another sweep, or this one from before its files " +
          'changed (choose another --out, or remove the directory)',
        got: null,
      },
    ]);
  }
  writeJsonAtomic(file, manifest);
}

/** `DIR/sweep.json`; a ScenarioError when there is none. */
export function readSweepManifest(dir: string): SweepManifest {
  const file = join(dir, 'sweep.json');
  try {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as SweepManifest;
    if (manifest.version === SWEEP_VERSION && Array.isArray(manifest.cells)) return manifest;
  } catch {
    // Reported below, as a file that is not there.
  }
  throw new ScenarioError([
    {
      file,
      path: '',
      expected: `a sweep manifest (version ${SWEEP_VERSION}) written by pandasim sweep`,
      got: null,
    },
  ]);
}

/** A cell's RunSummary if its file is there, parses and is that cell's run. */
export function readCell(dir: string, cell: SweepCell): RunSummary | undefined {
  try {
    const run = JSON.parse(readFileSync(cellFile(dir, cell.id), 'utf8')) as RunSummary;
    return run.policy === cell.policy && run.seed === cell.seed ? run : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs the sweep's cells (this shard's; with `resume`, those not done yet) on a pool of worker threads. A failed cell
 * does not stop the others; after they have run, the failures are thrown together in a CellsFailedError
 * (their files are not written, so `resume` runs them again).
 */
export async function runSweep(options: SweepOptions): Promise<SweepRun> {
  const sweep = resolveSweep(options.file);
  const { manifest } = sweep;
  writeSweepManifest(options.out, manifest);
  const mine = shardCells(manifest.cells, options.shard);
  const done = new Set(
    options.resume ? mine.filter((c) => readCell(options.out, c) !== undefined).map((c) => c.id) : [],
  );
  const todo = mine.filter((c) => !done.has(c.id));
  const ran = new Set<string>();
  const failed: string[] = [];
  let finished = 0;
  await withRunPool(
    todo,
    options.parallel ?? availableParallelism(),
    async (cell, run) => {
      try {
        const summary = await run({
          scenarioFile: sweep.scenarioFile,
          scenarioText: sweep.texts.get(cell.variant),
          policy: cell.policy,
          seed: cell.seed,
        });
        writeJsonAtomic(cellFile(options.out, cell.id), summary);
        ran.add(cell.id);
      } catch (error) {
        // A cell cut short by the signal did not fail: it is left for `resume`.
        if (options.signal?.aborted) return;
        failed.push(`${cell.id}: ${error instanceof Error ? error.message : String(error)}`);
      }
      options.onCell?.(cell, ++finished, todo.length);
    },
    options.signal,
  );
  const interrupted = options.signal?.aborted ?? false;
  if (failed.length > 0 && !interrupted) throw new CellsFailedError(failed.sort(), todo.length);
  return {
    manifest,
    ran: todo.filter((c) => ran.has(c.id)).map((c) => c.id),
    skipped: mine.filter((c) => done.has(c.id)).map((c) => c.id),
    interrupted,
  };
}
