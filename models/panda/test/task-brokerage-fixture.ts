// A small WORLD for task-brokerage tests: nuclei with one PQ, one DATADISK and one TAPE RSE each.

import type { TaskBrokerageEnvironment } from '../src/brokerage/task-brokerage.ts';
import type {
  TaskBrokerageSnapshot,
  TaskInputDataset,
  TaskToBroker,
} from '../src/brokerage/task-brokerage-types.ts';
import type { DatasetReplica, DdmEndpoint } from '../src/snapshot/data.ts';
import type { NucleusSpec } from '../src/snapshot/nucleus.ts';
import type { SiteSpec } from '../src/snapshot/queue.ts';

export const GB = 1024 ** 3;
export const DATASET = 'mc23_13p6TeV.801169.Py8EG_jj_JZ4.recon.AOD.e8514_tid01';

export function queue(name: string, pandasite: string, overrides: Partial<SiteSpec> = {}): SiteSpec {
  return {
    sitename: name,
    pandasite,
    cloud: 'WORLD',
    type: 'production',
    status: 'online',
    coreCount: 8,
    corepower: 10,
    maxrss: 16000,
    minrss: 0,
    maxtime: 86400,
    mintime: 0,
    maxwdir: 0,
    maxinputsize: 0,
    pledgedCPU: 0,
    transferringlimit: 0,
    ddm_input: `${pandasite}_DATADISK`,
    ddm_output: `${pandasite}_DATADISK`,
    ddm_endpoints_input: [`${pandasite}_DATADISK`, `${pandasite}_TAPE`],
    ddm_endpoints_output: [`${pandasite}_DATADISK`],
    ...overrides,
  };
}

export interface NucleusFixture {
  name: string;
  /** GB usable at the DATADISK (space_free). */
  freeGB?: number;
  totalGB?: number;
  state?: string;
  disk?: Partial<DdmEndpoint>;
  nucleus?: Partial<NucleusSpec>;
}

export function world(
  nuclei: readonly NucleusFixture[],
  replicas: Record<string, DatasetReplica[]> = {},
): TaskBrokerageSnapshot {
  const ddmEndpoints: Record<string, DdmEndpoint> = {};
  const nucleusMap: Record<string, NucleusSpec> = {};
  const queues: SiteSpec[] = [];
  for (const n of nuclei) {
    ddmEndpoints[`${n.name}_DATADISK`] = {
      ddm_endpoint_name: `${n.name}_DATADISK`,
      site: n.name,
      type: 'DATADISK',
      space_free: n.freeGB ?? 500 * 1024,
      space_total: n.totalGB ?? 1000 * 1024,
      ...n.disk,
    };
    ddmEndpoints[`${n.name}_TAPE`] = {
      ddm_endpoint_name: `${n.name}_TAPE`,
      site: n.name,
      type: 'TAPE',
      is_tape: true,
    };
    queues.push(queue(`${n.name}_PQ`, n.name));
    nucleusMap[n.name] = {
      name: n.name,
      state: n.state ?? 'ACTIVE',
      allPandaSites: [`${n.name}_PQ`],
      endpointsByToken: { ATLASDATADISK: `${n.name}_DATADISK` },
      ...n.nucleus,
    };
  }
  return {
    now: 30 * 86400,
    queues,
    resourceTypes: [],
    queueStates: {},
    ddmEndpoints,
    nuclei: nucleusMap,
    network: {},
    replicas,
  };
}

export function dataset(
  nFiles: number,
  totalBytes: number,
  overrides: Partial<TaskInputDataset> = {},
): TaskInputDataset {
  return {
    datasetName: DATASET,
    isMaster: true,
    nFiles,
    totalBytes,
    nEvents: 10000,
    nEventsUsed: 0,
    ...overrides,
  };
}

export function task(overrides: Partial<TaskToBroker> = {}): TaskToBroker {
  return {
    jediTaskID: 1,
    prodSourceLabel: 'managed',
    gshare: 'MC Simulation Full',
    currentPriority: 500,
    coreCount: 8,
    ramCount: 2000,
    ramUnit: 'MBPerCore',
    cpuTime: 10,
    cpuTimeUnit: 'HS06sPerEvent',
    inputDatasets: [],
    outputStorageTokens: ['ATLASDATADISK'],
    ...overrides,
  };
}

export function env(
  snapshot: TaskBrokerageSnapshot,
  overrides: Partial<TaskBrokerageEnvironment> = {},
): TaskBrokerageEnvironment {
  return { snapshot, jobCheck: (_t, names) => names, rng: () => 0.5, ...overrides };
}
