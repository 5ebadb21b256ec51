import { describe, expect, it } from 'vitest';
import { brokerTask, brokerTasksInCycle } from '../src/brokerage/task-brokerage.ts';
import { resolveTaskBrokerageOptions } from '../src/brokerage/task-brokerage-options.ts';
import { nucleusWeight } from '../src/brokerage/task-nucleus-weight.ts';
import {
  remainingWorkState,
  taskWorldRemainingWork,
  type NucleusWorkload,
  type RemainingWorkState,
} from '../src/brokerage/task-remaining-work.ts';
import { DATASET, GB, dataset, env, task, world } from './task-brokerage-fixture.ts';

const SHARE = 'MC Simulation Full';

function rwState(entries: Record<string, number>, priority = 500): RemainingWorkState {
  const pool: NucleusWorkload[] = Object.entries(entries).map(([nucleus, remainingWork]) => ({
    nucleus,
    currentPriority: priority,
    share: SHARE,
    remainingWork,
  }));
  return remainingWorkState(pool, SHARE, [priority]);
}

const NO_RW = rwState({});

describe('brokerage.md §10 E8 — nucleus weights', () => {
  // N1 holds the 100 GB input on disk; N2 holds it completely but half of it only on tape.
  const snapshot = world(
    [
      { name: 'N1', freeGB: 512000, totalGB: 2048000 },
      { name: 'N2', freeGB: 1200 * 1024, totalGB: 2400 * 1024 },
    ],
    {
      [DATASET]: [
        { rse: 'N1_DATADISK', found: 100, bytes: 100 * GB },
        { rse: 'N2_DATADISK', found: 50, bytes: 50 * GB },
        { rse: 'N2_TAPE', found: 100, bytes: 100 * GB },
      ],
    },
  );
  const t = task({ ioIntensity: 300, inputDatasets: [dataset(100, 100 * GB)] });
  const rw = rwState({ N1: 1_000_000, N2: 20 });

  it('weighs N1 at 1.25e-4 and N2 at 0.5 with every factor reported', () => {
    const d = brokerTask(t, env(snapshot), rw);
    expect(d.outcome).toBe('brokered');
    const [n1, n2] = d.weights;
    expect(n1).toMatchObject({ nucleus: 'N1', remainingWork: 1_000_000, dataFraction: 1, tapePenalty: null });
    expect(n1.rwFactor).toBe(1e-6);
    expect(n1.freeFraction).toBe(0.25);
    expect(n1.freeTB).toBe(500);
    expect(n1.freeTerm).toBe(500);
    expect(n1.weight).toBeCloseTo(1.25e-4, 15);
    expect(n2).toMatchObject({
      nucleus: 'N2',
      rwFactor: 1,
      dataFraction: 1,
      tapePenalty: 0.001,
      freeFraction: 0.5,
    });
    expect(n2.freeTB).toBe(1200);
    expect(n2.freeTerm).toBe(1000);
    expect(n2.weight).toBeCloseTo(0.5, 15);
    expect(n2.weight / (n1.weight + n2.weight)).toBeCloseTo(0.99975, 6);
  });

  it('draws by walking the weights: U < P(N1) picks N1, anything above picks N2', () => {
    expect(brokerTask(t, env(snapshot, { rng: () => 0.0002 }), rw).nucleus).toBe('N1');
    expect(brokerTask(t, env(snapshot, { rng: () => 0.00026 }), rw).nucleus).toBe('N2');
    expect(brokerTask(t, env(snapshot, { rng: () => 0.999 }), rw).nucleus).toBe('N2');
  });
});

