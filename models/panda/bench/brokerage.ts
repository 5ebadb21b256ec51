// Benchmarks of the brokerage package on the generated 700-queue WORLD (catalog.ts), benchmarks.md "Brokerage":
// production job brokerage ≥ 20,000 decisions/s, assignment of 10,000 jobs in bunches ≤ 5 ms, global-share
// ordering of a 40-leaf tree ≥ 200,000 orderings/s; analysis and task brokerage are measured alongside.
//
// Prepared state: the queue catalog (pseudo queues expanded, names numbered) and the queue-state view (job
// statistics, pilots, RSE status, network links resolved onto the catalog) are built once, outside the timed
// calls, as PanDA's JobGenerator holds its SiteMapper and reads its job statistics once per cycle; every timed
// call is then one complete brokerage of one input chunk, including the live counter and the chunk's input
// availability. One case prepares both per call, to show what that preparation costs.
//
// The view's cycle memo keeps what calls for tasks of one class share (prod-cycle-memo.ts), and the main cases
// broker the same task again and again, as a cycle brokers the chunks of one task: one case gives every call a task
// of a class never seen before, so that the memo never helps with the steps that depend on the task's memory,
// walltime and scratch needs.

import type { BenchCase, BenchSuite } from '../../../bench/harness.ts';
import { brokerAnalysisJobs } from '../src/brokerage/analysis-job-broker.ts';
import { splitJobs, type SplitCandidate } from '../src/brokerage/job-splitter.ts';
import { brokerProductionJobs, checkQueuesForTaskBrokerage } from '../src/brokerage/prod-job-broker.ts';
import { resolveProdJobBrokerOptions } from '../src/brokerage/prod-options.ts';
import { prepareQueueCatalog, type QueueCatalog } from '../src/brokerage/queue-catalog.ts';
import {
  prepareQueueStateView,
  shareCountArrays,
  type QueueStateView,
} from '../src/brokerage/queue-state-view.ts';
import { brokerTask, type TaskBrokerageEnvironment } from '../src/brokerage/task-brokerage.ts';
import { remainingWorkState, type RemainingWorkState } from '../src/brokerage/task-remaining-work.ts';
import { buildShareTree, type GlobalShareRow, type ShareTree } from '../src/shares/global-shares.ts';
import { ShareOrderer } from '../src/shares/share-order.ts';
import type { LeafUsage } from '../src/shares/share-usage.ts';
import { generateWorld, PRODUCTION_SHARE, type GeneratedWorld } from './catalog.ts';
import { seededRandom } from './seeded-random.ts';

const SEED = 20_240_601;
// Every case adds something of its result here, so no call can be optimised away.
const sink = new Float64Array(1);
const JOBS_TO_SPLIT = 10_000;

interface Prepared {
  world: GeneratedWorld;
  catalog: QueueCatalog;
  view: QueueStateView;
}

let prepared: Prepared | undefined;

// Built on first use, so listing the suites (or running others) costs nothing.
function world(): Prepared {
  if (prepared === undefined) {
    const w = generateWorld(seededRandom(SEED));
    const catalog = prepareQueueCatalog(w.snapshot);
    prepared = { world: w, catalog, view: prepareQueueStateView(catalog, w.snapshot.queueStates) };
  }
  return prepared;
}

const QUIET = resolveProdJobBrokerOptions({ explain: false });
const EXPLAINED = resolveProdJobBrokerOptions({ explain: true });

