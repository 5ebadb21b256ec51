// The JSON Schemas of the input files: committed as generated, every field typed, the unit fields' patterns
// reading what the loader's parsers read, and the shipped example files valid under them.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { writeJsonSchemas } from '../../cli/commands/schema.ts';
import { inputFileJsonSchemas, quantityJsonSchema } from '../../scenarios/json-schemas.ts';
import { distribution, frequency, quantity } from '../../scenarios/schema.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const generated = inputFileJsonSchemas();
const NAMES = [
  'catalog.schema.json',
  'scenario.schema.json',
  'shares.schema.json',
  'sweep.schema.json',
  'workflow.schema.json',
];

type Json = Record<string, unknown>;

/** Every `properties` entry anywhere in `node` that says nothing of its value (`{}` or a description only). */
function untyped(node: unknown, path = '#'): string[] {
  if (node === null || typeof node !== 'object') return [];
  const out: string[] = [];
  for (const [field, prop] of Object.entries(((node as Json).properties ?? {}) as Record<string, Json>)) {
    if (!['type', '$ref', 'anyOf', 'oneOf', 'enum', 'const'].some((k) => k in prop)) {
      out.push(`${path}.${field}`);
    }
  }
  for (const [key, child] of Object.entries(node)) out.push(...untyped(child, `${path}/${key}`));
  return out;
}

/**
 * The same schema in draft-07 terms, for ajv 6 (the one in node_modules, there for eslint), which knows no
 * draft 2020-12: tuples' `prefixItems` + `items: false` become `items: [...]` + `additionalItems: false`.
 * `$defs` needs nothing: ajv resolves `#/$defs/...` as a JSON pointer.
 */
function toDraft07(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toDraft07);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema') continue;
    if (key === 'prefixItems') out.items = toDraft07(value);
    else if (key === 'items' && 'prefixItems' in node) out.additionalItems = value;
    else out[key] = toDraft07(value);
  }
  return out;
}

