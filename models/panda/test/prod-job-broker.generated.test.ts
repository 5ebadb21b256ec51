// The production brokerage on generated WORLDs (bench/catalog.ts): the quiet path the simulator uses and the
// explained path the CLI uses must agree, and a catalog and view prepared once and reused for many calls (whose
// per-call work arrays and first-use caches are shared) must give what fresh ones give.

import { describe, expect, it } from 'vitest';
import { generateWorld, type GeneratedWorld } from '../bench/catalog.ts';
import { seededRandom } from '../bench/seeded-random.ts';
import { brokerProductionJobs, checkQueuesForTaskBrokerage } from '../src/brokerage/prod-job-broker.ts';
import { resolveProdJobBrokerOptions } from '../src/brokerage/prod-options.ts';
import { prepareQueueCatalog } from '../src/brokerage/queue-catalog.ts';
import { prepareQueueStateView } from '../src/brokerage/queue-state-view.ts';
import type { InputChunk, TaskSpec } from '../src/snapshot/task.ts';

type Variant = (w: GeneratedWorld) => { task: TaskSpec; chunk: InputChunk };

// Task shapes that take different branches: scouts, single-core IO-intensive, no nucleus and no release,
// negative t1Weight with express, ES merges at bootstrap priority, jumbo, full chain with a CPU spec, and input
// without replica information.
const VARIANTS: Variant[] = [
  (w) => ({ task: w.task, chunk: w.chunk }),
  (w) => ({ task: { ...w.task, currentPriority: 900 }, chunk: { ...w.chunk, useScout: true } }),
  (w) => ({ task: { ...w.task, coreCount: 1, resource_type: 'SCORE', ioIntensity: 600 }, chunk: w.chunk }),
  (w) => ({ task: { ...w.task, nucleus: undefined, transHome: undefined }, chunk: w.chunk }),
  (w) => ({ task: { ...w.task, t1Weight: -1, processingType: 'urgent' }, chunk: w.chunk }),
  (w) => ({
    task: { ...w.task, currentPriority: 100, eventService: 1 },
    chunk: { ...w.chunk, isMerging: true },
  }),
  (w) => ({
    task: { ...w.task, coreCount: 0, nJumboJobs: 3, ramCount: 4000 },
    chunk: { ...w.chunk, nReadyEvents: 10 },
  }),
  (w) => ({
    task: {
      ...w.task,
      nucleus: 'NUC03',
      fullChain: true,
      architecture: 'x86_64-el9-gcc13-opt@el9#x86_64-GenuineIntel-avx2',
    },
    chunk: w.chunk,
  }),
  (w) => ({
    task: w.task,
    chunk: { ...w.chunk, datasets: [{ datasetName: 'unknown', isMaster: true, nFiles: 100 }] },
  }),
];

const SEEDS = [1, 2, 3, 4, 5, 6];

function world(seed: number): GeneratedWorld {
  const w = generateWorld(seededRandom(seed), { nQueues: 120 + 60 * (seed % 4), nAnalysisQueues: 20 });
  // outages the generator keeps away from nuclei, to reach the nucleus-side storage rules
  const nucleusQueues = w.snapshot.queues.filter((q) => q.pandasite === 'NUC00');
  w.snapshot.ddmEndpoints['NUC00_EXTRA'] = {
    ddm_endpoint_name: 'NUC00_EXTRA',
    site: 'NUC00',
    type: 'DATADISK',
    space_free: 1e6,
    detailed_status: seed % 2 === 0 ? { write_wan: 'OFF' } : {},
  };
  nucleusQueues[0].ddm_endpoints_input = ['NUC00_EXTRA'];
  if (seed % 3 === 0) w.snapshot.nuclei['NUC03'] = { ...w.snapshot.nuclei['NUC03'], bareNucleus: 'only' };
  if (seed % 3 === 1) w.snapshot.queueStates[w.snapshot.queues[3].sitename].locked = true;
  return w;
}

