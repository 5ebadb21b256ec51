import { describe, expect, it } from 'vitest';
import { brokerProductionJobs, checkQueuesForTaskBrokerage } from '../src/brokerage/prod-job-broker.ts';
import { networkWeight } from '../src/brokerage/network-weight.ts';
import { resolveProdJobBrokerOptions, type ProdJobBrokerOverrides } from '../src/brokerage/prod-options.ts';
import type { ProdBrokerageDecision, ProdExclusion } from '../src/brokerage/prod-decision.ts';
import { splitJobs } from '../src/brokerage/job-splitter.ts';
import type { DdmEndpoint } from '../src/snapshot/data.ts';
import type { LinkMetrics } from '../src/snapshot/network.ts';
import type { JobCounts, QueueState, SiteSpec } from '../src/snapshot/queue.ts';
import type { InputChunk, TaskSpec } from '../src/snapshot/task.ts';
import type { BrokerageSnapshot } from '../src/snapshot/world.ts';

const GB = 1024 ** 3;
const SHARE = 'MC Simulation Full';

function pq(sitename: string, o: Partial<SiteSpec> = {}): SiteSpec {
  return {
    sitename,
    pandasite: sitename,
    cloud: 'WORLD',
    type: 'production',
    status: 'online',
    coreCount: 1,
    corepower: 10,
    maxrss: 0,
    minrss: 0,
    maxtime: 0,
    mintime: 0,
    maxwdir: 0,
    maxinputsize: 0,
    pledgedCPU: 0,
    transferringlimit: 0,
    ...o,
  };
}

function counts(c: Partial<JobCounts>): JobCounts {
  return { nDefined: 0, nAssigned: 0, nActivated: 0, nStarting: 0, nRunning: 0, nTransferring: 0, ...c };
}

function st(c: Partial<JobCounts>, extra: Partial<QueueState> = {}): QueueState {
  return { jobsByShare: { [SHARE]: counts(c) }, getJob: 10, updateJob: 10, ...extra };
}

function world(
  queues: SiteSpec[],
  queueStates: Record<string, QueueState>,
  extra: Partial<BrokerageSnapshot> = {},
): BrokerageSnapshot {
  return {
    now: 100 * 3600,
    queues,
    resourceTypes: [],
    queueStates,
    ddmEndpoints: {},
    nuclei: {},
    network: {},
    ...extra,
  };
}

function task(o: Partial<TaskSpec> = {}): TaskSpec {
  return {
    jediTaskID: 42,
    prodSourceLabel: 'managed',
    gshare: SHARE,
    currentPriority: 500,
    coreCount: 1,
    ramCount: 0,
    ramUnit: 'MBPerCore',
    walltime: 1,
    walltimeUnit: 's',
    ...o,
  };
}

function chunk(o: Partial<InputChunk> = {}): InputChunk {
  return { datasets: [], nFiles: 0, totalSize: 0, maxAtomSize: 0, ...o };
}

function inputChunk(totalGB: number, nFiles: number, avail: InputChunk['availableFiles'] = {}): InputChunk {
  return chunk({
    datasets: [{ datasetName: 'mc.EVNT', isMaster: true, nFiles }],
    nFiles,
    totalSize: totalGB * GB,
    maxAtomSize: GB,
    availableFiles: avail,
  });
}

function broker(
  queues: SiteSpec[],
  states: Record<string, QueueState>,
  t: TaskSpec = task(),
  c: InputChunk = chunk(),
  opts: ProdJobBrokerOverrides = {},
  extra: Partial<BrokerageSnapshot> = {},
): ProdBrokerageDecision {
  return brokerProductionJobs(world(queues, states, extra), t, c, resolveProdJobBrokerOptions(opts));
}

function reasonOf(d: ProdBrokerageDecision, site: string): ProdExclusion | undefined {
  return d.excluded.find((e) => e.siteName === site);
}

function names(d: ProdBrokerageDecision): string[] {
  return d.candidates.map((c) => c.siteName);
}

// A queue that passes everything, to keep the list non-empty when testing one filter on another PQ.
const OK = pq('OK');
const OK_STATE = st({ nRunning: 10 });

/** Broker `q` next to a harmless PQ and return what happened to `q`. */
function single(
  q: SiteSpec,
  s: QueueState = OK_STATE,
  t: TaskSpec = task(),
  c: InputChunk = chunk(),
  opts: ProdJobBrokerOverrides = {},
  extra: Partial<BrokerageSnapshot> = {},
) {
  const d = broker([OK, q], { OK: OK_STATE, [q.sitename]: s }, t, c, opts, extra);
  return { d, passed: names(d).includes(q.sitename), reason: reasonOf(d, q.sitename) };
}

