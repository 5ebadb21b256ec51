/**
 * The user's own cluster first (the seed: "most users love local resources, but go to remote providers via
 * PanDA when enough or suitable resources are locally unavailable"), the rule of models/local/local-first.ts
 * applied per job: a job goes to the local cluster's queue; one that has not started within `maxLocalWait` is
 * withdrawn and handed to the overflow route (PanDA), together with the others withdrawn at that instant.
 * A job the cluster could never hold (more GPUs than it has) overflows at once. Local attempts that fail are
 * run again locally up to the attempt limit.
 */
import type { Simulation } from '../../../sim/engine.ts';
import type { LocalCluster } from '../../../models/local/local-cluster.ts';
import type { Worker } from '../../../models/provider/worker.ts';
import type { PandaRoute } from '../../policies/policy.ts';
import type { ResourceInfo } from '../catalog.ts';
import type { RunMetrics } from '../metrics.ts';
import type { TaskRun } from '../task-run.ts';
import type { WorkflowData } from '../workflow-data.ts';

const MAX_ATTEMPTS = 3;

/** Hands jobs of `run` to PanDA by `route`; `ended` is the caller's, once per job. */
export type Overflow = (
  run: TaskRun,
  indices: readonly number[],
  route: PandaRoute,
  ended: (index: number, ok: boolean) => void,
) => void;

type JobEnded = (index: number, ok: boolean) => void;

/** Jobs of one `runJobs` call: their task, the route they overflow by, and whom to tell of their ends. */
interface Batch {
  readonly run: TaskRun;
  readonly overflow: PandaRoute;
  readonly ended: JobEnded;
}

export class LocalFirstRoute {
  /** Jobs withdrawn at this instant, per batch. */
  private readonly withdrawn = new Map<Batch, number[]>();
  private flushScheduled = false;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: LocalCluster,
    private readonly local: ResourceInfo,
    private readonly maxLocalWait: number,
    private readonly data: WorkflowData,
    private readonly metrics: RunMetrics,
    private readonly overflow: Overflow,
    private readonly nextId: () => number,
  ) {}

  runJobs(run: TaskRun, indices: readonly number[], overflow: PandaRoute, ended: JobEnded): void {
    const batch: Batch = { run, overflow, ended };
    // The user's own storage collects the outputs, also of the jobs that overflow.
    run.home ??= this.local.rse;
    const gpus = run.usesGpus(this.local, false) ? run.spec.gpusPerJob : 0;
    const fits =
      run.spec.coreCount <= this.local.cores &&
      gpus <= this.local.gpus &&
      (run.spec.kind === 'cpu' || gpus > 0 || run.spec.cpuPerGpuSecond !== undefined);
    if (!fits) {
      this.overflow(run, indices, overflow, ended);
      return;
    }
    for (const index of indices) this.attempt(batch, index, 1);
  }

  private attempt(batch: Batch, index: number, n: number): void {
    const { run } = batch;
    const gpus = run.usesGpus(this.local, false) ? run.spec.gpusPerJob : 0;
    const submittedAt = this.sim.now;
    if (n === 1) this.metrics.jobCreated(run.jobClass);
    let startedAt = Number.NaN;
    let withdrawn = false;
    const worker: Worker = this.cluster.submit(
      {
        queue: this.local.name,
        cores: run.spec.coreCount,
        gpus,
        nodes: 1,
        memoryMB: 0,
        walltime: run.spec.walltime,
        user: run.task.workflow,
      },
      {
        started: (w) => {
          this.data.stageIn(run, this.local, (staged) => {
            startedAt = this.sim.now;
            run.started(startedAt);
            this.metrics.started(this.local.name, gpus, run.spec.coreCount);
            if (!staged) {
              this.cluster.release(w);
              this.end(
                batch,
                index,
                n,
                { ok: false, wallTime: 0, cause: 'stage-in-failed' },
                submittedAt,
                startedAt,
              );
              return;
            }
            const payload = run.payload(this.nextId(), index, this.local, false);
            this.cluster.run(w, payload, (outcome) => {
              this.cluster.release(w);
              this.end(batch, index, n, outcome, submittedAt, startedAt);
            });
          });
        },
        ended: (_w, cause) => {
          if (withdrawn) return;
          // The worker died before its payload ran (the payload's own end is reported by `run`).
          if (Number.isNaN(startedAt)) {
            this.end(
              batch,
              index,
              n,
              { ok: false, wallTime: 0, cause: cause ?? 'cancelled' },
              submittedAt,
              startedAt,
            );
          }
        },
      },
    );
    // A job waits locally for good when the wait is unbounded (no timer), and retries never move.
    if (n > 1 || !Number.isFinite(this.maxLocalWait)) return;
    this.sim.schedule(this.maxLocalWait, () => {
      if (worker.status !== 'submitted') return;
      withdrawn = true;
      this.cluster.release(worker);
      this.withdraw(batch, index);
    });
  }

  private end(
    batch: Batch,
    index: number,
    n: number,
    outcome: { ok: boolean; wallTime: number; cause?: string },
    submittedAt: number,
    startedAt: number,
  ): void {
    const { run, ended } = batch;
    const retry = !outcome.ok && n < MAX_ATTEMPTS;
    const gpus = run.usesGpus(this.local, false) ? run.spec.gpusPerJob : 0;
    this.metrics.attemptEnded({
      jobClass: run.jobClass,
      resource: this.local.name,
      ok: outcome.ok,
      retried: retry,
      wait: startedAt - submittedAt,
      run: outcome.wallTime,
      cores: run.spec.coreCount,
      gpus,
      cause: outcome.cause,
    });
    if (outcome.ok) {
      run.finishedAt(this.local.name);
      this.data.stageOut(run, this.local, (ok) => ended(index, ok));
    } else if (retry) {
      this.attempt(batch, index, n + 1);
    } else {
      ended(index, false);
    }
  }

  private withdraw(batch: Batch, index: number): void {
    let indices = this.withdrawn.get(batch);
    if (indices === undefined) this.withdrawn.set(batch, (indices = []));
    indices.push(index);
    // The job leaves the local count; the overflow route counts it again as a PanDA job.
    this.metrics.jobCancelled(batch.run.jobClass);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.sim.schedule(0, () => {
      this.flushScheduled = false;
      for (const [b, withdrawn] of this.withdrawn) this.overflow(b.run, withdrawn, b.overflow, b.ended);
      this.withdrawn.clear();
    });
  }
}
