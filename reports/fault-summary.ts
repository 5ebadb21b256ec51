/**
 * What each injected fault cost a run (the `faults` section of summary.json): one entry per occurrence of a
 * fault on one target, in the order they began. Counts are of what the fault itself did (the attempts it
 * ended and their fate) or, for the transfer and submission counters, of what happened anywhere in the world
 * while it lasted: overlapping faults each count those.
 */
export interface FaultSummary {
  /** The fault kind as written in the scenario (`site-downtime`, `network-cut`, ...). */
  readonly kind: string;
  /** The resource, region, link or Harvester instance hit; `all` for a fault on every Globus transfer. */
  readonly target: string;
  readonly origin: 'scheduled' | 'sudden';
  /** When it began and ended, s from the scenario start (the end may lie past the simulated time). */
  readonly start: number;
  readonly end: number;
  /** Job attempts it ended: killed with their worker or node, or failed by it (a refused stage-out). */
  readonly jobsKilled: number;
  /** Of the PanDA jobs among them: attempts the server retried, jobs out of attempts, and retried jobs that finished. */
  readonly jobsRetried: number;
  readonly jobsFailed: number;
  readonly jobsRecovered: number;
  /** Work thrown away: core-hours and GPU-hours the ended attempts had run. */
  readonly cpuHoursLost: number;
  readonly gpuHoursLost: number;
  /** While it lasted: copy attempts that failed (retried or not), copies that failed for good, Globus file faults. */
  readonly transferAttemptsFailed: number;
  readonly transfersFailed: number;
  readonly globusFileFaults: number;
  /** While it lasted: Harvester workers not submitted for want of a valid token. */
  readonly submissionsBlocked: number;
  /** The waiting it caused, in hours, where the model measures it, and what was measured (null otherwise). */
  readonly delayHours: number | null;
  readonly delayBasis: string | null;
  /**
   * Job-hours its killed PanDA jobs waited to run again: from the kill to their retry's start, or to the end of
   * the run for those still waiting then (in JEDI or in a queue).
   */
  readonly restartWaitHours: number;
}
