// The loaders of the input files under random and mutated input: whatever a file holds, loading it either
// succeeds or throws a ScenarioError naming the file(s) at fault, with no stack trace in its message, within a
// time bound, and without touching Object.prototype. The loaders run in a worker thread so a hang is caught
// (the thread is stopped) instead of hanging the test.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_SCENARIOS } from '../../scenarios/embedded.ts';
import { parseScenario, ScenarioError } from '../../scenarios/load.ts';
import { MAX_VARIANTS, parseSweepFile } from '../../scenarios/sweep-file.ts';

const real = (file: string) => readFileSync(new URL(`../../scenarios/${file}`, import.meta.url), 'utf8');
const SCENARIO = real('ml-detector-sim-small.yaml');
const CATALOG = real('catalogs/small.yaml');
const SHARES = real('shares/atlas.yaml');
const SWEEP = real('sweeps/polaris-nodes.yaml');

/** A case slower than this is a hang; a warm load of the demo scenario takes ~20 ms, a sweep's ~250 ms. */
const TIME_LIMIT_MS = 10_000;

// ---------------------------------------------------------------------------------------------------------
// The loaders, in a worker thread

type Loader = 'loadScenario' | 'parseScenario' | 'resolveSweep';

interface Reply {
  readonly ok: boolean;
  readonly name?: string;
  readonly message?: string;
  readonly files?: readonly string[];
  /** Keys Object.prototype has gained in the thread. */
  readonly polluted: readonly string[];
}

const here = (path: string) => new URL(path, import.meta.url).href;

/** tsx's ESM API, which registers its loader in the thread (as scenarios/run-worker.mjs does). */
function tsxApi(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('tsx/package.json');
  const { exports } = require(manifest) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(join(dirname(manifest), exports['./esm/api'].import.default)).href;
}

const WORKER = `
const { parentPort } = require('node:worker_threads');
(async () => {
  (await import(${JSON.stringify(tsxApi())})).register();
  const load = await import(${JSON.stringify(here('../../scenarios/load.ts'))});
  const sweep = await import(${JSON.stringify(here('../../scenarios/sweep.ts'))});
  const loaders = {
    loadScenario: (r) => load.loadScenario(r.file),
    parseScenario: (r) => load.parseScenario(r.text, r.file),
    resolveSweep: (r) => sweep.resolveSweep(r.file),
  };
  parentPort.on('message', (r) => {
    let reply;
    try {
      loaders[r.loader](r);
      reply = { ok: true };
    } catch (error) {
      reply = {
        ok: false,
        name: error instanceof load.ScenarioError ? 'ScenarioError' : String(error?.name ?? typeof error),
        message: String(error?.message ?? error),
        files: error instanceof load.ScenarioError ? error.problems.map((p) => p.file) : undefined,
      };
    }
    parentPort.postMessage({ ...reply, polluted: Object.keys(Object.prototype) });
  });
  parentPort.postMessage('ready');
})();
`;

let worker: Worker | undefined;

function startWorker(): Promise<Worker> {
  const w = new Worker(WORKER, { eval: true });
  return new Promise((resolve, reject) => {
    w.once('message', () => resolve(w));
    w.once('error', reject);
  });
}

/** Runs a loader in the worker; a case over the time limit, or one that kills the thread, fails. */
async function run(loader: Loader, request: { file: string; text?: string }): Promise<Reply> {
  worker ??= await startWorker();
  const w = worker;
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      worker = undefined;
      w.off('exit', onExit);
      void w.terminate();
      reject(new Error(`${loader} ${why}`));
    };
    const onExit = (code: number) => fail(`killed its thread (exit code ${code})`);
    const timer = setTimeout(() => fail(`did not return within ${TIME_LIMIT_MS} ms`), TIME_LIMIT_MS);
    w.once('exit', onExit);
    w.once('message', (reply: Reply) => {
      clearTimeout(timer);
      w.off('exit', onExit);
      resolve(reply);
    });
    w.postMessage({ loader, ...request });
  });
}

/** Succeeded, or failed cleanly: a ScenarioError whose every problem names one of `files`, no stack. */
function expectClean(reply: Reply, files: readonly string[], what: string): void {
  expect(reply.polluted, what).toEqual([]);
  if (reply.ok) return;
  expect(reply.name, `${what}: ${reply.message}`).toBe('ScenarioError');
  expect(reply.files?.length, what).toBeGreaterThan(0);
  for (const file of reply.files ?? []) expect(files, `${what}: ${reply.message}`).toContain(file);
  expect(reply.message, what).not.toMatch(/\n\s+at /);
  expect(reply.message, what).toContain(reply.files?.[0]);
}

