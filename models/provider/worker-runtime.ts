/**
 * What every provider does with a worker once it has one: the lifecycle of worker.ts (submitted → running → a
 * final status), the payloads running inside a worker, the walltime and the other timers that end it, and the
 * core- and GPU-seconds its running workers hold. A provider (grid site, LCF machine, Kubernetes cluster, local
 * cluster, volunteer slots) decides only whether it takes a request, where and when a worker starts, what a
 * payload attempt costs there, and why a worker ends; the rules the contract settles (release, kill, walltime,
 * the order of callbacks) are kept here, once, and RuntimeProvider (runtime-provider.ts) passes the contract's
 * calls on to them.
 *
 * A provider that needs more per worker (a batch job's queue and nodes, a pod's node) extends ProviderWorker
 * and hands the runtime its class, so the runtime creates every worker and the provider never keeps a second
 * record of it.
 */
import type { EventId, Simulation } from '../../sim/engine.ts';
import { TimeWeighted } from '../../sim/stats/time-weighted.ts';
import { payloadWallTime } from './payload-time.ts';
import type {
  FailureCause,
  Payload,
  PayloadOutcome,
  Placement,
  ProviderUsage,
  Worker,
  WorkerEvents,
  WorkerRequest,
  WorkerStatus,
} from './worker.ts';

/**
 * A payload carried out outside the worker's own clock (a volunteer project's work unit, run on hosts the
 * worker does not hold): starting it returns a function that stops it silently, and it calls `finish` once, when
 * it ends by itself.
 */
export type PayloadExecution = (finish: (outcome: PayloadOutcome) => void) => () => void;

/** How a timed payload attempt goes beyond its compute time. */
export interface PayloadAttempt {
  /** Seconds the provider adds to the payload's wall time (stage-in and stage-out done by the pilot). */
  overhead?: number;
  /** When set, in [0, 1): the attempt fails by itself ('payload-error') that far into its run. */
  failureFraction?: number;
  /**
   * Asked when an attempt that did not fail by itself reaches its end, where the pilot writes its output: a
   * cause returned fails it there, its whole run wasted (a full storage refusing the stage-out).
   */
  stageOut?: () => FailureCause | undefined;
}

/** A payload a worker's forced end would throw away: its id, what it holds and how long it has run, s. */
export interface LostPayload {
  readonly id: number;
  readonly cores: number;
  readonly gpus: number;
  readonly wallTime: number;
}

/** The payloads running on `worker` now, as ending it would lose them. */
export function runningPayloads(worker: ProviderWorker, now: number): LostPayload[] {
  return [...worker.payloads].map(({ payload, startedAt }) => ({
    id: payload.id,
    cores: payload.cores,
    gpus: payload.gpus,
    wallTime: now - startedAt,
  }));
}

/** What a started worker holds, and for how long. */
export interface Holding {
  cores: number;
  gpus: number;
  /** Walltime granted, s: the request's, or less where the provider caps it; Infinity for none. */
  walltime: number;
}

interface RunningPayload {
  readonly worker: ProviderWorker;
  readonly payload: Payload;
  readonly done: (outcome: PayloadOutcome) => void;
  readonly startedAt: number;
  /** A timed payload: the outcome it ends with by itself, and the event at which it does. */
  outcome: PayloadOutcome | undefined;
  event: EventId | undefined;
  /** A payload carried out elsewhere: what stops it. */
  stop: (() => void) | undefined;
  stageOut: (() => FailureCause | undefined) | undefined;
}

interface WorkerTimer {
  readonly worker: ProviderWorker;
  readonly cause: FailureCause;
}

/** A worker as a provider keeps it: the contract's fields, plus what is needed to run payloads on it. */
export class ProviderWorker implements Worker {
  status: WorkerStatus = 'submitted';
  startedAt: number | undefined;
  endedAt: number | undefined;
  placement: Placement | undefined;
  /** Why the worker was refused, in words (Harvester's WorkSpec `diagMessage`). */
  diagMessage: string | undefined;
  /** The cause it ended with, when it did not end normally. */
  endCause: FailureCause | undefined;
  /** True while the worker takes payloads: from the `started` callback until it is released or ends. */
  accepting = false;
  /** Released while payloads ran: it ends 'finished' when the last one does. */
  released = false;
  /** Cores and GPUs it holds, and those no payload is using. */
  heldCores = 0;
  heldGpus = 0;
  freeCores = 0;
  freeGpus = 0;
  readonly payloads = new Set<RunningPayload>();
  /** Events that act on the worker (its walltime, failures, the provider's own steps); cancelled when it ends. */
  readonly timers: EventId[] = [];

