// Analysis job brokerage: the candidate PQs for one input chunk of a user task — `AtlasAnalJobBroker.doBrokerage`
// (pandajedi/jedibrokerage/AtlasAnalJobBroker.py; brokerage.md §4). Task-level throttles, then up to two passes
// over the analysis PQs (with, then without, the data-locality check) through the filters in the code's order, the
// overload filter and the Analysis Stabilizer; then the new basic weight with site/task classes, the data factor,
// used-before PQs first, problematic PQs out, top 10.

import type { ChunkDataset, InputChunk, TaskSpec } from '../snapshot/task.ts';
import { newBasicWeights, type SiteClass } from './analysis-basic-weight.ts';
import { finalCandidates, orderCandidates } from './analysis-candidate-list.ts';
import {
  datasetReplicaFlags,
  datasetSiteMap,
  selectSitesWithData,
  type DataSelection,
  type DatasetReplicaFlags,
} from './analysis-data-locality.ts';
import {
  ANALYSIS_FILTER_STEPS,
  resourceTypeCapExceeded,
  type AnalysisFilterContext,
} from './analysis-filters.ts';
import {
  minWeight,
  resolveAnalysisJobBrokerOptions,
  type AnalysisJobBrokerOptions,
} from './analysis-options.ts';
import { analysisThrottle } from './analysis-throttles.ts';
import type {
  AnalysisBrokerageDecision,
  AnalysisCandidate,
  AnalysisExclusion,
  AnalysisSnapshot,
  AnalysisUserContext,
  UserQueueLimits,
} from './analysis-types.ts';
import {
  grandQueueRatio,
  overloadVerdict,
  stabilizerProblems,
  userQueueLimits,
} from './analysis-user-queue.ts';
import { prepareQueueCatalog, type QueueCatalog } from './queue-catalog.ts';

export interface AnalysisBrokerageInput {
  task: TaskSpec;
  chunk: InputChunk;
  snapshot: AnalysisSnapshot;
  user: AnalysisUserContext;
  /** U[0, 1) stream: shuffles PQs of equal weight. */
  rng: () => number;
  options?: Partial<AnalysisJobBrokerOptions>;
  /** The snapshot's catalog, when prepared once for many calls. */
  catalog?: QueueCatalog;
}

const GB = 1024 ** 3;

/** State shared by the passes of one brokerage call. */
interface Run {
  input: AnalysisBrokerageInput;
  options: AnalysisJobBrokerOptions;
  catalog: QueueCatalog;
  isMerging: boolean;
  /** Non-pseudo input datasets and their replica flags. */
  datasets: ChunkDataset[];
  flags: DatasetReplicaFlags[];
  hasDistributed: boolean;
  remoteSourceAvailable: boolean;
  useVp: boolean;
  preassignedSite: string | null;
  siteListPreAssigned: boolean;
  /** Analysis PQs (catalog indices) at the start of every pass. */
  scan: number[];
  excluded: AnalysisExclusion[];
  problematic: Map<string, string[]>;
  resourceTypeCapLogged: string[];
}

interface PassResult {
  queues: number[];
  data: DataSelection | null;
  failed: boolean;
}

function markProblem(run: Run, pq: string, why: string): void {
  const list = run.problematic.get(pq) ?? [];
  if (!list.includes(why)) list.push(why);
  run.problematic.set(pq, list);
}

function exclude(run: Run, i: number, code: AnalysisExclusion['code'], detail: string, pass: 1 | 2): void {
  run.excluded.push({ queue: run.catalog.specs[i].sitename, code, detail, pass });
}

/** Pass-1 data step: keep the (pseudo) queues of the unified PQs holding the input. */
function dataStep(run: Run, queues: number[]): { queues: number[]; data: DataSelection } {
  const { catalog, input } = run;
  const replicas = input.snapshot.replicas ?? {};
  const inputRses = new Map<string, string[]>();
  for (const i of queues) {
    const spec = catalog.specs[catalog.unifiedIndex[i]];
    inputRses.set(
      catalog.unifiedNames[i],
      spec.ddm_endpoints_input ?? (spec.ddm_input ? [spec.ddm_input] : []),
    );
  }
  const data = selectSitesWithData({
    datasets: run.datasets.map((d, k) => ({
      map: datasetSiteMap(d, replicas[d.datasetName] ?? [], inputRses, input.snapshot.ddmEndpoints),
      useIncomplete: d.isDistributed === true || !run.flags[k].trulyCompleteDisk,
    })),
    candidates: new Set(queues.map((i) => catalog.unifiedNames[i])),
    useVp: run.useVp,
    preassignedSite: run.preassignedSite,
  });
  const keep = new Set(data.sites);
  for (const i of queues)
    if (!keep.has(catalog.unifiedNames[i])) exclude(run, i, 'data', 'input data unavailable', 1);
  return { queues: queues.filter((i) => keep.has(catalog.unifiedNames[i])), data };
}

