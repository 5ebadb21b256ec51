/**
 * Parameters of the Globus Transfer model, with their defaults and where each comes from (providers.md §3 and
 * the Globus Transfer rows of §6; tags as there: [S] read in a source, [S*] derived from one, [R] recalled,
 * [E] the design note's estimate, to be replaced by measurements — §7 item 2).
 */

export interface GlobusTransferParams {
  /** Task start-up: authentication, listing, scheduling, s. 15 (5–30) [E]. */
  taskStartup: number;
  /** Per-file overhead before its data moves (open, stat, pipelined control exchange), s. 0.5 [E]. */
  perFileOverhead: number;
  /** Files in flight per task. 4 [E/R]. */
  concurrency: number;
  /**
   * TCP streams per file. A file's streams share one route, so they are modelled as one flow of weight
   * `parallelism` (P streams take P shares of a contended bottleneck, as P TCP connections would) capped at
   * `parallelism × streamRate` (each stream is limited by its window over the RTT). 4 [E].
   */
  parallelism: number;
  /** One TCP stream's own limit, bytes/s; Infinity = limited by the links only. [E] */
  streamRate: number;
  /** Checksum rate when sync_level is 'checksum', bytes/s per file. 1 GB/s [E] (0.5–2 GB/s per DTN). */
  checksumRate: number;
  /** Probability that a file attempt faults (and is retried). 0.05 [E]. */
  faultProbability: number;
  /** Wait before a faulted file is tried again, s. 60 [E]. */
  retryDelay: number;
  /** Probability that a task meets a fatal error and ends FAILED. 0.01 [E]. */
  hardFailureProbability: number;
  /** Tasks of one user transferring at once; the others wait, queued. 3 [S secondary: Globus FAQ]. */
  maxActiveTasksPerUser: number;
  /** Unfinished tasks (active + queued) one user may have; submissions beyond are refused. 100 [S secondary]. */
  maxPendingTasksPerUser: number;
}

export const DEFAULT_GLOBUS_TRANSFER_PARAMS: Readonly<GlobusTransferParams> = {
  taskStartup: 15,
  perFileOverhead: 0.5,
  concurrency: 4,
  parallelism: 4,
  streamRate: Infinity,
  checksumRate: 1e9,
  faultProbability: 0.05,
  retryDelay: 60,
  hardFailureProbability: 0.01,
  maxActiveTasksPerUser: 3,
  maxPendingTasksPerUser: 100,
};

/** The defaults with `overrides` applied, checked. */
export function globusTransferParams(overrides: Partial<GlobusTransferParams> = {}): GlobusTransferParams {
  const p = { ...DEFAULT_GLOBUS_TRANSFER_PARAMS, ...overrides };
  const nonNegative = ['taskStartup', 'perFileOverhead', 'retryDelay'] as const;
  for (const k of nonNegative)
    if (!(p[k] >= 0 && p[k] < Infinity))
      throw new RangeError(`globus ${k} must be finite and >= 0, got ${p[k]}`);
  const counts = ['concurrency', 'parallelism', 'maxActiveTasksPerUser', 'maxPendingTasksPerUser'] as const;
  for (const k of counts)
    if (!(Number.isInteger(p[k]) && p[k] >= 1))
      throw new RangeError(`globus ${k} must be an integer >= 1, got ${p[k]}`);
  for (const k of ['streamRate', 'checksumRate'] as const)
    if (!(p[k] > 0)) throw new RangeError(`globus ${k} must be > 0, got ${p[k]}`);
  if (!(p.faultProbability >= 0 && p.faultProbability < 1))
    throw new RangeError(`globus faultProbability must be in [0, 1), got ${p.faultProbability}`);
  if (!(p.hardFailureProbability >= 0 && p.hardFailureProbability <= 1))
    throw new RangeError(`globus hardFailureProbability must be in [0, 1], got ${p.hardFailureProbability}`);
  return p;
}
