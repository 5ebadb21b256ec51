/**
 * Harvester's Globus Compute (formerly funcX) plugin, the seed's: the submitter and the monitor of HSF/harvester
 * `harvestersubmitter/globus_compute_submitter.py` and `harvestermonitor/globus_compute_monitor.py`
 * (providers.md §1.8) as one WorkerPlugin over the models of models/funcx. There is no pilot: the payload is
 * the task, and Harvester reports the jobs (the queue's `truePilot: false`).
 *
 * Submitter: one Globus Compute batch per worker, one task per PanDA job (the job's payload, with the serialized
 * size of the wrapper's arguments and of its return value), sent through the ComputeClient of the identity the
 * tasks run as: one common (production) identity, or each job's owner with a personal token, in which case the
 * multi-user endpoint starts one user endpoint per owner. As upstream, the task ids are read back with
 * `get_batch_result` right after `batch_run`, so a worker costs two API requests; the ids are its batchID. A
 * request the service refuses (arguments over 10 MB, an expired token, an unknown endpoint) refuses the
 * worker with the service's message; Harvester then makes it `missed` and resubmits its jobs up to
 * `maxSubmissionAttempts` times.
 *
 * Monitor: one `get_batch_result` per worker. While any task is pending, in whatever state (waiting-for-ep,
 * -nodes, -launch, running), the worker is `running`; once all are final it is `finished` if all succeeded,
 * else `failed` with the first failed task's reason. A result not fetched within the service's retention
 * (30 min) is abandoned and comes back failed ('result-expired'): the monitor's cadence decides whether
 * finished work is kept. A poll the service refuses fails the worker, as any client exception does upstream
 * (`onPollError: 'fail-worker'`); with 'retry' the worker keeps its state until a later check gets through.
 *
 * What the monitor tells Harvester of each job (its `jobReport.json`): upstream knows no start time; here a
 * final task's start is its completion less its run time (both known to the service; for a lost manager the
 * detection delay shifts it), and a pending one's is when a reply first said it was running. A worker starts
 * at its first task's start, or at the first check that found its tasks when none has started.
 *
 * Harvester adds its provider hop around each of these calls (harvester-params.ts: a Harvester remote from
 * the LCF or local to it); the API latency is the cloud service's own. Upstream also registers its wrapper
 * function once, a single request left out here.
 *
 * The sweeper's kill cannot reach the tasks: the service has no cancellation (the SDK cancels only futures it
 * has not sent yet [R]), so they run on and their results are left to expire; the worker ends `cancelled`.
 */
import type { Simulation } from '../../sim/engine.ts';
import type { RandomStreams } from '../../sim/random.ts';
import { ComputeClient } from '../funcx/client.ts';
import type { HtexParams } from '../funcx/params.ts';
import type { ApiError, ApiFailure, ComputeService } from '../funcx/service.ts';
import type { TaskFailureReason, TaskSpec, TaskStatus } from '../funcx/task.ts';
import type { FailureCause, WorkerStatus } from '../provider/worker.ts';
import type { JobSpec } from './panda-server-api.ts';
import type { JobAttempt, SubmitResult, WorkerCheck, WorkerPlugin, WorkSpec } from './plugin.ts';
import { FUNCX_SUBMITTER, type QueueConfig } from './queue-config.ts';

/** Whose identity the tasks run as: one common (production) identity, or each job's owner (personal tokens). */
export type FuncxIdentity =
  { readonly scope: 'common'; readonly user: string } | { readonly scope: 'per-user' };

/** Serialized sizes a job's task carries through the service, bytes. */
export type TaskBytes = Pick<TaskSpec, 'argumentBytes' | 'resultBytes'>;

/**
 * [E] `run_wrapper(base_path, data_path, func_str)` carries two paths and the job's command line (~1 kB
 * pickled with the function reference); its return value is the Parsl function's, small since outputs are
 * written to files (`globus_compute_monitor.py` writes it to the first output file).
 */
export const DEFAULT_TASK_BYTES: Readonly<TaskBytes> = { argumentBytes: 2000, resultBytes: 1000 };

