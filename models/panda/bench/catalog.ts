// A seeded, realistic WORLD for the brokerage benchmarks (benchmarks.md "Brokerage"): 700 production PQs at ~175
// ATLAS sites, ten of them nuclei, with job statistics, pilots, storage, network metrics and input replicas, plus
// 150 analysis PQs, a production task with a 100-file input chunk, a user task, and the remaining work already
// headed to each nucleus. Every number comes from the injected uniform source, so one seed is one world.
//
// Distributions (all independent unless said otherwise):
// - sites: each gets 1 + ⌊Exp(mean 3)⌋ production PQs (capped at 12) until 700 are made; sites 0–9 are nuclei.
// - PQ kind: 30 % unified (capability `ucore`, 8 cores, half of them UPS `pull_ups`; each expands into pseudo
//   queues for SCORE / MCORE / SCORE_HIMEM / MCORE_HIMEM), 50 % 8-core MCORE, 20 % single-core SCORE.
// - PQ size in cores: lognormal, median 2,000, σ = 1.1 (5th percentile ~330, 95th ~12,000), clipped to
//   [200, 50,000]; nuclei ×2. Slots = cores / cores per job.
// - status: 1.5 % offline, 1.5 % brokeroff, 1 % test, 2 % standby, the rest online.
// - limits: maxrss 2,000 or (20 %) 4,000 MB per core; maxtime 1–4 days; maxwdir 0 (25 %) or 2,000–8,000 MB per
//   core; maxinputsize −1 (10 %) or 14,336 MB; pledgedCPU −1 (opportunistic, 12 %), 0 (unset, 40 %) or the cores;
//   fair-share policy `type=simul:0%` (3 %) or `type=evgen:0%` (5 %); jobseed `all` (10 %) or `es` (2 %);
//   Harvester numSlots (2 %); use_only_local_data (2 %); jumbo (1 %).
// - software: 85 % `AUTO` with SW/HW JSON (x86_64 CPUs; containers `any` on 90 % of them, explicit cmtconfigs on
//   the rest, which therefore fail the task's el9 container), 15 % `ANY` (which fail tasks naming a CPU).
// - job statistics per unified PQ: utilisation U(0.5, 1) of the slots running, spread over seven global shares
//   with random weights (a share is absent at 20 % of PQs); per share activated = running × U(0, 0.8), except at
//   15 % of PQs whose queue is past the cap (activated = 2 × running + 20–120); starting 0–2 % of running,
//   assigned ≤ half of activated, defined 0–20, transferring ≤ 20 % of running. Unified PQs also carry
//   resource-type statistics (70 % MCORE, 30 % SCORE). Pilots in the last 3 h: none at 4 % of PQs.
//   Last job start within 10 min, except 2 % older than 2 h. 3 % of PQs had jobs generated earlier this cycle
//   (live counter 25).
// - storage: one DATADISK per site of 200–600 GB per core, 5–30 % free; 3 % have under 200 GB usable; 1 % each
//   with read_lan, write_wan or read_wan OFF. Nuclei have 20 % free, no outage, and a TAPE endpoint too.
// - network, per nucleus and source site: 5 % no metrics; files queued Exp(mean 25), 3 % ≥ 150 (link full);
//   closeness uniform 0–11, 0.5 % blocked (−1); FTS MB/s lognormal (median 30): 1w at 85 %, then 1d at 90 % of
//   those, then 1h at 80 % of those.
// - input: the production chunk is 100 EVNT files of 100–400 MB (1,000 events each) out of a 2,000-file dataset
//   with complete disk replicas at the nuclei and at 8 % of the other sites; 5 % of the remaining PQs hold a
//   partial copy (1–99 of the chunk's files). The user task reads a 500-file DAOD dataset (50 GB) complete at
//   10 % of the sites.

