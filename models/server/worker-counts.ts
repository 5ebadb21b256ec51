// Harvester workers the server knows from `update_workers`, per PanDA queue: those submitted or running,
// the `nWorkers` of the brokerage's queue state. Workers that ended are forgotten.

import type { WorkerReport } from '../harvester/panda-server-api.ts';

export class WorkerCounts {
  private readonly live = new Map<string, string>();
  private readonly perSite = new Map<string, number>();

  update(report: WorkerReport): void {
    const key = `${report.harvesterID}\u0000${report.workerID}`;
    const known = this.live.get(key);
    const active = report.status === 'submitted' || report.status === 'running';
    if (known !== undefined && !active) {
      this.live.delete(key);
      this.perSite.set(known, (this.perSite.get(known) ?? 0) - 1);
    } else if (known === undefined && active) {
      this.live.set(key, report.computingSite);
      this.perSite.set(report.computingSite, (this.perSite.get(report.computingSite) ?? 0) + 1);
    }
  }

  /** Workers submitted or running at the site. */
  active(site: string): number {
    return this.perSite.get(site) ?? 0;
  }
}
