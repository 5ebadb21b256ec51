// Requests per PanDA queue over a sliding window, as SiteData keeps the `getJob` / `updateJob` counts the
// brokerage reads (brokerage.md §5.1). Times arrive in non-decreasing order (the simulated clock), so each
// site's log is a queue trimmed from the front.

export class RequestLog {
  private readonly times = new Map<string, { at: number[]; head: number }>();

  constructor(readonly windowS: number) {}

  record(site: string, now: number): void {
    let log = this.times.get(site);
    if (log === undefined) this.times.set(site, (log = { at: [], head: 0 }));
    log.at.push(now);
    this.trim(log, now);
  }

  /** Requests in (now − window, now]. */
  count(site: string, now: number): number {
    const log = this.times.get(site);
    if (log === undefined) return 0;
    this.trim(log, now);
    return log.at.length - log.head;
  }

  private trim(log: { at: number[]; head: number }, now: number): void {
    while (log.head < log.at.length && log.at[log.head] <= now - this.windowS) log.head++;
    // Compact once the dead prefix dominates, so memory follows the window, not the run.
    if (log.head > 1024 && log.head * 2 > log.at.length) {
      log.at.splice(0, log.head);
      log.head = 0;
    }
  }
}