describe('brokerage.md §10 worked examples', () => {
  it('E1: basic production weight without input, ranking and caps', () => {
    const queues = [pq('A'), pq('B'), pq('C')];
    const states = {
      A: st({ nRunning: 100, nActivated: 20, nAssigned: 30, nStarting: 5, nDefined: 10 }),
      B: st({ nRunning: 10 }),
      C: st({}),
    };
    const d = broker(queues, states);
    expect(names(d)).toEqual(['A', 'B', 'C']);
    const [a, b, c] = d.candidates;
    expect(a.weight).toBeCloseTo(101 / 45, 12);
    expect(a.weight.toFixed(6)).toBe('2.244444');
    expect(b.weight).toBeCloseTo(1.1, 12);
    expect(c.weight).toBeCloseTo(0.1, 12);
    expect(a.nQueuedJobs).toBe(25);
    expect(a.nRunningJobsCap).toBe(200);
    expect(b.nQueuedJobs).toBe(0);
    expect(b.nRunningJobsCap).toBe(20);
  });

  it('E1: an empty PQ is bootstrapped at weight 0 and listed first when priority ≤ 150', () => {
    const states = { A: st({ nRunning: 100, nActivated: 20 }), B: st({ nRunning: 10 }), C: st({}) };
    const d = broker([pq('A'), pq('B'), pq('C')], states, task({ currentPriority: 150 }));
    expect(names(d)).toEqual(['C', 'A', 'B']);
    expect(d.candidates[0]).toMatchObject({ weight: 0, bootstrap: true });
    const split = splitJobs(d.candidates, { nJobs: 30, rng: () => 0.99 });
    expect(split.bunches[0]).toMatchObject({ siteName: 'C', nJobs: 25, bootstrap: true });
  });

  it('E2: input must be transferred, nAssigned counted', () => {
    const c = inputChunk(100, 200, { D: { siteSize: 20 * GB, siteFiles: 40 } });
    const d = broker([pq('D')], { D: st({ nRunning: 50, nActivated: 10, nAssigned: 40 }) }, task(), c);
    const cand = d.candidates[0];
    expect(cand.factors.manyAssigned).toBe(2);
    expect(cand.factors.basicWeight).toBeCloseTo(0.425, 12);
    expect(cand.factors.dataWeight.toFixed(6)).toBe('0.461538');
    expect(cand.weight.toFixed(6)).toBe('0.196154');
    expect(cand.nQueuedJobs).toBe(50);
    expect(cand.nRunningJobsCap).toBe(100);
  });

  it('E3: queue cap max(20, 2×running)', () => {
    const over = single(pq('E'), st({ nRunning: 5, nActivated: 30 }));
    expect(over.passed).toBe(false);
    expect(over.reason).toMatchObject({ code: 'cap', step: 26 });
    const at = single(pq('E'), st({ nRunning: 5, nActivated: 20 }));
    expect(at.passed).toBe(true);
  });

  it('E4: network weight terms', () => {
    const o = { NQUEUED_SAT_CAP: 150, NW_QUEUE_IMPORTANCE: 0.5, mbpsVariant: 'code' as const };
    const full: LinkMetrics = { productionOutputQueued: 30, mbps1w: 10, mbps1d: 10, mbps1h: 60 };
    const a = networkWeight('SAT', 'NUC', full, false, o);
    expect(a.queueWeight).toBe(1.8);
    expect(a.throughputWeight).toBe(1.6);
    expect(a.weight).toBe(1.7000000000000002);
    const b = networkWeight('SAT', 'NUC', { closeness: 3 }, false, o);
    expect(b.weight.toFixed(6)).toBe('1.863636');
    const none = networkWeight('SAT', 'NUC', undefined, false, o);
    expect(none.weight).toBeCloseTo(1.65, 12);
    const only1h = networkWeight('SAT', 'NUC', { mbps1h: 500, closeness: 0 }, false, o);
    expect(only1h.mbps).toBeNull();
    expect(only1h.throughputWeight).toBe(2);
    expect(networkWeight('NUC', 'NUC', full, false, o).weight).toBe(2.5);
    expect(networkWeight('SAT', 'NUC', { mbps1h: 500 }, false, { ...o, mbpsVariant: 'docs' }).mbps).toBe(500);
  });

  it('E4: express tasks with NW_ACTIVE reject links below NW_THRESHOLD', () => {
    const queues = [
      pq('N', { pandasite: 'NUC' }),
      pq('S1', { pandasite: 'S1SITE' }),
      pq('S2', { pandasite: 'S2SITE' }),
    ];
    const states = { N: st({ nRunning: 10 }), S1: st({ nRunning: 10 }), S2: st({ nRunning: 10 }) };
    const extra: Partial<BrokerageSnapshot> = {
      nuclei: { NUC: { name: 'NUC', state: 'ACTIVE', allPandaSites: ['N'] } },
      network: { NUC: { S1SITE: { expressQueued: 30, mbps1w: 60, mbps1d: 60, mbps1h: 60 } } },
    };
    const d = broker(
      queues,
      states,
      task({ nucleus: 'NUC', currentPriority: 1001 }),
      chunk(),
      { NW_ACTIVE: true },
      extra,
    );
    expect(d.task.isExpress).toBe(true);
    expect(names(d)).toContain('S1');
    expect(reasonOf(d, 'S2')).toMatchObject({ code: 'lowNetworkWeight' });
    expect(d.candidates.every((c) => c.nRunningJobsCap === null)).toBe(true);
  });

  it('E5: full ranking with NW active, selection probabilities and weight decay', () => {
    const queues = [
      pq('N', { pandasite: 'NUC' }),
      pq('S1', { pandasite: 'S1SITE' }),
      pq('S2', { pandasite: 'S2SITE' }),
      pq('S3', { pandasite: 'S3SITE' }),
    ];
    const states = {
      N: st({ nRunning: 200, nActivated: 50, nStarting: 10 }),
      S1: st({ nRunning: 100, nActivated: 20, nDefined: 5 }),
      S2: st({ nRunning: 10, nActivated: 30 }),
      S3: st({}),
    };
    const extra: Partial<BrokerageSnapshot> = {
      nuclei: { NUC: { name: 'NUC', state: 'ACTIVE', allPandaSites: ['N'] } },
      network: { NUC: { S1SITE: { productionOutputQueued: 15, mbps1w: 120, mbps1d: 120, mbps1h: 120 } } },
    };
    const c = inputChunk(50, 100, { N: { siteSize: 50 * GB, siteFiles: 100 } });
    const d = broker(queues, states, task({ nucleus: 'NUC' }), c, { NW_ACTIVE: true }, extra);
    expect(names(d)).toEqual(['N', 'S1', 'S3']);
    const [n, s1, s3] = d.candidates;
    expect(n.factors.basicWeight.toFixed(6)).toBe('2.871429');
    expect(n.factors.dataWeight).toBe(2);
    expect(n.factors.t1Weight).toBe(1);
    expect(n.factors.networkWeight).toBe(2.5);
    expect(n.weight.toFixed(6)).toBe('14.357143');
    expect(n.nQueuedJobs).toBe(60);
    expect(n.nRunningJobsCap).toBe(400);
    expect(s1.factors.manyAssigned).toBe(1);
    expect(s1.factors.basicWeight.toFixed(6)).toBe('2.885714');
    expect(s1.factors.dataWeight).toBe(0.5);
    expect(s1.factors.networkWeight).toBeCloseTo(1.9, 12);
    expect(s1.weight.toFixed(6)).toBe('2.741429');
    expect(reasonOf(d, 'S2')).toMatchObject({ code: 'cap' });
    expect(s3.weight).toBeCloseTo(0.0825, 12);

    const total = n.weight + s1.weight + s3.weight;
    expect((n.weight / total).toFixed(6)).toBe('0.835637');
    expect((s1.weight / total).toFixed(6)).toBe('0.159561');
    expect((s3.weight / total).toFixed(6)).toBe('0.004802');
    const split = splitJobs(d.candidates, { nJobs: 50, rng: () => 0 });
    expect(split.bunches[0]).toMatchObject({ siteName: 'N', nJobs: 25, nQueuedAfter: 85 });
    expect(split.bunches[0].probability.toFixed(6)).toBe('0.835637');
    expect(split.bunches[0].weightAfter.toFixed(6)).toBe('10.183555');
    expect(split.bunches[1].probability.toFixed(6)).toBe('0.782900');
  });

  it('E6: t1Weight 4 for IO-intensive tasks, 100 at priority ≥ 900', () => {
    const queues = [pq('N', { pandasite: 'NUC' }), pq('S', { pandasite: 'SAT' })];
    const states = { N: st({ nRunning: 4 }), S: st({ nRunning: 4 }) };
    const extra: Partial<BrokerageSnapshot> = {
      nuclei: { NUC: { name: 'NUC', state: 'ACTIVE', allPandaSites: ['N'] } },
    };
    const io = broker(queues, states, task({ nucleus: 'NUC', ioIntensity: 600 }), chunk(), {}, extra);
    expect(io.task.t1Weight).toBe(4);
    expect(io.candidates.find((c) => c.siteName === 'N')!.weight).toBe(2);
    expect(io.candidates.find((c) => c.siteName === 'S')!.weight).toBe(0.5);
    const high = broker(
      queues,
      states,
      task({ nucleus: 'NUC', ioIntensity: 600, currentPriority: 900 }),
      chunk(),
      {},
      extra,
    );
    expect(high.task.t1Weight).toBe(100);
    expect(high.candidates[0]).toMatchObject({ siteName: 'N', weight: 50 });
  });

  it('E6: negative t1Weight keeps nucleus PQs and only the one running most jobs of all shares', () => {
    const queues = [
      pq('N1', { pandasite: 'NUC' }),
      pq('N2', { pandasite: 'NUC' }),
      pq('N3', { pandasite: 'NUC' }),
      pq('S'),
    ];
    const other = (n: number): QueueState => ({
      jobsByShare: { [SHARE]: counts({ nRunning: 5 }), Other: counts({ nRunning: n }) },
      getJob: 1,
      updateJob: 1,
    });
    const states = { N1: other(50), N2: other(80), N3: other(30), S: other(500) };
    const extra: Partial<BrokerageSnapshot> = {
      nuclei: { NUC: { name: 'NUC', state: 'ACTIVE', allPandaSites: ['N1', 'N2', 'N3'] } },
    };
    const d = broker(queues, states, task({ nucleus: 'NUC', t1Weight: -1 }), chunk(), {}, extra);
    expect(d.task.t1Weight).toBe(1);
    expect(names(d)).toEqual(['N2']);
    expect(reasonOf(d, 'S')).toMatchObject({ code: 't1weight', step: 19 });
    expect(reasonOf(d, 'N1')).toMatchObject({ code: 't1_weight' });
    expect(reasonOf(d, 'N3')).toMatchObject({ code: 't1_weight' });
  });

  it('E6: bootstrap PQs survive a negative t1Weight only if scanned after the largest PQ', () => {
    const queues = [
      pq('N0', { pandasite: 'NUC' }),
      pq('N1', { pandasite: 'NUC' }),
      pq('N9', { pandasite: 'NUC' }),
    ];
    const states = { N0: st({}), N1: st({ nRunning: 40 }), N9: st({}) };
    const extra: Partial<BrokerageSnapshot> = {
      nuclei: { NUC: { name: 'NUC', state: 'ACTIVE', allPandaSites: ['N0', 'N1', 'N9'] } },
    };
    const d = broker(
      queues,
      states,
      task({ nucleus: 'NUC', t1Weight: -1, currentPriority: 100 }),
      chunk(),
      {},
      extra,
    );
    expect(names(d)).toEqual(['N9', 'N1']);
    expect(reasonOf(d, 'N0')).toMatchObject({ code: 't1_weight' });
  });

  it('E7: memory need int((2000×8 + 1000) × 0.9) = 15300 MB', () => {
    const t = task({ coreCount: 8, ramCount: 2000, ramUnit: 'MBPerCore', baseRamCount: 1000 });
    const mk = (o: Partial<SiteSpec>) => single(pq('M', { coreCount: 8, ...o }), OK_STATE, t);
    const okMcore = pq('OK', { coreCount: 8 });
    const d = broker([okMcore, pq('M', { coreCount: 8, maxrss: 16000 })], { OK: OK_STATE, M: OK_STATE }, t);
    expect(names(d)).toContain('M');
    expect(d.task.ramCount).toBe(2000);
    expect(mk({ maxrss: 15000 }).reason).toMatchObject({ code: 'lowmemory', step: 11 });
    expect(mk({ maxrss: 15000 }).reason!.message).toContain('15300');
    expect(mk({ minrss: 16000 }).reason).toMatchObject({ code: 'highmemory', step: 11 });
  });

  it('E7: HS06 walltime limit and the scout rule', () => {
    const t = task({
      coreCount: 8,
      cpuTime: 100,
      cpuTimeUnit: 'HS06sPerEvent',
      cpuEfficiency: 90,
      baseWalltime: 0,
      walltime: null,
    });
    const c = chunk({ maxAtomNumEvents: 1000 });
    const site = pq('W', { coreCount: 8, corepower: 10, maxtime: 86400 });
    const queues = [pq('OK', { coreCount: 8 }), site];
    const states = { OK: OK_STATE, W: OK_STATE };
    const normal = broker(queues, states, t, c);
    expect(normal.task.minWalltime).toBe(100000);
    expect(names(normal)).toContain('W');
    const scout = broker(queues, states, t, { ...c, useScout: true });
    expect(reasonOf(scout, 'W')).toMatchObject({ code: 'scout_walltime', step: 14 });
    expect(reasonOf(scout, 'W')!.message).toContain('6220800');
  });
});

