/**
 * The PanDA queue catalog of a scenario's platform, as CRIC would publish it for the brokerage: one production
 * PQ per grid site, LCF batch queue, Globus Compute endpoint and cloud cluster, their storage endpoints (RSEs),
 * the nuclei, and the network closeness between sites. The local cluster is the user's own: it is no PanDA
 * queue. Field meanings are @pandasim/panda's (snapshot/queue.ts); values not in the scenario follow the common
 * CRIC settings of ATLAS production queues.
 */
import type {
  BrokerageSnapshot,
  DdmEndpoint,
  LinkMetrics,
  NucleusSpec,
  QueueSoftware,
  SiteSpec,
} from '@pandasim/panda';
import { CLOUD_DEFAULTS } from '../../models/cloud/params.ts';
import { HPC_MACHINES } from '../../models/hpc/machines.ts';
import type { HpcMachineParams } from '../../models/hpc/machine-params.ts';
import { DEFAULT_CLOSENESS } from '../../models/network/regional-topology.ts';
import type { Platform } from '../scenario.ts';

/** The static part of the brokerage's view, which JEDI completes with the live job counts each cycle. */
export type StaticWorld = Omit<BrokerageSnapshot, 'now' | 'queueStates' | 'liveCount'>;

export type ResourceKind = 'grid' | 'hpc' | 'funcx' | 'cloud' | 'local';

/** What placement policies and metrics know of each compute resource. */
export interface ResourceInfo {
  readonly name: string;
  readonly kind: ResourceKind;
  readonly region: string;
  /** Its storage's link to the region, bytes/s. */
  readonly uplink: number;
  /** Storage endpoint (RSE) next to it. */
  readonly rse: string;
  /** Cores and GPUs the project can hold there at once. */
  readonly cores: number;
  readonly gpus: number;
  /** HS06 per core; GPU speed relative to an A100 (0 without GPUs). */
  readonly corepower: number;
  readonly gpuSpeed: number;
  /** Cores and memory of one worker slot (node) there. */
  readonly coresPerSlot: number;
  readonly gpusPerSlot: number;
  /** Jobs one slot (node) runs side by side; null when jobs pack by their cores and GPUs. */
  readonly jobsPerSlot: number | null;
  /** USD per node-hour (0 for pledged and allocated resources). */
  readonly pricePerSlotHour: number;
  /** Typical wait of a worker in the provider's queue, s (the mean of its model). */
  readonly typicalWait: number;
  /**
   * The PanDA queues placement routes may send work to (a grid site has a multi-core and a single-core one);
   * none for the local cluster, nor for a grid site whose queues are not online: a route pre-assigns its
   * queues, and a pre-assigned task skips the brokerage's status check (brokerage.md §2.2 step 2).
   */
  readonly pandaQueues: readonly string[];
}

/** CRIC's `corepower`-style CPU entry every x86 queue publishes. */
const X86: QueueSoftware['cpu'] = { arch: ['x86_64'], vendor: ['any'], instr: ['any'] };

function software(gpu: { vendor: string; model: string; vram: number } | null): QueueSoftware {
  const sw: QueueSoftware = {
    cmtconfigs: ['x86_64-el9-gcc13-opt'],
    containers: ['any'],
    cvmfs: ['atlas'],
    tags: [],
    cpu: X86,
  };
  // A GPU PQ publishes its nodes' GPUs and is GPU-only (`excl`), as the LCF and cloud GPU PQs are in CRIC.
  if (gpu !== null)
    sw.gpu = { excl: true, nodes: [{ vendor: gpu.vendor, model: gpu.model, vram: gpu.vram }] };
  return sw;
}

interface QueueShape {
  name: string;
  site: string;
  coreCount: number;
  corepower: number;
  memoryMB: number;
  maxtime: number;
  cores: number;
  nucleus: boolean;
  gpu: { vendor: string; model: string; vram: number } | null;
  /** CRIC status; online unless the catalog says otherwise. */
  status?: SiteSpec['status'];
}

function productionQueue(q: QueueShape): SiteSpec {
  const rse = `${q.site}_DATADISK`;
  const spec: SiteSpec = {
    sitename: q.name,
    pandasite: q.site,
    cloud: 'WORLD',
    type: 'production',
    status: q.status ?? 'online',
    coreCount: q.coreCount,
    corepower: q.corepower,
    maxrss: q.memoryMB,
    minrss: 0,
    maxtime: q.maxtime,
    mintime: 0,
    // No scratch-disk or input-size limit: the scenario does not model worker-node disks.
    maxwdir: 0,
    maxinputsize: -1,
    pledgedCPU: q.cores,
    transferringlimit: 0,
    releases: ['AUTO'],
    software: software(q.gpu),
    role: q.nucleus ? 'nucleus' : 'satellite',
    ddm_input: rse,
    ddm_output: rse,
    ddm_endpoints_input: [rse],
    ddm_endpoints_output: [rse],
  };
  if (q.gpu !== null) spec.isGPU = true;
  return spec;
}