export interface FuncxPluginOptions {
  /** The multi-user endpoint the tasks go to (the queue config's `funcxEndpointId`). */
  readonly endpointId: string;
  /** Names the plugin's tokens among Harvester's credentials (HarvesterOptions.credentials). */
  readonly provider?: string;
  /** Default: the common identity `atlas-prod`. */
  readonly identity?: FuncxIdentity;
  /** The sizes of each job's task (default DEFAULT_TASK_BYTES). */
  readonly taskBytes?: (job: JobSpec) => TaskBytes;
  /** The `user_endpoint_config` sent with every task. */
  readonly userEndpointConfig?: Partial<HtexParams>;
  /** What a refused poll does to the worker (default 'fail-worker', as upstream). */
  readonly onPollError?: 'fail-worker' | 'retry';
}

/** Whether a token is valid now: Harvester's CredentialStore answers it (credentials.ts). */
export interface TokenValidity {
  valid(provider: string, user: string | undefined, now: number): boolean;
}

/**
 * How a failed task reads in Harvester's records (models/provider FailureCause). A result the service
 * discarded before it was fetched, and a refused poll under 'fail-worker', are 'result-lost';
 * `FuncxPluginStats` keeps the precise reasons.
 */
export const TASK_FAILURE_CAUSE: Readonly<Record<TaskFailureReason, FailureCause>> = {
  walltime: 'walltime',
  'manager-lost': 'node-failure',
  'worker-lost': 'node-failure',
  'function-error': 'payload-error',
  unschedulable: 'submission-failed',
  'result-too-large': 'payload-error',
  'result-expired': 'result-lost',
  'task-ttl-expired': 'queue-timeout',
};

const POLL_ERROR_CAUSE: FailureCause = 'result-lost';

export interface FuncxPluginStats {
  /** Workers whose batch the service took, and the tasks in them. */
  batches: number;
  tasksSubmitted: number;
  /** Workers refused at submission, by the service's error. */
  refusals: Partial<Record<ApiError, number>>;
  /** Polls refused, by the service's error. */
  pollErrors: Partial<Record<ApiError, number>>;
  /** Tasks of finished workers that succeeded, and those that failed, by reason. */
  tasksSucceeded: number;
  tasksFailed: Partial<Record<TaskFailureReason, number>>;
  /** Workers the sweeper killed (their tasks run on at the endpoint). */
  workersKilled: number;
}

interface HeldWorker {
  readonly spec: WorkSpec;
  readonly client: ComputeClient;
  /** The worker's batchID: one task per job, in job order. */
  readonly taskIds: readonly number[];
  /** Per job, when a reply first said its task was running. */
  readonly runningSeenAt: (number | undefined)[];
  /** What the last check answered. */
  status: WorkerStatus;
  startTime: number | undefined;
  attempts: readonly JobAttempt[];
  killed: boolean;
}

/** Collects `n` answers arriving in any order; `done` gets them in order once all came (at once for none). */
function collect<T>(n: number, done: (answers: T[]) => void): (i: number, answer: T) => void {
  const answers: T[] = new Array(n);
  let left = n;
  if (n === 0) done(answers);
  return (i, answer) => {
    answers[i] = answer;
    if (--left === 0) done(answers);
  };
}

function count<K extends string>(counts: Partial<Record<K, number>>, key: K): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

export class FuncxPlugin implements WorkerPlugin {
  readonly name = FUNCX_SUBMITTER;
  readonly provider: string;
  readonly stats: FuncxPluginStats = {
    batches: 0,
    tasksSubmitted: 0,
    refusals: {},
    pollErrors: {},
    tasksSucceeded: 0,
    tasksFailed: {},
    workersKilled: 0,
  };
  private readonly endpointId: string;
  private readonly identity: FuncxIdentity;
  private readonly taskBytes: (job: JobSpec) => TaskBytes;
  private readonly userEndpointConfig: Partial<HtexParams>;
  private readonly onPollError: 'fail-worker' | 'retry';
  private readonly clients = new Map<string, ComputeClient>();
  private readonly held = new Map<number, HeldWorker>();
  private tokens: TokenValidity | undefined;

