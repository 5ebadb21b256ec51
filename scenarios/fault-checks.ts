/**
 * The checks of the `faults:` section the schema cannot make: each fault scheduled or sudden (not both, not
 * half of one), and every target naming something the platform has — a grid site, an hpc entry and one of its
 * machine's queues, a funcX endpoint, a region or a link between two regions. Like checks.ts they read the
 * parsed YAML, so a mistake in one fault does not hide the others.
 */
import { HPC_MACHINES } from '../models/hpc/machines.ts';
import { checkSource, MISSING, type CheckContext, type Place } from './checks.ts';

type Entry = Readonly<Record<string, unknown>>;

const isEntry = (value: unknown): value is Entry =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const quoted = (names: Iterable<string>) => [...names].map((n) => JSON.stringify(n)).join(', ');

/** Names of the entries of one platform list. */
function namesOf(platform: Entry, kind: string): string[] {
  const list = platform[kind];
  if (!Array.isArray(list)) return [];
  return list.flatMap((e: unknown) => (isEntry(e) && typeof e.name === 'string' ? [e.name] : []));
}

/** Each name of a `name` or `[names]` field with its path; other values are the schema's business. */
function named(value: unknown, path: string): [string, string][] {
  if (typeof value === 'string') return [[value, path]];
  if (!Array.isArray(value)) return [];
  return value.flatMap((v, i): [string, string][] => (typeof v === 'string' ? [[v, `${path}[${i}]`]] : []));
}

interface Known {
  readonly grid: string[];
  /** The region of each grid site. */
  readonly gridRegions: string[];
  readonly hpc: string[];
  readonly funcx: string[];
  readonly resources: string[];
  /** The resources a Harvester instance serves: all but the local ones. */
  readonly harvested: string[];
  readonly regions: string[];
  readonly links: Set<string>;
  readonly machineOf: Map<string, string>;
}

function known(platform: Entry): Known {
  const network = isEntry(platform.network) ? platform.network : {};
  const links = new Set<string>();
  if (Array.isArray(network.links)) {
    for (const l of network.links) {
      if (isEntry(l) && typeof l.a === 'string' && typeof l.b === 'string') {
        links.add(`${l.a}\u0000${l.b}`).add(`${l.b}\u0000${l.a}`);
      }
    }
  }
  const machineOf = new Map<string, string>();
  if (Array.isArray(platform.hpc)) {
    for (const h of platform.hpc) {
      if (isEntry(h) && typeof h.name === 'string' && typeof h.machine === 'string')
        machineOf.set(h.name, h.machine);
    }
  }
  const grid = namesOf(platform, 'gridSites');
  const hpc = namesOf(platform, 'hpc');
  const funcx = namesOf(platform, 'funcx');
  const gridRegions = Array.isArray(platform.gridSites)
    ? platform.gridSites.flatMap((s: unknown) =>
        isEntry(s) && typeof s.region === 'string' ? [s.region] : [],
      )
    : [];
  const harvested = [...grid, ...hpc, ...funcx, ...namesOf(platform, 'cloud')];
  return {
    grid,
    gridRegions,
    hpc,
    funcx,
    resources: [...harvested, ...namesOf(platform, 'local')],
    harvested,
    regions: Array.isArray(network.regions)
      ? network.regions.flatMap((r: unknown) => (isEntry(r) && typeof r.name === 'string' ? [r.name] : []))
      : [],
    links,
    machineOf,
  };
}

function checkTiming(fault: Entry, place: Place, path: string, ctx: CheckContext): void {
  const has = (key: string) => fault[key] !== undefined;
  const scheduled = has('at') || has('for');
  const sudden = has('rate') || has('duration');
  const expected =
    "either 'at' and 'for' (a scheduled fault) or 'rate' and 'duration' (a sudden one, drawn per target)";
  if (scheduled && sudden) {
    ctx.report(place, path, `${expected}, not both`);
  } else if (scheduled) {
    for (const key of ['at', 'for']) {
      if (!has(key)) ctx.report(place, `${path}.${key}`, `${expected}: '${key}' is missing`, MISSING);
    }
  } else if (sudden) {
    for (const key of ['rate', 'duration']) {
      if (!has(key)) ctx.report(place, `${path}.${key}`, `${expected}: '${key}' is missing`, MISSING);
    }
    if (has('announce'))
      ctx.report(place, `${path}.announce`, 'no announce on a sudden fault', fault.announce);
  } else {
    ctx.report(place, path, expected);
  }
}

function checkNames(
  value: unknown,
  among: readonly string[],
  what: string,
  place: Place,
  path: string,
  ctx: CheckContext,
): void {
  for (const [name, at] of named(value, path)) {
    if (!among.includes(name)) ctx.report(place, at, `${what} (${quoted(among)})`, name);
  }
}

