// File schemas of the PanDA-queue types of snapshot/queue.ts: the CRIC/schedconfig attributes of a PQ
// (`SiteSpec`, pandaserver/taskbuffer/SiteSpec.py) and the dynamic per-queue state JEDI reads from its job tables
// and SiteData. Field names, optionality and nullability are the interfaces' own; the descriptions give PanDA's
// meaning and end up in the generated JSON Schema.

import { z } from 'zod';
import type {
  CpuArchitecture,
  GpuArchitecture,
  GpuNode,
  JobCounts,
  QueueSoftware,
  QueueState,
  ResourceTypeSpec,
  SiteSpec,
  SoftwareTag,
  UserJobCounts,
} from '../snapshot/queue.ts';
import type { Assert, IsExact } from './exact.ts';

const count = (description: string) => z.number().int().nonnegative().describe(description);
const names = (description: string) => z.array(z.string()).describe(description);

export const QueueStatusSchema = z
  .enum(['online', 'offline', 'brokeroff', 'test', 'standby', 'paused'])
  .describe(
    '`SiteSpec.status`. Production brokerage keeps online and standby; analysis drops offline/brokeroff/test.',
  );

export const QueueTypeSchema = z
  .enum(['production', 'analysis', 'unified'])
  .describe('`SiteSpec.type`; `unified` runs both production and analysis.');

export const JobSeedSchema = z
  .enum(['std', 'es', 'eshigh', 'all'])
  .describe('`SiteSpec.getJobSeed()`: which jobs the PQ takes with respect to event service (absent = std).');

export const RseActivityStatusSchema = z
  .enum(['ON', 'OFF', 'TEST'])
  .describe('RSE activity flag of `detailed_status`; OFF and TEST count as down (`DOWNTIME_STATUSES`).');

export const CpuArchitectureSchema = z
  .strictObject({
    arch: names(
      'CPU architectures, e.g. `x86_64`; `any` accepts every value, `excl` only tasks naming a CPU spec.',
    ),
    vendor: names('CPU vendors (same `any` / `excl` conventions).').optional(),
    instr: names('Instruction sets, e.g. `avx2` (same `any` / `excl` conventions).').optional(),
  })
  .meta({
    id: 'CpuArchitecture',
    description: 'CPU entry of the PQ SW/HW JSON (`architectures[]`, type cpu).',
  });

export const GpuNodeSchema = z
  .strictObject({
    vendor: z.string().describe('GPU vendor, e.g. `nvidia`.').optional(),
    model: z.string().describe('GPU model name.').optional(),
    vram: z.number().describe('GPU memory, MB.').optional(),
    architecture: z.string().describe('Micro-architecture generation, e.g. `Ampere`.').optional(),
    framework_version: z.string().describe('CUDA (framework) version, e.g. `12.2`.').optional(),
    driver_version: z.string().describe('GPU driver version.').optional(),
  })
  .meta({ id: 'GpuNode', description: 'One worker-node GPU type of `MV_WORKER_NODE_GPU_SUMMARY`.' });

export const GpuArchitectureSchema = z
  .strictObject({
    excl: z.boolean().describe('`excl` in the CRIC gpu entry: the PQ only takes GPU tasks.').optional(),
    nodes: z.array(GpuNodeSchema).describe('Distinct worker-node GPU types reported by the pilots.'),
  })
  .meta({
    id: 'GpuArchitecture',
    description: 'GPU capability of the PQ: CRIC gpu entry plus the WN GPU summary.',
  });

export const SoftwareTagSchema = z
  .strictObject({
    project: z.string().describe('Release project, e.g. `AtlasOffline`.').optional(),
    release: z.string().describe('Release number, e.g. `21.0.15`.').optional(),
    cmtconfig: z.string().describe('Platform the release is built for.').optional(),
    container_name: z.string().describe('Container image providing the release.').optional(),
    sources: names('Where the tag comes from (CVMFS repositories, …).').optional(),
  })
  .meta({ id: 'SoftwareTag', description: 'One entry of the SW/HW JSON `tags` list.' });

export const QueueSoftwareSchema = z
  .strictObject({
    cmtconfigs: names('Platforms (cmtconfig) the PQ can run.'),
    containers: names('Container prefixes; `any` or `/cvmfs` accept every container.'),
    cvmfs: names('CVMFS repositories, e.g. `atlas`, `nightlies`, or `any`.'),
    tags: z.array(SoftwareTagSchema).describe('Installed releases.'),
    cpu: CpuArchitectureSchema.optional(),
    gpu: GpuArchitectureSchema.optional(),
    architectureLevels: z
      .record(z.string(), z.number())
      .describe('Percentage of worker nodes per x86-64 level (`x86-64-v3` → 60), `pct_within_queue`.')
      .optional(),
  })
  .meta({
    id: 'QueueSoftware',
    description: 'What `JsonSoftwareCheck` reads from the PQ SW/HW JSON (`sw_map[PQ]`).',
  });

