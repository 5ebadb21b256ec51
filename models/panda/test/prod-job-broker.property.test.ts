import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { brokerProductionJobs } from '../src/brokerage/prod-job-broker.ts';
import { resolveProdJobBrokerOptions } from '../src/brokerage/prod-options.ts';
import { prepareQueueCatalog } from '../src/brokerage/queue-catalog.ts';
import { prepareQueueStateView } from '../src/brokerage/queue-state-view.ts';
import type { QueueState, ResourceTypeSpec, SiteSpec } from '../src/snapshot/queue.ts';
import type { InputChunk, TaskSpec } from '../src/snapshot/task.ts';
import type { BrokerageSnapshot } from '../src/snapshot/world.ts';

const SHARE = 'MC Simulation Full';
const GB = 1024 ** 3;
const RESOURCE_TYPES: ResourceTypeSpec[] = [
  { resource_name: 'SCORE', mincore: 1, maxcore: 1, minrampercore: null, maxrampercore: 2000 },
  { resource_name: 'MCORE', mincore: 2, maxcore: null, minrampercore: null, maxrampercore: 2000 },
];

const count = fc.integer({ min: 0, max: 400 });

const queueArb = fc.record({
  status: fc.constantFrom('online', 'online', 'online', 'standby', 'offline', 'brokeroff'),
  unified: fc.boolean(),
  coreCount: fc.constantFrom(0, 1, 8),
  maxrss: fc.constantFrom(0, 2000, 16000, 32000),
  maxtime: fc.constantFrom(0, 86400, 172800, 864000),
  pledgedCPU: fc.constantFrom(-1, 0, 0, 1000),
  maxwdir: fc.constantFrom(0, 5000, 40000),
  nucleus: fc.boolean(),
  useOnlyLocal: fc.boolean(),
  running: fc.integer({ min: 0, max: 2000 }),
  activated: count,
  assigned: count,
  starting: count,
  defined: count,
  transferring: fc.integer({ min: 0, max: 3000 }),
  pilots: fc.constantFrom(0, 5, 100, 100),
  workers: fc.integer({ min: 0, max: 40 }),
  siteFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  queuedOnLink: fc.integer({ min: 0, max: 200 }),
  mbps: fc.option(fc.double({ min: 0, max: 400, noNaN: true }), { nil: undefined }),
});

const taskArb = fc.record({
  coreCount: fc.constantFrom<number | null>(null, 0, 1, 8),
  currentPriority: fc.integer({ min: 50, max: 1100 }),
  ramCount: fc.constantFrom(0, 1000, 2000, 4000),
  ioIntensity: fc.constantFrom<number | null>(null, 100, 300, 600),
  t1Weight: fc.constantFrom(0, 0, 0, -1, 2),
  withNucleus: fc.boolean(),
  useScout: fc.constantFrom(false, false, false, true),
  totalGB: fc.constantFrom(0, 5, 50),
  nwActive: fc.boolean(),
});

type Q = typeof queueArb extends fc.Arbitrary<infer T> ? T : never;
type T = typeof taskArb extends fc.Arbitrary<infer U> ? U : never;

function build(qs: Q[], t: T): { snapshot: BrokerageSnapshot; task: TaskSpec; chunk: InputChunk } {
  const queues: SiteSpec[] = [];
  const queueStates: Record<string, QueueState> = {};
  const links: Record<
    string,
    { productionOutputQueued: number; mbps1w?: number; mbps1d?: number; mbps1h?: number }
  > = {};
  const available: NonNullable<InputChunk['availableFiles']> = {};
  const nFiles = 100;
  const nucleusSites: string[] = [];
  qs.forEach((q, k) => {
    const name = `PQ${k}`;
    const site = q.nucleus ? 'NUC' : `SITE${k}`;
    if (q.nucleus) nucleusSites.push(name);
    queues.push({
      sitename: name,
      pandasite: site,
      cloud: 'WORLD',
      type: 'production',
      status: q.status as SiteSpec['status'],
      capability: q.unified ? 'ucore' : undefined,
      coreCount: q.coreCount,
      corepower: 10,
      maxrss: q.maxrss,
      minrss: 0,
      maxtime: q.maxtime,
      mintime: 0,
      maxwdir: q.maxwdir,
      maxinputsize: 0,
      pledgedCPU: q.pledgedCPU,
      transferringlimit: 0,
      use_only_local_data: q.useOnlyLocal,
    });
    queueStates[name] = {
      jobsByShare: {
        [SHARE]: {
          nRunning: q.running,
          nActivated: q.activated,
          nAssigned: q.assigned,
          nStarting: q.starting,
          nDefined: q.defined,
          nTransferring: q.transferring,
        },
      },
      getJob: q.pilots,
      updateJob: 0,
      nWorkers: q.workers,
    };
    links[site] = { productionOutputQueued: q.queuedOnLink, mbps1w: q.mbps, mbps1d: q.mbps, mbps1h: q.mbps };
    const files = Math.round(q.siteFraction * nFiles);
    available[name] = { siteFiles: files, siteSize: (t.totalGB * GB * files) / nFiles };
  });
  const snapshot: BrokerageSnapshot = {
    now: 1e6,
    queues,
    resourceTypes: RESOURCE_TYPES,
    queueStates,
    ddmEndpoints: {},
    nuclei: { NUC: { name: 'NUC', state: 'ACTIVE', allPandaSites: nucleusSites } },
    network: { NUC: links },
    liveCount: { PQ0: 7 },
  };
  const task: TaskSpec = {
    jediTaskID: 1,
    prodSourceLabel: 'managed',
    gshare: SHARE,
    currentPriority: t.currentPriority,
    coreCount: t.coreCount,
    ramCount: t.ramCount,
    ramUnit: 'MBPerCore',
    // seconds per input byte: 1 GB per job ⇒ ~3 h
    walltime: 1e-5,
    walltimeUnit: 's',
    ioIntensity: t.ioIntensity,
    t1Weight: t.t1Weight,
    nucleus: t.withNucleus ? 'NUC' : undefined,
    resource_type: t.coreCount === 8 ? 'MCORE' : 'SCORE',
  };
  const chunk: InputChunk = {
    datasets: t.totalGB > 0 ? [{ datasetName: 'ds', isMaster: true, nFiles }] : [],
    nFiles: t.totalGB > 0 ? nFiles : 0,
    totalSize: t.totalGB * GB,
    maxAtomSize: GB,
    useScout: t.useScout,
    availableFiles: available,
  };
  return { snapshot, task, chunk };
}

