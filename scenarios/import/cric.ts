/**
 * CRIC / schedconfig PanDA queue descriptions (the JSON the PanDA server loads into `SiteSpec` and the pilot
 * reads as queuedata.json) → a catalog file (scenarios/schema.ts `CatalogFileSchema`) of grid sites, with notes
 * saying what was mapped, what was estimated and what was left out, and why.
 *
 * Accepted shapes: one queue (PanDAWMS/pilot3 `queuedata.json`), a dump keyed by queue name (CRIC
 * `pandaqueue/query/?json`), or a list of queues. Field meanings follow the PanDA server's reading of
 * schedconfig (PanDAWMS/panda-server `db_proxy_mods/entity_module.py` `getSiteInfo`, `taskbuffer/SiteSpec.py`)
 * and the pilot's (`pilot/info/queuedata.py`: the queue's ATLAS site is `atlas_site`, else `gstat`).
 *
 * Queues are grouped by ATLAS site; each site with a CPU grid queue becomes one grid site, served in the world
 * by a multi-core and a single-core PanDA queue (scenarios/world/catalog.ts).
 */
import { z } from 'zod';
import { quantityToString } from '../../sim/units.ts';
import type { CatalogFileSchema, GridSiteSchema, HarvesterQueueSchema } from '../schema.ts';
import { isPlainObject } from '../yaml-input.ts';
import { ImportProblems, type PathSegments } from './input-problems.ts';

export type CatalogFileInput = z.input<typeof CatalogFileSchema>;
export type GridSiteInput = z.input<typeof GridSiteSchema>;
export type HarvesterBlockInput = z.input<typeof HarvesterQueueSchema>;

/** PanDA queue statuses (`SiteSpec.status`). */
const CRIC_STATUSES = ['online', 'brokeroff', 'test', 'offline', 'standby', 'paused'] as const;
type CricStatus = (typeof CRIC_STATUSES)[number];

const whole = () => z.number().int().nonnegative();

/** The fields of one CRIC PanDA queue read here; CRIC publishes hundreds more, which are ignored. */
export const CricQueueSchema = z.looseObject({
  nickname: z.string().min(1).optional(),
  atlas_site: z.string().min(1).nullable().optional(),
  gstat: z.string().min(1).nullable().optional(),
  status: z.enum(CRIC_STATUSES),
  cloud: z.string().min(1),
  type: z.string().nullable().optional(),
  resource_type: z.string().nullable().optional(),
  capability: z.string().nullable().optional(),
  catchall: z.string().nullable().optional(),
  params: z.record(z.string(), z.unknown()).nullable().optional(),
  corecount: whole().nullable().optional(),
  maxrss: z.number().nonnegative().nullable().optional(),
  maxtime: whole().nullable().optional(),
  corepower: z.number().nonnegative().nullable().optional(),
  pledgedcpu: z.number().int().min(-1).nullable().optional(),
  tier_level: whole().nullable().optional(),
  role: z.string().nullable().optional(),
  queues: z
    .array(
      z.looseObject({
        ce_jobmanager: z.string().nullable().optional(),
        ce_flavour: z.string().nullable().optional(),
      }),
    )
    .nullable()
    .optional(),
  astorages: z.record(z.string(), z.array(z.string())).nullable().optional(),
  ddm: z.string().nullable().optional(),
  architectures: z
    .array(
      z.looseObject({
        type: z.string(),
        vendor: z.array(z.string()).optional(),
        model: z.array(z.string()).optional(),
      }),
    )
    .nullable()
    .optional(),
});
type CricQueue = z.output<typeof CricQueueSchema>;

export interface CricOptions {
  /** Cores of a grid site whose queues publish no pledge (`pledgedcpu`). */
  coresPerSite?: number;
  /** Harvester knobs by PanDA queue name (harvester.ts), put on the grid site of each queue. */
  harvester?: Readonly<Record<string, HarvesterBlockInput>>;
}

export interface CricImport {
  /** A catalog `CatalogFileSchema` accepts: sizes and durations written with units. */
  readonly catalog: CatalogFileInput;
  /** What was mapped, estimated or left out, and why; one line each. */
  readonly notes: readonly string[];
}

// [E] CRIC queue data has no network figures; the catalog needs regions and links between all of them.
const REGION_BACKBONE = '100Gb/s';
const REGION_LATENCY = '10ms';
const LINK_BANDWIDTH = '100Gb/s';
const LINK_LATENCY = '50ms';

