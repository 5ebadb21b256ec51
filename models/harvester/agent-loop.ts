/**
 * The loop every Harvester agent thread runs (`AgentBase.run`: do a cycle, then `terminated(sleepTime)`),
 * as events: `nThreads` independent threads each calling `cycle` and sleeping. The cycle itself takes no
 * simulated time; what it asks of the server or the provider takes the hop latencies (hop.ts).
 */
import type { Simulation } from '../../sim/engine.ts';
import type { Rng } from '../../sim/random.ts';
import type { AgentLoopParams } from './harvester-params.ts';

/**
 * Slack when a cycle compares the clock with a due time (a lookup or check interval since a row's last
 * time): simulated times are float sums of sleeps and latencies, and `t + 60 − 60` may miss `t` by 1e-14.
 * Real cycles take some processing time, so an interval that has just passed is honoured; a microsecond
 * of slack keeps float error from pushing such a row to the next cycle.
 */
export const TIME_SLACK = 1e-6;

/**
 * One sleep: `random.randint(int(0.4·T), int(1.4·T))` seconds, both ends included, as `core_utils.sleep`
 * draws it (HSF/harvester `harvestercore/core_utils.py`); exactly T without randomisation.
 */
export function sleepDuration(params: AgentLoopParams, rng: Rng): number {
  const t = params.sleepTime;
  if (!params.randomizeSleep) return t;
  const low = Math.floor(0.4 * t);
  const high = Math.floor(1.4 * t);
  return low + Math.floor(rng.next() * (high - low + 1));
}

/** The threads of one agent; `stop` ends them at their next wake. */
export class AgentLoop {
  private running = true;

  constructor(
    private readonly sim: Simulation,
    private readonly rng: Rng,
    private readonly params: AgentLoopParams,
    private readonly cycle: () => void,
  ) {
    for (let thread = 0; thread < params.nThreads; thread++) {
      sim.schedule(params.firstWake ?? rng.next() * params.sleepTime, this.wake);
    }
  }

  stop(): void {
    this.running = false;
  }

  private readonly wake = (): void => {
    if (!this.running) return;
    this.cycle();
    this.sim.schedule(sleepDuration(this.params, this.rng), this.wake);
  };
}
