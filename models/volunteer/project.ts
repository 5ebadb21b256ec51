/**
 * A volunteer-computing project at the level where it works: work units, each run as several results on
 * different hosts and accepted when enough valid results agree (BOINC's transitioner, validator and scheduler,
 * BOINC/boinc doc/work.php and doc/backend_programs.php).
 *
 * A work unit gets `replication` results. A result waits in the project's queue until a host that is on, has
 * enough free cores and has never held a result of that unit asks for work; it then computes while its host is
 * on and is suspended (not lost) while the host is off, which is where the long tail of returns comes from.
 * A returned result is invalid with probability `resultErrorRate`. The unit is done when `quorum` valid results
 * are in. New results are created when the quorum can no longer be reached by the results still out
 * (valid + in flight < quorum), after an invalid result or a result not returned within `deadline` of being sent
 * (the server gives up on it and the host abandons it). BOINC's transitioner instead keeps `target_nresults`
 * results alive; the two rules agree when replication = quorum (BOINC's default, 2/2), and with this one a unit
 * needs a re-send from errors exactly when fewer than `quorum` of its first `replication` results are valid.
 * A unit fails when more than `maxErrorResults` results were invalid, or when it needs a result beyond
 * `maxTotalResults`.
 *
 * Once a unit is done its unsent results are dropped and its results in progress run on (BOINC lets them finish
 * and return): their work is redundant. Every core-second a host computes ends up in exactly one of: useful (the
 * first valid result of a validated unit), redundant (the unit's other valid results), error (invalid results),
 * late (results given up at the deadline) and abandoned (results stopped because their unit was cancelled or
 * failed, and the valid results of failed units).
 *
 * Not modelled: the client's work buffer (hosts fetch only what their free cores can start), reporting delays,
 * host churn beyond on/off periods, GPUs. The host process runs for ever: run the simulation to a horizon.
 *
 * Random streams: `volunteer/<name>/hosts` (hosts.ts), `volunteer/<name>/validation` (invalid or not).
 */
import type { EventId, Simulation } from '../../sim/engine.ts';
import type { RandomStreams, Rng } from '../../sim/random.ts';
import { payloadWallTime } from '../provider/payload-time.ts';
import type { Payload, PayloadOutcome, ProviderUsage } from '../provider/worker.ts';
import { VolunteerHosts, type Host } from './hosts.ts';
import { volunteerParams, type VolunteerOptions, type VolunteerParams } from './params.ts';

export interface VolunteerStats {
  workUnits: number;
  validated: number;
  failed: number;
  cancelled: number;
  /** Work units that needed more results than `replication`. */
  resent: number;
  resultsCreated: number;
  resultsValid: number;
  resultsInvalid: number;
  resultsTimedOut: number;
  resultsAborted: number;
}

/** Core-seconds computed by hosts; `wastedCoreSeconds` is everything but the useful part. Volunteers cost 0. */
export interface VolunteerUsage extends ProviderUsage {
  usefulCoreSeconds: number;
  redundantCoreSeconds: number;
  errorCoreSeconds: number;
  lateCoreSeconds: number;
  abandonedCoreSeconds: number;
}

export interface WorkUnitHandle {
  /** Stops the work unit without calling its `done`: unsent results are dropped, results in progress stopped. */
  cancel(): void;
}

interface WorkUnit {
  readonly payload: Payload;
  readonly submittedAt: number;
  readonly done: (outcome: PayloadOutcome) => void;
  /** Results unsent or computing. */
  readonly live: Set<Result>;
  /** Hosts that ever held one of its results. */
  readonly hosts: Set<Host>;
  created: number;
  valid: number;
  invalid: number;
  /** Core-seconds of its valid results; the first one's separately. */
  validCoreSeconds: number;
  firstValidCoreSeconds: number;
  over: boolean;
  resent: boolean;
}

interface Result {
  readonly unit: WorkUnit;
  host?: Host;
  /** Wall seconds of computing left on its host. */
  remaining: number;
  /** Wall seconds computed so far. */
  computed: number;
  resumedAt: number;
  doneEvent?: EventId;
  deadlineEvent?: EventId;
}

/** Per host: what the project has running there. */
interface HostWork {
  freeCores: number;
  readonly results: Set<Result>;
}

export class VolunteerProject {
  readonly name: string;
  readonly params: VolunteerParams;
  readonly stats: VolunteerStats = {
    workUnits: 0,
    validated: 0,
    failed: 0,
    cancelled: 0,
    resent: 0,
    resultsCreated: 0,
    resultsValid: 0,
    resultsInvalid: 0,
    resultsTimedOut: 0,
    resultsAborted: 0,
  };
  readonly hosts: VolunteerHosts;
  private readonly validationRng: Rng;
  private readonly work: HostWork[];
  /** Hosts on with a free core, in the order they became so. */
  private readonly idle = new Set<Host>();
  private readonly unsent = new Set<Result>();
  private readonly maxHostCores: number;
  private useful = 0;
  private redundant = 0;
  private error = 0;
  private late = 0;
  private abandoned = 0;

