/**
 * The service's request-rate limit: at most `limit` requests of one client in any `window` seconds.
 *
 * A sliding log (the times of the last `limit` requests), not a token bucket. limits.rst states the limit as a
 * count per window ("20 requests per 10 seconds"), and the service behind it is not public. The sliding log is
 * the reading that never lets more than 20 requests through in any 10 s; a token bucket holding 20 tokens and
 * refilled at 2/s would let 20 + 20 through in a 10 s window. The SDK's own client-side limiter counts request
 * timestamps in a sliding window the same way (globus-compute sdk/executor.py, `api_burst_ts`).
 */
export class SlidingWindowLimit {
  private readonly times: Float64Array;
  private count = 0;
  private next = 0;
  private last = -Infinity;

  constructor(
    readonly limit: number,
    readonly window: number,
  ) {
    this.times = new Float64Array(limit);
  }

  /**
   * The earliest time >= `now` at which one more request fits, i.e. at most `limit` − 1 requests fall in
   * (t − window, t]. Requests are admitted in order, so it is never before the last one admitted.
   */
  earliest(now: number): number {
    const free = this.count < this.limit ? now : Math.max(now, this.times[this.next] + this.window);
    return Math.max(free, this.last);
  }

  /** Records a request admitted at `time` (not before `earliest`). */
  admit(time: number): void {
    this.times[this.next] = time;
    this.next = (this.next + 1) % this.limit;
    if (this.count < this.limit) this.count++;
    this.last = time;
  }
}