/** Step 20: overloaded PQs go; if that empties the list, the overloaded ones holding non-VP data stay. */
function overloadStep(
  run: Run,
  queues: readonly number[],
  pass: 1 | 2,
  data: DataSelection | null,
): number[] {
  const { catalog, input, options } = run;
  const states = input.snapshot.queueStates;
  const grand = grandQueueRatio(states, input.task.gshare);
  const kept: number[] = [];
  const fallback: number[] = [];
  const dropped: [number, AnalysisExclusion['code'], string][] = [];
  for (const i of queues) {
    const name = catalog.unifiedNames[i];
    const v = overloadVerdict(states[name], input.task.gshare, grand, options);
    if (v === 'ok') {
      kept.push(i);
      continue;
    }
    if (v === 'overloaded-idle')
      markProblem(run, name, `nQueue>minQueue(${options.OVERLOAD_MIN_QUEUE}) and nRunning=0`);
    const detail =
      v === 'overloaded-idle'
        ? 'nRunning=0'
        : `nQueue/nRunning > grandRatio(${grand})*${options.OVERLOAD_RATIO_OFFSET}`;
    if (pass === 2 || run.datasets.length === 0 || data?.sitesWithoutVp.has(name)) {
      fallback.push(i);
      dropped.push([i, 'overloaded', detail]);
    } else dropped.push([i, 'overloaded_vp', `${detail} and VP`]);
  }
  const result = kept.length > 0 ? kept : fallback;
  for (const [i, code, detail] of dropped) if (!result.includes(i)) exclude(run, i, code, detail, pass);
  return result;
}

/** Step 21: mark PQs where the user queues too much or the task fails too often. */
function stabilizerStep(run: Run, queues: readonly number[]): void {
  const { task } = run.input;
  for (const name of new Set(queues.map((i) => run.catalog.unifiedNames[i]))) {
    const state = run.input.snapshot.queueStates[name];
    for (const why of stabilizerProblems(
      state,
      task.gshare,
      task.userName ?? '',
      task.jobOutcomes?.[name],
      run.options,
    )) {
      markProblem(run, name, why);
    }
  }
}

function runPass(run: Run, pass: 1 | 2, toIgnoreLocality: boolean, nPasses: number): PassResult {
  const { catalog, input, isMerging } = run;
  let queues = [...run.scan];
  let data: DataSelection | null = null;
  if (pass === 1 && run.datasets.length > 0) {
    ({ queues, data } = dataStep(run, queues));
    if (queues.length === 0) return { queues, data, failed: true };
  }
  const ctx: AnalysisFilterContext = {
    catalog,
    states: input.snapshot.queueStates,
    ddmEndpoints: input.snapshot.ddmEndpoints,
    task: input.task,
    chunk: input.chunk,
    user: input.user,
    options: run.options,
    pass,
    checkDataLocality: pass === 1,
    avoidVp: isMerging || run.hasDistributed || data?.useUnionLocality === true,
    sitesWithData: new Set(data?.sites ?? []),
    remoteSourceAvailable: run.remoteSourceAvailable,
    preassignedSite: run.preassignedSite,
    siteListPreAssigned: run.siteListPreAssigned,
  };
  for (const step of ANALYSIS_FILTER_STEPS) {
    const r = step.run(queues, ctx);
    for (const x of r.excluded) run.excluded.push(x);
    queues = r.kept;
    if (queues.length === 0) return { queues, data, failed: true };
  }
  run.resourceTypeCapLogged = resourceTypeCapExceeded(queues, ctx);
  if (!isMerging) {
    queues = overloadStep(run, queues, pass, data);
    if (queues.length === 0) return { queues, data, failed: true };
    stabilizerStep(run, queues);
  }
  // When pass 2 may ignore locality, a pass 1 left with only problematic PQs gives way to it.
  if (nPasses > 1 && pass === 1 && toIgnoreLocality) {
    if (queues.every((i) => run.problematic.has(catalog.unifiedNames[i]))) {
      for (const i of queues) {
        exclude(run, i, 'tmp_user_problem', (run.problematic.get(catalog.unifiedNames[i]) ?? [''])[0], pass);
      }
      return { queues: [], data, failed: true };
    }
  }
  return { queues, data, failed: false };
}

