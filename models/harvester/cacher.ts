/**
 * Cacher (HSF/harvester `harvesterbody/cacher.py`): keeps the server's job statistics (`job_statistics.json`)
 * that the worker adjuster reads in pull mode, pulling them again once they are `refreshInterval` old. The
 * master runs it once before starting the other agents, so the first submitter cycle has them.
 */
import type { AgentContext } from './agent-context.ts';
import { TIME_SLACK } from './agent-loop.ts';
import type { SiteJobStatistics } from './panda-server-api.ts';

export class Cacher {
  private statistics: Readonly<Record<string, SiteJobStatistics>> | undefined;
  private lastRefresh = -Infinity;

  constructor(private readonly h: AgentContext) {}

  /** The forced first refresh; `ready` runs when the statistics have arrived. */
  prerun(ready: () => void): void {
    this.refresh(ready);
  }

  readonly cycle = (): void => {
    if (this.h.sim.now - this.lastRefresh + TIME_SLACK >= this.h.params.cacher.refreshInterval)
      this.refresh(() => {});
  };

  /** Activated jobs of the site as last pulled; null before the first pull (Harvester then uses queue limits). */
  activated(siteName: string): number | null {
    if (this.statistics === undefined) return null;
    return this.statistics[siteName]?.activated ?? 0;
  }

  private refresh(then: () => void): void {
    const { sim, server, serverHop } = this.h;
    this.lastRefresh = sim.now;
    serverHop.call(
      () => server.getJobStatisticsPerSite(),
      (statistics) => {
        this.statistics = statistics;
        then();
      },
    );
  }
}
