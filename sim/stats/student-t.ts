/**
 * Student's t distribution: CDF and quantile function, through the regularized incomplete beta function.
 *
 * For t ≥ 0 the upper tail is P(T > t) = ½·I_x(ν/2, ½) with x = ν/(ν + t²) (Abramowitz & Stegun 26.7.1 with
 * 26.5.27). I_x is evaluated with its continued fraction (A&S 26.5.8) by the modified Lentz method, on whichever
 * side of the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) converges fast; 1 − x is passed in separately so that
 * small t keeps its digits. The quantile solves tail(t) = q by Newton's method on ln tail(t), started from the
 * Cornish–Fisher expansion about the normal quantile (A&S 26.7.5) and kept inside a shrinking bracket, so it
 * falls back to bisection whenever a step would leave it. ν = 1 and ν = 2 have closed forms and use them.
 */
import { normalQuantile } from './normal.ts';

// Lanczos approximation with g = 7 and 9 terms; relative error about 1e-15 for positive arguments.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0. */
export function lnGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`lnGamma: x must be positive, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let series = LANCZOS[0];
  for (let k = 1; k < LANCZOS.length; k++) series += LANCZOS[k] / (z + k);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(series);
}

// Stirling-series remainder ln Γ(x) − [(x − ½)·ln x − x + ½·ln 2π] (A&S 6.1.41), to the x⁻⁹ term: for x ≥ 10
// the first omitted term, 691/(360360·x¹¹), is below 2e-14.
function stirlingRemainder(x: number): number {
  const r = 1 / x;
  const r2 = r * r;
  return r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 / 1188))));
}

/**
 * ln Γ(a + b) − ln Γ(a). For large a the two log-gammas are huge and nearly equal; expanding both with
 * Stirling's series and grouping (a − ½)·ln(1 + b/a) keeps the difference to full precision, which the
 * t density and I_x(ν/2, ½) need at large ν.
 */
function lnGammaRatio(a: number, b: number): number {
  if (a < 10) return lnGamma(a + b) - lnGamma(a);
  return (
    (a - 0.5) * Math.log1p(b / a) + b * Math.log(a + b) - b + stirlingRemainder(a + b) - stirlingRemainder(a)
  );
}

const CF_EPSILON = 1e-15;
const CF_TINY = 1e-300;

/** The continued fraction of A&S 26.5.8 (without its prefactor), which converges fast for x < (a+1)/(a+b+2). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  // Terms needed grow like √max(a, b); the cap only guards against a bug looping forever.
  const maxTerms = 1000 + Math.ceil(100 * Math.sqrt(Math.max(a, b)));
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < CF_TINY) d = CF_TINY;
  d = 1 / d;
  let fraction = d;
  for (let m = 1; m <= maxTerms; m++) {
    const twoM = 2 * m;
    const even = (m * (b - m) * x) / ((a + twoM - 1) * (a + twoM));
    d = 1 + even * d;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = 1 + even / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    fraction *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + twoM) * (a + twoM + 1));
    d = 1 + odd * d;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = 1 + odd / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    const change = d * c;
    fraction *= change;
    if (Math.abs(change - 1) < CF_EPSILON) return fraction;
  }
  throw new Error(`incomplete beta: continued fraction did not converge (x=${x}, a=${a}, b=${b})`);
}

/** I_x(a, b) given both x and y = 1 − x, each to full relative precision. */
function incompleteBeta(x: number, y: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const lnX = x < 0.5 ? Math.log(x) : Math.log1p(-y);
  const lnY = y < 0.5 ? Math.log(y) : Math.log1p(-x);
  const lnBeta = a >= b ? lnGamma(b) - lnGammaRatio(a, b) : lnGamma(a) - lnGammaRatio(b, a);
  const prefactor = Math.exp(a * lnX + b * lnY - lnBeta);
  if (x < (a + 1) / (a + b + 2)) return (prefactor * betaContinuedFraction(x, a, b)) / a;
  return 1 - (prefactor * betaContinuedFraction(y, b, a)) / b;
}

/** The regularized incomplete beta function I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`regularizedIncompleteBeta: a and b must be positive`);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`regularizedIncompleteBeta: x must be in [0, 1], got ${x}`);
  return incompleteBeta(x, 1 - x, a, b);
}

function checkDegreesOfFreedom(df: number, allowInfinite: boolean): void {
  if (!(df > 0) || (!allowInfinite && df === Infinity)) {
    throw new RangeError(`Student t: degrees of freedom must be positive, got ${df}`);
  }
}

/** P(T > t) for t ≥ 0. */
function upperTail(t: number, df: number): number {
  const t2 = t * t;
  return 0.5 * incompleteBeta(df / (df + t2), t2 / (df + t2), df / 2, 0.5);
}

/** P(T ≤ t) for T with `df` > 0 (finite) degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  checkDegreesOfFreedom(df, false);
  if (Number.isNaN(t)) throw new RangeError('studentTCdf: t is NaN');
  return t >= 0 ? 1 - upperTail(t, df) : upperTail(-t, df);
}

/** The t > 0 with P(T > t) = q, for 0 < q < ½. */
function upperTailInverse(q: number, df: number): number {
  const lnQ = Math.log(q);
  const lnDensityConstant = lnGammaRatio(df / 2, 0.5) - 0.5 * Math.log(df * Math.PI);
  const z = -normalQuantile(q);
  const z2 = z * z;
  let t =
    z +
    (z * (z2 + 1)) / (4 * df) +
    (z * ((5 * z2 + 16) * z2 + 3)) / (96 * df * df) +
    (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / (384 * df * df * df);
  if (!(t > 0)) t = z;
  let low = 0;
  let high = Infinity;
  for (let iteration = 0; iteration < 200; iteration++) {
    const tail = upperTail(t, df);
    if (tail === q) return t;
    if (tail > q) low = t;
    else high = t;
    const density = Math.exp(lnDensityConstant - ((df + 1) / 2) * Math.log1p((t * t) / df));
    // Newton on g(t) = ln tail(t) − ln q, whose derivative is −density/tail.
    let next = t + ((Math.log(tail) - lnQ) * tail) / density;
    if (!(next > low && next < high)) next = high === Infinity ? 2 * t : (low + high) / 2;
    if (Math.abs(next - t) <= 1e-15 * t) return next;
    t = next;
  }
  return t;
}

/** The p-quantile of Student's t with `df` > 0 degrees of freedom; df = Infinity gives the normal quantile. */
export function studentTQuantile(p: number, df: number): number {
  checkDegreesOfFreedom(df, true);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`studentTQuantile: p must be in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (df === Infinity) return normalQuantile(p);
  // 1 − p is exact for p ≥ ½ (Sterbenz), so the tail probability keeps full precision on both sides.
  const q = p < 0.5 ? p : 1 - p;
  let t: number;
  if (df === 1) t = 1 / Math.tan(Math.PI * q);
  else if (df === 2) t = (1 - 2 * q) / Math.sqrt(2 * q * (1 - q));
  else t = upperTailInverse(q, df);
  return p < 0.5 ? -t : t;
}