/** §4.3: new basic weight per unified PQ, times the data factor, for every surviving (pseudo) queue. */
function weighCandidates(
  run: Run,
  queues: readonly number[],
  data: DataSelection | null,
  useDataWeight: boolean,
): AnalysisCandidate[] {
  const { catalog, input, options } = run;
  const { task, chunk, snapshot } = input;
  const unified = [...new Set(queues.map((i) => catalog.unifiedNames[i]))];
  const limits = new Map<string, UserQueueLimits>();
  const classes = new Map<string, SiteClass>();
  for (const name of unified) {
    limits.set(name, userQueueLimits(snapshot.queueStates[name], task.gshare, task.userName ?? '', options));
    classes.set(name, snapshot.queueStates[name]?.analySiteClass ?? 0);
  }
  const basic = newBasicWeights(
    unified.map((name) => ({
      name,
      siteClass: classes.get(name) as SiteClass,
      remainingQueue: (limits.get(name) as UserQueueLimits).remainingQueue,
    })),
    {
      gshare: task.gshare,
      taskClass: task.analyTaskClass ?? 1,
      nJobs: input.user.nJobsEstimate,
      isMerging: run.isMerging,
    },
    options,
  );
  const totalGB = Math.floor(chunk.totalSize / GB);
  const used = new Set(task.usedSites ?? []);
  return queues.map((i) => {
    const name = catalog.unifiedNames[i];
    const b = basic.get(name) as { main: number; secondary: number; basic: number };
    let dataFactor = 1;
    if (useDataWeight) dataFactor = data?.dataWeight.get(name) ?? 1;
    else if (totalGB > 0) {
      // Every PQ in the file map is also in the tape map, so the code's tape term (GB/1000) is never reached.
      const files = chunk.availableFiles?.[name];
      if (files) dataFactor = 1 + Math.floor(files.siteSize / GB) / options.diskNorm;
    }
    const weight = b.basic * dataFactor;
    return {
      siteName: catalog.specs[i].sitename,
      unifiedName: name,
      weight,
      usedBefore: used.has(name) || used.has(catalog.specs[i].sitename),
      factors: {
        siteClass: classes.get(name) as SiteClass,
        limits: limits.get(name) as UserQueueLimits,
        main: b.main,
        secondary: b.secondary,
        basic: b.basic,
        dataFactor,
        weight,
      },
    };
  });
}

function prepareRun(input: AnalysisBrokerageInput): Run {
  const { task, chunk, snapshot } = input;
  const options = resolveAnalysisJobBrokerOptions(input.options);
  const catalog = input.catalog ?? prepareQueueCatalog(snapshot);
  const isMerging = chunk.isMerging === true;
  const scan: number[] = [];
  for (let i = 0; i < catalog.specs.length; i++) if (catalog.analysis[i]) scan.push(i);
  // A pre-assigned PQ unknown to the catalog is ignored (the code would first try to map an RSE name to PQs).
  const preIndex = task.site !== undefined ? catalog.indexByName.get(task.site) : undefined;
  if (preIndex !== undefined && !scan.includes(preIndex)) scan.push(preIndex);
  const datasets = chunk.datasets.filter((d) => !d.isPseudo);
  const replicas = snapshot.replicas ?? {};
  const flags = datasets.map((d) =>
    datasetReplicaFlags(
      d,
      replicas[d.datasetName] ?? [],
      snapshot.ddmEndpoints,
      options.MAX_MISSING_INPUT_FILES,
      options.MIN_INPUT_COMPLETENESS,
    ),
  );
  const hasDistributed = datasets.some((d) => d.isDistributed);
  return {
    input,
    options,
    catalog,
    isMerging,
    datasets,
    flags,
    hasDistributed,
    remoteSourceAvailable: datasets.every((d, k) => flags[k].remoteReadable || d.isDistributed === true),
    useVp: !(isMerging || task.avoidVP || chunk.useScout || task.useLocalIO) && !hasDistributed,
    preassignedSite: preIndex !== undefined ? (task.site as string) : null,
    siteListPreAssigned: (task.includedSite?.length ?? 0) > 0,
    scan,
    excluded: [],
    problematic: new Map(),
    resourceTypeCapLogged: [],
  };
}