// ---------------------------------------------------------------------------------------------------------
// A working copy of the demo scenario with its catalog, shares file and a sweep over it

const dir = mkdtempSync(join(tmpdir(), 'pandasim-loader-fuzz-'));
const files = {
  scenario: join(dir, 'scenario.yaml'),
  catalog: join(dir, 'catalogs', 'small.yaml'),
  shares: join(dir, 'shares', 'atlas.yaml'),
  sweep: join(dir, 'sweep.yaml'),
};
const ORIGINAL = { scenario: SCENARIO, catalog: CATALOG, shares: SHARES, sweep: SWEEP };
type Part = keyof typeof files;

function restore(): void {
  for (const part of Object.keys(files) as Part[]) writeFileSync(files[part], ORIGINAL[part]);
}

beforeAll(async () => {
  mkdirSync(join(dir, 'catalogs'));
  mkdirSync(join(dir, 'shares'));
  restore();
  worker = await startWorker();
});

afterAll(async () => {
  await worker?.terminate();
});

/** Writes `text` (or bytes) as one part and loads what uses it: the scenario, or the sweep. */
async function loadWith(part: Part, content: string | Uint8Array, what: string): Promise<void> {
  writeFileSync(files[part], content);
  try {
    const reply =
      part === 'sweep'
        ? await run('resolveSweep', { file: files.sweep })
        : await run('loadScenario', { file: files.scenario });
    const involved =
      part === 'sweep'
        ? [files.sweep, EMBEDDED_SCENARIOS['ml-detector-sim-small']]
        : [files.scenario, files.catalog, files.shares];
    expectClean(reply, involved, what);
  } finally {
    writeFileSync(files[part], ORIGINAL[part]);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Generators

/** Texts that look like values a loader must read and most of which it must refuse. */
const SPECIAL = [
  ...['NaN', '.nan', 'Infinity', '-.inf', '1e999', '-1e999', '1e-400', '-0', '0x10', '0o7', '1_000'],
  ...['10 parsecs', '8h8h', '8 h', 'h8', '-8h', '5 GB', '5gb', '10Gb/S', '40/0d', '40/-1d', '1/d/d'],
  ...['lognormal(', 'lognormal(median=)', 'mixture(0.5: mixture(1: constant(1)))', 'gauss(1)', '()'],
  ...['١٢٣', '５GB', '∞', '🚀', '\u0000', '\ud800', '\u202e8h', ' ', '\t', '~', '[]', '{}', '*a', '&a'],
  ...['catalogs', '/dev/null', '/', '.', '../../../../etc/passwd', 'shares/atlas.yaml', 'nope.yaml'],
];
const KEYS = [
  ...['name', 'horizon', 'seeds', 'policies', 'platform', 'shares', 'background', 'workflows', 'tasks'],
  ...['network', 'regions', 'gridSites', 'hpc', 'nodes', 'rows', 'parameters', 'scenario', 'sources'],
  ...['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', ''],
];
const scalar = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.double(),
  fc.integer(),
  fc.constantFrom(2 ** 53 + 1, -0, Number.MAX_VALUE, Number.MIN_VALUE, 1e21, -1),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(...SPECIAL),
);
const key = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...KEYS));
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
}));

/** A value as YAML text; yaml may refuse some (e.g. lone surrogates), then JSON, which YAML reads too. */
function yamlText(v: unknown): string {
  try {
    return stringify(v, { aliasDuplicateObjects: false });
  } catch {
    return JSON.stringify(v) ?? 'null';
  }
}

const nested = fc
  .tuple(fc.integer({ min: 1, max: 3000 }), fc.constantFrom('[', '{a: ', '- ', '{'))
  .map(([depth, open]) => {
    const close = open === '[' ? ']' : open === '- ' ? '' : '}';
    return open === '- '
      ? Array.from({ length: depth }, (_, i) => `${' '.repeat(i * 2)}- `).join('\n') + 'x'
      : open.repeat(depth) + (open === '{' ? '' : '1') + close.repeat(depth);
  });

/** A whole file's text: random values as YAML or JSON, random strings, nesting, anchors. */
const randomText = fc.oneof(
  value.map(yamlText),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  nested,
  fc.constantFrom(
    'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b]',
    'name: *missing',
    '!!binary aGVsbG8=',
    '--- !!set\n? a\n',
    'a: 1\n---\nb: 2\n',
    'name: x\nname: y\n',
    '<<: {name: x}',
    '%YAML 1.1\n---\nname: 2001-12-14',
  ),
);

// Mutations of a real file's data and text.

