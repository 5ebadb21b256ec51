/**
 * Submitter (HSF/harvester `harvesterbody/submitter.py`): each cycle, up to `nQueues` queues not looked at
 * for `lookupTime`, oldest first. For each, the worker adjuster says how many workers to add (queue-limits.ts);
 * the worker maker shapes them — empty pilots (`NoJob`), one prepared job each (`OneToOne`), or full chunks
 * of `nJobsPerWorker` prepared jobs (`ManyToOne`; a short one after PARTIAL_CHUNK_WAIT) — and the queue's
 * plugin submits them across the provider hop. A worker whose token (the provider's, or its owner's) has expired is not submitted; its jobs wait.
 */
import type { WorkerRequest } from '../provider/worker.ts';
import type { AgentContext } from './agent-context.ts';
import { TIME_SLACK } from './agent-loop.ts';
import type { Cacher } from './cacher.ts';
import type { JobRecord, QueueState, WorkerRecord } from './records.ts';
import type { SubmitResult } from './plugin.ts';
import { workerTarget } from './queue-limits.ts';
import { makeWorkerRequest } from './worker-maker.ts';

/**
 * A `ManyToOne` chunk short of `nJobsPerWorker` is submitted anyway once its oldest job has been prepared this
 * long, s [E]: otherwise the last jobs of a queue whose activated work is not a multiple of the chunk would
 * wait for jobs that never come (a node then runs fewer jobs than it could).
 */
export const PARTIAL_CHUNK_WAIT = 1800;

interface NewWorker {
  readonly request: WorkerRequest;
  readonly jobs: readonly JobRecord[];
}

export class Submitter {
  constructor(
    private readonly h: AgentContext,
    private readonly cacher: Cacher,
  ) {}

  readonly cycle = (): void => {
    const { sim, params, db } = this.h;
    const { lookupTime, nQueues } = params.submitter;
    const now = sim.now;
    const due = db.queues
      .filter((queue) => queue.lastSubmit <= now - lookupTime + TIME_SLACK)
      .sort((a, b) => a.lastSubmit - b.lastSubmit)
      .slice(0, nQueues);
    for (const queue of due) {
      queue.lastSubmit = now;
      this.submit(queue, now);
    }
  };

  private submit(queue: QueueState, now: number): void {
    const { params, db, providerHop } = this.h;
    const config = queue.config;
    const activated = config.mapType === 'NoJob' ? this.cacher.activated(config.siteName) : null;
    const target = workerTarget(
      config,
      { nQueue: queue.nQueueWorkers, nRunning: queue.nRunningWorkers },
      activated,
      params.submitter,
    );
    if (target.nNewWorkers === 0) return;
    const planned =
      config.mapType === 'NoJob'
        ? this.pilots(queue, target.nNewWorkers, now)
        : this.withJobs(queue, target.nNewWorkers, now);
    if (planned.length === 0) return;
    const workers = planned.map(({ request, jobs }) => db.newWorker(queue, request, jobs, now));
    const plugin = queue.plugin;
    providerHop.callAsync<SubmitResult[]>(
      (respond) =>
        plugin.submitWorkers(
          workers.map((worker) => worker.spec),
          respond,
        ),
      (results) => results.forEach((result, i) => this.submitted(workers[i], result.ok)),
    );
  }

  private submitted(worker: WorkerRecord, ok: boolean): void {
    const { sim, params, db } = this.h;
    if (!ok) {
      db.workerMissed(worker, sim.now);
      return;
    }
    db.toMonitor.schedule(worker, sim.now + params.monitor.checkInterval);
    db.workersToPropagate.trigger(worker);
  }

  private pilots(queue: QueueState, n: number, now: number): NewWorker[] {
    if (!this.h.credentials.valid(queue.plugin.provider, undefined, now)) {
      this.h.db.stats.workersBlockedByCredentials += n;
      return [];
    }
    const request = makeWorkerRequest(queue.config, []);
    return Array.from({ length: n }, () => ({ request, jobs: [] }));
  }

  /** Up to `n` workers over the oldest prepared jobs whose token is valid; the others stay in order. */
  private withJobs(queue: QueueState, n: number, now: number): NewWorker[] {
    const config = queue.config;
    const perWorker = config.mapType === 'ManyToOne' ? config.workerMaker.nJobsPerWorker : 1;
    const prepared = queue.prepared;
    const planned: NewWorker[] = [];
    const waiting: JobRecord[] = [];
    let next = 0;
    const partialDue = (from: number) =>
      from < prepared.length && now - (prepared[from].preparedAt ?? now) >= PARTIAL_CHUNK_WAIT - TIME_SLACK;
    while (planned.length < n && (next + perWorker <= prepared.length || partialDue(next))) {
      const jobs = prepared.slice(next, next + perWorker);
      next += jobs.length;
      const request = makeWorkerRequest(
        config,
        jobs.map((job) => job.spec),
      );
      if (this.h.credentials.valid(queue.plugin.provider, request.user, now)) {
        planned.push({ request, jobs });
      } else {
        this.h.db.stats.workersBlockedByCredentials++;
        waiting.push(...jobs);
      }
    }
    queue.prepared = [...waiting, ...prepared.slice(next)];
    return planned;
  }
}