  constructor(
    private readonly sim: Simulation,
    random: RandomStreams,
    options: VolunteerOptions,
  ) {
    this.params = volunteerParams(options);
    this.name = this.params.name;
    this.validationRng = random.stream(`volunteer/${this.name}/validation`);
    this.hosts = new VolunteerHosts(sim, random.stream(`volunteer/${this.name}/hosts`), this.params, {
      up: (host) => this.hostUp(host),
      down: (host) => this.hostDown(host),
    });
    this.work = this.hosts.hosts.map((host) => ({ freeCores: host.cores, results: new Set() }));
    this.maxHostCores = Math.max(...this.hosts.hosts.map((host) => host.cores));
    for (const host of this.hosts.hosts) if (host.on) this.idle.add(host);
  }

  /** Mean HS06 per core over the hosts, for a placement that stands for the whole project. */
  get meanCorepower(): number {
    const { hosts } = this.hosts;
    return hosts.reduce((sum, host) => sum + host.placement.corepower, 0) / hosts.length;
  }

  /**
   * Submits a work unit for `payload`; `done` is called once, when it is validated (ok, wall time from submission
   * to validation) or fails (cause `payload-error`).
   */
  submitWorkUnit(payload: Payload, done: (outcome: PayloadOutcome) => void): WorkUnitHandle {
    if (payload.gpus > 0 || payload.gpuWork > 0) {
      throw new RangeError(
        `${this.name}: payload ${payload.id} needs GPUs; volunteer hosts here are CPU-only`,
      );
    }
    if (!(payload.cores >= 1 && payload.cores <= this.maxHostCores)) {
      throw new RangeError(
        `${this.name}: payload ${payload.id} needs ${payload.cores} cores; hosts have 1 to ${this.maxHostCores}`,
      );
    }
    const unit: WorkUnit = {
      payload,
      submittedAt: this.sim.now,
      done,
      live: new Set(),
      hosts: new Set(),
      created: 0,
      valid: 0,
      invalid: 0,
      validCoreSeconds: 0,
      firstValidCoreSeconds: 0,
      over: false,
      resent: false,
    };
    this.stats.workUnits++;
    for (let i = 0; i < this.params.replication; i++) this.createResult(unit);
    return { cancel: () => this.stopUnit(unit, 'cancelled') };
  }

  usage(now: number): VolunteerUsage {
    let running = 0;
    this.hosts.hosts.forEach((host, i) => {
      for (const result of this.work[i].results) {
        const computed = result.computed + (host.on ? now - result.resumedAt : 0);
        running += computed * result.unit.payload.cores;
      }
    });
    const ended = this.useful + this.redundant + this.error + this.late + this.abandoned;
    return {
      coreSeconds: ended + running,
      gpuSeconds: 0,
      wastedCoreSeconds: ended - this.useful,
      wastedGpuSeconds: 0,
      cost: 0,
      usefulCoreSeconds: this.useful,
      redundantCoreSeconds: this.redundant,
      errorCoreSeconds: this.error,
      lateCoreSeconds: this.late,
      abandonedCoreSeconds: this.abandoned,
    };
  }

  // Results: creation, sending, computing, return.

  private createResult(unit: WorkUnit): void {
    const result: Result = { unit, remaining: 0, computed: 0, resumedAt: 0 };
    unit.live.add(result);
    unit.created++;
    this.stats.resultsCreated++;
    this.unsent.add(result);
    for (const host of this.idle) {
      if (this.canTake(host, result)) {
        this.send(result, host);
        return;
      }
    }
  }

  private canTake(host: Host, result: Result): boolean {
    return result.unit.payload.cores <= this.work[host.id].freeCores && !result.unit.hosts.has(host);
  }

  private send(result: Result, host: Host): void {
    const work = this.work[host.id];
    this.unsent.delete(result);
    result.host = host;
    result.unit.hosts.add(host);
    work.results.add(result);
    work.freeCores -= result.unit.payload.cores;
    if (work.freeCores === 0) this.idle.delete(host);
    result.remaining = payloadWallTime(result.unit.payload, host.placement);
    result.resumedAt = this.sim.now;
    result.doneEvent = this.sim.schedule(result.remaining, this.returned, result);
    if (Number.isFinite(this.params.deadline)) {
      result.deadlineEvent = this.sim.schedule(this.params.deadline, this.deadlinePassed, result);
    }
  }