type Path = readonly (string | number)[];

/** Every path into `node` (not the root), parents before children. */
function pathsOf(node: unknown, at: Path = []): Path[] {
  if (Array.isArray(node)) return node.flatMap((v, i) => [[...at, i], ...pathsOf(v, [...at, i])]);
  if (node !== null && typeof node === 'object') {
    return Object.entries(node).flatMap(([k, v]) => [[...at, k], ...pathsOf(v, [...at, k])]);
  }
  return [];
}

const get = (root: unknown, path: Path): unknown =>
  path.reduce<unknown>((node, k) => (node as Record<string | number, unknown>)[k], root);

const BAD_UNITS = ['parsecs', 'Gb/S', 'hours!', 'H', '', 'GB/s/s', 'µs', 'ｈ', 'e', '/', '%'];

type Edit = readonly [kind: number, at: number, replacement: unknown, text: string];

/** Applies one edit to a random node: delete, rename with a typo, retype, replace, or swap its unit. */
function edit(root: unknown, [kind, at, replacement, text]: Edit): void {
  const paths = pathsOf(root);
  if (paths.length === 0) return;
  const path = paths[at % paths.length];
  const parent = get(root, path.slice(0, -1)) as Record<string | number, unknown>;
  const last = path[path.length - 1];
  const old = parent[last];
  switch (kind % 6) {
    case 0:
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
      return;
    case 1: {
      if (Array.isArray(parent)) return;
      const name = String(last);
      const i = at % (name.length + 1);
      const typo = [`${name.slice(0, i)}${text.slice(0, 1)}${name.slice(i)}`, name.slice(0, -1), `${name}s`];
      delete parent[last];
      parent[typo[at % typo.length]] = old;
      return;
    }
    case 2:
      parent[last] =
        typeof old === 'string'
          ? Number(old.replace(/\D/g, '')) || 1
          : old === null
            ? {}
            : [old, JSON.stringify(old) ?? 'x'];
      return;
    case 3:
      parent[last] = replacement;
      return;
    case 4:
      parent[last] =
        typeof old === 'string' ? old.replace(/[A-Za-z/]+\s*$/, BAD_UNITS[at % BAD_UNITS.length]) : old;
      return;
    default:
      parent[last] = typeof old === 'number' ? [1e308 * 10, -old, old + 0.5, 2 ** 64][at % 4] : text;
  }
}

type TextEdit = readonly [kind: number, at: number, text: string];

/** Text edits YAML is fragile to: truncation, tabs, a duplicated or lost line, a stray character. */
function textEdit(source: string, [kind, at, text]: TextEdit): string {
  const i = at % (source.length + 1);
  const lines = source.split('\n');
  const line = at % lines.length;
  switch (kind % 6) {
    case 0:
      return source.slice(0, i);
    case 1:
      return `${source.slice(0, i)}\t${source.slice(i)}`;
    case 2:
      return [...lines.slice(0, line + 1), ...lines.slice(line)].join('\n');
    case 3:
      return [...lines.slice(0, line), ...lines.slice(line + 1)].join('\n');
    case 4:
      return lines
        .map((l, n) => (n === line ? l.replace(/^ */, (s) => s.replace(/ {2}/, '\t')) : l))
        .join('\n');
    default:
      return `${source.slice(0, i)}${text || ':'}${source.slice(i + 1)}`;
  }
}

const edits = fc.array(fc.tuple(fc.nat(), fc.nat(), value, fc.string({ maxLength: 3 })), {
  minLength: 1,
  maxLength: 3,
});
const textEdits = fc.array(
  fc.tuple(
    fc.nat(),
    fc.nat(),
    fc.oneof(fc.constantFrom(...':-[]{}&*!|>#"\'%@`,?'), fc.string({ maxLength: 3 })),
  ),
  { maxLength: 2 },
);

/** A real file mutated: some data edits, then (maybe) some text edits of its YAML. */
function mutated(source: string) {
  return fc.tuple(edits, textEdits, fc.boolean()).map(([dataEdits, texts, viaData]) => {
    let text = source;
    if (viaData) {
      const data: unknown = parse(source);
      for (const e of dataEdits) edit(data, e as Edit);
      text = yamlText(data);
    }
    return texts.reduce((t, e) => textEdit(t, e as TextEdit), text);
  });
}

// ---------------------------------------------------------------------------------------------------------

const options = (numRuns: number) => ({ seed: 20_240_509, numRuns, endOnFailure: true });

