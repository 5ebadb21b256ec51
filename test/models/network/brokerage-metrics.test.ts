import { describe, expect, it } from 'vitest';
import { linkMbps, networkWeight } from '@pandasim/panda';
import { Simulation } from '../../../sim/engine.ts';
import { RandomStreams } from '../../../sim/random.ts';
import { toNetworkMetrics } from '../../../models/network/brokerage-metrics.ts';
import { FlowNetwork } from '../../../models/network/flow-network.ts';
import { buildRegionalTopology } from '../../../models/network/regional-topology.ts';
import { PRODUCTION_OUTPUT, TransferMetrics } from '../../../models/network/transfer-metrics.ts';
import { GlobusTransferService } from '../../../models/globus/transfer-service.ts';

const R = 1.25e9;

function world() {
  const topology = buildRegionalTopology({
    endpoints: [
      { name: 'CERN', site: 'CERN-PROD', region: 'EU', access: R },
      { name: 'BNL', site: 'BNL-ATLAS', region: 'US', access: R },
      { name: 'ALCF', site: 'ALCF', region: 'US', kind: 'dtn', access: 2 * R },
    ],
    regions: [{ name: 'EU' }, { name: 'US' }],
    interRegion: [{ between: ['EU', 'US'], capacity: 42.5e9, latency: 0.04, linkClass: 'transatlantic' }],
  });
  const sim = new Simulation();
  const network = new FlowNetwork(sim, topology);
  const metrics = new TransferMetrics();
  const service = new GlobusTransferService(
    sim,
    network,
    new RandomStreams(3).stream('globus/transfer'),
    { faultProbability: 0, hardFailureProbability: 0 },
    metrics,
  );
  return { sim, topology, metrics, service };
}

const files = (n: number, bytes: number) => Array.from({ length: n }, (_, i) => ({ name: `f${i}`, bytes }));

describe('link metrics fed to the brokerage', () => {
  it('report the files queued and the per-file throughput of the transfers that happened', () => {
    const { sim, topology, metrics, service } = world();
    const snapshot = (now: number) =>
      toNetworkMetrics(metrics, now, {
        closeness: (a, b) => topology.closeness(a, b),
        sitePairs: [['CERN-PROD', 'ALCF']],
      });
    // Σ bytes / Σ seconds over the files; the seconds are sums of float steps, hence closeTo (1e-9 MB/s).
    const cernBnl = expect.closeTo(1e9 / (0.04 + 3.2) / 1e6, 9);
    const bnlAlcf = expect.closeTo(2e9 / 6.4 / 1e6, 9);
    // 8 files of 1 GB CERN → BNL at t = 0: 4 at a time share BNL's access link (R/4 each), so each file takes
    // 0.04 s of latency + 3.2 s of data. 4 files of 2 GB BNL → ALCF at t = 2 h: R/4 each, 6.4 s of data.
    service.submit({
      user: 'p',
      source: 'CERN',
      destination: 'BNL',
      files: files(8, 1e9),
      activity: PRODUCTION_OUTPUT,
    });
    sim.at(7200, () =>
      service.submit({
        user: 'p',
        source: 'BNL',
        destination: 'ALCF',
        files: files(4, 2e9),
        activity: PRODUCTION_OUTPUT,
      }),
    );
    const during: number[] = [];
    sim.at(19, () => during.push(snapshot(19)['BNL-ATLAS']['CERN-PROD'].productionOutputQueued ?? NaN));
    sim.at(3000, () =>
      expect(snapshot(3000)).toEqual({
        'BNL-ATLAS': {
          'CERN-PROD': {
            productionOutputQueued: 0,
            mbps1h: cernBnl,
            mbps1d: cernBnl,
            mbps1w: cernBnl,
            closeness: 5,
          },
        },
        ALCF: { 'CERN-PROD': { closeness: 5 } },
      }),
    );
    sim.run();
    // At 19 s the first round (15.5 → 18.74 s) is done and the second under way.
    expect(during).toEqual([4]);
    const later = snapshot(7300);
    // The CERN → BNL files are more than an hour old: no 1 h row, so PanDA's code reads the 1 d value.
    expect(later['BNL-ATLAS']['CERN-PROD']).toEqual({
      productionOutputQueued: 0,
      mbps1d: cernBnl,
      mbps1w: cernBnl,
      closeness: 5,
    });
    expect(linkMbps(later['BNL-ATLAS']['CERN-PROD'], 'code')).toBeCloseTo(1e9 / 3.24 / 1e6, 9);
    expect(later.ALCF['BNL-ATLAS']).toEqual({
      productionOutputQueued: 0,
      mbps1h: bnlAlcf,
      mbps1d: bnlAlcf,
      mbps1w: bnlAlcf,
      closeness: 1,
    });
    // The brokerage's network weight reads them: > 200 MB/s gives the top throughput weight 2.
    const w = networkWeight('BNL-ATLAS', 'ALCF', later.ALCF['BNL-ATLAS'], false, {
      NQUEUED_SAT_CAP: 150,
      NW_QUEUE_IMPORTANCE: 0.5,
      mbpsVariant: 'code',
    });
    expect(w.throughputWeight).toBe(2);
  });
});
