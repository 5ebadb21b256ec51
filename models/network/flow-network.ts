/**
 * Transfers as flows over the topology's links, sharing bandwidth at max-min fair rates (sim/maxmin.ts),
 * recomputed whenever a flow starts or ends or a link's capacity changes.
 *
 * A flow of B bytes waits its route's latency once (the connection set-up and the first bytes in flight),
 * then joins the fair-share network and completes when its remaining bytes reach 0. Between rate changes a
 * flow's progress is linear, so each flow keeps (remaining bytes, rate, time of the last change): on every
 * change of its rate the bytes moved since are subtracted and its completion event is cancelled and
 * rescheduled at remaining / rate, except when it slowed down: then the earlier event stays and re-arms
 * itself when it fires. That halves the cancellations (a start slows its component down, an end speeds it
 * up), and cancelled events left in the heap had cost as much as the sharing itself (1000 concurrent flows
 * in one component: 1,100 → 2,400 flow ends per second). Only the flows the kernel reports as changed are
 * touched, so a start or an end costs the size of its connected component, not of the network. A flow at
 * rate 0 (a cut link) has no completion event and resumes when a capacity change gives it a rate again.
 *
 * Bytes are accounted per link: a link carries every byte of every flow crossing it, so a flow of B bytes
 * over a route with two 'access' links and one 'transatlantic' link adds 2B to 'access' and B to
 * 'transatlantic'. Aborted flows count the bytes they moved before the abort on their links (wasted work),
 * but not as delivered.
 */
import type { Simulation } from '../../sim/engine.ts';
import { FairShareNetwork } from '../../sim/maxmin.ts';
import type { Route, Topology } from './topology.ts';

export type FlowState = 'latency' | 'active' | 'done' | 'aborted';

/** What a caller sees of a flow. */
export interface Flow {
  readonly src: string;
  readonly dst: string;
  readonly bytes: number;
  /** When the flow was started (before its latency). */
  readonly startTime: number;
  /** When it completed or was aborted; NaN before. */
  readonly endTime: number;
  readonly state: FlowState;
  /** Current rate, bytes/s (0 while in latency or stalled). */
  readonly rate: number;
}

export interface FlowOptions {
  /** The flow's own rate limit, bytes/s (a TCP window over the RTT, a per-transfer limit). */
  cap?: number;
  /** Weighted max-min share: a flow of weight w gets w times the share of a weight-1 flow (e.g. TCP streams). */
  weight?: number;
  /**
   * A fault: the flow breaks once it has moved this many bytes (< bytes). It then ends 'aborted', its callback
   * runs, and the bytes it moved count as wasted.
   */
  interruptAfter?: number;
}

export type FlowCallback = (flow: Flow) => void;

class FlowRecord implements Flow {
  state: FlowState = 'latency';
  endTime = NaN;
  rate = 0;
  /** Bytes to move before ending: `bytes`, or fewer for a flow that is to break. */
  readonly toMove: number;
  remaining: number;
  lastUpdate: number;
  /** Kernel flow id while active, else -1; kernel ids are reused, so it is cleared at the end. */
  fairId = -1;
  /** Pending latency or completion event, else -1. */
  event = -1;
  /** Time of the pending completion event (Infinity if none); it may precede the flow's true completion. */
  due = Infinity;

  constructor(
    readonly src: string,
    readonly dst: string,
    readonly bytes: number,
    readonly startTime: number,
    readonly route: Route,
    readonly cap: number,
    readonly weight: number,
    readonly onDone: FlowCallback,
    interruptAfter: number,
  ) {
    this.toMove = Math.min(bytes, interruptAfter);
    this.remaining = this.toMove;
    this.lastUpdate = startTime;
  }
}

export interface FlowTotals {
  flowsStarted: number;
  flowsCompleted: number;
  flowsAborted: number;
  /** Bytes of all flows started. */
  bytesRequested: number;
  /** Bytes of the flows that completed. */
  bytesDelivered: number;
  /** Bytes aborted or interrupted flows had moved before they ended. */
  bytesWasted: number;
}

export class FlowNetwork {
  private readonly fair = new FairShareNetwork();
  /** Active flows by kernel flow id. */
  private readonly active: (FlowRecord | undefined)[] = [];
  /** Bytes carried by each link, from flows that ended. */
  private readonly carried: Float64Array;
  private readonly nominal: Float64Array;
  private readonly stats: FlowTotals = {
    flowsStarted: 0,
    flowsCompleted: 0,
    flowsAborted: 0,
    bytesRequested: 0,
    bytesDelivered: 0,
    bytesWasted: 0,
  };
  /** Bytes of the flows started and not yet ended, for the conservation check. */
  private bytesLive = 0;
  /** Bytes of the aborted and interrupted flows, moved or not. */
  private bytesOfAborted = 0;
  private readonly beginCallback = (r: FlowRecord): void => this.begin(r);
  private readonly finishCallback = (r: FlowRecord): void => this.finish(r);

