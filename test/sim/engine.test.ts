import { describe, expect, it } from 'vitest';
import { Simulation } from '../../sim/engine.ts';

describe('Simulation event queue', () => {
  it('runs events in time order and FIFO among equal times', () => {
    const sim = new Simulation();
    const seen: string[] = [];
    const log = (s: string) => seen.push(`${sim.now}:${s}`);
    sim.schedule(5, log, 'c');
    sim.schedule(1, log, 'a');
    sim.schedule(5, log, 'd');
    sim.schedule(1, log, 'b');
    sim.schedule(0, log, 'z');
    sim.run();
    expect(seen).toEqual(['0:z', '1:a', '1:b', '5:c', '5:d']);
    expect(sim.eventsProcessed).toBe(5);
  });

  it('keeps FIFO order among thousands of simultaneous events', () => {
    const sim = new Simulation();
    const order: number[] = [];
    for (let i = 0; i < 5000; i++) sim.schedule(i % 3 === 0 ? 2 : 1, (k: number) => order.push(k), i);
    sim.run();
    const ones = order.slice(0, order.length - 1667);
    const twos = order.slice(order.length - 1667);
    expect(ones).toEqual([...ones].sort((a, b) => a - b));
    expect(twos).toEqual([...twos].sort((a, b) => a - b));
    expect(twos.every((k) => k % 3 === 0)).toBe(true);
  });

  it('pops a random schedule in sorted order (heap property under growth)', () => {
    const sim = new Simulation();
    let x = 12345;
    const times: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      sim.schedule(x / 2 ** 20, (t: number) => times.push(t), sim.now + x / 2 ** 20);
    }
    sim.run();
    expect(times.length).toBe(20_000);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
  });

  it('cancels pending events, and a stale id cancels nothing', () => {
    const sim = new Simulation();
    const seen: number[] = [];
    const a = sim.schedule(1, (k: number) => seen.push(k), 1);
    sim.schedule(2, (k: number) => seen.push(k), 2);
    expect(sim.cancel(a)).toBe(true);
    expect(sim.cancel(a)).toBe(false);
    expect(sim.pending).toBe(1);
    sim.run();
    expect(seen).toEqual([2]);
    expect(sim.eventsProcessed).toBe(1);
    // The slot of `a` has been reused by now; its old id must not cancel the new occupant.
    const b = sim.schedule(1, (k: number) => seen.push(k), 3);
    expect(sim.cancel(a)).toBe(false);
    sim.run();
    expect(seen).toEqual([2, 3]);
    expect(sim.cancel(b)).toBe(false);
  });

  it('run(until) runs events up to and including until and leaves the clock there', () => {
    const sim = new Simulation();
    const seen: number[] = [];
    for (const t of [1, 2, 3, 4]) sim.schedule(t, (k: number) => seen.push(k), t);
    sim.run(3);
    expect(seen).toEqual([1, 2, 3]);
    expect(sim.now).toBe(3);
    expect(sim.pending).toBe(1);
    sim.run(10);
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(sim.now).toBe(10);
  });

  it('step() runs one event; stop() ends run after the current event', () => {
    const sim = new Simulation();
    const seen: number[] = [];
    sim.schedule(1, () => seen.push(1));
    sim.schedule(2, () => {
      seen.push(2);
      sim.stop();
    });
    sim.schedule(3, () => seen.push(3));
    expect(sim.step()).toBe(true);
    expect(seen).toEqual([1]);
    sim.run();
    expect(seen).toEqual([1, 2]);
    expect(sim.now).toBe(2);
    sim.run();
    expect(seen).toEqual([1, 2, 3]);
    expect(sim.step()).toBe(false);
  });

  it('callbacks may schedule more events, including at the current time', () => {
    const sim = new Simulation();
    const seen: string[] = [];
    sim.schedule(1, () => {
      seen.push('first');
      sim.schedule(0, () => seen.push('same-time'));
      sim.schedule(1, () => seen.push('later'));
    });
    sim.schedule(1, () => seen.push('second'));
    sim.run();
    expect(seen).toEqual(['first', 'second', 'same-time', 'later']);
  });

  it('rejects negative delays and times in the past', () => {
    const sim = new Simulation();
    expect(() => sim.schedule(-1, () => {})).toThrow(/delay must be a number >= 0/);
    expect(() => sim.schedule(Number.NaN, () => {})).toThrow(/delay/);
    sim.run(5);
    expect(() => sim.at(4, () => {})).toThrow(/before now/);
  });
});
