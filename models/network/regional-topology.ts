/**
 * A WAN built from a list of endpoints and a region-level backbone, enough to give transfers realistic
 * bottlenecks without describing every router:
 *
 *   - each endpoint has two access links, `<name>:out` and `<name>:in`, of its access bandwidth (its DTN or
 *     storage frontend's NICs; full duplex, so reading and writing do not compete), class 'access';
 *   - each region may have a backbone link `<region>:backbone` (a shared regional network such as ESnet or
 *     GÉANT, as one aggregate capacity), class 'wan' unless given;
 *   - pairs of regions are joined by a link in each direction, `<a>-><b>`, e.g. the transatlantic capacity
 *     between the US and Europe (340 Gb/s aggregate in 2015, providers.md §3.2), class given per pair.
 *
 * Routes: same endpoint, no link; same site, out → in; same region, out → backbone → in; across regions,
 * out → backbone(a) → a->b → backbone(b) → in (regions without a backbone are skipped). Regions with no link
 * between them have no route.
 */
import { Topology, type EndpointKind } from './topology.ts';

export interface RegionalEndpointSpec {
  name: string;
  site: string;
  region: string;
  kind?: EndpointKind;
  /** Access bandwidth, bytes/s, each direction. */
  access: number;
  /** One-way latency of the access link, s (default 0). */
  accessLatency?: number;
}

export interface RegionSpec {
  name: string;
  /** Aggregate capacity of the regional backbone, bytes/s; absent = no backbone link (never a bottleneck). */
  backbone?: number;
  /** One-way latency across the region, s (default 0). */
  latency?: number;
  linkClass?: string;
}

export interface InterRegionSpec {
  between: readonly [string, string];
  /** Capacity in each direction, bytes/s. */
  capacity: number;
  /** One-way latency, s. */
  latency: number;
  /** Default 'wan'; e.g. 'transatlantic'. */
  linkClass?: string;
  /** CRIC closeness between sites of the two regions (default `defaultCloseness.interRegion`). */
  closeness?: number;
}

export interface RegionalTopologySpec {
  endpoints: readonly RegionalEndpointSpec[];
  regions: readonly RegionSpec[];
  interRegion?: readonly InterRegionSpec[];
  closeness?: { sameSite?: number; sameRegion?: number; interRegion?: number };
}

/**
 * Closeness of site pairs [E]: CRIC publishes 0 for a site to itself; nearer pairs get smaller values. The
 * numbers for other pairs are a modelling choice until a CRIC snapshot is loaded.
 */
export const DEFAULT_CLOSENESS = { sameSite: 0, sameRegion: 1, interRegion: 5 } as const;

export function buildRegionalTopology(spec: RegionalTopologySpec): Topology {
  const topology = new Topology();
  const regions = new Map<string, RegionSpec>();
  for (const r of spec.regions) {
    if (regions.has(r.name)) throw new Error(`region ${r.name} defined twice`);
    regions.set(r.name, r);
    if (r.backbone !== undefined) {
      topology.addLink({
        name: `${r.name}:backbone`,
        capacity: r.backbone,
        latency: r.latency ?? 0,
        linkClass: r.linkClass ?? 'wan',
      });
    }
  }
  const regionOfSite = new Map<string, string>();
  for (const e of spec.endpoints) {
    if (!regions.has(e.region)) throw new Error(`endpoint ${e.name}: no region ${e.region}`);
    const known = regionOfSite.get(e.site);
    if (known !== undefined && known !== e.region)
      throw new Error(`site ${e.site} has endpoints in regions ${known} and ${e.region}`);
    regionOfSite.set(e.site, e.region);
    topology.addEndpoint({ name: e.name, site: e.site, region: e.region, kind: e.kind ?? 'storage' });
    for (const direction of ['out', 'in']) {
      topology.addLink({
        name: `${e.name}:${direction}`,
        capacity: e.access,
        latency: e.accessLatency ?? 0,
        linkClass: 'access',
      });
    }
  }
  const closeness = { ...DEFAULT_CLOSENESS, ...spec.closeness };
  const pairCloseness = new Map<string, number>();
  for (const p of spec.interRegion ?? []) {
    const [a, b] = p.between;
    for (const r of [a, b]) if (!regions.has(r)) throw new Error(`inter-region link: no region ${r}`);
    for (const [from, to] of [
      [a, b],
      [b, a],
    ]) {
      topology.addLink({
        name: `${from}->${to}`,
        capacity: p.capacity,
        latency: p.latency,
        linkClass: p.linkClass ?? 'wan',
      });
      pairCloseness.set(`${from}->${to}`, p.closeness ?? closeness.interRegion);
    }
  }
  const backbone = (region: string): string[] =>
    regions.get(region)?.backbone !== undefined ? [`${region}:backbone`] : [];

  topology.setRouteRule((src, dst) => {
    const ends = [`${src.name}:out`, `${dst.name}:in`];
    if (src.site === dst.site) return ends;
    if (src.region === dst.region) return [ends[0], ...backbone(src.region), ends[1]];
    const pair = `${src.region}->${dst.region}`;
    if (!pairCloseness.has(pair))
      throw new Error(`no route from ${src.name} to ${dst.name}: regions not linked`);
    return [ends[0], ...backbone(src.region), pair, ...backbone(dst.region), ends[1]];
  });
  topology.setClosenessRule((srcSite, dstSite) => {
    const a = regionOfSite.get(srcSite);
    const b = regionOfSite.get(dstSite);
    if (a === undefined || b === undefined) return undefined;
    if (srcSite === dstSite) return closeness.sameSite;
    if (a === b) return closeness.sameRegion;
    return pairCloseness.get(`${a}->${b}`);
  });
  return topology;
}
