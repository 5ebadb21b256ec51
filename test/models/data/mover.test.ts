/**
 * The workflow data mover on a small two-region WAN: plain flows between grid storages, Globus Transfer tasks
 * to and from an LCF endpoint, bytes by link class, shared inputs copied once per destination.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../sim/engine.ts';
import { RandomStreams } from '../../../sim/random.ts';
import {
  FlowNetwork,
  type Flow,
  type FlowCallback,
  type FlowOptions,
} from '../../../models/network/flow-network.ts';
import { buildRegionalTopology } from '../../../models/network/regional-topology.ts';
import type { Topology } from '../../../models/network/topology.ts';
import type { GlobusTransferParams } from '../../../models/globus/params.ts';
import { GlobusTransferService } from '../../../models/globus/transfer-service.ts';
import { DataMover, linkClass, type StorageLocation } from '../../../models/data/mover.ts';

const GB = 1e9;

/**
 * US: BNL (two endpoints), MWT2, ALCF (Globus); EU: CERN. Routes and their latency / bottleneck:
 *   BNL_DATADISK → BNL_SCRATCH   out, in                               0.002 s, 1.25 GB/s  (lan)
 *   BNL_DATADISK → MWT2_DATADISK out, US backbone, in                  0.007 s, 0.5 GB/s   (wan-region)
 *   BNL_DATADISK → CERN_DATADISK out, US, US->EU, EU, in               0.052 s, 0.25 GB/s  (wan-inter)
 *   BNL_DATADISK → ALCF_EAGLE    out, US backbone, in                  0.007 s, 1 GB/s     (wan-region, Globus)
 */
function topology(): Topology {
  return buildRegionalTopology({
    endpoints: [
      { name: 'BNL_DATADISK', site: 'BNL', region: 'US', access: 1.25 * GB, accessLatency: 0.001 },
      { name: 'BNL_SCRATCH', site: 'BNL', region: 'US', access: 2.5 * GB, accessLatency: 0.001 },
      { name: 'MWT2_DATADISK', site: 'MWT2', region: 'US', access: 0.5 * GB, accessLatency: 0.002 },
      { name: 'CERN_DATADISK', site: 'CERN', region: 'EU', access: 1.25 * GB, accessLatency: 0.001 },
      { name: 'ALCF_EAGLE', site: 'ALCF', region: 'US', kind: 'dtn', access: 1 * GB, accessLatency: 0.002 },
    ],
    regions: [
      { name: 'US', backbone: 10 * GB, latency: 0.004 },
      { name: 'EU', backbone: 10 * GB, latency: 0.006 },
    ],
    interRegion: [{ between: ['US', 'EU'], capacity: 0.25 * GB, latency: 0.04 }],
  });
}

const LOCATIONS: readonly StorageLocation[] = [
  { endpoint: 'BNL_DATADISK', site: 'BNL', region: 'US', globus: false },
  { endpoint: 'BNL_SCRATCH', site: 'BNL', region: 'US', globus: false },
  { endpoint: 'MWT2_DATADISK', site: 'MWT2', region: 'US', globus: false },
  { endpoint: 'CERN_DATADISK', site: 'CERN', region: 'EU', globus: false },
  { endpoint: 'ALCF_EAGLE', site: 'ALCF', region: 'US', globus: true },
];

/** A network whose next `failNext` flows break halfway (an FTS transfer failing mid-file). */
class FlakyNetwork extends FlowNetwork {
  failNext = 0;

  override start(
    src: string,
    dst: string,
    bytes: number,
    onDone: FlowCallback,
    options: FlowOptions = {},
  ): Flow {
    if (this.failNext === 0) return super.start(src, dst, bytes, onDone, options);
    this.failNext--;
    return super.start(src, dst, bytes, onDone, { ...options, interruptAfter: bytes / 2 });
  }
}

const GLOBUS: Partial<GlobusTransferParams> = {
  taskStartup: 20,
  perFileOverhead: 1,
  checksumRate: 2 * GB,
  faultProbability: 0,
  hardFailureProbability: 0,
};

