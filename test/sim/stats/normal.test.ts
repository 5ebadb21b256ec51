import { describe, expect, it } from 'vitest';
import { normalQuantile } from '../../../sim/stats/normal.ts';

// Reference values: mpmath 1.3, √2·erfinv(2p − 1) at 40 digits, rounded to doubles.
const REFERENCE: [number, number][] = [
  [0.5, 0],
  [0.6, 0.2533471031357997],
  [0.975, 1.959963984540054],
  [0.995, 2.5758293035489004],
  [0.999, 3.090232306167813],
  [0.1, -1.2815515655446004],
  [0.025, -1.959963984540054],
  [1e-6, -4.753424308822899],
  [1e-10, -6.361340902404057],
  [1e-20, -9.262340089798407],
];

describe('normalQuantile (AS 241)', () => {
  it('matches high-precision values in the centre and both tail regions', () => {
    for (const [p, z] of REFERENCE) {
      expect(Math.abs(normalQuantile(p) - z), `p = ${p}`).toBeLessThanOrEqual(
        1e-15 * Math.max(1, Math.abs(z)),
      );
    }
  });

  it('is antisymmetric about ½', () => {
    for (const p of [0.3, 0.07, 0.01, 1e-4])
      expect(normalQuantile(1 - p)).toBeCloseTo(-normalQuantile(p), 12);
  });

  it('is infinite at 0 and 1 and rejects probabilities outside [0, 1]', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(() => normalQuantile(-0.1)).toThrow(RangeError);
    expect(() => normalQuantile(NaN)).toThrow(RangeError);
  });
});