import type { AnalysisReplica, AnalysisSnapshot } from '../src/brokerage/analysis-types.ts';
import type { TaskBrokerageSnapshot, TaskToBroker } from '../src/brokerage/task-brokerage-types.ts';
import type { NucleusWorkload } from '../src/brokerage/task-remaining-work.ts';
import type { DdmEndpoint } from '../src/snapshot/data.ts';
import type { LinkMetrics } from '../src/snapshot/network.ts';
import type { NucleusSpec } from '../src/snapshot/nucleus.ts';
import type {
  JobCounts,
  QueueSoftware,
  QueueState,
  ResourceTypeSpec,
  SiteSpec,
} from '../src/snapshot/queue.ts';
import type { InputChunk, TaskSpec } from '../src/snapshot/task.ts';

export const PRODUCTION_SHARE = 'MC Simulation Full';
export const USER_SHARE = 'User Analysis';
const SHARES: ReadonlyArray<readonly [string, number]> = [
  [PRODUCTION_SHARE, 0.35],
  ['MC Simulation Fast', 0.1],
  ['MC Reconstruction', 0.1],
  ['Data Derivations', 0.15],
  ['Group production', 0.05],
  [USER_SHARE, 0.2],
  ['Express', 0.05],
];
const MB = 1024 ** 2;
const GB = 1024 ** 3;
const NOW = 1_700_000_000;
const N_NUCLEI = 10;
const EVNT = 'mc23_13p6TeV.801169.Py8EG_jj_JZ4.evgen.EVNT.e8514_tid01';
const DAOD = 'data18_13TeV.00348885.physics_Main.deriv.DAOD_PHYS.r13286_p5226';

/** ATLAS resource types (ResourceSpec; HIMEM threshold 2,000 MB per core). */
export const ATLAS_RESOURCE_TYPES: ResourceTypeSpec[] = [
  { resource_name: 'SCORE', mincore: 1, maxcore: 1, minrampercore: null, maxrampercore: 2000 },
  { resource_name: 'MCORE', mincore: 2, maxcore: null, minrampercore: null, maxrampercore: 2000 },
  { resource_name: 'SCORE_HIMEM', mincore: 1, maxcore: 1, minrampercore: 2001, maxrampercore: null },
  { resource_name: 'MCORE_HIMEM', mincore: 2, maxcore: null, minrampercore: 2001, maxrampercore: null },
];

export interface CatalogOptions {
  /** Production PQs (unified parents counted once). */
  nQueues?: number;
  nAnalysisQueues?: number;
}

export interface GeneratedWorld {
  snapshot: TaskBrokerageSnapshot & AnalysisSnapshot;
  /** A production task at its nucleus and one input chunk of 100 files. */
  task: TaskSpec;
  chunk: InputChunk;
  /** The same production work before the task brokerage has chosen a nucleus. */
  taskToBroker: TaskToBroker;
  /** A user analysis task and its chunk. */
  userTask: TaskSpec;
  userChunk: InputChunk;
  /** Remaining work already headed to the nuclei (task brokerage). */
  workloads: NucleusWorkload[];
}

class Draw {
  constructor(readonly u: () => number) {}
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.u();
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor((hi - lo + 1) * this.u());
  }
  chance(p: number): boolean {
    return this.u() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.u() * xs.length)];
  }
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.u());
  }
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.u())) * Math.cos(2 * Math.PI * this.u());
  }
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
}

function siteName(s: number): string {
  return s < N_NUCLEI ? `NUC${String(s).padStart(2, '0')}` : `SITE${String(s).padStart(3, '0')}`;
}

function software(d: Draw): QueueSoftware {
  const containers = d.chance(0.9);
  return {
    cmtconfigs: ['x86_64-el9-gcc13-opt', 'x86_64-centos7-gcc11-opt'],
    containers: containers ? ['any'] : [],
    cvmfs: ['atlas', 'nightlies'],
    tags: [],
    cpu: { arch: ['x86_64'], vendor: ['any'], instr: ['any'] },
  };
}