function world(globus: Partial<GlobusTransferParams> = GLOBUS, maxAttempts?: number) {
  const sim = new Simulation();
  const network = new FlakyNetwork(sim, topology());
  const service = new GlobusTransferService(
    sim,
    network,
    new RandomStreams(3).stream('globus/transfer'),
    globus,
  );
  const mover = new DataMover(sim, { network, globus: service, locations: LOCATIONS, maxAttempts });
  /** Outcomes of moves, with the time each ended. */
  const ends: { id: string; ok: boolean; at: number; copied?: boolean }[] = [];
  const move = (id: string, from: string, to: string, bytes: number, at = 0) =>
    sim.at(at, () => mover.move(from, to, bytes, (ok) => ends.push({ id, ok, at: sim.now })));
  const moveShared = (id: string, key: string, from: string, to: string, bytes: number, at = 0) =>
    sim.at(at, () =>
      mover.moveShared(key, from, to, bytes, (ok, copied) => ends.push({ id, ok, at: sim.now, copied })),
    );
  return { sim, network, service, mover, ends, move, moveShared };
}

describe('DataMover plain flows', () => {
  it.each([
    ['lan', 'BNL_SCRATCH', 2.5 * GB, 0.002 + 2],
    ['wan-region', 'MWT2_DATADISK', 1 * GB, 0.007 + 2],
    ['wan-inter', 'CERN_DATADISK', 1 * GB, 0.052 + 4],
  ] as const)('%s: latency + bytes / bottleneck, bytes counted on that class', (cls, to, bytes, time) => {
    const { sim, network, mover, ends, move } = world();
    move('m', 'BNL_DATADISK', to, bytes, 10);
    sim.run();
    expect(ends).toHaveLength(1);
    expect(ends[0].ok).toBe(true);
    expect(ends[0].at - 10).toBeCloseTo(time, 9);
    expect(mover.transferTimes).toHaveLength(1);
    expect(mover.transferTimes[0]).toBeCloseTo(time, 9);
    expect(mover.bytesMoved).toEqual({ lan: 0, 'wan-region': 0, 'wan-inter': 0, [cls]: bytes });
    expect(network.totals.flowsStarted).toBe(1);
    expect(mover.transfersFailed).toBe(0);
  });

  it('adds up bytes per link class over many moves', () => {
    const { sim, mover, move } = world();
    move('a', 'BNL_DATADISK', 'BNL_SCRATCH', 1 * GB);
    move('b', 'BNL_SCRATCH', 'BNL_DATADISK', 2 * GB);
    move('c', 'MWT2_DATADISK', 'BNL_SCRATCH', 3 * GB);
    move('d', 'CERN_DATADISK', 'MWT2_DATADISK', 4 * GB);
    move('e', 'ALCF_EAGLE', 'CERN_DATADISK', 5 * GB);
    move('f', 'BNL_DATADISK', 'ALCF_EAGLE', 6 * GB);
    sim.run();
    expect(mover.bytesMoved).toEqual({ lan: 3 * GB, 'wan-region': 9 * GB, 'wan-inter': 9 * GB });
    expect(mover.transferTimes).toHaveLength(6);
  });

  it('classifies location pairs by site and region', () => {
    const [bnl, scratch, mwt2, cern] = LOCATIONS;
    expect(linkClass(bnl, scratch)).toBe('lan');
    expect(linkClass(bnl, bnl)).toBe('lan');
    expect(linkClass(mwt2, bnl)).toBe('wan-region');
    expect(linkClass(cern, bnl)).toBe('wan-inter');
  });

  it('completes a same-endpoint or empty move at once, never synchronously, moving nothing', () => {
    const { sim, network, service, mover } = world();
    const done: [string, boolean, number][] = [];
    sim.at(5, () => {
      mover.move('BNL_DATADISK', 'BNL_DATADISK', 1 * GB, (ok) => done.push(['same', ok, sim.now]));
      mover.move('BNL_DATADISK', 'CERN_DATADISK', 0, (ok) => done.push(['empty', ok, sim.now]));
      mover.move('BNL_DATADISK', 'ALCF_EAGLE', 0, (ok) => done.push(['empty-globus', ok, sim.now]));
      expect(done).toEqual([]);
      expect(service.activeTasks('workflow')).toBe(0);
    });
    sim.run();
    expect(done).toEqual([
      ['same', true, 5],
      ['empty', true, 5],
      ['empty-globus', true, 5],
    ]);
    expect(mover.bytesMoved).toEqual({ lan: 0, 'wan-region': 0, 'wan-inter': 0 });
    expect(mover.transferTimes).toEqual([]);
    expect(network.totals.flowsStarted).toBe(0);
  });

  it('refuses an unknown endpoint', () => {
    const { mover } = world();
    expect(() => mover.move('BNL_DATADISK', 'NOWHERE', 1, () => {})).toThrow(
      'data mover: no storage endpoint NOWHERE',
    );
    expect(mover.location('ALCF_EAGLE').globus).toBe(true);
  });
});

