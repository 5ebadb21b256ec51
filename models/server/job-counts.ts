// Job counts per (PanDA queue × gshare × state), kept by the job table at every transition so that the
// brokerage's view (QueueState.jobsByShare, what `getJobStatisticsByGlobalShare` aggregates from the job
// tables) and Harvester's per-site statistics are read without a scan. Final states keep growing: they count
// every attempt that ever ended there.

import type { JobCounts } from '@pandasim/panda';
import type { SiteJobStatistics } from '../harvester/panda-server-api.ts';
import { JOB_STATES, STATE_INDEX, isFinalState, type ServerJobStatus } from './job-states.ts';

export class JobCountTable {
  private readonly bySite = new Map<string, Map<string, Int32Array>>();

  private row(site: string, gshare: string): Int32Array {
    let shares = this.bySite.get(site);
    if (shares === undefined) this.bySite.set(site, (shares = new Map()));
    let row = shares.get(gshare);
    if (row === undefined) shares.set(gshare, (row = new Int32Array(JOB_STATES.length)));
    return row;
  }

  add(site: string, gshare: string, status: ServerJobStatus): void {
    this.row(site, gshare)[STATE_INDEX[status]]++;
  }

  move(site: string, gshare: string, from: ServerJobStatus, to: ServerJobStatus): void {
    const row = this.row(site, gshare);
    row[STATE_INDEX[from]]--;
    row[STATE_INDEX[to]]++;
  }

  count(site: string, gshare: string, status: ServerJobStatus): number {
    return this.bySite.get(site)?.get(gshare)?.[STATE_INDEX[status]] ?? 0;
  }

  sites(): IterableIterator<string> {
    return this.bySite.keys();
  }

  /** Every (site, gshare, state) with a non-zero count. */
  *entries(): Generator<[site: string, gshare: string, status: ServerJobStatus, count: number]> {
    for (const [site, shares] of this.bySite) {
      for (const [gshare, row] of shares) {
        for (let i = 0; i < row.length; i++) if (row[i] !== 0) yield [site, gshare, JOB_STATES[i], row[i]];
      }
    }
  }

  /** Brokerage counts of one PQ per gshare. */
  jobsByShare(site: string): Record<string, JobCounts> {
    const out: Record<string, JobCounts> = {};
    for (const [gshare, row] of this.bySite.get(site) ?? []) {
      out[gshare] = {
        nDefined: row[STATE_INDEX.defined],
        nAssigned: row[STATE_INDEX.assigned],
        nActivated: row[STATE_INDEX.activated],
        nStarting: row[STATE_INDEX.starting],
        nRunning: row[STATE_INDEX.running],
        nTransferring: row[STATE_INDEX.transferring],
      };
    }
    return out;
  }

  /** Harvester's `job_statistics.json` view: live jobs per state of one site, all shares summed. */
  siteStatistics(site: string): SiteJobStatistics {
    const out: Partial<Record<ServerJobStatus, number>> = {};
    for (const row of this.bySite.get(site)?.values() ?? []) {
      for (let i = 0; i < row.length; i++) {
        const status = JOB_STATES[i];
        if (row[i] === 0 || isFinalState(status)) continue;
        out[status] = (out[status] ?? 0) + row[i];
      }
    }
    return out as SiteJobStatistics;
  }
}
