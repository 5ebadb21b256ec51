/**
 * The text form of distributions in scenario files:
 *
 *   30s                                   a bare quantity: constant
 *   constant(30s)
 *   uniform(min=1min, max=5min)
 *   exponential(mean=1h)                  or exponential(rate=0.001), rate per base unit (per second)
 *   normal(mean=2h, sd=20min)
 *   lognormal(median=15min, sigma=1.2)    or lognormal(mean=2h, cv=0.5)
 *   gamma(shape=2, scale=30min)
 *   weibull(shape=1.5, scale=2h)
 *   empirical(1h, 2h, 2h, 5h)
 *   quantiles(0:1min, 0.5:15min, 0.9:2h, 1:6h)
 *   mixture(0.9: exponential(mean=10min), 0.1: lognormal(median=2h, sigma=1))
 *
 * Quantities are read as `unit` says (units.ts); shape, sigma, cv, rate, p and weights are plain numbers.
 * Errors name the distribution text, the parameter and what was expected.
 */
import {
  constant,
  DistributionError,
  empirical,
  exponential,
  gamma,
  lognormal,
  mixture,
  normal,
  quantiles,
  uniform,
  weibull,
  type Distribution,
  type MixtureComponent,
} from './distributions.ts';
import { parseQuantity, type QuantityKind } from './units.ts';

/** A mistake in one distribution's text, reported with that text as prefix. */
class Problem extends Error {}

type ParameterType = 'quantity' | 'number';
type Values = Readonly<Record<string, number>>;

interface Form {
  readonly parameters: readonly (readonly [string, ParameterType])[];
  build(values: Values, unit: QuantityKind): Distribution;
}

const NAMED_FORMS: Readonly<Record<string, readonly Form[]>> = {
  uniform: [
    {
      parameters: [
        ['min', 'quantity'],
        ['max', 'quantity'],
      ],
      build: (v, unit) => uniform({ min: v.min, max: v.max }, unit),
    },
  ],
  exponential: [
    { parameters: [['mean', 'quantity']], build: (v, unit) => exponential({ mean: v.mean }, unit) },
    { parameters: [['rate', 'number']], build: (v, unit) => exponential({ rate: v.rate }, unit) },
  ],
  normal: [
    {
      parameters: [
        ['mean', 'quantity'],
        ['sd', 'quantity'],
      ],
      build: (v, unit) => normal({ mean: v.mean, sd: v.sd }, unit),
    },
  ],
  lognormal: [
    {
      parameters: [
        ['median', 'quantity'],
        ['sigma', 'number'],
      ],
      build: (v, unit) => lognormal({ median: v.median, sigma: v.sigma }, unit),
    },
    {
      parameters: [
        ['mean', 'quantity'],
        ['cv', 'number'],
      ],
      build: (v, unit) => lognormal({ mean: v.mean, cv: v.cv }, unit),
    },
  ],
  gamma: [
    {
      parameters: [
        ['shape', 'number'],
        ['scale', 'quantity'],
      ],
      build: (v, unit) => gamma({ shape: v.shape, scale: v.scale }, unit),
    },
  ],
  weibull: [
    {
      parameters: [
        ['shape', 'number'],
        ['scale', 'quantity'],
      ],
      build: (v, unit) => weibull({ shape: v.shape, scale: v.scale }, unit),
    },
  ],
};

type ListName = 'constant' | 'empirical' | 'quantiles' | 'mixture';

const NAMES = ['constant', ...Object.keys(NAMED_FORMS), 'empirical', 'quantiles', 'mixture'];

function placeholder(unit: QuantityKind): string {
  return unit === 'none' ? '<number>' : `<${unit}>`;
}

function signature(name: string, unit: QuantityKind): string {
  const q = placeholder(unit);
  switch (name) {
    case 'constant':
      return `constant(${q}) or a bare ${q}`;
    case 'empirical':
      return `empirical(${q}, ${q}, ...)`;
    case 'quantiles':
      return `quantiles(<p>:${q}, ...) with p rising from 0 to 1`;
    case 'mixture':
      return `mixture(<weight>: <distribution>, ...) with weights summing to 1`;
  }
  return NAMED_FORMS[name]
    .map((form) => {
      const parameters = form.parameters.map(([key, type]) => `${key}=${type === 'number' ? '<number>' : q}`);
      return `${name}(${parameters.join(', ')})`;
    })
    .join(' or ');
}

function readValue(text: string, type: ParameterType, unit: QuantityKind, what: string): number {
  try {
    return parseQuantity(text, type === 'number' ? 'none' : unit);
  } catch (error) {
    throw new Problem(`${what}: ${(error as Error).message}`, { cause: error });
  }
}

/** Splits at commas outside parentheses; rejects unbalanced parentheses and empty items. */
function splitArguments(text: string): string[] {
  if (text.trim() === '') return [];
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const char = text[i];
    if (char === '(') depth++;
    else if (char === ')' && --depth < 0) throw new Problem('unbalanced ")"');
    else if ((char === ',' && depth === 0) || i === text.length) {
      const item = text.slice(start, i).trim();
      if (item === '') throw new Problem('empty argument');
      items.push(item);
      start = i + 1;
    }
  }
  if (depth !== 0) throw new Problem('missing ")"');
  return items;
}