/** Candidate PQs for one input chunk of a user analysis task. */
export function brokerAnalysisJobs(input: AnalysisBrokerageInput): AnalysisBrokerageDecision {
  const { task, chunk, snapshot, user } = input;
  const run = prepareRun(input);
  const { options } = run;
  const decision = (
    outcome: AnalysisBrokerageDecision['outcome'],
    reason: string | undefined,
    rest: Partial<AnalysisBrokerageDecision> = {},
  ): AnalysisBrokerageDecision => ({
    jediTaskID: task.jediTaskID,
    outcome,
    reason,
    candidates: [],
    excluded: run.excluded,
    problematic: Object.fromEntries(run.problematic),
    pass: null,
    useUnionLocality: false,
    resourceTypeCapLogged: run.resourceTypeCapLogged,
    ...rest,
  });

  const throttle = analysisThrottle(task, run.isMerging, user, options);
  if (throttle !== null) return decision('throttled', throttle);
  for (let k = 0; k < run.datasets.length; k++) {
    const f = run.flags[k];
    if (!f.completeDisk && !f.completeTape && !run.datasets[k].isDistributed) {
      return decision('failed', `${run.datasets[k].datasetName} is incomplete at online storage`);
    }
  }

  // Pass 2 (no locality) whenever the input is remotely readable: the code's condition includes
  // `getNumSitesPerJob() > 0`, which always holds.
  const passes: (1 | 2)[] = run.datasets.length > 0 && run.remoteSourceAvailable ? [1, 2] : [1];
  const taskPriority = task.taskPriority ?? task.currentPriority;
  const cutoff = options.IO_INTENSITY_CUTOFF_USER;
  const timeout = options.DATA_CHECK_TIMEOUT_USER;
  const toIgnoreLocality =
    taskPriority >= options.taskPriorityToIgnoreLocality ||
    (!!cutoff && !!task.ioIntensity && cutoff >= task.ioIntensity) ||
    (!!timeout && task.frozenTime !== undefined && snapshot.now - task.frozenTime > timeout * 3600);

  const nSitesPerJob = task.nSitesPerJob ?? 1;
  const overall = new Set<number>();
  let last: PassResult | null = null;
  let usedPass: 1 | 2 | null = null;
  for (const pass of passes) {
    const r = runPass(run, pass, toIgnoreLocality, passes.length);
    last = r;
    if (r.failed) continue;
    for (const i of r.queues) overall.add(i);
    usedPass = pass;
    if (overall.size >= nSitesPerJob) break;
  }
  if (usedPass === null || last === null || last.failed) return decision('failed', 'no candidates');

  const useUnionLocality = last.data?.useUnionLocality ?? false;
  const queues = [...overall].sort((a, b) => a - b);
  const weighed = weighCandidates(run, queues, last.data, usedPass === 1 && !useUnionLocality);
  const final = finalCandidates(orderCandidates(weighed, input.rng), {
    problematic: new Set(run.problematic.keys()),
    preassignedSite: run.preassignedSite,
    maxNumSites: run.hasDistributed
      ? null
      : nSitesPerJob > 1
        ? Math.max(queues.length, nSitesPerJob)
        : options.maxNumSites,
    minWeight: minWeight(options, task.prodSourceLabel, task.gshare),
    hasRequiredFiles: (c) => {
      const spec = run.catalog.specs[run.catalog.indexByName.get(c.siteName) as number];
      if (!spec.use_only_local_data || run.datasets.length === 0) return true;
      return (chunk.availableFiles?.[c.unifiedName]?.siteFiles ?? 0) >= chunk.nFiles;
    },
  });
  for (const x of final.excluded) run.excluded.push(x);
  const rest = { pass: usedPass, useUnionLocality };
  if (final.candidates.length === 0) return decision('failed', 'no candidates', rest);
  return decision('brokered', undefined, { ...rest, candidates: final.candidates });
}
