/**
 * The metrics contract: what one run writes to `summary.json` and what a comparison of runs writes to
 * `comparison.json` (architecture.md "Metrics contract"). Reports are built from these files alone, so
 * `pandasim report DIR` can rebuild a report long after the runs. Times are simulated seconds from the
 * scenario start, sizes bytes, money USD.
 *
 * Nothing here depends on the machine or the moment: the same scenario, policy, seed and code give the same
 * bytes anywhere (issue #9). Wall-clock time is the commands' business (they print it and write it to
 * `timing.json` beside these files).
 */

import type { FaultSummary } from './fault-summary.ts';

export const SUMMARY_VERSION = 1;

/**
 * A distribution folded into a log histogram: count, mean and quantiles (1 % relative accuracy). The figures are
 * null when nothing was observed: a class whose jobs never staged in has no stage-in time, not one of 0 s.
 */
export interface DistributionSummary {
  readonly count: number;
  readonly mean: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

/** Final states of jobs (attempts), and the jobs still live at the horizon. */
export interface JobCountsSummary {
  readonly created: number;
  readonly finished: number;
  readonly failed: number;
  readonly cancelled: number;
  /** Still queued, running or transferring when the horizon was reached. */
  readonly live: number;
  /** Failed attempts that were retried. */
  readonly retried: number;
}

export interface JobClassSummary {
  /** e.g. `workflow:fastcalogan/gan-training`, `background:MC Simulation Full`. */
  readonly name: string;
  readonly counts: JobCountsSummary;
  /** From creation (activation) to the payload's start, s. */
  readonly wait: DistributionSummary;
  /** Payload run time of finished attempts, s. */
  readonly run: DistributionSummary;
  readonly stageIn: DistributionSummary;
  readonly stageOut: DistributionSummary;
  readonly cpuHours: number;
  readonly gpuHours: number;
  /** Walltime of failed attempts, core-hours (GPU-hours for GPU jobs are in `wastedGpuHours`). */
  readonly wastedCoreHours: number;
  readonly wastedGpuHours: number;
  /** Failed attempts by cause. */
  readonly failures: Readonly<Record<string, number>>;
}

export interface TaskSummary {
  readonly workflow: string;
  readonly task: string;
  readonly jediTaskID: number;
  /** Where the policy sent it (e.g. `panda:all`, `panda:POLARIS`, `funcx:ALCF-FUNCX`). */
  readonly route: string;
  readonly submitted: number;
  /** First job started; null when none did. */
  readonly start: number | null;
  /** Last job done; null when the task had not ended at the horizon. */
  readonly end: number | null;
  readonly nJobs: number;
  readonly nFinished: number;
  readonly nFailed: number;
  /** Jobs (finished attempts) per resource name. */
  readonly jobsPerResource: Readonly<Record<string, number>>;
  /** Bytes moved in and out for the task, and the time its input transfers took (first start to last end), s. */
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly transferTime: number;
}

export interface WorkflowSummary {
  readonly name: string;
  readonly user: string;
  readonly submitted: number;
  readonly end: number | null;
  /** end − submitted; null when not done by the horizon. */
  readonly makespan: number | null;
  readonly tasks: readonly TaskSummary[];
}

export interface ShareSummary {
  readonly name: string;
  /** Normalised target fraction of the whole grid (fairshare.md §1). */
  readonly target: number;
  /** Time-weighted fraction of the executing HS06 it had. */
  readonly achieved: number;
}

export interface ResourceSummary {
  readonly name: string;
  readonly kind: 'grid' | 'hpc' | 'funcx' | 'cloud' | 'local';
  /** Time-weighted busy fraction of its cores (GPUs for GPU resources). */
  readonly utilisation: number;
  readonly cpuHours: number;
  readonly gpuHours: number;
  readonly cost: number;
  readonly jobsFinished: number;
  readonly jobsFailed: number;
}

/** A sampled time series: `t` in s, one value per named series per sample. */
export interface TimeSeriesSummary {
  readonly t: readonly number[];
  readonly series: Readonly<Record<string, readonly number[]>>;
}

export interface RunSummary {
  readonly version: typeof SUMMARY_VERSION;
  readonly scenario: string;
  readonly policy: string;
  readonly seed: number;
  /** Simulated time reached, s (the horizon, or earlier when everything ended). */
  readonly simulatedTime: number;
  readonly horizon: number;
  readonly eventsProcessed: number;
  readonly workflows: readonly WorkflowSummary[];
  readonly jobClasses: readonly JobClassSummary[];
  readonly cpuHours: number;
  readonly gpuHours: number;
  /** Bytes moved per link class: `lan`, `wan-region` (within a region), `wan-inter` (between regions). */
  readonly bytesMoved: Readonly<Record<string, number>>;
  readonly wastedCoreHours: number;
  readonly wastedGpuHours: number;
  readonly cost: number;
  readonly shares: readonly ShareSummary[];
  readonly resources: readonly ResourceSummary[];
  /** Running jobs per resource and GPUs busy per resource over time; achieved share per share over time. */
  readonly runningJobs: TimeSeriesSummary;
  readonly gpusBusy: TimeSeriesSummary;
  readonly shareUsage: TimeSeriesSummary;
  /** Queue-wait and transfer-time samples for CDFs, at most a few thousand each (seeded reservoir). */
  readonly waitSamples: Readonly<Record<string, readonly number[]>>;
  readonly transferSamples: readonly number[];
  /** Where the result came from: enough, with the policy and seed, to run it again. */
  readonly provenance?: Provenance;
  /** Present when the run was interrupted before its end: the figures cover `simulatedTime` only. */
  readonly partial?: true;
  /** What each injected fault cost (reports/fault-summary.ts); absent or empty when the scenario has none. */
  readonly faults?: readonly FaultSummary[];
}

export interface Provenance {
  /** `sha256:<hex>` of the scenario as loaded, referenced files included (scenarios/provenance.ts). */
  readonly scenarioHash: string;
  /** pandasim's version (package.json). */
  readonly version: string;
  /** The git commit that ran it, `+dirty` with uncommitted changes; null outside a git checkout. */
  readonly gitRevision: string | null;
}

/** A mean over seeds with its 95 % Student-t confidence interval. */
export interface Estimate {
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  readonly n: number;
}

/** Metric name → estimate; the names are fixed by `COMPARED_METRICS` in the comparison module. */
export type MetricEstimates = Readonly<Record<string, Estimate>>;

export interface PolicyResult {
  readonly policy: string;
  readonly metrics: MetricEstimates;
  /** Per-seed summaries, in the order of `ComparisonSummary.seeds`, as written under `runs/`. */
  readonly runs: readonly string[];
}

/** Paired difference (policy − baseline) under common random numbers, per metric, with its 95 % CI. */
export interface PairedDifference {
  readonly policy: string;
  readonly baseline: string;
  readonly metric: string;
  readonly estimate: Estimate;
}

export interface ComparisonSummary {
  readonly version: typeof SUMMARY_VERSION;
  readonly scenario: string;
  readonly seeds: readonly number[];
  readonly baseline: string;
  readonly policies: readonly PolicyResult[];
  readonly differences: readonly PairedDifference[];
}
