/**
 * The providers of a scenario's platform, built and put behind Harvester: one GridSite per grid site (an
 * HTCondor-CE pull queue), one HpcMachine per LCF (a PBS or Slurm push queue, a node per job), a
 * Globus Compute endpoint in front of an LCF (the funcX plugin of the seed), a Kubernetes cluster per cloud
 * (push, one pod per job) and the user's own cluster (reached directly, not through PanDA).
 *
 * Two Harvester instances serve the queues, as ATLAS runs several: one for the grid, LCF batch and cloud
 * queues, one for the Globus Compute queue, whose deployment is remote (at CERN/BNL, talking to the endpoint
 * over the WAN, providers.md §1.8).
 */
import { constant } from '../../sim/distributions.ts';
import type { Simulation } from '../../sim/engine.ts';
import type { RandomStreams } from '../../sim/random.ts';
import { KubernetesCluster } from '../../models/cloud/cluster.ts';
import { cloudClusterParams, nodePool } from '../../models/cloud/params.ts';
import { ComputeService } from '../../models/funcx/service.ts';
import { MultiUserEndpoint } from '../../models/funcx/endpoint.ts';
import { GridSite } from '../../models/grid/grid-site.ts';
import { gridSiteParams } from '../../models/grid/site-params.ts';
import { FuncxPlugin } from '../../models/harvester/funcx-plugin.ts';
import { Harvester, type QueueBinding } from '../../models/harvester/harvester.ts';
import type { PandaServerApi } from '../../models/harvester/panda-server-api.ts';
import { PILOT_DEFAULTS } from '../../models/harvester/pilot.ts';
import { ProviderPlugin } from '../../models/harvester/provider-plugin.ts';
import {
  FUNCX_TEMPLATE,
  GRID_PULL_TEMPLATE,
  K8S_PUSH_TEMPLATE,
  queueConfig,
  type QueueOptions,
  type QueueTemplate,
} from '../../models/harvester/queue-config.ts';
import { HpcMachine } from '../../models/hpc/hpc-machine.ts';
import { HPC_MACHINES } from '../../models/hpc/machines.ts';
import { LocalCluster } from '../../models/local/local-cluster.ts';
import type { Provider } from '../../models/provider/worker.ts';
import { BATCH_SYSTEMS } from '../../models/grid/batch-systems.ts';
import type { HarvesterQueueSpec, Platform } from '../scenario.ts';
import { scoreQueue } from './catalog.ts';

const HOUR = 3600;

/**
 * A catalog's `harvester:` knobs over the options the world derives for one of a resource's queues: the
 * catalog's word wins, as a queue's own settings win over its template in Harvester's queue config mapper. A
 * worker maker the world sets itself (the hpc bundling, clamped to the project's nodes) stays.
 */
export function withHarvester(options: QueueOptions, block: HarvesterQueueSpec | undefined): QueueOptions {
  if (block === undefined) return options;
  const { nJobsPerWorker, noPilotsWhenNoActiveJobs, ...knobs } = block;
  return {
    ...options,
    ...knobs,
    submitter:
      noPilotsWhenNoActiveJobs === undefined
        ? options.submitter
        : { ...options.submitter, noPilotsWhenNoActiveJobs },
    workerMaker: options.workerMaker ?? (nJobsPerWorker === undefined ? undefined : { nJobsPerWorker }),
  };
}

/**
 * An LCF batch queue behind Harvester (`production.push` with a batch submitter and `MultiJobWorkerMaker`, as
 * the NERSC/ALCF queues of HSF/harvester `examples/` are set up): jobs are pushed, bundled into batch jobs of a node per job, and
 * Harvester reports them (no pilot heartbeats from compute nodes without outbound network) [S/E].
 */
const HPC_PUSH_TEMPLATE: QueueTemplate = {
  ...K8S_PUSH_TEMPLATE,
  mapType: 'ManyToOne',
  truePilot: false,
  // [E] a project keeps a few tens of batch jobs queued at an LCF: Polaris allows 100 queued per project [S].
  maxWorkers: 100,
  nQueueLimitWorker: 20,
  maxNewWorkersPerCycle: 10,
  nQueueLimitJob: 400,
  maxSubmissionAttempts: 3,
  submitter: { name: 'PBSSubmitter' },
  monitor: { name: 'PBSMonitor' },
  sweeper: { name: 'PBSSweeper' },
};

export interface BuiltPlatform {
  readonly providers: ReadonlyMap<string, Provider>;
  readonly locals: ReadonlyMap<string, LocalCluster>;
  readonly harvesters: readonly Harvester[];
  readonly computeService: ComputeService;
  /** The Globus Compute endpoints, by funcx entry name. */
  readonly endpoints: ReadonlyMap<string, MultiUserEndpoint>;
}

