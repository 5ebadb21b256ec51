// Quantities of the scenario format that the kernel's units module does not cover, and the way the schema
// reports a value it cannot read.
import { describe, expect, it } from 'vitest';
import { distribution, frequency, parseFrequency, quantity } from '../../scenarios/schema.ts';

describe('parseFrequency', () => {
  it('reads a count per duration as events per second', () => {
    expect(parseFrequency('40/d')).toBe(40 / 86_400);
    expect(parseFrequency('2/h')).toBe(2 / 3600);
    expect(parseFrequency('3/12h')).toBe(3 / 43_200);
    expect(parseFrequency('1.5 / min')).toBe(1.5 / 60);
    expect(parseFrequency('0.25')).toBe(0.25);
    expect(parseFrequency(2)).toBe(2);
    expect(parseFrequency('0/d')).toBe(0);
  });

  it('rejects a bad count, an unknown period unit, a zero period and a negative count', () => {
    expect(() => parseFrequency('many/d')).toThrow('cannot parse "many" as a number');
    expect(() => parseFrequency('3/fortnight')).toThrow('unknown unit "fortnight"');
    expect(() => parseFrequency('3/0h')).toThrow('the period must be > 0');
    expect(() => parseFrequency('-3/d')).toThrow('the count must not be negative');
    expect(() => parseFrequency(-1)).toThrow('the count must not be negative');
  });
});

describe('schema fields with units', () => {
  it('parse to base units', () => {
    expect(quantity('duration').parse('1h 30min')).toBe(5400);
    expect(quantity('size').parse('5GB')).toBe(5e9);
    expect(quantity('rate').parse('10Gb/s')).toBe(1.25e9);
    expect(frequency().parse('24/d')).toBe(24 / 86_400);
    expect(distribution('duration').parse('lognormal(median=15min, sigma=1.2)').toString()).toBe(
      'lognormal(median=15min, sigma=1.2)',
    );
  });

  it('say what they expected, and why the value did not parse', () => {
    const issue = (result: { error?: { issues: { message: string }[] } }) => result.error?.issues[0].message;
    expect(issue(quantity('duration').safeParse(true))).toBe("a duration like '8h'");
    expect(issue(quantity('size').safeParse('5 gigs'))).toMatch(/^a size like '5GB' \(unknown unit "gigs"/);
    expect(issue(quantity('rate', { positive: true }).safeParse('0Gb/s'))).toBe(
      "a rate like '10Gb/s' (it must be > 0)",
    );
    expect(issue(distribution('none', { positive: true }).safeParse('normal(mean=-1, sd=1)'))).toBe(
      "a distribution like 'lognormal(mean=3.5e5, cv=0.3)' or '1000' (its mean must be > 0)",
    );
  });
});
