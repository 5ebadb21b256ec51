/**
 * The WAN as the simulator sees it: endpoints (a site's storage, an LCF data transfer node, a cloud bucket),
 * directed links with a capacity, a latency and a class label, and the route between any two endpoints as a
 * list of links. Routes are either set one by one (hand-made topologies in tests and catalogs) or produced on
 * demand by a rule (the regional builder), and then cached, so a rule-based topology of a thousand endpoints
 * stores only the routes actually used.
 *
 * Closeness is CRIC's `AGIS_closeness` between two ATLAS sites (0 best … 11 worst, −1 blocked; brokerage.md
 * §2.2 step 3), a static attribute of a site pair that the brokerage falls back on when no FTS throughput is
 * known. It belongs to sites, not endpoints, so it is kept apart from the routes.
 */

/** What kind of storage or transfer node an endpoint is; informative, routes do not depend on it. */
export type EndpointKind = 'storage' | 'dtn' | 'cloud';

export interface NetworkEndpoint {
  name: string;
  /** ATLAS site (or facility) the endpoint belongs to: the key of the brokerage's network metrics. */
  site: string;
  region: string;
  kind: EndpointKind;
}

export interface NetworkLink {
  name: string;
  /** Bytes per second. */
  capacity: number;
  /** One-way latency, seconds. */
  latency: number;
  /** Label for accounting bytes per class of link, e.g. 'access', 'wan', 'transatlantic'. */
  linkClass: string;
}

export interface Route {
  /** Link indices in `Topology.links`, each at most once. */
  links: readonly number[];
  /** Sum of the links' latencies, seconds. */
  latency: number;
}

/** Produces the link names of the route between two distinct endpoints, or throws if there is none. */
export type RouteRule = (src: NetworkEndpoint, dst: NetworkEndpoint) => readonly string[];

/** Produces the closeness of a pair of sites, or undefined when CRIC would publish none. */
export type ClosenessRule = (srcSite: string, dstSite: string) => number | undefined;

const NO_LINKS: Route = { links: [], latency: 0 };

export class Topology {
  private readonly endpointsByName = new Map<string, NetworkEndpoint>();
  private readonly linkList: NetworkLink[] = [];
  private readonly linkIndex = new Map<string, number>();
  private readonly routes = new Map<string, Map<string, Route>>();
  private readonly closenessBySites = new Map<string, number>();
  private routeRule: RouteRule | undefined;
  private closenessRule: ClosenessRule | undefined;

  get endpoints(): readonly NetworkEndpoint[] {
    return [...this.endpointsByName.values()];
  }

  get links(): readonly NetworkLink[] {
    return this.linkList;
  }

  addEndpoint(endpoint: NetworkEndpoint): void {
    if (this.endpointsByName.has(endpoint.name)) throw new Error(`endpoint ${endpoint.name} defined twice`);
    this.endpointsByName.set(endpoint.name, { ...endpoint });
  }

  /** Adds a link and returns its index. */
  addLink(link: NetworkLink): number {
    if (this.linkIndex.has(link.name)) throw new Error(`link ${link.name} defined twice`);
    if (!(link.capacity >= 0)) throw new RangeError(`link ${link.name}: capacity must be >= 0`);
    if (!(link.latency >= 0 && link.latency < Infinity))
      throw new RangeError(`link ${link.name}: latency must be finite and >= 0`);
    const index = this.linkList.length;
    this.linkList.push({ ...link });
    this.linkIndex.set(link.name, index);
    return index;
  }

  endpoint(name: string): NetworkEndpoint {
    const e = this.endpointsByName.get(name);
    if (e === undefined) throw new Error(`no endpoint ${name}`);
    return e;
  }

  hasEndpoint(name: string): boolean {
    return this.endpointsByName.has(name);
  }

  /** Index of the link named `name`. */
  link(name: string): number {
    const l = this.linkIndex.get(name);
    if (l === undefined) throw new Error(`no link ${name}`);
    return l;
  }

  /** Sets the route from `src` to `dst` (one direction) explicitly; it takes precedence over the rule. */
  setRoute(src: string, dst: string, linkNames: readonly string[]): void {
    this.endpoint(src);
    this.endpoint(dst);
    this.store(src, dst, this.makeRoute(linkNames, `${src} -> ${dst}`));
  }

  /** Routes not set explicitly are asked of `rule` the first time they are needed. */
  setRouteRule(rule: RouteRule): void {
    this.routeRule = rule;
  }

  /** The route from `src` to `dst`; an endpoint reaches itself over no link. */
  route(src: string, dst: string): Route {
    const cached = this.routes.get(src)?.get(dst);
    if (cached !== undefined) return cached;
    const from = this.endpoint(src);
    const to = this.endpoint(dst);
    if (src === dst) return NO_LINKS;
    if (this.routeRule === undefined) throw new Error(`no route from ${src} to ${dst}`);
    return this.store(src, dst, this.makeRoute(this.routeRule(from, to), `${src} -> ${dst}`));
  }

  /** Sets the closeness of a site pair (one direction) explicitly; it takes precedence over the rule. */
  setCloseness(srcSite: string, dstSite: string, closeness: number): void {
    if (!Number.isInteger(closeness) || closeness < -1)
      throw new RangeError(`closeness must be an integer >= -1, got ${closeness}`);
    this.closenessBySites.set(JSON.stringify([srcSite, dstSite]), closeness);
  }

  setClosenessRule(rule: ClosenessRule): void {
    this.closenessRule = rule;
  }

  closeness(srcSite: string, dstSite: string): number | undefined {
    return (
      this.closenessBySites.get(JSON.stringify([srcSite, dstSite])) ?? this.closenessRule?.(srcSite, dstSite)
    );
  }

  private makeRoute(linkNames: readonly string[], what: string): Route {
    const links = linkNames.map((name) => this.link(name));
    if (new Set(links).size !== links.length) throw new Error(`route ${what} crosses a link twice`);
    let latency = 0;
    for (const l of links) latency += this.linkList[l].latency;
    return { links, latency };
  }

  private store(src: string, dst: string, route: Route): Route {
    let bySrc = this.routes.get(src);
    if (bySrc === undefined) {
      bySrc = new Map();
      this.routes.set(src, bySrc);
    }
    bySrc.set(dst, route);
    return route;
  }
}
