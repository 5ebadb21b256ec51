import { describe, expect, it } from 'vitest';
import { Simulation } from '../../sim/engine.ts';
import { Interrupt, SimEvent, allOf, anyOf, process, timeout } from '../../sim/process.ts';
import { Resource, Store } from '../../sim/resources.ts';

describe('generator processes', () => {
  it('waits on timeouts and returns a value to a joining process', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const child = process(
      sim,
      (function* () {
        yield timeout(sim, 3);
        log.push(`child done at ${sim.now}`);
        return 42;
      })(),
    );
    process(
      sim,
      (function* () {
        const v = yield child;
        log.push(`parent got ${String(v)} at ${sim.now}`);
      })(),
    );
    sim.run();
    expect(log).toEqual(['child done at 3', 'parent got 42 at 3']);
  });

  it('passes event values and throws failures at the yield', () => {
    const sim = new Simulation();
    const ev = new SimEvent<string>(sim);
    const bad = new SimEvent<string>(sim);
    const got: string[] = [];
    process(
      sim,
      (function* () {
        got.push(String(yield ev));
        try {
          yield bad;
        } catch (e) {
          got.push((e as Error).message);
        }
      })(),
    );
    sim.schedule(2, () => ev.succeed('hello'));
    sim.schedule(4, () => bad.fail(new Error('broken')));
    sim.run();
    expect(got).toEqual(['hello', 'broken']);
  });

  it('interrupts a waiting process, which stops waiting on its event', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const p = process(
      sim,
      (function* () {
        try {
          yield timeout(sim, 100);
          log.push('finished');
        } catch (e) {
          if (e instanceof Interrupt) log.push(`interrupted at ${sim.now} by ${String(e.cause)}`);
        }
        yield timeout(sim, 1);
        log.push(`after at ${sim.now}`);
      })(),
    );
    sim.schedule(10, () => p.interrupt('walltime'));
    sim.run();
    expect(log).toEqual(['interrupted at 10 by walltime', 'after at 11']);
    expect(p.isAlive).toBe(false);
  });

  it('a process whose generator throws fails, and its joiner sees the error', () => {
    const sim = new Simulation();
    const child = process(
      sim,
      (function* (): Generator<SimEvent<unknown>, number, unknown> {
        yield timeout(sim, 1);
        throw new Error('payload crashed');
      })(),
    );
    let seen = '';
    process(
      sim,
      (function* () {
        try {
          yield child;
        } catch (e) {
          seen = (e as Error).message;
        }
      })(),
    );
    sim.run();
    expect(seen).toBe('payload crashed');
    expect(child.ok).toBe(false);
  });

  it('allOf and anyOf combine events', () => {
    const sim = new Simulation();
    const out: string[] = [];
    process(
      sim,
      (function* () {
        const values = yield allOf(sim, [timeout(sim, 2, 'a'), timeout(sim, 5, 'b')]);
        out.push(`all ${JSON.stringify(values)} at ${sim.now}`);
        const first = (yield anyOf(sim, [
          timeout(sim, 7, 'slow'),
          timeout(sim, 3, 'fast'),
        ])) as SimEvent<string>;
        out.push(`any ${first.value} at ${sim.now}`);
      })(),
    );
    sim.run();
    expect(out).toEqual(['all ["a","b"] at 5', 'any fast at 8']);
  });
});

describe('Resource', () => {
  it('serves FIFO with capacity 2 and releases to the next waiter', () => {
    const sim = new Simulation();
    const slots = new Resource(sim, 2);
    const log: string[] = [];
    const job = (name: string, arrive: number, run: number) =>
      process(
        sim,
        (function* () {
          yield timeout(sim, arrive);
          const req = slots.request();
          yield req;
          log.push(`${name} start ${sim.now}`);
          yield timeout(sim, run);
          slots.release(req);
        })(),
      );
    job('a', 0, 10);
    job('b', 1, 10);
    job('c', 2, 5);
    job('d', 3, 1);
    sim.run();
    expect(log).toEqual(['a start 0', 'b start 1', 'c start 10', 'd start 11']);
    expect(slots.inUse).toBe(0);
  });

  it('serves by priority (lower first), FIFO among equal priorities', () => {
    const sim = new Simulation();
    const r = new Resource(sim, 1, 'priority');
    const order: string[] = [];
    const first = r.request(1, 0);
    const reqs = [
      ['low', 5],
      ['high', 1],
      ['mid-1', 3],
      ['mid-2', 3],
    ] as const;
    for (const [name, prio] of reqs)
      r.request(1, prio).onProcessed((req) => {
        order.push(name);
        sim.schedule(1, () => r.release(req.value));
      });
    sim.schedule(1, () => r.release(first));
    sim.run();
    expect(order).toEqual(['high', 'mid-1', 'mid-2', 'low']);
  });

  it('multi-unit requests block the queue head; withdrawing a waiting request works', () => {
    const sim = new Simulation();
    const cores = new Resource(sim, 8);
    const a = cores.request(6);
    const big = cores.request(4);
    const small = cores.request(1);
    sim.run();
    expect(a.granted).toBe(true);
    expect(big.granted).toBe(false);
    expect(small.granted).toBe(false); // strict FIFO: no backfilling past the head
    cores.release(big);
    sim.run();
    expect(small.granted).toBe(true);
    expect(cores.inUse).toBe(7);
    cores.capacity = 6;
    expect(cores.request(1).granted).toBe(false);
  });
});

describe('Store', () => {
  it('hands items to getters in FIFO order and blocks putters when full', () => {
    const sim = new Simulation();
    const store = new Store<number>(sim, 2);
    const got: string[] = [];
    process(
      sim,
      (function* () {
        for (let i = 0; i < 4; i++) {
          yield store.put(i);
          got.push(`put ${i} at ${sim.now}`);
        }
      })(),
    );
    process(
      sim,
      (function* () {
        yield timeout(sim, 5);
        for (let i = 0; i < 4; i++) got.push(`get ${String(yield store.get())} at ${sim.now}`);
      })(),
    );
    sim.run();
    expect(got).toEqual([
      'put 0 at 0',
      'put 1 at 0',
      'get 0 at 5',
      'put 2 at 5',
      'get 1 at 5',
      'put 3 at 5',
      'get 2 at 5',
      'get 3 at 5',
    ]);
  });
});
