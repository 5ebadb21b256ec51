/**
 * JobFetcher (HSF/harvester `harvesterbody/job_fetcher.py`), push mode: each cycle, up to `nQueues` push
 * queues not asked for `lookupTime`, oldest first, are locked; those short of jobs ask the server for them
 * (`get_jobs` → `acquire_jobs`). Fetched jobs go to the preparator.
 */
import type { AgentContext } from './agent-context.ts';
import { TIME_SLACK } from './agent-loop.ts';
import { jobsToFetch } from './queue-limits.ts';

export class JobFetcher {
  constructor(private readonly h: AgentContext) {}

  readonly cycle = (): void => {
    const { sim, params, db, server, serverHop } = this.h;
    const { lookupTime, maxJobs, nQueues } = params.jobFetcher;
    const now = sim.now;
    const due = db.queues
      .filter((queue) => queue.config.mapType !== 'NoJob' && queue.lastFetch <= now - lookupTime + TIME_SLACK)
      .sort((a, b) => a.lastFetch - b.lastFetch);
    let served = 0;
    for (const queue of due) {
      if (served >= nQueues) break;
      queue.lastFetch = now;
      const nJobs = jobsToFetch(queue.config, queue.nStartingJobs, queue.nRunningJobs, maxJobs);
      if (nJobs === 0) continue;
      served++;
      const { siteName, prodSourceLabel } = queue.config;
      serverHop.call(
        () => server.getJobs({ siteName, nJobs, prodSourceLabel, harvesterID: params.harvesterID }),
        (jobs) => {
          for (const job of jobs) db.jobFetched(queue, job, sim.now);
        },
      );
    }
  };
}
