/**
 * What every batch-like provider does with a worker once it holds resources: run payloads on it, kill it at
 * its walltime or when a failure strikes, end it, and account what it held. The grid site (grid-site.ts) and
 * the LCF machine (models/hpc/hpc-machine.ts) differ in how a worker gets its resources, not in this part.
 *
 * Payload wall time (models/provider/worker.ts): the CPU part runs on the payload's cores at the node's
 * HS06 per core, the GPU part on its GPUs at their speed, and the two are taken one after the other — a
 * training payload prepares its data on the CPU and then trains — since overlapping them would need the
 * workload to say how much overlaps. Staging overheads the provider adds come on top.
 *
 * Callbacks run inside the event that caused them, after the model's state is final: an owner that reacts to
 * `ended` or `done` by submitting, running or releasing sees the worker already ended and its resources free.
 */
import type { EventId, Simulation } from '../../sim/engine.ts';
import { TimeWeighted } from '../../sim/stats/time-weighted.ts';
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
} from '../provider/worker.ts';

/** Seconds a payload computes on `placement`: fixed time + CPU part + GPU part (see the header). */
export function payloadComputeTime(payload: Payload, placement: Placement): number {
  let time = payload.fixedTime;
  if (payload.cpuWork > 0) time += payload.cpuWork / (payload.cores * placement.corepower);
  if (payload.gpuWork > 0) time += payload.gpuWork / (payload.gpus * placement.gpuSpeed);
  return time;
}

interface RunningPayload {
  readonly worker: ProviderWorker;
  readonly payload: Payload;
  readonly done: (outcome: PayloadOutcome) => void;
  readonly startedAt: number;
  /** When the payload ends by itself, and whether that end is a success (false: its failure point). */
  readonly endsAt: number;
  readonly succeeds: boolean;
  /** Its completion (or failure) event; set right after it is scheduled. */
  event: EventId;
}

interface WorkerTimer {
  readonly worker: ProviderWorker;
  readonly cause: FailureCause;
}

type FinalStatus = Exclude<WorkerStatus, 'submitted' | 'running' | 'missed'>;

/** A worker as a provider keeps it: the contract's fields, plus what is needed to run payloads on it. */
export class ProviderWorker implements Worker {
  status: WorkerStatus = 'submitted';
  startedAt: number | undefined;
  endedAt: number | undefined;
  placement: Placement | undefined;
  /** Why the worker was refused or ended, in words (Harvester's WorkSpec `diagMessage`). */
  diagMessage: string | undefined;
  /** The cause it ended with, when it did not end normally. */
  endCause: FailureCause | undefined;
  /** True once the worker takes payloads: after the `started` callback, until it ends. */
  accepting = false;
  /** Cores and GPUs it holds, and those no payload is using. */
  heldCores = 0;
  heldGpus = 0;
  freeCores = 0;
  freeGpus = 0;
  /** Walltime granted, s (the request's, capped by the provider). */
  walltime = 0;
  readonly payloads = new Set<RunningPayload>();
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

/**
 * Runs payloads on the workers of one provider and keeps its usage. `onEnd(worker, wasRunning)` lets the
 * provider take back what the worker held (a slot, nodes) or drop it from its queue, before any callback.
 */
export class WorkerRuntime<W extends ProviderWorker> {
  private readonly heldCores: TimeWeighted;
  private readonly heldGpus: TimeWeighted;
  private wastedCoreSeconds = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly providerName: string,
    private readonly onEnd: (worker: W, wasRunning: boolean) => void,
  ) {
    this.heldCores = new TimeWeighted(sim.now, 0);
    this.heldGpus = new TimeWeighted(sim.now, 0);
  }

  usage(now: number): ProviderUsage {
    return {
      coreSeconds: this.heldCores.integral(now),
      gpuSeconds: this.heldGpus.integral(now),
      wastedCoreSeconds: this.wastedCoreSeconds,
      cost: 0,
    };
  }

  /** The worker given to a public method, if it is one of ours; throws otherwise. */
  own(worker: Worker, method: string): W {
    if (!(worker instanceof ProviderWorker) || worker.owner !== this) {
      throw new Error(`${this.providerName}.${method}: worker ${worker.id} was not submitted here`);
    }
    return worker as W;
  }

  /**
   * The worker now holds `cores` and `gpus` (for accounting and for its payloads) for at most `walltime`
   * seconds, after which it is killed with cause 'walltime'.
   */
  start(worker: W, placement: Placement, cores: number, gpus: number, walltime: number): void {
    const now = this.sim.now;
    worker.status = 'running';
    worker.startedAt = now;
    worker.placement = placement;
    worker.heldCores = worker.freeCores = cores;
    worker.heldGpus = worker.freeGpus = gpus;
    worker.walltime = walltime;
    this.heldCores.update(now, this.heldCores.value + cores);
    this.heldGpus.update(now, this.heldGpus.value + gpus);
    this.failAt(worker, now + walltime, 'walltime');
  }