  constructor(
    readonly id: number,
    readonly request: WorkerRequest,
    readonly submittedAt: number,
    readonly events: WorkerEvents,
    /** The runtime that made it: calls with a worker from another provider are refused. */
    readonly owner: object,
  ) {}

  get final(): boolean {
    return this.status !== 'submitted' && this.status !== 'running';
  }
}

/** ProviderWorker or a provider's subclass of it, which the runtime instantiates. */
export type WorkerClass<W extends ProviderWorker> = new (
  id: number,
  request: WorkerRequest,
  submittedAt: number,
  events: WorkerEvents,
  owner: object,
) => W;

/** Why a request cannot be a worker anywhere (a bug in the submitter, not a provider's refusal), or undefined. */
function malformed(request: WorkerRequest): string | undefined {
  const whole = (value: number, min: number) => Number.isInteger(value) && value >= min;
  const problems: string[] = [];
  if (!whole(request.cores, 0)) problems.push(`cores must be a whole number >= 0, got ${request.cores}`);
  if (!whole(request.gpus, 0)) problems.push(`gpus must be a whole number >= 0, got ${request.gpus}`);
  if (!whole(request.nodes, 1)) problems.push(`nodes must be a whole number >= 1, got ${request.nodes}`);
  if (request.cores + request.gpus === 0) problems.push('a worker needs at least one core or GPU');
  if (!(request.memoryMB >= 0)) problems.push(`memoryMB must be >= 0, got ${request.memoryMB}`);
  if (!(request.walltime > 0)) problems.push(`walltime must be > 0 s, got ${request.walltime}`);
  return problems.length > 0 ? problems.join('; ') : undefined;
}

/**
 * The workers of one provider and its usage. `onEnd(worker, wasRunning)` runs once per worker that was queued
 * or running, as it reaches its final status and before any callback: there the provider takes back what the
 * worker held (a slot, nodes, a node's share) or drops it from its queue, and may start waiting workers.
 */
export class WorkerRuntime<W extends ProviderWorker> {
  private readonly heldCores: TimeWeighted;
  private readonly heldGpus: TimeWeighted;
  private wastedCoreSeconds = 0;
  private wastedGpuSeconds = 0;
  private queuedCount = 0;
  private runningCount = 0;
  private nextId = 1;

  constructor(
    private readonly sim: Simulation,
    private readonly providerName: string,
    private readonly workerClass: WorkerClass<W>,
    private readonly onEnd: (worker: W, wasRunning: boolean) => void,
  ) {
    this.heldCores = new TimeWeighted(sim.now, 0);
    this.heldGpus = new TimeWeighted(sim.now, 0);
  }

  /** Workers submitted and not yet running (refused ones are not counted), and running. */
  get queued(): number {
    return this.queuedCount;
  }

  get running(): number {
    return this.runningCount;
  }

  /** Cores and GPUs the running workers hold now. */
  get inUse(): { readonly cores: number; readonly gpus: number } {
    return { cores: this.heldCores.value, gpus: this.heldGpus.value };
  }

  usage(now: number): ProviderUsage {
    return {
      coreSeconds: this.heldCores.integral(now),
      gpuSeconds: this.heldGpus.integral(now),
      wastedCoreSeconds: this.wastedCoreSeconds,
      wastedGpuSeconds: this.wastedGpuSeconds,
      cost: 0,
    };
  }

  /** A new queued worker for `request`; a malformed request throws (RangeError). */
  create(request: WorkerRequest, events: WorkerEvents): W {
    const problem = malformed(request);
    if (problem !== undefined) {
      throw new RangeError(`${this.providerName}: bad worker request: ${problem}`);
    }
    this.queuedCount++;
    return new this.workerClass(this.nextId++, request, this.sim.now, events, this);
  }

  /** Whether `worker` was created here. */
  owns(worker: Worker): worker is W {
    return worker instanceof ProviderWorker && worker.owner === this;
  }

  /** The worker given to a public method, if it was created here; throws otherwise. */
  own(worker: Worker, method: string): W {
    if (!this.owns(worker)) {
      throw new Error(`${this.providerName}.${method}: worker ${worker.id} was not submitted here`);
    }
    return worker;
  }