function splitPair(item: string, separator: string, form: string, expected: string): [string, string] {
  const at = item.indexOf(separator);
  if (at < 0) throw new Problem(`"${item}" is not of the form ${form} (${expected})`);
  return [item.slice(0, at).trim(), item.slice(at + 1).trim()];
}

function buildNamed(name: string, items: readonly string[], unit: QuantityKind): Distribution {
  const forms = NAMED_FORMS[name];
  const expected = `expected ${signature(name, unit)}`;
  const given = new Map<string, string>();
  for (const item of items) {
    const [key, text] = splitPair(item, '=', 'name=value', expected);
    if (!forms.some((form) => form.parameters.some(([known]) => known === key))) {
      throw new Problem(`unknown parameter ${key} (${expected})`);
    }
    if (given.has(key)) throw new Problem(`parameter ${key} given twice`);
    given.set(key, text);
  }
  const fitting = forms.filter((form) =>
    [...given.keys()].every((key) => form.parameters.some(([k]) => k === key)),
  );
  if (fitting.length === 0) {
    throw new Problem(`parameters ${[...given.keys()].join(' and ')} do not go together (${expected})`);
  }
  const form = fitting.find((f) => f.parameters.every(([key]) => given.has(key)));
  if (form === undefined) {
    const missing = fitting[0].parameters.map(([key]) => key).filter((key) => !given.has(key));
    const noun = missing.length > 1 ? 'parameters' : 'parameter';
    throw new Problem(`missing ${noun} ${missing.join(', ')} (${expected})`);
  }
  const values: Record<string, number> = {};
  for (const [key, type] of form.parameters) {
    values[key] = readValue(given.get(key)!, type, unit, `parameter ${key}`);
  }
  return form.build(values, unit);
}

function buildList(name: ListName, items: readonly string[], unit: QuantityKind): Distribution {
  const expected = `expected ${signature(name, unit)}`;
  if (items.length === 0) throw new Problem(`no arguments (${expected})`);
  switch (name) {
    case 'constant':
      if (items.length > 1) throw new Problem(`takes one value, got ${items.length} (${expected})`);
      return constant(readValue(items[0], 'quantity', unit, 'value'), unit);
    case 'empirical':
      return empirical(
        items.map((item, i) => readValue(item, 'quantity', unit, `value ${i + 1}`)),
        unit,
      );
    case 'quantiles':
      return quantiles(
        items.map((item) => {
          const [p, value] = splitPair(item, ':', `<p>:${placeholder(unit)}`, expected);
          return [
            readValue(p, 'number', unit, `p of "${item}"`),
            readValue(value, 'quantity', unit, `value of "${item}"`),
          ];
        }),
        unit,
      );
    case 'mixture':
      return mixture(
        items.map((item): MixtureComponent => {
          const [weight, component] = splitPair(item, ':', '<weight>: <distribution>', expected);
          return {
            weight: readValue(weight, 'number', unit, `weight of "${item}"`),
            distribution: parseDistribution(component, unit),
          };
        }),
      );
  }
}

/** The text between the call's parentheses; its closing parenthesis must end the text. */
function callArguments(source: string, open: number): string {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if (source[i] === '(') depth++;
    else if (source[i] === ')' && --depth === 0) {
      if (i !== source.length - 1) {
        throw new Problem(`unexpected text after ")": "${source.slice(i + 1).trim()}"`);
      }
      return source.slice(open + 1, i);
    }
  }
  throw new Problem('missing ")"');
}

/**
 * Reads a distribution from `text`. `unit` says what its quantities are: 'duration' (seconds; a bare number
 * is seconds), 'size' (bytes), 'rate' (bytes/s) or 'none' (plain numbers). Throws an Error naming the text.
 */
export function parseDistribution(text: string, unit: QuantityKind): Distribution {
  const source = text.trim();
  const call = /^([A-Za-z]\w*)\s*\(/.exec(source);
  if (call === null) {
    try {
      return constant(parseQuantity(source, unit), unit);
    } catch (error) {
      throw new Error(`${(error as Error).message} (or a distribution: ${NAMES.join(', ')})`, {
        cause: error,
      });
    }
  }
  const name = call[1];
  try {
    if (!NAMES.includes(name)) {
      throw new Problem(`unknown distribution "${name}" (expected one of ${NAMES.join(', ')})`);
    }
    const items = splitArguments(callArguments(source, call[0].length - 1));
    return Object.hasOwn(NAMED_FORMS, name)
      ? buildNamed(name, items, unit)
      : buildList(name as ListName, items, unit);
  } catch (error) {
    if (error instanceof Problem) throw new Error(`${source}: ${error.message}`, { cause: error });
    if (error instanceof DistributionError) throw new Error(`${source}: ${error.detail}`, { cause: error });
    throw error;
  }
}
