/**
 * Moves a workflow's data between storage endpoints over the shared network: Rucio/FTS third-party copies as
 * plain flows between grid storages, Globus Transfer tasks whenever an LCF or Globus Compute endpoint is at
 * either end (the seed: "Globus moves data" to and from the LCF). Every byte moved is counted by link class —
 * `lan` (same site), `wan-region` (same region), `wan-inter` (between regions) — and every transfer's time
 * from request to arrival is kept for the transfer-time distribution.
 *
 * Shared inputs (a trained model, a parameterisation) are moved once per destination: a second request for
 * the same item waits for the first copy instead of starting another — the replica Rucio would find there.
 */
import type { Simulation } from '../../sim/engine.ts';
import type { FlowNetwork } from '../network/flow-network.ts';
import type { GlobusTransferService } from '../globus/transfer-service.ts';
import type { DestinationStorage } from '../globus/transfer-task.ts';
import { Reservoir } from '../../sim/stats/reservoir.ts';
import { InvariantViolation } from '../../sim/invariant.ts';

export type LinkClass = 'lan' | 'wan-region' | 'wan-inter';

export interface StorageLocation {
  /** Network endpoint (RSE) name. */
  readonly endpoint: string;
  readonly site: string;
  readonly region: string;
  /** An LCF/Globus endpoint: transfers to or from it go through Globus Transfer. */
  readonly globus: boolean;
}

export type TransferDone = (ok: boolean) => void;

export interface DataMoverOptions {
  readonly network: FlowNetwork;
  readonly globus: GlobusTransferService;
  readonly locations: readonly StorageLocation[];
  /** Attempts of a failed copy before the data counts as lost (Rucio's rule retries; FTS retries 3 [R]). */
  readonly maxAttempts?: number;
  /** Where the times of completed copies go (default: a sample that keeps them all). */
  readonly transferTimes?: Reservoir;
}

/**
 * The Globus identity the workflow's copies run as; its per-user task limits apply to them all. One job's input
 * or output is one file, sent as a task of its own [E].
 */
const GLOBUS_USER = 'workflow';

/** A full storage as a Globus destination: it refuses every file. */
const REFUSING: DestinationStorage = { reserve: () => false, commit: () => {}, release: () => {} };