describe('the loaders under random and mutated files', () => {
  it('a random file as the scenario: a clean error (loadScenario and parseScenario)', async () => {
    await fc.assert(
      fc.asyncProperty(randomText, async (text) => {
        await loadWith('scenario', text, `scenario ${JSON.stringify(text.slice(0, 200))}`);
        const inMemory = await run('parseScenario', { file: files.scenario, text });
        expectClean(inMemory, [files.scenario, files.catalog, files.shares], 'parseScenario');
      }),
      options(80),
    );
  });

  it('random bytes as the scenario, catalog, shares and sweep file', async () => {
    const parts: Part[] = ['scenario', 'catalog', 'shares', 'sweep'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...parts), fc.uint8Array({ maxLength: 300 }), async (part, bytes) => {
        await loadWith(part, bytes, `${part} bytes ${Buffer.from(bytes).toString('hex').slice(0, 100)}`);
      }),
      options(30),
    );
  });

  for (const [part, numRuns] of [
    ['scenario', 100],
    ['catalog', 50],
    ['shares', 40],
    ['sweep', 25],
  ] as const) {
    it(`the real ${part} file mutated: a clean error or a valid file`, async () => {
      await fc.assert(
        fc.asyncProperty(mutated(ORIGINAL[part]), async (text) => {
          await loadWith(part, text, `${part}:\n${text.slice(0, 2000)}`);
        }),
        options(numRuns),
      );
    });
  }

  it('a random value in place of any field of the scenario, its catalog or its shares', async () => {
    const parts = ['scenario', 'catalog', 'shares'] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...parts), fc.nat(), value, async (part, at, replacement) => {
        const data: unknown = parse(ORIGINAL[part]);
        edit(data, [3, at, replacement, '']);
        await loadWith(part, yamlText(data), `${part} with ${JSON.stringify(replacement)}`);
      }),
      options(60),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Crashes the fuzzing found, each now a clean error

describe('loader crashes found by fuzzing', () => {
  const file = '/fuzz/scenario.yaml';
  const problemsOf = (load: () => unknown): string[] => {
    try {
      load();
    } catch (error) {
      expect(error).toBeInstanceOf(ScenarioError);
      return (error as ScenarioError).problems.map((p) => `${p.path}: ${p.expected}`);
    }
    throw new Error('loaded');
  };

  it('an alias before its anchor, or aliases past the expansion limit, are YAML errors', () => {
    expect(problemsOf(() => parseScenario('name: *missing\n', file))).toEqual([
      ': valid YAML (Unresolved alias (the anchor must be set before the alias): missing)',
    ]);
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]'];
    laughs.push(
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
    );
    expect(problemsOf(() => parseScenario(laughs.join('\n'), file))).toEqual([
      ': valid YAML (Excessive alias count indicates a resource exhaustion attack)',
    ]);
  });

  it('YAML nested thousands deep is refused before yaml composes it (its recursion ends in a fatal error)', () => {
    for (const text of ['['.repeat(5000), '{a: '.repeat(3000), '- '.repeat(3000)]) {
      expect(problemsOf(() => parseScenario(text, file))).toEqual([': YAML nested at most 64 levels deep']);
    }
    expect(() => parseScenario(`${'['.repeat(40)}${']'.repeat(40)}`, file)).toThrow(/expected an object/);
  });

  it('a !!binary scalar is text, not a byte array read as a map with one field per byte', () => {
    expect(problemsOf(() => parseScenario('!!binary aGVsbG8gd29ybGQ=', file))).toEqual([': an object']);
  });

  it('a sweep over __proto__ is refused before it can change every object', () => {
    const sweep =
      'scenario: ml-detector-sim-small\nparameters:\n  __proto__.polluted: [1]\n  sources.__proto__: [{}]\n';
    expect(problemsOf(() => parseSweepFile(sweep, '/fuzz/sweep.yaml'))).toEqual([
      'parameters["__proto__.polluted"]: a field path with no __proto__ in it',
      'parameters["sources.__proto__"]: a field path with no __proto__ in it',
    ]);
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('a seed count or a grid too large to list is refused, not allocated', () => {
    expect(problemsOf(() => parseSweepFile('scenario: x\nseeds: 1e300\n', '/fuzz/sweep.yaml'))).toEqual([
      'seeds: at most 1000 seeds',
    ]);
    const values = `[${Array.from({ length: 40 }, (_, i) => i + 1).join(', ')}]`;
    const grid = `scenario: x\nparameters:\n  horizon: ${values}\n  budget: ${values}\n`;
    expect(problemsOf(() => parseSweepFile(grid, '/fuzz/sweep.yaml'))).toEqual([
      `parameters: at most ${MAX_VARIANTS} combinations of values (each a variant of the scenario)`,
    ]);
  });
});
