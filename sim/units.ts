/**
 * Quantities written with units in scenario files, parsed once at load into base units: seconds for
 * durations, bytes for sizes, bytes per second for rates.
 *
 * Units are case-sensitive because sizes need it: `B` is a byte and `b` a bit, so `10GB/s` is 8× `10Gb/s`.
 * Decimal prefixes (kB, MB, GB, ...) are powers of 1000 and binary ones (KiB, MiB, ...) powers of 1024 (IEC
 * 80000-13). Negative quantities are rejected; kind `'none'` is a plain, possibly negative number.
 */

export type QuantityKind = 'duration' | 'size' | 'rate' | 'none';

/** A unit's value in base units is `factor / divisor`; dividing keeps `100ms` and `1Gb` exact in floating point. */
interface Unit {
  readonly factor: number;
  readonly divisor: number;
}

const unit = (factor: number, divisor = 1): Unit => ({ factor, divisor });

const SECOND = unit(1);
const MINUTE = unit(60);
const HOUR = unit(3600);
const DAY = unit(86400);
const DURATION_UNITS: ReadonlyMap<string, Unit> = new Map([
  ['ms', unit(1, 1000)],
  ['s', SECOND],
  ['sec', SECOND],
  ['seconds', SECOND],
  ['m', MINUTE],
  ['min', MINUTE],
  ['minutes', MINUTE],
  ['h', HOUR],
  ['hr', HOUR],
  ['hours', HOUR],
  ['d', DAY],
  ['day', DAY],
  ['days', DAY],
  ['w', unit(604800)],
  ['weeks', unit(604800)],
]);

const DECIMAL_PREFIXES: readonly (readonly [string, number])[] = [
  ['k', 1e3],
  ['M', 1e6],
  ['G', 1e9],
  ['T', 1e12],
  ['P', 1e15],
  ['E', 1e18],
];

function sizeUnits(): Map<string, Unit> {
  const units = new Map<string, Unit>([
    ['B', unit(1)],
    ['b', unit(1, 8)],
    ['KB', unit(1e3)],
    ['Kb', unit(1e3, 8)],
  ]);
  for (const [prefix, factor] of DECIMAL_PREFIXES) {
    units.set(`${prefix}B`, unit(factor));
    units.set(`${prefix}b`, unit(factor, 8));
  }
  ['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'].forEach((prefix, i) => units.set(`${prefix}B`, unit(1024 ** (i + 1))));
  return units;
}
const SIZE_UNITS: ReadonlyMap<string, Unit> = sizeUnits();

const RATE_TIME_UNITS: readonly string[] = ['s', 'sec', 'min', 'h', 'hr', 'd', 'day'];

function rateUnits(): Map<string, Unit> {
  const units = new Map<string, Unit>();
  for (const [sizeSymbol, size] of SIZE_UNITS) {
    for (const timeSymbol of RATE_TIME_UNITS) {
      const time = DURATION_UNITS.get(timeSymbol)!;
      units.set(`${sizeSymbol}/${timeSymbol}`, unit(size.factor, size.divisor * time.factor));
    }
  }
  units.set('bps', unit(1, 8));
  for (const [prefix, factor] of DECIMAL_PREFIXES) units.set(`${prefix}bps`, unit(factor, 8));
  return units;
}
const RATE_UNITS: ReadonlyMap<string, Unit> = rateUnits();

const EXPECTED: Record<QuantityKind, string> = {
  duration:
    'a number with a unit ms, s, sec, m, min, h, hr, d, day, w (or seconds, minutes, hours, days, weeks), ' +
    'e.g. 90s, 1.5h or 1h 30min; a bare number means seconds',
  size:
    'a number with a unit B, kB, MB, GB, TB, PB, EB (powers of 1000), KiB, MiB, GiB, TiB, PiB, EiB ' +
    '(powers of 1024) or b, kb, Mb, Gb, Tb, Pb, Eb (bits), e.g. 5GB; a bare number means bytes',
  rate:
    'a size per time such as 10Gb/s, 100MB/s or 2TB/h (time units s, sec, min, h, hr, d, day), ' +
    'or 10Gbps; a bare number means bytes per second',
  none: 'a plain number',
};

const UNITS: Record<Exclude<QuantityKind, 'none'>, ReadonlyMap<string, Unit>> = {
  duration: DURATION_UNITS,
  size: SIZE_UNITS,
  rate: RATE_UNITS,
};

const NUMBER = String.raw`(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?`;
const BARE_NUMBER = new RegExp(String.raw`^\s*([+-]?${NUMBER})\s*$`);
const NUMBER_AND_UNIT = new RegExp(String.raw`^\s*([+-]?${NUMBER})\s*(\S+?)\s*$`);
// Durations may be compound, as formatDuration writes them (`1h 2m 5s`); a leading sign applies to the whole.
const SIGN = /^\s*([+-]?)/;
const DURATION_TERM = new RegExp(String.raw`\s*(${NUMBER})\s*([^\s\d.+-]+)\s*`, 'y');

function fail(text: string, kind: QuantityKind, reason: string): never {
  throw new Error(`cannot parse "${text}" as ${kind === 'none' ? 'a number' : `a ${kind}`}: ${reason}`);
}

function expected(kind: QuantityKind): string {
  return `expected ${EXPECTED[kind]}`;
}