function counts(c: Partial<JobCounts>): JobCounts {
  return { nDefined: 0, nAssigned: 0, nActivated: 0, nStarting: 0, nRunning: 0, nTransferring: 0, ...c };
}

function shareCounts(d: Draw, running: number, pastCap: boolean): JobCounts {
  const nActivated = pastCap ? 2 * running + d.int(20, 120) : Math.round(running * d.between(0, 0.8));
  return counts({
    nRunning: running,
    nActivated,
    nStarting: Math.round(running * d.between(0, 0.02)),
    nAssigned: Math.round(nActivated * d.between(0, 0.5)),
    nDefined: d.int(0, 20),
    nTransferring: Math.round(running * d.between(0, 0.2)),
  });
}

function queueState(d: Draw, slots: number, unified: boolean): QueueState {
  const running = Math.round(slots * d.between(0.5, 1));
  const pastCap = d.chance(0.15);
  const weights = SHARES.map(([, w]) => (d.chance(0.8) ? w * d.between(0.2, 1.8) : 0));
  const sum = weights.reduce((a, b) => a + b, 0) || 1;
  const jobsByShare: Record<string, JobCounts> = {};
  SHARES.forEach(([name], k) => {
    if (weights[k] > 0) jobsByShare[name] = shareCounts(d, Math.round((running * weights[k]) / sum), pastCap);
  });
  const noPilots = d.chance(0.04);
  const st: QueueState = {
    jobsByShare,
    getJob: noPilots ? 0 : Math.round(slots * d.between(0.5, 3)),
    updateJob: noPilots ? 0 : Math.round(running * d.between(1, 4)),
    laststart: d.chance(0.02) ? NOW - d.between(7300, 86400) : NOW - d.between(0, 600),
    nWorkers: running + d.int(0, 30),
    diskIoPerCore: d.between(100, 2000),
    nCoresRunningStarting: running * 8,
  };
  const mine = jobsByShare[PRODUCTION_SHARE];
  if (unified && mine) {
    const split = (f: number): JobCounts =>
      counts({
        nRunning: Math.round(mine.nRunning * f),
        nActivated: Math.round(mine.nActivated * f),
        nStarting: Math.round(mine.nStarting * f),
        nAssigned: Math.round(mine.nAssigned * f),
        nDefined: Math.round(mine.nDefined * f),
      });
    st.jobsByResourceType = { [PRODUCTION_SHARE]: { MCORE: split(0.7), SCORE: split(0.3) } };
  }
  return st;
}

