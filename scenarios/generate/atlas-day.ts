/**
 * Writes scenarios/catalogs/atlas-day.yaml, the platform of the ATLAS-day benchmark (benchmarks.md "ATLAS-day"):
 * ~170 grid sites in seven regions with ~350k cores, the ten largest of them nuclei under real Tier-1 names,
 * plus the LCF, Globus Compute, cloud and lab entries of catalogs/default.yaml (read from that file, so the
 * two stay the same). Run `npx tsx scenarios/generate/atlas-day.ts` after changing anything here or there;
 * test/scenarios/atlas-day.test.ts fails while the committed catalog differs from what this writes.
 *
 * Deterministic: site sizes are the quantiles of a lognormal (no sampling noise in the total or the median),
 * and everything else drawn (which Tier-2 gets which size, HS06 per core, batch system) comes from one seeded
 * mulberry32 stream.
 */
import { normalQuantile } from '../../sim/stats/normal.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { seededRandom } from '../../models/panda/bench/seeded-random.ts';

/** Where the catalog is written. */
export const ATLAS_DAY_CATALOG = fileURLToPath(new URL('../catalogs/atlas-day.yaml', import.meta.url));
const DEFAULT_CATALOG = fileURLToPath(new URL('../catalogs/default.yaml', import.meta.url));

/**
 * The shape of the grid. benchmarks.md asks for ~170 sites, a lognormal size of median ~2,000 cores and
 * ~350k cores in all; those three only fit together with a narrow spread (σ ≈ 0.25, every site 1,300–3,000
 * cores), against "a few hundred to tens of thousands of cores" (providers.md §5.1). The median is lowered
 * to 1,700 so that σ = 0.62 spreads the sites over ~310–9,400 cores while the total stays ≈ 350k [E].
 */
export const ATLAS_DAY_GRID = {
  sites: 170,
  medianCores: 1700,
  sigma: 0.62,
  coresPerSlot: 8,
  /** HS06 per core, uniform in [min, max] [E]. */
  hs06PerCore: { min: 8, max: 14 },
  nuclei: 10,
  seed: 20_180_701,
} as const;

interface RegionShape {
  readonly name: string;
  readonly backboneGbps: number;
  readonly latencyMs: number;
  /** Grid sites in the region, the named ones included. */
  readonly sites: number;
  /** Prefix of its synthetic Tier-2 names. */
  readonly prefix: string;
}

/** [E] Regions, backbones (GÉANT/ESnet-like aggregates) and one-way latencies inside them. */
const REGIONS: readonly RegionShape[] = [
  { name: 'cern', backboneGbps: 400, latencyMs: 1, sites: 4, prefix: 'T2-CERN' },
  { name: 'eu-west', backboneGbps: 400, latencyMs: 8, sites: 38, prefix: 'T2-EUW' },
  { name: 'eu-central', backboneGbps: 400, latencyMs: 8, sites: 36, prefix: 'T2-EUC' },
  { name: 'eu-north', backboneGbps: 200, latencyMs: 10, sites: 12, prefix: 'T2-EUN' },
  { name: 'eu-south', backboneGbps: 200, latencyMs: 10, sites: 30, prefix: 'T2-EUS' },
  { name: 'us', backboneGbps: 400, latencyMs: 20, sites: 36, prefix: 'T2-US' },
  { name: 'asia-pacific', backboneGbps: 100, latencyMs: 25, sites: 14, prefix: 'T2-AP' },
];

/**
 * Inter-region links [E], every pair (a route needs one). The five Europe–US links add up to the 340 Gb/s
 * transatlantic aggregate of ESnet's extension [S].
 */
const LINKS: readonly (readonly [string, string, number, number])[] = [
  ['cern', 'eu-west', 400, 8],
  ['cern', 'eu-central', 400, 8],
  ['cern', 'eu-north', 200, 15],
  ['cern', 'eu-south', 200, 12],
  ['cern', 'us', 200, 45],
  ['cern', 'asia-pacific', 100, 120],
  ['eu-west', 'eu-central', 400, 10],
  ['eu-west', 'eu-north', 200, 20],
  ['eu-west', 'eu-south', 200, 15],
  ['eu-west', 'us', 60, 40],
  ['eu-west', 'asia-pacific', 100, 120],
  ['eu-central', 'eu-north', 200, 15],
  ['eu-central', 'eu-south', 200, 12],
  ['eu-central', 'us', 40, 45],
  ['eu-central', 'asia-pacific', 100, 115],
  ['eu-north', 'eu-south', 100, 25],
  ['eu-north', 'us', 20, 50],
  ['eu-north', 'asia-pacific', 50, 130],
  ['eu-south', 'us', 20, 50],
  ['eu-south', 'asia-pacific', 50, 130],
  ['us', 'asia-pacific', 100, 80],
];