/** CRIC closeness between two sites [E]: 1 within a region, 5 across (models/network DEFAULT_CLOSENESS). */
function closeness(regionA: string, regionB: string): number {
  return regionA === regionB ? DEFAULT_CLOSENESS.sameRegion : DEFAULT_CLOSENESS.interRegion;
}

/** The single-core PanDA queue of a grid site. */
export function scoreQueue(site: string): string {
  return `${site}_SCORE`;
}

export interface Catalog {
  readonly world: StaticWorld;
  readonly resources: readonly ResourceInfo[];
  /** PanDA queue name → resource. */
  readonly byQueue: ReadonlyMap<string, ResourceInfo>;
}

/**
 * The nucleus a task pinned to `queues` names when no nucleus owns one of them that can run it (LCF, cloud and
 * Globus Compute PQs are satellites): the first nucleus in the region of the first such queue, else the first
 * nucleus [E]. The task
 * brokerage only considers nuclei owning a PQ that passes the job check (brokerage.md §3), which a task pinned
 * to satellites never has; ProdSys2 lets such a task name its nucleus instead.
 */
export function nucleusForPinnedTask(
  catalog: Catalog,
  queues: readonly string[],
  gpu: boolean,
): string | null {
  const nuclei = Object.values(catalog.world.nuclei);
  if (nuclei.length === 0) return null;
  const owned = new Set(nuclei.flatMap((n) => n.allPandaSites));
  // A GPU task can only pass the job check at GPU PQs, which no nucleus owns here.
  const able = (q: string) => owned.has(q) && (!gpu || (catalog.byQueue.get(q)?.gpus ?? 0) > 0);
  if (queues.some(able)) return null;
  queues = queues.filter((q) => !gpu || (catalog.byQueue.get(q)?.gpus ?? 0) > 0);
  const region = catalog.byQueue.get(queues[0] ?? '')?.region;
  const regionOf = (site: string) => catalog.resources.find((r) => r.name === site)?.region;
  return (nuclei.find((n) => regionOf(n.name) === region) ?? nuclei[0]).name;
}