export class DataMover {
  readonly bytesMoved: Record<LinkClass, number> = { lan: 0, 'wan-region': 0, 'wan-inter': 0 };
  /** Seconds from request to arrival of the completed copies (a sample of them, when the owner bounds it). */
  readonly transferSample: Reservoir;
  transfersFailed = 0;
  /** Copy attempts that failed, retried or not. */
  attemptsFailed = 0;
  /** Endpoints whose storage refuses writes (a scenario fault: full), with the number of faults saying so. */
  private readonly full = new Map<string, number>();
  private readonly locations = new Map<string, StorageLocation>();
  private readonly shared = new Map<string, { done: boolean; ok: boolean; waiting: TransferDone[] }>();
  private readonly maxAttempts: number;
  private nextFile = 1;
  /** Bytes of the copies asked for, of those that failed every attempt, and of those still under way. */
  private bytesRequested = 0;
  private bytesFailed = 0;
  private bytesInFlight = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly options: DataMoverOptions,
  ) {
    for (const l of options.locations) this.locations.set(l.endpoint, l);
    this.maxAttempts = options.maxAttempts ?? 3;
    // Unbounded, the sample never draws: any source of numbers will do.
    this.transferSample = options.transferTimes ?? new Reservoir(Number.POSITIVE_INFINITY, { next: () => 0 });
  }

  /** Seconds from request to arrival of the completed copies kept in the sample, in the order kept. */
  get transferTimes(): readonly number[] {
    return this.transferSample.values;
  }

  /** Throws unless every byte asked for has arrived, failed for good, or is still under way. */
  checkInvariants(): void {
    const moved = this.bytesMoved.lan + this.bytesMoved['wan-region'] + this.bytesMoved['wan-inter'];
    const accounted = moved + this.bytesFailed + this.bytesInFlight;
    if (
      Math.abs(accounted - this.bytesRequested) > 1e-9 * Math.max(1, this.bytesRequested) ||
      this.bytesInFlight < 0
    ) {
      throw new Error(
        `data mover: ${this.bytesRequested} bytes asked for, ${moved} moved + ${this.bytesFailed} failed + ` +
          `${this.bytesInFlight} under way`,
      );
    }
  }

  location(endpoint: string): StorageLocation {
    const l = this.locations.get(endpoint);
    if (l === undefined) throw new Error(`data mover: no storage endpoint ${endpoint}`);
    return l;
  }

  /**
   * The endpoint's storage is full until the returned function is called: every copy to it fails — a Globus
   * task when its file reserves space (FAILED, 'storage-full'), an FTS copy at once — and is retried as usual.
   */
  refuseWrites(endpoint: string): () => void {
    this.location(endpoint);
    this.full.set(endpoint, (this.full.get(endpoint) ?? 0) + 1);
    return () => {
      const n = this.full.get(endpoint) ?? 0;
      if (n <= 1) this.full.delete(endpoint);
      else this.full.set(endpoint, n - 1);
    };
  }

  /** Copies `bytes` from one endpoint to another; `done(ok)` runs once, never synchronously. */
  move(from: string, to: string, bytes: number, done: TransferDone): void {
    const src = this.location(from);
    const dst = this.location(to);
    const requested = this.sim.now;
    if (from === to || bytes === 0) {
      this.sim.schedule(0, () => done(true));
      return;
    }
    this.bytesRequested += bytes;
    this.bytesInFlight += bytes;
    let settled = false;
    const settle = (ok: boolean) => {
      // A copy's end reported twice would count its bytes twice: the run's invariants stop it here, where it
      // happens, rather than at the next check (whose byte balance moves with it and cannot see it).
      if (settled) {
        throw new InvariantViolation(
          'data mover',
          this.sim.now,
          `data mover: the copy ${from}→${to} of ${bytes} bytes ended twice`,
        );
      }
      settled = true;
      this.bytesInFlight -= bytes;
      if (ok) {
        this.bytesMoved[linkClass(src, dst)] += bytes;
        this.transferSample.add(this.sim.now - requested);
      } else {
        this.bytesFailed += bytes;
        this.transfersFailed++;
      }
      done(ok);
    };
    const attempt = (n: number) =>
      this.copy(src, dst, bytes, (ok) => {
        if (!ok) this.attemptsFailed++;
        if (ok || n >= this.maxAttempts) settle(ok);
        else attempt(n + 1);
      });
    attempt(1);
  }

  /**
   * Like `move`, once per (`key`, destination): later requests wait for the first copy's outcome. `copied`
   * tells the request whose copy it was (its bytes moved; the others found the replica).
   */
  moveShared(
    key: string,
    from: string,
    to: string,
    bytes: number,
    done: (ok: boolean, copied: boolean) => void,
  ): void {
    const id = `${key}\u0000${to}`;
    const entry = this.shared.get(id);
    if (entry !== undefined) {
      if (entry.done) this.sim.schedule(0, () => done(entry.ok, false));
      else entry.waiting.push((ok) => done(ok, false));
      return;
    }
    const fresh = { done: false, ok: false, waiting: [] as TransferDone[] };
    this.shared.set(id, fresh);
    this.move(from, to, bytes, (ok) => {
      fresh.done = true;
      fresh.ok = ok;
      // A failed copy is forgotten so that the next request tries again.
      if (!ok) this.shared.delete(id);
      done(ok, true);
      for (const waiter of fresh.waiting.splice(0)) waiter(ok);
    });
  }

  private copy(src: StorageLocation, dst: StorageLocation, bytes: number, done: TransferDone): void {
    const full = this.full.has(dst.endpoint);
    if (src.globus || dst.globus) {
      const file = { name: `f${this.nextFile++}`, bytes };
      const result = this.options.globus.submit({
        user: GLOBUS_USER,
        source: src.endpoint,
        destination: dst.endpoint,
        files: [file],
        syncLevel: 'checksum',
        onEnd: (task) => done(task.status === 'SUCCEEDED'),
        ...(full ? { storage: REFUSING } : {}),
      });
      // Over the per-user pending limit Globus refuses the task: the client retries a minute later.
      if (!result.accepted) this.sim.schedule(60, () => this.copy(src, dst, bytes, done));
      return;
    }
    if (full) {
      this.sim.schedule(0, () => done(false));
      return;
    }
    this.options.network.start(src.endpoint, dst.endpoint, bytes, (flow) => done(flow.state === 'done'));
  }
}

export function linkClass(a: StorageLocation, b: StorageLocation): LinkClass {
  if (a.site === b.site) return 'lan';
  return a.region === b.region ? 'wan-region' : 'wan-inter';
}