  /** A host asks for work for its free cores: unsent results in order, those it may take. */
  private fetch(host: Host): void {
    const work = this.work[host.id];
    for (const result of this.unsent) {
      if (work.freeCores === 0) return;
      if (this.canTake(host, result)) this.send(result, host);
    }
  }

  private hostUp(host: Host): void {
    const work = this.work[host.id];
    for (const result of work.results) {
      result.resumedAt = this.sim.now;
      result.doneEvent = this.sim.schedule(result.remaining, this.returned, result);
    }
    if (work.freeCores > 0) {
      this.idle.add(host);
      this.fetch(host);
    }
  }

  private hostDown(host: Host): void {
    this.idle.delete(host);
    for (const result of this.work[host.id].results) {
      const elapsed = this.sim.now - result.resumedAt;
      result.computed += elapsed;
      result.remaining = Math.max(0, result.remaining - elapsed);
      this.sim.cancel(result.doneEvent!);
      result.doneEvent = undefined;
    }
  }

  /** Takes a sent result off its host, its computing up to now counted; returns its core-seconds. */
  private detach(result: Result): number {
    const host = result.host!;
    const work = this.work[host.id];
    if (result.doneEvent !== undefined) {
      this.sim.cancel(result.doneEvent);
      result.doneEvent = undefined;
      result.computed += this.sim.now - result.resumedAt;
    }
    if (result.deadlineEvent !== undefined) {
      this.sim.cancel(result.deadlineEvent);
      result.deadlineEvent = undefined;
    }
    work.results.delete(result);
    work.freeCores += result.unit.payload.cores;
    result.unit.live.delete(result);
    return result.computed * result.unit.payload.cores;
  }

  /** The host is free again: back among the idle hosts, and it asks for more work. */
  private hostFreed(host: Host): void {
    if (!host.on) return;
    this.idle.add(host);
    this.fetch(host);
  }

  private readonly returned = (result: Result): void => {
    result.doneEvent = undefined;
    result.computed += this.sim.now - result.resumedAt;
    const coreSeconds = this.detach(result);
    const unit = result.unit;
    const valid = this.validationRng.next() >= this.params.resultErrorRate;
    if (valid) this.stats.resultsValid++;
    else this.stats.resultsInvalid++;
    if (!valid) this.error += coreSeconds;
    else if (unit.over) this.redundant += coreSeconds;
    else {
      if (unit.valid === 0) unit.firstValidCoreSeconds = coreSeconds;
      unit.valid++;
      unit.validCoreSeconds += coreSeconds;
    }
    if (!unit.over) {
      if (!valid) unit.invalid++;
      if (unit.valid >= this.params.quorum) this.validate(unit);
      else if (unit.invalid > this.params.maxErrorResults) this.stopUnit(unit, 'failed');
      else this.replenish(unit);
    }
    this.hostFreed(result.host!);
  };

  private readonly deadlinePassed = (result: Result): void => {
    result.deadlineEvent = undefined;
    this.stats.resultsTimedOut++;
    this.late += this.detach(result);
    if (!result.unit.over) this.replenish(result.unit);
    this.hostFreed(result.host!);
  };

  /** Creates results while the quorum is out of reach of the valid results plus those still out. */
  private replenish(unit: WorkUnit): void {
    while (unit.valid + unit.live.size < this.params.quorum) {
      if (unit.created >= this.params.maxTotalResults) {
        this.stopUnit(unit, 'failed');
        return;
      }
      if (!unit.resent) {
        unit.resent = true;
        this.stats.resent++;
      }
      this.createResult(unit);
    }
  }

  // Work-unit ends.

  private validate(unit: WorkUnit): void {
    unit.over = true;
    this.stats.validated++;
    this.useful += unit.firstValidCoreSeconds;
    this.redundant += unit.validCoreSeconds - unit.firstValidCoreSeconds;
    for (const result of [...unit.live]) {
      if (result.host === undefined) this.dropUnsent(result);
    }
    unit.done({ ok: true, wallTime: this.sim.now - unit.submittedAt });
  }

  /** Cancelled by its owner or failed: every result still out is stopped, the work done so far abandoned. */
  private stopUnit(unit: WorkUnit, how: 'cancelled' | 'failed'): void {
    if (unit.over) return;
    unit.over = true;
    this.stats[how]++;
    this.abandoned += unit.validCoreSeconds;
    for (const result of [...unit.live]) {
      if (result.host === undefined) {
        this.dropUnsent(result);
        continue;
      }
      this.stats.resultsAborted++;
      this.abandoned += this.detach(result);
      this.hostFreed(result.host);
    }
    if (how === 'failed') {
      unit.done({ ok: false, wallTime: this.sim.now - unit.submittedAt, cause: 'payload-error' });
    }
  }

  private dropUnsent(result: Result): void {
    this.unsent.delete(result);
    result.unit.live.delete(result);
    this.stats.resultsAborted++;
  }
}