function unknownUnit(text: string, kind: Exclude<QuantityKind, 'none'>, symbol: string): never {
  const lower = symbol.toLowerCase();
  const caseHint =
    kind !== 'duration' && [...UNITS[kind].keys()].some((known) => known.toLowerCase() === lower)
      ? ' (units are case-sensitive: B is a byte, b a bit)'
      : '';
  return fail(text, kind, `unknown unit "${symbol}"${caseHint}; ${expected(kind)}`);
}

function parseDurationText(text: string): number {
  const sign = SIGN.exec(text)!;
  DURATION_TERM.lastIndex = sign[0].length;
  let total = 0;
  let terms = 0;
  while (DURATION_TERM.lastIndex < text.length || terms === 0) {
    const match = DURATION_TERM.exec(text);
    if (match === null) return fail(text, 'duration', expected('duration'));
    const found = DURATION_UNITS.get(match[2]);
    if (found === undefined) return unknownUnit(text, 'duration', match[2]);
    total += (Number(match[1]) * found.factor) / found.divisor;
    terms++;
  }
  return sign[1] === '-' ? -total : total;
}

function parseText(text: string, kind: QuantityKind): number {
  const bare = BARE_NUMBER.exec(text);
  if (bare !== null) return Number(bare[1]);
  if (kind === 'none') return fail(text, kind, expected(kind));
  if (kind === 'duration') return parseDurationText(text);
  const match = NUMBER_AND_UNIT.exec(text);
  if (match === null) return fail(text, kind, expected(kind));
  const found = UNITS[kind].get(match[2]);
  if (found === undefined) return unknownUnit(text, kind, match[2]);
  return (Number(match[1]) * found.factor) / found.divisor;
}

/**
 * Parses `text` as a quantity of `kind` into base units (seconds, bytes, bytes/s). A number is taken as
 * already in base units. Throws an Error naming the text and what was expected.
 */
export function parseQuantity(text: string | number, kind: QuantityKind): number {
  const value = typeof text === 'number' ? text : parseText(text, kind);
  if (!Number.isFinite(value)) fail(String(text), kind, `not a finite number; ${expected(kind)}`);
  if (kind !== 'none' && value < 0) fail(String(text), kind, 'must not be negative');
  return value;
}

/** `'8h'` -> 28800 seconds. */
export function parseDuration(text: string | number): number {
  return parseQuantity(text, 'duration');
}

/** `'5GB'` -> 5e9 bytes, `'1GiB'` -> 2^30 bytes, `'8Gb'` -> 1e9 bytes. */
export function parseSize(text: string | number): number {
  return parseQuantity(text, 'size');
}

/** `'10Gb/s'` -> 1.25e9 bytes per second. */
export function parseRate(text: string | number): number {
  return parseQuantity(text, 'rate');
}

const CANONICAL_SYMBOLS: Record<Exclude<QuantityKind, 'none'>, readonly string[]> = {
  duration: ['s', 'min', 'h', 'd', 'w', 'ms'],
  size: ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'Mb', 'Gb', 'Tb'],
  rate: ['B/s', 'kB/s', 'MB/s', 'GB/s', 'TB/s', 'Mb/s', 'Gb/s', 'Tb/s', 'MB/h', 'GB/h', 'TB/h'],
};

/**
 * The shortest text that parses back to exactly `value` (as a quantity of `kind`): 900 -> '15min',
 * 1.25e9 bytes/s -> '10Gb/s'. For writing parameters back into scenario syntax, not for reading.
 */
export function quantityToString(value: number, kind: QuantityKind): string {
  if (kind === 'none' || !(value > 0) || !Number.isFinite(value)) {
    return kind === 'none' ? String(value) : `${value}${CANONICAL_SYMBOLS[kind][0]}`;
  }
  const units = UNITS[kind];
  let best = '';
  let bestLength = Infinity;
  for (const symbol of CANONICAL_SYMBOLS[kind]) {
    const found = units.get(symbol)!;
    const number = String((value * found.divisor) / found.factor);
    if (number.length < bestLength && (Number(number) * found.factor) / found.divisor === value) {
      best = `${number}${symbol}`;
      bestLength = number.length;
    }
  }
  return best;
}

const threeDigits = (x: number): number => Number(x.toPrecision(3));

/** For reports: 3725 -> '1h 2m 5s', 12.5 -> '12.5s', 0.25 -> '250ms'. parseDuration reads it back. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  if (seconds < 0) return `-${formatDuration(-seconds)}`;
  if (seconds === 0) return '0s';
  if (seconds < 1) return `${threeDigits(seconds * 1000)}ms`;
  if (seconds < 60) return `${threeDigits(seconds)}s`;
  let rest = Math.round(seconds);
  const parts: string[] = [];
  for (const [symbol, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${symbol}`);
    rest -= count * size;
  }
  if (rest > 0) parts.push(`${rest}s`);
  return parts.join(' ');
}

const DECIMAL_SYMBOLS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** For reports, in decimal units with three significant digits: 1.5e9 -> '1.5 GB'. parseSize reads it back. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return `${bytes} B`;
  if (bytes < 0) return `-${formatBytes(-bytes)}`;
  let power = bytes < 1 ? 0 : Math.min(Math.floor(Math.log10(bytes) / 3), DECIMAL_SYMBOLS.length - 1);
  let scaled = threeDigits(bytes / 1000 ** power);
  if (scaled >= 1000 && power < DECIMAL_SYMBOLS.length - 1) {
    power++;
    scaled = threeDigits(bytes / 1000 ** power);
  }
  return `${scaled} ${DECIMAL_SYMBOLS[power]}`;
}

/** For reports: 1.25e9 -> '1.25 GB/s'. parseRate reads it back. */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}
