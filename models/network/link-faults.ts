/**
 * Scenario faults on links: a degradation keeps a fraction of the link's nominal capacity for a while, a cut
 * (fraction 0) stops it. Flows crossing the link slow down or stall and resume when the fault ends.
 * Overlapping faults on one link multiply: two halvings leave a quarter, and the link is back to nominal
 * only when every fault on it has ended.
 */
import type { Simulation } from '../../sim/engine.ts';
import type { FlowNetwork } from './flow-network.ts';

export interface LinkFault {
  link: string;
  /** Absolute simulated time the fault begins, s. */
  start: number;
  /** How long it lasts, s (Infinity: to the end of the run). */
  duration: number;
  /** Fraction of the nominal capacity left during the fault: 0 cuts the link, 0.1 leaves a tenth. */
  capacityFraction: number;
}

export function scheduleLinkFaults(
  sim: Simulation,
  network: FlowNetwork,
  faults: readonly LinkFault[],
): void {
  const active = new Map<number, number[]>();
  const apply = (link: number): void => {
    let fraction = 1;
    for (const f of active.get(link) ?? []) fraction *= f;
    network.setLinkCapacity(link, network.nominalCapacity(link) * fraction);
  };
  for (const fault of faults) {
    const link = network.topology.link(fault.link);
    if (!(fault.capacityFraction >= 0 && fault.capacityFraction <= 1))
      throw new RangeError(`link fault on ${fault.link}: capacityFraction must be in [0, 1]`);
    if (!(fault.duration > 0)) throw new RangeError(`link fault on ${fault.link}: duration must be > 0`);
    sim.at(fault.start, () => {
      const list = active.get(link) ?? [];
      list.push(fault.capacityFraction);
      active.set(link, list);
      apply(link);
      if (fault.duration < Infinity) {
        sim.schedule(fault.duration, () => {
          list.splice(list.indexOf(fault.capacityFraction), 1);
          apply(link);
        });
      }
    });
  }
}
