/**
 * The fault schedule of a run, drawn once when the world is built: every scheduled fault as written, and for
 * every sudden one the occurrences on each of its targets — the time from the end of one occurrence to the
 * start of the next exponential of mean 1/rate (the alternating renewal process of models/grid/downtime.ts, so
 * a target's own occurrences never overlap), each lasting a draw of the fault's duration.
 *
 * Each (fault, target) draws from its own stream, `faults/<index>/<target>`, and nothing else draws from it:
 * the schedule depends on the seed and the scenario only, so every policy compared under a seed meets the same
 * faults at the same times (common random numbers). A node failure also draws here which nodes it takes.
 */
import type { RandomStreams } from '../../sim/random.ts';
import { targetLabel, type FaultSpec, type NetworkTarget } from '../fault-spec.ts';

export interface PlannedFault {
  /** Position in the plan; the plan is ordered by start, then by fault and target. */
  readonly id: number;
  readonly spec: FaultSpec;
  /** Index of the fault in the scenario's `faults`. */
  readonly index: number;
  /** A resource, region or instance name, or the link of a network fault. */
  readonly target: string | NetworkTarget;
  readonly label: string;
  readonly origin: 'scheduled' | 'sudden';
  readonly start: number;
  readonly end: number;
  /** Uniforms in [0, 1) that choose the failing nodes of a node failure (one per node); empty otherwise. */
  readonly picks: readonly number[];
}

/** Every occurrence of `faults` that starts before `horizon`. */
export function planFaults(
  faults: readonly FaultSpec[],
  horizon: number,
  streams: RandomStreams,
): PlannedFault[] {
  const plan: Omit<PlannedFault, 'id'>[] = [];
  faults.forEach((spec, index) => {
    const targets: readonly (string | NetworkTarget)[] = spec.targets.length > 0 ? spec.targets : [''];
    for (const target of targets) {
      const label = target === '' ? 'all' : targetLabel(target);
      const rng = streams.fresh(`faults/${index}/${label}`);
      const picks = () =>
        spec.kind === 'lcf-node-failure' ? Array.from({ length: spec.nodes }, () => rng.next()) : [];
      const base = { spec, index, target, label };
      const timing = spec.timing;
      if (timing.mode === 'scheduled') {
        if (timing.at < horizon) {
          const start = timing.at;
          plan.push({ ...base, origin: 'scheduled', start, end: start + timing.duration, picks: picks() });
        }
        continue;
      }
      if (!(timing.rate > 0)) continue;
      let t = 0;
      for (;;) {
        t += -Math.log(1 - rng.next()) / timing.rate;
        if (t >= horizon) break;
        const duration = timing.duration.sample(rng);
        plan.push({ ...base, origin: 'sudden', start: t, end: t + duration, picks: picks() });
        t += duration;
      }
    }
  });
  plan.sort((a, b) => a.start - b.start || a.index - b.index);
  return plan.map((fault, id) => ({ ...fault, id }));
}
