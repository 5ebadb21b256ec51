/**
 * Parsl driving a Globus Compute endpoint directly (the seed's scenario 1): for each job, Globus moves its
 * input to the LCF, the Globus Compute SDK submits the function in batches and collects its result, Globus
 * moves the output back. No PanDA, no Harvester cycles: the SDK's result watcher hears of a result within
 * seconds (it streams results over AMQP; here a poll every `RESULT_POLL` s stands for that [E]). A failed task
 * is submitted again up to the attempt limit, as a Parsl app with `retries` would be.
 */
import type { Simulation } from '../../../sim/engine.ts';
import type { RandomStreams } from '../../../sim/random.ts';
import { ComputeClient } from '../../../models/funcx/client.ts';
import type { ComputeService } from '../../../models/funcx/service.ts';
import type { TaskStatus } from '../../../models/funcx/task.ts';
import { DEFAULT_TASK_BYTES } from '../../../models/harvester/funcx-plugin.ts';
import type { ResourceInfo } from '../catalog.ts';
import type { RunMetrics } from '../metrics.ts';
import type { TaskRun } from '../task-run.ts';
import type { WorkflowData } from '../workflow-data.ts';

/** Seconds between result checks [E] (the SDK Executor's watcher gets results pushed within ~1 s). */
const RESULT_POLL = 5;
/** Submissions of a job, as PanDA's attempt limit (Parsl `retries` = 2). */
const MAX_ATTEMPTS = 3;
/** Jobs sent per `batch_run` (the SDK Executor's `batch_size`, 128 [S] providers.md §2.2). */
const BATCH = 128;

interface Pending {
  readonly run: TaskRun;
  readonly index: number;
  readonly attempt: number;
  readonly submittedAt: number;
  readonly ended: (ok: boolean) => void;
  /** A poll has seen it running (and metrics counted it as running). */
  seenRunning: boolean;
}

export class FuncxRoute {
  private readonly client: ComputeClient;
  private readonly pending = new Map<number, Pending>();
  private readonly toSubmit: Omit<Pending, 'submittedAt' | 'seenRunning'>[] = [];
  private flushScheduled = false;
  private polling = false;

  constructor(
    private readonly sim: Simulation,
    streams: RandomStreams,
    service: ComputeService,
    private readonly endpoint: ResourceInfo,
    private readonly data: WorkflowData,
    private readonly metrics: RunMetrics,
    private readonly nextId: () => number,
  ) {
    // The SDK refreshes its access token itself with the user's refresh token: no expiry within a run.
    this.client = new ComputeClient(sim, streams, service, {
      user: 'workflow-user',
      tokenValidUntil: Infinity,
    });
  }

  /** Runs job `index` of `run`; `ended(ok)` once its output is home or it failed for good. */
  runJob(run: TaskRun, index: number, ended: (ok: boolean) => void): void {
    run.home ??= this.endpoint.rse;
    this.metrics.jobCreated(run.jobClass);
    this.data.stageIn(run, this.endpoint, (ok) => {
      if (!ok) {
        this.metrics.attemptEnded(stageInFailure(run, this.endpoint));
        ended(false);
        return;
      }
      this.enqueue({ run, index, attempt: 1, ended });
    });
  }

  private enqueue(job: Omit<Pending, 'submittedAt' | 'seenRunning'>): void {
    this.toSubmit.push(job);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Jobs ready at the same instant go in one batch.
    this.sim.schedule(0, () => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    while (this.toSubmit.length > 0) {
      const batch = this.toSubmit.splice(0, BATCH);
      const specs = batch.map((job) => ({
        payload: job.run.payload(this.nextId(), job.index, this.endpoint, false),
        ...DEFAULT_TASK_BYTES,
      }));
      const submittedAt = this.sim.now;
      this.client.batchRun(this.endpoint.name, specs, (outcomes) => {
        outcomes.forEach((outcome, i) => {
          const job = { ...batch[i], submittedAt, seenRunning: false };
          if (outcome.accepted) this.pending.set(outcome.taskId, job);
          else this.finish(job, null);
        });
        this.startPolling();
      });
    }
  }

  private startPolling(): void {
    if (this.polling || this.pending.size === 0) return;
    this.polling = true;
    this.sim.schedule(RESULT_POLL, () => this.poll());
  }

  private poll(): void {
    const ids = [...this.pending.keys()];
    this.client.getBatchResult(ids, (reply) => {
      if (reply.ok) {
        for (const [id, status] of reply.statuses) {
          const job = this.pending.get(id);
          if (job === undefined) continue;
          if (status.pending) {
            if (status.status === 'running' && !job.seenRunning) {
              job.seenRunning = true;
              this.metrics.started(this.endpoint.name, this.gpusOf(job.run), job.run.spec.coreCount);
            }
            continue;
          }
          this.pending.delete(id);
          this.finish(job, status);
        }
        this.client.forget(ids.filter((id) => !this.pending.has(id)));
      }
      this.polling = false;
      this.startPolling();
    });
  }

  private gpusOf(run: TaskRun): number {
    return run.usesGpus(this.endpoint, false) ? run.spec.gpusPerJob : 0;
  }

  /** Ends an attempt: `status` is its final status, or null when the service refused the submission. */
  private finish(job: Pending, status: Exclude<TaskStatus, { pending: true }> | null): void {
    const ok = status?.status === 'success';
    const runTime = status?.runTime ?? 0;
    // A task that never ran (refused, expired in the queue) has no start.
    const startedAt =
      status !== null && (runTime > 0 || job.seenRunning) ? status.completedAt - runTime : Number.NaN;
    const gpus = this.gpusOf(job.run);
    if (!Number.isNaN(startedAt)) {
      if (!job.seenRunning) this.metrics.started(this.endpoint.name, gpus, job.run.spec.coreCount);
      job.run.started(startedAt);
    }
    const retry = !ok && job.attempt < MAX_ATTEMPTS;
    this.metrics.attemptEnded({
      jobClass: job.run.jobClass,
      resource: this.endpoint.name,
      ok,
      retried: retry,
      wait: Number.isNaN(startedAt) ? Number.NaN : startedAt - job.submittedAt,
      run: runTime,
      cores: job.run.spec.coreCount,
      gpus,
      cause: status === null ? 'submit-refused' : status.status === 'failed' ? status.reason : undefined,
    });
    if (ok) {
      job.run.finishedAt(this.endpoint.name);
      this.data.stageOut(job.run, this.endpoint, (out) => job.ended(out));
    } else if (retry) {
      this.enqueue({ run: job.run, index: job.index, attempt: job.attempt + 1, ended: job.ended });
    } else {
      job.ended(false);
    }
  }
}

/** A job whose input never reached the endpoint: it fails for good without having run. */
function stageInFailure(run: TaskRun, resource: ResourceInfo) {
  return {
    jobClass: run.jobClass,
    resource: resource.name,
    ok: false,
    retried: false,
    wait: Number.NaN,
    run: 0,
    cores: run.spec.coreCount,
    gpus: 0,
    cause: 'stage-in-failed',
  };
}