function productionQueue(
  d: Draw,
  name: string,
  site: string,
  nucleus: boolean,
): { q: SiteSpec; cores: number } {
  const kind = d.u();
  const unified = kind < 0.3;
  const coreCount = kind < 0.8 ? 8 : 1;
  const cores = Math.round(Math.min(50_000, Math.max(200, d.lognormal(2000, 1.1))) * (nucleus ? 2 : 1));
  const st = d.u();
  const status: SiteSpec['status'] =
    st < 0.015 ? 'offline' : st < 0.03 ? 'brokeroff' : st < 0.04 ? 'test' : st < 0.06 ? 'standby' : 'online';
  const fairshare = d.u();
  const seed = d.u();
  const auto = d.chance(0.85);
  const q: SiteSpec = {
    sitename: name,
    pandasite: site,
    cloud: 'WORLD',
    type: 'production',
    status,
    coreCount,
    corepower: d.between(8, 16),
    maxrss: coreCount * (d.chance(0.2) ? 4000 : 2000),
    minrss: 0,
    maxtime: d.int(1, 4) * 86400,
    mintime: 0,
    maxwdir: d.chance(0.25) ? 0 : coreCount * d.int(2000, 8000),
    maxinputsize: d.chance(0.1) ? -1 : 14336,
    pledgedCPU: d.chance(0.12) ? -1 : d.chance(0.45) ? 0 : cores,
    transferringlimit: 0,
    releases: auto ? ['AUTO'] : ['ANY'],
    wnconnectivity: d.pick(['full#IPv4', 'full#dual', 'http#IPv4']),
    direct_access_lan: d.chance(0.5),
    role: nucleus ? 'nucleus' : 'satellite',
    ddm_input: `${site}_DATADISK`,
    ddm_output: `${site}_DATADISK`,
    ddm_endpoints_input: [`${site}_DATADISK`],
    ddm_endpoints_output: [`${site}_DATADISK`],
  };
  if (auto) q.software = software(d);
  if (unified) {
    q.capability = 'ucore';
    if (d.chance(0.5)) q.workflow = 'pull_ups';
  }
  if (fairshare < 0.03) q.fairsharePolicy = 'type=simul:0%';
  else if (fairshare < 0.08) q.fairsharePolicy = 'type=evgen:0%';
  if (seed < 0.02) q.jobseed = 'es';
  else if (seed < 0.12) q.jobseed = 'all';
  if (d.chance(0.02)) q.num_slots_map = { '*': { '*': d.int(0, 200) } };
  if (d.chance(0.02)) q.use_only_local_data = true;
  if (d.chance(0.01)) q.useJumboJobs = true;
  return { q, cores };
}

function endpoint(d: Draw, site: string, cores: number, nucleus: boolean): DdmEndpoint {
  const total = cores * d.between(200, 600);
  if (nucleus)
    return {
      ddm_endpoint_name: `${site}_DATADISK`,
      site,
      type: 'DATADISK',
      space_total: total,
      space_free: total * 0.2,
    };
  const e: DdmEndpoint = {
    ddm_endpoint_name: `${site}_DATADISK`,
    site,
    type: 'DATADISK',
    space_total: total,
    space_free: d.chance(0.03) ? d.between(0, 150) : total * d.between(0.05, 0.3),
  };
  const status = d.u();
  if (status < 0.01) e.detailed_status = { read_lan: 'OFF' };
  else if (status < 0.02) e.detailed_status = { write_wan: 'OFF' };
  else if (status < 0.03) e.detailed_status = { read_wan: 'OFF' };
  return e;
}

function link(d: Draw): LinkMetrics {
  const l: LinkMetrics = {
    productionOutputQueued: d.chance(0.03) ? d.int(150, 400) : Math.floor(d.exponential(25)),
    expressQueued: Math.floor(d.exponential(2)),
    closeness: d.chance(0.005) ? -1 : d.int(0, 11),
  };
  if (d.chance(0.85)) {
    l.mbps1w = d.lognormal(30, 1);
    if (d.chance(0.9)) {
      l.mbps1d = d.lognormal(30, 1);
      if (d.chance(0.8)) l.mbps1h = d.lognormal(30, 1);
    }
  }
  return l;
}

function analysisQueue(d: Draw, site: string): SiteSpec {
  return {
    sitename: `ANALY_${site}`,
    pandasite: site,
    cloud: 'WORLD',
    type: 'analysis',
    status: d.chance(0.03) ? 'brokeroff' : 'online',
    coreCount: 1,
    corepower: d.between(8, 16),
    maxrss: d.pick([2000, 4000]),
    minrss: 0,
    maxtime: d.int(1, 4) * 86400,
    mintime: 0,
    maxwdir: 0,
    maxinputsize: 14336,
    pledgedCPU: 0,
    transferringlimit: 0,
    releases: ['ANY'],
    direct_access_lan: d.chance(0.7),
    ddm_input: `${site}_DATADISK`,
    ddm_output: `${site}_DATADISK`,
    ddm_endpoints_input: [`${site}_DATADISK`],
    ddm_endpoints_output: [`${site}_DATADISK`],
  };
}

