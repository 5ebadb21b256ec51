// A small grid for analysis-brokerage tests: analysis PQs with one DATADISK each, pilots, and a user `alice`.

import type { AnalysisBrokerageInput } from '../src/brokerage/analysis-job-broker.ts';
import type { AnalysisReplica, AnalysisSnapshot } from '../src/brokerage/analysis-types.ts';
import type { DdmEndpoint } from '../src/snapshot/data.ts';
import type { JobCounts, QueueState, SiteSpec } from '../src/snapshot/queue.ts';
import type { InputChunk, TaskSpec } from '../src/snapshot/task.ts';

export const GB = 1024 ** 3;
export const UA = 'User Analysis';
export const DS = 'data18_13TeV.00348885.physics_Main.deriv.DAOD_PHYS.r1_p1';

export function jobs(c: Partial<JobCounts> = {}): JobCounts {
  return { nDefined: 0, nAssigned: 0, nActivated: 0, nStarting: 0, nRunning: 0, nTransferring: 0, ...c };
}

export function pq(name: string, overrides: Partial<SiteSpec> = {}): SiteSpec {
  return {
    sitename: name,
    pandasite: name,
    cloud: 'WORLD',
    type: 'analysis',
    status: 'online',
    coreCount: 1,
    corepower: 10,
    maxrss: 4000,
    minrss: 0,
    maxtime: 86400 * 10,
    mintime: 0,
    maxwdir: 0,
    maxinputsize: 0,
    pledgedCPU: 0,
    transferringlimit: 0,
    releases: ['ANY'],
    ddm_input: `${name}_DATADISK`,
    ddm_output: `${name}_DATADISK`,
    ddm_endpoints_input: [`${name}_DATADISK`],
    ddm_endpoints_output: [`${name}_DATADISK`],
    ...overrides,
  };
}

export function state(overrides: Partial<QueueState> = {}): QueueState {
  return { jobsByShare: {}, getJob: 10, updateJob: 10, ...overrides };
}

/** A snapshot of the given PQs; `data` lists the PQs holding the dataset DS (100 files) on disk. */
export function grid(
  queues: SiteSpec[],
  states: Record<string, QueueState> = {},
  data: string[] = queues.map((q) => q.sitename),
): AnalysisSnapshot {
  const ddmEndpoints: Record<string, DdmEndpoint> = {};
  for (const q of queues) {
    for (const rse of [...(q.ddm_endpoints_input ?? []), ...(q.ddm_endpoints_output ?? [])]) {
      ddmEndpoints[rse] ??= {
        ddm_endpoint_name: rse,
        site: q.pandasite,
        type: 'DATADISK',
        space_free: 10000,
        space_total: 20000,
      };
    }
  }
  const replicas: AnalysisReplica[] = data.map((name) => ({
    rse: `${name}_DATADISK`,
    found: 100,
    bytes: 50 * GB,
  }));
  return {
    now: 0,
    queues,
    resourceTypes: [],
    queueStates: Object.fromEntries(queues.map((q) => [q.sitename, states[q.sitename] ?? state()])),
    ddmEndpoints,
    nuclei: {},
    network: {},
    replicas: { [DS]: replicas },
  };
}

export function userTask(overrides: Partial<TaskSpec> = {}): TaskSpec {
  return {
    jediTaskID: 7,
    prodSourceLabel: 'user',
    gshare: UA,
    currentPriority: 1000,
    coreCount: 1,
    ramCount: 2000,
    ramUnit: 'MB',
    walltime: 0,
    userName: 'alice',
    ...overrides,
  };
}

export function chunk(overrides: Partial<InputChunk> = {}): InputChunk {
  return {
    datasets: [{ datasetName: DS, isMaster: true, nFiles: 100 }],
    nFiles: 100,
    totalSize: 50 * GB,
    maxAtomSize: 5 * GB,
    ...overrides,
  };
}

export function input(
  snapshot: AnalysisSnapshot,
  overrides: Partial<AnalysisBrokerageInput> = {},
): AnalysisBrokerageInput {
  return {
    task: userTask(),
    chunk: chunk(),
    snapshot,
    user: { nJobsEstimate: 40 },
    rng: () => 0.5,
    ...overrides,
  };
}
