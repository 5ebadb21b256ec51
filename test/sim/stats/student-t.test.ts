import { describe, expect, it } from 'vitest';
import {
  lnGamma,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTQuantile,
} from '../../../sim/stats/student-t.ts';

describe('studentTQuantile', () => {
  it('reproduces the printed t table to 1e-3', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706, 3);
    expect(studentTQuantile(0.975, 5)).toBeCloseTo(2.571, 3);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.042, 3);
    expect(studentTQuantile(0.995, 10)).toBeCloseTo(3.169, 3);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.96, 3);
    expect(studentTQuantile(0.975, Infinity)).toBeCloseTo(1.96, 3);
  });

  it('matches full-precision values to 1e-12 relative', () => {
    // scipy 1.17 stats.t.ppf, cross-checked with mpmath's regularized betainc at 35 digits.
    const reference: [number, number, number][] = [
      [0.975, 1, 12.706204736174694],
      [0.975, 2, 4.302652729749462],
      [0.975, 3, 3.1824463052837078],
      [0.975, 5, 2.5705818356363146],
      [0.975, 7, 2.364624251592784],
      [0.975, 10, 2.228138851986274],
      [0.975, 30, 2.0422724563012378],
      [0.995, 10, 3.16927267261695],
      [0.95, 20, 1.7247182429207866],
      [0.9995, 4, 8.610301581379522],
      [1e-8, 3, -479.5250695797382],
      [0.975, 2.5, 3.5746548420036817],
    ];
    for (const [p, df, t] of reference) {
      expect(Math.abs(studentTQuantile(p, df) - t) / Math.abs(t), `p = ${p}, df = ${df}`).toBeLessThan(1e-12);
    }
  });

  it('inverts the CDF and is antisymmetric', () => {
    for (const df of [1, 2, 3, 4.5, 9, 29, 200, 5000]) {
      for (const p of [1e-9, 0.001, 0.05, 0.3, 0.49, 0.7, 0.99]) {
        const t = studentTQuantile(p, df);
        expect(Math.abs(studentTCdf(t, df) - p) / p, `p = ${p}, df = ${df}`).toBeLessThan(1e-12);
      }
      // Powers of two have exact complements, so the two sides must agree to the last bit.
      for (const p of [0.25, 2 ** -10, 2 ** -30])
        expect(studentTQuantile(1 - p, df)).toBe(-studentTQuantile(p, df));
    }
  });

  it('handles the edges and rejects bad arguments', () => {
    expect(studentTQuantile(0.5, 3)).toBe(0);
    expect(studentTQuantile(0, 3)).toBe(-Infinity);
    expect(studentTQuantile(1, 3)).toBe(Infinity);
    expect(() => studentTQuantile(0.9, 0)).toThrow(RangeError);
    expect(() => studentTQuantile(1.1, 3)).toThrow(RangeError);
    expect(() => studentTCdf(1, Infinity)).toThrow(RangeError);
  });
});

describe('studentTCdf', () => {
  it('matches reference values, including the closed form for one degree of freedom', () => {
    // scipy 1.17 stats.t.cdf / stats.t.sf.
    expect(studentTCdf(2, 3)).toBeCloseTo(0.9303370157205785, 14);
    expect(studentTCdf(-1.5, 7.5)).toBeCloseTo(0.08724028529323204, 14);
    expect(Math.abs(1 - studentTCdf(40, 4) - 1.1670081613006339e-6) / 1.1670081613006339e-6).toBeLessThan(
      1e-9,
    );
    // Cauchy: F(t) = ½ + atan(t)/π, to full relative precision even very close to the centre.
    for (const t of [-1e-8, -3, 0.25, 100]) {
      const exact = 0.5 + Math.atan(t) / Math.PI;
      expect(Math.abs(studentTCdf(t, 1) - exact) / exact).toBeLessThan(1e-14);
    }
  });
});

describe('special functions', () => {
  it('lnGamma matches known values', () => {
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(lnGamma(1)).toBeCloseTo(0, 14);
    expect(lnGamma(10)).toBeCloseTo(Math.log(362_880), 13);
    expect(lnGamma(0.1)).toBeCloseTo(2.252712651734206, 14);
  });

  it('regularizedIncompleteBeta matches closed forms and reference values', () => {
    for (const x of [0, 0.01, 0.3, 0.5, 0.77, 1]) {
      expect(regularizedIncompleteBeta(x, 1, 1)).toBeCloseTo(x, 14);
      expect(regularizedIncompleteBeta(x, 3.5, 1)).toBeCloseTo(x ** 3.5, 14);
      expect(regularizedIncompleteBeta(x, 1, 2.5)).toBeCloseTo(1 - (1 - x) ** 2.5, 14);
    }
    // a·ln x of order 40 carries an absolute rounding of ~1e-14 into the result.
    for (const a of [0.5, 4, 60]) expect(regularizedIncompleteBeta(0.5, a, a)).toBeCloseTo(0.5, 13);
    // mpmath betainc(a, b, 0, x, regularized=True).
    expect(regularizedIncompleteBeta(0.4, 2.5, 3.5)).toBeCloseTo(0.4869041915261174, 14);
    expect(regularizedIncompleteBeta(0.95, 30, 0.5)).toBeCloseTo(0.08062942690643063, 14);
  });
});