interface Queue {
  readonly name: string;
  readonly path: PathSegments;
  readonly site: string;
  readonly q: CricQueue;
}

/** `SiteSpec.hasValueInCatchall`: a `params` key, or a catchall item starting with the key. */
function hasCatchall(q: CricQueue, key: string): boolean {
  if (q.params != null && key in q.params) return true;
  return (q.catchall ?? '').split(',').some((item) => item.startsWith(key));
}

/** The GPUs a queue publishes (a `gpu` architecture or the catchall `gpu` key), or null for a CPU queue. */
function gpusOf(q: CricQueue): string | null {
  const gpu = (q.architectures ?? []).find((a) => a.type.toLowerCase() === 'gpu');
  if (gpu !== undefined) return [...(gpu.vendor ?? []), ...(gpu.model ?? [])].join(' ') || 'gpu';
  return hasCatchall(q, 'gpu') ? 'catchall gpu' : null;
}

/** Cores of a job slot: PanDA's corecount, where 0 or none means one (pilot `clean__corecount`). */
const slotCores = (q: CricQueue): number => (q.corecount ? q.corecount : 1);

/** The batch system of the queue's CEs, from their job managers (HTCondorCE, condor, slurm, pbs, ...). */
function batchSystemOf(q: CricQueue): GridSiteInput['batchSystem'] | null {
  const managers = (q.queues ?? []).map((ce) => (ce.ce_jobmanager ?? '').toLowerCase());
  for (const [system, pattern] of [
    ['slurm', /slurm/],
    ['pbs', /pbs|torque/],
    ['htcondor', /condor/],
  ] as const) {
    if (managers.some((m) => pattern.test(m))) return system;
  }
  return null;
}

/** Most available first: a site is as available as its best queue. */
const STATUS_RANK: Record<CricStatus, number> = {
  online: 0,
  brokeroff: 1,
  test: 2,
  standby: 3,
  paused: 4,
  offline: 5,
};

/** The catalog's status for a CRIC one: standby and paused queues get no work and no pilots here. */
function catalogStatus(status: CricStatus): NonNullable<GridSiteInput['status']> {
  return status === 'standby' || status === 'paused' ? 'offline' : status;
}

/** The queues of the dump with where each is in the file. */
function queueEntries(
  json: unknown,
  problems: ImportProblems,
): { raw: unknown; path: PathSegments; key?: string }[] {
  if (Array.isArray(json)) return json.map((raw, i) => ({ raw, path: [i] }));
  if (!isPlainObject(json)) {
    problems.add([], 'a CRIC PanDA queue, a dump of queues keyed by name, or a list of queues', json);
    return [];
  }
  if (typeof json.nickname === 'string' || 'atlas_site' in json) return [{ raw: json, path: [] }];
  return Object.entries(json).map(([key, raw]) => ({ raw, path: [key], key }));
}

function readQueues(json: unknown, problems: ImportProblems): Queue[] {
  const queues: Queue[] = [];
  const seen = new Set<string>();
  for (const { raw, path, key } of queueEntries(json, problems)) {
    const nickname = isPlainObject(raw) && typeof raw.nickname === 'string' ? raw.nickname : undefined;
    const whose = key === undefined && nickname !== undefined && path.length > 0 ? `(queue ${nickname})` : '';
    const q = problems.validate(CricQueueSchema, raw, path, whose);
    if (q === undefined) continue;
    const name = q.nickname ?? key;
    if (name === undefined) {
      problems.add([...path, 'nickname'], 'the PanDA queue name (nickname)');
      continue;
    }
    const site = q.atlas_site ?? q.gstat;
    if (site == null) {
      problems.add(
        [...path, 'atlas_site'],
        `the ATLAS site of queue ${name} (atlas_site, or gstat as the pilot reads it)`,
      );
      continue;
    }
    if (seen.has(name)) problems.add([...path, 'nickname'], 'a queue name not given twice', name);
    seen.add(name);
    queues.push({ name, path, site, q });
  }
  if (queues.length === 0 && problems.list.length === 0) problems.add([], 'at least one PanDA queue', json);
  return queues;
}

