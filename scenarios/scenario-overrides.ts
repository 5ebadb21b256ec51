/**
 * A variant of a scenario for a sweep: the scenario file's YAML object with some fields replaced, written back
 * as one self-contained YAML text. The catalog and shares file the scenario names are read and written inline
 * first, so an override can reach into them (`platform.hpc[0].nodes`) and the text is all a worker needs.
 * The text is then checked by the scenario loader, and each problem it finds is reported at the sweep
 * parameter whose value caused it.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { formatPath } from '@pandasim/panda';
import { isPathPrefix, parseFieldPath, type FieldPath } from './field-path.ts';
import { parseScenario } from './load.ts';
import { formatProblem, ScenarioError, type ScenarioProblem } from './scenario-error.ts';
import type { SweepParameter } from './sweep-file.ts';
import { isPlainObject, shortJson } from './yaml-input.ts';

/** A parameter at one of its values. */
export interface Override {
  readonly parameter: SweepParameter;
  readonly valueIndex: number;
}

type RawMap = Record<string, unknown>;

const valueOf = (o: Override): unknown => o.parameter.values[o.valueIndex];

/** `platform.hpc[0].nodes=8, background[0].taskRate="4/d"`. */
export function assignmentText(overrides: readonly Override[]): string {
  return overrides.map((o) => `${o.parameter.name}=${JSON.stringify(valueOf(o))}`).join(', ');
}

/** The child of a map or list on a path; why there is none, when there is none. */
function child(node: unknown, segment: string | number, at: FieldPath): { value: unknown } | string {
  if (typeof segment === 'number') {
    if (!Array.isArray(node)) return `${formatPath(at)} is not a list`;
    const n = node.length;
    if (segment >= n) return `${formatPath(at)} has ${n} ${n === 1 ? 'entry' : 'entries'}`;
    return { value: node[segment] };
  }
  if (!isPlainObject(node)) return `${formatPath(at)} is not a map of fields`;
  return { value: node[segment] };
}

/** Sets the field at `path` (its parent must exist); what the path should have been when it cannot. */
function setAt(root: RawMap, path: FieldPath, value: unknown): string | undefined {
  let node: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const next = child(node, path[i], path.slice(0, i));
    if (typeof next === 'string') return `a field path into the scenario (${next})`;
    if (i === path.length - 1) break;
    if (next.value === undefined) {
      return `a field path into the scenario (${formatPath(path.slice(0, i + 1))} is not there)`;
    }
    node = next.value;
  }
  (node as Record<string | number, unknown>)[path[path.length - 1]] = structuredClone(value);
  return undefined;
}

/**
 * Replaces `raw[field]`, a file name relative to the scenario, by what the file holds: a catalog's platform
 * fields, a shares file's rows. Their citations join the scenario's `sources`; a shares file's own `source`
 * key is dropped (rows written inline have no place for it; the scenario as written was checked with it).
 * Returns what was expected when the file cannot be used.
 */
function inlineFile(raw: RawMap, field: 'platform' | 'shares', scenarioFile: string): string | undefined {
  const ref = raw[field];
  if (typeof ref !== 'string') return undefined;
  const file = isAbsolute(ref) ? ref : join(dirname(scenarioFile), ref);
  const what = field === 'platform' ? 'a catalog file' : 'a shares file';
  let named: unknown;
  try {
    named = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return `${what} that can be read (${(error as Error).message})`;
  }
  if (!isPlainObject(named)) return `${what} holding a map of fields`;
  // A catalog's fields but its head stay, for the loader to judge; of a shares file, inline takes the rows.
  const { description: _description, sources, ...fields } = named;
  raw[field] = field === 'platform' ? fields : named.rows;
  if (sources === undefined) return undefined;
  if (!isPlainObject(sources)) return `${what} whose sources are a map of references`;
  const own = isPlainObject(raw.sources) ? raw.sources : {};
  for (const [key, text] of Object.entries(sources)) {
    if (own[key] !== undefined && own[key] !== text) {
      return `${what} whose source ${key} says what the scenario's does`;
    }
  }
  raw.sources = { ...sources, ...own };
  return undefined;
}

/** The scenario file's YAML object (the scenario itself was checked by the loader before). */
export function readScenarioYaml(file: string): RawMap {
  const raw: unknown = parse(readFileSync(file, 'utf8'));
  if (!isPlainObject(raw)) throw new Error(`${file}: not a map of fields`);
  return raw;
}

/** Where a loader problem of a variant comes from: the parameter deepest on its path, or the file's. */
function attribute(p: ScenarioProblem, overrides: readonly Override[], sweepFile: string): ScenarioProblem {
  const path = p.path === '' ? undefined : parseFieldPath(p.path);
  const cause =
    path === undefined
      ? undefined
      : ([...overrides].reverse().find((o) => isPathPrefix(o.parameter.path, path)) ??
        overrides.find((o) => isPathPrefix(path, o.parameter.path)));
  if (cause === undefined || path === undefined) {
    return {
      file: sweepFile,
      path: 'parameters',
      expected: `values the scenario accepts together; with ${assignmentText(overrides)}: ${formatProblem(p)}`,
      got: null,
    };
  }
  const below = path.slice(cause.parameter.path.length);
  return {
    file: sweepFile,
    path: formatPath(['parameters', cause.parameter.name, cause.valueIndex, ...below]),
    expected: p.expected,
    got: p.got,
  };
}

export type VariantText =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly problems: readonly ScenarioProblem[] };

/**
 * The scenario with the overrides applied, ancestors before descendants (a new catalog for `platform`, then
 * a field inside it), checked by the loader. Problems name the sweep file and the parameter.
 */
export function scenarioVariant(
  base: RawMap,
  scenarioFile: string,
  overrides: readonly Override[],
  sweepFile: string,
): VariantText {
  const raw = structuredClone(base);
  const sorted = [...overrides].sort((a, b) => a.parameter.path.length - b.parameter.path.length);
  const problems: ScenarioProblem[] = [];
  const at = (o: Override, expected: string): ScenarioProblem => ({
    file: sweepFile,
    path: formatPath(['parameters', o.parameter.name, o.valueIndex]),
    expected,
    got: shortJson(valueOf(o)),
  });
  /** The override that last set a top-level field, to blame when the file it names is unusable. */
  const setter = new Map<string, Override>();
  const inline = (field: 'platform' | 'shares') => {
    const failed = inlineFile(raw, field, scenarioFile);
    if (failed === undefined) return true;
    const o = setter.get(field);
    problems.push(
      o === undefined ? { file: scenarioFile, path: field, expected: failed, got: null } : at(o, failed),
    );
    return false;
  };
  for (const o of sorted) {
    const head = o.parameter.path[0];
    if ((head === 'platform' || head === 'shares') && o.parameter.path.length > 1 && !inline(head)) continue;
    const failed = setAt(raw, o.parameter.path, valueOf(o));
    if (failed !== undefined) problems.push(at(o, failed));
    if (o.parameter.path.length === 1) setter.set(String(head), o);
  }
  if (problems.length === 0) {
    inline('platform');
    inline('shares');
  }
  if (problems.length > 0) return { ok: false, problems };
  const text = stringify(raw, { aliasDuplicateObjects: false });
  try {
    parseScenario(text, scenarioFile);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    return { ok: false, problems: error.problems.map((p) => attribute(p, sorted, sweepFile)) };
  }
  return { ok: true, text };
}
