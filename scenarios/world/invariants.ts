/**
 * The run's invariants (issue #9), checked while it runs: a violation stops it with an InvariantViolation that
 * says what broke and when. They are
 *
 *   - every live job in exactly one state, the counts per queue × share × state equal to a recount of the jobs,
 *     every attempt ever inserted either ended or live (PandaServer.checkInvariants);
 *   - no provider's workers holding more cores or GPUs than the resource has, nor fewer than none;
 *   - no link carrying more than its capacity, and bytes conserved by the network and by the data mover;
 *   - simulated time never going backwards (checked by the kernel on every event, sim/engine.ts);
 *   - at the end, per job class, created = finished + failed + cancelled + live.
 *
 * The full check walks every live job, so it runs once the events since the previous check reach
 * `CHECK_EVENTS_PER_LIVE_JOB` per live job: checking then costs a bounded share of the event work, whatever the
 * size of the run (on ATLAS-month's steady state, ~120k live jobs and ~550k events per simulated hour, about
 * one check every two simulated hours; on a small scenario, every sample).
 */
import type { Simulation } from '../../sim/engine.ts';
import { InvariantViolation, checkInvariant } from '../../sim/invariant.ts';
import type { DataMover } from '../../models/data/mover.ts';
import type { FlowNetwork } from '../../models/network/flow-network.ts';
import type { PandaServer } from '../../models/server/panda-server.ts';
import type { JobClassSummary } from '../../reports/summary.ts';
import type { ResourceInfo } from './catalog.ts';
import type { RunMetrics } from './metrics.ts';

/** Events between two full checks, per live job (a check costs about one event's work per live job). */
export const CHECK_EVENTS_PER_LIVE_JOB = 8;
/** ...and at least this many, so a small run is not checked after every handful of events. */
export const CHECK_EVENTS_MIN = 10_000;

export interface InvariantSubjects {
  readonly sim: Simulation;
  readonly server: PandaServer;
  readonly network: FlowNetwork;
  readonly mover: DataMover;
  readonly metrics: RunMetrics;
  readonly resources: readonly ResourceInfo[];
  /** What each resource's provider holds now, by resource name (resources without a provider of their own, such as a Globus Compute endpoint on an LCF's nodes, are left out). */
  readonly providers: ReadonlyMap<
    string,
    { readonly inUse: { readonly cores: number; readonly gpus: number } }
  >;
}

const within = (used: number, capacity: number) => used >= 0 && used <= capacity;

export class RunInvariants {
  private eventsAtCheck = 0;
  /** Full checks run so far (tests and the summary can tell the invariants were looked at). */
  checks = 0;

  constructor(private readonly subjects: InvariantSubjects) {}

  /** Runs the full check when enough events have passed since the last one (see the module comment). */
  maybeCheck(): void {
    const { sim, server } = this.subjects;
    const due = Math.max(CHECK_EVENTS_MIN, CHECK_EVENTS_PER_LIVE_JOB * server.size);
    if (sim.eventsProcessed - this.eventsAtCheck >= due) this.checkAll();
  }

  /** Every invariant that holds at any moment of the run. */
  checkAll(): void {
    const { sim, server, network, mover, metrics, resources, providers } = this.subjects;
    const now = sim.now;
    this.eventsAtCheck = sim.eventsProcessed;
    this.checks++;
    checkInvariant('job table', now, () => server.checkInvariants());
    checkInvariant('network', now, () => network.checkInvariants());
    checkInvariant('data mover', now, () => mover.checkInvariants());
    for (const r of resources) {
      // What the providers' workers hold: PanDA's view (jobs running in the table) can exceed it for a while,
      // as a job whose pilot died stays running until its heartbeat times out.
      const held = providers.get(r.name)?.inUse;
      if (held !== undefined && !(within(held.cores, r.cores) && within(held.gpus, r.gpus))) {
        throw new InvariantViolation(
          'resource capacity',
          now,
          `${r.name}: workers hold ${held.cores} of ${r.cores} cores and ${held.gpus} of ${r.gpus} GPUs`,
        );
      }
      const counted = metrics.resource(r.name);
      if (!(counted.running >= 0 && counted.coresBusy >= 0 && counted.gpusBusy >= 0)) {
        throw new InvariantViolation(
          'job accounting',
          now,
          `${r.name}: ${counted.running} jobs running on ${counted.coresBusy} cores and ${counted.gpusBusy} GPUs`,
        );
      }
    }
  }

  /** At the end of the run: every job class's jobs are accounted for. */
  checkTotals(jobClasses: readonly JobClassSummary[]): void {
    for (const c of jobClasses) {
      const { created, finished, failed, cancelled, live } = c.counts;
      if (created !== finished + failed + cancelled + live) {
        throw new InvariantViolation(
          'job totals',
          this.subjects.sim.now,
          `${c.name}: ${created} created ≠ ${finished} finished + ${failed} failed + ` +
            `${cancelled} cancelled + ${live} live`,
        );
      }
    }
  }
}
