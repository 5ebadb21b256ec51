/**
 * JSON Schema (draft 2020-12) of the scenario, catalog, shares, workflow and sweep files, generated from the
 * zod schemas the loaders use so the two cannot disagree. `pandasim schema --out schemas/` writes them; an
 * editor with a YAML language server then checks a file as it is typed, given a first line such as
 *
 *   # yaml-language-server: $schema=../schemas/scenario.schema.json
 *
 * Two kinds of field are zod custom types that JSON Schema cannot see into, and get their JSON form here:
 *
 * - A quantity with a unit ('8h', '10Gb/s', '40/d', 'lognormal(median=15min, sigma=1.2)') is a custom type
 *   piped into its parser. Which kind of text it reads is found by asking the field's own parser which
 *   example texts it accepts, so a new field needs nothing here; its JSON form is a string matching the
 *   parser's grammar (sim/units.ts, sim/distribution-syntax.ts) or a bare number.
 * - "A path or the thing itself" (platform, shares, workflows) is a custom check in the scenario schema
 *   because the loader validates the inline form afterwards with its own schema; here it is the union.
 *
 * The JSON Schemas check what a file may hold, not the cross-references between files (checks.ts).
 */
import { z } from 'zod';
import { POLICIES } from './policies/index.ts';
import {
  CatalogFileSchema,
  PlatformSchema,
  ScenarioFileSchema,
  SharesFileSchema,
  SharesSchema,
  WorkflowFileSchema,
  WorkflowSchema,
} from './schema.ts';
import { MAX_SEED_COUNT, SweepFileSchema } from './sweep-file.ts';

// The grammars of sim/units.ts, as regular expressions (its NUMBER, and its unit tables spelled out).
const NUMBER = String.raw`(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?`;
const DURATION_UNIT = '(?:ms|seconds|sec|s|minutes|min|m|hours|hr|h|days|day|d|weeks|w)';
const SIZE_UNIT = '(?:[kKMGTPE]?[Bb]|[KMGTPE]iB)';
const RATE_UNIT = `(?:${SIZE_UNIT}/(?:sec|min|hr|day|s|h|d)|[kMGTPE]?bps)`;
/** One or more `<number><unit>` terms, as a compound duration is written ('1h 30min'). */
const DURATION_TERMS = String.raw`${NUMBER}\s*${DURATION_UNIT}(?:\s*${NUMBER}\s*${DURATION_UNIT})*`;
/** The names sim/distribution-syntax.ts knows (its NAMES). */
const DISTRIBUTIONS = [
  'constant',
  'uniform',
  'exponential',
  'normal',
  'lognormal',
  'gamma',
  'weibull',
  'empirical',
  'quantiles',
  'mixture',
];

type Unit = 'duration' | 'size' | 'rate' | 'none';

/** A quantity's text without the surrounding blanks; `sign` is the number's optional sign. */
function quantityText(unit: Unit, sign: string): string {
  switch (unit) {
    case 'duration':
      return String.raw`${sign}${NUMBER}|${sign}\s*${DURATION_TERMS}`;
    case 'size':
      return String.raw`${sign}${NUMBER}(?:\s*${SIZE_UNIT})?`;
    case 'rate':
      return String.raw`${sign}${NUMBER}(?:\s*${RATE_UNIT})?`;
    case 'none':
      return `${sign}${NUMBER}`;
  }
}

const UNIT_HELP: Record<Unit, string> = {
  duration:
    'a number with a unit ms, s, min, h, d or w (also sec, m, hr, day, seconds, minutes, hours, days, ' +
    "weeks), terms adding up as in '1h 30min'; a bare number is seconds",
  size:
    'a number with a unit B, kB, MB, GB, TB, PB, EB (powers of 1000), KiB, MiB, GiB, TiB, PiB, EiB ' +
    "(powers of 1024) or b, kb, Mb, Gb, Tb, Pb, Eb (bits; units are case-sensitive), as in '5GB'; a bare " +
    'number is bytes',
  rate:
    "a size per s, sec, min, h, hr, d or day ('10Gb/s', '2TB/h'), or bits per second as in '400Gbps'; a " +
    'bare number is bytes per second',
  none: 'a plain number',
};