function productionSuite(quick: boolean): BenchSuite {
  const decide = (explain: boolean) => (): void => {
    const { world: w, catalog, view } = world();
    const d = brokerProductionJobs(w.snapshot, w.task, w.chunk, explain ? EXPLAINED : QUIET, catalog, view);
    sink[0] += d.candidates.length;
  };
  // The least any brokerage does: one basic weight per production PQ from the prepared share counts, keeping
  // the ten largest.
  const floor = (): void => {
    const { catalog, view } = world();
    const c = shareCountArrays(view, PRODUCTION_SHARE);
    const top = new Float64Array(10);
    for (const i of catalog.productionIndices) {
      const u = catalog.unifiedIndex[i];
      const w = (c.nRunning[u] + 1) / (c.nActivated[u] + c.nStarting[u] + c.nDefined[u] + 10);
      if (!(w > top[9])) continue;
      let p = 9;
      while (p > 0 && top[p - 1] < w) {
        top[p] = top[p - 1];
        p--;
      }
      top[p] = w;
    }
    sink[0] += top[0];
  };
  const cases: BenchCase[] = [
    { name: 'floor: weigh every PQ', units: 1, unit: 'decisions', setup: world, fn: floor },
    {
      name: 'explanations off (simulator)',
      units: 1,
      unit: 'decisions',
      setup: world,
      fn: decide(false),
      baseline: 'floor: weigh every PQ',
      target: 20_000,
    },
    {
      name: 'explanations on (CLI)',
      units: 1,
      unit: 'decisions',
      setup: world,
      fn: decide(true),
      baseline: 'explanations off (simulator)',
    },
  ];
  let unseen: { view: QueueStateView; k: number } | undefined;
  cases.push({
    name: 'every call a task class never seen before',
    units: 1,
    unit: 'decisions',
    setup: () => {
      const { world: w, catalog } = world();
      unseen = { view: prepareQueueStateView(catalog, w.snapshot.queueStates), k: 0 };
    },
    fn: () => {
      const { world: w, catalog } = world();
      const u = unseen!;
      // a sliver more memory, CPU time per event and scratch each time: new keys for the memory, walltime and
      // scratch steps, and the same survivors
      const k = ++u.k;
      const task = {
        ...w.task,
        ramCount: 2000 + k * 1e-6,
        cpuTime: 300 + k * 1e-9,
        workDiskCount: 2000 + k * 1e-6,
      };
      sink[0] += brokerProductionJobs(w.snapshot, task, w.chunk, QUIET, catalog, u.view).candidates.length;
    },
    baseline: 'explanations off (simulator)',
  });
  if (!quick) {
    cases.push({
      name: 'catalog and view prepared per call',
      units: 1,
      unit: 'decisions',
      setup: world,
      fn: () => {
        const w = world().world;
        sink[0] += brokerProductionJobs(w.snapshot, w.task, w.chunk, QUIET).candidates.length;
      },
      baseline: 'explanations off (simulator)',
    });
  }
  return { name: 'brokerage production job (700 PQs)', cases };
}

function analysisSuite(): BenchSuite {
  return {
    name: 'brokerage analysis job (150 PQs)',
    cases: [
      {
        name: 'explanations on',
        units: 1,
        unit: 'decisions',
        setup: world,
        fn: () => {
          const { world: w, catalog } = world();
          const rng = seededRandom(7);
          const d = brokerAnalysisJobs({
            task: w.userTask,
            chunk: w.userChunk,
            snapshot: w.snapshot,
            user: { nJobsEstimate: 40 },
            rng,
            catalog,
          });
          sink[0] += d.candidates.length;
        },
      },
    ],
  };
}

function taskSuite(): BenchSuite {
  let env: TaskBrokerageEnvironment | undefined;
  let rw: RemainingWorkState | undefined;
  const setup = (): void => {
    const { world: w, catalog, view } = world();
    // the job check is the production brokerage in hint mode over each nucleus' PQs, on the prepared catalog
    env = {
      snapshot: w.snapshot,
      jobCheck: (task, names) =>
        checkQueuesForTaskBrokerage(w.snapshot, task, w.chunk, names, QUIET, catalog, view).passed,
      rng: seededRandom(11),
    };
    rw = remainingWorkState(w.workloads, PRODUCTION_SHARE, [w.taskToBroker.currentPriority]);
  };
  return {
    name: 'brokerage task (10 nuclei)',
    cases: [
      {
        name: 'nucleus choice',
        units: 1,
        unit: 'decisions',
        setup,
        fn: () => {
          const d = brokerTask(world().world.taskToBroker, env!, rw!);
          sink[0] += d.weights.length;
        },
      },
    ],
  };
}

