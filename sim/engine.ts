/**
 * The clock and the pending-event set.
 *
 * Events are callbacks with one argument, ordered by (time, sequence number): equal times run in the order
 * they were scheduled, so a run is reproducible whatever the heap does internally. The heap stores the times
 * in one typed array interleaved with the slot of each event, so sifting touches flat memory only; the sequence
 * numbers, callbacks and arguments live in slot-indexed arrays (sequence numbers are read only to break ties),
 * and slots are reused, so the hot path allocates nothing per event. What is read together sits together
 * (callback beside argument, sequence beside generation): with a large pending set each array read of a slot
 * is a cache miss.
 * Cancelling marks the slot and the event is skipped when it surfaces (cheaper than removing from the middle).
 *
 * Most events schedule one more event (a job's completion schedules the next job's). So `step` leaves the
 * event it runs at the root while its callback runs: the first event the callback schedules replaces the root
 * and sifts down once, instead of a removal and an insertion each sifting through the heap.
 */

import { InvariantViolation } from './invariant.ts';

export type EventCallback<A> = (arg: A) => void;

/** Identifies a scheduled event for `cancel`. Encodes the slot and its generation, so a stale id is harmless. */
export type EventId = number;

const SLOT_BITS = 2 ** 26;
const GENERATION_LIMIT = 2 ** 26;
const INITIAL_CAPACITY = 1024;

export class Simulation {
  /** Simulated time in seconds from the scenario start. */
  now = 0;
  /** Events whose callback ran (cancelled events are not counted). */
  eventsProcessed = 0;

  // The heap: position i holds its time at [2i] and its slot at [2i + 1], so a node and its sibling share a
  // cache line and a sift reads one array.
  private heap = new Float64Array(2 * INITIAL_CAPACITY);
  private heapSize = 0;
  /** The root is the event being run and may be replaced by the next event scheduled (see above). */
  private rootConsumed = false;

  /** Slot s: callback at [2s] (cleared once run or cancelled), argument at [2s + 1]. */
  private payload: unknown[] = [];
  /** slot -> [2·slot] sequence number, [2·slot + 1] generation. */
  private meta = new Float64Array(2 * INITIAL_CAPACITY);
  private freeSlots = new Int32Array(INITIAL_CAPACITY);
  private freeCount = 0;
  private slotCount = 0;

  private nextSeq = 0;
  private live = 0;
  private stopped = false;

  /** Number of events scheduled and not yet run or cancelled. */
  get pending(): number {
    return this.live;
  }

  /** Runs `fn(arg)` after `delay` seconds of simulated time (0 = now, after the events already due now). */
  schedule<A>(delay: number, fn: EventCallback<A>, arg?: A): EventId {
    if (!(delay >= 0)) throw new RangeError(`schedule: delay must be a number >= 0, got ${delay}`);
    return this.push(this.now + delay, fn, arg);
  }

  /** Runs `fn(arg)` at absolute simulated time `time` (not earlier than now). */
  at<A>(time: number, fn: EventCallback<A>, arg?: A): EventId {
    if (!(time >= this.now)) throw new RangeError(`at: time ${time} is before now (${this.now})`);
    return this.push(time, fn, arg);
  }

  /** Cancels a pending event; returns false when it already ran or was cancelled. */
  cancel(id: EventId): boolean {
    const slot = id % SLOT_BITS;
    const gen = Math.floor(id / SLOT_BITS);
    if (slot >= this.slotCount || this.meta[2 * slot + 1] !== gen || this.payload[2 * slot] === undefined)
      return false;
    this.payload[2 * slot] = undefined;
    this.payload[2 * slot + 1] = undefined;
    this.live--;
    return true;
  }

  /** Time of the next pending event, or Infinity when none is pending. */
  peek(): number {
    this.dropCancelledTop();
    return this.heapSize > 0 ? this.heap[0] : Infinity;
  }

  /** Runs the next event. Returns false when nothing was pending. */
  step(): boolean {
    this.dropCancelledTop();
    if (this.heapSize === 0) return false;
    const slot = this.heap[1];
    const fn = this.payload[2 * slot] as EventCallback<unknown>;
    const arg = this.payload[2 * slot + 1];
    this.releaseSlot(slot);
    this.live--;
    // The heap orders events and `at` refuses the past, so this only fails on a bug in the queue itself;
    // one comparison per event keeps every run honest about it.
    if (this.heap[0] < this.now) {
      throw new InvariantViolation('simulated time', this.now, `the next event is at ${this.heap[0]} s`);
    }
    this.now = this.heap[0];
    this.eventsProcessed++;
    this.rootConsumed = true;
    try {
      fn(arg);
    } finally {
      this.settleRoot();
    }
    return true;
  }