describe('RW factor (brokerage.md §9.11)', () => {
  const opts = resolveTaskBrokerageOptions();
  const w = (rw: number | undefined) =>
    nucleusWeight('N', { remainingWork: rw, data: null, freeSpace: null }, {}, opts);
  it('is 1 below 50 and 1/RW from 50 on — a real discontinuity of the code', () => {
    expect(w(undefined).weight).toBe(1);
    expect(w(49).weight).toBe(1);
    expect(w(50).weight).toBe(0.02);
    expect(w(1000).weight).toBe(0.001);
  });
  it('applies the data fraction only for tasks with unknown IO or IO above 200 kB/s', () => {
    const data = { totSize: 100, totNum: 10, avaSizeDisk: 40, avaSizeAny: 40, avaNumDisk: 4, avaNumAny: 4 };
    const at = (ioIntensity: number | null) =>
      nucleusWeight('N', { remainingWork: 0, data, freeSpace: null }, { ioIntensity }, opts);
    expect(at(null).dataFraction).toBe(0.4);
    expect(at(201).weight).toBe(0.4);
    expect(at(200).dataFraction).toBeNull();
    expect(at(200).weight).toBe(1);
  });
});

describe('remaining work', () => {
  it('is (nEvents − nEventsUsed) × cpuTime over master datasets, mHS06 divided by 1000, 300 if cpuTime unset', () => {
    const ds = [
      { isMaster: true, nEvents: 1000, nEventsUsed: 200 },
      { isMaster: false, nEvents: 5000, nEventsUsed: 0 },
    ];
    expect(taskWorldRemainingWork({ cpuTime: 10, cpuTimeUnit: 'HS06sPerEvent' }, ds)).toBe(8000);
    expect(taskWorldRemainingWork({ cpuTime: 5000, cpuTimeUnit: 'mHS06sPerEvent' }, ds)).toBe(4000);
    expect(taskWorldRemainingWork({ cpuTime: null }, ds)).toBe(240000);
  });
  it('per nucleus counts the batch share at priority ≥ p; the full map counts everything', () => {
    const pool: NucleusWorkload[] = [
      { nucleus: 'N1', currentPriority: 600, share: SHARE, remainingWork: 10 },
      { nucleus: 'N1', currentPriority: 400, share: SHARE, remainingWork: 100 },
      { nucleus: 'N1', currentPriority: 900, share: 'Other', remainingWork: 1000 },
    ];
    const s = remainingWorkState(pool, SHARE, [500, 300]);
    expect(s.byPriority.get(500)?.get('N1')).toBe(10);
    expect(s.byPriority.get(300)?.get('N1')).toBe(110);
    expect(s.full.get('N1')).toBe(1110);
  });
});

