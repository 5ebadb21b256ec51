/**
 * The sweep file (YAML): one scenario run under several policies, over a grid of overrides of its fields, for
 * several seeds. Strict like the scenario file: an unknown key is an error, and every problem is reported
 * with the file, the field path and what was expected there (a ScenarioError, as the scenario loader's).
 *
 *   scenario: ml-detector-sim-small          # a built-in scenario, or a scenario file relative to this one
 *   policies: [panda-brokerage, grid-only]   # the first is the baseline (default: the scenario's)
 *   seeds: 5                                 # seeds 1..5, or a list [1, 7, 9] (default: the scenario's)
 *   parameters:                              # a field of the scenario file → the values it takes
 *     platform.hpc[0].nodes: [4, 8]
 *     background[0].taskRate: [2/d, 4/d]
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { formatPath, issuesToProblems } from '@pandasim/panda';
import { parseFieldPath, type FieldPath } from './field-path.ts';
import { POLICIES } from './policies/index.ts';
import { ScenarioError, type ScenarioProblem } from './scenario-error.ts';
import { isPlainObject, readYaml, shortJson } from './yaml-input.ts';

/** One field the sweep varies. */
export interface SweepParameter {
  /** As written in the sweep file: the key of `parameters`. */
  readonly name: string;
  readonly path: FieldPath;
  /** The values, in the file's order (the grid's order). */
  readonly values: readonly unknown[];
}

export interface SweepFile {
  readonly file: string;
  /** As written: a built-in name or a path relative to the sweep file. */
  readonly scenario: string;
  readonly policies?: readonly string[];
  readonly seeds?: readonly number[];
  readonly parameters: readonly SweepParameter[];
}

/** Fields a sweep cannot vary: it chooses them itself. */
const OWN_FIELDS = new Set(['policies', 'seeds']);

/**
 * Bounds on a sweep's size, so that a typo (`seeds: 1e9`, a parameter with a thousand values) is an error at
 * load, not a list too long to allocate or hours spent checking variants: each variant is a scenario checked
 * at load, and every variant runs under every policy and seed. [E] far above any sweep run so far (90 cells).
 */
export const MAX_SEED_COUNT = 1000;
export const MAX_VARIANTS = 1000;

const isSeeds = (value: unknown): boolean =>
  (Number.isInteger(value) && (value as number) >= 1) ||
  (Array.isArray(value) &&
    value.length > 0 &&
    value.every((s) => Number.isInteger(s) && s >= 0) &&
    new Set(value).size === value.length);

export const SweepFileSchema = z.strictObject({
  scenario: z.string().min(1),
  description: z.string().optional(),
  policies: z
    .array(
      z.string().refine((name) => Object.hasOwn(POLICIES, name), {
        error: `a policy (one of ${Object.keys(POLICIES).join(', ')})`,
      }),
    )
    .min(1)
    .optional(),
  seeds: z
    .custom<number | number[]>(isSeeds, {
      error: 'a count of seeds >= 1, or a list of distinct non-negative integer seeds',
    })
    .optional(),
  parameters: z.record(z.string(), z.array(z.unknown()).min(1)).optional(),
});

/** Checks each parameter: its key a field path the sweep may vary, its values distinct (a list: the schema's). */
function parametersOf(
  raw: Readonly<Record<string, unknown>>,
  file: string,
  problems: ScenarioProblem[],
): SweepParameter[] {
  const out: SweepParameter[] = [];
  for (const [name, values] of Object.entries(raw)) {
    const path = parseFieldPath(name);
    const at = formatPath(['parameters', name]);
    if (path === undefined) {
      problems.push({
        file,
        path: at,
        expected: 'a field path like platform.hpc[0].nodes',
        got: shortJson(name),
      });
      continue;
    }
    // Setting a field named so would change the prototype of every object in the process.
    if (path.includes('__proto__')) {
      problems.push({
        file,
        path: at,
        expected: 'a field path with no __proto__ in it',
        got: shortJson(name),
      });
      continue;
    }
    if (OWN_FIELDS.has(String(path[0]))) {
      problems.push({
        file,
        path: at,
        expected: `a scenario field other than ${[...OWN_FIELDS].join(' and ')} (the sweep's own choose them)`,
        got: shortJson(name),
      });
      continue;
    }
    if (!Array.isArray(values)) continue;
    const seen = new Set<string>();
    values.forEach((value, i) => {
      const key = JSON.stringify(value);
      if (seen.has(key)) {
        problems.push({
          file,
          path: formatPath(['parameters', name, i]),
          expected: 'a value not listed before',
          got: shortJson(value),
        });
      }
      seen.add(key);
    });
    out.push({ name, path, values });
  }
  return out;
}

/** A sweep from its YAML text; `file` names it in errors. Throws a ScenarioError listing every problem. */
export function parseSweepFile(text: string, file: string): SweepFile {
  const problems: ScenarioProblem[] = [];
  const raw = readYaml(text, file, problems);
  if (raw === undefined) throw new ScenarioError(problems);
  const result = SweepFileSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    for (const p of issuesToProblems(result.error.issues, SweepFileSchema, raw)) {
      const got = p.value ?? (p.path === '' ? null : 'nothing');
      problems.push({ file, path: p.path, expected: p.expected, got });
    }
  }
  // The checks the schema cannot make, on the parts of the file that have the right shape.
  const top = isPlainObject(raw) ? raw : {};
  const policies: unknown = top.policies;
  if (Array.isArray(policies)) {
    policies.forEach((policy: unknown, i) => {
      if (policies.indexOf(policy) !== i) {
        problems.push({
          file,
          path: `policies[${i}]`,
          expected: 'a policy not listed before (the first is the baseline)',
          got: shortJson(policy),
        });
      }
    });
  }
  const parameters = parametersOf(isPlainObject(top.parameters) ? top.parameters : {}, file, problems);
  if (Number.isInteger(top.seeds) && (top.seeds as number) > MAX_SEED_COUNT) {
    problems.push({
      file,
      path: 'seeds',
      expected: `at most ${MAX_SEED_COUNT} seeds`,
      got: shortJson(top.seeds),
    });
  }
  const variants = parameters.reduce((n, p) => n * p.values.length, 1);
  if (variants > MAX_VARIANTS) {
    problems.push({
      file,
      path: 'parameters',
      expected: `at most ${MAX_VARIANTS} combinations of values (each a variant of the scenario)`,
      got: String(variants),
    });
  }
  if (!result.success || problems.length > 0) throw new ScenarioError(problems);
  const { data } = result;
  const seeds =
    typeof data.seeds === 'number' ? Array.from({ length: data.seeds }, (_, i) => i + 1) : data.seeds;
  return {
    file,
    scenario: data.scenario,
    ...(data.policies === undefined ? {} : { policies: data.policies }),
    ...(seeds === undefined ? {} : { seeds }),
    parameters,
  };
}

/** Reads and parses a sweep file. */
export function loadSweepFile(file: string): SweepFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ScenarioError([
      { file, path: '', expected: `a sweep file that can be read (${(error as Error).message})`, got: null },
    ]);
  }
  return parseSweepFile(text, file);
}