  constructor(
    private readonly sim: Simulation,
    private readonly streams: RandomStreams,
    private readonly service: ComputeService,
    options: FuncxPluginOptions,
  ) {
    this.endpointId = options.endpointId;
    this.provider = options.provider ?? 'globus-compute';
    this.identity = options.identity ?? { scope: 'common', user: 'atlas-prod' };
    this.taskBytes = options.taskBytes ?? (() => DEFAULT_TASK_BYTES);
    this.userEndpointConfig = options.userEndpointConfig ?? {};
    this.onPollError = options.onPollError ?? 'fail-worker';
  }

  /**
   * Harvester's credential store, whose tokens the clients present (`harvester.credentials`). Harvester is
   * built from its plugins, so this comes after; a call before it is an error.
   */
  useCredentials(tokens: TokenValidity): void {
    this.tokens = tokens;
  }

  queueProblem(queue: QueueConfig): string | undefined {
    if (queue.mapType === 'NoJob') {
      return `${this.name} sends PanDA jobs as Globus Compute tasks; a NoJob (pull) queue has none to send`;
    }
    if (queue.truePilot) {
      return `${this.name} runs payloads without a pilot, so Harvester reports the jobs: the queue needs truePilot false`;
    }
    return undefined;
  }

  submitWorkers(workers: readonly WorkSpec[], done: (results: SubmitResult[]) => void): void {
    const answer = collect(workers.length, done);
    workers.forEach((spec, i) => this.submit(spec, (result) => answer(i, result)));
  }

  checkWorkers(workers: readonly WorkSpec[], done: (checks: WorkerCheck[]) => void): void {
    const answer = collect(workers.length, done);
    workers.forEach((spec, i) => this.check(spec, (check) => answer(i, check)));
  }

  killWorkers(workers: readonly WorkSpec[]): void {
    for (const spec of workers) {
      const held = this.held.get(spec.workerID);
      if (held === undefined || held.killed) continue;
      held.killed = true;
      this.stats.workersKilled++;
    }
  }

  private submit(spec: WorkSpec, answer: (result: SubmitResult) => void): void {
    const client = this.client(spec);
    const user = spec.request.user;
    const refuse = (failure: { error: ApiError; message: string }) => {
      count(this.stats.refusals, failure.error);
      answer({ ok: false, diag: failure.message });
    };
    const specs = spec.jobs.map((job): TaskSpec => ({ payload: job.payload, ...this.taskBytes(job) }));
    this.presentToken(client, user);
    client.batchRun(this.endpointId, specs, (outcomes) => {
      const taskIds: number[] = [];
      for (const outcome of outcomes) {
        if (!outcome.accepted) {
          refuse(outcome);
          return;
        }
        taskIds.push(outcome.taskId);
      }
      this.presentToken(client, user);
      client.getBatchResult(taskIds, (reply) => {
        // Upstream's exception here leaves the accepted tasks running with no worker to fetch them.
        if (!reply.ok) {
          refuse(reply);
          return;
        }
        this.held.set(spec.workerID, {
          spec,
          client,
          taskIds,
          runningSeenAt: taskIds.map(() => undefined),
          status: 'submitted',
          startTime: undefined,
          attempts: [],
          killed: false,
        });
        this.stats.batches++;
        this.stats.tasksSubmitted += taskIds.length;
        answer({ ok: true });
      });
    });
  }

  private check(spec: WorkSpec, answer: (check: WorkerCheck) => void): void {
    const held = this.held.get(spec.workerID);
    if (held === undefined) throw new Error(`${this.name}: worker ${spec.workerID} was not submitted here`);
    if (held.killed) {
      this.forget(held);
      answer({
        status: 'cancelled',
        startTime: held.startTime,
        endTime: this.sim.now,
        cause: 'cancelled',
        attempts: held.attempts,
      });
      return;
    }
    this.presentToken(held.client, spec.request.user);
    held.client.getBatchResult(held.taskIds, (reply) =>
      answer(reply.ok ? this.read(held, reply.statuses) : this.pollRefused(held, reply)),
    );
  }

