/**
 * Nelder–Mead simplex minimisation (Nelder & Mead, "A simplex method for function minimization", Computer
 * Journal 7(4), 1965) with the standard coefficients: reflection 1, expansion 2, contraction ½, shrink ½.
 * Derivative-free and needing only comparisons between values, it suits a few parameters and an objective
 * that is a simulation: with common random numbers each point has one value, but the surface is rough, so
 * the search stops on a small simplex or a budget of evaluations rather than on a gradient.
 */

export interface NelderMeadOptions {
  /** Initial step along each coordinate (the simplex's edge). */
  readonly step: number | readonly number[];
  /** Evaluations at most (default 200). */
  readonly maxEvaluations?: number;
  /** Stop when every vertex is within this of the best along every coordinate (default 1e-3). */
  readonly tolerance?: number;
}

export interface NelderMeadResult {
  readonly x: number[];
  readonly value: number;
  readonly evaluations: number;
  /** Why it stopped. */
  readonly converged: boolean;
}

export function nelderMead(
  f: (x: readonly number[]) => number,
  start: readonly number[],
  options: NelderMeadOptions,
): NelderMeadResult {
  const n = start.length;
  if (n === 0) throw new RangeError('nelderMead: no parameters');
  const maxEvaluations = options.maxEvaluations ?? 200;
  const tolerance = options.tolerance ?? 1e-3;
  const steps = typeof options.step === 'number' ? start.map(() => options.step as number) : options.step;
  let evaluations = 0;
  const value = (x: number[]) => {
    evaluations++;
    return f(x);
  };
  const simplex: { x: number[]; v: number }[] = [{ x: [...start], v: value([...start]) }];
  for (let i = 0; i < n; i++) {
    const x = [...start];
    x[i] += steps[i];
    simplex.push({ x, v: value(x) });
  }
  const along = (from: number[], to: number[], t: number) => from.map((a, i) => a + t * (to[i] - a));
  // Stable: among equal values the older vertex stays best, so a flat stretch does not make the search wander.
  const order = () => simplex.sort((a, b) => a.v - b.v);
  order();
  while (evaluations < maxEvaluations) {
    const best = simplex[0];
    if (simplex.every((p) => p.x.every((xi, i) => Math.abs(xi - best.x[i]) <= tolerance))) {
      return { x: best.x, value: best.v, evaluations, converged: true };
    }
    const worst = simplex[n];
    const centroid = Array.from(
      { length: n },
      (_, i) => simplex.slice(0, n).reduce((s, p) => s + p.x[i], 0) / n,
    );
    const reflected = along(centroid, worst.x, -1);
    const vr = value(reflected);
    if (vr < best.v) {
      const expanded = along(centroid, worst.x, -2);
      const ve = evaluations < maxEvaluations ? value(expanded) : Infinity;
      simplex[n] = ve < vr ? { x: expanded, v: ve } : { x: reflected, v: vr };
    } else if (vr < simplex[n - 1].v) {
      simplex[n] = { x: reflected, v: vr };
    } else {
      // Contract towards the better of the worst vertex and its reflection.
      const outside = vr < worst.v;
      const contracted = along(centroid, outside ? reflected : worst.x, 0.5);
      const vc = evaluations < maxEvaluations ? value(contracted) : Infinity;
      if (vc < (outside ? vr : worst.v)) simplex[n] = { x: contracted, v: vc };
      else {
        for (let k = 1; k <= n && evaluations < maxEvaluations; k++) {
          const x = along(best.x, simplex[k].x, 0.5);
          simplex[k] = { x, v: value(x) };
        }
      }
    }
    order();
  }
  return { x: simplex[0].x, value: simplex[0].v, evaluations, converged: false };
}
