/**
 * Volunteer hosts that come and go: each alternates available (on) and unavailable (off) periods drawn from the
 * project's distributions, independently of the others and of the work they hold.
 *
 * A host starts on with probability mean(on) / (mean(on) + mean(off)), the long-run share of time on, and its
 * first period is drawn like any other. For exponential periods that is the stationary start; for heavy-tailed
 * ones the first period is shorter than a stationary residual would be, a bias that fades after a few periods.
 *
 * Random stream: `volunteer/<name>/hosts` (host attributes, then on/off periods in event order; nothing here
 * depends on the workload, so every policy sees the same hosts come and go).
 */
import type { Simulation } from '../../sim/engine.ts';
import type { Rng } from '../../sim/random.ts';
import type { Placement } from '../provider/worker.ts';
import type { VolunteerParams } from './params.ts';

export interface Host {
  readonly id: number;
  readonly cores: number;
  readonly placement: Placement;
  on: boolean;
  /** When the current on period began (meaningful while on). */
  onSince: number;
  /** Seconds on in closed periods. */
  onSeconds: number;
}

export interface HostListener {
  up(host: Host): void;
  down(host: Host): void;
}

export class VolunteerHosts {
  readonly hosts: readonly Host[];
  private readonly createdAt: number;

  constructor(
    private readonly sim: Simulation,
    private readonly rng: Rng,
    private readonly params: VolunteerParams,
    private readonly listener: HostListener,
  ) {
    this.createdAt = sim.now;
    const specs =
      typeof params.hosts === 'number'
        ? Array.from({ length: params.hosts }, () => ({
            cores: Math.max(1, Math.round(params.hostCores.sample(rng))),
            corepower: params.hostCorepower.sample(rng),
          }))
        : params.hosts;
    const onShare = params.onPeriod.mean / (params.onPeriod.mean + params.offPeriod.mean);
    this.hosts = specs.map((spec, id) => {
      const host: Host = {
        id,
        cores: spec.cores,
        placement: {
          provider: params.name,
          resource: `${params.name}/host-${id}`,
          corepower: spec.corepower,
          gpuSpeed: 0,
        },
        on: rng.next() < onShare,
        onSince: sim.now,
        onSeconds: 0,
      };
      const period = host.on ? params.onPeriod : params.offPeriod;
      sim.schedule(period.sample(rng), this.toggle, host);
      return host;
    });
  }

  /** Hosts on now. */
  get onCount(): number {
    return this.hosts.reduce((count, host) => count + (host.on ? 1 : 0), 0);
  }

  /** Each host's share of time on since the project began. */
  availability(now: number): number[] {
    const span = now - this.createdAt;
    return this.hosts.map((host) => (host.onSeconds + (host.on ? now - host.onSince : 0)) / span);
  }

  private readonly toggle = (host: Host): void => {
    const now = this.sim.now;
    if (host.on) {
      host.on = false;
      host.onSeconds += now - host.onSince;
      this.sim.schedule(this.params.offPeriod.sample(this.rng), this.toggle, host);
      this.listener.down(host);
    } else {
      host.on = true;
      host.onSince = now;
      this.sim.schedule(this.params.onPeriod.sample(this.rng), this.toggle, host);
      this.listener.up(host);
    }
  };
}
