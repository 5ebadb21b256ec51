// Harvester workers the server knows from `update_workers`, per PanDA queue: those submitted or running,
// the `nWorkers` of the brokerage's queue state. Workers that ended are forgotten.

import type { WorkerReport } from '../harvester/panda-server-api.ts';

export class WorkerCounts {
  /** Harvester → worker id → the site of each live worker (ids are unique per Harvester instance). */
  private readonly live = new Map<string, Map<number, string>>();
  private readonly perSite = new Map<string, number>();

  update(report: WorkerReport): void {
    let workers = this.live.get(report.harvesterID);
    if (workers === undefined) this.live.set(report.harvesterID, (workers = new Map()));
    const known = workers.get(report.workerID);
    const active = report.status === 'submitted' || report.status === 'running';
    if (known !== undefined && !active) {
      workers.delete(report.workerID);
      this.perSite.set(known, (this.perSite.get(known) ?? 0) - 1);
    } else if (known === undefined && active) {
      workers.set(report.workerID, report.computingSite);
      this.perSite.set(report.computingSite, (this.perSite.get(report.computingSite) ?? 0) + 1);
    }
  }

  /** Workers submitted or running at the site. */
  active(site: string): number {
    return this.perSite.get(site) ?? 0;
  }
}