describe('§2.2 filters, one PQ passing and one dropped each', () => {
  it('status: online and standby pass, others and unified parents are dropped', () => {
    expect(single(pq('X', { status: 'standby' })).passed).toBe(true);
    expect(single(pq('X', { status: 'brokeroff' })).reason).toMatchObject({ code: 'status', step: 2 });
    expect(
      single(pq('X', { status: 'standby' }), OK_STATE, task(), chunk(), { variants: { status: 'docs' } })
        .reason,
    ).toMatchObject({
      code: 'status',
    });
  });

  it('link check: blocked links drop, full links are temporary, missing links pass', () => {
    const nuclei = { NUC: { name: 'NUC', state: 'ACTIVE', allPandaSites: ['OK'] } };
    const t = task({ nucleus: 'NUC' });
    const run = (link: LinkMetrics | undefined) =>
      single(
        pq('X', { pandasite: 'XS' }),
        OK_STATE,
        t,
        chunk(),
        {},
        {
          nuclei,
          network: { NUC: link ? { XS: link } : {} },
        },
      );
    expect(run(undefined).passed).toBe(true);
    expect(run({ closeness: -1 }).reason).toMatchObject({ code: 'link_unusable', temporary: false });
    expect(run({ productionOutputQueued: 150 }).reason).toMatchObject({
      code: 'link_unusable',
      temporary: true,
    });
    expect(run({ productionOutputQueued: 149 }).passed).toBe(true);
  });

  it('link check: an unwritable nucleus or a full nucleus holds back every satellite', () => {
    const rse: DdmEndpoint = {
      ddm_endpoint_name: 'NUC_DATADISK',
      site: 'NUC',
      detailed_status: { write_wan: 'OFF' },
    };
    const nuclei = {
      NUC: { name: 'NUC', state: 'ACTIVE', allPandaSites: ['OK'], defaultEndpointOut: 'NUC_DATADISK' },
    };
    const okAtNucleus = pq('OK', { pandasite: 'NUC' });
    const d = brokerProductionJobs(
      world(
        [okAtNucleus, pq('X')],
        { OK: OK_STATE, X: OK_STATE },
        { nuclei, ddmEndpoints: { NUC_DATADISK: rse } },
      ),
      task({ nucleus: 'NUC' }),
      chunk(),
    );
    expect(reasonOf(d, 'X')).toMatchObject({ code: 'dest_blacklisted', temporary: true });
    const full = brokerProductionJobs(
      world(
        [okAtNucleus, pq('X')],
        { OK: OK_STATE, X: OK_STATE },
        {
          nuclei: { NUC: { name: 'NUC', state: 'ACTIVE', allPandaSites: ['OK'] } },
          network: { NUC: { A: { productionOutputQueued: 6000 }, B: { productionOutputQueued: 4000 } } },
        },
      ),
      task({ nucleus: 'NUC' }),
      chunk(),
    );
    expect(reasonOf(full, 'X')).toMatchObject({ code: 'links_full' });
    expect(names(full)).toEqual(['OK']);
  });

  it('high priority avoids opportunistic PQs', () => {
    expect(single(pq('X', { pledgedCPU: -1 })).passed).toBe(true);
    expect(
      single(pq('X', { pledgedCPU: -1 }), OK_STATE, task({ currentPriority: 800 })).reason,
    ).toMatchObject({
      code: 'opportunistic',
      step: 4,
    });
  });

  it('inactive PQs (laststart older than 2 h with queued jobs) are temporary problems for scouts', () => {
    const stale = st({ nRunning: 10, nActivated: 1 }, { laststart: 100 * 3600 - 3 * 3600 });
    const c = chunk({ useScout: true });
    expect(single(pq('X'), stale, task(), c).reason).toMatchObject({
      code: 'inactive',
      step: 5,
      temporary: true,
    });
    expect(single(pq('X'), { ...stale, laststart: 100 * 3600 - 3600 }, task(), c).passed).toBe(true);
    expect(single(pq('X'), stale).passed).toBe(true);
  });

  it('zero share policy', () => {
    const policy = 'type=evgen:100%,priority>400:0%,type=any:50%';
    expect(
      single(pq('X', { fairsharePolicy: policy }), OK_STATE, task({ processingType: 'evgen' })).passed,
    ).toBe(true);
    expect(
      single(pq('X', { fairsharePolicy: policy }), OK_STATE, task({ processingType: 'simul' })).reason,
    ).toMatchObject({
      code: 'zeroshare',
      step: 6,
    });
    expect(
      single(
        pq('X', { fairsharePolicy: policy }),
        OK_STATE,
        task({ processingType: 'simul', currentPriority: 300 }),
      ).passed,
    ).toBe(true);
    expect(single(pq('X', { fairsharePolicy: 'gshare=MC*:0' })).reason).toMatchObject({ code: 'zeroshare' });
  });

  it('jumbo PQs only take jumbo tasks', () => {
    expect(single(pq('X', { useJumboJobs: true })).reason).toMatchObject({ code: 'jumbo', step: 7 });
    const few = single(
      pq('X', { useJumboJobs: true, minEventsForJumbo: 1000 }),
      OK_STATE,
      task({ nJumboJobs: 2 }),
      chunk({ nReadyEvents: 10 }),
    );
    expect(few.reason).toMatchObject({ code: 'fewevents' });
  });

  it('disk IO overload is temporary', () => {
    const busy = st({ nRunning: 10 }, { diskIoPerCore: 500 });
    expect(single(pq('X', { maxDiskio: 400 }), busy, task({ diskIO: 450 })).reason).toMatchObject({
      code: 'diskIO',
      temporary: true,
    });
    expect(single(pq('X', { maxDiskio: 400 }), busy, task({ diskIO: 350 })).passed).toBe(true);
  });

  it('core count: multi-core tasks need multi-core PQs and respect maxCoreCount', () => {
    const t8 = task({ coreCount: 8 });
    const okM = pq('OK', { coreCount: 8 });
    const run = (q: SiteSpec, t: TaskSpec) => broker([okM, q], { OK: OK_STATE, X: OK_STATE }, t);
    expect(reasonOf(run(pq('X', { coreCount: 1 }), t8), 'X')).toMatchObject({ code: 'cpucore', step: 9 });
    expect(names(run(pq('X', { coreCount: 16 }), t8))).toContain('X');
    expect(
      reasonOf(run(pq('X', { coreCount: 16 }), task({ coreCount: 8, maxCoreCount: 8 })), 'X'),
    ).toMatchObject({ code: 'max_cpucore' });
    expect(single(pq('X', { coreCount: 8 })).reason).toMatchObject({ code: 'cpucore' });
  });

  it('software: AUTO PQs are checked against their SW/HW JSON, ANY PQs pass plain tasks', () => {
    const t = task({ transHome: 'AtlasOffline-21.0.15', architecture: 'x86_64-el9-gcc13-opt@el9#x86_64' });
    const sw = {
      cmtconfigs: ['x86_64-el9-gcc13-opt'],
      containers: ['any'],
      cvmfs: ['atlas'],
      tags: [],
      cpu: { arch: ['x86_64'] },
    };
    const auto = pq('X', { releases: ['AUTO'], software: sw });
    expect(broker([auto], { X: OK_STATE }, t).candidates.map((c) => c.siteName)).toEqual(['X']);
    const any = pq('Y', { releases: ['ANY'] });
    const d = broker([auto, any], { X: OK_STATE, Y: OK_STATE }, t);
    expect(reasonOf(d, 'Y')).toMatchObject({ code: 'cache', step: 10 });
    const plain = task({ transHome: 'AtlasOffline-21.0.15' });
    expect(names(broker([auto, any], { X: OK_STATE, Y: OK_STATE }, plain))).toEqual(['X', 'Y']);
  });

  it('software: GPU tasks need a GPU PQ whose nodes meet the constraints; GPU-only PQs refuse CPU tasks', () => {
    const gpuSw = {
      cmtconfigs: [],
      containers: ['any'],
      cvmfs: ['atlas'],
      tags: [],
      gpu: {
        excl: true,
        nodes: [{ vendor: 'NVIDIA', model: 'A100-SXM4-40GB', vram: 40960, framework_version: '12.2' }],
      },
    };
    const gpuPq = pq('G', { releases: ['AUTO'], software: gpuSw });
    const cpuPq = pq('C', { releases: ['AUTO'], software: { ...gpuSw, gpu: undefined } });
    const states = { G: OK_STATE, C: OK_STATE };
    const gpuTask = task({
      transHome: 'AtlasOffline-21.0.15',
      architecture: '@el9&nvidia-A100:vram>=40000:cuda>=12.0',
    });
    const d = broker([gpuPq, cpuPq], states, gpuTask);
    expect(names(d)).toEqual(['G']);
    expect(reasonOf(d, 'C')).toMatchObject({ code: 'cache' });
    const tooBig = task({ transHome: 'AtlasOffline-21.0.15', architecture: '@el9&nvidia:vram>=80000' });
    expect(broker([gpuPq, cpuPq], states, tooBig).ok).toBe(false);
    const cpuTask = task({ transHome: 'AtlasOffline-21.0.15' });
    const c = broker([gpuPq, cpuPq], states, cpuTask);
    expect(names(c)).toEqual(['C']);
    expect(reasonOf(c, 'G')).toMatchObject({ code: 'cache' });
  });

  it('scratch disk, scaled by cores, and direct-IO-only tasks', () => {
    const t = task({ workDiskCount: 1000, workDiskUnit: 'MB' });
    const c = chunk({ maxAtomSize: 2000 * 1024 * 1024 });
    // need = 1500 (default output) + 1000 + 300 margin + 2000 input = 4800 MB
    expect(single(pq('X', { maxwdir: 4800 }), OK_STATE, t, c).passed).toBe(true);
    expect(single(pq('X', { maxwdir: 4799 }), OK_STATE, t, c).reason).toMatchObject({
      code: 'disk',
      step: 12,
    });
    expect(single(pq('X', { maxwdir: 2800, maxinputsize: -1 }), OK_STATE, t, c).passed).toBe(true);
    // maxwdir is per slot: an 8-core task gets all of it, a task of any core count (0) only an eighth
    const okM = pq('OK', { coreCount: 8 });
    const at8 = (maxwdir: number, coreCount: number) =>
      reasonOf(
        broker(
          [okM, pq('X', { maxwdir, coreCount: 8 })],
          { OK: OK_STATE, X: OK_STATE },
          task({ ...t, coreCount }),
          c,
        ),
        'X',
      );
    expect(at8(4800, 8)).toBeUndefined();
    expect(at8(8 * 4800, 0)).toBeUndefined();
    expect(at8(8 * 4800 - 1, 0)).toMatchObject({ code: 'disk' });
    expect(single(pq('X'), OK_STATE, task({ allowInputLAN: 'only' })).reason).toMatchObject({
      code: 'remoteio',
    });
    expect(
      single(pq('X', { direct_access_lan: true }), OK_STATE, task({ allowInputLAN: 'only' })).passed,
    ).toBe(true);
  });

  it('storage: too little usable space or blacklisted endpoints are temporary', () => {
    const rse = (o: Partial<DdmEndpoint>): DdmEndpoint => ({
      ddm_endpoint_name: 'X_DATADISK',
      site: 'X',
      type: 'DATADISK',
      ...o,
    });
    const q = pq('X', { ddm_output: 'X_DATADISK', ddm_input: 'X_DATADISK' });
    const run = (e: DdmEndpoint) =>
      single(q, OK_STATE, task(), chunk(), {}, { ddmEndpoints: { X_DATADISK: e } });
    expect(run(rse({ space_free: 300 })).passed).toBe(true);
    expect(run(rse({ space_free: 300, space_min_free: 150 })).reason).toMatchObject({
      code: 'se_space',
      temporary: true,
    });
    expect(run(rse({ space_free: 300, detailed_status: { read_lan: 'OFF' } })).reason).toMatchObject({
      code: 'read_lan_blacklist',
    });
    expect(run(rse({ space_free: 300, detailed_status: { write_wan: 'TEST' } })).reason).toMatchObject({
      code: 'write_wan_blacklist',
    });
  });

  it('walltime: job longer than the PQ limit, and PQs with a minimum', () => {
    const t = task({ walltime: 10 });
    const c = chunk({ maxAtomSize: 1000 });
    expect(single(pq('X', { maxtime: 10000 }), OK_STATE, t, c).passed).toBe(true);
    expect(single(pq('X', { maxtime: 9999 }), OK_STATE, t, c).reason).toMatchObject({
      code: 'shortwalltime',
      step: 14,
    });
    expect(single(pq('X', { mintime: 10001 }), OK_STATE, t, c).reason).toMatchObject({
      code: 'longwalltime',
    });
    const undefinedWalltime = task({ walltime: null, walltimeUnit: undefined });
    expect(single(pq('X', { maxtime: 86400 }), OK_STATE, undefinedWalltime).reason).toMatchObject({
      code: 'min_walltime',
    });
  });

  it('IP connectivity and stack', () => {
    const t = task({ ipConnectivity: 'http', ipStack: 'IPv6' });
    expect(single(pq('X', { wnconnectivity: 'none#IPv6' }), OK_STATE, t).reason).toMatchObject({
      code: 'network',
    });
    const okNet = pq('OK', { wnconnectivity: 'full#IPv6' });
    const d = broker(
      [okNet, pq('X', { wnconnectivity: 'http#IPv6' }), pq('Y', { wnconnectivity: 'full#IPv4' })],
      {
        OK: OK_STATE,
        X: OK_STATE,
        Y: OK_STATE,
      },
      t,
    );
    expect(names(d)).toEqual(['OK', 'X']);
    expect(reasonOf(d, 'Y')).toMatchObject({ code: 'network', step: 15 });
  });

  it('event service PQs', () => {
    expect(single(pq('X', { jobseed: 'es' })).reason).toMatchObject({ code: 'nones', step: 16 });
    const okEs = pq('OK', { jobseed: 'all' });
    const d = broker(
      [okEs, pq('X', { jobseed: 'eshigh' }), pq('Y')],
      { OK: OK_STATE, X: OK_STATE, Y: OK_STATE },
      task({ eventService: 1 }),
    );
    expect(reasonOf(d, 'X')).toMatchObject({ code: 'eshigh' });
    expect(reasonOf(d, 'Y')).toMatchObject({ code: 'es' });
  });

  it('too many transferring jobs is temporary', () => {
    const busy = st({ nRunning: 100, nTransferring: 2001 });
    expect(single(pq('X'), busy).reason).toMatchObject({ code: 'transferring', step: 17, temporary: true });
    expect(single(pq('X', { transferringlimit: 3000 }), busy).passed).toBe(true);
  });

  it('pledge under work shortage', () => {
    const o = { WORK_SHORTAGE: true };
    expect(single(pq('X', { pledgedCPU: -1 }), OK_STATE, task(), chunk(), o).reason).toMatchObject({
      code: 'non_pledged',
      step: 18,
    });
    const busy = st({ nRunning: 10 }, { nCoresRunningStarting: 1001 });
    expect(single(pq('X', { pledgedCPU: 1000 }), busy, task(), chunk(), o).reason).toMatchObject({
      code: 'over_pledged',
    });
    expect(single(pq('X', { pledgedCPU: 1000 }), busy).passed).toBe(true);
  });

  it('max IO intensity and full chain', () => {
    expect(
      single(pq('X', { max_io_intensity: 100 }), OK_STATE, task({ ioIntensity: 150 })).reason,
    ).toMatchObject({
      code: 'max_io_intensity',
      step: 20,
    });
    const nuclei = { NUC: { name: 'NUC', state: 'ACTIVE', allPandaSites: ['OK'] } };
    expect(
      single(pq('X', { bareNucleus: 'only' }), OK_STATE, task({ nucleus: 'NUC' }), chunk(), {}, { nuclei })
        .reason,
    ).toMatchObject({
      code: 'not_full_chain',
      step: 21,
    });
    const bare = { NUC: { ...nuclei.NUC, bareNucleus: 'only' as const } };
    const d = single(
      pq('X'),
      OK_STATE,
      task({ nucleus: 'NUC', fullChain: true }),
      chunk(),
      {},
      { nuclei: bare },
    );
    expect(d.reason).toMatchObject({ code: 'full_chain' });
  });

  it('PQs without pilots are temporary problems unless numSlots are configured', () => {
    const idle = st({ nRunning: 10 }, { getJob: 0, updateJob: 0 });
    expect(single(pq('X'), idle).reason).toMatchObject({ code: 'nopilot', step: 22, temporary: true });
    expect(single(pq('X', { num_slots_map: { [SHARE]: { '*': 0 } } }), idle).passed).toBe(true);
    expect(single(pq('X'), idle, task({ prodSourceLabel: 'ptest' })).passed).toBe(true);
  });

  it('IO-intensive tasks avoid PQs that would need too much input moved', () => {
    const c = inputChunk(50, 200, { OK: { siteSize: 50 * GB, siteFiles: 200 } });
    const t = task({ ioIntensity: 300 });
    const d = single(pq('X'), OK_STATE, t, c);
    expect(d.reason).toMatchObject({ code: 'io', step: 24 });
    expect(single(pq('X'), OK_STATE, task({ ioIntensity: 100 }), c).passed).toBe(true);
  });

  it('PQs that must use local data are dropped when input is missing', () => {
    const c = inputChunk(10, 10, { OK: { siteSize: 10 * GB, siteFiles: 10 } });
    expect(single(pq('X', { use_only_local_data: true }), OK_STATE, task(), c).reason).toMatchObject({
      code: 'non_local',
    });
  });

  it('dataset completeness: no complete online replica fails the task', () => {
    const c = chunk({ datasets: [{ datasetName: 'ds', isMaster: true, nFiles: 100 }] });
    const replicas = { ds: [{ rse: 'R1', found: 50 }] };
    const d = broker([pq('X')], { X: OK_STATE }, task(), c, {}, { replicas });
    expect(d.ok).toBe(false);
    expect(d.failure).toMatchObject({ code: 'incomplete_input', step: 1 });
    const almost = broker(
      [pq('X')],
      { X: OK_STATE },
      task(),
      c,
      {},
      { replicas: { ds: [{ rse: 'R1', found: 90 }] } },
    );
    expect(almost.ok).toBe(true);
  });
});

