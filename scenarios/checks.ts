/**
 * The checks a schema cannot make: references between entries (regions, the HPC entry of a funcX endpoint,
 * task names, global shares, citation keys), names that must be unique, and the fields one kind of task
 * needs and the other must not have.
 *
 * They read the file as parsed YAML, not the schema's output, so that a mistake anywhere does not hide the
 * reference problems elsewhere: a value of the wrong type is skipped here (the schema reports it).
 */
import {
  buildShareTree,
  compilePythonMatch,
  isLeafShare,
  type GlobalShareRow,
  type ShareTree,
} from '@pandasim/panda';
import { HPC_MACHINES } from '../models/hpc/machines.ts';
import { parseDuration } from '../sim/units.ts';
import { joinPath } from './scenario-error.ts';

/** A file and the field path its part of the scenario starts at (`platform` for an inline platform). */
export interface Place {
  readonly file: string;
  readonly prefix: string;
}

/** Stands for a value that is not there, where a problem says what was found. */
export const MISSING: unique symbol = Symbol('missing');

export interface CheckContext {
  report(place: Place, path: string, expected: string, got?: unknown): void;
  /** Known citation keys; undefined when the sources themselves are broken, so nothing is checked. */
  readonly sources: ReadonlySet<string> | undefined;
}

type Entry = Readonly<Record<string, unknown>>;

const isEntry = (value: unknown): value is Entry =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The objects of a list with their indices; other items are the schema's business. */
function entries(value: unknown): [Entry, number][] {
  return Array.isArray(value)
    ? value.flatMap((item, i): [Entry, number][] => (isEntry(item) ? [[item, i]] : []))
    : [];
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function seconds(value: unknown): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  try {
    return parseDuration(value);
  } catch {
    return undefined;
  }
}

const quoted = (names: Iterable<string>) => [...names].map((n) => JSON.stringify(n)).join(', ');

/** A `source:` key must be one of the citation keys. */
export function checkSource(ctx: CheckContext, place: Place, path: string, key: unknown): void {
  if (typeof key !== 'string' || ctx.sources === undefined || ctx.sources.has(key)) return;
  const known = [...ctx.sources].sort();
  const expected = `a key of sources (${known.length > 0 ? known.join(', ') : 'none defined'})`;
  ctx.report(place, joinPath(path, 'source'), expected, key);
}

/** Remembers names in order and reports the ones already taken. */
class NameRegister {
  private readonly first = new Map<string, string>();

  constructor(private readonly what: string) {}

  add(name: unknown, owner: string, place: Place, ctx: CheckContext): void {
    if (typeof name !== 'string') return;
    const taken = this.first.get(name);
    if (taken === undefined) this.first.set(name, owner);
    else ctx.report(place, `${owner}.name`, `${this.what} not already used by ${taken}`, name);
  }

  has(name: string): boolean {
    return this.first.has(name);
  }

  names(): string[] {
    return [...this.first.keys()];
  }
}

// ---------------------------------------------------------------------------------------------------------
// Platform

const RESOURCE_KINDS = ['gridSites', 'hpc', 'funcx', 'cloud', 'local'] as const;

/** The queues a job can be submitted to on a machine preset: its routing queues and unrouted queues. */
function submittableQueues(machine: string): string[] {
  const params = HPC_MACHINES[machine];
  return [
    ...params.routingQueues.map((q) => q.name),
    ...params.queues.filter((q) => !q.routedOnly).map((q) => q.name),
  ];
}

function checkNetwork(network: Entry, place: Place, ctx: CheckContext): NameRegister {
  const regions = new NameRegister('a region name');
  for (const [region, i] of entries(network.regions)) {
    regions.add(region.name, `network.regions[${i}]`, place, ctx);
  }
  const pairs = new Map<string, number>();
  for (const [link, i] of entries(network.links)) {
    const path = `network.links[${i}]`;
    const ends = [text(link.a), text(link.b)];
    ends.forEach((end, k) => {
      if (end !== undefined && !regions.has(end)) {
        const field = k === 0 ? 'a' : 'b';
        ctx.report(
          place,
          `${path}.${field}`,
          `a region of network.regions (${quoted(regions.names())})`,
          end,
        );
      }
    });
    const [a, b] = ends;
    if (a === undefined || b === undefined) continue;
    if (a === b) ctx.report(place, `${path}.b`, `a region other than a ("${a}")`, b);
    const pair = [a, b].sort().join('\u0000');
    const first = pairs.get(pair);
    if (first === undefined) pairs.set(pair, i);
    else ctx.report(place, path, `one link per pair of regions (links[${first}] joins them)`, `${a}–${b}`);
  }
  checkSource(ctx, place, 'network', network.source);
  return regions;
}

function checkQueue(machine: unknown, queue: unknown, place: Place, path: string, ctx: CheckContext): void {
  if (typeof machine !== 'string' || !Object.hasOwn(HPC_MACHINES, machine) || typeof queue !== 'string')
    return;
  const queues = submittableQueues(machine);
  if (!queues.includes(queue)) ctx.report(place, path, `a queue of ${machine} (${quoted(queues)})`, queue);
}

