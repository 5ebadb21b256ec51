/**
 * Closed forms the kernel is validated against (e.g. Kleinrock, Queueing Systems vol. 1; Gross & Harris,
 * Fundamentals of Queueing Theory): Erlang C for M/M/c and Pollaczek–Khinchine for M/G/1.
 */

/** Erlang C: probability that an arrival waits in an M/M/c queue with offered load a = λ/μ (a < c). */
export function erlangC(c: number, a: number): number {
  // Sum a^k/k! iteratively to stay finite for large c.
  let term = 1;
  let sum = 1;
  for (let k = 1; k < c; k++) {
    term *= a / k;
    sum += term;
  }
  const last = (term * a) / c; // a^c / c!
  const tail = last * (c / (c - a));
  return tail / (sum + tail);
}

/** Mean wait in queue of M/M/c: Wq = C(c, a) / (cμ − λ). */
export function mmcMeanWait(c: number, lambda: number, mu: number): number {
  return erlangC(c, lambda / mu) / (c * mu - lambda);
}

/** Mean wait in queue of M/G/1 (Pollaczek–Khinchine): Wq = λ E[S²] / (2 (1 − ρ)). */
export function mg1MeanWait(lambda: number, meanService: number, secondMomentService: number): number {
  const rho = lambda * meanService;
  return (lambda * secondMomentService) / (2 * (1 - rho));
}
