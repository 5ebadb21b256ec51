/**
 * A volunteer project behind the provider contract, the way ATLAS@Home is reached from PanDA: an ARC CE in
 * front of the BOINC server takes grid jobs and turns each into a work unit [R] (ATLAS@Home, Comput. Softw.
 * Big Sci. 2019, doi:10.1007/s41781-019-0023-6).
 *
 * A worker is a slot at that gateway, not a host: it starts at once (the gateway accepts jobs without a batch
 * wait) and holds `cores × nodes` cores' worth of work units in flight. A payload run on it becomes a work unit
 * of the project, so it runs as `replication` results on volunteer hosts and ends when the quorum is in (ok)
 * or the unit fails (`payload-error`). The worker abstraction fits badly below that level — one payload runs
 * on several hosts, none of which the worker holds — so the project's own payload-level API (project.ts) is the
 * model, and this class only adapts it.
 *
 * Usage is the project's (project.ts): core-seconds computed by hosts, with redundant, invalid, late and
 * abandoned work counted as wasted, and cost 0. Slots hold nothing, so their own time is not counted.
 */
import type { Simulation } from '../../sim/engine.ts';
import type {
  Payload,
  PayloadOutcome,
  Placement,
  Provider,
  Worker,
  WorkerEvents,
  WorkerRequest,
} from '../provider/worker.ts';
import { WorkerBook, type BookedWorker, type PayloadExecution } from '../provider/worker-book.ts';
import type { VolunteerProject, VolunteerUsage } from './project.ts';

export class VolunteerSlots implements Provider {
  readonly name: string;
  private readonly book: WorkerBook;
  private readonly placement: Placement;
  private readonly execute: PayloadExecution;

  constructor(
    private readonly sim: Simulation,
    readonly project: VolunteerProject,
  ) {
    this.name = project.name;
    this.book = new WorkerBook(sim, this.name, () => {});
    this.placement = {
      provider: this.name,
      resource: this.name,
      corepower: project.meanCorepower,
      gpuSpeed: 0,
    };
    this.execute = (_worker, payload, finish) => {
      const unit = project.submitWorkUnit(payload, finish);
      return () => unit.cancel();
    };
  }

  get queued(): number {
    return this.book.queued;
  }

  get running(): number {
    return this.book.running;
  }

  /** A worker asking for GPUs ends at once as `missed`: the hosts here have none. */
  submit(request: WorkerRequest, events: WorkerEvents): Worker {
    const worker = this.book.create(request, events);
    if (request.gpus > 0) this.sim.schedule(0, () => this.book.end(worker, 'missed', 'submission-failed'));
    else this.sim.schedule(0, this.start, worker);
    return worker;
  }

  run(worker: Worker, payload: Payload, done: (outcome: PayloadOutcome) => void): void {
    this.book.run(this.book.get(worker, 'run'), payload, done, this.execute);
  }

  /** Releasing or killing a worker that already ended does nothing. */
  release(worker: Worker): void {
    const booked = this.book.find(worker);
    if (booked !== undefined) this.book.release(booked);
  }

  kill(worker: Worker): void {
    const booked = this.book.find(worker);
    if (booked !== undefined) this.book.end(booked, 'cancelled', 'cancelled');
  }

  usage(now: number): VolunteerUsage {
    return this.project.usage(now);
  }

  private readonly start = (worker: BookedWorker): void => {
    if (worker.status === 'submitted') this.book.start(worker, this.placement);
  };
}
