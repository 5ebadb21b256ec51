/**
 * The part of a provider model that every provider shares: the worker lifecycle of worker.ts (submitted →
 * running → a final status), the payloads running inside a worker, its walltime, and the core- and GPU-seconds
 * its running workers hold. A provider keeps one book and decides only where and when a worker starts, what a
 * payload's execution is, and why a worker ends.
 *
 * Rules the contract leaves open, as this book settles them:
 * - A worker holds `cores × nodes` cores and `gpus × nodes` GPUs; payloads may run side by side while their
 *   cores and GPUs fit in what is free, and a payload that does not fit is the owner's error (RangeError).
 * - `release` of a running worker lets its running payloads finish (a pilot with no more jobs waits for the
 *   ones it has, then exits) and ends it `finished`; it accepts no payload meanwhile. `release` of a worker that
 *   has not started removes it as `cancelled`: it never ran, so it cannot have finished.
 * - The walltime counts from the start. When it runs out the worker ends `failed` with cause `walltime`, and its
 *   running payloads fail with the same cause.
 * - A payload that fails adds its cores × its wall time to the wasted core-seconds.
 */
import type { EventId, Simulation } from '../../sim/engine.ts';
import { payloadWallTime } from './payload-time.ts';
import type {
  FailureCause,
  Payload,
  PayloadOutcome,
  Placement,
  Worker,
  WorkerEvents,
  WorkerRequest,
  WorkerStatus,
} from './worker.ts';

/**
 * How a provider carries out one payload on a worker: it calls `finish` once, when the payload ends by itself,
 * and returns a function that stops it silently (the book then reports the failure).
 */
export type PayloadExecution = (
  worker: Worker,
  payload: Payload,
  finish: (outcome: PayloadOutcome) => void,
) => () => void;

/** The usual execution: the payload runs for its wall time on the worker's placement (payload-time.ts). */
export function timedExecution(sim: Simulation): PayloadExecution {
  return (worker, payload, finish) => {
    if (worker.placement === undefined)
      throw new Error(`worker ${worker.id} runs a payload before it started`);
    const wallTime = payloadWallTime(payload, worker.placement);
    const event = sim.schedule(wallTime, finish, { ok: true, wallTime });
    return () => sim.cancel(event);
  };
}

interface RunningPayload {
  readonly payload: Payload;
  readonly startedAt: number;
  readonly done: (outcome: PayloadOutcome) => void;
  stop?: () => void;
}

/** A worker as its provider sees it: the contract's fields, writable by the book, plus what it runs. */
export class BookedWorker implements Worker {
  status: WorkerStatus = 'submitted';
  startedAt?: number;
  endedAt?: number;
  placement?: Placement;
  /** Cores and GPUs of the worker no running payload uses. */
  freeCores: number;
  freeGpus: number;
  /** Released while payloads ran: it ends when the last one does. */
  draining = false;
  readonly payloads = new Set<RunningPayload>();
  walltimeEvent: EventId | undefined;

  constructor(
    readonly id: number,
    readonly request: WorkerRequest,
    readonly submittedAt: number,
    readonly events: WorkerEvents,
  ) {
    this.freeCores = request.cores * request.nodes;
    this.freeGpus = request.gpus * request.nodes;
  }

  get heldCores(): number {
    return this.request.cores * this.request.nodes;
  }

  get heldGpus(): number {
    return this.request.gpus * this.request.nodes;
  }
}

function checkRequest(provider: string, request: WorkerRequest): void {
  const wholeAtLeast = (value: number, min: number) => Number.isInteger(value) && value >= min;
  const problems: string[] = [];
  if (!wholeAtLeast(request.cores, 0))
    problems.push(`cores must be a whole number >= 0, got ${request.cores}`);
  if (!wholeAtLeast(request.gpus, 0)) problems.push(`gpus must be a whole number >= 0, got ${request.gpus}`);
  if (!wholeAtLeast(request.nodes, 1))
    problems.push(`nodes must be a whole number >= 1, got ${request.nodes}`);
  if (request.cores + request.gpus === 0) problems.push('a worker needs at least one core or GPU');
  if (!(request.memoryMB >= 0)) problems.push(`memoryMB must be >= 0, got ${request.memoryMB}`);
  if (!(request.walltime > 0)) problems.push(`walltime must be > 0 s, got ${request.walltime}`);
  if (problems.length > 0) throw new RangeError(`${provider}: bad worker request: ${problems.join('; ')}`);
}

export class WorkerBook {
  /** Core-seconds lost in payloads that failed. */
  wastedCoreSeconds = 0;
  private nextId = 1;
  private readonly live = new Map<number, BookedWorker>();
  private queuedCount = 0;
  private runningCount = 0;
  private heldCores = 0;
  private heldGpus = 0;
  private heldSince = 0;
  private coreIntegral = 0;
  private gpuIntegral = 0;

  /**
   * `onEnd` runs once per worker as it reaches its final status, after its payloads were stopped and before its
   * owner hears of it: the provider frees there what the worker held (and may start waiting workers on it).
   */
  constructor(
    private readonly sim: Simulation,
    private readonly provider: string,
    private readonly onEnd: (worker: BookedWorker) => void,
  ) {
    this.heldSince = sim.now;
  }

