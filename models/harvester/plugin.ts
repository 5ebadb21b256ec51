/**
 * The plugin interface between Harvester and one kind of provider: Harvester's submitter, monitor and sweeper
 * plugins (`submit_workers`, `check_workers`, `kill_workers`; providers.md §1.4) in one object, since a
 * provider needs all three. Harvester calls them from its agents' cycles, across the provider hop, and learns
 * what happened to a worker only by checking it.
 *
 * Two families implement it: `ProviderPlugin` (provider-plugin.ts) over any `Provider` of models/provider —
 * grid CEs, LCF schedulers, Kubernetes, cloud, volunteer — where a pilot runs inside each worker; and the
 * Globus Compute (funcX) plugin of the seed (models/funcx), which submits a batch of payloads per worker to a
 * service and polls the batch, with no pilot (`globus_compute_submitter.py` / `globus_compute_monitor.py`:
 * task states pending/waiting-for-launch/running → worker `running`, success → `finished`, else `failed`).
 */
import type { FailureCause, PayloadOutcome, WorkerRequest, WorkerStatus } from '../provider/worker.ts';
import type { JobSpec } from './panda-server-api.ts';
import type { QueueConfig } from './queue-config.ts';

/** A worker as Harvester hands it to a plugin (WorkSpec). */
export interface WorkSpec {
  readonly workerID: number;
  readonly queue: QueueConfig;
  /** What the worker maker asked for (worker-maker.ts). */
  readonly request: WorkerRequest;
  /** The jobs bound to the worker in push mode, one per payload to run; none for a pull-mode pilot. */
  readonly jobs: readonly JobSpec[];
}

/** `submit_workers` answer for one worker: refused submissions make the worker `missed`. */
export type SubmitResult = { readonly ok: true } | { readonly ok: false; readonly diag: string };

/** One job a worker ran or runs, as the monitor reads it (worker attributes, `jobReport.json`). */
export interface JobAttempt {
  readonly job: JobSpec;
  /** Payload start; undefined when the job reached the worker but never started. */
  readonly startTime?: number;
  /** Undefined while the payload runs. */
  readonly outcome?: PayloadOutcome;
  readonly endTime?: number;
  /** The pilot reported the end to the server itself (a true pilot that outlived its payload). */
  readonly reportedByPilot: boolean;
}

/** `check_workers` answer for one worker. */
export interface WorkerCheck {
  readonly status: WorkerStatus;
  readonly startTime?: number;
  readonly endTime?: number;
  /** Why the worker ended badly, when it did. */
  readonly cause?: FailureCause;
  /**
   * The jobs of the worker Harvester may still have to report: the bound ones that started (push), those the
   * pilot got and has not reported final itself (pull).
   */
  readonly attempts: readonly JobAttempt[];
  /** Jobs the worker ran in all (a pull pilot forgets those it reported); `attempts.length` when absent. */
  readonly jobsRun?: number;
}

export interface WorkerPlugin {
  /** The submitter plugin's name; a queue's `submitter.name` must match it. */
  readonly name: string;
  /** The provider served: names the credentials the plugin uses. */
  readonly provider: string;
  /** Why the plugin cannot serve `queue` (mode, node count, GPUs), or undefined when it can. */
  queueProblem(queue: QueueConfig): string | undefined;
  /** Submits the workers; `done` gets one result per worker, in order. */
  submitWorkers(workers: readonly WorkSpec[], done: (results: SubmitResult[]) => void): void;
  /**
   * The workers' states now; `done` gets one check per worker, in order. After a final status has been
   * returned for a worker, the plugin may forget it.
   */
  checkWorkers(workers: readonly WorkSpec[], done: (checks: WorkerCheck[]) => void): void;
  /** Cancels the workers (queued ones are withdrawn, running ones stopped); ended ones are ignored. */
  killWorkers(workers: readonly WorkSpec[]): void;
}