/**
 * Real site names (their sizes here are not their pledges), largest first: the ten ATLAS Tier-0/1 sites are
 * the nuclei; TAIWAN-LCG2 is the largest non-nucleus.
 */
const NAMED_SITES: readonly (readonly [string, string])[] = [
  ['CERN-PROD', 'cern'],
  ['BNL-ATLAS', 'us'],
  ['FZK-LCG2', 'eu-central'],
  ['IN2P3-CC', 'eu-west'],
  ['RAL-LCG2', 'eu-west'],
  ['TRIUMF-LCG2', 'us'],
  ['INFN-T1', 'eu-south'],
  ['NDGF-T1', 'eu-north'],
  ['SARA-MATRIX', 'eu-west'],
  ['pic', 'eu-south'],
  ['TAIWAN-LCG2', 'asia-pacific'],
];

/** The default.yaml entries carried over unchanged, and the sources they cite. */
const CARRIED_KINDS = ['hpc', 'funcx', 'cloud', 'local'] as const;

export interface GeneratedSite {
  readonly name: string;
  readonly region: string;
  readonly nucleus: boolean;
  readonly batchSystem: 'htcondor' | 'slurm' | 'pbs';
  readonly slots: number;
  readonly hs06PerCore: number;
  readonly uplinkGbps: number;
  readonly storagePB: number;
}

/** Cores of every site, largest first: the lognormal's quantiles at (i + ½)/n, in whole slots. */
export function siteCores(): number[] {
  const { sites, medianCores, sigma, coresPerSlot } = ATLAS_DAY_GRID;
  const cores = Array.from({ length: sites }, (_, i) => {
    const size = medianCores * Math.exp(sigma * normalQuantile((i + 0.5) / sites));
    return coresPerSlot * Math.max(1, Math.round(size / coresPerSlot));
  });
  return cores.sort((x, y) => y - x);
}

/** [E] A Tier-2's WAN link by its size; nuclei get 100 Gb/s. */
function tier2Uplink(cores: number): number {
  if (cores < 1000) return 10;
  if (cores < 2500) return 20;
  if (cores < 5000) return 40;
  return 100;
}

/** The grid sites, region by region, named sites first. */
export function atlasDaySites(): GeneratedSite[] {
  const random = seededRandom(ATLAS_DAY_GRID.seed);
  const cores = siteCores();
  const named = cores.slice(0, NAMED_SITES.length);
  const rest = cores.slice(NAMED_SITES.length);
  // Fisher–Yates: which Tier-2 gets which size.
  for (let i = rest.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rest[i], rest[j]] = [rest[j], rest[i]];
  }
  const sites: GeneratedSite[] = [];
  const site = (name: string, region: string, siteCores: number, nucleus: boolean): GeneratedSite => {
    const { min, max } = ATLAS_DAY_GRID.hs06PerCore;
    const hs06PerCore = Math.round((min + (max - min) * random()) * 10) / 10;
    const u = random();
    // [E] most WLCG sites run HTCondor; Slurm and PBS are the others (providers.md §5.1).
    const batchSystem = u < 0.7 ? 'htcondor' : u < 0.9 ? 'slurm' : 'pbs';
    // [E] storage: ~3 PB per 1,000 cores at a Tier-1, ~1.25 PB at a Tier-2 (catalogs/default.yaml's ratios).
    const storagePB = Math.max(1, Math.round((siteCores / 1000) * (nucleus ? 3 : 1.25)));
    return {
      name,
      region,
      nucleus,
      batchSystem,
      slots: siteCores / ATLAS_DAY_GRID.coresPerSlot,
      hs06PerCore,
      uplinkGbps: nucleus ? 100 : tier2Uplink(siteCores),
      storagePB,
    };
  };
  let next = 0;
  for (const region of REGIONS) {
    const own = NAMED_SITES.flatMap(([name, r], k) => (r === region.name ? [[name, k] as const] : []));
    for (const [name, k] of own) sites.push(site(name, region.name, named[k], k < ATLAS_DAY_GRID.nuclei));
    for (let n = 1; n <= region.sites - own.length; n++) {
      const name = `${region.prefix}-${String(n).padStart(3, '0')}`;
      sites.push(site(name, region.name, rest[next++], false));
    }
  }
  if (next !== rest.length) throw new Error(`atlas-day: ${rest.length - next} site sizes left unassigned`);
  return sites;
}