function validator(name: string) {
  const ajv = new Ajv({ allErrors: true });
  const validate = ajv.compile(toDraft07(generated[name]) as object);
  return (data: unknown): string[] =>
    validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.dataPath} ${e.message}`);
}

const yamlIn = (dir: string) =>
  readdirSync(`${root}${dir}`)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `${dir}/${f}`);

describe('JSON Schema files', () => {
  it('are, byte for byte, what `pandasim schema --out schemas/` writes from the zod schemas today', async () => {
    expect(readdirSync(`${root}schemas`).sort()).toEqual(NAMES);
    const written = await writeJsonSchemas(mkdtempSync(join(tmpdir(), 'pandasim-schemas-')));
    expect(written.map((path) => basename(path)).sort()).toEqual(NAMES);
    for (const path of written) {
      const name = basename(path);
      expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(generated[name]);
      expect(readFileSync(`${root}schemas/${name}`, 'utf8'), `schemas/${name} is stale: run that`).toBe(
        readFileSync(path, 'utf8'),
      );
    }
  });

  it('type every field and refuse unknown keys', () => {
    for (const name of NAMES) expect(untyped(generated[name]), name).toEqual([]);
    expect(untyped({ properties: { a: { type: 'string' }, b: { description: 'x' } } })).toEqual(['#.b']);
    const scenario = generated['scenario.schema.json'] as Json & { properties: Record<string, Json> };
    expect(scenario.additionalProperties).toBe(false);
    expect(scenario.required).toEqual(['name', 'horizon', 'platform', 'shares']);
    expect(scenario.properties.horizon).toEqual({
      type: ['string', 'number'],
      pattern: expect.stringMatching(/^\^/) as unknown,
      exclusiveMinimum: 0,
      description: expect.stringMatching(
        /^A duration: a number with a unit ms, s, min, h, d or w/,
      ) as unknown,
      examples: ['8h', '1h 30min', 900],
    });
    // A path or the thing itself: the platform is a catalog file's name or a strict platform object.
    const platform = scenario.properties.platform.anyOf as Json[];
    expect(platform.map((p) => p.type)).toEqual(['string', 'object']);
    expect(platform[1].additionalProperties).toBe(false);
  });

  it('describe a unit field by its own words, then its unit', () => {
    const regions = (generated['catalog.schema.json'] as { properties: { network: Json } }).properties
      .network;
    const region = ((regions.properties as Json).regions as { items: { properties: Record<string, Json> } })
      .items;
    expect(region.properties.backbone.description).toMatch(
      /^Regional backbone capacity, e\.g\. '400Gb\/s'\. A rate: a size per s, sec, min, h, hr, d or day/,
    );
    expect(region.properties.backbone.exclusiveMinimum).toBe(0);
    expect(region.properties.latency.minimum).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The patterns read what the parsers read

/** A number as people write them (no minus sign: negative quantities are refused), never zero or huge. */
const numberText = fc
  .tuple(
    fc.integer({ min: 1, max: 999 }),
    fc.constantFrom('', '.', '.5', '.25'),
    fc.constantFrom('', 'e2', 'E-1', 'e+1'),
    fc.constantFrom('', '+'),
  )
  .map(([int, fraction, exponent, sign]) => `${sign}${int}${fraction}${exponent}`);
const blank = fc.constantFrom('', ' ', '  ', '\t');
const UNITS = [
  ...['ms', 's', 'sec', 'seconds', 'm', 'min', 'minutes', 'h', 'hr', 'hours', 'd', 'day', 'days'],
  ...['w', 'weeks', 'B', 'b', 'kB', 'KB', 'kb', 'Kb', 'MB', 'Mb', 'GB', 'Gb', 'TiB', 'EiB', 'KiB'],
  ...['Gb/s', 'MB/h', 'kB/day', 'TiB/min', 'bps', 'kbps', 'Gbps', 'Mb/sec'],
  // Not units anywhere, or not in this case or spelling.
  ...['parsecs', 'H', 'hour', 'mins', 'gb', 'GB/S', 'Kbps', 'kiB', 'Gb/week', 'b/ms', '/', ''],
];
const termText = fc
  .tuple(numberText, blank, fc.constantFrom(...UNITS))
  .map(([n, gap, unit]) => `${n}${gap}${unit}`);
const quantityText = fc
  .tuple(
    blank,
    fc.oneof(
      { arbitrary: termText.map((t) => [t]), weight: 3 },
      { arbitrary: fc.array(termText, { minLength: 2, maxLength: 3 }), weight: 1 },
    ),
    blank,
    fc.constantFrom('', ' '),
  )
  .map(([before, terms, after, join]) => `${before}${terms.join(join)}${after}`);
const frequencyText = fc
  .tuple(numberText, blank, fc.constantFrom('/', '/ ', ''), fc.option(quantityText, { nil: '' }))
  .map(([count, gap, slash, per]) => `${count}${gap}${slash}${per.trimStart()}`);
const callText = fc
  .tuple(
    fc.constantFrom('lognormal', 'uniform', 'constant', 'exponential', 'empirical', 'gauss'),
    fc.array(fc.oneof(quantityText, numberText), { minLength: 1, maxLength: 3 }),
  )
  .map(([name, args]) => `${name}(${args.join(', ')})`);

function agrees(field: z.ZodType, texts: fc.Arbitrary<string>, exact: (text: string) => boolean) {
  const pattern = new RegExp(quantityJsonSchema(field, undefined, 'test').pattern as string);
  fc.assert(
    fc.property(texts, (text) => {
      const accepted = field.safeParse(text).success;
      // The editor never flags what the loader reads; where the grammar is all, it flags all it refuses.
      if (accepted) expect(pattern.test(text), text).toBe(true);
      if (exact(text)) expect(pattern.test(text), text).toBe(accepted);
    }),
    { seed: 90210, numRuns: 400 },
  );
}

describe('unit patterns', () => {
  const always = () => true;
  it('read exactly the durations, sizes and rates the loader reads', () => {
    agrees(quantity('duration'), quantityText, always);
    agrees(quantity('size'), quantityText, always);
    agrees(quantity('rate'), quantityText, always);
  });

  it('read exactly the frequencies the loader reads', () => {
    agrees(frequency(), frequencyText, always);
  });

  it('read every distribution the loader reads, and exactly its bare values', () => {
    const noCall = (text: string) => !text.includes('(');
    for (const unit of ['duration', 'size', 'rate', 'none'] as const) {
      agrees(distribution(unit), fc.oneof(quantityText, numberText, callText), noCall);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// The shipped files, checked by a JSON Schema validator

describe('example files', () => {
  const cases: [string, string][] = [
    ...yamlIn('scenarios').map((f): [string, string] => [f, 'scenario.schema.json']),
    ...yamlIn('scenarios/catalogs').map((f): [string, string] => [f, 'catalog.schema.json']),
    ...yamlIn('scenarios/shares').map((f): [string, string] => [f, 'shares.schema.json']),
    ...yamlIn('scenarios/sweeps').map((f): [string, string] => [f, 'sweep.schema.json']),
  ];

  it.each(cases)('%s is valid under %s', (file, schema) => {
    expect(validator(schema)(parse(readFileSync(`${root}${file}`, 'utf8')))).toEqual([]);
  });

  it('find a scenario with a typo, a bad unit and a missing field wrong in all three', () => {
    const text = readFileSync(`${root}scenarios/ml-detector-sim-small.yaml`, 'utf8');
    const scenario = parse(text) as Json;
    delete scenario.horizon;
    scenario.warmstart = 0.5;
    scenario.platform = { network: { regions: [{ name: 'EU', backbone: '10 parsecs', latency: '5ms' }] } };
    const errors = validator('scenario.schema.json')(scenario);
    expect(errors).toContain(" should have required property 'horizon'");
    expect(errors).toContain(' should NOT have additional properties');
    expect(errors).toContainEqual(
      expect.stringMatching(/^\.platform\.network\.regions\[0\]\.backbone should match/),
    );
  });

  it('find a sweep with an unknown policy and repeated seeds wrong', () => {
    const errors = validator('sweep.schema.json')({ scenario: 'x', policies: ['fifo'], seeds: [1, 1] });
    expect(errors).toContain('.policies[0] should be equal to one of the allowed values');
    expect(errors).toContainEqual(expect.stringMatching(/^\.seeds should NOT have duplicate items/));
  });
});
