/**
 * One network hop between Harvester and a peer (the PanDA server, a provider's endpoint, or, for a pilot, the
 * server seen from a worker node), with a fixed one-way latency: a message arrives `latency` seconds after it
 * is sent, and a call's reply comes back after the same again.
 */
import type { Simulation } from '../../sim/engine.ts';

export class Hop {
  constructor(
    private readonly sim: Simulation,
    readonly latency: number,
  ) {}

  /** `deliver` runs at the peer one latency from now. */
  send(deliver: () => void): void {
    this.sim.schedule(this.latency, deliver);
  }

  /** `serve` runs at the peer one latency from now; its result reaches `reply` one latency later. */
  call<R>(serve: () => R, reply: (result: R) => void): void {
    this.sim.schedule(this.latency, () => {
      const result = serve();
      this.sim.schedule(this.latency, () => reply(result));
    });
  }

  /** As `call`, for a peer that answers later through `respond` (a service with its own delays). */
  callAsync<R>(serve: (respond: (result: R) => void) => void, reply: (result: R) => void): void {
    this.sim.schedule(this.latency, () =>
      serve((result) => this.sim.schedule(this.latency, () => reply(result))),
    );
  }
}