/** `key: >-` and `text` folded into lines of at most 110 characters (a long URL gets a line of its own). */
function folded(indent: string, key: string, text: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    if (line.length > 0 && indent.length + 2 + line.length + 1 + word.length > 110) {
      lines.push(line);
      line = word;
    } else line = line.length > 0 ? `${line} ${word}` : word;
  }
  lines.push(line);
  return [`${indent}${key}: >-`, ...lines.map((l) => `${indent}  ${l}`)].join('\n');
}

/** One block-style list entry of scalar fields. */
function entry(fields: readonly (readonly [string, string | number | boolean])[]): string {
  return fields.map(([key, value], i) => `${i === 0 ? '  - ' : '    '}${key}: ${value}`).join('\n');
}

function siteEntry(s: GeneratedSite): string {
  return entry([
    ['name', s.name],
    ['region', s.region],
    ...(s.nucleus ? [['nucleus', true] as const] : []),
    ...(s.batchSystem === 'htcondor' ? [] : [['batchSystem', s.batchSystem] as const]),
    ['slots', s.slots],
    ['hs06PerCore', s.hs06PerCore],
    ['uplink', `${s.uplinkGbps}Gb/s`],
    ['storage', `${s.storagePB}PB`],
    ['source', 'atlas-day-grid'],
  ]);
}

type Scalar = string | number | boolean;

/** The hpc, funcx, cloud and local entries of default.yaml, and the sources they cite. */
function carriedOver(): {
  sources: Record<string, string>;
  entries: Record<string, Record<string, Scalar>[]>;
} {
  const catalog = parse(readFileSync(DEFAULT_CATALOG, 'utf8')) as {
    sources: Record<string, string>;
  } & Record<(typeof CARRIED_KINDS)[number], Record<string, Scalar>[]>;
  const entries: Record<string, Record<string, Scalar>[]> = {};
  const sources: Record<string, string> = {};
  for (const kind of CARRIED_KINDS) {
    entries[kind] = catalog[kind];
    for (const e of catalog[kind]) {
      const key = String(e.source);
      sources[key] = catalog.sources[key];
    }
  }
  return { sources, entries };
}

