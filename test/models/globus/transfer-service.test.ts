import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../sim/engine.ts';
import { RandomStreams } from '../../../sim/random.ts';
import { meanConfidenceInterval } from '../../../sim/stats/confidence.ts';
import { normalQuantile } from '../../../sim/stats/normal.ts';
import { FlowNetwork } from '../../../models/network/flow-network.ts';
import { buildRegionalTopology } from '../../../models/network/regional-topology.ts';
import { TransferMetrics } from '../../../models/network/transfer-metrics.ts';
import type { GlobusTransferParams } from '../../../models/globus/params.ts';
import { GlobusTransferService } from '../../../models/globus/transfer-service.ts';
import type { TransferFile, TransferTask } from '../../../models/globus/transfer-task.ts';

const R = 1.25e9; // 10 Gb/s
const LATENCY = 0.05; // two access links of 25 ms

/** A grid site's storage and an LCF DTN in one region: the route is SRC:out → DST:in, each of R bytes/s. */
function world(params: Partial<GlobusTransferParams>, seed = 1) {
  const topology = buildRegionalTopology({
    endpoints: [
      { name: 'SRC', site: 'BNL-ATLAS', region: 'US', access: R, accessLatency: LATENCY / 2 },
      { name: 'DST', site: 'ALCF', region: 'US', kind: 'dtn', access: R, accessLatency: LATENCY / 2 },
    ],
    regions: [{ name: 'US' }],
  });
  const sim = new Simulation();
  const network = new FlowNetwork(sim, topology);
  const metrics = new TransferMetrics();
  const rng = new RandomStreams(seed).stream('globus/transfer');
  const service = new GlobusTransferService(sim, network, rng, params, metrics);
  return { sim, network, metrics, service };
}

function files(n: number, bytes: number): TransferFile[] {
  return Array.from({ length: n }, (_, i) => ({ name: `f${i}`, bytes }));
}

const NO_FAULTS = { faultProbability: 0, hardFailureProbability: 0 };

/** 99.9% two-sided normal quantile, for binomial counts. */
const Z = normalQuantile(0.9995);

