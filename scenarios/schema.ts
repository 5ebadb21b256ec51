/**
 * The scenario file format (YAML), as zod schemas of strict objects: an unknown key is an error, so a typo
 * never silently falls back to a default. Quantities are written with units and parsed here, once:
 *
 *   durations      '8h', '30d', '900s', '1h 30min'          → seconds        (sim/units.ts)
 *   sizes          '5GB', '300MB', '1.5TiB'                 → bytes
 *   rates          '10Gb/s', '400Gbps', '1GB/s'             → bytes per second
 *   frequencies    '40/d', '2/h', '3/1h'                    → events per second (Poisson rates)
 *   distributions  'lognormal(median=15min, sigma=1.2)'     → a Distribution (sim/distribution-syntax.ts)
 *
 * CPU work is a plain number of HS06·s: W HS06·s take W / (cores × HS06 per core) seconds, HS06 per core
 * being PanDA's corepower. GPU work is a duration on one A100 (models/provider/worker.ts's reference GPU).
 *
 * Optional fields are left undefined by the schemas; load.ts fills them from SCENARIO_DEFAULTS below, whose
 * comments give each default's source. Cross-references (regions, shares, sources, task names) are checked
 * in checks.ts, not here.
 */
import { z } from 'zod';
import { GlobalShareRowSchema } from '@pandasim/panda';
import { parseDistribution, type Distribution } from '../sim/distributions.ts';
import { parseDuration, parseQuantity, type QuantityKind } from '../sim/units.ts';
import { GRID_SITE_DEFAULTS } from '../models/grid/site-params.ts';
import { isPlainObject } from './yaml-input.ts';
import { LOCAL_DEFAULTS } from '../models/local/local-cluster.ts';
import { TraceSchema } from './trace-schema.ts';
import { faultsSchema } from './fault-schema.ts';

const EXAMPLE: Record<Exclude<QuantityKind, 'none'>, string> = {
  duration: "a duration like '8h'",
  size: "a size like '5GB'",
  rate: "a rate like '10Gb/s'",
};

/** The reason of a units.ts error, without its "cannot parse ..." head, for an `expected` clause. */
function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^cannot parse "[^"]*" as an? \w+: /, '').replace(/^expected /, '');
}

const isText = (value: unknown): value is string | number =>
  typeof value === 'string' || typeof value === 'number';