  get queued(): number {
    return this.queuedCount;
  }

  get running(): number {
    return this.runningCount;
  }

  create(request: WorkerRequest, events: WorkerEvents): BookedWorker {
    checkRequest(this.provider, request);
    const worker = new BookedWorker(this.nextId++, request, this.sim.now, events);
    this.live.set(worker.id, worker);
    this.queuedCount++;
    return worker;
  }

  /** The book's record of a worker that has not ended, or undefined. */
  find(worker: Worker): BookedWorker | undefined {
    const booked = this.live.get(worker.id);
    return booked === worker ? booked : undefined;
  }

  /** Like `find`, for operations that need a live worker of this provider. */
  get(worker: Worker, operation: string): BookedWorker {
    const booked = this.find(worker);
    if (booked === undefined) {
      throw new Error(
        `${this.provider}.${operation}: worker ${worker.id} is not a live worker of this provider`,
      );
    }
    return booked;
  }

  /** The worker runs from now on `placement`; its walltime starts. */
  start(worker: BookedWorker, placement: Placement): void {
    if (worker.status !== 'submitted') throw new Error(`worker ${worker.id} started twice`);
    this.advance();
    worker.status = 'running';
    worker.startedAt = this.sim.now;
    worker.placement = placement;
    this.queuedCount--;
    this.runningCount++;
    this.heldCores += worker.heldCores;
    this.heldGpus += worker.heldGpus;
    if (Number.isFinite(worker.request.walltime)) {
      worker.walltimeEvent = this.sim.schedule(worker.request.walltime, this.walltimeOut, worker);
    }
    worker.events.started(worker);
  }

  run(
    worker: BookedWorker,
    payload: Payload,
    done: (outcome: PayloadOutcome) => void,
    execute: PayloadExecution,
  ): void {
    if (worker.status !== 'running' || worker.draining) {
      throw new Error(
        `${this.provider}.run: worker ${worker.id} is ${worker.draining ? 'released' : worker.status}, not running`,
      );
    }
    if (payload.cores > worker.freeCores || payload.gpus > worker.freeGpus) {
      throw new RangeError(
        `${this.provider}.run: payload ${payload.id} needs ${payload.cores} cores and ${payload.gpus} GPUs, ` +
          `worker ${worker.id} has ${worker.freeCores} and ${worker.freeGpus} free`,
      );
    }
    worker.freeCores -= payload.cores;
    worker.freeGpus -= payload.gpus;
    const running: RunningPayload = { payload, startedAt: this.sim.now, done };
    worker.payloads.add(running);
    running.stop = execute(worker, payload, (outcome) => {
      if (!worker.payloads.delete(running)) return;
      worker.freeCores += payload.cores;
      worker.freeGpus += payload.gpus;
      if (!outcome.ok) this.wastedCoreSeconds += payload.cores * outcome.wallTime;
      done(outcome);
      if (worker.draining && worker.payloads.size === 0) this.end(worker, 'finished');
    });
  }

  release(worker: BookedWorker): void {
    if (worker.status === 'submitted') this.end(worker, 'cancelled', 'cancelled');
    else if (worker.payloads.size === 0) this.end(worker, 'finished');
    else worker.draining = true;
  }

  /**
   * Ends a live worker: its running payloads stop, the provider's `onEnd` frees what it held, then the owner
   * hears that they failed with `cause` ('cancelled' when none is given) and that the worker ended, so an owner
   * reacting to either sees the worker over and its resources free. Ending an ended worker does nothing.
   */
  end(worker: BookedWorker, status: WorkerStatus, cause?: FailureCause): void {
    if (this.find(worker) === undefined) return;
    const wasRunning = worker.status === 'running';
    const now = this.sim.now;
    if (wasRunning) this.advance();
    worker.status = status;
    worker.endedAt = now;
    if (worker.walltimeEvent !== undefined) this.sim.cancel(worker.walltimeEvent);
    this.live.delete(worker.id);
    if (wasRunning) {
      this.runningCount--;
      this.heldCores -= worker.heldCores;
      this.heldGpus -= worker.heldGpus;
    } else {
      this.queuedCount--;
    }
    const stopped = [...worker.payloads];
    worker.payloads.clear();
    for (const running of stopped) {
      running.stop?.();
      this.wastedCoreSeconds += running.payload.cores * (now - running.startedAt);
    }
    this.onEnd(worker);
    for (const running of stopped) {
      running.done({ ok: false, wallTime: now - running.startedAt, cause: cause ?? 'cancelled' });
    }
    worker.events.ended(worker, cause);
  }

  /** Core-seconds held by running workers up to `now`. */
  coreSeconds(now: number): number {
    return this.coreIntegral + this.heldCores * (now - this.heldSince);
  }

  gpuSeconds(now: number): number {
    return this.gpuIntegral + this.heldGpus * (now - this.heldSince);
  }

  private advance(): void {
    const elapsed = this.sim.now - this.heldSince;
    this.coreIntegral += this.heldCores * elapsed;
    this.gpuIntegral += this.heldGpus * elapsed;
    this.heldSince = this.sim.now;
  }

  private readonly walltimeOut = (worker: BookedWorker): void => {
    worker.walltimeEvent = undefined;
    this.end(worker, 'failed', 'walltime');
  };
}
