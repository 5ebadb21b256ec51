/**
 * When a site is offline: scheduled downtimes (GOCDB-style [start, end] windows) and random outages, which
 * alternate with online periods (an alternating renewal process: the time from the end of one outage to the
 * start of the next, then the outage's duration). Windows may overlap each other and outages; the site is
 * offline while any of them lasts.
 *
 * Random outages never stop: a model that has them keeps an event pending, so run it with a horizon.
 */
import type { Distribution } from '../../sim/distributions.ts';
import type { Simulation } from '../../sim/engine.ts';
import type { Rng } from '../../sim/random.ts';

export type DowntimeWindow = readonly [start: number, end: number];

export interface RandomDowntime {
  /** Online time from the end of one outage to the start of the next, s. */
  readonly between: Distribution;
  /** Length of an outage, s. */
  readonly duration: Distribution;
}

/** Fraction of time offline under random outages alone: E[duration] / (E[between] + E[duration]). */
export function randomDowntimeFraction(random: RandomDowntime): number {
  return random.duration.mean / (random.between.mean + random.duration.mean);
}

export class Downtimes {
  /** Number of windows and outages in progress. */
  private depth = 0;

  constructor(
    private readonly sim: Simulation,
    windows: readonly DowntimeWindow[],
    private readonly random: RandomDowntime | undefined,
    private readonly rng: Rng,
    private readonly onChange: (online: boolean) => void,
  ) {
    for (const [start, end] of windows) {
      if (!(start >= sim.now && end > start && Number.isFinite(end))) {
        throw new RangeError(`downtime window [${start}, ${end}] must have now <= start < end < Infinity`);
      }
      sim.at(start, this.begin);
      sim.at(end, this.finish);
    }
    if (random !== undefined) sim.schedule(random.between.sample(rng), this.beginRandom);
  }

  get online(): boolean {
    return this.depth === 0;
  }

  /** An outage from outside the model (a scenario fault) begins now; it counts like a window until `leave`. */
  enter(): void {
    this.begin();
  }

  leave(): void {
    if (this.depth === 0) throw new Error('downtime: leave without enter');
    this.finish();
  }

  private readonly begin = (): void => {
    if (this.depth++ === 0) this.onChange(false);
  };

  private readonly finish = (): void => {
    if (--this.depth === 0) this.onChange(true);
  };

  private readonly beginRandom = (): void => {
    this.sim.schedule(this.random!.duration.sample(this.rng), this.finishRandom);
    this.begin();
  };

  private readonly finishRandom = (): void => {
    this.sim.schedule(this.random!.between.sample(this.rng), this.beginRandom);
    this.finish();
  };
}