/** A kind of unit-bearing field: an example text only its parser reads, and its JSON form. */
interface QuantityForm {
  readonly probe: string;
  readonly name: string;
  readonly help: string;
  readonly text: (sign: string) => string;
  readonly examples: readonly (string | number)[];
}

function distributionForm(unit: Unit, probe: string, examples: readonly (string | number)[]): QuantityForm {
  const of = unit === 'none' ? '' : ` of ${unit}s`;
  return {
    probe,
    name: `distribution${of}`,
    help:
      `${DISTRIBUTIONS.join(', ')} in call syntax (as in '${probe}'), or a bare value (a constant): ` +
      UNIT_HELP[unit],
    text: (sign) => String.raw`(?:${DISTRIBUTIONS.join('|')})\s*\(.*\)|${quantityText(unit, sign)}`,
    examples,
  };
}

/**
 * Tried in this order: the first form whose probe the field's parser accepts is the field's. A distribution
 * reads a bare quantity too, so the distributions come before the quantities.
 */
const QUANTITY_FORMS: readonly QuantityForm[] = [
  {
    probe: '40/d',
    name: 'frequency',
    help: "<count>/<duration>, as in '40/d', '2.5/h' or '3/12h'; a bare number is per second",
    text: (sign) =>
      String.raw`${sign}${NUMBER}\s*(?:/\s*(?:${NUMBER}(?:\s*${DURATION_UNIT}(?:\s*${NUMBER}\s*${DURATION_UNIT})*)?|${DURATION_UNIT}(?:\s*${NUMBER}\s*${DURATION_UNIT})*)?)?`,
    examples: ['40/d', '2/h', '3/12h'],
  },
  distributionForm('duration', 'lognormal(median=15min, sigma=1.2)', [
    'lognormal(median=15min, sigma=1.2)',
    'exponential(mean=1h)',
    '30min',
  ]),
  distributionForm('size', 'uniform(min=1GB, max=3GB)', ['uniform(min=1GB, max=3GB)', '2GB']),
  distributionForm('rate', 'constant(10Gb/s)', ['constant(10Gb/s)', '10Gb/s']),
  distributionForm('none', 'lognormal(mean=3.5e5, cv=0.3)', ['lognormal(mean=3.5e5, cv=0.3)', 1000]),
  {
    probe: '1h 30min',
    name: 'duration',
    help: UNIT_HELP.duration,
    text: (sign) => quantityText('duration', sign),
    examples: ['8h', '1h 30min', 900],
  },
  {
    probe: '5GB',
    name: 'size',
    help: UNIT_HELP.size,
    text: (sign) => quantityText('size', sign),
    examples: ['5GB', '300MB', '1.5TiB'],
  },
  {
    probe: '10Gb/s',
    name: 'rate',
    help: UNIT_HELP.rate,
    text: (sign) => quantityText('rate', sign),
    examples: ['10Gb/s', '400Gbps', '1GB/s'],
  },
];

type JsonObject = Record<string, unknown>;

