/**
 * The cloud-hosted Globus Compute web service (§2.1–2.2): it accepts task submissions for registered
 * endpoints, queues them while an endpoint is offline, keeps each task's state as its endpoint reports it,
 * and holds results until the client fetches them.
 *
 * Its rules (limits.rst [S]): a submission request may carry `maxSubmissionBytes` of serialized arguments in
 * all, or the whole request is refused (TASK_PAYLOAD_TOO_LARGE); a result over `maxResultBytes` is lost and
 * the task fails (MaxResultSizeExceeded); a result not fetched within `resultRetention` of reaching the service
 * is abandoned, and a later fetch finds the task failed ('result-expired'); a task no endpoint took within
 * `taskTtl` is abandoned ('task-ttl-expired'). Every call carries the client's access token, and a call made
 * with an expired one fails (Globus Auth answers 401): renewing the token is the caller's job.
 *
 * The methods below are the service's side of the API calls; clients reach them through client.ts, which
 * adds the call latency and the rate limit. A fetched result is handed over once and forgotten, as the SDK
 * keeps it on the client side.
 */
import type { EventId, Simulation } from '../../sim/engine.ts';
import { formatBytes, formatDuration } from '../../sim/units.ts';
import type { MultiUserEndpoint } from './endpoint.ts';
import { computeServiceParams, type ComputeServiceParams, type HtexParams } from './params.ts';
import { ComputeTask, isFinal, type TaskSpec, type TaskStatus } from './task.ts';

export type ApiError = 'token-expired' | 'payload-too-large' | 'unknown-endpoint' | 'max-requests-exceeded';

export interface ApiFailure {
  readonly ok: false;
  readonly error: ApiError;
  readonly message: string;
}

export type SubmitOutcome =
  | { readonly accepted: true; readonly taskId: number }
  | { readonly accepted: false; readonly error: ApiError; readonly message: string };

export type BatchResultReply =
  ApiFailure | { readonly ok: true; readonly statuses: ReadonlyMap<number, TaskStatus> };

export type EndpointStatusReply =
  ApiFailure | { readonly ok: true; readonly status: 'online' | 'offline'; readonly lastHeartbeat: number };

/** What the service has counted so far. */
export interface ComputeServiceCounts {
  tasksAccepted: number;
  tasksRejected: number;
  resultsDelivered: number;
  resultsExpired: number;
  resultsTooLarge: number;
  tasksTtlExpired: number;
  /** Calls refused because the token had expired. */
  expiredTokenCalls: number;
}

interface EndpointEntry {
  readonly endpoint: MultiUserEndpoint;
  /** Tasks waiting for the endpoint to connect, oldest first. */
  queue: ComputeTask[];
  head: number;
  ttlEvent: EventId | undefined;
}

export class ComputeService {
  readonly params: ComputeServiceParams;
  readonly counts: ComputeServiceCounts = {
    tasksAccepted: 0,
    tasksRejected: 0,
    resultsDelivered: 0,
    resultsExpired: 0,
    resultsTooLarge: 0,
    tasksTtlExpired: 0,
    expiredTokenCalls: 0,
  };
  private readonly endpoints = new Map<string, EndpointEntry>();
  /** Tasks accepted and not yet handed to the client in their final state. */
  private readonly live = new Map<number, ComputeTask>();
  private readonly resultExpiry = new Map<number, EventId>();
  /** Abandoned tasks, answered once as failed and then forgotten. */
  private readonly abandoned = new Map<number, TaskStatus>();
  private nextId = 1;

  constructor(
    private readonly sim: Simulation,
    params: Partial<ComputeServiceParams> = {},
  ) {
    this.params = computeServiceParams(params);
  }

  /** Registers an endpoint (its constructor does). */
  attach(endpoint: MultiUserEndpoint): void {
    if (this.endpoints.has(endpoint.id))
      throw new Error(`Globus Compute: endpoint ${endpoint.id} registered twice`);
    this.endpoints.set(endpoint.id, { endpoint, queue: [], head: 0, ttlEvent: undefined });
  }