export function buildCatalog(platform: Platform): Catalog {
  const queues: SiteSpec[] = [];
  const resources: ResourceInfo[] = [];
  const ddmEndpoints: Record<string, DdmEndpoint> = {};
  const regionOf = new Map<string, string>();
  const addEndpoint = (site: string, bytes: number) => {
    const name = `${site}_DATADISK`;
    ddmEndpoints[name] = {
      ddm_endpoint_name: name,
      site,
      type: 'DATADISK',
      space_total: bytes / 1e9,
      space_free: bytes / 1e9,
    };
    return name;
  };

  for (const s of platform.gridSites) {
    const rse = addEndpoint(s.name, s.storage);
    // A multi-core PQ of whole slots and a single-core PQ, both on the site's batch cores (the split PanDA
    // had before unified queues; a pledge counts the whole site for each).
    for (const [name, coreCount] of [
      [s.name, s.coresPerSlot],
      [scoreQueue(s.name), 1],
    ] as const) {
      queues.push(
        productionQueue({
          name,
          site: s.name,
          coreCount,
          corepower: s.hs06PerCore,
          memoryMB: coreCount * s.memoryPerCoreMB,
          maxtime: s.maxWalltime,
          cores: s.slots * s.coresPerSlot,
          nucleus: s.nucleus,
          gpu: null,
          status: s.status,
        }),
      );
    }
    resources.push({
      name: s.name,
      kind: 'grid',
      region: s.region,
      uplink: s.uplink,
      rse,
      cores: s.slots * s.coresPerSlot,
      gpus: 0,
      corepower: s.hs06PerCore,
      gpuSpeed: 0,
      coresPerSlot: s.coresPerSlot,
      gpusPerSlot: 0,
      jobsPerSlot: 1,
      pricePerSlotHour: 0,
      typicalWait: s.queueWait.mean,
      pandaQueues: s.status === 'online' ? [s.name, scoreQueue(s.name)] : [],
    });
    regionOf.set(s.name, s.region);
  }

  /**
   * A PQ on an LCF machine's GPU nodes: a Harvester batch queue whose jobs each hold a whole node, or a Globus
   * Compute endpoint running `jobsPerNode` of them side by side.
   */
  const lcfQueue = (
    spec: { name: string; region: string; uplink: number },
    kind: 'hpc' | 'funcx',
    machine: HpcMachineParams,
    batchQueue: string,
    nodes: number,
    jobsPerNode: number,
  ) => {
    const rse = addEndpoint(spec.name, 1e15);
    const queue = machine.queues.find((q) => q.name === batchQueue);
    queues.push(
      productionQueue({
        name: spec.name,
        site: spec.name,
        coreCount: Math.floor(machine.coresPerNode / jobsPerNode),
        corepower: machine.hs06PerCore,
        memoryMB: Math.floor(machine.memoryPerNodeMB / jobsPerNode),
        maxtime: queue?.maxWalltime ?? 86_400,
        cores: nodes * machine.coresPerNode,
        nucleus: false,
        gpu: { vendor: 'nvidia', model: machine.gpu.name, vram: 40_960 },
      }),
    );
    resources.push({
      name: spec.name,
      kind,
      region: spec.region,
      uplink: spec.uplink,
      rse,
      cores: nodes * machine.coresPerNode,
      gpus: nodes * machine.gpusPerNode,
      corepower: machine.hs06PerCore,
      gpuSpeed: machine.gpu.speed,
      coresPerSlot: machine.coresPerNode,
      gpusPerSlot: machine.gpusPerNode,
      jobsPerSlot: jobsPerNode,
      pricePerSlotHour: 0,
      typicalWait: queue ? queue.wait.mean : 3600,
      pandaQueues: [spec.name],
    });
    regionOf.set(spec.name, spec.region);
  };
  const hpcByName = new Map(platform.hpc.map((h) => [h.name, h]));
  // A PanDA job through Harvester's batch plugin holds a whole node (one node per job).
  for (const h of platform.hpc) lcfQueue(h, 'hpc', HPC_MACHINES[h.machine], h.batchQueue, h.nodes, 1);
  for (const f of platform.funcx) {
    const host = hpcByName.get(f.hpc);
    if (host === undefined) throw new Error(`funcx ${f.name}: no hpc ${f.hpc}`);
    const nodes = f.nodesPerBlock * f.maxBlocks;
    lcfQueue(f, 'funcx', HPC_MACHINES[host.machine], f.batchQueue, nodes, f.workersPerNode);
  }

  for (const c of platform.cloud) {
    const rse = addEndpoint(c.name, 1e15);
    queues.push(
      productionQueue({
        name: c.name,
        site: c.name,
        coreCount: c.gpusPerNode > 0 ? Math.floor(c.coresPerNode / c.gpusPerNode) : c.coresPerNode,
        corepower: c.hs06PerCore,
        memoryMB: 0,
        maxtime: 7 * 86_400,
        cores: c.maxNodes * c.coresPerNode,
        nucleus: false,
        gpu: c.gpusPerNode > 0 ? { vendor: 'nvidia', model: c.instanceType, vram: 40_960 } : null,
      }),
    );
    resources.push({
      name: c.name,
      kind: 'cloud',
      region: c.region,
      uplink: c.uplink,
      rse,
      cores: c.maxNodes * c.coresPerNode,
      gpus: c.maxNodes * c.gpusPerNode,
      corepower: c.hs06PerCore,
      gpuSpeed: c.gpuSpeed,
      coresPerSlot: c.coresPerNode,
      gpusPerSlot: c.gpusPerNode,
      jobsPerSlot: null,
      pricePerSlotHour: c.pricePerNodeHour,
      typicalWait: CLOUD_DEFAULTS.nodeProvisioning.mean + CLOUD_DEFAULTS.podStartCached.mean,
      pandaQueues: [c.name],
    });
    regionOf.set(c.name, c.region);
  }

  for (const l of platform.local) {
    resources.push({
      name: l.name,
      kind: 'local',
      region: l.region,
      uplink: l.uplink,
      rse: addEndpoint(l.name, 1e14),
      cores: l.cores,
      gpus: l.gpus,
      corepower: l.hs06PerCore,
      gpuSpeed: l.gpuSpeed,
      coresPerSlot: l.cores,
      gpusPerSlot: l.gpus,
      jobsPerSlot: null,
      pricePerSlotHour: 0,
      typicalWait: 0,
      pandaQueues: [],
    });
    regionOf.set(l.name, l.region);
  }

  const nuclei: Record<string, NucleusSpec> = {};
  for (const s of platform.gridSites.filter((g) => g.nucleus)) {
    nuclei[s.name] = {
      name: s.name,
      state: 'ACTIVE',
      allPandaSites: [s.name, scoreQueue(s.name)],
      defaultEndpointOut: `${s.name}_DATADISK`,
      endpointsByToken: { ATLASDATADISK: `${s.name}_DATADISK` },
    };
  }
  const network: Record<string, Record<string, LinkMetrics>> = {};
  for (const nucleus of Object.keys(nuclei)) {
    const links: Record<string, LinkMetrics> = {};
    for (const q of queues) {
      if (q.pandasite === nucleus) continue;
      links[q.pandasite] = {
        closeness: closeness(regionOf.get(nucleus) ?? '', regionOf.get(q.pandasite) ?? ''),
      };
    }
    network[nucleus] = links;
  }

  const world: StaticWorld = { queues, resourceTypes: [], ddmEndpoints, nuclei, network };
  return {
    world,
    resources,
    // Every PQ, routable or not: pilots of a brokeroff site still ask for jobs.
    byQueue: new Map(
      queues.map((q) => [q.sitename, resources.find((r) => r.name === q.pandasite)!] as const),
    ),
  };
}
