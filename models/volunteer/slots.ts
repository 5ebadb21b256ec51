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
import { RuntimeProvider } from '../provider/runtime-provider.ts';
import type {
  Payload,
  PayloadOutcome,
  Placement,
  Worker,
  WorkerEvents,
  WorkerRequest,
} from '../provider/worker.ts';
import { ProviderWorker, WorkerRuntime } from '../provider/worker-runtime.ts';
import type { VolunteerProject, VolunteerUsage } from './project.ts';

export class VolunteerSlots extends RuntimeProvider<ProviderWorker> {
  readonly name: string;
  protected readonly runtime: WorkerRuntime<ProviderWorker>;
  private readonly placement: Placement;

  constructor(
    private readonly sim: Simulation,
    readonly project: VolunteerProject,
  ) {
    super();
    this.name = project.name;
    // Slots hold no resource of their own: nothing to free when one ends.
    this.runtime = new WorkerRuntime(sim, this.name, ProviderWorker, () => {});
    this.placement = {
      provider: this.name,
      resource: this.name,
      corepower: project.meanCorepower,
      gpuSpeed: 0,
    };
  }

  /** A worker asking for GPUs ends at once as `missed`: the hosts here have none. */
  submit(request: WorkerRequest, events: WorkerEvents): Worker {
    const worker = this.runtime.create(request, events);
    if (request.gpus > 0) this.runtime.refuse(worker, `${this.name}: volunteer hosts have no GPUs`);
    else this.runtime.timer(worker, this.sim.now, this.start);
    return worker;
  }

  override run(worker: Worker, payload: Payload, done: (outcome: PayloadOutcome) => void): void {
    this.runtime.runDelegated(this.runtime.own(worker, 'run'), payload, done, (finish) => {
      const unit = this.project.submitWorkUnit(payload, finish);
      return () => unit.cancel();
    });
  }

  override usage(now: number): VolunteerUsage {
    return this.project.usage(now);
  }

  private readonly start = (worker: ProviderWorker): void => {
    this.runtime.start(worker, this.placement);
    this.runtime.accept(worker);
  };
}