describe('DataMover through Globus', () => {
  it('a move touching a Globus endpoint is a Globus task: start-up + per-file + latency + checksum + data', () => {
    const { sim, service, mover, ends, move } = world();
    const S = 3 * GB;
    move('to-lcf', 'BNL_DATADISK', 'ALCF_EAGLE', S);
    sim.at(1, () => expect(service.activeTasks('workflow')).toBe(1));
    sim.run();
    const p = service.params;
    // 20 + 1 + 0.007 + 1.5 + 3 = 25.507 s: one file, bottleneck ALCF_EAGLE:in at 1 GB/s.
    const expected = p.taskStartup + p.perFileOverhead + 0.007 + S / p.checksumRate + S / GB;
    expect(expected).toBeCloseTo(25.507, 9);
    expect(ends).toHaveLength(1);
    expect(ends[0].at).toBeCloseTo(expected, 9);
    expect(mover.transferTimes[0]).toBeCloseTo(expected, 9);
    expect(mover.bytesMoved['wan-region']).toBe(S);
    expect(service.activeTasks('workflow')).toBe(0);
  });

  it('from a Globus endpoint too', () => {
    const { sim, service, mover, move } = world();
    move('from-lcf', 'ALCF_EAGLE', 'CERN_DATADISK', 1 * GB);
    sim.run();
    const p = service.params;
    // ALCF out 0.002 + US 0.004 + US->EU 0.04 + EU 0.006 + CERN in 0.001; 0.25 GB/s across the Atlantic.
    const expected = p.taskStartup + p.perFileOverhead + 0.053 + GB / p.checksumRate + 4;
    expect(mover.transferTimes[0]).toBeCloseTo(expected, 9);
    expect(mover.bytesMoved['wan-inter']).toBe(GB);
  });

  it('retries a task Globus refuses over the pending limit a minute later', () => {
    const { sim, mover, ends, move } = world({
      ...GLOBUS,
      maxActiveTasksPerUser: 1,
      maxPendingTasksPerUser: 1,
    });
    move('first', 'BNL_DATADISK', 'ALCF_EAGLE', 3 * GB);
    move('second', 'BNL_DATADISK', 'ALCF_EAGLE', 3 * GB);
    sim.run();
    expect(ends.map((e) => e.id)).toEqual(['first', 'second']);
    expect(ends[0].at).toBeCloseTo(25.507, 9);
    // Refused at 0 (first still pending), accepted at 60 after the first ended.
    expect(ends[1].at).toBeCloseTo(60 + 25.507, 9);
    expect(mover.transferTimes[1]).toBeCloseTo(85.507, 9);
  });

  it('counts a copy failed after maxAttempts Globus tasks, each failing hard', () => {
    const { sim, network, mover, ends, move } = world({ ...GLOBUS, hardFailureProbability: 1 }, 3);
    move('doomed', 'BNL_DATADISK', 'ALCF_EAGLE', 3 * GB);
    sim.run();
    expect(ends).toHaveLength(1);
    expect(ends[0].ok).toBe(false);
    expect(mover.transfersFailed).toBe(1);
    expect(mover.transferTimes).toEqual([]);
    expect(mover.bytesMoved).toEqual({ lan: 0, 'wan-region': 0, 'wan-inter': 0 });
    // Three tasks, one after the other, each breaking during its only file: 21.007 s to the data, then a
    // uniform fraction of the 3 s of data.
    expect(network.totals.flowsStarted).toBe(3);
    expect(network.totals.flowsAborted).toBe(3);
    expect(ends[0].at).toBeGreaterThanOrEqual(3 * 21.007 - 1e-9);
    expect(ends[0].at).toBeLessThanOrEqual(3 * 24.007 + 1e-9);
  });
});