describe('nucleus filters', () => {
  const two = () => world([{ name: 'N1' }, { name: 'N2' }]);

  it('status: only ACTIVE nuclei', () => {
    const d = brokerTask(task(), env(world([{ name: 'N1' }, { name: 'N2', state: 'OFFLINE' }])), NO_RW);
    expect(d.weights.map((w) => w.nucleus)).toEqual(['N1']);
    expect(d.dropped).toEqual([{ nucleus: 'N2', reason: 'status', detail: 'status=OFFLINE' }]);
  });

  it('transfer backlog: more than 2000 queued output files over all sources; skipped for negative t1Weight', () => {
    const s = two();
    s.network = {
      N1: { A: { productionOutputQueued: 1500 }, B: { productionOutputQueued: 500 } },
      N2: { A: { productionOutputQueued: 1500 }, B: { productionOutputQueued: 501 } },
    };
    const d = brokerTask(task(), env(s), NO_RW);
    expect(d.weights.map((w) => w.nucleus)).toEqual(['N1']);
    expect(d.dropped[0]).toMatchObject({ nucleus: 'N2', reason: 'transfer_backlog' });
    expect(brokerTask(task({ t1Weight: -1 }), env(s), NO_RW).dropped).toEqual([]);
  });

  it('endpoint: missing endpoint, read_wan / write_wan down', () => {
    const s = world([
      { name: 'N1' },
      { name: 'N2', disk: { detailed_status: { read_wan: 'OFF' } } },
      { name: 'N3', disk: { detailed_status: { write_wan: 'TEST' } } },
      { name: 'N4', nucleus: { endpointsByToken: {} }, disk: { type: 'SCRATCHDISK' } },
    ]);
    const d = brokerTask(task(), env(s), NO_RW);
    expect(d.weights.map((w) => w.nucleus)).toEqual(['N1']);
    expect(d.dropped.map((x) => [x.nucleus, x.reason])).toEqual([
      ['N2', 'source_blacklist'],
      ['N3', 'destination_blacklist'],
      ['N4', 'match'],
    ]);
  });

  it('endpoint: the token also matches an RSE type once ATLAS is removed', () => {
    const s = world([{ name: 'N1', nucleus: { endpointsByToken: {} } }]);
    expect(brokerTask(task(), env(s), NO_RW).nucleus).toBe('N1');
  });

  it('endpoint: usable − projected demand must stay ≥ DISK_THRESHOLD (100 TB)', () => {
    const s = world([
      { name: 'N1', freeGB: 102400 },
      { name: 'N2', freeGB: 102400 },
    ]);
    // 3 456 000 HS06·s of full RW = 4 core-days at corepower 10 → int(0.25 × 4) = 1 GB projected.
    const pool: NucleusWorkload[] = [
      { nucleus: 'N2', currentPriority: 1, share: 'Other', remainingWork: 3_456_000 },
    ];
    const d = brokerTask(task(), env(s), remainingWorkState(pool, SHARE, [500]));
    expect(d.weights.map((w) => w.nucleus)).toEqual(['N1']);
    expect(d.dropped[0]).toMatchObject({ nucleus: 'N2', reason: 'space' });
    const perQueue = brokerTask(
      task({ workQueueName: 'wq' }),
      env(s, { options: { DISK_THRESHOLD_BY_WORK_QUEUE: { wq: 101 } } }),
      NO_RW,
    );
    expect(perQueue.outcome).toBe('failed');
  });

  it('job check: a nucleus needs a passing PQ of its own ATLAS site (pseudo names resolve to the parent)', () => {
    const d = brokerTask(task(), env(two(), { jobCheck: () => ['N1_PQ/SCORE'] }), NO_RW);
    expect(d.weights.map((w) => w.nucleus)).toEqual(['N1']);
    expect(d.dropped[0]).toMatchObject({ nucleus: 'N2', reason: 'job' });
  });

  describe('data locality', () => {
    const replicas = (n1Files: number, n1Bytes: number) => ({
      [DATASET]: [
        { rse: 'N1_DATADISK', found: n1Files, bytes: n1Bytes },
        { rse: 'N2_DATADISK', found: 200, bytes: 100 * GB },
      ],
    });

    it('drops a nucleus with < 10 % of the bytes (input > 1 GB)', () => {
      const s = world([{ name: 'N1' }, { name: 'N2' }], replicas(19, 9 * GB));
      const d = brokerTask(task({ inputDatasets: [dataset(200, 100 * GB)] }), env(s), NO_RW);
      expect(d.dataCheck).toBe('applied');
      expect(d.dropped[0]).toMatchObject({ nucleus: 'N1', reason: 'insize' });
    });

    it('drops a nucleus with < 10 % of the files (more than 100 files)', () => {
      const s = world([{ name: 'N1' }, { name: 'N2' }], replicas(19, 50 * GB));
      const d = brokerTask(task({ inputDatasets: [dataset(200, 100 * GB)] }), env(s), NO_RW);
      expect(d.dropped[0]).toMatchObject({ nucleus: 'N1', reason: 'innum' });
    });

    it('keeps pre-staging tasks wherever some files are', () => {
      const s = world([{ name: 'N1' }, { name: 'N2' }], replicas(1, 1 * GB));
      const d = brokerTask(
        task({ inputPreStaging: true, inputDatasets: [dataset(200, 100 * GB)] }),
        env(s),
        NO_RW,
      );
      expect(d.dropped).toEqual([]);
    });

    it('is disabled when nobody qualifies and the task is low-IO, and then weights ignore data', () => {
      const s = world([{ name: 'N1' }], {
        [DATASET]: [
          { rse: 'N1_DATADISK', found: 1, bytes: 1 * GB },
          { rse: 'ELSEWHERE', found: 200, bytes: 100 * GB },
        ],
      });
      const d = brokerTask(
        task({ ioIntensity: 100, inputDatasets: [dataset(200, 100 * GB)] }),
        env(s),
        NO_RW,
      );
      expect(d.dataCheck).toBe('disabled');
      expect(d.nucleus).toBe('N1');
      expect(d.weights[0].dataFraction).toBeNull();
      const hot = brokerTask(
        task({ ioIntensity: 300, inputDatasets: [dataset(200, 20000 * GB)] }),
        env(s),
        NO_RW,
      );
      expect(hot.outcome).toBe('failed');
    });

    it('is skipped after 7 days in assigning', () => {
      const s = world([{ name: 'N1' }], replicas(1, 1 * GB));
      const d = brokerTask(task({ frozenTime: 0, inputDatasets: [dataset(200, 100 * GB)] }), env(s), NO_RW);
      expect(d.dataCheck).toBe('skipped');
      expect(d.nucleus).toBe('N1');
    });

    it('fails the task when no complete replica is readable over WAN', () => {
      const s = world(
        [{ name: 'N1', disk: { detailed_status: { read_wan: 'OFF' } } }],
        replicas(200, 100 * GB),
      );
      s.replicas = { [DATASET]: [{ rse: 'N1_DATADISK', found: 200, bytes: 100 * GB }] };
      const d = brokerTask(task({ inputDatasets: [dataset(200, 100 * GB)] }), env(s), NO_RW);
      expect(d.outcome).toBe('failed');
      expect(d.failure).toContain('read_wan=ON');
    });
  });

  it('full chain: bare-nucleus-only nuclei take only full-chain tasks, and a child follows its parent', () => {
    const s = world([
      { name: 'N1', nucleus: { bareNucleus: 'only' } },
      { name: 'N2' },
      { name: 'N3', nucleus: { bareNucleus: 'allow' } },
    ]);
    expect(brokerTask(task(), env(s), NO_RW).dropped).toEqual([
      { nucleus: 'N1', reason: 'full_chain', detail: 'only full-chain tasks are allowed' },
    ]);
    const req = brokerTask(task({ fullChainMode: 'require' }), env(s), NO_RW);
    expect(req.weights.map((w) => w.nucleus)).toEqual(['N1', 'N3']);
    const child = brokerTask(task({ fullChainMode: 'capable', parentFullChainNucleus: 'N3' }), env(s), NO_RW);
    expect(child.nucleus).toBe('N3');
  });

  it('a task with a nucleus keeps it without scoring', () => {
    const d = brokerTask(task({ nucleus: 'N2' }), env(two()), NO_RW);
    expect(d).toMatchObject({ outcome: 'preassigned', nucleus: 'N2', weights: [] });
  });
});

