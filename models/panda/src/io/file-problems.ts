// Problems of an input file, each with the field path, the value found and what was expected there, and the error
// that carries all of them at once. Validation issues from zod are turned into problems by walking the schema
// along the issue path, so "expected" names the field's real type (`a number or null`, `one of "MB" | …`) and an
// unknown field gets the closest known name as a suggestion.

import { z } from 'zod';

/** Line and column (1-based) of a place in the file text, and its character offset (0-based). */
export interface TextPosition {
  offset: number;
  line: number;
  column: number;
}

export interface FileProblem {
  /** Field path such as `snapshot.queues[3].corepower`; empty for the file as a whole. */
  path: string;
  /** The value found, as short JSON; null when the field is missing or the file could not be parsed. */
  value: string | null;
  /** What was expected instead. */
  expected: string;
  /** Where in the text, for JSON syntax errors. */
  position?: TextPosition;
}

function problemLine(file: string, p: FileProblem): string {
  const where = p.position ? `${file}:${p.position.line}:${p.position.column}` : file;
  const field = p.path === '' ? '' : ` ${p.path}:`;
  const found = p.value === null ? (p.path === '' ? '' : ' missing;') : ` got ${p.value};`;
  return `${where}:${field}${found} expected ${p.expected}`;
}

/** A file that cannot be used; `problems` lists everything wrong with it, in file order. */
export class InputFileError extends Error {
  readonly file: string;
  readonly problems: readonly FileProblem[];

  constructor(file: string, problems: readonly FileProblem[]) {
    const n = problems.length;
    const head = `${n} problem${n === 1 ? '' : 's'} in ${file}:`;
    super([head, ...problems.map((p) => `  ${problemLine(file, p)}`)].join('\n'));
    this.name = 'InputFileError';
    this.file = file;
    this.problems = problems;
  }
}

/** `a.b[3]["MC Simulation Full"]`: dots for identifier-like keys, brackets for indices and other names. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(String(seg))) out += out === '' ? String(seg) : `.${String(seg)}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

const MAX_VALUE_CHARS = 60;

function showValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
  return s;
}

/** The option of a discriminated union that the input's discriminator selects, if any. */
function unionOption(schema: z.ZodDiscriminatedUnion, input: unknown): z.ZodType | undefined {
  const key = schema.def.discriminator;
  const tag = (input as Record<string, unknown> | null)?.[key];
  return (schema.options as z.ZodType[]).find((o) => {
    const field = o instanceof z.ZodObject ? unwrap(o.shape[key] as z.ZodType) : undefined;
    return field instanceof z.ZodLiteral && field.values.has(tag as never);
  });
}

/** The schema that validates the value at `path` (following the input through discriminated unions). */
function schemaAt(root: z.ZodType, input: unknown, path: readonly PropertyKey[]): z.ZodType | undefined {
  let s: z.ZodType | undefined = root;
  let v = input;
  for (const seg of path) {
    s = unwrap(s);
    if (s instanceof z.ZodDiscriminatedUnion) s = unionOption(s, v);
    if (s instanceof z.ZodObject) s = s.shape[seg as string] as z.ZodType | undefined;
    else if (s instanceof z.ZodArray) s = s.element as z.ZodType;
    else if (s instanceof z.ZodRecord) s = s.valueType as z.ZodType;
    else s = undefined;
    if (s === undefined) return undefined;
    v = valueAt(v, [seg]);
  }
  return s;
}

function quoteAll(values: Iterable<unknown>): string {
  return [...values].map((x) => JSON.stringify(x)).join(' | ');
}