  /**
   * Runs events until none is pending, `stop()` is called, or the next event lies beyond `until`.
   * With `until`, every event at a time <= until runs and the clock ends at `until` (unless stopped earlier).
   */
  run(until = Infinity): void {
    if (until < this.now) throw new RangeError(`run: until (${until}) is before now (${this.now})`);
    this.stopped = false;
    while (!this.stopped) {
      this.dropCancelledTop();
      if (this.heapSize === 0 || this.heap[0] > until) break;
      this.step();
    }
    if (!this.stopped && until !== Infinity) this.now = until;
  }

  /** Makes the current `run` return after the event being processed. */
  stop(): void {
    this.stopped = true;
  }

  private push<A>(time: number, fn: EventCallback<A>, arg: A | undefined): EventId {
    const slot = this.acquireSlot();
    this.payload[2 * slot] = fn;
    this.payload[2 * slot + 1] = arg;
    this.meta[2 * slot] = this.nextSeq++;
    this.live++;
    if (this.rootConsumed) {
      this.rootConsumed = false;
      this.siftDown(0, time, slot);
    } else {
      if (2 * this.heapSize === this.heap.length) this.growHeap();
      this.siftUp(this.heapSize++, time, slot);
    }
    return this.meta[2 * slot + 1] * SLOT_BITS + slot;
  }

  /** Removes the root if the event that ran there did not hand it to a new event. */
  private settleRoot(): void {
    if (this.rootConsumed) {
      this.rootConsumed = false;
      this.popTop();
    }
  }

  private dropCancelledTop(): void {
    this.settleRoot();
    while (this.heapSize > 0 && this.payload[2 * this.heap[1]] === undefined) {
      this.releaseSlot(this.popTop());
    }
  }

  private popTop(): number {
    const h = this.heap;
    const top = h[1];
    const last = --this.heapSize;
    if (last > 0) this.siftDown(0, h[2 * last], h[2 * last + 1]);
    return top;
  }

  private siftUp(pos: number, time: number, slot: number): void {
    const h = this.heap;
    const meta = this.meta;
    const seq = meta[2 * slot];
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      const pt = h[2 * parent];
      if (pt < time || (pt === time && meta[2 * h[2 * parent + 1]] < seq)) break;
      h[2 * pos] = pt;
      h[2 * pos + 1] = h[2 * parent + 1];
      pos = parent;
    }
    h[2 * pos] = time;
    h[2 * pos + 1] = slot;
  }

  private siftDown(pos: number, time: number, slot: number): void {
    const h = this.heap;
    const meta = this.meta;
    const size = this.heapSize;
    const half = size >> 1;
    while (pos < half) {
      let child = 2 * pos + 1;
      let ct = h[2 * child];
      const right = child + 1;
      if (right < size) {
        const rt = h[2 * right];
        if (rt < ct || (rt === ct && meta[2 * h[2 * right + 1]] < meta[2 * h[2 * child + 1]])) {
          child = right;
          ct = rt;
        }
      }
      if (time < ct || (time === ct && meta[2 * slot] < meta[2 * h[2 * child + 1]])) break;
      h[2 * pos] = ct;
      h[2 * pos + 1] = h[2 * child + 1];
      pos = child;
    }
    h[2 * pos] = time;
    h[2 * pos + 1] = slot;
  }

  private acquireSlot(): number {
    if (this.freeCount > 0) return this.freeSlots[--this.freeCount];
    const slot = this.slotCount++;
    if (slot >= SLOT_BITS) throw new RangeError(`more than ${SLOT_BITS} events pending`);
    if (2 * slot >= this.meta.length) {
      const grown = new Float64Array(this.meta.length * 2);
      grown.set(this.meta);
      this.meta = grown;
    }
    return slot;
  }

  private releaseSlot(slot: number): void {
    this.payload[2 * slot] = undefined;
    this.payload[2 * slot + 1] = undefined;
    const g = this.meta[2 * slot + 1] + 1;
    this.meta[2 * slot + 1] = g === GENERATION_LIMIT ? 0 : g;
    if (this.freeCount === this.freeSlots.length) {
      const grown = new Int32Array(this.freeSlots.length * 2);
      grown.set(this.freeSlots);
      this.freeSlots = grown;
    }
    this.freeSlots[this.freeCount++] = slot;
  }

  private growHeap(): void {
    const grown = new Float64Array(this.heap.length * 2);
    grown.set(this.heap);
    this.heap = grown;
  }
}