describe('one cycle', () => {
  // 10000 events × 10 HS06·s per event: every task carries 1e5 of RW; the input is on disk at every nucleus.
  const everywhere = (...names: string[]) =>
    world(
      names.map((name) => ({ name })),
      { [DATASET]: names.map((n) => ({ rse: `${n}_DATADISK`, found: 100, bytes: 10 * GB })) },
    );
  const withInput = (id: number, currentPriority = 500) =>
    task({ jediTaskID: id, currentPriority, inputDatasets: [dataset(100, 10 * GB)] });

  it('adds each decided task to its nucleus so the next identical task goes elsewhere', () => {
    const decisions = brokerTasksInCycle(
      [withInput(1), withInput(2)],
      env(everywhere('N1', 'N2'), { rng: () => 0.3 }),
      [],
    );
    expect(decisions.map((d) => d.nucleus)).toEqual(['N1', 'N2']);
    expect(decisions[0].remainingWork).toBe(100000);
    // For task 2, N1 weighs 1/1e5 × 1 (data) × 0.5 (free fraction) × 500 (free TB).
    expect(decisions[1].weights[0].remainingWork).toBe(100000);
    expect(decisions[1].weights[0].weight).toBeCloseTo(0.0025, 12);
  });

  it('updates only the priority maps at or below the decided task priority', () => {
    const [, high, low] = brokerTasksInCycle(
      [withInput(1, 500), withInput(2, 600), withInput(3, 400)],
      env(everywhere('N1')),
      [],
    );
    expect(high.weights[0].remainingWork).toBe(0);
    expect(low.weights[0].remainingWork).toBe(200000);
  });
});
