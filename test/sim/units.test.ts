import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatDuration,
  formatRate,
  parseDuration,
  parseQuantity,
  parseRate,
  parseSize,
  quantityToString,
  type QuantityKind,
} from '../../sim/units.ts';

const DURATION_EXPECTED =
  'expected a number with a unit ms, s, sec, m, min, h, hr, d, day, w (or seconds, minutes, hours, days, weeks), ' +
  'e.g. 90s, 1.5h or 1h 30min; a bare number means seconds';
const SIZE_EXPECTED =
  'expected a number with a unit B, kB, MB, GB, TB, PB, EB (powers of 1000), KiB, MiB, GiB, TiB, PiB, EiB ' +
  '(powers of 1024) or b, kb, Mb, Gb, Tb, Pb, Eb (bits), e.g. 5GB; a bare number means bytes';
const RATE_EXPECTED =
  'expected a size per time such as 10Gb/s, 100MB/s or 2TB/h (time units s, sec, min, h, hr, d, day), ' +
  'or 10Gbps; a bare number means bytes per second';

describe('parseDuration', () => {
  it.each([
    ['8h', 28800],
    ['1.5h', 5400],
    ['90s', 90],
    ['15min', 900],
    ['15 min', 900],
    ['100ms', 0.1],
    ['2sec', 2],
    ['3hr', 10800],
    ['2d', 172800],
    ['1day', 86400],
    ['1w', 604800],
    ['2 hours', 7200],
    ['30', 30],
    ['0.25', 0.25],
    ['1e3s', 1000],
    ['.5h', 1800],
    ['1h 30min', 5400],
    ['1h30m', 5400],
    ['1d 1h 1m 1s', 90061],
  ])('%s -> %d s', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it('takes a number as seconds', () => {
    expect(parseDuration(45)).toBe(45);
  });

  it('names the text and lists the units it expected', () => {
    expect(() => parseDuration('10 parsecs')).toThrow(
      `cannot parse "10 parsecs" as a duration: unknown unit "parsecs"; ${DURATION_EXPECTED}`,
    );
    expect(() => parseDuration('1H')).toThrow(
      `cannot parse "1H" as a duration: unknown unit "H"; ${DURATION_EXPECTED}`,
    );
    expect(() => parseDuration('')).toThrow(`cannot parse "" as a duration: ${DURATION_EXPECTED}`);
    expect(() => parseDuration('soon')).toThrow(`cannot parse "soon" as a duration: ${DURATION_EXPECTED}`);
    expect(() => parseDuration('-1h')).toThrow('cannot parse "-1h" as a duration: must not be negative');
    expect(() => parseDuration(Number.POSITIVE_INFINITY)).toThrow(
      `cannot parse "Infinity" as a duration: not a finite number; ${DURATION_EXPECTED}`,
    );
  });
});

describe('parseSize', () => {
  it.each([
    ['5GB', 5e9],
    ['1.5 kB', 1500],
    ['1KB', 1000],
    ['2MB', 2e6],
    ['3TB', 3e12],
    ['1PB', 1e15],
    ['1KiB', 1024],
    ['1MiB', 1048576],
    ['1GiB', 1073741824],
    ['2TiB', 2 * 1024 ** 4],
    ['8b', 1],
    ['8kb', 1000],
    ['8Mb', 1e6],
    ['8Gb', 1e9],
    ['1Tb', 1.25e11],
    ['512', 512],
  ])('%s -> %d bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it('is case-sensitive and says so when only the case is wrong', () => {
    expect(() => parseSize('10 mb')).toThrow(
      `cannot parse "10 mb" as a size: unknown unit "mb" (units are case-sensitive: B is a byte, b a bit); ${SIZE_EXPECTED}`,
    );
    expect(() => parseSize('10 parsecs')).toThrow(
      `cannot parse "10 parsecs" as a size: unknown unit "parsecs"; ${SIZE_EXPECTED}`,
    );
    expect(() => parseSize('GB')).toThrow(`cannot parse "GB" as a size: ${SIZE_EXPECTED}`);
  });
});

describe('parseRate', () => {
  it.each([
    ['10Gb/s', 1.25e9],
    ['10GB/s', 1e10],
    ['1.25 GB/s', 1.25e9],
    ['100MB/s', 1e8],
    ['3.6TB/h', 1e9],
    ['60MB/min', 1e6],
    ['10Gbps', 1.25e9],
    ['800kbps', 1e5],
    ['1000', 1000],
  ])('%s -> %d bytes/s', (text, bytesPerSecond) => {
    expect(parseRate(text)).toBe(bytesPerSecond);
  });

  it('tells bits from bytes: 10GB/s is 8 times 10Gb/s', () => {
    expect(parseRate('10GB/s') / parseRate('10Gb/s')).toBe(8);
  });

  it('rejects a size without a time unit', () => {
    expect(() => parseRate('10GB')).toThrow(
      `cannot parse "10GB" as a rate: unknown unit "GB"; ${RATE_EXPECTED}`,
    );
  });
});

describe('parseQuantity', () => {
  it("reads plain, possibly negative numbers for kind 'none'", () => {
    expect(parseQuantity('-2.5', 'none')).toBe(-2.5);
    expect(() => parseQuantity('2h', 'none')).toThrow(
      'cannot parse "2h" as a number: expected a plain number',
    );
  });
});

describe('quantityToString', () => {
  it.each([
    [900, 'duration', '15min'],
    [5400, 'duration', '90min'],
    [7200, 'duration', '2h'],
    [86400, 'duration', '1d'],
    [0.25, 'duration', '250ms'],
    [0, 'duration', '0s'],
    [5e9, 'size', '5GB'],
    [1073741824, 'size', '1GiB'],
    [123, 'size', '123B'],
    [1.25e9, 'rate', '10Gb/s'],
    [1e8, 'rate', '100MB/s'],
    [-1.5, 'none', '-1.5'],
  ] as const)('%d %s -> %s', (value, kind, text) => {
    expect(quantityToString(value, kind)).toBe(text);
  });

  it('writes text that parses back to exactly the same value', () => {
    const kinds: QuantityKind[] = ['duration', 'size', 'rate', 'none'];
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e18, noNaN: true }),
        fc.constantFrom(...kinds),
        (value, kind) => parseQuantity(quantityToString(value, kind), kind) === value,
      ),
      { numRuns: 2000 },
    );
  });
});

describe('formatters', () => {
  it.each([
    [3725, '1h 2m 5s'],
    [86400, '1d'],
    [90061, '1d 1h 1m 1s'],
    [3600.4, '1h'],
    [12.5, '12.5s'],
    [0.25, '250ms'],
    [0, '0s'],
    [-90, '-1m 30s'],
  ])('formatDuration(%d) = %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('writes durations that parseDuration reads back', () => {
    for (const seconds of [3725, 90061, 12.5, 0.25, 1e7])
      expect(parseDuration(formatDuration(seconds))).toBe(seconds);
  });

  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1500, '1.5 kB'],
    [1.5e9, '1.5 GB'],
    [123456789, '123 MB'],
    [999.95e6, '1 GB'],
    [2.5e15, '2.5 PB'],
  ])('formatBytes(%d) = %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('formats rates in bytes per second', () => {
    expect(formatRate(1.25e9)).toBe('1.25 GB/s');
    expect(parseRate(formatRate(1.25e9))).toBe(1.25e9);
  });
});
