/**
 * Shared resources that processes queue for: a counting resource (slots, GPUs, nodes) and a store (a buffer
 * of items, e.g. jobs waiting for a pilot).
 */
import type { Simulation } from './engine.ts';
import { PriorityQueue } from './priority-queue.ts';
import { SimEvent } from './process.ts';

export type Discipline = 'fifo' | 'priority';

/** A claim on `amount` units of a resource; succeeds when granted. */
export class Request extends SimEvent<Request> {
  granted = false;
  constructor(
    readonly resource: Resource,
    readonly amount: number,
    readonly priority: number,
  ) {
    super(resource.sim);
  }
}

/**
 * `capacity` identical units. Waiting requests are served in arrival order ('fifo') or by priority, lower
 * value first, arrival order among equals ('priority'). Service is strictly in that order: a large request at
 * the head blocks smaller ones behind it (no backfilling), as a plain FIFO batch queue does.
 */
export class Resource {
  private used = 0;
  private cap: number;
  private readonly waiting = new PriorityQueue<Request>();

  constructor(
    readonly sim: Simulation,
    capacity: number,
    readonly discipline: Discipline = 'fifo',
  ) {
    if (!(capacity >= 0)) throw new RangeError(`Resource: capacity must be >= 0, got ${capacity}`);
    this.cap = capacity;
  }

  get capacity(): number {
    return this.cap;
  }
  /** Changes the capacity; a decrease below what is in use takes effect as units are released. */
  set capacity(value: number) {
    if (!(value >= 0)) throw new RangeError(`Resource: capacity must be >= 0, got ${value}`);
    this.cap = value;
    this.grant();
  }
  get inUse(): number {
    return this.used;
  }
  get queueLength(): number {
    return this.waiting.size;
  }

  request(amount = 1, priority = 0): Request {
    if (!(amount > 0)) throw new RangeError(`Resource.request: amount must be > 0, got ${amount}`);
    const req = new Request(this, amount, priority);
    this.waiting.push(req, this.discipline === 'priority' ? priority : 0);
    this.grant();
    return req;
  }

  /** Returns a granted request's units, or withdraws a request still waiting. */
  release(req: Request): void {
    if (req.resource !== this) throw new Error('Resource.release: the request belongs to another resource');
    if (req.granted) {
      req.granted = false;
      this.used -= req.amount;
      this.grant();
    } else if (this.waiting.remove(req)) {
      this.grant(); // the withdrawn request may have been the head blocking smaller ones
    }
  }

  private grant(): void {
    let head = this.waiting.peek();
    while (head !== undefined && this.used + head.amount <= this.cap) {
      this.waiting.pop();
      this.used += head.amount;
      head.granted = true;
      head.succeed(head);
      head = this.waiting.peek();
    }
  }
}

/** A FIFO buffer of items with optional capacity: `put` waits while full, `get` waits while empty. */
export class Store<T> {
  private readonly items: T[] = [];
  private head = 0;
  private readonly getters: SimEvent<T>[] = [];
  private readonly putters: { item: T; event: SimEvent<void> }[] = [];

  constructor(
    readonly sim: Simulation,
    readonly capacity = Infinity,
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  put(item: T): SimEvent<void> {
    const event = new SimEvent<void>(this.sim);
    this.putters.push({ item, event });
    this.balance();
    return event;
  }

  get(): SimEvent<T> {
    const event = new SimEvent<T>(this.sim);
    this.getters.push(event);
    this.balance();
    return event;
  }

  private balance(): void {
    let moved = true;
    while (moved) {
      moved = false;
      if (this.putters.length > 0 && this.size < this.capacity) {
        const { item, event } = this.putters.shift() as { item: T; event: SimEvent<void> };
        this.items.push(item);
        event.succeed();
        moved = true;
      }
      if (this.getters.length > 0 && this.size > 0) {
        const item = this.items[this.head++];
        if (this.head > 1024 && this.head * 2 > this.items.length) {
          this.items.splice(0, this.head);
          this.head = 0;
        }
        (this.getters.shift() as SimEvent<T>).succeed(item);
        moved = true;
      }
    }
  }
}