/** Why a queue is not a CPU grid queue of the catalog, or null when it is one. */
function leftOut(q: CricQueue): string | null {
  const resourceType = q.resource_type ?? 'GRID';
  if (resourceType.toUpperCase() !== 'GRID') {
    return `resource_type ${resourceType}: only grid queues are imported (an LCF or cloud queue needs an hpc or cloud entry with its machine, written by hand)`;
  }
  const type = q.type ?? 'production';
  if (type !== 'production' && type !== 'unified') {
    return `type ${type}: the catalog's grid queues take production work (production and unified PQs are imported)`;
  }
  const gpus = gpusOf(q);
  if (gpus !== null) return `GPU queue (${gpus}): the catalog's grid sites have no GPUs`;
  return null;
}

interface SiteBuild {
  readonly entry: GridSiteInput;
  readonly cores: number;
  readonly notes: string[];
}

/** One grid site from the CPU grid queues of an ATLAS site, or undefined after reporting why not. */
function buildSite(
  site: string,
  queues: readonly Queue[],
  options: CricOptions,
  problems: ImportProblems,
): SiteBuild | undefined {
  const notes: string[] = [];
  const names = queues.map((x) => x.name).join(', ');
  // The widest queue sets the slot: the site's multi-core PQ, or its unified one.
  const rep = [...queues].sort((a, b) => slotCores(b.q) - slotCores(a.q) || a.name.localeCompare(b.name))[0];
  const q = rep.q;
  const coresPerSlot = slotCores(q);
  const region = q.cloud.split(',')[0];
  const entry: GridSiteInput = { name: site, region, slots: 1, coresPerSlot, source: 'cric' };
  notes.push(
    `${site}: from ${names}; slot shape, memory, walltime and corepower from ${rep.name} (corecount ${coresPerSlot})`,
  );
  const regions = new Set(queues.map((x) => x.q.cloud.split(',')[0]));
  if (regions.size > 1)
    notes.push(`${site}: queues in clouds ${[...regions].join(', ')}; region ${region} (of ${rep.name})`);

  const best = queues.reduce((a, b) => (STATUS_RANK[b.q.status] < STATUS_RANK[a.q.status] ? b : a)).q.status;
  if (best !== 'online') entry.status = catalogStatus(best);
  if (queues.some((x) => x.q.status !== best)) {
    const all = queues.map((x) => `${x.name} ${x.q.status}`).join(', ');
    notes.push(`${site}: queue statuses differ (${all}); the site takes the most available, ${best}`);
  } else if (best === 'standby' || best === 'paused') {
    notes.push(`${site}: status ${best} imported as offline (no work, no pilots)`);
  }

  if (queues.some((x) => x.q.tier_level === 0 || x.q.tier_level === 1 || x.q.role === 'nucleus'))
    entry.nucleus = true;

  const batch = batchSystemOf(q);
  if (batch !== null) entry.batchSystem = batch;

  if (q.maxrss) {
    // maxrss is for the whole slot unless the queue says its limits are per core (`SiteSpec.use_per_core_attr`).
    const perCore = hasCatchall(q, 'per_core_attr') ? q.maxrss : q.maxrss / coresPerSlot;
    entry.memoryPerCoreMB = Number(perCore.toFixed(3));
  } else notes.push(`${site}: ${rep.name} publishes no maxrss; memory per core left to the grid default`);
  if (q.maxtime) entry.maxWalltime = quantityToString(q.maxtime, 'duration');
  else notes.push(`${site}: ${rep.name} publishes no maxtime; walltime limit left to the grid default`);
  if (q.corepower) entry.hs06PerCore = q.corepower;
  else notes.push(`${site}: ${rep.name} publishes no corepower; HS06 per core left to the grid default`);

  const unified = queues.filter((x) => x.q.capability === 'ucore' || x.q.type === 'unified');
  if (unified.length > 0) {
    notes.push(
      `${site}: unified queue ${unified.map((x) => x.name).join(', ')} (capability ucore / type unified) served by the world's multi-core and single-core PQ pair on the same slots; the resource-type split of unified queues is not modelled`,
    );
  }

  const rse = (q.astorages?.pw ?? [])[0] ?? q.ddm?.split(',')[0];
  if (rse === undefined) notes.push(`${site}: no DDM endpoint published; its storage is ${site}_DATADISK`);
  else if (rse !== `${site}_DATADISK`)
    notes.push(`${site}: CRIC writes to ${rse}; the world names the site's storage ${site}_DATADISK`);

  const pledges = queues.filter((x) => (x.q.pledgedcpu ?? 0) > 0);
  let cores: number;
  if (pledges.length > 0) {
    cores = pledges.reduce((sum, x) => sum + (x.q.pledgedcpu ?? 0), 0);
    notes.push(
      `${site}: ${cores} cores pledged (pledgedcpu of ${pledges.map((x) => x.name).join(', ')}, in cores as JEDI compares it with running cores)`,
    );
  } else if (options.coresPerSite !== undefined) {
    cores = options.coresPerSite;
    notes.push(`${site}: no pledgedcpu; ${cores} cores from --cores-per-site`);
  } else {
    problems.add(
      [...rep.path, 'pledgedcpu'],
      `a pledge in cores for site ${site} (${names}), or give --cores-per-site`,
      q.pledgedcpu ?? undefined,
    );
    return undefined;
  }
  entry.slots = Math.max(1, Math.round(cores / coresPerSlot));

  const harvester = harvesterFor(queues, rep, options);
  if (harvester !== undefined) {
    entry.harvester = harvester.block;
    notes.push(`${site}: Harvester knobs of queue ${harvester.from}`);
  }
  return { entry, cores: entry.slots * coresPerSlot, notes };
}