function checkNetwork(fault: Entry, k: Known, place: Place, path: string, ctx: CheckContext): void {
  const given = ['uplink', 'backbone', 'between'].filter((key) => fault[key] !== undefined);
  if (given.length !== 1) {
    ctx.report(
      place,
      path,
      "exactly one of 'uplink', 'backbone' or 'between' (the link hit)",
      given.join(', '),
    );
  }
  checkNames(fault.uplink, k.resources, 'a resource of the platform', place, `${path}.uplink`, ctx);
  checkNames(fault.backbone, k.regions, 'a region of network.regions', place, `${path}.backbone`, ctx);
  const between = fault.between;
  if (Array.isArray(between) && typeof between[0] === 'string' && typeof between[1] === 'string') {
    checkNames(between, k.regions, 'a region of network.regions', place, `${path}.between`, ctx);
    if (
      k.regions.includes(between[0]) &&
      k.regions.includes(between[1]) &&
      !k.links.has(between.join('\u0000'))
    ) {
      ctx.report(place, `${path}.between`, 'two regions joined by a link of network.links', between);
    }
  }
}

/** Reports every timing and reference problem of `faults` (the parsed YAML) against the platform's. */
export function checkFaults(faults: unknown, platform: unknown, place: Place, ctx: CheckContext): void {
  if (!Array.isArray(faults)) return;
  const k = known(isEntry(platform) ? platform : {});
  faults.forEach((fault: unknown, i) => {
    if (!isEntry(fault)) return;
    const path = `faults[${i}]`;
    checkTiming(fault, place, path, ctx);
    checkSource(ctx, place, path, fault.source);
    const at = (key: string) => `${path}.${key}`;
    switch (fault.kind) {
      case 'site-downtime':
        checkNames(fault.site, k.grid, 'a grid site', place, at('site'), ctx);
        break;
      case 'lcf-node-failure':
        checkNames(fault.hpc, k.hpc, 'an hpc entry', place, at('hpc'), ctx);
        break;
      case 'lcf-queue-outage':
        checkNames(fault.hpc, k.hpc, 'an hpc entry', place, at('hpc'), ctx);
        if (typeof fault.queue === 'string') {
          for (const [hpc] of named(fault.hpc, at('hpc'))) {
            const machine = HPC_MACHINES[k.machineOf.get(hpc) ?? ''];
            if (machine === undefined) continue;
            const queues = [...machine.routingQueues, ...machine.queues].map((q) => q.name);
            if (!queues.includes(fault.queue)) {
              ctx.report(place, at('queue'), `a queue of ${machine.name} (${quoted(queues)})`, fault.queue);
            }
          }
        }
        break;
      case 'funcx-endpoint-down':
        checkNames(fault.endpoint, k.funcx, 'a funcx endpoint', place, at('endpoint'), ctx);
        break;
      case 'credential-expiry':
        if (fault.credential === 'globus') {
          const globus = [...k.hpc, ...k.funcx];
          checkNames(
            fault.resource,
            globus,
            'a Globus endpoint: an hpc or funcx entry',
            place,
            at('resource'),
            ctx,
          );
        } else {
          checkNames(fault.resource, k.harvested, 'a resource Harvester serves', place, at('resource'), ctx);
        }
        break;
      case 'transfer-faults':
        checkNames(
          fault.endpoint,
          [...k.hpc, ...k.funcx],
          'a Globus endpoint: an hpc or funcx entry',
          place,
          at('endpoint'),
          ctx,
        );
        if (fault.faultProbability === undefined && fault.hardFailureProbability === undefined) {
          ctx.report(place, path, "'faultProbability', 'hardFailureProbability' or both");
        }
        break;
      case 'network-cut':
      case 'network-degraded':
        checkNetwork(fault, k, place, path, ctx);
        break;
      case 'storage-full':
        checkNames(fault.site, k.resources, 'a resource of the platform', place, at('site'), ctx);
        break;
      case 'harvester-down': {
        // The instances scenarios/world/platform.ts builds: one central, one per region with grid sites, and
        // one for the funcX queues when there are any.
        const instances = [
          'central',
          ...new Set(k.gridRegions.map((r) => `grid-${r}`)),
          ...(k.funcx.length > 0 ? ['funcx'] : []),
        ];
        if (typeof fault.instance === 'string' && !instances.includes(fault.instance)) {
          ctx.report(place, at('instance'), `a Harvester instance (${quoted(instances)})`, fault.instance);
        }
        break;
      }
      default:
        break;
    }
  });
}