  constructor(
    private readonly sim: Simulation,
    readonly topology: Topology,
  ) {
    const links = topology.links;
    this.carried = new Float64Array(links.length);
    this.nominal = new Float64Array(links.length);
    links.forEach((l, i) => {
      this.fair.addLink(l.capacity);
      this.nominal[i] = l.capacity;
    });
  }

  get totals(): Readonly<FlowTotals> {
    return this.stats;
  }

  /** Flows started and not yet ended (in latency or active). */
  get liveFlows(): number {
    return this.stats.flowsStarted - this.stats.flowsCompleted - this.stats.flowsAborted;
  }

  /**
   * Starts moving `bytes` from endpoint `src` to `dst`; `onDone(flow)` runs when the last byte has arrived, or
   * when the flow breaks as `interruptAfter` asks (never synchronously inside `start`, never after `abort`).
   */
  start(src: string, dst: string, bytes: number, onDone: FlowCallback, options: FlowOptions = {}): Flow {
    if (!(bytes >= 0 && bytes < Infinity))
      throw new RangeError(`flow bytes must be finite and >= 0, got ${bytes}`);
    const route = this.topology.route(src, dst);
    const cap = options.cap ?? Infinity;
    const weight = options.weight ?? 1;
    if (!(cap > 0)) throw new RangeError(`flow cap must be > 0, got ${cap}`);
    const interruptAfter = options.interruptAfter ?? Infinity;
    if (!(interruptAfter >= 0)) throw new RangeError(`interruptAfter must be >= 0, got ${interruptAfter}`);
    const r = new FlowRecord(src, dst, bytes, this.sim.now, route, cap, weight, onDone, interruptAfter);
    this.stats.flowsStarted++;
    this.stats.bytesRequested += bytes;
    this.bytesLive += bytes;
    r.event = this.sim.schedule(route.latency, this.beginCallback, r);
    return r;
  }

  /** Stops a flow that has not ended; the bytes it moved so far stay counted on its links. */
  abort(flow: Flow): void {
    const r = flow as FlowRecord;
    if (r.state === 'done' || r.state === 'aborted') throw new Error('abort: the flow has already ended');
    if (r.event >= 0) this.sim.cancel(r.event);
    r.event = -1;
    r.due = Infinity;
    if (r.state === 'active') {
      this.advance(r);
      this.leave(r);
    }
    this.endAborted(r, r.toMove - r.remaining);
  }

  /** Bytes the flow still has to move, as of now. */
  remaining(flow: Flow): number {
    const r = flow as FlowRecord;
    if (r.state !== 'active') return r.remaining;
    const left = r.remaining - r.rate * (this.sim.now - r.lastUpdate);
    return left > 0 ? left : 0;
  }

  /** Changes a link's capacity now (0 cuts it); the flows crossing it speed up, slow down or stall. */
  setLinkCapacity(link: string | number, capacity: number): void {
    const l = typeof link === 'number' ? link : this.topology.link(link);
    this.update(this.fair.setCapacity(l, capacity));
  }

  linkCapacity(link: string | number): number {
    return this.fair.linkCapacity(typeof link === 'number' ? link : this.topology.link(link));
  }

  /** The capacity the topology gave the link, which faults scale and restores return to. */
  nominalCapacity(link: string | number): number {
    return this.nominal[typeof link === 'number' ? link : this.topology.link(link)];
  }

  /** Sum of the current rates of the flows crossing a link, bytes/s. */
  linkLoad(link: string | number): number {
    return this.fair.linkLoad(typeof link === 'number' ? link : this.topology.link(link));
  }

  /** Bytes each link has carried so far (indexed like `topology.links`), live flows' progress included. */
  carriedBytes(): Float64Array {
    const out = this.carried.slice();
    for (const r of this.active) {
      if (r === undefined) continue;
      const moved = r.toMove - this.remaining(r);
      for (const l of r.route.links) out[l] += moved;
    }
    return out;
  }

  /** Flows crossing a link now (active ones, stalled or not; those still in their latency are not counted). */
  flowsCrossing(link: string | number): number {
    const l = typeof link === 'number' ? link : this.topology.link(link);
    let n = 0;
    for (const r of this.active) if (r !== undefined && r.route.links.includes(l)) n++;
    return n;
  }

  /** Bytes carried so far by the links of each class. */
  bytesByLinkClass(): Record<string, number> {
    const carried = this.carriedBytes();
    const out: Record<string, number> = {};
    this.topology.links.forEach((link, l) => {
      out[link.linkClass] = (out[link.linkClass] ?? 0) + carried[l];
    });
    return out;
  }

