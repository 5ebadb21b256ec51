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
import type { ResourceInfo } from '../catalog.ts';
import type { RunMetrics } from '../metrics.ts';
import type { TaskRun } from '../task-run.ts';
import type { WorkflowData } from '../workflow-data.ts';

const MAX_ATTEMPTS = 3;

export type Overflow = (
  run: TaskRun,
  indices: readonly number[],
  ended: (index: number, ok: boolean) => void,
) => void;

export class LocalFirstRoute {
  private readonly withdrawn = new Map<
    TaskRun,
    { indices: number[]; ended: (index: number, ok: boolean) => void }
  >();
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

  runJobs(run: TaskRun, indices: readonly number[], ended: (index: number, ok: boolean) => void): void {
    // The user's own storage collects the outputs, also of the jobs that overflow.
    run.home ??= this.local.rse;
    const gpus = run.usesGpus(this.local, false) ? run.spec.gpusPerJob : 0;
    const fits =
      run.spec.coreCount <= this.local.cores &&
      gpus <= this.local.gpus &&
      (run.spec.kind === 'cpu' || gpus > 0 || run.spec.cpuPerGpuSecond !== undefined);
    if (!fits) {
      this.overflow(run, indices, ended);
      return;
    }
    for (const index of indices) this.attempt(run, index, 1, ended);
  }

  private attempt(run: TaskRun, index: number, n: number, ended: (index: number, ok: boolean) => void): void {
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
                run,
                index,
                n,
                ended,
                { ok: false, wallTime: 0, cause: 'stage-in-failed' },
                submittedAt,
                startedAt,
              );
              return;
            }
            const payload = run.payload(this.nextId(), index, this.local, false);
            this.cluster.run(w, payload, (outcome) => {
              this.cluster.release(w);
              this.end(run, index, n, ended, outcome, submittedAt, startedAt);
            });
          });
        },
        ended: (_w, cause) => {
          if (withdrawn) return;
          // The worker died before its payload ran (the payload's own end is reported by `run`).
          if (Number.isNaN(startedAt)) {
            this.end(
              run,
              index,
              n,
              ended,
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
      this.withdraw(run, index, ended);
    });
  }

  private end(
    run: TaskRun,
    index: number,
    n: number,
    ended: (index: number, ok: boolean) => void,
    outcome: { ok: boolean; wallTime: number; cause?: string },
    submittedAt: number,
    startedAt: number,
  ): void {
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
      this.attempt(run, index, n + 1, ended);
    } else {
      ended(index, false);
    }
  }

  private withdraw(run: TaskRun, index: number, ended: (index: number, ok: boolean) => void): void {
    let batch = this.withdrawn.get(run);
    if (batch === undefined) this.withdrawn.set(run, (batch = { indices: [], ended }));
    batch.indices.push(index);
    // The job leaves the local count; the overflow route counts it again as a PanDA job.
    this.metrics.jobCancelled(run.jobClass);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.sim.schedule(0, () => {
      this.flushScheduled = false;
      for (const [r, b] of this.withdrawn) this.overflow(r, b.indices, b.ended);
      this.withdrawn.clear();
    });
  }
}