  /**
   * The provider will not take the worker: it is 'missed' at once (so kill and release leave it alone), and
   * its owner hears of it in an event of its own, once it has the worker in hand. Only for a worker the provider
   * has not queued anywhere: `onEnd` is not called.
   */
  refuse(worker: W, reason: string, cause: FailureCause = 'submission-failed'): void {
    worker.status = 'missed';
    worker.endedAt = this.sim.now;
    worker.endCause = cause;
    worker.diagMessage = reason;
    this.queuedCount--;
    this.sim.schedule(0, this.tellRefused, worker);
  }

  /**
   * The worker holds resources on `placement` from now on (its request's cores and GPUs on every node unless
   * `holding` says otherwise), and its walltime starts. It takes payloads only once `accept`ed.
   */
  start(worker: W, placement: Placement, holding: Holding = requested(worker.request)): void {
    const now = this.sim.now;
    worker.status = 'running';
    worker.startedAt = now;
    worker.placement = placement;
    worker.heldCores = worker.freeCores = holding.cores;
    worker.heldGpus = worker.freeGpus = holding.gpus;
    this.queuedCount--;
    this.runningCount++;
    this.heldCores.update(now, this.heldCores.value + holding.cores);
    this.heldGpus.update(now, this.heldGpus.value + holding.gpus);
    if (Number.isFinite(holding.walltime)) this.timer(worker, now + holding.walltime, this.walltimeReached);
  }

  /** The worker takes payloads from now on; its owner is told. */
  accept(worker: W): void {
    worker.accepting = true;
    worker.events.started(worker);
  }

  /** Schedules `fn(worker)` at `time` as one of the worker's timers, cancelled when it ends. */
  timer(worker: W, time: number, fn: (worker: W) => void): void {
    worker.timers.push(this.sim.at(time, fn, worker));
  }

  /** The worker fails with `cause` at `time` unless it has ended by then. */
  failAt(worker: W, time: number, cause: FailureCause): void {
    worker.timers.push(this.sim.at(time, this.expire, { worker, cause }));
  }

  /** Runs `payload` for its compute time on the worker's placement plus `attempt.overhead`. */
  run(
    worker: W,
    payload: Payload,
    done: (outcome: PayloadOutcome) => void,
    attempt: PayloadAttempt = {},
  ): void {
    this.checkRunnable(worker, payload);
    const wallTime = (attempt.overhead ?? 0) + payloadWallTime(payload, worker.placement!);
    const fraction = attempt.failureFraction;
    const outcome: PayloadOutcome =
      fraction === undefined
        ? { ok: true, wallTime }
        : { ok: false, wallTime: fraction * wallTime, cause: 'payload-error' };
    const running = this.hold(worker, payload, done);
    running.outcome = outcome;
    running.stageOut = attempt.stageOut;
    running.event = this.sim.schedule(outcome.wallTime, this.timedEnd, running);
  }

  /** Runs `payload` by `execution`, which decides when and how it ends. */
  runDelegated(
    worker: W,
    payload: Payload,
    done: (outcome: PayloadOutcome) => void,
    execution: PayloadExecution,
  ): void {
    this.checkRunnable(worker, payload);
    const running = this.hold(worker, payload, done);
    running.stop = execution((outcome) => this.complete(running, outcome));
  }

  /**
   * The owner has no more work for the worker. Not started: it is withdrawn ('cancelled'). Running: it takes no
   * new payload, finishes those it runs, then ends 'finished' (a pilot that found no further job). Ended:
   * nothing happens.
   */
  release(worker: W): void {
    if (worker.final) return;
    if (worker.status === 'submitted') {
      this.end(worker, 'cancelled', 'cancelled');
      return;
    }
    worker.accepting = false;
    worker.released = true;
    if (worker.payloads.size === 0) {
      this.close(worker, 'finished', undefined);
      worker.events.ended(worker, undefined);
    }
  }

  /** The forced end (Harvester's sweeper): running payloads fail with cause 'cancelled'. */
  kill(worker: W): void {
    this.end(worker, 'cancelled', 'cancelled');
  }

  /**
   * Ends the worker badly with `cause`: its running payloads stop and fail with the same cause, the provider's
   * `onEnd` frees what it held, then the owner hears of the payloads and of the worker. An ended worker stays
   * as it is.
   */
  end(worker: W, status: 'failed' | 'cancelled', cause: FailureCause): void {
    if (worker.final) return;
    const now = this.sim.now;
    for (const running of this.close(worker, status, cause)) {
      running.done({ ok: false, wallTime: now - running.startedAt, cause });
    }
    worker.events.ended(worker, cause);
  }