  /**
   * Throws unless every link carries at most its capacity (max-min never over-allocates; a relative 1e-9 for
   * the rounding of the progressive filling), every active flow has between 0 and its bytes left, and bytes are
   * conserved: requested = delivered + those of ended-early flows + those of live flows, the live ones at least
   * those of the active flows (the rest are in their latency), with no more wasted than the ended-early flows
   * held.
   */
  checkInvariants(): void {
    const links = this.topology.links;
    for (let l = 0; l < links.length; l++) {
      const load = this.fair.linkLoad(l);
      const capacity = this.fair.linkCapacity(l);
      if (!(load <= capacity * (1 + 1e-9) + 1e-6)) {
        throw new Error(`link ${links[l].name}: flows at ${load} B/s on a capacity of ${capacity} B/s`);
      }
    }
    let activeBytes = 0;
    for (const r of this.active) {
      if (r === undefined) continue;
      activeBytes += r.bytes;
      const left = this.remaining(r);
      if (!(left >= 0 && left <= r.toMove && r.toMove <= r.bytes && r.rate >= 0)) {
        throw new Error(`flow ${r.src}→${r.dst}: ${left} of ${r.toMove} bytes left at ${r.rate} B/s`);
      }
    }
    const { bytesRequested, bytesDelivered, bytesWasted } = this.stats;
    const accounted = bytesDelivered + this.bytesOfAborted + this.bytesLive;
    const rounding = 1e-9 * Math.max(1, bytesRequested);
    if (Math.abs(bytesRequested - accounted) > rounding || this.bytesLive < activeBytes - rounding) {
      throw new Error(
        `bytes not conserved: ${bytesRequested} requested, ${bytesDelivered} delivered + ` +
          `${this.bytesOfAborted} in flows ended early + ${this.bytesLive} in live flows ` +
          `(${activeBytes} of them in active flows)`,
      );
    }
    if (bytesWasted > this.bytesOfAborted * (1 + 1e-12)) {
      throw new Error(
        `${bytesWasted} bytes wasted, more than the ${this.bytesOfAborted} of the flows ended early`,
      );
    }
  }

  private begin(r: FlowRecord): void {
    r.event = -1;
    r.state = 'active';
    r.lastUpdate = this.sim.now;
    const { id, changed } = this.fair.addFlow(r.route.links, r.cap, r.weight);
    r.fairId = id;
    this.active[id] = r;
    this.update(changed);
    this.setRate(r, this.fair.rate(id));
  }

  private finish(r: FlowRecord): void {
    r.event = -1;
    r.due = Infinity;
    this.advance(r);
    if (r.remaining > 0) {
      // The flow slowed down since this event was set. Stalled, it waits for a capacity change to re-arm it;
      // otherwise it re-arms at its true completion, unless that is now to within the clock's resolution (the
      // remainder is rounding).
      if (r.rate === 0) return;
      const due = this.sim.now + r.remaining / r.rate;
      if (due > this.sim.now) {
        this.arm(r, due);
        return;
      }
    }
    r.remaining = 0;
    this.leave(r);
    if (r.toMove < r.bytes) {
      this.endAborted(r, r.toMove);
    } else {
      this.stats.flowsCompleted++;
      this.stats.bytesDelivered += r.bytes;
      this.bytesLive -= r.bytes;
      r.state = 'done';
      r.endTime = this.sim.now;
      r.rate = 0;
      this.account(r, r.bytes);
    }
    r.onDone(r);
  }

  private endAborted(r: FlowRecord, moved: number): void {
    this.stats.flowsAborted++;
    this.stats.bytesWasted += moved;
    this.bytesLive -= r.bytes;
    this.bytesOfAborted += r.bytes;
    r.state = 'aborted';
    r.endTime = this.sim.now;
    r.rate = 0;
    this.account(r, moved);
  }

  /** Takes an active flow out of the kernel and re-rates the flows that shared its links. */
  private leave(r: FlowRecord): void {
    const id = r.fairId;
    this.active[id] = undefined;
    r.fairId = -1;
    this.update(this.fair.removeFlow(id));
  }

  private update(changed: readonly number[]): void {
    for (const id of changed) {
      const r = this.active[id] as FlowRecord;
      this.advance(r);
      this.setRate(r, this.fair.rate(id));
    }
  }

  /** Brings `remaining` up to now at the current rate. */
  private advance(r: FlowRecord): void {
    const now = this.sim.now;
    if (now > r.lastUpdate && r.rate > 0) {
      r.remaining -= r.rate * (now - r.lastUpdate);
      if (r.remaining < 0) r.remaining = 0;
    }
    r.lastUpdate = now;
  }

  /**
   * Sets an up-to-date flow's rate and reschedules its completion (cancel + schedule). A flow that slowed down
   * keeps its earlier event, which re-arms itself when it fires (`finish`): starts slow flows down, so this
   * saves a cancellation per flow re-rated by a start. A stalled flow has no event.
   */
  private setRate(r: FlowRecord, rate: number): void {
    r.rate = rate;
    const now = this.sim.now;
    // remaining 0 means the completion was due now (rounding): complete even if the rate just dropped to 0.
    const due = r.remaining === 0 ? now : rate > 0 ? now + r.remaining / rate : Infinity;
    if (r.event >= 0) {
      if (due >= r.due) return;
      this.sim.cancel(r.event);
      r.event = -1;
      r.due = Infinity;
    }
    if (due < Infinity) this.arm(r, due);
  }

  private arm(r: FlowRecord, due: number): void {
    r.due = due;
    r.event = this.sim.at(due, this.finishCallback, r);
  }

  private account(r: FlowRecord, moved: number): void {
    for (const l of r.route.links) this.carried[l] += moved;
  }
}