describe('weights and caps (§2.4–2.5)', () => {
  it('adds the live counter to nDefined', () => {
    const d = broker([pq('A')], { A: st({ nRunning: 9 }) }, task(), chunk(), {}, { liveCount: { A: 10 } });
    expect(d.candidates[0].factors).toMatchObject({ nDefined: 10, liveCount: 10 });
    expect(d.candidates[0].weight).toBe(0.5);
  });

  it('docs variants: manyAssigned and the cap with nDefined', () => {
    const c = inputChunk(10, 10);
    const s = st({ nRunning: 10, nActivated: 4, nAssigned: 6, nDefined: 15 });
    const code = broker([pq('A')], { A: s }, task(), c);
    expect(code.candidates[0].factors.manyAssigned).toBe(1.4);
    const docs = broker([pq('A')], { A: s }, task(), c, { variants: { manyAssigned: 'docs', cap: 'docs' } });
    expect(docs.candidates).toHaveLength(0);
    expect(reasonOf(docs, 'A')).toMatchObject({ code: 'cap' });
  });

  it('UPS queues bootstrap nRunning from Harvester workers, numSlots from Harvester_Slots', () => {
    const ups = pq('U', { capability: 'ucore', workflow: 'pull_ups', coreCount: 8 });
    const rts = [
      { resource_name: 'SCORE', mincore: 1, maxcore: 1, minrampercore: null, maxrampercore: null },
    ];
    const low = task({ currentPriority: 100 });
    const d = broker(
      [ups],
      { U: st({ nRunning: 2 }, { nWorkers: 50 }) },
      low,
      chunk(),
      {},
      { resourceTypes: rts },
    );
    expect(d.candidates[0]).toMatchObject({ siteName: 'U/SCORE', nRunningJobs: 20 });
    expect(d.candidates[0].factors.nRunningBoost).toBe('workers');
    const slots = pq('H', { coreCount: 8, num_slots_map: { [SHARE]: { '*': 800 } } });
    const h = broker([slots], { H: st({ nRunning: 3 }) }, task({ currentPriority: 100, coreCount: 8 }));
    expect(h.candidates[0].nRunningJobs).toBe(100);
  });

  it('unified queues: pseudo queues per resource type, caps from resource-type statistics', () => {
    const parent = pq('UQ', { capability: 'ucore', coreCount: 8, maxrss: 16000 });
    const rts = [
      { resource_name: 'SCORE', mincore: 1, maxcore: 1, minrampercore: null, maxrampercore: 2000 },
      { resource_name: 'MCORE', mincore: 2, maxcore: null, minrampercore: null, maxrampercore: 2000 },
    ];
    const s: QueueState = {
      ...st({ nRunning: 4 }),
      jobsByResourceType: { [SHARE]: { SCORE: counts({ nRunning: 4, nActivated: 30 }) } },
    };
    const d = broker(
      [parent],
      { UQ: s },
      task({ resource_type: 'SCORE' }),
      chunk(),
      {},
      { resourceTypes: rts },
    );
    expect(reasonOf(d, 'UQ')).toMatchObject({ code: 'status' });
    expect(reasonOf(d, 'UQ/MCORE')).toMatchObject({ code: 'cpucore' });
    expect(reasonOf(d, 'UQ/SCORE')).toMatchObject({ code: 'cap_rt' });
    const ok = broker(
      [parent],
      { UQ: s },
      task({ resource_type: 'MCORE' }),
      chunk(),
      {},
      { resourceTypes: rts },
    );
    expect(names(ok)).toEqual(['UQ/SCORE']);
    expect(ok.candidates[0]).toMatchObject({ nQueuedJobs: 0, nRunningJobsCap: 20 });
  });

  it('keeps at most maxSiteCandidates, the rest marked low_weight', () => {
    const queues = Array.from({ length: 14 }, (_, k) => pq(`Q${k}`));
    const states = Object.fromEntries(queues.map((q, k) => [q.sitename, st({ nRunning: 10 * (k + 1) })]));
    const d = broker(queues, states);
    expect(d.candidates).toHaveLength(10);
    expect(d.candidates[0].siteName).toBe('Q13');
    expect(d.excluded.filter((e) => e.code === 'low_weight').map((e) => e.siteName)).toEqual([
      'Q3',
      'Q2',
      'Q1',
      'Q0',
    ]);
  });

  it('MIN_WEIGHT drops PQs below it', () => {
    const d = broker(
      [pq('A'), pq('B')],
      { A: st({ nRunning: 10 }), B: st({ nRunning: 1 }) },
      task(),
      chunk(),
      {
        MIN_WEIGHT: { [`managed_${SHARE}`]: 0.5 },
      },
    );
    expect(names(d)).toEqual(['A']);
    expect(reasonOf(d, 'B')).toMatchObject({ code: 'below_min_weight' });
  });

  it('reports no candidates when everything is dropped', () => {
    const d = broker([pq('A', { status: 'offline' })], { A: OK_STATE });
    expect(d.ok).toBe(false);
    expect(d.failure).toMatchObject({ code: 'no_candidates', step: 2 });
  });
});

describe('task brokerage hint mode', () => {
  it('returns the PQs passing the filters, temporary problems removed', () => {
    const queues = [pq('A'), pq('B', { status: 'offline' }), pq('C')];
    const states = { A: OK_STATE, B: OK_STATE, C: st({}, { getJob: 0, updateJob: 0 }) };
    const r = checkQueuesForTaskBrokerage(world(queues, states), task(), chunk(), ['A', 'B', 'C']);
    expect(r.passed).toEqual(['A']);
    expect(r.excluded.map((e) => [e.siteName, e.code])).toEqual([
      ['B', 'status'],
      ['C', 'nopilot'],
    ]);
  });
});