  /** Puts the worker in its final state and frees it, without telling anyone; returns the payloads it cut. */
  private close(worker: W, status: WorkerStatus, cause: FailureCause | undefined): RunningPayload[] {
    const now = this.sim.now;
    const wasRunning = worker.status === 'running';
    worker.status = status;
    worker.endedAt = now;
    worker.endCause = cause;
    worker.accepting = false;
    for (const id of worker.timers) this.sim.cancel(id);
    worker.timers.length = 0;
    if (wasRunning) {
      this.runningCount--;
      this.heldCores.update(now, this.heldCores.value - worker.heldCores);
      this.heldGpus.update(now, this.heldGpus.value - worker.heldGpus);
    } else {
      this.queuedCount--;
    }
    const cut = [...worker.payloads];
    worker.payloads.clear();
    for (const running of cut) {
      if (running.event !== undefined) this.sim.cancel(running.event);
      running.stop?.();
      this.waste(running.payload, now - running.startedAt);
    }
    this.onEnd(worker, wasRunning);
    return cut;
  }

  private hold(worker: W, payload: Payload, done: (outcome: PayloadOutcome) => void): RunningPayload {
    worker.freeCores -= payload.cores;
    worker.freeGpus -= payload.gpus;
    const running: RunningPayload = {
      worker,
      payload,
      done,
      startedAt: this.sim.now,
      outcome: undefined,
      event: undefined,
      stop: undefined,
      stageOut: undefined,
    };
    worker.payloads.add(running);
    return running;
  }

  /** A payload ended by itself: the worker gets its cores back (and ends, if released and now idle) first. */
  private complete(running: RunningPayload, outcome: PayloadOutcome): void {
    const worker = running.worker as W;
    if (!worker.payloads.delete(running)) return;
    worker.freeCores += running.payload.cores;
    worker.freeGpus += running.payload.gpus;
    if (!outcome.ok) this.waste(running.payload, outcome.wallTime);
    const last = worker.released && worker.payloads.size === 0;
    if (last) this.close(worker, 'finished', undefined);
    running.done(outcome);
    if (last) worker.events.ended(worker, undefined);
  }

  private waste(payload: Payload, wallTime: number): void {
    this.wastedCoreSeconds += payload.cores * wallTime;
    this.wastedGpuSeconds += payload.gpus * wallTime;
  }

  private readonly timedEnd = (running: RunningPayload): void => {
    const outcome = running.outcome!;
    const refused = outcome.ok ? running.stageOut?.() : undefined;
    this.complete(
      running,
      refused === undefined ? outcome : { ok: false, wallTime: outcome.wallTime, cause: refused },
    );
  };

  private readonly tellRefused = (worker: W): void => {
    worker.events.ended(worker, worker.endCause);
  };

  private readonly expire = ({ worker, cause }: WorkerTimer): void => {
    this.end(worker as W, 'failed', cause);
  };

  /**
   * The walltime is up, but the kill waits for every event already due at this instant (a zero-delay event
   * runs after them): a payload that ends exactly at the walltime fits in it and completes, and its owner may
   * release the worker, before the batch system kills whatever is still running.
   */
  private readonly walltimeReached = (worker: W): void => {
    this.failAt(worker, this.sim.now, 'walltime');
  };

  private checkRunnable(worker: W, payload: Payload): void {
    const where = `${this.providerName}.run: worker ${worker.id}`;
    if (!worker.accepting) {
      const state = worker.final
        ? `ended (${worker.status})`
        : worker.released
          ? 'released'
          : 'not started yet';
      throw new Error(`${where} is ${state}`);
    }
    if (!(payload.cores >= 0 && payload.gpus >= 0 && payload.fixedTime >= 0)) {
      throw new RangeError(`${where}: payload ${payload.id} has negative cores, GPUs or fixed time`);
    }
    if (payload.cores > worker.freeCores || payload.gpus > worker.freeGpus) {
      throw new RangeError(
        `${where}: payload ${payload.id} needs ${payload.cores} cores and ${payload.gpus} GPUs, ` +
          `${worker.freeCores} cores and ${worker.freeGpus} GPUs are free`,
      );
    }
  }
}

/** What a worker holds when the provider gives it exactly what it asked for. */
function requested(request: WorkerRequest): Holding {
  return {
    cores: request.cores * request.nodes,
    gpus: request.gpus * request.nodes,
    walltime: request.walltime,
  };
}