export const SiteSpecSchema = z
  .strictObject({
    sitename: z.string().describe('PanDA queue (PQ) name.'),
    pandasite: z.string().describe('The ATLAS site the PQ belongs to (nucleus membership, network links).'),
    cloud: z.string().describe('Cloud; production brokerage scans the WORLD cloud.'),
    type: QueueTypeSchema,
    status: QueueStatusSchema,
    capability: z
      .string()
      .describe('`ucore` marks a unified queue, split into one pseudo queue per resource type.')
      .optional(),
    workflow: z
      .string()
      .describe('`pull_ups` with capability `ucore` is a UPS queue (worker bootstrap).')
      .optional(),
    coreCount: z.number().describe('Cores per job slot; 0 = any.'),
    corepower: z.number().describe('HS06 per core; 0 when unset.'),
    maxrss: z.number().describe('Largest job memory, MB; 0 = no limit.'),
    minrss: z.number().describe('Smallest job memory, MB; 0 = no limit.'),
    maxtime: z.number().describe('Longest job walltime, s; 0 = no limit.'),
    mintime: z.number().describe('Shortest job walltime, s; 0 = no limit.'),
    maxwdir: z.number().describe('Scratch space per slot, MB; 0 = no limit.'),
    maxinputsize: z.number().describe('Largest input per job, MB; -1 = input always read directly.'),
    pledgedCPU: z.number().describe('Pledged CPU; -1 = opportunistic resource.'),
    transferringlimit: z.number().describe('Most jobs in `transferring`; 0 = 2000.'),
    fairsharePolicy: z
      .string()
      .describe('`fairsharepolicy`, e.g. `type=evgen:0%,group=test:10%`.')
      .optional(),
    releases: names('`["ANY"]`, `["AUTO"]` or an explicit release list.').optional(),
    jobseed: JobSeedSchema.optional(),
    wnconnectivity: z
      .string()
      .describe('Worker-node connectivity `full|http|none`, optionally `#IPv4|IPv6|dual`.')
      .optional(),
    maxDiskio: z
      .number()
      .describe('Disk IO limit, kB/s per core; absent or 0 = `MAX_DISKIO_DEFAULT`.')
      .optional(),
    direct_access_lan: z.boolean().describe('Jobs may read input directly over the LAN.').optional(),
    direct_access_wan: z.boolean().describe('Jobs may read input directly over the WAN.').optional(),
    role: z
      .enum(['nucleus', 'satellite'])
      .describe('`nucleus` makes the ATLAS site a nucleus (`SiteMapper.collect_nuclei_and_satellites`).')
      .optional(),
    tier: z.string().describe('WLCG tier, e.g. `T1`.').optional(),
    ddm_input: z.string().describe('Default input RSE of the PQ (production scope).').optional(),
    ddm_output: z.string().describe('Default output RSE of the PQ (production scope).').optional(),
    ddm_endpoints_input: names('All input RSEs of the PQ, the default one included.').optional(),
    ddm_endpoints_output: names('All output RSEs of the PQ, the default one included.').optional(),
    num_slots_map: z
      .record(z.string(), z.record(z.string(), z.number()))
      .describe('Harvester_Slots: gshare → resource type → numSlots; `*` stands for PanDA None (any).')
      .optional(),
    software: QueueSoftwareSchema.optional(),
    useJumboJobs: z.boolean().describe('catchall: the PQ runs jumbo jobs.').optional(),
    minEventsForJumbo: z.number().describe('catchall: fewest events left for a jumbo job.').optional(),
    isGPU: z.boolean().describe('catchall `gpu` (`SiteSpec.isGPU()`).').optional(),
    grandly_unified: z
      .boolean()
      .describe('catchall: runs production and analysis (catchall unified).')
      .optional(),
    use_only_local_data: z.boolean().describe('catchall: jobs only read input stored at the PQ.').optional(),
    jobChunkSize: z
      .number()
      .describe('Fixed bunch size for the job splitter (strict in the first pass).')
      .optional(),
    bareNucleus: z.enum(['only', 'allow']).describe('Bare-nucleus mode for full-chain tasks.').optional(),
    secondaryNucleus: z
      .string()
      .describe('Nucleus whose storage takes outputs in full-chain mode.')
      .optional(),
    per_core_attr: z.boolean().describe('maxrss/maxwdir are per core.').optional(),
    allow_no_pilot: z.boolean().describe('Keep the PQ even without pilot activity.').optional(),
    allowed_processing: names('Only these processing types run at the PQ.').optional(),
    excluded_processing: names('These processing types never run at the PQ.').optional(),
    max_io_intensity: z.number().describe('extra_queue_params `max_io_intensity`, kB/s.').optional(),
    is_unified: z
      .boolean()
      .describe('Set on pseudo queues of a unified PQ (SiteMapper.get_child_site_spec).')
      .optional(),
    unified_name: z.string().describe('Parent PQ of a pseudo queue.').optional(),
  })
  .meta({
    id: 'SiteSpec',
    description: 'Static PQ attributes as CRIC publishes them (`SiteSpec._attributes`).',
  });