  /** Tasks waiting at the service for the endpoint to connect (`waiting-for-ep`), oldest first. */
  queuedFor(endpointId: string): readonly ComputeTask[] {
    const entry = this.endpoints.get(endpointId);
    return entry === undefined ? [] : entry.queue.slice(entry.head);
  }

  /** Tasks accepted and not yet fetched in their final state (nor abandoned). */
  get liveTasks(): number {
    return this.live.size;
  }

  /** Handles a submission request of `user` for `endpointId` with `token` (valid until that time). */
  submit(
    user: string,
    token: number,
    endpointId: string,
    specs: readonly TaskSpec[],
    userEndpointConfig: Partial<HtexParams>,
  ): SubmitOutcome[] {
    const refusal = this.refuseSubmission(token, endpointId, specs);
    if (refusal !== undefined) {
      this.counts.tasksRejected += specs.length;
      const outcome: SubmitOutcome = { accepted: false, error: refusal.error, message: refusal.message };
      return specs.map(() => outcome);
    }
    const entry = this.endpoints.get(endpointId)!;
    return specs.map((spec) => {
      const task = new ComputeTask(this.nextId++, spec, user, endpointId, this.sim.now, userEndpointConfig);
      this.live.set(task.id, task);
      this.counts.tasksAccepted++;
      if (entry.endpoint.connected) entry.endpoint.receive(task);
      else this.enqueue(entry, task);
      return { accepted: true, taskId: task.id };
    });
  }

  /** Handles `get_batch_result`: the status of each task; final ones are handed over and forgotten. */
  batchResult(token: number, taskIds: readonly number[]): BatchResultReply {
    const expired = this.expiredToken(token);
    if (expired !== undefined) return expired;
    const statuses = new Map<number, TaskStatus>();
    for (const id of taskIds) statuses.set(id, this.collect(id));
    return { ok: true, statuses };
  }

  /** Handles an endpoint status request. */
  endpointStatus(token: number, endpointId: string): EndpointStatusReply {
    const expired = this.expiredToken(token);
    if (expired !== undefined) return expired;
    const entry = this.endpoints.get(endpointId);
    if (entry === undefined) return unknownEndpoint(endpointId);
    const now = this.sim.now;
    const lastHeartbeat = entry.endpoint.lastHeartbeat(now);
    const online = now - lastHeartbeat <= entry.endpoint.params.heartbeatThreshold;
    return { ok: true, status: online ? 'online' : 'offline', lastHeartbeat };
  }

  /** The endpoint reports the task's new state (its `endpointState`). */
  taskUpdated(task: ComputeTask): void {
    if (this.live.get(task.id) !== task || isFinal(task.state)) return;
    const state = task.endpointState;
    if (state === 'success' && task.spec.resultBytes > this.params.maxResultBytes) {
      this.counts.resultsTooLarge++;
      task.failure = {
        reason: 'result-too-large',
        message:
          `MaxResultSizeExceeded: the result of task ${task.id} is ${formatBytes(task.spec.resultBytes)}, ` +
          `the limit is ${formatBytes(this.params.maxResultBytes)}; the result is lost`,
      };
      task.state = 'failed';
    } else {
      task.state = state;
    }
    if (isFinal(task.state)) {
      this.resultExpiry.set(
        task.id,
        this.sim.schedule(this.params.resultRetention, this.abandonResult, task),
      );
    }
  }

  /** The endpoint is connected again: the tasks queued for it go to it, oldest first. */
  endpointConnected(endpointId: string): void {
    const entry = this.endpoints.get(endpointId)!;
    if (entry.ttlEvent !== undefined) this.sim.cancel(entry.ttlEvent);
    entry.ttlEvent = undefined;
    const queued = entry.queue.slice(entry.head);
    entry.queue = [];
    entry.head = 0;
    for (const task of queued) entry.endpoint.receive(task);
  }