const scenario = fc.tuple(fc.array(queueArb, { minLength: 1, maxLength: 30 }), taskArb);

describe('production job brokerage properties', () => {
  it('candidates: ≤ 10, weights finite and ≥ 0, bootstrap first then by weight, never excluded, every PQ accounted for', () => {
    fc.assert(
      fc.property(scenario, ([qs, t]) => {
        const { snapshot, task, chunk } = build(qs, t);
        const options = resolveProdJobBrokerOptions({ NW_ACTIVE: t.nwActive });
        const catalog = prepareQueueCatalog(snapshot);
        const d = brokerProductionJobs(snapshot, task, chunk, options, catalog);
        expect(d.candidates.length).toBeLessThanOrEqual(10);
        expect(d.ok).toBe(d.candidates.length > 0);
        const excluded = new Set(d.excluded.map((e) => e.siteName));
        for (const c of d.candidates) {
          expect(Number.isFinite(c.weight) && c.weight >= 0).toBe(true);
          expect(Number.isFinite(c.factors.weight) && c.factors.weight >= 0).toBe(true);
          expect(c.bootstrap).toBe(c.weight === 0);
          expect(excluded.has(c.siteName)).toBe(false);
        }
        const firstNonBoot = d.candidates.findIndex((c) => !c.bootstrap);
        if (firstNonBoot >= 0) {
          const rest = d.candidates.slice(firstNonBoot);
          expect(rest.every((c) => !c.bootstrap)).toBe(true);
          for (let k = 1; k < rest.length; k++)
            expect(rest[k - 1].weight).toBeGreaterThanOrEqual(rest[k].weight);
        }
        if (d.failure?.step !== 1) {
          const seen = [...d.candidates, ...d.jumboCandidates]
            .map((c) => c.siteName)
            .concat(d.excluded.map((e) => e.siteName));
          const scanned = catalog.specs.map((q) => q.sitename);
          expect(seen.sort()).toEqual(scanned.sort());
        }
      }),
      { numRuns: 300 },
    );
  });

  it('without explanations gives the same candidates and the same counts per reason', () => {
    fc.assert(
      fc.property(scenario, ([qs, t]) => {
        const { snapshot, task, chunk } = build(qs, t);
        const catalog = prepareQueueCatalog(snapshot);
        const view = prepareQueueStateView(catalog, snapshot.queueStates);
        const full = brokerProductionJobs(
          snapshot,
          task,
          chunk,
          resolveProdJobBrokerOptions(),
          catalog,
          view,
        );
        const quiet = brokerProductionJobs(
          snapshot,
          task,
          chunk,
          resolveProdJobBrokerOptions({ explain: false }),
          catalog,
          view,
        );
        expect(quiet.candidates).toEqual(full.candidates);
        expect(quiet.excluded).toEqual([]);
        const counted: Record<string, number> = {};
        for (const e of full.excluded) counted[e.code] = (counted[e.code] ?? 0) + 1;
        expect(quiet.excludedCounts).toEqual(counted);
        expect(full.excludedCounts).toEqual(counted);
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic and leaves the snapshot untouched', () => {
    fc.assert(
      fc.property(scenario, ([qs, t]) => {
        const { snapshot, task, chunk } = build(qs, t);
        const before = structuredClone(snapshot);
        const a = brokerProductionJobs(snapshot, task, chunk);
        const b = brokerProductionJobs(snapshot, task, chunk);
        expect(a).toEqual(b);
        expect(snapshot).toEqual(before);
      }),
      { numRuns: 100 },
    );
  });
});
