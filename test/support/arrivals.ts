import type { Distribution } from '../../sim/distributions.ts';
import type { Simulation } from '../../sim/engine.ts';
import { process, timeout, type ProcessGenerator } from '../../sim/process.ts';
import type { Rng } from '../../sim/random.ts';

/**
 * An open arrival source for the kernel tests: `count` customers, each started as its own process after a gap
 * drawn from `interArrival` on `rng` (so customer k arrives at the sum of the first k + 1 gaps).
 */
export function startArrivals(
  sim: Simulation,
  interArrival: Distribution,
  rng: Rng,
  count: number,
  customer: (k: number) => ProcessGenerator<void>,
): void {
  process(
    sim,
    (function* () {
      for (let k = 0; k < count; k++) {
        yield timeout(sim, interArrival.sample(rng));
        process(sim, customer(k));
      }
    })(),
  );
}