  /** The worker's state from its tasks' statuses (`check_workers`). */
  private read(held: HeldWorker, statuses: ReadonlyMap<number, TaskStatus>): WorkerCheck {
    const now = this.sim.now;
    let pending = false;
    let failure: TaskFailureReason | undefined;
    let start = Infinity;
    let end = -Infinity;
    const attempts = held.spec.jobs.map((job, i): JobAttempt => {
      const status = statuses.get(held.taskIds[i])!;
      if (status.pending) {
        pending = true;
        if (status.status === 'running') held.runningSeenAt[i] ??= now;
        const startTime = held.runningSeenAt[i];
        if (startTime !== undefined) start = Math.min(start, startTime);
        return { job, startTime, reportedByPilot: false };
      }
      const { completedAt, runTime } = status;
      const ran = status.status === 'success' || runTime > 0;
      const startTime = ran ? completedAt - runTime : undefined;
      if (startTime !== undefined) start = Math.min(start, startTime);
      end = Math.max(end, completedAt);
      if (status.status === 'success') {
        return {
          job,
          startTime,
          endTime: completedAt,
          outcome: { ok: true, wallTime: runTime },
          reportedByPilot: false,
        };
      }
      failure ??= status.reason;
      return {
        job,
        startTime,
        endTime: completedAt,
        outcome: { ok: false, wallTime: runTime, cause: TASK_FAILURE_CAUSE[status.reason] },
        reportedByPilot: false,
      };
    });
    held.attempts = attempts;
    held.startTime ??= start < Infinity ? start : now;
    if (pending) {
      held.status = 'running';
      return { status: 'running', startTime: held.startTime, attempts };
    }
    for (const status of statuses.values()) {
      if (status.pending) continue;
      if (status.status === 'success') this.stats.tasksSucceeded++;
      else count(this.stats.tasksFailed, status.reason);
    }
    this.forget(held);
    return {
      status: failure === undefined ? 'finished' : 'failed',
      startTime: Math.min(held.startTime, start),
      endTime: end,
      cause: failure === undefined ? undefined : TASK_FAILURE_CAUSE[failure],
      attempts,
    };
  }

  private pollRefused(held: HeldWorker, failure: ApiFailure): WorkerCheck {
    count(this.stats.pollErrors, failure.error);
    const { startTime, attempts } = held;
    if (this.onPollError === 'retry') return { status: held.status, startTime, attempts };
    this.forget(held);
    return { status: 'failed', startTime, endTime: this.sim.now, cause: POLL_ERROR_CAUSE, attempts };
  }

  private forget(held: HeldWorker): void {
    held.client.forget(held.taskIds);
    this.held.delete(held.spec.workerID);
  }

  /** The client of the identity the worker's tasks run as, made at its first use. */
  private client(spec: WorkSpec): ComputeClient {
    const user = this.identity.scope === 'common' ? this.identity.user : spec.request.user;
    if (user === undefined) {
      throw new Error(
        `${this.name}: worker ${spec.workerID} mixes owners; personal tokens need one owner per worker`,
      );
    }
    let client = this.clients.get(user);
    if (client === undefined) {
      client = new ComputeClient(this.sim, this.streams, this.service, {
        user,
        tokenValidUntil: -Infinity,
        userEndpointConfig: this.userEndpointConfig,
      });
      this.clients.set(user, client);
    }
    return client;
  }

  /**
   * Gives the client the token Harvester holds for the call about to leave. The credential store says whether
   * the token is valid now, not until when; a call lasts a fraction of a second, so a token valid as the call
   * leaves is taken as valid through it, and an expired one is presented as expired.
   */
  private presentToken(client: ComputeClient, user: string | undefined): void {
    if (this.tokens === undefined) {
      throw new Error(
        `${this.name}: no credentials; call useCredentials(harvester.credentials) before the run`,
      );
    }
    const now = this.sim.now;
    client.renewToken(this.tokens.valid(this.provider, user, now) ? Infinity : now);
  }
}