  /**
   * The worker is refused at submission: it is 'missed' at once (so kill and release leave it alone), and
   * its owner hears of it in an event of its own, once it has the worker in hand.
   */
  refuse(worker: W, reason: string, cause: FailureCause): void {
    worker.status = 'missed';
    worker.endedAt = this.sim.now;
    worker.endCause = cause;
    worker.diagMessage = reason;
    this.sim.schedule(0, this.tellRefused, worker);
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

  /**
   * Runs `payload` on `worker` for `overhead` + its compute time. With `failureFraction` in [0, 1) the
   * attempt fails by itself ('payload-error') that far into its run.
   */
  run(
    worker: W,
    payload: Payload,
    done: (outcome: PayloadOutcome) => void,
    overhead: number,
    failureFraction?: number,
  ): void {
    this.checkRunnable(worker, payload);
    const now = this.sim.now;
    const wall = overhead + payloadComputeTime(payload, worker.placement!);
    const succeeds = failureFraction === undefined;
    const endsAt = now + (succeeds ? wall : failureFraction * wall);
    worker.freeCores -= payload.cores;
    worker.freeGpus -= payload.gpus;
    const record: RunningPayload = {
      worker,
      payload,
      done,
      startedAt: now,
      endsAt,
      succeeds,
      event: -1,
    };
    record.event = this.sim.at(endsAt, this.complete, record);
    worker.payloads.add(record);
  }

  /**
   * Ends the worker with `status` (and `cause` when it did not end normally). Running payloads fail with
   * `cause`, except those whose own end falls at this very instant, which complete as they would have.
   */
  end(worker: W, status: FinalStatus, cause?: FailureCause): void {
    if (worker.final) return;
    const now = this.sim.now;
    const wasRunning = worker.status === 'running';
    worker.status = status;
    worker.endedAt = now;
    worker.endCause = cause;
    worker.accepting = false;
    for (const id of worker.timers) this.sim.cancel(id);
    worker.timers.length = 0;
    if (wasRunning) {
      this.heldCores.update(now, this.heldCores.value - worker.heldCores);
      this.heldGpus.update(now, this.heldGpus.value - worker.heldGpus);
    }
    const payloads = [...worker.payloads];
    worker.payloads.clear();
    for (const running of payloads) this.sim.cancel(running.event);
    this.onEnd(worker, wasRunning);
    for (const running of payloads) {
      const wallTime = now - running.startedAt;
      if (running.succeeds && running.endsAt <= now) {
        running.done({ ok: true, wallTime });
      } else {
        this.wastedCoreSeconds += running.payload.cores * wallTime;
        running.done({ ok: false, wallTime, cause: cause ?? 'cancelled' });
      }
    }
    worker.events.ended(worker, cause);
  }

  private readonly complete = (running: RunningPayload): void => {
    const worker = running.worker;
    worker.payloads.delete(running);
    worker.freeCores += running.payload.cores;
    worker.freeGpus += running.payload.gpus;
    const wallTime = this.sim.now - running.startedAt;
    if (running.succeeds) {
      running.done({ ok: true, wallTime });
    } else {
      this.wastedCoreSeconds += running.payload.cores * wallTime;
      running.done({ ok: false, wallTime, cause: 'payload-error' });
    }
  };

  private readonly tellRefused = (worker: W): void => {
    worker.events.ended(worker, worker.endCause);
  };

  private readonly expire = ({ worker, cause }: WorkerTimer): void => {
    this.end(worker as W, 'failed', cause);
  };

  private checkRunnable(worker: W, payload: Payload): void {
    const where = `${this.providerName}.run: worker ${worker.id}`;
    if (!worker.accepting) {
      throw new Error(`${where} is ${worker.final ? `ended (${worker.status})` : 'not started yet'}`);
    }
    if (!(payload.cores >= 0 && payload.gpus >= 0 && payload.fixedTime >= 0)) {
      throw new RangeError(`${where}: payload ${payload.id} has negative cores, GPUs or fixed time`);
    }
    if (payload.cpuWork > 0 && payload.cores === 0) {
      throw new RangeError(`${where}: payload ${payload.id} has CPU work but no cores`);
    }
    if (payload.gpuWork > 0 && payload.gpus === 0) {
      throw new RangeError(`${where}: payload ${payload.id} has GPU work but no GPUs`);
    }
    if (payload.cores > worker.freeCores || payload.gpus > worker.freeGpus) {
      throw new RangeError(
        `${where}: payload ${payload.id} needs ${payload.cores} cores and ${payload.gpus} GPUs, ` +
          `${worker.freeCores} cores and ${worker.freeGpus} GPUs are free`,
      );
    }
  }
}