describe('production brokerage on generated worlds', () => {
  it('gives the same candidates and counts with and without explanations, on one reused catalog and view', () => {
    for (const seed of SEEDS) {
      const w = world(seed);
      const catalog = prepareQueueCatalog(w.snapshot);
      const view = prepareQueueStateView(catalog, w.snapshot.queueStates);
      for (const variant of VARIANTS) {
        const { task, chunk } = variant(w);
        for (const NW_ACTIVE of [false, true]) {
          const quiet = resolveProdJobBrokerOptions({ explain: false, NW_ACTIVE, WORK_SHORTAGE: seed > 3 });
          const loud = resolveProdJobBrokerOptions({ explain: true, NW_ACTIVE, WORK_SHORTAGE: seed > 3 });
          const a = brokerProductionJobs(w.snapshot, task, chunk, quiet, catalog, view);
          const b = brokerProductionJobs(w.snapshot, task, chunk, loud, catalog, view);
          expect(a.candidates).toEqual(b.candidates);
          expect(a.jumboCandidates).toEqual(b.jumboCandidates);
          expect(a.failure).toEqual(b.failure);
          expect(a.excluded).toEqual([]);
          const counted: Record<string, number> = {};
          for (const e of b.excluded) counted[e.code] = (counted[e.code] ?? 0) + 1;
          expect(a.excludedCounts).toEqual(counted);
          if (b.failure?.step !== 1) {
            const seen = [...b.candidates, ...b.jumboCandidates].map((c) => c.siteName);
            seen.push(...b.excluded.map((e) => e.siteName));
            const scanned = catalog.productionIndices.map((i) => catalog.specs[i].sitename);
            expect(seen.sort()).toEqual(scanned.sort());
          }
        }
      }
    }
  });

  it('gives on a reused catalog and view what a fresh catalog and view give, in hint mode too', () => {
    for (const seed of SEEDS) {
      const w = world(seed);
      const catalog = prepareQueueCatalog(w.snapshot);
      const view = prepareQueueStateView(catalog, w.snapshot.queueStates);
      const options = resolveProdJobBrokerOptions({ explain: true });
      const names = w.snapshot.queues.filter((q) => q.type === 'production').map((q) => q.sitename);
      // two rounds, so every call of the second round follows calls for other tasks on the same view
      for (let round = 0; round < 2; round++) {
        for (const variant of VARIANTS) {
          const { task, chunk } = variant(w);
          expect(brokerProductionJobs(w.snapshot, task, chunk, options, catalog, view)).toEqual(
            brokerProductionJobs(w.snapshot, task, chunk, options),
          );
          expect(checkQueuesForTaskBrokerage(w.snapshot, task, chunk, names, options, catalog, view)).toEqual(
            checkQueuesForTaskBrokerage(w.snapshot, task, chunk, names, options),
          );
        }
      }
    }
  });

  it('reaches candidates and the main exclusion reasons on the benchmark world', () => {
    const w = generateWorld(seededRandom(20_240_601));
    const d = brokerProductionJobs(
      w.snapshot,
      w.task,
      w.chunk,
      resolveProdJobBrokerOptions({ explain: false }),
    );
    expect(d.ok).toBe(true);
    expect(d.candidates).toHaveLength(10);
    for (const code of ['status', 'cpucore', 'cache', 'highmemory', 'nopilot', 'cap', 'low_weight'] as const)
      expect(d.excludedCounts[code]).toBeGreaterThan(0);
  });
});

describe('generated world', () => {
  it('is a function of the seed and has the documented size', () => {
    const a = generateWorld(seededRandom(9));
    const b = generateWorld(seededRandom(9));
    expect(a).toEqual(b);
    expect(a.snapshot.queues.filter((q) => q.type === 'production')).toHaveLength(700);
    expect(a.snapshot.queues.filter((q) => q.type === 'analysis')).toHaveLength(150);
    expect(Object.keys(a.snapshot.nuclei)).toHaveLength(10);
    expect(a.chunk.nFiles).toBe(100);
    const unified = a.snapshot.queues.filter((q) => q.capability === 'ucore').length;
    expect(unified / 700).toBeGreaterThan(0.2);
    expect(unified / 700).toBeLessThan(0.4);
  });
});