/** A string or number parsed by `parse`; a failure becomes an issue saying `expected` and why. */
function parsed<T>(expected: string, parse: (value: string | number) => T) {
  return z.custom<string | number>(isText, { error: expected }).transform((value, ctx): T => {
    try {
      return parse(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', input: value, message: `${expected} (${reason(error)})` });
      return z.NEVER;
    }
  });
}

function positive(value: number, what: string): number {
  if (!(value > 0)) throw new Error(`${what} must be > 0`);
  return value;
}

/** A duration, size or rate; `positive` rejects zero. */
export function quantity(kind: Exclude<QuantityKind, 'none'>, options: { positive?: boolean } = {}) {
  return parsed(EXAMPLE[kind], (value) => {
    const number = parseQuantity(value, kind);
    return options.positive ? positive(number, 'it') : number;
  });
}

/**
 * Events per second from `<count>/<duration>`: '40/d', '2.5/h', '3/12h'. A bare number is per second.
 * (units.ts has no frequency kind: a rate there is bytes per second.)
 */
export function parseFrequency(value: string | number): number {
  const slash = typeof value === 'string' ? value.indexOf('/') : -1;
  const count = parseQuantity(slash < 0 ? value : String(value).slice(0, slash), 'none');
  if (count < 0) throw new Error('the count must not be negative');
  if (slash < 0) return count;
  const per = String(value)
    .slice(slash + 1)
    .trim();
  const period = parseDuration(/^[\d.]/.test(per) ? per : `1${per}`);
  return count / positive(period, 'the period');
}

export const frequency = () => parsed("a frequency like '40/d' or '2/h'", parseFrequency);

const DISTRIBUTION_EXAMPLE: Record<QuantityKind, string> = {
  duration: "'lognormal(median=15min, sigma=1.2)' or '30min'",
  size: "'uniform(min=1GB, max=3GB)' or '2GB'",
  rate: "'constant(10Gb/s)'",
  none: "'lognormal(mean=3.5e5, cv=0.3)' or '1000'",
};

/**
 * A distribution in the kernel's text syntax, its quantities read as `unit`. `positive` requires a mean > 0:
 * a work or a count that is zero on average is a mistake, not a model.
 */
export function distribution(unit: QuantityKind, options: { positive?: boolean } = {}) {
  const what = unit === 'none' ? 'a distribution' : `a distribution of ${unit}s`;
  return parsed(`${what} like ${DISTRIBUTION_EXAMPLE[unit]}`, (value): Distribution => {
    const built = parseDistribution(String(value), unit);
    if (options.positive) positive(built.mean, 'its mean');
    return built;
  });
}

const name = () => z.string().min(1);
const count = () => z.number().int().positive();
const probability = () => z.number().min(0).max(1);
const sourceKey = () => name().describe('A key of `sources`: where the numbers of this entry come from.');

/** Citation key → full reference (paper with DOI or arXiv id, documentation URL, or "[E] estimate: ..."). */
export const SourcesSchema = z.record(z.string().min(1), z.string().min(1));

// ---------------------------------------------------------------------------------------------------------
// Platform

export const RegionSchema = z.strictObject({
  name: name(),
  backbone: quantity('rate', { positive: true }).describe("Regional backbone capacity, e.g. '400Gb/s'."),
  latency: quantity('duration').describe("One-way latency inside the region, e.g. '5ms'."),
});

export const InterRegionLinkSchema = z.strictObject({
  a: name(),
  b: name(),
  bandwidth: quantity('rate', { positive: true }),
  latency: quantity('duration'),
});

export const NetworkSchema = z.strictObject({
  regions: z.array(RegionSchema).min(1),
  links: z.array(InterRegionLinkSchema).optional(),
  source: sourceKey().optional(),
});

/** Fields every compute resource has. */
const resource = {
  name: name().describe(
    'Also the PanDA queue name and the storage endpoint prefix; unique over all resources.',
  ),
  region: name(),
  uplink: quantity('rate', { positive: true })
    .describe('Site link to its region. Default 10Gb/s.')
    .optional(),
  source: sourceKey().optional(),
};

const whole = () => z.number().int().nonnegative();
const PUSH = ['OneToOne', 'ManyToOne'];

/**
 * Harvester queue-config knobs (names of Harvester's JSON queue config, models/harvester/queue-config.ts) set
 * over the world's template for a resource's PanDA queues; `pandasim import harvester` writes them. Only
 * self-consistent blocks pass, whatever template they land on: a pull queue's pilots report their own jobs
 * and a push queue needs a job limit (queue-config.ts `checkQueue`).
 */
export const HarvesterQueueSchema = z
  .strictObject({
    queueStatus: z.enum(['online', 'brokeroff', 'offline', 'standby', 'maintenance']).optional(),
    mapType: z.enum(['NoJob', 'OneToOne', 'ManyToOne']).optional(),
    truePilot: z.boolean().optional(),
    maxWorkers: whole().optional(),
    nQueueLimitWorker: whole().optional(),
    nQueueLimitWorkerRatio: z.number().nonnegative().describe('Percent of running workers.').optional(),
    nQueueLimitWorkerMin: whole().optional(),
    nQueueLimitWorkerMax: whole().optional(),
    maxNewWorkersPerCycle: whole().optional(),
    nQueueLimitJob: whole().optional(),
    nQueueLimitJobRatio: z.number().nonnegative().describe('Percent of running jobs.').optional(),
    nQueueLimitJobMin: whole().optional(),
    maxSubmissionAttempts: count().optional(),
    walltimeLimit: quantity('duration', { positive: true }).optional(),
    nJobsPerWorker: count().describe('workerMaker nJobsPerWorker (ManyToOne).').optional(),
    noPilotsWhenNoActiveJobs: z.boolean().describe('submitter noPilotsWhenNoActiveJobs.').optional(),
  })
  .superRefine((h, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (h.mapType === 'NoJob' && h.truePilot !== true) {
      issue('truePilot', 'truePilot: true with mapType NoJob (pull pilots get and report their own jobs)');
    }
    if (h.truePilot === false && !PUSH.includes(h.mapType ?? '')) {
      issue(
        'mapType',
        'mapType OneToOne or ManyToOne with truePilot: false (only a push queue has no true pilot)',
      );
    }
    if (PUSH.includes(h.mapType ?? '') && h.nQueueLimitJob === undefined) {
      issue(
        'nQueueLimitJob',
        `nQueueLimitJob with mapType ${h.mapType} (a push queue without it never fetches jobs)`,
      );
    }
  });

/** CRIC status of a grid site's PanDA queues: the brokerage only sends work to online ones. */
export const QUEUE_STATUSES = ['online', 'brokeroff', 'test', 'offline'] as const;

export const GridSiteSchema = z.strictObject({
  ...resource,
  status: z.enum(QUEUE_STATUSES).describe('CRIC status of its PanDA queues. Default online.').optional(),
  harvester: HarvesterQueueSchema.optional(),
  nucleus: z.boolean().describe('A Tier-1 nucleus. Default false.').optional(),
  batchSystem: z.enum(['htcondor', 'slurm', 'pbs']).optional(),
  slots: count(),
  coresPerSlot: count().optional(),
  memoryPerCoreMB: z.number().positive().optional(),
  hs06PerCore: z.number().positive().optional(),
  queueWait: distribution('duration').optional(),
  payloadFailureProbability: probability().optional(),
  workerLossProbability: probability().optional(),
  maxWalltime: quantity('duration', { positive: true }).optional(),
  storage: quantity('size', { positive: true }).optional(),
});

export const HpcSchema = z.strictObject({
  ...resource,
  harvester: HarvesterQueueSchema.optional(),
  machine: z.enum(['polaris', 'perlmutter', 'frontier']),
  nodes: count().describe('Nodes the project can use at once.'),
  allocationNodeHours: z.number().positive().describe('Node-hours; default: no limit.').optional(),
  batchQueue: name().describe('A queue of the machine preset (models/hpc/machines.ts).'),
  jobsPerWorker: count()
    .describe(
      'Jobs (one node each) a Harvester batch job bundles, MultiJobWorkerMaker nJobsPerWorker. Default 1.',
    )
    .optional(),
});

export const FuncxSchema = z.strictObject({
  ...resource,
  harvester: HarvesterQueueSchema.optional(),
  hpc: name().describe('The hpc entry whose batch system provisions the blocks.'),
  batchQueue: name(),
  nodesPerBlock: count().optional(),
  maxBlocks: count().optional(),
  workersPerNode: count().optional(),
});

export const CloudSchema = z.strictObject({
  ...resource,
  harvester: HarvesterQueueSchema.optional(),
  instanceType: name(),
  coresPerNode: count(),
  gpusPerNode: z.number().int().nonnegative(),
  gpuSpeed: z.number().positive().describe('Relative to an A100. Default 1.').optional(),
  hs06PerCore: z.number().positive().optional(),
  maxNodes: count(),
  pricePerNodeHour: z.number().nonnegative().describe('USD per node-hour.'),
  spot: z.boolean().optional(),
});

export const LocalSchema = z.strictObject({
  ...resource,
  cores: count(),
  gpus: z.number().int().nonnegative().optional(),
  gpuSpeed: z.number().positive().optional(),
  hs06PerCore: z.number().positive().optional(),
});

const platformFields = {
  network: NetworkSchema,
  gridSites: z.array(GridSiteSchema).optional(),
  hpc: z.array(HpcSchema).optional(),
  funcx: z.array(FuncxSchema).optional(),
  cloud: z.array(CloudSchema).optional(),
  local: z.array(LocalSchema).optional(),
};

/** A platform written inside a scenario file. */
export const PlatformSchema = z.strictObject(platformFields);

/** A catalog file (e.g. catalogs/default.yaml): a platform with the references its `source:` keys name. */
export const CatalogFileSchema = z.strictObject({
  description: z.string().optional(),
  sources: SourcesSchema.optional(),
  ...platformFields,
});

// ---------------------------------------------------------------------------------------------------------
// Global shares

/** The rows of GLOBAL_SHARES, parents before children (the package's own row schema). */
export const SharesSchema = z.array(GlobalShareRowSchema).min(1);

/** A shares file (e.g. shares/atlas.yaml). */
export const SharesFileSchema = z.strictObject({
  description: z.string().optional(),
  source: sourceKey().optional(),
  sources: SourcesSchema.optional(),
  rows: SharesSchema,
});

// ---------------------------------------------------------------------------------------------------------
// Application

const prodSourceLabel = () => z.enum(['managed', 'user']);

export const BackgroundLoadSchema = z.strictObject({
  gshare: name().describe('A leaf of the shares tree.'),
  prodSourceLabel: prodSourceLabel().optional(),
  taskRate: frequency().describe("Mean task arrivals (Poisson), e.g. '40/d'."),
  jobsPerTask: distribution('none', { positive: true }),
  cpuPerJob: distribution('none', { positive: true }).describe('HS06·s per job.'),
  coreCount: count().optional(),
  ramMB: z.number().positive().optional(),
  walltime: quantity('duration', { positive: true }),
  inputBytesPerJob: quantity('size').optional(),
  outputBytesPerJob: quantity('size').optional(),
  priority: z.number().int().optional(),
  users: count().optional(),
  source: sourceKey().optional(),
});

export const WorkflowTaskSchema = z.strictObject({
  name: name(),
  after: z.array(name()).optional(),
  stream: z.boolean().optional(),
  kind: z.enum(['cpu', 'gpu']).optional(),
  gshare: name(),
  prodSourceLabel: prodSourceLabel().optional(),
  priority: z.number().int().optional(),
  nJobs: count(),
  cpuPerJob: distribution('none', { positive: true }).describe('HS06·s per job (cpu tasks).').optional(),
  gpuPerJob: distribution('duration', { positive: true })
    .describe('Seconds on one A100 per job (gpu tasks).')
    .optional(),
  cpuPerGpuSecond: z
    .number()
    .positive()
    .describe('HS06·s standing for one A100-second on CPU-only resources (gpu tasks).')
    .optional(),
  coreCount: count().optional(),
  gpusPerJob: z.number().int().nonnegative().optional(),
  ramMB: z.number().positive().optional(),
  walltime: quantity('duration', { positive: true }),
  checkpointEvery: quantity('duration', { positive: true }).optional(),
  inputBytesPerJob: quantity('size').optional(),
  sharedInputBytes: quantity('size')
    .describe('Input the same for every job (a trained model): moved once per site.')
    .optional(),
  outputBytesPerJob: quantity('size').optional(),
  source: sourceKey().optional(),
});

export const WorkflowSchema = z.strictObject({
  name: name(),
  user: name().describe("The owner's compact DN."),
  submitAt: quantity('duration').optional(),
  tasks: z.array(WorkflowTaskSchema).min(1),
});

/** A workflow file (what `pandasim import wfformat` writes): one workflow and the references it cites. */
export const WorkflowFileSchema = z.strictObject({
  description: z.string().optional(),
  sources: SourcesSchema.optional(),
  ...WorkflowSchema.shape,
});

// ---------------------------------------------------------------------------------------------------------
// The scenario file

/** A path (relative to the file that names it) or the thing itself, written inline. */
function pathOr(expected: string, isInline: (value: unknown) => boolean) {
  return z.custom<unknown>((value) => typeof value === 'string' || isInline(value), { error: expected });
}

export const ScenarioFileSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][\w.-]*$/, {
    error: 'a name of letters, digits, ".", "_" and "-" (it names outputs)',
  }),
  description: z.string().optional(),
  horizon: quantity('duration', { positive: true }),
  seeds: z.array(z.number().int().nonnegative()).min(1).optional(),
  policies: z.array(name()).min(1).optional(),
  sources: SourcesSchema.optional(),
  platform: pathOr(
    'a catalog file like catalogs/default.yaml, or the platform itself (network, gridSites, hpc, ...)',
    isPlainObject,
  ),
  shares: pathOr('a shares file like shares/atlas.yaml, or the list of GLOBAL_SHARES rows', Array.isArray),
  background: z.array(BackgroundLoadSchema).optional(),
  traces: z.array(TraceSchema).describe('PanDA job records replayed as background load.').optional(),
  faults: faultsSchema().describe('Faults injected into the modelled world (fault-schema.ts).').optional(),
  workflows: z
    .array(
      pathOr(
        'a workflow file like workflows/x.yaml, or the workflow itself (name, user, tasks)',
        isPlainObject,
      ),
    )
    .optional(),
  budget: z
    .number()
    .nonnegative()
    .describe('USD the cost-aware policy may spend on commercial cloud.')
    .optional(),
  warmStart: z
    .number()
    .min(0)
    .max(1)
    .describe("Fraction of each grid site's cores busy with background jobs at the start.")
    .optional(),
});

