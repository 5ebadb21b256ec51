// The production brokerage's fast path against its reference, on generated WORLDs (bench/catalog.ts) with many task
// shapes: the set-at-a-time filters of prod-world-filters.ts against the per-queue loop of prod-filters.ts, and
// quiet decisions on a view whose cycle memo has served many other tasks against decisions on a fresh view and
// against the explained decisions. The worlds are edited to reach the rarer exclusions, and the test checks that the
// comparisons met them.

import { describe, expect, it } from 'vitest';
import { generateWorld, type GeneratedWorld } from '../bench/catalog.ts';
import { seededRandom } from '../bench/seeded-random.ts';
import { buildProdContext } from '../src/brokerage/prod-context.ts';
import { runProdFilters } from '../src/brokerage/prod-filters.ts';
import { brokerProductionJobs } from '../src/brokerage/prod-job-broker.ts';
import { resolveProdJobBrokerOptions, type ProdJobBrokerOptions } from '../src/brokerage/prod-options.ts';
import { runWorldFilters, worldFiltersApply } from '../src/brokerage/prod-world-filters.ts';
import { prepareQueueCatalog, type QueueCatalog } from '../src/brokerage/queue-catalog.ts';
import { prepareQueueStateView, type QueueStateView } from '../src/brokerage/queue-state-view.ts';
import type { InputChunk, TaskSpec } from '../src/snapshot/task.ts';

type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];

const LOCAL_ONLY = 'LOCAL_ONLY_DISK';
const LOCAL_DATASET = 'mc23.local.only.EVNT';

// A generated world with queue limits, states, storage and network edited to reach every filter.
function world(seed: number): GeneratedWorld {
  const w = generateWorld(seededRandom(seed), { nQueues: 150 + 40 * (seed % 3), nAnalysisQueues: 10 });
  const rng = seededRandom(seed + 100);
  const s = w.snapshot;
  for (const q of s.queues) {
    if (q.type !== 'production') continue;
    const st = s.queueStates[q.sitename];
    const u = rng();
    if (u < 0.05) q.mintime = pick(rng, [1, 2, 3]) * 3600;
    else if (u < 0.08) q.max_io_intensity = 100;
    else if (u < 0.11) q.jobseed = 'eshigh';
    else if (u < 0.14) {
      q.maxDiskio = 500;
      // an inactive PQ with disk IO over its limit too, where the later mark must win
      if (rng() < 0.5) st.laststart = s.now - 5 * 3600;
    } else if (u < 0.17) {
      q.useJumboJobs = true;
      q.minEventsForJumbo = 1000;
    } else if (u < 0.2) q.bareNucleus = 'only';
    else if (u < 0.23) q.num_slots_map = { '*': { '*': pick(rng, [0, 40, 400]) } };
    else if (u < 0.26) q.wnconnectivity = 'full#IPv6';
    const shares = Object.values(st.jobsByShare);
    if (rng() < 0.04 && shares.length > 0) shares[0].nTransferring = 10 * shares[0].nRunning + 5000;
    if (rng() < 0.02) st.locked = true;
    // nearly idle PQs, where Harvester workers and numSlots boost nRunning for bootstrap-priority tasks
    if (rng() < 0.08) for (const c of shares) c.nRunning = Math.min(c.nRunning, pick(rng, [0, 3, 12]));
  }
  s.ddmEndpoints['NUC01_DATADISK'].detailed_status = { write_wan: 'OFF' };
  s.ddmEndpoints['SITE011_DATADISK'].detailed_status = { write_lan: 'OFF' };
  s.network['NUC02']['total'] = { productionOutputQueued: 20_000, expressQueued: 0 };
  s.nuclei['NUC03'] = { ...s.nuclei['NUC03'], bareNucleus: 'only' };
  s.nuclei['NUC05'] = { ...s.nuclei['NUC05'], bareNucleus: 'allow' };
  s.ddmEndpoints[LOCAL_ONLY] = {
    ddm_endpoint_name: LOCAL_ONLY,
    site: 'SITE012',
    type: 'DATADISK',
    detailed_status: { read_wan: 'OFF' },
  };
  s.replicas = { ...s.replicas, [LOCAL_DATASET]: [{ rse: LOCAL_ONLY, found: 100 }] };
  return w;
}

