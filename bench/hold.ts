/**
 * The classic hold model: a pending set of n events; each step takes the earliest and schedules one new event
 * at now + exponential(1). It measures the event queue alone. The baseline is the floor for any engine: a bare
 * typed-array heap of times that replaces its top in place, with no callbacks, no sequence numbers and no
 * cancellation.
 */
import { Simulation } from '../sim/engine.ts';
import { RandomStreams, type Rng } from '../sim/random.ts';
import type { BenchSuite } from './harness.ts';

const STEPS_PER_CALL = 100_000;

function exp1(rng: Rng): number {
  return -Math.log(1 - rng.next());
}

function engineCase(n: number) {
  let sim = new Simulation();
  let rng: Rng;
  const hold = (): void => {
    sim.schedule(exp1(rng), hold);
  };
  return {
    setup: () => {
      sim = new Simulation();
      rng = new RandomStreams(1).stream('hold');
      for (let i = 0; i < n; i++) sim.schedule(exp1(rng), hold);
    },
    fn: () => {
      for (let i = 0; i < STEPS_PER_CALL; i++) sim.step();
    },
  };
}

function floorCase(n: number) {
  let heap = new Float64Array(0);
  let now = 0;
  let rng: Rng;
  return {
    setup: () => {
      rng = new RandomStreams(1).stream('hold');
      const times = Array.from({ length: n }, () => exp1(rng)).sort((a, b) => a - b);
      heap = Float64Array.from(times); // a sorted array is a valid heap
    },
    fn: () => {
      const h = heap;
      for (let s = 0; s < STEPS_PER_CALL; s++) {
        now = h[0];
        const t = now + exp1(rng);
        let pos = 0;
        while (true) {
          let child = 2 * pos + 1;
          if (child >= n) break;
          if (child + 1 < n && h[child + 1] < h[child]) child++;
          if (t <= h[child]) break;
          h[pos] = h[child];
          pos = child;
        }
        h[pos] = t;
      }
    },
  };
}

export function holdSuites(sizes: readonly number[] = [1_000, 100_000, 1_000_000]): BenchSuite[] {
  return sizes.map((n) => ({
    name: `hold n=${n}`,
    cases: [
      { name: 'bare heap (floor)', units: STEPS_PER_CALL, unit: 'events', ...floorCase(n) },
      {
        name: 'engine',
        units: STEPS_PER_CALL,
        unit: 'events',
        baseline: 'bare heap (floor)',
        target: n === 100_000 ? 5_000_000 : undefined,
        ...engineCase(n),
      },
    ],
  }));
}
