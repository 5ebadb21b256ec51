/**
 * Events that processes wait on, and generator-based processes (SimPy's model, without async/await: a
 * generator resumes synchronously inside the event loop, which keeps it several times faster than promises).
 *
 *   sim.process(function* () {
 *     yield timeout(sim, 5);                 // wait 5 s
 *     const req = slots.request();
 *     yield req;                             // wait for a slot
 *     ...
 *     slots.release(req);
 *   });
 *
 * Hot paths (millions of jobs) use `Simulation.schedule` callbacks directly; processes are for models a reader
 * should follow top to bottom.
 */
import type { Simulation } from './engine.ts';

type Waiter = (event: SimEvent<unknown>) => void;

/** Something that happens once: pending, then triggered with a value (ok) or an error (failed). */
export class SimEvent<T = unknown> {
  private waiters: Waiter[] | null = [];
  private settled = false;
  private succeeded = true;
  private result: unknown;

  constructor(readonly sim: Simulation) {}

  get triggered(): boolean {
    return this.settled;
  }
  /** True once the waiters have been called (the event is history). */
  get processed(): boolean {
    return this.waiters === null;
  }
  get ok(): boolean {
    return this.succeeded;
  }
  get value(): T {
    if (!this.settled) throw new Error('the value of a pending event is not available yet');
    return this.result as T;
  }

  /** Triggers the event now; waiters run as a new event at the current time, after those already due. */
  succeed(value?: T): this {
    return this.settle(true, value);
  }

  /** Triggers the event as failed: a process waiting on it gets `error` thrown at its `yield`. */
  fail(error: Error): this {
    return this.settle(false, error);
  }

  /** Calls `fn` when the event is processed (at once, in a new event, if it already was). */
  onProcessed(fn: (event: this) => void): void {
    if (this.waiters === null) this.sim.schedule(0, fn, this);
    else this.waiters.push(fn as Waiter);
  }

  /** Removes a waiter added with `onProcessed` (used when an interrupted process stops waiting). */
  removeWaiter(fn: (event: this) => void): void {
    if (this.waiters === null) return;
    const i = this.waiters.indexOf(fn as Waiter);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  /** Marks the event as triggered and lets the engine run its waiters (used by timeouts scheduled ahead). */
  protected settle(ok: boolean, value: unknown, delay = 0): this {
    if (this.settled) throw new Error('an event can be triggered only once');
    this.settled = true;
    this.succeeded = ok;
    this.result = value;
    this.sim.schedule(delay, processEvent, this as SimEvent<unknown>);
    return this;
  }

  /** @internal */
  runWaiters(): void {
    const waiters = this.waiters;
    this.waiters = null;
    if (waiters) for (const w of waiters) w(this as SimEvent<unknown>);
  }
}

function processEvent(event: SimEvent<unknown>): void {
  event.runWaiters();
}

/** An event that succeeds `delay` seconds from now. */
export class Timeout<T = undefined> extends SimEvent<T> {
  constructor(sim: Simulation, delay: number, value?: T) {
    super(sim);
    this.settle(true, value, delay);
  }
}

export function timeout<T = undefined>(sim: Simulation, delay: number, value?: T): Timeout<T> {
  return new Timeout(sim, delay, value);
}

/** Thrown into a process at its current `yield` by `Process.interrupt`. */
export class Interrupt extends Error {
  constructor(override readonly cause: unknown) {
    super('process interrupted');
    this.name = 'Interrupt';
  }
}

export type ProcessGenerator<R> = Generator<SimEvent<unknown>, R, unknown>;

/**
 * A running generator. It is itself an event that succeeds with the generator's return value (or fails with
 * its uncaught error), so one process can `yield` another to wait for it to finish.
 */
export class Process<R = unknown> extends SimEvent<R> {
  private waitingOn: SimEvent<unknown> | null = null;
  private readonly resume: Waiter = (event) => this.advance(event);

  constructor(
    sim: Simulation,
    private readonly generator: ProcessGenerator<R>,
  ) {
    super(sim);
    // Start at the current time, after the events already due, as SimPy's Initialize event does.
    sim.schedule(0, () => this.step(true, undefined));
  }

  get isAlive(): boolean {
    return !this.triggered;
  }

  /** Throws an `Interrupt` into the process where it waits (e.g. a pilot killed at walltime). */
  interrupt(cause?: unknown): void {
    if (!this.isAlive) throw new Error('cannot interrupt a process that has finished');
    this.sim.schedule(0, () => {
      if (!this.isAlive) return;
      this.waitingOn?.removeWaiter(this.resume);
      this.waitingOn = null;
      this.step(false, new Interrupt(cause));
    });
  }

  private advance(event: SimEvent<unknown>): void {
    this.waitingOn = null;
    this.step(event.ok, event.value);
  }

  private step(ok: boolean, value: unknown): void {
    let next: IteratorResult<SimEvent<unknown>, R>;
    try {
      next = ok ? this.generator.next(value) : this.generator.throw(value);
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (next.done) {
      this.succeed(next.value);
      return;
    }
    const target = next.value;
    if (!(target instanceof SimEvent)) {
      this.fail(new TypeError(`a process may only yield events, got ${String(target)}`));
      return;
    }
    this.waitingOn = target;
    target.onProcessed(this.resume);
  }
}

export function process<R>(sim: Simulation, generator: ProcessGenerator<R>): Process<R> {
  return new Process(sim, generator);
}

/** Succeeds when all events have succeeded (value: their values in order); fails at the first failure. */
export function allOf(sim: Simulation, events: readonly SimEvent<unknown>[]): SimEvent<unknown[]> {
  const all = new SimEvent<unknown[]>(sim);
  let left = events.length;
  if (left === 0) return all.succeed([]);
  for (const e of events) {
    e.onProcessed((done) => {
      if (all.triggered) return;
      if (!done.ok) all.fail(done.value as Error);
      else if (--left === 0) all.succeed(events.map((x) => x.value));
    });
  }
  return all;
}

/** Succeeds (or fails) with the first of the events to be processed; value: that event. */
export function anyOf(sim: Simulation, events: readonly SimEvent<unknown>[]): SimEvent<SimEvent<unknown>> {
  const any = new SimEvent<SimEvent<unknown>>(sim);
  for (const e of events) {
    e.onProcessed((done) => {
      if (any.triggered) return;
      if (done.ok) any.succeed(done);
      else any.fail(done.value as Error);
    });
  }
  return any;
}