/** The Harvester knobs of the site's representative queue, else of its first queue that has some. */
function harvesterFor(
  queues: readonly Queue[],
  rep: Queue,
  options: CricOptions,
): { block: HarvesterBlockInput; from: string } | undefined {
  const blocks = options.harvester ?? {};
  const from = [rep, ...queues].find((x) => Object.hasOwn(blocks, x.name));
  return from === undefined ? undefined : { block: blocks[from.name], from: from.name };
}

/**
 * The catalog of a CRIC dump (`json`, already parsed; `file` names it in errors and in the catalog's source).
 * Throws an `InputFileError` listing every problem found.
 */
export function importCric(file: string, json: unknown, options: CricOptions = {}): CricImport {
  const problems = new ImportProblems(file);
  const queues = readQueues(json, problems);
  problems.check();

  const notes: string[] = [];
  const bySite = new Map<string, Queue[]>();
  for (const x of queues) {
    const why = leftOut(x.q);
    if (why !== null) {
      notes.push(`queue ${x.name} (${x.site}) left out: ${why}`);
      continue;
    }
    bySite.set(x.site, [...(bySite.get(x.site) ?? []), x]);
  }
  const built = [...bySite.keys()].sort().flatMap((site) => {
    const s = buildSite(site, bySite.get(site)!, options, problems);
    return s === undefined ? [] : [s];
  });
  if (bySite.size === 0)
    problems.add([], 'at least one CPU grid queue (resource_type GRID, type production or unified, no GPUs)');
  problems.check();

  const gridSites = built.map((s) => s.entry);
  if (!gridSites.some((s) => s.nucleus === true)) {
    // The catalog needs a nucleus (task outputs collect at one); the largest site stands in.
    const largest = built.reduce((a, b) => (b.cores > a.cores ? b : a));
    largest.entry.nucleus = true;
    notes.push(
      `no Tier-0/1 site (tier_level 0 or 1) among the imported: ${largest.entry.name}, the largest, made the nucleus`,
    );
  }
  const names = [...new Set(gridSites.map((s) => s.region))].sort();
  notes.push(
    `network: CRIC has no network figures; [E] regions (clouds ${names.join(', ')}) with ${REGION_BACKBONE} backbones and ${REGION_LATENCY} latency, joined by ${LINK_BANDWIDTH} links of ${LINK_LATENCY}`,
  );
  notes.push(...built.flatMap((s) => s.notes));

  const catalog: CatalogFileInput = {
    description: `${gridSites.length} grid sites imported from CRIC queue data (${file})`,
    sources: {
      cric: `[S] CRIC PanDA queue descriptions in ${file}, imported by pandasim import cric (slot counts: see the notes)`,
      'cric-network':
        '[E] no network data in CRIC queue descriptions: illustrative regional backbones and links',
    },
    network: {
      source: 'cric-network',
      regions: names.map((name) => ({ name, backbone: REGION_BACKBONE, latency: REGION_LATENCY })),
      links: names.flatMap((a, i) =>
        names.slice(i + 1).map((b) => ({ a, b, bandwidth: LINK_BANDWIDTH, latency: LINK_LATENCY })),
      ),
    },
    gridSites,
  };
  return { catalog, notes };
}
