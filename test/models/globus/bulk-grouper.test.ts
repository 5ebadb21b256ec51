import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../sim/engine.ts';
import { BulkGrouper } from '../../../models/globus/bulk-grouper.ts';

describe('BulkGrouper (go_bulk_stager grouping)', () => {
  it('flushes a group as soon as 10 files wait, and starts the next group with the 11th', () => {
    const sim = new Simulation();
    const flushed: { at: number; key: string; items: number[] }[] = [];
    const grouper = new BulkGrouper<number>(sim, (key, items) => flushed.push({ at: sim.now, key, items }));
    for (let i = 0; i < 23; i++) sim.at(10 * i, () => grouper.add('BNL->ALCF', i));
    sim.run(300);
    expect(flushed).toEqual([
      { at: 90, key: 'BNL->ALCF', items: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
      { at: 190, key: 'BNL->ALCF', items: [10, 11, 12, 13, 14, 15, 16, 17, 18, 19] },
    ]);
    expect(grouper.waiting('BNL->ALCF')).toBe(3);
    // The third group began with file 20 at 200 s: it goes at its age limit, 10 min later.
    sim.run(799);
    expect(flushed).toHaveLength(2);
    sim.run();
    expect(flushed[2]).toEqual({ at: 800, key: 'BNL->ALCF', items: [20, 21, 22] });
    expect(sim.pending).toBe(0);
  });

  it('keeps one group per key, each with its own clock', () => {
    const sim = new Simulation();
    const flushed: [number, string, number][] = [];
    const grouper = new BulkGrouper<string>(sim, (key, items) => flushed.push([sim.now, key, items.length]), {
      maxFiles: 3,
      maxAge: 100,
    });
    sim.at(0, () => grouper.add('a', 'x'));
    sim.at(50, () => grouper.add('b', 'y'));
    sim.at(60, () => ['p', 'q'].forEach((f) => grouper.add('b', f)));
    sim.at(70, () => grouper.add('b', 'z'));
    sim.run();
    expect(flushed).toEqual([
      [60, 'b', 3],
      [100, 'a', 1],
      [170, 'b', 1],
    ]);
  });
});
