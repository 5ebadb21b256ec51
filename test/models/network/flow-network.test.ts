import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../sim/engine.ts';
import { RandomStreams } from '../../../sim/random.ts';
import { FlowNetwork, type Flow } from '../../../models/network/flow-network.ts';
import { scheduleLinkFaults } from '../../../models/network/link-faults.ts';
import { buildRegionalTopology } from '../../../models/network/regional-topology.ts';
import { Topology } from '../../../models/network/topology.ts';

const GBPS10 = 1.25e9; // 10 Gb/s in bytes/s

/** Two endpoints joined by one link `L` of `capacity` (and `latency`), both directions over it. */
function oneLink(capacity: number, latency = 0): Topology {
  const t = new Topology();
  t.addEndpoint({ name: 'A', site: 'SA', region: 'R', kind: 'storage' });
  t.addEndpoint({ name: 'B', site: 'SB', region: 'R', kind: 'storage' });
  t.addLink({ name: 'L', capacity, latency, linkClass: 'wan' });
  t.setRoute('A', 'B', ['L']);
  return t;
}

function relClose(actual: number, expected: number, rel = 1e-9): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

describe('FlowNetwork', () => {
  it('gives k flows on one bottleneck their max-min rates and ends them when hand computation says', () => {
    const sim = new Simulation();
    const net = new FlowNetwork(sim, oneLink(GBPS10));
    const sizes = [1e9, 2e9, 4e9];
    const ends: number[] = [];
    const flows = sizes.map((s, i) => net.start('A', 'B', s, (f) => (ends[i] = f.endTime)));
    sim.run(0);
    for (const f of flows) relClose(f.rate, GBPS10 / 3);
    sim.run();
    // 3 flows at C/3 until the 1 GB one ends at 3·S1/C; the other two at C/2 until the 2 GB one has its last
    // S2 − S1 moved; the last alone at C: it ends at (S1 + S2 + S3)/C.
    const t1 = (3 * 1e9) / GBPS10;
    const t2 = t1 + (2 * (2e9 - 1e9)) / GBPS10;
    const t3 = (1e9 + 2e9 + 4e9) / GBPS10;
    relClose(ends[0], t1);
    relClose(ends[1], t2);
    relClose(ends[2], t3);
    expect([t1, t2, t3]).toEqual([2.4, 4, 5.6]);
    expect(flows.every((f) => f.state === 'done')).toBe(true);
    expect(net.totals.bytesDelivered).toBe(7e9);
  });

  it('shares a two-link route max-min (parking lot) and adds the route latency once', () => {
    const t = new Topology();
    for (const name of ['A', 'B', 'C']) t.addEndpoint({ name, site: name, region: 'R', kind: 'storage' });
    t.addLink({ name: 'L1', capacity: 10, latency: 0.5, linkClass: 'wan' });
    t.addLink({ name: 'L2', capacity: 5, latency: 1.5, linkClass: 'wan' });
    t.setRoute('A', 'C', ['L1', 'L2']);
    t.setRoute('A', 'B', ['L1']);
    t.setRoute('B', 'C', ['L2']);
    const sim = new Simulation();
    const net = new FlowNetwork(sim, t);
    const ends: Record<string, number> = {};
    const long = net.start('A', 'C', 100, (f) => (ends.long = f.endTime));
    const first = net.start('A', 'B', 100, (f) => (ends.first = f.endTime));
    const second = net.start('B', 'C', 100, (f) => (ends.second = f.endTime));
    sim.run(1.9);
    // At 1.9 s: long (latency 2 s) not yet in; first alone on L1 since 0.5 s, second alone on L2 since 1.5 s.
    expect(long.state).toBe('latency');
    expect([first.rate, second.rate]).toEqual([10, 5]);
    sim.run(2);
    // L2 binds long and second at 2.5 each; first takes the rest of L1.
    expect([long.rate, first.rate, second.rate]).toEqual([2.5, 7.5, 2.5]);
    sim.run();
    // first: 15 B by 2 s, then 85 B at 7.5/s → 2 + 85/7.5; second: 2.5 B by 2 s, then at 2.5/s until first is
    // done (no change on L2), so 97.5/2.5 → 41 s; long: 2.5/s until 41 s (97.5 B), then 5/s → 41.5 s.
    relClose(ends.first, 2 + 85 / 7.5);
    relClose(ends.second, 41);
    relClose(ends.long, 41.5);
  });

  it('holds a flow to its own cap', () => {
    const sim = new Simulation();
    const net = new FlowNetwork(sim, oneLink(GBPS10));
    let end = NaN;
    net.start('A', 'B', 1e9, (f) => (end = f.endTime), { cap: GBPS10 / 10 });
    const other = net.start('A', 'B', 1e9, () => undefined);
    sim.run(0);
    relClose(other.rate, GBPS10 * 0.9);
    sim.run();
    relClose(end, 8);
  });

  it('stalls flows on a cut link and resumes them on restore, with the right total time', () => {
    const sim = new Simulation();
    const net = new FlowNetwork(sim, oneLink(GBPS10, 0.25));
    const bytes = 10e9; // 8 s at 10 Gb/s
    let end = NaN;
    const flow = net.start('A', 'B', bytes, (f) => (end = f.endTime));
    scheduleLinkFaults(sim, net, [{ link: 'L', start: 2.25, duration: 3, capacityFraction: 0 }]);
    const seen: number[] = [];
    sim.at(4, () => seen.push(flow.rate, net.remaining(flow)));
    sim.run();
    expect(seen[0]).toBe(0);
    relClose(seen[1], bytes - 2 * GBPS10);
    relClose(end, 0.25 + 8 + 3);
    expect(net.linkCapacity('L')).toBe(GBPS10);
  });

  it('leaves a flow on a link cut for good stalled, with no event pending', () => {
    const sim = new Simulation();
    const net = new FlowNetwork(sim, oneLink(100));
    const flow = net.start('A', 'B', 1000, () => expect.unreachable());
    scheduleLinkFaults(sim, net, [{ link: 'L', start: 5, duration: Infinity, capacityFraction: 0 }]);
    sim.run();
    expect(sim.pending).toBe(0);
    expect(sim.now).toBe(10);
    expect([flow.state, flow.rate, net.remaining(flow)]).toEqual(['active', 0, 500]);
  });

  it('slows flows on a degraded link; overlapping faults multiply', () => {
    const sim = new Simulation();
    const net = new FlowNetwork(sim, oneLink(GBPS10));
    let end = NaN;
    net.start('A', 'B', 10e9, (f) => (end = f.endTime));
    scheduleLinkFaults(sim, net, [
      { link: 'L', start: 1, duration: 4, capacityFraction: 0.5 },
      { link: 'L', start: 2, duration: 1, capacityFraction: 0.5 },
    ]);
    const capacities: number[] = [];
    for (const t of [1.5, 2.5, 3.5, 5.5]) sim.at(t, () => capacities.push(net.linkCapacity('L')));
    sim.run();
    expect(capacities).toEqual([GBPS10 / 2, GBPS10 / 4, GBPS10 / 2, GBPS10]);
    // Seconds of full capacity lost: 3 s at a half (1.5 s) and 1 s at a quarter (0.75 s).
    relClose(end, 8 + 1.5 + 0.75);
  });

  it('counts the bytes an aborted or interrupted flow moved as wasted, and re-shares its bandwidth', () => {
    const sim = new Simulation();
    const net = new FlowNetwork(sim, oneLink(100));
    let keptEnd = NaN;
    let broken: Flow | undefined;
    const doomed = net.start('A', 'B', 1000, () => expect.unreachable());
    net.start('A', 'B', 1000, (f) => (keptEnd = f.endTime));
    net.start('A', 'B', 1000, (f) => (broken = f), { interruptAfter: 50 });
    sim.at(2, () => net.abort(doomed));
    sim.run();
    // 3 flows at 100/3 until the interrupted one has moved 50 B (1.5 s); 2 at 50 until the abort at 2 s;
    // the survivor then alone: 50 + 25 moved by 2 s, 925 left at 100 → 11.25 s.
    relClose(broken?.endTime ?? NaN, 1.5);
    expect(broken?.state).toBe('aborted');
    expect(doomed.state).toBe('aborted');
    relClose(keptEnd, 11.25);
    relClose(net.totals.bytesWasted, 50 + 75);
    expect(net.totals).toMatchObject({
      flowsStarted: 3,
      flowsCompleted: 1,
      flowsAborted: 2,
      bytesDelivered: 1000,
    });
    relClose(net.carriedBytes()[0], 1125);
  });

  it('conserves bytes: delivered = requested, and per link class = bytes × links of that class crossed', () => {
    const topology = buildRegionalTopology({
      endpoints: [
        { name: 'BNL', site: 'BNL-ATLAS', region: 'US', access: 12.5e9 },
        { name: 'ALCF', site: 'ALCF', region: 'US', kind: 'dtn', access: 12.5e9 },
        { name: 'CERN', site: 'CERN-PROD', region: 'EU', access: 12.5e9 },
        { name: 'CERN-TAPE', site: 'CERN-PROD', region: 'EU', access: 2.5e9 },
        { name: 'FZK', site: 'FZK-LCG2', region: 'EU', access: 5e9 },
      ],
      regions: [
        { name: 'US', backbone: 50e9, latency: 0.02 },
        { name: 'EU', backbone: 50e9, latency: 0.01 },
      ],
      interRegion: [{ between: ['US', 'EU'], capacity: 42.5e9, latency: 0.04, linkClass: 'transatlantic' }],
    });
    const sim = new Simulation();
    const net = new FlowNetwork(sim, topology);
    const rng = new RandomStreams(11).stream('test/flows');
    const names = topology.endpoints.map((e) => e.name);
    const expected: Record<string, number> = {};
    let requested = 0;
    let done = 0;
    for (let i = 0; i < 300; i++) {
      const src = names[Math.floor(rng.next() * names.length)];
      const dst = names[Math.floor(rng.next() * names.length)];
      const bytes = 1e6 * (1 + Math.floor(rng.next() * 5000)); // whole bytes: sums are exact
      requested += bytes;
      for (const l of topology.route(src, dst).links) {
        const c = topology.links[l].linkClass;
        expected[c] = (expected[c] ?? 0) + bytes;
      }
      sim.at(rng.next() * 60, () => net.start(src, dst, bytes, () => done++));
    }
    sim.run();
    expect(done).toBe(300);
    expect(net.liveFlows).toBe(0);
    expect(net.totals.bytesRequested).toBe(requested);
    expect(net.totals.bytesDelivered).toBe(requested);
    expect(net.bytesByLinkClass()).toEqual(expected);
    expect(Object.keys(expected).sort()).toEqual(['access', 'transatlantic', 'wan']);
  });
});
