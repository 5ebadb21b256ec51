// Python 3 number semantics that PanDA's arithmetic depends on. The formulas ported in this folder are
// faithful only if `int()`, `round()` and `//` behave as in CPython, so they live in one place.

/** Python `int(x)` on a float: truncation toward zero; Python integers have no −0. */
export function pyInt(x: number): number {
  const t = Math.trunc(x);
  return t === 0 ? 0 : t;
}

/** Python `x // y` on numbers: floor division (rounds toward −∞, unlike `Math.trunc`). */
export function pyFloorDiv(x: number, y: number): number {
  return Math.floor(x / y);
}

/** Python 3 `round(x)`: nearest integer, ties to even (banker's rounding), e.g. round(1000.5) = 1000. */
export function pyRound(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Python `divmod(a, b)` for integers with b > 0. */
export function pyDivmod(a: number, b: number): [number, number] {
  const q = Math.floor(a / b);
  return [q, a - q * b];
}