/** Unique names over all resources, their regions and sources, the machines' queues, funcX → hpc. */
export function checkPlatform(platform: unknown, place: Place, ctx: CheckContext): void {
  if (!isEntry(platform)) return;
  const regions = isEntry(platform.network) ? checkNetwork(platform.network, place, ctx) : undefined;
  const names = new NameRegister('a resource name');
  for (const kind of RESOURCE_KINDS) {
    for (const [resource, i] of entries(platform[kind])) {
      const path = `${kind}[${i}]`;
      names.add(resource.name, path, place, ctx);
      const region = text(resource.region);
      if (regions !== undefined && region !== undefined && !regions.has(region)) {
        ctx.report(
          place,
          `${path}.region`,
          `a region of network.regions (${quoted(regions.names())})`,
          region,
        );
      }
      checkSource(ctx, place, path, resource.source);
    }
  }
  const sites = entries(platform.gridSites);
  if (sites.length > 0 && !sites.some(([site]) => site.nucleus === true)) {
    ctx.report(
      place,
      'gridSites',
      'at least one site with nucleus: true (task outputs collect at a nucleus)',
    );
  }
  const machineOf = new Map<string, unknown>();
  for (const [hpc, i] of entries(platform.hpc)) {
    if (typeof hpc.name === 'string') machineOf.set(hpc.name, hpc.machine);
    checkQueue(hpc.machine, hpc.batchQueue, place, `hpc[${i}].batchQueue`, ctx);
    const machine = typeof hpc.machine === 'string' ? HPC_MACHINES[hpc.machine] : undefined;
    if (machine !== undefined && typeof hpc.nodes === 'number' && hpc.nodes > machine.nodes) {
      ctx.report(
        place,
        `hpc[${i}].nodes`,
        `at most the ${machine.nodes} nodes ${machine.name} has`,
        hpc.nodes,
      );
    }
  }
  for (const [endpoint, i] of entries(platform.funcx)) {
    const hpc = text(endpoint.hpc);
    if (hpc === undefined) continue;
    if (!machineOf.has(hpc)) {
      ctx.report(place, `funcx[${i}].hpc`, `the name of an hpc entry (${quoted(machineOf.keys())})`, hpc);
    } else checkQueue(machineOf.get(hpc), endpoint.batchQueue, place, `funcx[${i}].batchQueue`, ctx);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Global shares

const MATCHER_COLUMNS = [
  'prodsourcelabel',
  'workinggroup',
  'campaign',
  'processingtype',
  'transpath',
  'rtype',
] as const;

/** Builds the share tree (rows that passed the schema), reporting what upstream would choke on. */
export function checkShares(
  rows: readonly GlobalShareRow[],
  place: Place,
  ctx: CheckContext,
): ShareTree | undefined {
  rows.forEach((row, i) => {
    for (const column of MATCHER_COLUMNS) {
      const pattern = row[column];
      if (pattern === null || pattern === undefined || pattern === '') continue;
      try {
        compilePythonMatch(pattern);
      } catch (error) {
        ctx.report(place, `[${i}].${column}`, `a regular expression (${(error as Error).message})`, pattern);
      }
    }
  });
  try {
    return buildShareTree(rows);
  } catch (error) {
    ctx.report(place, '', `a valid share tree (${(error as Error).message})`);
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Background load and workflows

function checkGshare(
  tree: ShareTree | undefined,
  place: Place,
  path: string,
  gshare: unknown,
  ctx: CheckContext,
) {
  if (tree === undefined || typeof gshare !== 'string' || isLeafShare(tree, gshare)) return;
  const why = tree.nodeIndex.has(gshare)
    ? 'a leaf share (work is tagged with leaves only)'
    : 'a share of the tree';
  ctx.report(place, `${path}.gshare`, `${why}: ${quoted(tree.leafNames)}`, gshare);
}

export function checkBackground(
  background: unknown,
  tree: ShareTree | undefined,
  place: Place,
  ctx: CheckContext,
): void {
  const seen = new Set<unknown>();
  for (const [load, i] of entries(background)) {
    checkGshare(tree, place, `background[${i}]`, load.gshare, ctx);
    checkSource(ctx, place, `background[${i}]`, load.source);
    // A load's random streams are named by its share: two loads of one share would draw each other's numbers.
    if (seen.has(load.gshare)) {
      ctx.report(
        place,
        `background[${i}].gshare`,
        'one background load per share (this one is given twice)',
        load.gshare,
      );
    }
    seen.add(load.gshare);
  }
}

/** What a gpu task needs and a cpu task must not have, and the reverse. */
function checkTaskKind(task: Entry, place: Place, path: string, ctx: CheckContext): void {
  const kind = task.kind ?? 'cpu';
  const needs = (field: string, expected: string) => {
    if (task[field] === undefined) ctx.report(place, `${path}.${field}`, expected, MISSING);
  };
  const forbids = (field: string, expected: string) => {
    if (task[field] !== undefined) ctx.report(place, `${path}.${field}`, expected, task[field]);
  };
  if (kind === 'gpu') {
    needs('gpuPerJob', "a distribution of A100-seconds like '5h' (a gpu task needs gpuPerJob)");
    forbids('cpuPerJob', 'no cpuPerJob on a gpu task (its CPU fallback is cpuPerGpuSecond)');
    if (task.gpusPerJob === 0) ctx.report(place, `${path}.gpusPerJob`, 'at least 1 GPU for a gpu task', 0);
  } else if (kind === 'cpu') {
    needs('cpuPerJob', "a distribution of HS06·s like '3.5e5' (a cpu task needs cpuPerJob)");
    forbids('gpuPerJob', 'no gpuPerJob on a cpu task (kind: gpu has it)');
    forbids('cpuPerGpuSecond', 'no cpuPerGpuSecond on a cpu task (kind: gpu has it)');
    if (typeof task.gpusPerJob === 'number' && task.gpusPerJob > 0) {
      ctx.report(place, `${path}.gpusPerJob`, '0 GPUs for a cpu task (kind: gpu uses GPUs)', task.gpusPerJob);
    }
  }
  const walltime = seconds(task.walltime);
  const every = seconds(task.checkpointEvery);
  if (walltime !== undefined && every !== undefined && every > walltime) {
    const expected = `at most the walltime (${String(task.walltime)}), or no checkpoint is ever written`;
    ctx.report(place, `${path}.checkpointEvery`, expected, task.checkpointEvery);
  }
}

/** Reports each `after` edge that closes a cycle, with the cycle spelt out. */
function checkCycles(tasks: readonly [Entry, number][], place: Place, path: string, ctx: CheckContext): void {
  const byName = new Map<string, number>();
  tasks.forEach(([task], k) => {
    if (typeof task.name === 'string' && !byName.has(task.name)) byName.set(task.name, k);
  });
  const parents = tasks.map(([task]) => (Array.isArray(task.after) ? task.after : []));
  const state = new Uint8Array(tasks.length); // 0 not visited, 1 on the stack, 2 done
  const stack: number[] = [];
  const visit = (k: number): void => {
    state[k] = 1;
    stack.push(k);
    parents[k].forEach((parent, p) => {
      const j = typeof parent === 'string' ? byName.get(parent) : undefined;
      if (j === undefined) return;
      if (state[j] === 0) visit(j);
      else if (state[j] === 1) {
        const cycle = [...stack.slice(stack.indexOf(j)), j].map((n) => String(tasks[n][0].name)).reverse();
        const expected = `a task that does not wait on this one (cycle: ${cycle.join(' → ')}, each feeding the next)`;
        ctx.report(place, `${path}[${tasks[k][1]}].after[${p}]`, expected, parent);
      }
    });
    stack.pop();
    state[k] = 2;
  };
  tasks.forEach((_, k) => {
    if (state[k] === 0) visit(k);
  });
}

/** A workflow as written: inline in the scenario (place prefix `workflows[2]`) or the whole of a workflow file. */
export interface WrittenWorkflow {
  readonly raw: unknown;
  readonly place: Place;
}

export function checkWorkflows(
  workflows: readonly WrittenWorkflow[],
  tree: ShareTree | undefined,
  ctx: CheckContext,
): void {
  const firstOf = new Map<string, string>();
  for (const written of workflows) {
    const workflow = written.raw;
    if (!isEntry(workflow)) continue;
    // Paths from the file's top, so that a name taken twice names the first taker's full path.
    const place = { file: written.place.file, prefix: '' };
    const path = written.place.prefix;
    if (typeof workflow.name === 'string') {
      const first = firstOf.get(workflow.name);
      if (first === undefined) {
        firstOf.set(workflow.name, path === '' ? place.file : path);
      } else {
        const expected = `a workflow name not already used by ${first}`;
        ctx.report(place, joinPath(path, 'name'), expected, workflow.name);
      }
    }
    const tasks = entries(workflow.tasks);
    const taskNames = new NameRegister('a task name');
    for (const [task, t] of tasks) {
      const taskPath = joinPath(path, `tasks[${t}]`);
      taskNames.add(task.name, taskPath, place, ctx);
      checkTaskKind(task, place, taskPath, ctx);
      checkGshare(tree, place, taskPath, task.gshare, ctx);
      checkSource(ctx, place, taskPath, task.source);
    }
    for (const [task, t] of tasks) {
      if (!Array.isArray(task.after)) continue;
      task.after.forEach((parent: unknown, k) => {
        if (typeof parent !== 'string' || taskNames.has(parent)) return;
        const others = taskNames.names().filter((n) => n !== task.name);
        const expected = `the name of another task of this workflow (${quoted(others)})`;
        ctx.report(place, joinPath(path, `tasks[${t}].after[${k}]`), expected, parent);
      });
    }
    checkCycles(tasks, place, joinPath(path, 'tasks'), ctx);
  }
}