describe('DataMover retries', () => {
  it('retries a broken flow at once and succeeds within maxAttempts', () => {
    const { sim, network, mover, ends, move } = world(GLOBUS, 3);
    network.failNext = 2;
    move('m', 'BNL_DATADISK', 'MWT2_DATADISK', 1 * GB);
    sim.run();
    // Two attempts break halfway (0.007 + 1 s each), the third takes 0.007 + 2 s.
    expect(ends).toEqual([{ id: 'm', ok: true, at: expect.closeTo(2 * 1.007 + 2.007, 9) as number }]);
    expect(mover.transferTimes[0]).toBeCloseTo(4.021, 9);
    expect(mover.transfersFailed).toBe(0);
    expect(mover.bytesMoved['wan-region']).toBe(GB);
    expect(network.totals).toMatchObject({ flowsStarted: 3, flowsAborted: 2, flowsCompleted: 1 });
  });

  it('gives up after maxAttempts broken flows', () => {
    const { sim, network, mover, ends, move } = world(GLOBUS, 2);
    network.failNext = 5;
    move('m', 'BNL_DATADISK', 'MWT2_DATADISK', 1 * GB);
    sim.run();
    expect(ends).toEqual([{ id: 'm', ok: false, at: expect.closeTo(2 * 1.007, 9) as number }]);
    expect(mover.transfersFailed).toBe(1);
    expect(network.totals.flowsStarted).toBe(2);
    expect(network.failNext).toBe(3);
  });
});

describe('DataMover shared inputs', () => {
  it('copies once per destination: concurrent and later requests reuse the copy', () => {
    const { sim, network, mover, ends, moveShared } = world();
    moveShared('r1', 'model', 'BNL_DATADISK', 'MWT2_DATADISK', 1 * GB, 0);
    moveShared('r4', 'model', 'BNL_DATADISK', 'CERN_DATADISK', 1 * GB, 0);
    moveShared('r2', 'model', 'BNL_DATADISK', 'MWT2_DATADISK', 1 * GB, 1);
    moveShared('r3', 'model', 'BNL_DATADISK', 'MWT2_DATADISK', 1 * GB, 10);
    moveShared('r5', 'other', 'BNL_DATADISK', 'MWT2_DATADISK', 1 * GB, 20);
    sim.run();
    // r1 and r4 share BNL's 1.25 GB/s out link but need only 0.5 + 0.25 GB/s of it.
    expect(ends).toEqual([
      { id: 'r1', ok: true, copied: true, at: expect.closeTo(2.007, 9) as number },
      { id: 'r2', ok: true, copied: false, at: expect.closeTo(2.007, 9) as number },
      { id: 'r4', ok: true, copied: true, at: expect.closeTo(4.052, 9) as number },
      { id: 'r3', ok: true, copied: false, at: 10 },
      { id: 'r5', ok: true, copied: true, at: expect.closeTo(22.007, 9) as number },
    ]);
    expect(network.totals.flowsStarted).toBe(3);
    expect(mover.bytesMoved).toEqual({ lan: 0, 'wan-region': 2 * GB, 'wan-inter': GB });
    expect(mover.transferTimes).toHaveLength(3);
  });

  it('forgets a failed copy: its waiters fail, the next request copies again', () => {
    const { sim, network, mover, ends, moveShared } = world(GLOBUS, 2);
    network.failNext = 2;
    moveShared('r1', 'model', 'BNL_DATADISK', 'MWT2_DATADISK', 1 * GB, 0);
    moveShared('r2', 'model', 'BNL_DATADISK', 'MWT2_DATADISK', 1 * GB, 0.5);
    moveShared('r3', 'model', 'BNL_DATADISK', 'MWT2_DATADISK', 1 * GB, 5);
    moveShared('r4', 'model', 'BNL_DATADISK', 'MWT2_DATADISK', 1 * GB, 8);
    sim.run();
    expect(ends).toEqual([
      // Two broken attempts of 1.007 s: the copy fails at 2.014 for its owner and its waiter.
      { id: 'r1', ok: false, copied: true, at: expect.closeTo(2.014, 9) as number },
      { id: 'r2', ok: false, copied: false, at: expect.closeTo(2.014, 9) as number },
      { id: 'r3', ok: true, copied: true, at: expect.closeTo(7.007, 9) as number },
      { id: 'r4', ok: true, copied: false, at: 8 },
    ]);
    expect(mover.transfersFailed).toBe(1);
    expect(network.totals).toMatchObject({ flowsStarted: 3, flowsAborted: 2 });
    expect(mover.bytesMoved['wan-region']).toBe(GB);
  });
});
