/** Forced node failures (scenario faults) on top of the pool's own up/down process. */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../sim/engine.ts';
import { RandomStreams } from '../../../sim/random.ts';
import { NodePool } from '../../../models/hpc/node-pool.ts';
import { CredentialStore } from '../../../models/harvester/credentials.ts';

describe('NodePool forced failures', () => {
  it('takes a busy node down with its job, keeps it down until forced up, and frees it then', () => {
    const sim = new Simulation();
    const lost: string[] = [];
    let ups = 0;
    const pool = new NodePool<string>(
      sim,
      4,
      { downFraction: 0, meanRepair: 3600 },
      new RandomStreams(1).stream('n'),
      (job) => lost.push(job),
      () => ups++,
    );
    const nodes = pool.allocate(2, 'job-1');
    expect(pool.busyNodes()).toEqual([...nodes].sort((a, b) => a - b));
    pool.forceDown(nodes[0]);
    pool.forceDown(nodes[0]);
    expect(lost).toEqual(['job-1']);
    expect(pool.down).toBe(1);
    expect(pool.busy).toBe(1);
    pool.forceUp(nodes[0]);
    expect(pool.down).toBe(1);
    pool.forceUp(nodes[0]);
    expect(pool.down).toBe(0);
    expect(pool.free).toBe(3);
    expect(ups).toBe(1);
    expect(() => pool.forceUp(nodes[0])).toThrow(/not forced down/);
  });

  it('leaves the natural process as it was: the same draws and the same down fraction with faults applied', () => {
    const run = (force: boolean) => {
      const sim = new Simulation();
      const pool = new NodePool<string>(
        sim,
        50,
        { downFraction: 0.1, meanRepair: 600 },
        new RandomStreams(2).stream('n'),
        () => {},
        () => {},
      );
      if (force) {
        sim.at(1000, () => pool.forceDown(3));
        sim.at(5000, () => pool.forceUp(3));
      }
      sim.run(100_000);
      return pool.nodeSeconds(100_000).down;
    };
    const free = run(false);
    const forced = run(true);
    // Node 3 is down at least for the forced 4,000 s; the rest of the pool is unchanged.
    expect(forced).toBeGreaterThan(free);
    expect(forced - free).toBeLessThanOrEqual(4000 + 1e-6);
    expect(free / (50 * 100_000)).toBeGreaterThan(0.07);
    expect(free / (50 * 100_000)).toBeLessThan(0.13);
  });
});

describe('CredentialStore revocation', () => {
  it('expires the tokens at once, refuses renewal until the fault ends, and renews at the first cycle after', () => {
    const store = new CredentialStore({});
    store.configure('POLARIS');
    store.issueCommon(0);
    expect(store.valid('POLARIS', undefined, 100)).toBe(true);
    store.revoke('POLARIS', 1000, 5000);
    expect(store.valid('POLARIS', undefined, 1000)).toBe(false);
    store.cycle(1000);
    store.cycle(4900);
    expect(store.valid('POLARIS', undefined, 4900)).toBe(false);
    expect(store.stats.failedRenewals).toBe(2);
    store.cycle(5200);
    expect(store.valid('POLARIS', undefined, 5200)).toBe(true);
  });
});