describe('Globus transfer task', () => {
  it('takes start-up + (N/C)·(per-file + latency + S/checksum) + N·S/R on an idle route', () => {
    const N = 40;
    const S = 2.5e9;
    for (const syncLevel of ['checksum', 'exists'] as const) {
      const { sim, service } = world(NO_FAULTS);
      let ended: TransferTask | undefined;
      const r = service.submit({
        user: 'prod',
        source: 'SRC',
        destination: 'DST',
        files: files(N, S),
        syncLevel,
        onEnd: (t) => (ended = t),
      });
      expect(r.accepted).toBe(true);
      sim.run();
      const checksum = syncLevel === 'checksum' ? S / 1e9 : 0;
      // 15 + 10 × (0.5 + 0.05 + 2.5) + 80 = 125.5 s with checksums, 100.5 s without.
      const expected = 15 + (N / 4) * (0.5 + LATENCY + checksum) + (N * S) / R;
      expect(expected).toBeCloseTo(syncLevel === 'checksum' ? 125.5 : 100.5, 9);
      expect(ended?.status).toBe('SUCCEEDED');
      expect(Math.abs((ended?.endTime ?? NaN) / expected - 1)).toBeLessThan(1e-9);
      expect(ended).toMatchObject({
        filesTransferred: N,
        bytesTransferred: N * S,
        faults: 0,
        niceStatus: null,
      });
    }
  });

  it('keeps concurrency files in flight, each a flow of the shared network', () => {
    const { sim, network, service } = world({ ...NO_FAULTS, concurrency: 3 });
    service.submit({ user: 'prod', source: 'SRC', destination: 'DST', files: files(7, 1e9) });
    const inFlight: number[] = [];
    for (const t of [10, 16, 18.2, 18.6, 21.5]) sim.at(t, () => inFlight.push(network.liveFlows));
    sim.run();
    // Start-up ends at 15 s; a round of 3 files takes 0.5 s of per-file overhead (no flow yet), then 0.05 s of
    // latency and 3e9/R = 2.4 s of data: 15–17.95 s, 17.95–20.9 s, then the last file alone for 1.35 s.
    expect(inFlight).toEqual([0, 3, 0, 3, 1]);
    expect(sim.now).toBeCloseTo(15 + 2 * 2.95 + 0.55 + 1e9 / R, 9);
  });

  it('holds each user to the active-task limit, queues the rest in order and refuses beyond the pending limit', () => {
    const { sim, service } = world({ ...NO_FAULTS, maxActiveTasksPerUser: 3, maxPendingTasksPerUser: 5 });
    const tasks: TransferTask[] = [];
    const submit = (user: string) => {
      const r = service.submit({ user, source: 'SRC', destination: 'DST', files: files(2, 1e9) });
      if (r.accepted) tasks.push(r.task);
      return r;
    };
    for (let i = 0; i < 5; i++) expect(submit('alice').accepted).toBe(true);
    expect(submit('alice')).toEqual({ accepted: false, reason: 'pending-limit' });
    expect(submit('bob').accepted).toBe(true);
    expect(service.activeTasks('alice')).toBe(3);
    expect(service.queuedTasks('alice')).toBe(2);
    expect(tasks.map((t) => t.niceStatus)).toEqual(['OK', 'OK', 'OK', 'Queued', 'Queued', 'OK']);
    expect(tasks.every((t) => t.status === 'ACTIVE')).toBe(true);
    // Once a task has ended there is room for one more.
    sim.at(60, () => expect(submit('alice').accepted).toBe(true));
    sim.run();
    const alice = tasks.filter((t) => t.request.user === 'alice');
    expect(alice).toHaveLength(6);
    expect(alice.every((t) => t.status === 'SUCCEEDED')).toBe(true);
    // Tasks start in submission order, the 4th when the first ends, and never more than 3 overlap.
    const starts = alice.map((t) => t.startTime);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    expect(alice[3].startTime).toBe(Math.min(...alice.slice(0, 3).map((t) => t.endTime)));
    for (const t of alice) {
      const overlapping = alice.filter((o) => o.startTime <= t.startTime && o.endTime > t.startTime).length;
      expect(overlapping).toBeLessThanOrEqual(3);
    }
    expect(
      Math.max(
        ...alice.map(
          (t) => alice.filter((o) => o.startTime <= t.startTime && o.endTime > t.startTime).length,
        ),
      ),
    ).toBe(3);
    expect(tasks[5].startTime).toBe(0);
  });

  /** Single-file tasks, far apart, each file capped at 100 MB/s so that links never bind. */
  function faultRun(p: number, n: number) {
    const { sim, service } = world(
      {
        faultProbability: p,
        hardFailureProbability: 0,
        parallelism: 1,
        streamRate: 1e8,
        maxActiveTasksPerUser: n,
      },
      7,
    );
    const ended: TransferTask[] = [];
    for (let i = 0; i < n; i++) {
      sim.at(200 * i, () =>
        service.submit({
          user: 'prod',
          source: 'SRC',
          destination: 'DST',
          files: files(1, 1e9),
          onEnd: (t) => ended.push(t),
        }),
      );
    }
    sim.run();
    return ended;
  }

  it('retries faulted files: attempts are geometric, each fault costs the retry delay', () => {
    for (const [p, n] of [
      [0.3, 3000],
      [0.05, 3000],
    ]) {
      const ended = faultRun(p, n);
      expect(ended).toHaveLength(n);
      expect(ended.every((t) => t.status === 'SUCCEEDED')).toBe(true);
      const attempts = ended.map((t) => t.faults + 1);
      const ci = meanConfidenceInterval(attempts, 0.999);
      expect(ci.lower).toBeLessThan(1 / (1 - p));
      expect(ci.upper).toBeGreaterThan(1 / (1 - p));
      // P(k attempts) = (1 − p)·p^(k−1), each frequency within its 99.9% binomial interval.
      for (let k = 1; k <= 3; k++) {
        const q = (1 - p) * p ** (k - 1);
        const count = attempts.filter((a) => a === k).length;
        expect(Math.abs(count - n * q)).toBeLessThan(Z * Math.sqrt(n * q * (1 - q)) + 1);
      }
      // A file moves at its 100 MB/s cap: 15 s start-up, then per attempt 0.5 s + 0.05 s + bytes moved / 1e8
      // (a faulted attempt moves a fraction of the 1 GB, i.e. 0–10 s), plus 60 s after each fault.
      for (const t of ended) {
        const extra = t.endTime - t.startTime - (15 + 0.55 + 10) - t.faults * (60 + 0.55);
        expect(extra).toBeGreaterThanOrEqual(-1e-9);
        expect(extra).toBeLessThanOrEqual(t.faults * 10 + 1e-9);
      }
    }
  });

  it('fails tasks hard at the hard-failure rate', () => {
    const n = 10_000;
    const { sim, service, network } = world({
      faultProbability: 0,
      maxActiveTasksPerUser: n,
      maxPendingTasksPerUser: n,
    });
    const ended: TransferTask[] = [];
    for (let i = 0; i < n; i++) {
      sim.at(30 * i, () =>
        service.submit({
          user: 'u',
          source: 'SRC',
          destination: 'DST',
          files: files(1, 1e8),
          onEnd: (t) => ended.push(t),
        }),
      );
    }
    sim.run();
    const failed = ended.filter((t) => t.status === 'FAILED');
    expect(Math.abs(failed.length - n * 0.01)).toBeLessThan(Z * Math.sqrt(n * 0.01 * 0.99));
    expect(failed.every((t) => t.failure === 'hard-failure' && t.filesTransferred === 0)).toBe(true);
    expect(network.totals.bytesDelivered).toBe((n - failed.length) * 1e8);
  });

  it('on a hard failure abandons the files in flight, keeps those transferred and unqueues the rest', () => {
    const { sim, service, network, metrics } = world({ faultProbability: 0, hardFailureProbability: 1 });
    const done: string[] = [];
    let ended: TransferTask | undefined;
    service.submit({
      user: 'u',
      source: 'SRC',
      destination: 'DST',
      files: files(12, 1e9),
      activity: 'Production Output',
      onFileDone: (f) => done.push(f.name),
      onEnd: (t) => (ended = t),
    });
    sim.run();
    expect(ended).toMatchObject({ status: 'FAILED', failure: 'hard-failure', faults: 1 });
    expect(ended?.filesTransferred).toBe(done.length);
    expect(done.length).toBeLessThan(12);
    expect(network.liveFlows).toBe(0);
    expect(network.totals.bytesDelivered).toBe(done.length * 1e9);
    expect(metrics.queuedFiles('BNL-ATLAS', 'ALCF', 'Production Output')).toBe(0);
  });
});