function splitSuite(): BenchSuite {
  let candidates: SplitCandidate[] = [];
  const setup = (): void => {
    const { world: w, catalog, view } = world();
    candidates = brokerProductionJobs(w.snapshot, w.task, w.chunk, QUIET, catalog, view).candidates;
  };
  // The floor: the same number of weighted draws over the same weights, with the decay, and nothing recorded.
  const floor = (): void => {
    const rng = seededRandom(3);
    const weights = Float64Array.from(candidates, (c) => c.weight);
    const queued = Float64Array.from(candidates, (c) => c.nQueuedJobs ?? 0);
    for (let jobs = 0; jobs < JOBS_TO_SPLIT; jobs += 25) {
      let total = 0;
      for (const w of weights) total += w;
      let r = rng() * total;
      let k = 0;
      while (k < weights.length - 1 && (r -= weights[k]) > 0) k++;
      weights[k] *= (queued[k] + 1) / (queued[k] + 26);
      queued[k] += 25;
    }
    sink[0] += weights[0];
  };
  return {
    name: 'brokerage job splitter',
    cases: [
      { name: 'floor: weighted draws only', units: JOBS_TO_SPLIT, unit: 'jobs', setup, fn: floor },
      {
        name: 'splitJobs, 10,000 jobs in bunches of 25',
        units: JOBS_TO_SPLIT,
        unit: 'jobs',
        setup,
        fn: () => {
          sink[0] += splitJobs(candidates, { nJobs: JOBS_TO_SPLIT, rng: seededRandom(3) }).bunches.length;
        },
        baseline: 'floor: weighted draws only',
        // benchmarks.md: 10,000 jobs in ≤ 5 ms.
        target: JOBS_TO_SPLIT / 0.005,
      },
    ],
  };
}

/**
 * A global-share tree with 40 leaves, shaped like ATLAS's: Express, Production (with MC, reprocessing, derivation
 * and group branches), Analysis and Test, with made-up weights.
 */
export function fortyLeafShareRows(): GlobalShareRow[] {
  const rows: GlobalShareRow[] = [
    { name: 'Express', value: 5 },
    { name: 'Production', value: 70 },
    { name: 'Analysis', value: 20 },
    { name: 'Test', value: 5 },
  ];
  const branches: ReadonlyArray<readonly [string, string, number]> = [
    ['MC', 'Production', 40],
    ['Reprocessing', 'Production', 20],
    ['Derivations', 'Production', 25],
    ['Group production', 'Production', 15],
  ];
  for (const [name, parent, value] of branches) rows.push({ name, value, parent });
  const leaves: ReadonlyArray<readonly [string, number]> = [
    ['Express', 4],
    ['MC', 10],
    ['Reprocessing', 6],
    ['Derivations', 6],
    ['Group production', 6],
    ['Analysis', 5],
    ['Test', 3],
  ];
  for (const [parent, n] of leaves) {
    for (let k = 0; k < n; k++) rows.push({ name: `${parent} ${k + 1}`, value: 10 + ((k * 7) % 30), parent });
  }
  return rows;
}

function sharesSuite(): BenchSuite {
  let tree: ShareTree | undefined;
  let orderer: ShareOrderer | undefined;
  let usages: LeafUsage[] = [];
  let next = 0;
  const setup = (): void => {
    tree = buildShareTree(fortyLeafShareRows());
    orderer = new ShareOrderer(tree);
    const rng = seededRandom(5);
    // 64 snapshots of executing HS06, so successive calls sort different keys
    usages = Array.from({ length: 64 }, () => {
      const leafExecuting = Float64Array.from(tree!.leafNames, () => rng() * 1e6);
      return { executingTotal: leafExecuting.reduce((a, b) => a + b, 0), leafExecuting };
    });
  };
  // The floor: the 40 leaf usage ratios computed and sorted flat, ignoring the tree.
  const ratios = new Float64Array(40);
  const floor = (): void => {
    const u = usages[next++ & 63];
    const norm = tree!.norm;
    for (let k = 0; k < 40; k++) {
      const p = (u.executingTotal * norm[tree!.leafNodes[k]]) / 100;
      ratios[k] = u.leafExecuting[k] / p;
    }
    ratios.sort();
    sink[0] += ratios[0];
  };
  return {
    name: 'brokerage global shares (40 leaves)',
    cases: [
      { name: 'floor: sort the leaf ratios', units: 1, unit: 'orderings', setup, fn: floor },
      {
        name: 'ShareOrderer.order',
        units: 1,
        unit: 'orderings',
        setup,
        fn: () => {
          sink[0] += orderer!.order(usages[next++ & 63])[0];
        },
        baseline: 'floor: sort the leaf ratios',
        target: 200_000,
      },
    ],
  };
}

/** The brokerage suites; `quick` leaves out the slow case that prepares the catalog per call. */
export function brokerageSuites(quick: boolean): BenchSuite[] {
  return [productionSuite(quick), splitSuite(), sharesSuite(), analysisSuite(), taskSuite()];
}
