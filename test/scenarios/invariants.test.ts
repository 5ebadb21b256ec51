/**
 * The run's invariants (issue #9): checked during every run, and each check catches what it is there for — a
 * violation stops the run with an InvariantViolation naming the invariant, the time and the detail.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../sim/engine.ts';
import { InvariantViolation } from '../../sim/invariant.ts';
import { RandomStreams } from '../../sim/random.ts';
import { DataMover } from '../../models/data/mover.ts';
import { GlobusTransferService } from '../../models/globus/transfer-service.ts';
import { FlowNetwork } from '../../models/network/flow-network.ts';
import { buildRegionalTopology } from '../../models/network/regional-topology.ts';
import { resolveScenario } from '../../scenarios/embedded.ts';
import { loadScenario } from '../../scenarios/load.ts';
import { policyByName } from '../../scenarios/policies/index.ts';
import { World } from '../../scenarios/world/world.ts';
import type { JobClassSummary } from '../../reports/summary.ts';

const small = loadScenario(resolveScenario('ml-detector-sim-small'));

function world(): World {
  return new World({ scenario: small, policy: policyByName('panda-brokerage'), seed: 1 });
}

describe('invariants checked during a run', () => {
  it('hold over a whole run of the small scenario, and are checked repeatedly, not only at the end', () => {
    const w = world();
    const summary = w.run();
    expect(summary.workflows[0].end).not.toBeNull();
    // Every sample may check; a check runs once enough events passed for it to cost little.
    expect(w.invariants.checks).toBeGreaterThan(10);
  });

  it('stop the run at the first check after a resource holds more cores than it has', () => {
    const w = world();
    const grid = w.catalog.resources.find((r) => r.kind === 'grid');
    if (grid === undefined) throw new Error('the small scenario has a grid site');
    // A provider holding more than the catalog gives the resource: the catalog is shrunk under it.
    (grid as { cores: number }).cores = 1;
    let caught: unknown;
    try {
      w.sim.run(6 * 3600);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvariantViolation);
    const violation = caught as InvariantViolation;
    expect(violation.invariant).toBe('resource capacity');
    // Stopped at one of the run's own checks, soon after the first pilot started.
    expect(violation.at).toBeGreaterThan(0);
    expect(violation.at).toBeLessThan(6 * 3600);
    expect(w.sim.now).toBe(violation.at);
    expect(violation.message).toMatch(
      new RegExp(
        `^invariant "resource capacity" violated at simulated time \\d+ s: ${grid.name}: workers hold \\d+ of 1 cores`,
      ),
    );
  });

  it('find a job table whose counts disagree with its jobs', () => {
    const w = world();
    w.sim.run(3600);
    const live = w.server.size;
    expect(live).toBeGreaterThan(0);
    // A job moved behind the server's back: its row says running, the counts still say where it was.
    const id = [...Array(100_000).keys()].find((n) => w.server.status(n) === 'activated');
    if (id === undefined) throw new Error('some job is activated after an hour');
    (w.server.job(id) as { jobStatus: string }).jobStatus = 'running';
    expect(() => w.invariants.checkAll()).toThrow(
      /invariant "job table" violated at simulated time 3600 s: counts: /,
    );
  });

  it('balance the totals at the end, per job class', () => {
    const w = world();
    const summary = w.run();
    const broken: JobClassSummary[] = summary.jobClasses.map((c, i) =>
      i === 0 ? { ...c, counts: { ...c.counts, finished: c.counts.finished - 1 } } : c,
    );
    expect(() => w.invariants.checkTotals(broken)).toThrow(
      new RegExp(`invariant "job totals" violated .*: ${broken[0].name}: \\d+ created ≠`),
    );
  });
});

describe('the kernel refuses to run time backwards', () => {
  it('throws an InvariantViolation when the next event lies before the clock', () => {
    const sim = new Simulation();
    sim.schedule(50, () => undefined);
    // Only a bug can do this: `now` is public for reading.
    sim.now = 100;
    expect(() => sim.step()).toThrow(InvariantViolation);
    expect(() => new Simulation().run()).not.toThrow();
  });
});

describe('conservation of bytes', () => {
  function network(sim: Simulation): FlowNetwork {
    const topology = buildRegionalTopology({
      endpoints: [
        { name: 'A_DATADISK', site: 'A', region: 'eu', access: 1e9 },
        { name: 'B_DATADISK', site: 'B', region: 'eu', access: 1e9 },
      ],
      regions: [{ name: 'eu', backbone: 1e10, latency: 0.01 }],
      interRegion: [],
    });
    return new FlowNetwork(sim, topology);
  }

  it('holds on the network through completions, interruptions, aborts and capacity cuts, and a link never carries more than its capacity', () => {
    const sim = new Simulation();
    const net = network(sim);
    net.start('A_DATADISK', 'B_DATADISK', 5e9, () => undefined);
    net.start('A_DATADISK', 'B_DATADISK', 3e9, () => undefined, { interruptAfter: 1e9 });
    const aborted = net.start('B_DATADISK', 'A_DATADISK', 4e9, () => undefined);
    sim.run(2);
    net.checkInvariants();
    net.abort(aborted);
    net.setLinkCapacity(0, 0);
    sim.run(10);
    net.checkInvariants();
    net.setLinkCapacity(0, net.nominalCapacity(0));
    sim.run();
    net.checkInvariants();
    expect(net.totals.bytesDelivered).toBe(5e9);
    expect(net.totals.flowsAborted).toBe(2);
  });

  it('holds in the data mover, and a copy that reports its end twice is caught', () => {
    const sim = new Simulation();
    const net = network(sim);
    const streams = new RandomStreams(1);
    const globus = new GlobusTransferService(sim, net, streams.stream('globus/transfer'));
    const locations = [
      { endpoint: 'A_DATADISK', site: 'A', region: 'eu', globus: false },
      { endpoint: 'B_DATADISK', site: 'B', region: 'eu', globus: false },
    ];
    const mover = new DataMover(sim, { network: net, globus, locations });
    let ended = 0;
    mover.move('A_DATADISK', 'B_DATADISK', 2e9, () => ended++);
    mover.move('B_DATADISK', 'A_DATADISK', 1e9, () => ended++);
    mover.checkInvariants();
    sim.run();
    mover.checkInvariants();
    expect(ended).toBe(2);
    expect(mover.bytesMoved.lan + mover.bytesMoved['wan-region']).toBe(3e9);

    // A network that reports a flow's end twice: the mover refuses the second report.
    const stuttering = {
      start: (_src: string, _dst: string, _bytes: number, onDone: (flow: { state: string }) => void) =>
        sim.schedule(1, () => {
          onDone({ state: 'done' });
          onDone({ state: 'done' });
        }),
    } as unknown as FlowNetwork;
    new DataMover(sim, { network: stuttering, globus, locations }).move(
      'A_DATADISK',
      'B_DATADISK',
      1e9,
      () => {},
    );
    expect(() => sim.run()).toThrow(
      'data mover: the copy A_DATADISK→B_DATADISK of 1000000000 bytes ended twice',
    );
  });
});