export const ResourceTypeSpecSchema = z
  .strictObject({
    resource_name: z.string().describe('Resource type, e.g. SCORE, MCORE, SCORE_HIMEM, MCORE_HIMEM.'),
    mincore: z.number().nullable().describe('Fewest cores; null = no bound.'),
    maxcore: z.number().nullable().describe('Most cores; null = no bound.'),
    minrampercore: z.number().nullable().describe('Least RAM per core, MB; null = no bound.'),
    maxrampercore: z.number().nullable().describe('Most RAM per core, MB; null = no bound.'),
  })
  .meta({ id: 'ResourceTypeSpec', description: 'ATLAS resource type (`ResourceSpec`).' });

export const JobCountsSchema = z
  .strictObject({
    nDefined: count('Jobs in `defined`.'),
    nAssigned: count('Jobs in `assigned` (waiting for input transfer).'),
    nActivated: count('Jobs in `activated` (ready for a pilot).'),
    nStarting: count('Jobs in `starting`.'),
    nRunning: count('Jobs in `running`.'),
    nTransferring: count('Jobs in `transferring` (outputs being moved).'),
    nThrottled: count('Jobs in `throttled` (analysis logging only).').optional(),
  })
  .meta({ id: 'JobCounts', description: 'Job counts of one PQ for one global share, by `jobStatus`.' });

export const UserJobCountsSchema = z
  .strictObject({
    nQueued: count('Activated + starting jobs.'),
    nRunning: count('Running jobs.'),
  })
  .meta({ id: 'UserJobCounts', description: 'Queued and running jobs of one user (or `_total`) at a PQ.' });

export const QueueStateSchema = z
  .strictObject({
    jobsByShare: z
      .record(z.string(), JobCountsSchema)
      .describe('gshare (or work-queue name) → job counts of that share at this PQ.'),
    jobsAllShares: JobCountsSchema.describe(
      'Sum over all shares; summed from jobsByShare when absent.',
    ).optional(),
    jobsByResourceType: z
      .record(z.string(), z.record(z.string(), JobCountsSchema))
      .describe('gshare → resource type → counts (resource-type caps).')
      .optional(),
    getJob: z.number().describe('SiteData over the last 3 h: pilot `getJob` requests.'),
    updateJob: z.number().describe('SiteData over the last 3 h: pilot `updateJob` requests.'),
    laststart: z.number().describe('Snapshot time (s) of the last job start; absent = unknown.').optional(),
    nWorkers: z.number().describe('Harvester workers running + submitted in the last hour.').optional(),
    diskIoPerCore: z.number().describe('Measured disk IO per core of running jobs, kB/s.').optional(),
    nCoresRunningStarting: z
      .number()
      .describe('Cores of running + starting jobs, all shares (pledge check under work shortage).')
      .optional(),
    nTransferringToUnwritableNuclei: z
      .number()
      .describe('Transferring jobs whose nucleus cannot be written over WAN.')
      .optional(),
    locked: z.boolean().describe('PQ locked by another brokerage process in the same cycle.').optional(),
    toRunningRate: z
      .number()
      .describe('Analysis: jobs started per hour over [now − 6 h, now − 5 min].')
      .optional(),
    jobsByUser: z
      .record(z.string(), z.record(z.string(), UserJobCountsSchema))
      .describe('Analysis: gshare → user name (and `_total`) → counts.')
      .optional(),
    analySiteClass: z
      .literal([-1, 0, 1])
      .describe('Analysis: `analy_site_eval` class, 1 hi, 0 mid, -1 lo (absent = 0).')
      .optional(),
  })
  .meta({ id: 'QueueState', description: 'Dynamic state of one PQ, keyed by its unified (parent) name.' });

type _checks = [
  Assert<IsExact<z.infer<typeof CpuArchitectureSchema>, CpuArchitecture>>,
  Assert<IsExact<z.infer<typeof GpuNodeSchema>, GpuNode>>,
  Assert<IsExact<z.infer<typeof GpuArchitectureSchema>, GpuArchitecture>>,
  Assert<IsExact<z.infer<typeof SoftwareTagSchema>, SoftwareTag>>,
  Assert<IsExact<z.infer<typeof QueueSoftwareSchema>, QueueSoftware>>,
  Assert<IsExact<z.infer<typeof SiteSpecSchema>, SiteSpec>>,
  Assert<IsExact<z.infer<typeof ResourceTypeSpecSchema>, ResourceTypeSpec>>,
  Assert<IsExact<z.infer<typeof JobCountsSchema>, JobCounts>>,
  Assert<IsExact<z.infer<typeof UserJobCountsSchema>, UserJobCounts>>,
  Assert<IsExact<z.infer<typeof QueueStateSchema>, QueueState>>,
];