// A task and chunk drawn from the shapes that take different branches of the filters and the weighing.
function randomTask(w: GeneratedWorld, rng: Rng): { task: TaskSpec; chunk: InputChunk } {
  // few nuclei, so that tasks of a block share them: the edited ones and two plain ones
  const nuclei = ['NUC00', 'NUC01', 'NUC02', 'NUC03', 'NUC04', 'NUC05'];
  const queues = w.snapshot.queues.filter((q) => q.type === 'production').map((q) => q.sitename);
  const task: TaskSpec = {
    ...w.task,
    prodSourceLabel: pick(rng, ['managed', 'managed', 'managed', 'ptest']),
    currentPriority: pick(rng, [100, 150, 500, 800, 900, 1001]),
    coreCount: pick(rng, [null, 0, 1, 8, 8]),
    maxCoreCount: pick(rng, [undefined, undefined, 4]),
    ramCount: pick(rng, [0, 1000, 2000, 2000, 3000, 8000]),
    ramUnit: pick(rng, ['MBPerCore', 'MBPerCore', 'MB', 'MBPerCoreFixed'] as const),
    nucleus: pick(rng, [...nuclei, undefined]),
    ioIntensity: pick(rng, [null, 50, 300, 600]),
    diskIO: pick(rng, [undefined, 200, 5000]),
    t1Weight: pick(rng, [undefined, 0, 0, -1, 2]),
    processingType: pick(rng, ['simul', 'evgen', 'urgent', 'reprocessing']),
    eventService: pick(rng, [undefined, undefined, undefined, 1]),
    cpuTime: pick(rng, [undefined, 30, 300, 3000]),
    walltime: pick(rng, [undefined, 0, 3600, 600]),
    ipConnectivity: pick(rng, [undefined, undefined, 'http', 'full']),
    ipStack: pick(rng, [undefined, undefined, undefined, 'IPv4']),
    transHome: pick(rng, [w.task.transHome, w.task.transHome, undefined]),
    architecture: pick(rng, [
      w.task.architecture,
      'x86_64-el9-gcc13-opt@el9#x86_64-GenuineIntel-avx2',
      'x86_64-el9-clang1[0-9]-opt@el9',
      undefined,
    ]),
    nJumboJobs: pick(rng, [undefined, undefined, undefined, 3]),
    allowInputLAN: pick(rng, [undefined, 'use', 'only']),
    useLocalIO: pick(rng, [undefined, true]),
    resource_type: pick(rng, ['MCORE', 'SCORE', undefined]),
    fullChain: pick(rng, [undefined, undefined, true]),
    mergeOutput: pick(rng, [undefined, true]),
    workDiskCount: pick(rng, [2000, 20_000]),
    gshare: pick(rng, [w.task.gshare, w.task.gshare, 'Express', 'Data Derivations']),
    site: pick(rng, [
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      queues[3],
      `${queues[4]},${queues[9]}`,
    ]),
  };
  const chunk: InputChunk = {
    ...w.chunk,
    useScout: pick(rng, [false, false, true]),
    isMerging: pick(rng, [false, false, false, true]),
    nReadyEvents: pick(rng, [undefined, 10, 100_000]),
    useJumbo: pick(rng, [undefined, undefined, 'fake', 'only']),
    availableFiles: pick(rng, [w.chunk.availableFiles, undefined]),
    totalSize: pick(rng, [w.chunk.totalSize, w.chunk.totalSize, 0]),
    maxAtomSize: pick(rng, [w.chunk.maxAtomSize, w.chunk.maxAtomSize, 6 * 1024 ** 3]),
    datasets: pick(rng, [
      w.chunk.datasets,
      w.chunk.datasets,
      [{ datasetName: LOCAL_DATASET, isMaster: true, nFiles: 100 }],
    ]),
  };
  return { task, chunk };
}

function randomOptions(rng: Rng, explain: boolean): ProdJobBrokerOptions {
  return resolveProdJobBrokerOptions({
    explain,
    NW_ACTIVE: rng() < 0.5,
    WORK_SHORTAGE: rng() < 0.3,
    MIN_WEIGHT: rng() < 0.2 ? { managed: 0.05 } : {},
    variants: {
      status: pick(rng, ['code', 'docs'] as const),
      cap: pick(rng, ['code', 'docs'] as const),
      manyAssigned: pick(rng, ['code', 'docs'] as const),
      express: pick(rng, ['code', 'docs'] as const),
    },
  });
}

interface Prepared {
  w: GeneratedWorld;
  catalog: QueueCatalog;
  view: QueueStateView;
}

function prepared(seed: number): Prepared {
  const w = world(seed);
  const catalog = prepareQueueCatalog(w.snapshot);
  return { w, catalog, view: prepareQueueStateView(catalog, w.snapshot.queueStates) };
}

const SEEDS = [1, 2, 3, 4, 5];
// The memo starts afresh whenever a call brings another options object, so each world is brokered in blocks of
// tasks sharing one, as a simulator cycle shares its options.
const OPTION_BLOCKS = 3;
const TASKS_PER_BLOCK = 30;

// Exclusions the comparisons must have met for the test to mean something.
const REACHED = [
  'status',
  'link_unusable',
  'dest_blacklisted',
  'links_full',
  'opportunistic',
  'inactive',
  'zeroshare',
  'jumbo',
  'fewevents',
  'diskIO',
  'cpucore',
  'max_cpucore',
  'cache',
  'regexpcmtconfig',
  'lowmemory',
  'highmemory',
  'remoteio',
  'disk',
  'se_space',
  'read_lan_blacklist',
  'write_lan_blacklist',
  'source_blacklist',
  'shortwalltime',
  'scout_walltime',
  'min_walltime',
  'longwalltime',
  'network',
  'es',
  'eshigh',
  'nones',
  'es_ucore',
  'transferring',
  'non_pledged',
  'over_pledged',
  't1weight',
  'max_io_intensity',
  'full_chain',
  'not_full_chain',
  'nopilot',
  'io',
  'lock',
  'non_local',
  'cap',
  'lowNetworkWeight',
  'cap_rt',
  'below_min_weight',
  't1_weight',
  'low_weight',
];