/** The JSON form of a unit-bearing field, from what its parser (`field`) accepts. */
export function quantityJsonSchema(field: z.ZodType, own: string | undefined, path: string): JsonObject {
  const accepts = (value: unknown) => field.safeParse(value).success;
  const form = QUANTITY_FORMS.find((f) => accepts(f.probe));
  if (form === undefined) {
    throw new Error(`${path}: a custom field whose text is none of ${QUANTITY_FORMS.map((f) => f.name)}`);
  }
  const negative = accepts(-1);
  const bound = negative ? {} : accepts(0) ? { minimum: 0 } : { exclusiveMinimum: 0 };
  const article = /^[aeiou]/.test(form.name) ? 'An' : 'A';
  const help = `${article} ${form.name}: ${form.help}${'exclusiveMinimum' in bound ? '; more than zero' : ''}.`;
  return {
    type: ['string', 'number'],
    pattern: String.raw`^\s*(?:${form.text(negative ? '[+-]?' : String.raw`\+?`)})\s*$`,
    ...bound,
    description: own === undefined ? help : `${own} ${help}`,
    examples: form.examples,
  };
}

/** Fills the JSON form of every unit-bearing field: a custom type piped into its parser. */
function override(ctx: { zodSchema: z.core.$ZodTypes; jsonSchema: JsonObject; path: (string | number)[] }) {
  const schema = ctx.zodSchema;
  if (!(schema instanceof z.ZodPipe) || !(schema.in instanceof z.ZodCustom)) return;
  const own = z.globalRegistry.get(schema)?.description;
  for (const key of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[key];
  Object.assign(ctx.jsonSchema, quantityJsonSchema(schema, own, ctx.path.join('/')));
}

const inlineOr = <T extends z.ZodType>(file: string, inline: T) =>
  z.union([z.string().min(1).describe(`${file}, relative to this file.`), inline]);

/** The scenario file with its "a path or the thing itself" fields as the loader reads them. */
const ScenarioFileJson = ScenarioFileSchema.extend({
  platform: inlineOr('A catalog file like catalogs/default.yaml', PlatformSchema).describe(
    'The platform: a catalog file, or written here (network, gridSites, hpc, ...).',
  ),
  shares: inlineOr('A shares file like shares/atlas.yaml', SharesSchema).describe(
    'The GLOBAL_SHARES rows: a shares file, or the list of rows written here.',
  ),
  workflows: z
    .array(inlineOr('A workflow file like workflows/x.yaml', WorkflowSchema))
    .describe('Each a workflow file, or the workflow written here (name, user, tasks).')
    .optional(),
});

/** The sweep file with its custom checks written as JSON Schema can say them. */
const SweepFileJson = SweepFileSchema.extend({
  policies: z
    .array(z.enum(Object.keys(POLICIES)))
    .min(1)
    .describe('Policies to run, each once; the first is the baseline. Default: those of the scenario.')
    .optional(),
  seeds: z
    .union([
      z.int().min(1).max(MAX_SEED_COUNT).describe('Seeds 1..N.'),
      z.array(z.int().min(0)).min(1).meta({ uniqueItems: true }).describe('These seeds, each once.'),
    ])
    .describe('Default: those of the scenario.')
    .optional(),
  parameters: SweepFileSchema.shape.parameters.describe(
    'A field path of the scenario file (platform.hpc[0].nodes) → the values it takes.',
  ),
});

const FILES = {
  'scenario.schema.json': ['pandasim scenario file', ScenarioFileJson],
  'catalog.schema.json': ['pandasim catalog file (a platform)', CatalogFileSchema],
  'shares.schema.json': ['pandasim shares file (GLOBAL_SHARES rows)', SharesFileSchema],
  'workflow.schema.json': ['pandasim workflow file', WorkflowFileSchema],
  'sweep.schema.json': ['pandasim sweep file', SweepFileJson],
} as const;

/** File name under schemas/ → JSON Schema of that input file. */
export function inputFileJsonSchemas(): Record<string, JsonObject> {
  return Object.fromEntries(
    Object.entries(FILES).map(([name, [title, schema]]) => [
      name,
      z.toJSONSchema(schema.meta({ title }), {
        target: 'draft-2020-12',
        // What a person writes ('8h'), not what the loader makes of it (28800).
        io: 'input',
        // The unit-bearing fields, which `override` then fills.
        unrepresentable: 'any',
        override,
      }),
    ]),
  );
}