function gridSources(sites: readonly GeneratedSite[]): Record<string, string> {
  const { medianCores, sigma, coresPerSlot, hs06PerCore, nuclei } = ATLAS_DAY_GRID;
  const cores = sites.reduce((n, s) => n + s.slots * coresPerSlot, 0);
  const hs06 = sites.reduce((n, s) => n + s.slots * coresPerSlot * s.hs06PerCore, 0);
  const sizes = sites.map((s) => s.slots * coresPerSlot);
  return {
    'atlas-day-network':
      '[E] Seven regions with GÉANT/ESnet-like backbones of 100–400 Gb/s and one-way latencies of 1–25 ms inside ' +
      'a region, 8–25 ms across Europe, 40–50 ms across the Atlantic and 80–130 ms to Asia-Pacific; the ' +
      "author's estimates, as are site uplinks of 10–100 Gb/s by size (nuclei 100 Gb/s). The five Europe–US " +
      "links add up to 340 Gb/s, the transatlantic aggregate of ESnet's extension [S] (LBNL news release, " +
      '2014-10-20, http://newscenter.lbl.gov/2014/10/20/does-high-speed-network-to-boost-big-data-transfers-by-extending-100g-connectivity-across-atlantic/, ' +
      'providers.md §3.2; since upgraded [R]).',
    'atlas-day-grid':
      `[S] ATLAS computes at ~200 centres in >40 countries (Maeno et al., PanDA, Comput Softw Big Sci 8 (2024), ` +
      `doi:10.1007/s41781-024-00114-3) on ~350,000 grid cores (2018) whose sites range from a few hundred to ` +
      `tens of thousands of cores, mostly in 8-core multi-core slots (Adam-Bourdarios et al., ATLAS@Home, ` +
      `Comput Softw Big Sci 3 (2019) 4, doi:10.1007/s41781-019-0023-6; providers.md §5.1, §6). ` +
      `[E] ${sites.length} sites, ${cores.toLocaleString('en-US')} cores and ` +
      `${(hs06 / 1e6).toFixed(2)} M HS06 here: sizes are the quantiles of a lognormal of median ` +
      `${medianCores.toLocaleString('en-US')} cores and σ ${sigma} (${Math.min(...sizes)}–` +
      `${Math.max(...sizes).toLocaleString('en-US')} cores; benchmarks.md's median of ~2,000 with 350k cores ` +
      `on 170 sites would leave every site within 1,300–3,000 cores), HS06 per core uniform in ` +
      `${hs06PerCore.min}–${hs06PerCore.max} (the 2.5 M HS06 of 2018 on 350k cores is ~7 per core [S*], ` +
      `newer CPUs give 10–15 [E]). The ${nuclei} largest sites are the nuclei, named after the ATLAS Tier-0/1 ` +
      `sites, and TAIWAN-LCG2 is the next; their sizes are not their pledges. The other names (T2-<region>-NNN) ` +
      `are synthetic. Batch systems HTCondor 70%, Slurm 20%, PBS 10%; storage ~3 PB per 1,000 cores at a ` +
      `nucleus, ~1.25 PB at a Tier-2. Fields left to the grid model's defaults (providers.md §5.1, §6): pilot ` +
      `queue wait lognormal, median 15 min, σ 1.2; payload attempt failure 0.08 (2011 analysis jobs failed at ` +
      `14% [S]: Panitkin et al., "A Study of ATLAS Grid Performance for Distributed Analysis", CHEP 2012); ` +
      `worker lost after start 0.01; 48 h walltime limit; 2 GB per core. Generated by ` +
      `scenarios/generate/atlas-day.ts (seed ${ATLAS_DAY_GRID.seed}).`,
  };
}

/** The catalog's YAML text, exactly as committed. */
export function atlasDayCatalog(): string {
  const sites = atlasDaySites();
  const carried = carriedOver();
  const cores = sites.reduce((n, s) => n + s.slots * ATLAS_DAY_GRID.coresPerSlot, 0);
  const sources = { ...gridSources(sites), ...carried.sources };
  const out: string[] = [
    '# GENERATED by scenarios/generate/atlas-day.ts — edit that, then run `npx tsx scenarios/generate/atlas-day.ts`.',
    '# The ATLAS-day platform (shared/design/benchmarks.md): the whole ATLAS grid at the scale of a real day.',
    '# PanDA queues are made by the world, two per site (multi-core and _SCORE), so this lists sites only.',
    `description: ATLAS-day platform — ${sites.length} grid sites (${Math.round(cores / 1000)}k cores, ` +
      `${ATLAS_DAY_GRID.nuclei} nuclei) in ${REGIONS.length} regions, plus the LCFs, funcX endpoint, cloud pool ` +
      'and lab cluster of the default catalog',
    'sources:',
    ...Object.entries(sources).map(([key, text]) => folded('  ', key, text)),
    '',
    'network:',
    '  source: atlas-day-network',
    '  regions:',
    ...REGIONS.map(
      (r) => `    - { name: ${r.name}, backbone: ${r.backboneGbps}Gb/s, latency: ${r.latencyMs}ms }`,
    ),
    '  links:',
    ...LINKS.map(
      ([a, b, gbps, ms]) => `    - { a: ${a}, b: ${b}, bandwidth: ${gbps}Gb/s, latency: ${ms}ms }`,
    ),
    '',
    '# 8-core slots; memory, queue wait, failures and the walltime limit are the grid model defaults.',
    'gridSites:',
    ...sites.map(siteEntry),
  ];
  for (const kind of CARRIED_KINDS) {
    out.push('', `${kind}:`, ...carried.entries[kind].map((e) => entry(Object.entries(e))));
  }
  return `${out.join('\n')}\n`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(ATLAS_DAY_CATALOG, atlasDayCatalog());
  console.log(`wrote ${ATLAS_DAY_CATALOG}`);
}
