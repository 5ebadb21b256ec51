/**
 * A Globus Compute SDK client (`globus_compute_sdk.Client`) as Harvester's funcX plugin uses it (§1.8): the
 * submitter sends a batch of tasks (`batch_run`) and keeps their ids, the monitor polls them with
 * `get_batch_result`. Every call is an API request: it waits for the rate limit, takes `apiLatency`, and acts
 * on the service when it ends (the service's effect and the reply happen together at the end of the call).
 *
 * - Batches are cut into requests of `maxTasksPerRequest` tasks (the SDK Executor's `batch_size`), each a
 *   request of its own for the rate limit and the payload limit.
 * - Rate limit (sliding-window.ts): with `onRateLimit: 'wait'` a request over the limit is sent when the window
 *   has room, as the SDK Executor throttles its own requests; with 'fail' it fails with `max-requests-exceeded`
 *   (the service's MaxRequestsExceeded, as a bare Client raises it) after the call latency.
 * - The access token travels with each request when it leaves the client; the service refuses expired ones.
 *   `renewToken` is for the owner's credential manager.
 * - Like the SDK, the client remembers final statuses it has received and answers them without a request;
 *   `forget` drops them when the owner is done with the tasks.
 *
 * Random stream: `funcx/client/<user>/api` (call latencies).
 */
import type { Simulation } from '../../sim/engine.ts';
import type { RandomStreams, Rng } from '../../sim/random.ts';
import { formatDuration } from '../../sim/units.ts';
import type { HtexParams } from './params.ts';
import type {
  ApiFailure,
  BatchResultReply,
  ComputeService,
  EndpointStatusReply,
  SubmitOutcome,
} from './service.ts';
import { SlidingWindowLimit } from './sliding-window.ts';
import type { TaskSpec, TaskStatus } from './task.ts';

export interface ComputeClientOptions {
  /** The Globus identity the client acts as (the MEP maps it to a local account). */
  user: string;
  /** When the client's access token expires, s. */
  tokenValidUntil: number;
  /** The `user_endpoint_config` sent with every task: overrides of the MEP's engine template. */
  userEndpointConfig?: Partial<HtexParams>;
  /** What a request over the rate limit does: wait for room (default) or fail. */
  onRateLimit?: 'wait' | 'fail';
}

export class ComputeClient {
  readonly user: string;
  /** Requests sent within the rate limit, and calls that met the limit (waited for room, or failed). */
  requestsSent = 0;
  requestsThrottled = 0;
  private token: number;
  private readonly config: Partial<HtexParams>;
  private readonly onRateLimit: 'wait' | 'fail';
  private readonly limit: SlidingWindowLimit;
  private readonly rng: Rng;
  private readonly known = new Map<number, TaskStatus>();

  constructor(
    private readonly sim: Simulation,
    streams: RandomStreams,
    private readonly service: ComputeService,
    options: ComputeClientOptions,
  ) {
    this.user = options.user;
    this.token = options.tokenValidUntil;
    this.config = options.userEndpointConfig ?? {};
    this.onRateLimit = options.onRateLimit ?? 'wait';
    this.limit = new SlidingWindowLimit(service.params.rateLimitRequests, service.params.rateLimitWindow);
    this.rng = streams.stream(`funcx/client/${options.user}/api`);
  }

  get tokenValidUntil(): number {
    return this.token;
  }

  renewToken(validUntil: number): void {
    this.token = validUntil;
  }

  /** Submits `specs` to `endpointId`; `done` gets one outcome per spec, in order, once every request answered. */
  batchRun(endpointId: string, specs: readonly TaskSpec[], done: (outcomes: SubmitOutcome[]) => void): void {
    const outcomes: SubmitOutcome[] = new Array(specs.length);
    if (specs.length === 0) {
      this.sim.schedule(0, done, outcomes);
      return;
    }
    const size = this.service.params.maxTasksPerRequest;
    let unanswered = Math.ceil(specs.length / size);
    for (let from = 0; from < specs.length; from += size) {
      const chunk = specs.slice(from, from + size);
      this.call(
        (token) => this.service.submit(this.user, token, endpointId, chunk, this.config),
        (failure) => chunk.map(() => ({ accepted: false, error: failure.error, message: failure.message })),
        (answers) => {
          for (let i = 0; i < answers.length; i++) outcomes[from + i] = answers[i];
          if (--unanswered === 0) done(outcomes);
        },
      );
    }
  }

  /** Polls `taskIds`; statuses already final are answered from memory, the rest in one request. */
  getBatchResult(taskIds: readonly number[], done: (reply: BatchResultReply) => void): void {
    const statuses = new Map<number, TaskStatus>();
    const ask: number[] = [];
    for (const id of new Set(taskIds)) {
      const status = this.known.get(id);
      if (status === undefined) ask.push(id);
      else statuses.set(id, status);
    }
    if (ask.length === 0) {
      this.sim.schedule(0, done, { ok: true, statuses });
      return;
    }
    this.call(
      (token) => this.service.batchResult(token, ask),
      (failure) => failure,
      (reply) => {
        if (!reply.ok) {
          done(reply);
          return;
        }
        for (const [id, status] of reply.statuses) {
          statuses.set(id, status);
          if (!status.pending) this.known.set(id, status);
        }
        done({ ok: true, statuses });
      },
    );
  }

  getEndpointStatus(endpointId: string, done: (reply: EndpointStatusReply) => void): void {
    this.call(
      (token) => this.service.endpointStatus(token, endpointId),
      (failure) => failure,
      done,
    );
  }

  /** Drops the remembered final statuses of `taskIds`. */
  forget(taskIds: readonly number[]): void {
    for (const id of taskIds) this.known.delete(id);
  }

  /**
   * One API request: sent when the rate limit allows, with the token the client holds then; `handle` acts on
   * the service at the end of the call and its answer goes to `deliver`.
   */
  private call<R>(
    handle: (token: number) => R,
    refused: (failure: ApiFailure) => R,
    deliver: (answer: R) => void,
  ): void {
    const now = this.sim.now;
    const latency = this.service.params.apiLatency.sample(this.rng);
    const sendAt = this.limit.earliest(now);
    if (sendAt > now) {
      this.requestsThrottled++;
      if (this.onRateLimit === 'fail') {
        const p = this.service.params;
        const failure: ApiFailure = {
          ok: false,
          error: 'max-requests-exceeded',
          message:
            `MaxRequestsExceeded: more than ${p.rateLimitRequests} requests in ${formatDuration(p.rateLimitWindow)}; ` +
            `retry after ${formatDuration(sendAt - now)}`,
        };
        this.sim.schedule(latency, () => deliver(refused(failure)));
        return;
      }
    }
    this.limit.admit(sendAt);
    this.requestsSent++;
    this.sim.at(sendAt, () => {
      const token = this.token;
      this.sim.schedule(latency, () => deliver(handle(token)));
    });
  }
}
