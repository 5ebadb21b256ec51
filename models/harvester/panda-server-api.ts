/**
 * What Harvester (and the pilots it submits) need from the PanDA server, named after PanDA's own API, so that
 * the workload pool (models/server, built elsewhere) can implement it and tests can stand in for it.
 *
 * Upstream names: `getJobs` is `pilot_api.acquire_jobs` (the `getJob` of the old API, called by Harvester's
 * JobFetcher through `communicator.get_jobs` and by pilots); `updateJobs` is `update_jobs_bulk` / `update_job`
 * (heartbeats and final states); `updateWorkers` is `harvester_api.update_workers`;
 * `getJobStatisticsPerSite` is the `job_statistics.json` the Cacher pulls for the worker adjuster
 * (PanDAWMS/panda-server `pandaserver/api/v1/*.py`, HSF/harvester `harvesterbody/cacher.py`).
 *
 * The server model is called synchronously at the simulated instant the request reaches it; Harvester adds
 * the network hops around each call (harvester-params.ts `latency`).
 */
import type { JobRequest } from '@pandasim/panda';
import type { FailureCause, Payload, WorkerStatus } from '../provider/worker.ts';

/** One job as the server dispatches it: PanDA's `jobsActive4` columns Harvester reads, and the work itself. */
export interface JobSpec {
  readonly PandaID: number;
  readonly jediTaskID: number;
  /** 1 for the first attempt; the server raises it when it retries a failed job. */
  readonly attemptNr: number;
  /** The PanDA queue the job was brokered to (Harvester's `queueName`). */
  readonly computingSite: string;
  readonly prodSourceLabel: string;
  /** Cores the job asks for; its payload uses at most these. */
  readonly coreCount: number;
  /** Memory the job asks for, MB (0 = not stated). */
  readonly minRamCount: number;
  /** Walltime the job asks for, s (0 = not stated: the queue's `walltimeLimit` applies). */
  readonly maxWalltime: number;
  /** Owner (PanDA's compact DN): selects a per-user credential where the provider needs one. */
  readonly prodUserName: string;
  readonly payload: Payload;
}

/**
 * `acquire_jobs` arguments: the dispatch filter's request of @pandasim/panda (site, memory, remaining walltime,
 * prodSourceLabel, resource type) plus the bulk size and who asks.
 */
export interface AcquireJobsRequest extends JobRequest {
  /** Jobs wanted (`n_jobs`): 1 for a pilot, up to the fetcher's `maxJobs` for Harvester in push mode. */
  nJobs: number;
  harvesterID: string;
  /** The worker asking, for pilots; absent when Harvester's JobFetcher asks. */
  workerID?: number;
}

/** Job states a report may carry (PanDA server job states from `starting` on, providers.md §1.3). */
export type ReportedJobStatus = 'starting' | 'running' | 'transferring' | 'finished' | 'failed';

/** Why an attempt failed: a provider's failure cause, or a Harvester stage that failed around it. */
export type JobFailure = FailureCause | 'stage-in-failed' | 'stage-out-failed';

/**
 * One `update_job` entry. A report of the status the server already has is a heartbeat. A `failed` report
 * frees the job for a retry; `cause` says why (a lost worker reports the worker's cause, e.g. 'node-failure').
 * Reports from Harvester and from a true pilot can cross: Harvester heartbeats a job as `starting` until its
 * monitor sees the worker run, while the pilot may already have reported `running`. A server keeps the later
 * state and takes such a report as a heartbeat, as PanDA's does.
 */
export interface JobReport {
  readonly PandaID: number;
  readonly attemptNr: number;
  readonly jobStatus: ReportedJobStatus;
  /** The pilot reports for itself (pull mode, `truePilot` queues); otherwise Harvester's propagator does. */
  readonly from: 'pilot' | 'harvester';
  readonly harvesterID: string;
  readonly workerID?: number;
  /** When the payload started and ended, as far as the reporter knows. */
  readonly startTime?: number;
  readonly endTime?: number;
  readonly cause?: JobFailure;
}

/** One `update_workers` entry. */
export interface WorkerReport {
  readonly harvesterID: string;
  readonly workerID: number;
  readonly computingSite: string;
  readonly status: WorkerStatus;
  /** Jobs the worker held (`pandaid_list`); 0 for an empty pilot. */
  readonly nJobs: number;
  readonly pandaIDs: readonly number[];
  readonly submitTime: number;
  readonly startTime?: number;
  readonly endTime?: number;
  readonly cause?: FailureCause;
}

/** PanDA job states (providers.md §1.3), the keys of the per-site statistics. */
export type PandaJobStatus =
  | 'defined'
  | 'assigned'
  | 'waiting'
  | 'activated'
  | 'sent'
  | 'starting'
  | 'running'
  | 'holding'
  | 'transferring'
  | 'finished'
  | 'failed';

/** Jobs per status at one site; a missing status counts 0. */
export type SiteJobStatistics = Readonly<Partial<Record<PandaJobStatus, number>>>;

export interface PandaServerApi {
  /** Dispatches up to `nJobs` activated jobs of the site (they become `sent`); none when none match. */
  getJobs(request: AcquireJobsRequest): readonly JobSpec[];
  /** Heartbeats and state changes of jobs, in bulk. */
  updateJobs(reports: readonly JobReport[]): void;
  /** Worker states, in bulk. */
  updateWorkers(reports: readonly WorkerReport[]): void;
  /** Job counts by status per site (PanDA queue name): a snapshot the caller may keep. */
  getJobStatisticsPerSite(): Readonly<Record<string, SiteJobStatistics>>;
}