/** Generates the world from a uniform [0, 1) source. */
export function generateWorld(random: () => number, options: CatalogOptions = {}): GeneratedWorld {
  const d = new Draw(random);
  const nQueues = options.nQueues ?? 700;
  const nAnalysis = options.nAnalysisQueues ?? 150;
  const queues: SiteSpec[] = [];
  const queueStates: Record<string, QueueState> = {};
  const ddmEndpoints: Record<string, DdmEndpoint> = {};
  const sites: string[] = [];
  const siteQueues: string[][] = [];
  const siteCores: number[] = [];
  while (queues.length < nQueues) {
    const s = sites.length;
    const site = siteName(s);
    sites.push(site);
    const nHere = Math.min(12, 1 + Math.floor(d.exponential(3)), nQueues - queues.length);
    const names: string[] = [];
    let cores = 0;
    for (let k = 0; k < nHere; k++) {
      const made = productionQueue(d, `${site}_PQ${k}`, site, s < N_NUCLEI);
      queues.push(made.q);
      names.push(made.q.sitename);
      cores += made.cores;
      const slots = Math.max(1, Math.round(made.cores / Math.max(1, made.q.coreCount)));
      queueStates[made.q.sitename] = queueState(d, slots, made.q.capability === 'ucore');
    }
    siteQueues.push(names);
    siteCores.push(cores);
    ddmEndpoints[`${site}_DATADISK`] = endpoint(d, site, cores, s < N_NUCLEI);
  }

  const nuclei: Record<string, NucleusSpec> = {};
  const network: Record<string, Record<string, LinkMetrics>> = {};
  for (let s = 0; s < Math.min(N_NUCLEI, sites.length); s++) {
    const site = sites[s];
    ddmEndpoints[`${site}_TAPE`] = { ddm_endpoint_name: `${site}_TAPE`, site, type: 'TAPE', is_tape: true };
    nuclei[site] = {
      name: site,
      state: 'ACTIVE',
      allPandaSites: siteQueues[s],
      defaultEndpointOut: `${site}_DATADISK`,
      endpointsByToken: { ATLASDATADISK: `${site}_DATADISK` },
    };
    const links: Record<string, LinkMetrics> = {};
    for (const source of sites) if (source !== site && !d.chance(0.05)) links[source] = link(d);
    network[site] = links;
  }

  // production input: complete at the nuclei and 8 % of the other sites, partial at 5 % of the other PQs
  const nChunkFiles = 100;
  const fileSizes = Array.from({ length: nChunkFiles }, () => Math.round(d.between(100, 400) * MB));
  const chunkBytes = fileSizes.reduce((a, b) => a + b, 0);
  const evntReplicas: AnalysisReplica[] = [];
  const availableFiles: NonNullable<InputChunk['availableFiles']> = {};
  sites.forEach((site, s) => {
    if (s < N_NUCLEI || d.chance(0.08)) {
      evntReplicas.push({ rse: `${site}_DATADISK`, found: 2000, bytes: 2000 * 250 * MB });
      for (const name of siteQueues[s])
        availableFiles[name] = { siteFiles: nChunkFiles, siteSize: chunkBytes };
      return;
    }
    for (const name of siteQueues[s]) {
      if (!d.chance(0.05)) continue;
      const files = d.int(1, nChunkFiles - 1);
      availableFiles[name] = { siteFiles: files, siteSize: Math.round((chunkBytes * files) / nChunkFiles) };
    }
  });

  // analysis PQs: one at each of the first nAnalysis sites, sized 5–20 % of the site's production cores
  const daodReplicas: AnalysisReplica[] = [];
  for (let s = 0; s < Math.min(nAnalysis, sites.length); s++) {
    const q = analysisQueue(d, sites[s]);
    queues.push(q);
    const slots = Math.max(1, Math.round(siteCores[s] * d.between(0.05, 0.2)));
    const running = Math.round(slots * d.between(0.5, 1));
    queueStates[q.sitename] = {
      jobsByShare: { [USER_SHARE]: shareCounts(d, running, d.chance(0.1)) },
      getJob: d.chance(0.03) ? 0 : Math.round(slots * d.between(0.5, 3)),
      updateJob: Math.round(running * d.between(1, 4)),
      laststart: NOW - d.between(0, 600),
      toRunningRate: running * d.between(0.2, 1),
    };
  }
  sites.forEach((site, s) => {
    if (s === 0 || d.chance(0.1)) daodReplicas.push({ rse: `${site}_DATADISK`, found: 500, bytes: 50 * GB });
  });

  const liveCount: Record<string, number> = {};
  for (const q of queues) if (q.type === 'production' && d.chance(0.03)) liveCount[q.sitename] = 25;

  const snapshot: TaskBrokerageSnapshot & AnalysisSnapshot = {
    now: NOW,
    queues,
    resourceTypes: ATLAS_RESOURCE_TYPES,
    queueStates,
    ddmEndpoints,
    nuclei,
    network,
    replicas: { [EVNT]: evntReplicas, [DAOD]: daodReplicas },
    liveCount,
  };

  const production: TaskSpec = {
    jediTaskID: 40_000_001,
    prodSourceLabel: 'managed',
    taskType: 'prod',
    processingType: 'simul',
    gshare: PRODUCTION_SHARE,
    currentPriority: 500,
    resource_type: 'MCORE',
    coreCount: 8,
    ramCount: 2000,
    ramUnit: 'MBPerCore',
    cpuTime: 300,
    cpuTimeUnit: 'HS06sPerEvent',
    cpuEfficiency: 90,
    ioIntensity: 50,
    diskIO: 200,
    outDiskCount: 1500,
    outDiskUnit: 'kBPerEvent',
    workDiskCount: 2000,
    workDiskUnit: 'MB',
    transHome: 'AtlasOffline-23.0.60',
    architecture: 'x86_64-el9-gcc13-opt@el9',
  };
  const chunk: InputChunk = {
    datasets: [{ datasetName: EVNT, isMaster: true, nFiles: 2000, nFilesToBeUsed: nChunkFiles }],
    nFiles: nChunkFiles,
    totalSize: chunkBytes,
    maxAtomSize: Math.max(...fileSizes),
    maxAtomNumEvents: 1000,
    availableFiles,
  };
  const taskToBroker: TaskToBroker = {
    ...production,
    jediTaskID: 40_000_002,
    inputDatasets: [
      {
        datasetName: EVNT,
        isMaster: true,
        nFiles: 2000,
        totalBytes: 2000 * 250 * MB,
        nEvents: 2_000_000,
        nEventsUsed: 0,
      },
    ],
    outputStorageTokens: ['ATLASDATADISK'],
  };
  const userTask: TaskSpec = {
    jediTaskID: 40_000_003,
    prodSourceLabel: 'user',
    gshare: USER_SHARE,
    currentPriority: 1000,
    coreCount: 1,
    ramCount: 2000,
    ramUnit: 'MB',
    walltime: 0,
    userName: 'alice',
  };
  const userChunk: InputChunk = {
    datasets: [{ datasetName: DAOD, isMaster: true, nFiles: 500 }],
    nFiles: 50,
    totalSize: 5 * GB,
    maxAtomSize: GB,
  };
  const workloads: NucleusWorkload[] = [];
  for (const name of Object.keys(nuclei)) {
    for (let k = 0; k < 3; k++) {
      workloads.push({
        nucleus: name,
        currentPriority: d.pick([300, 500, 700]),
        share: PRODUCTION_SHARE,
        remainingWork: d.lognormal(3e8, 1),
      });
    }
  }
  return {
    snapshot,
    task: { ...production, nucleus: sites[0] },
    chunk,
    taskToBroker,
    userTask,
    userChunk,
    workloads,
  };
}