/** What a value of this schema looks like, in words. */
function describeSchema(schema: z.ZodType): string {
  if (schema instanceof z.ZodOptional) return describeSchema(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodNullable) return `${describeSchema(schema.unwrap() as z.ZodType)} or null`;
  if (schema instanceof z.ZodString) return 'a string';
  if (schema instanceof z.ZodBoolean) return 'true or false';
  if (schema instanceof z.ZodNumber) {
    if (schema.isInt) return schema.minValue === 0 ? 'a non-negative integer' : 'an integer';
    return 'a number';
  }
  if (schema instanceof z.ZodEnum) return `one of ${quoteAll(schema.options)}`;
  if (schema instanceof z.ZodLiteral) {
    return schema.values.size === 1 ? quoteAll(schema.values) : `one of ${quoteAll(schema.values)}`;
  }
  if (schema instanceof z.ZodArray) return 'an array';
  if (schema instanceof z.ZodRecord) return 'an object (name → value)';
  if (schema instanceof z.ZodDiscriminatedUnion) {
    const key = schema.def.discriminator;
    const tags = (schema.options as z.ZodType[]).flatMap((o) => {
      const field = o instanceof z.ZodObject ? unwrap(o.shape[key] as z.ZodType) : undefined;
      return field instanceof z.ZodLiteral ? [...field.values] : [];
    });
    return `an object with "${key}": ${quoteAll(tags)}`;
  }
  if (schema instanceof z.ZodObject) return 'an object';
  return 'a valid value';
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** The known field closest to a misspelt one, if it is close enough to be a likely typo. */
function closestField(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const d = editDistance(key.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

function unknownFieldProblems(
  issue: z.core.$ZodIssueUnrecognizedKeys,
  root: z.ZodType,
  input: unknown,
): FileProblem[] {
  let owner = schemaAt(root, input, issue.path);
  if (owner !== undefined) owner = unwrap(owner);
  if (owner instanceof z.ZodDiscriminatedUnion) owner = unionOption(owner, valueAt(input, issue.path));
  const known = owner instanceof z.ZodObject ? Object.keys(owner.shape) : [];
  return issue.keys.map((key) => {
    const guess = closestField(key, known);
    return {
      path: formatPath([...issue.path, key]),
      value: showValue(valueAt(input, [...issue.path, key])),
      expected: guess
        ? `no field "${key}" here (did you mean "${guess}"?)`
        : `no field "${key}" here (known fields: ${known.join(', ')})`,
    };
  });
}

function bound(
  issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig,
  schema: z.ZodType | undefined,
): string {
  const small = issue.code === 'too_small';
  const op = small ? (issue.inclusive ? '≥' : '>') : issue.inclusive ? '≤' : '<';
  const limit = String(small ? issue.minimum : issue.maximum);
  const inner = schema === undefined ? undefined : unwrap(schema);
  if (issue.origin === 'array') return `an array of ${op} ${limit} items`;
  if (issue.origin === 'string') return `a string of ${op} ${limit} characters`;
  return `${inner instanceof z.ZodNumber && inner.isInt ? 'an integer' : 'a number'} ${op} ${limit}`;
}

/** What the issue's place expects, in words. */
function expectedAt(issue: z.core.$ZodIssue, schema: z.ZodType | undefined): string {
  switch (issue.code) {
    case 'too_small':
    case 'too_big':
      return bound(issue, schema);
    case 'custom':
      return issue.message;
    case 'invalid_union':
      if ('options' in issue && issue.options !== undefined) return `one of ${quoteAll(issue.options)}`;
      return schema ? describeSchema(schema) : issue.message;
    case 'invalid_type':
    case 'invalid_value':
      return schema ? describeSchema(schema) : issue.message;
    default:
      return issue.message;
  }
}

/** Every issue of a failed validation as file problems, in the order zod found them (file order). */
export function issuesToProblems(
  issues: readonly z.core.$ZodIssue[],
  root: z.ZodType,
  input: unknown,
): FileProblem[] {
  const problems: FileProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      problems.push(...unknownFieldProblems(issue, root, input));
      continue;
    }
    const value = valueAt(input, issue.path);
    const expected = expectedAt(issue, schemaAt(root, input, issue.path));
    // a cross-reference check names the offending key or name itself rather than the object holding it
    const shown = issue.code === 'custom' && issue.input !== undefined ? issue.input : value;
    problems.push({
      path: formatPath(issue.path),
      value: shown === undefined ? null : showValue(shown),
      expected,
    });
  }
  return problems;
}

/** Validates parsed JSON against a file schema; every problem of the file at once in an `InputFileError`. */
export function validateJson<T>(file: string, schema: z.ZodType<T>, json: unknown): T {
  const result = schema.safeParse(json, { reportInput: true });
  if (result.success) return result.data;
  throw new InputFileError(file, issuesToProblems(result.error.issues, schema, json));
}