describe('set-at-a-time filters of the WORLD scan', () => {
  it('give the per-queue loop’s survivors, counts and emptied step, first seen, built and memoised', () => {
    let compared = 0;
    for (const seed of SEEDS) {
      const { w, catalog, view } = prepared(seed);
      const rng = seededRandom(seed + 200);
      for (let block = 0; block < OPTION_BLOCKS; block++) {
        const o = randomOptions(rng, false);
        for (let k = 0; k < TASKS_PER_BLOCK; k++) {
          const { task, chunk } = randomTask(w, rng);
          const ctx = buildProdContext(w.snapshot, task, chunk, o, catalog, view, null);
          if (ctx.failure || !worldFiltersApply(ctx, false)) continue;
          const reference = runProdFilters(ctx, false);
          const expected = {
            survivors: reference.survivors,
            counts: Array.from(reference.counts),
            emptiedAt: reference.emptiedAt,
          };
          // the memo evaluates a step on the PQs still in the first time its key comes, keeps it for all PQs the
          // second time, and reads it back from then on, for this task and for later ones sharing the key
          for (let round = 0; round < 3; round++) {
            const fast = runWorldFilters(ctx);
            const got = {
              survivors: fast.survivors,
              counts: Array.from(fast.counts),
              emptiedAt: fast.emptiedAt,
            };
            expect(got).toEqual(expected);
          }
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(250);
  });
});

describe('quiet production brokerage on a long-used view', () => {
  it('decides as on a fresh view and as the explained reference, for every reason PanDA gives', () => {
    const met = new Set<string>();
    for (const seed of SEEDS) {
      const { w, catalog, view } = prepared(seed);
      // explained calls on a view of their own, so that the quiet view's memo is never reset
      const explainedView = prepareQueueStateView(catalog, w.snapshot.queueStates);
      const rng = seededRandom(seed + 300);
      for (let block = 0; block < OPTION_BLOCKS; block++) {
        const quiet = randomOptions(rng, false);
        const loud = { ...quiet, explain: true };
        for (let k = 0; k < TASKS_PER_BLOCK; k++) {
          const { task, chunk } = randomTask(w, rng);
          const shared = brokerProductionJobs(w.snapshot, task, chunk, quiet, catalog, view);
          const freshView = prepareQueueStateView(catalog, w.snapshot.queueStates);
          const fresh = brokerProductionJobs(w.snapshot, task, chunk, quiet, catalog, freshView);
          const explained = brokerProductionJobs(w.snapshot, task, chunk, loud, catalog, explainedView);
          expect(shared).toEqual(fresh);
          expect(shared.candidates).toEqual(explained.candidates);
          expect(shared.jumboCandidates).toEqual(explained.jumboCandidates);
          expect(shared.failure).toEqual(explained.failure);
          expect(shared.excludedCounts).toEqual(explained.excludedCounts);
          expect(explained).toEqual(brokerProductionJobs(w.snapshot, task, chunk, loud, catalog, freshView));
          for (const code of Object.keys(explained.excludedCounts)) met.add(code);
        }
      }
    }
    expect([...REACHED].filter((code) => !met.has(code))).toEqual([]);
  });

  it('starts its memo afresh when a call brings another snapshot or other options', () => {
    const { w, catalog, view } = prepared(7);
    // the same PQs and statistics, a later instant with other nuclei, network and replicas
    const later = {
      ...w.snapshot,
      now: w.snapshot.now + 4 * 3600,
      network: {
        ...w.snapshot.network,
        NUC00: { total: { productionOutputQueued: 50_000, expressQueued: 0 } },
      },
      nuclei: { ...w.snapshot.nuclei, NUC01: { ...w.snapshot.nuclei['NUC01'], allPandaSites: [] } },
      replicas: {},
    };
    const rng = seededRandom(11);
    const options = [randomOptions(rng, false), randomOptions(rng, false)];
    for (let k = 0; k < 40; k++) {
      const { task, chunk } = randomTask(w, rng);
      const t = { ...task, nucleus: pick(rng, ['NUC00', 'NUC01', 'NUC04']), site: undefined };
      for (const [snapshot, o] of [
        [w.snapshot, options[0]],
        [later, options[0]],
        [w.snapshot, options[0]],
        [w.snapshot, options[1]],
      ] as const) {
        const freshView = prepareQueueStateView(catalog, snapshot.queueStates);
        expect(brokerProductionJobs(snapshot, t, chunk, o, catalog, view)).toEqual(
          brokerProductionJobs(snapshot, t, chunk, o, catalog, freshView),
        );
      }
    }
  });
});