  private refuseSubmission(
    token: number,
    endpointId: string,
    specs: readonly TaskSpec[],
  ): ApiFailure | undefined {
    const expired = this.expiredToken(token);
    if (expired !== undefined) return expired;
    if (!this.endpoints.has(endpointId)) return unknownEndpoint(endpointId);
    let bytes = 0;
    for (const spec of specs) bytes += spec.argumentBytes;
    if (bytes > this.params.maxSubmissionBytes) {
      return {
        ok: false,
        error: 'payload-too-large',
        message:
          `TASK_PAYLOAD_TOO_LARGE: the request carries ${formatBytes(bytes)} of serialized arguments ` +
          `(${specs.length} tasks), the limit is ${formatBytes(this.params.maxSubmissionBytes)} per request`,
      };
    }
    return undefined;
  }

  private expiredToken(token: number): ApiFailure | undefined {
    const now = this.sim.now;
    if (now < token) return undefined;
    this.counts.expiredTokenCalls++;
    return {
      ok: false,
      error: 'token-expired',
      message: `401 Unauthorized: the access token expired at ${formatDuration(token)} (now ${formatDuration(now)}); renew it`,
    };
  }

  private collect(id: number): TaskStatus {
    const task = this.live.get(id);
    if (task === undefined) {
      const status = this.abandoned.get(id);
      if (status === undefined)
        throw new RangeError(`Globus Compute: no task ${id} (never submitted, or already fetched)`);
      this.abandoned.delete(id);
      return status;
    }
    const state = task.state;
    if (!isFinal(state)) return { pending: true, status: state };
    this.live.delete(id);
    this.sim.cancel(this.resultExpiry.get(id)!);
    this.resultExpiry.delete(id);
    this.counts.resultsDelivered++;
    return finalStatus(task);
  }

  private readonly abandonResult = (task: ComputeTask): void => {
    this.live.delete(task.id);
    this.resultExpiry.delete(task.id);
    this.counts.resultsExpired++;
    const completed = task.completedAt ?? this.sim.now;
    this.abandoned.set(task.id, {
      pending: false,
      status: 'failed',
      reason: 'result-expired',
      message:
        `the result of task ${task.id} (${task.state} at ${formatDuration(completed)}) was not fetched within ` +
        `${formatDuration(this.params.resultRetention)} and was abandoned`,
      completedAt: completed,
      runTime: task.runTime,
    });
  };

  private enqueue(entry: EndpointEntry, task: ComputeTask): void {
    entry.queue.push(task);
    if (entry.ttlEvent === undefined) this.scheduleTtl(entry);
  }

  private scheduleTtl(entry: EndpointEntry): void {
    const oldest = entry.queue[entry.head];
    entry.ttlEvent =
      oldest === undefined
        ? undefined
        : this.sim.at(oldest.acceptedAt + this.params.taskTtl, this.expireQueued, entry);
  }

  private readonly expireQueued = (entry: EndpointEntry): void => {
    const now = this.sim.now;
    while (
      entry.head < entry.queue.length &&
      entry.queue[entry.head].acceptedAt + this.params.taskTtl <= now
    ) {
      const task = entry.queue[entry.head++];
      this.counts.tasksTtlExpired++;
      task.completedAt = now;
      task.failure = {
        reason: 'task-ttl-expired',
        message:
          `task ${task.id} waited ${formatDuration(this.params.taskTtl)} for endpoint ${task.endpointId}, ` +
          'which did not connect; abandoned',
      };
      task.endpointState = 'failed';
      this.taskUpdated(task);
    }
    this.scheduleTtl(entry);
  };
}

function unknownEndpoint(endpointId: string): ApiFailure {
  return { ok: false, error: 'unknown-endpoint', message: `404: no endpoint ${endpointId} is registered` };
}

function finalStatus(task: ComputeTask): TaskStatus {
  const completedAt = task.completedAt!;
  if (task.state === 'success')
    return { pending: false, status: 'success', completedAt, runTime: task.runTime };
  const failure = task.failure!;
  return {
    pending: false,
    status: 'failed',
    reason: failure.reason,
    message: failure.message,
    completedAt,
    runTime: task.runTime,
  };
}