/**
 * The central Harvester instance serving a region's grid queues. ATLAS splits its grid PanDA queues over several
 * central instances (CERN_central_A, CERN_central_B, ...: twiki.cern.ch/twiki/bin/view/PanDA/CentralHarvesterInstances,
 * migrated "region by region", Barreiro Megino et al., EPJ Web Conf 245 (2020) 03010) [S]; one per region here
 * [E]. A single instance with the template's submitter (3 threads of 3 queues a minute, at most 100 new workers
 * a queue a cycle) would reach each of ATLAS-day's 340 grid queues every ~38 min, capping a queue near 160 new
 * pilots an hour whatever the site's size.
 */
function gridHarvesterID(region: string): string {
  return `harvester-grid-${region}`;
}

export function buildPlatform(
  sim: Simulation,
  streams: RandomStreams,
  platform: Platform,
  server: PandaServerApi,
): BuiltPlatform {
  const providers = new Map<string, Provider>();
  const pilotEnv = (harvesterID: string) => ({ sim, server, harvesterID, params: PILOT_DEFAULTS });
  const central: QueueBinding[] = [];
  const gridBindings = new Map<string, QueueBinding[]>();

  for (const s of platform.gridSites) {
    const site = new GridSite(
      sim,
      streams,
      gridSiteParams({
        name: s.name,
        storageEndpoint: `${s.name}_DATADISK`,
        batchSystem: BATCH_SYSTEMS[s.batchSystem],
        slots: s.slots,
        coresPerSlot: s.coresPerSlot,
        memoryPerCoreMB: s.memoryPerCoreMB,
        hs06PerCore: s.hs06PerCore,
        queueWait: s.queueWait,
        payloadFailureProbability: s.payloadFailureProbability,
        workerLossProbability: s.workerLossProbability,
        maxWalltime: s.maxWalltime,
      }),
    );
    providers.set(s.name, site);
    // Two pull queues on the site's cores: multi-core pilots of a whole slot, single-core pilots of one core.
    for (const [queueName, cores] of [
      [s.name, s.coresPerSlot],
      [scoreQueue(s.name), 1],
    ] as const) {
      const options: QueueOptions = {
        queueName,
        // Harvester stops submitting to offline queues only (`define_num_workers`): test queues get pilots.
        queueStatus: s.status === 'test' ? 'online' : s.status,
        // [E] a site keeps pilots queued in proportion to its size: the template's ratio with its slots as cap.
        nQueueLimitWorkerMax: Math.max(100, s.slots),
        walltimeLimit: s.maxWalltime,
        // Pilots ask for any production or analysis job (fairshare.md §5.1 dispatch filter).
        prodSourceLabel: 'unified',
        submitter: {
          nCorePerNode: cores,
          memoryPerNodeMB: cores * s.memoryPerCoreMB,
          // Grid sites always have pilots coming (empty ones included, providers.md §5.1): the brokerage
          // drops PQs without pilot requests in the last 3 h.
          noPilotsWhenNoActiveJobs: false,
        },
      };
      const harvesterID = gridHarvesterID(s.region);
      const bindings = gridBindings.get(harvesterID) ?? [];
      gridBindings.set(harvesterID, bindings);
      bindings.push({
        config: queueConfig(GRID_PULL_TEMPLATE, withHarvester(options, s.harvester)),
        plugin: new ProviderPlugin(pilotEnv(harvesterID), site, 'gridCe'),
      });
    }
  }

  const machines = new Map<string, HpcMachine>();
  for (const h of platform.hpc) {
    const preset = HPC_MACHINES[h.machine];
    // The machine keeps all its nodes (the other projects' demand is in the queue waits); the project holds
    // at most its share of them at once.
    const machine = new HpcMachine(sim, streams, {
      ...preset,
      name: h.name,
      storageEndpoint: `${h.name}_DATADISK`,
      limits: { ...preset.limits, maxNodesInUse: h.nodes },
      allocationNodeHours: h.allocationNodeHours,
    });
    machines.set(h.name, machine);
    providers.set(h.name, machine);
    const queue = preset.queues.find((q) => q.name === h.batchQueue);
    if (queue === undefined)
      throw new Error(`hpc ${h.name}: ${h.machine} has no batch queue ${h.batchQueue}`);
    const pbs = h.machine === 'polaris';
    central.push({
      config: queueConfig(
        HPC_PUSH_TEMPLATE,
        withHarvester(
          {
            queueName: h.name,
            walltimeLimit: Math.min(queue.maxWalltime, 24 * HOUR),
            submitter: {
              name: pbs ? 'PBSSubmitter' : 'SlurmSubmitter',
              nCorePerNode: preset.coresPerNode,
              nGpuPerNode: preset.gpusPerNode,
              memoryPerNodeMB: preset.memoryPerNodeMB,
              batchQueue: h.batchQueue,
              noPilotsWhenNoActiveJobs: true,
            },
            // A job takes a node: a worker bundling more jobs than the project's nodes could never start.
            workerMaker: { name: 'MultiJobWorkerMaker', nJobsPerWorker: Math.min(h.jobsPerWorker, h.nodes) },
            maxWorkers: Math.max(1, h.nodes),
          },
          h.harvester,
        ),
      ),
      plugin: new ProviderPlugin(pilotEnv('harvester-central'), machine, pbs ? 'pbs' : 'slurm'),
    });
  }

  for (const c of platform.cloud) {
    const cluster = new KubernetesCluster(
      sim,
      streams,
      cloudClusterParams({
        name: c.name,
        pools: [
          nodePool(
            'gpu',
            {
              name: c.instanceType,
              cores: c.coresPerNode,
              memoryMB: c.coresPerNode * 8000,
              gpus: c.gpusPerNode,
              gpuSpeed: c.gpuSpeed,
              corepower: c.hs06PerCore,
              onDemandPerHour: c.pricePerNodeHour,
              spotPerHour: c.pricePerNodeHour,
            },
            { spot: c.spot, maxNodes: c.maxNodes },
          ),
        ],
      }),
    );
    providers.set(c.name, cluster);
    const perJob = c.gpusPerNode > 0 ? c.gpusPerNode : 1;
    central.push({
      config: queueConfig(
        K8S_PUSH_TEMPLATE,
        withHarvester(
          {
            queueName: c.name,
            submitter: {
              nCorePerNode: Math.floor(c.coresPerNode / perJob),
              nGpuPerNode: c.gpusPerNode > 0 ? 1 : 0,
              memoryPerNodeMB: Math.floor((c.coresPerNode * 8000) / perJob),
              noPilotsWhenNoActiveJobs: true,
            },
          },
          c.harvester,
        ),
      ),
      plugin: new ProviderPlugin(pilotEnv('harvester-central'), cluster, 'kubernetes'),
    });
  }

  const harvesters: Harvester[] = [];
  const central_ = new Harvester(sim, streams, {
    server,
    queues: central,
    params: { harvesterID: 'harvester-central' },
  });
  harvesters.push(central_);
  for (const [harvesterID, queues] of gridBindings) {
    harvesters.push(new Harvester(sim, streams, { server, queues, params: { harvesterID } }));
  }

  const computeService = new ComputeService(sim);
  const funcxQueues: QueueBinding[] = [];
  const funcxPlugins: FuncxPlugin[] = [];
  const endpoints = new Map<string, MultiUserEndpoint>();
  for (const f of platform.funcx) {
    const machine = machines.get(f.hpc);
    if (machine === undefined) throw new Error(`funcx ${f.name}: no hpc ${f.hpc}`);
    const preset = machine.params;
    const queue = preset.queues.find((q) => q.name === f.batchQueue);
    if (queue === undefined) throw new Error(`funcx ${f.name}: ${f.hpc} has no batch queue ${f.batchQueue}`);
    // The endpoint serves the tasks the plugin sends to its id through the service; faults reach it by name.
    const endpoint = new MultiUserEndpoint(sim, streams, computeService, machine, {
      id: f.name,
      engine: {
        queue: f.batchQueue,
        // [E] blocks long enough for several 5 h trainings, inside the queue's limit.
        walltime: Math.min(queue.maxWalltime, 12 * HOUR),
        nodesPerBlock: f.nodesPerBlock,
        maxBlocks: f.maxBlocks,
        workersPerNode: f.workersPerNode,
        coresPerNode: preset.coresPerNode,
        gpusPerNode: preset.gpusPerNode,
      },
    });
    endpoints.set(f.name, endpoint);
    const plugin = new FuncxPlugin(sim, streams, computeService, { endpointId: f.name });
    funcxPlugins.push(plugin);
    funcxQueues.push({
      config: queueConfig(
        FUNCX_TEMPLATE,
        withHarvester(
          {
            queueName: f.name,
            submitter: {
              nCorePerNode: Math.floor(preset.coresPerNode / f.workersPerNode),
              nGpuPerNode: 1,
              memoryPerNodeMB: 0,
            },
          },
          f.harvester,
        ),
      ),
      plugin,
    });
  }
  if (funcxQueues.length > 0) {
    const remote = new Harvester(sim, streams, {
      server,
      queues: funcxQueues,
      params: { harvesterID: 'harvester-funcx', deployment: 'remote' },
    });
    for (const plugin of funcxPlugins) plugin.useCredentials(remote.credentials);
    harvesters.push(remote);
  }

  const locals = new Map<string, LocalCluster>();
  for (const l of platform.local) {
    const cluster = new LocalCluster(sim, streams, {
      name: l.name,
      cores: l.cores,
      gpus: l.gpus,
      gpuSpeed: l.gpuSpeed,
      corepower: l.hs06PerCore,
      // [E] the user's own batch system starts a job within seconds once capacity is free.
      startLatency: constant(5, 'duration'),
    });
    locals.set(l.name, cluster);
    providers.set(l.name, cluster);
  }

  return { providers, locals, harvesters, computeService, endpoints };
}