export type PlatformInput = z.output<typeof PlatformSchema>;
export type BackgroundLoadInput = z.output<typeof BackgroundLoadSchema>;
export type WorkflowInput = z.output<typeof WorkflowSchema>;

// ---------------------------------------------------------------------------------------------------------
// Defaults. Tags as in shared/design/domain/providers.md: [S] read in the source, [S*] arithmetic on [S],
// [E] an estimate; "§" is a section of providers.md. Grid and local-cluster defaults are the models' own.

export const SCENARIO_DEFAULTS = {
  /** [E] enough for a first paired comparison; `compare --seeds` asks for more. */
  seeds: [1, 2, 3],
  /** PanDA's own brokerage: the baseline the other policies are compared with. */
  policies: ['panda-brokerage'],
  /** [E] a Tier-2's WAN connection; §3.2 and the catalogs use 10–100 Gb/s. */
  uplink: 1.25e9,
  grid: {
    nucleus: false,
    // [E] most WLCG sites run HTCondor (§5.1 lists HTCondor, Slurm, PBS).
    batchSystem: 'htcondor',
    // The grid model's defaults (models/grid/site-params.ts): 8-core slots [S/E §6], 2 GB per core [E §6],
    // 10 HS06 per core [E §4 step 3], queue wait lognormal median 15 min σ 1.2 [E §5.1], payload failure
    // 0.08 [E §6], worker loss 0.01 [E §6], 48 h walltime [E §6].
    coresPerSlot: GRID_SITE_DEFAULTS.coresPerSlot,
    memoryPerCoreMB: GRID_SITE_DEFAULTS.memoryPerCoreMB,
    hs06PerCore: GRID_SITE_DEFAULTS.hs06PerCore,
    queueWait: GRID_SITE_DEFAULTS.queueWait,
    payloadFailureProbability: GRID_SITE_DEFAULTS.payloadFailureProbability,
    workerLossProbability: GRID_SITE_DEFAULTS.workerLossProbability,
    maxWalltime: GRID_SITE_DEFAULTS.maxWalltime,
    /** [E] 1 PB of disk for outputs, a mid-size Tier-2's. */
    storage: 1e15,
  },
  hpc: {
    /** No limit unless the scenario gives the project's allocation (as models/hpc/machines.ts). */
    allocationNodeHours: Infinity,
  },
  funcx: {
    // [S] §2.1: ALCF's multi-user endpoint defaults on Polaris: nodes_per_block 1, max_blocks 1.
    nodesPerBlock: 1,
    maxBlocks: 1,
    // [S] §2.3: the Polaris example endpoint config, max_workers_per_node 4 (one per A100).
    workersPerNode: 4,
  },
  cloud: {
    /** The reference GPU (an A100) unless the pool says otherwise. */
    gpuSpeed: 1,
    /** [E] ~10 HS06 per vCPU, as models/cloud/instance-types.ts assumes. */
    hs06PerCore: 10,
    /** On demand: spot interruptions only when asked for. */
    spot: false,
  },
  local: {
    // The local-cluster model's defaults (models/local/local-cluster.ts) [E].
    gpus: LOCAL_DEFAULTS.gpus,
    gpuSpeed: LOCAL_DEFAULTS.gpuSpeed,
    hs06PerCore: LOCAL_DEFAULTS.corepower,
  },
  work: {
    prodSourceLabel: 'managed',
    /**
     * [E] a routine production task; JEDI takes the task's priority as given (taskPriority, fairshare.md
     * §3.2), and the watchdog boosts nearly-done tasks to 900.
     */
    managedPriority: 500,
    /** [S] fairshare.md §3.2: analysis task priorities outside [900, 1100] are reset to 1000. */
    userPriority: 1000,
    /** [S/E] §6: the 8-core ATLAS slot. */
    coreCount: 8,
    /** [E] §6: 2 GB per core. */
    ramMBPerCore: 2000,
    /** One GPU per job for gpu tasks (§4 step 2: one GAN per GPU) [S], none for cpu tasks. */
    gpusPerGpuJob: 1,
    /** One submitting user unless the load says how many share it. */
    users: 1,
  },
  /** Submitted at the start of the run. */
  submitAt: 0,
} as const;
