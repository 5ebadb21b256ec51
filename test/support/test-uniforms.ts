/**
 * A tiny self-contained uniform generator for tests of the statistics: a Weyl sequence scrambled by
 * MurmurHash3's 32-bit finaliser. The statistics tests use it instead of sim/random.ts so that they check
 * the statistics alone.
 */
export function uniformStream(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z = (z ^ (z >>> 16)) >>> 0;
    return (z + 0.5) / 4294967296;
  };
}
