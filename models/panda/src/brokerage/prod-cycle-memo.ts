// What the production brokerage calls of one cycle can share, kept on the cycle's queue-state view: JEDI brokers
// many chunks per cycle against the same statistics, and their tasks share nuclei, software releases, core and
// memory classes. Held here, each under a key naming exactly the inputs it was derived from:
// - the set of production PQs failing a filter step, per outcome code, for the set-at-a-time filter driver
//   (prod-world-filters.ts), under the step's name and the task-side values the step reads, built the second time
//   a key comes (a class met once is cheaper to check on the PQs still in than on the whole catalog);
// - per nucleus: its PQs, the link verdicts of §2.2 step 3 and the network weights of §2.4 by source ATLAS site,
//   and which unified PQs count as nucleus PQs;
// - per software requirement: the task's parsed requirement and each software class's verdict;
// - per zero-share inputs: each fair-share policy's verdict;
// - per input dataset: its complete replicas (§2.2 step 1);
// - per share, resource type and bootstrap class: the terms of the basic weight (§2.4 steps 2–4).
// Everything also depends on the snapshot (nuclei, RSEs, network, replicas, `now`) and the options, which a call
// passes in beside the view: the memo remembers the pair it was filled for and starts afresh when a call brings
// another, or when it has grown past a budget.

import type { LinkMetrics } from '../snapshot/network.ts';
import type { TaskSpec } from '../snapshot/task.ts';
import { PASS } from './prod-codes.ts';
import type { SoftwareOutcome } from './prod-checks.ts';
import type { QueueCatalog } from './queue-catalog.ts';
import { softwareRequirement, type SoftwareRequirement } from './software-check.ts';

/** Production PQs failing one filter step: the outcome codes met and, for each, its PQs as a bit set. */
export interface FailSets {
  outcomes: number[];
  sets: Int32Array[];
  /** The same PQs as catalog indices, for sets small enough that visiting them beats sweeping the words. */
  members: (Int32Array | null)[];
}

/** A nucleus' PQs as the brokerage reads them (§2.1); in the task brokerage's hint mode, every nucleus'. */
export interface NucleusQueues {
  /** `sites_in_nucleus`. */
  sitesInNucleus: Set<string>;
  /** Per catalog index: the queue's unified name is in `sitesInNucleus`. */
  inNucleus: Uint8Array;
  firstSite: string | null;
  /** Input RSEs of the nucleus' first PQ (null without one), and the same per RSE number. */
  shareInputs: Set<string> | null;
  shareInput: Uint8Array;
  /** Per unified PQ: counts as a nucleus PQ (1/0), −1 not yet known (filled by `isNucleusQueueMemo`). */
  flags: Int8Array;
}

/** The task-side values a memo entry was derived from, in a fixed order per kind of entry. */
export type MemoKey = readonly (string | number | boolean | null | undefined)[];

// Entries a memo holds before it starts afresh (see `grow`).
const MEMO_BUDGET = 4096;
const VALUE = Symbol('value');
const SEEN_ONCE = Symbol('seen once');
type KeyNode = Map<unknown, KeyNode> & { [VALUE]?: unknown };

// A map keyed by tuples of primitive values, one Map level per position: looking up values the task already holds
// costs a few hash probes and builds no key string.
class TupleMap<V> {
  private root: KeyNode = new Map();

  get(key: MemoKey): V | undefined {
    let node: KeyNode | undefined = this.root;
    for (let k = 0; k < key.length && node !== undefined; k++) node = node.get(key[k]);
    return node?.[VALUE] as V | undefined;
  }

  set(key: MemoKey, value: V): V {
    let node = this.root;
    for (const part of key) {
      let next = node.get(part);
      if (next === undefined) node.set(part, (next = new Map()));
      node = next;
    }
    node[VALUE] = value;
    return value;
  }

  clear(): void {
    this.root = new Map();
  }
}

/**
 * The weighing's per-PQ terms for one share, resource type and bootstrap class (§2.4 steps 2–5, prod-weight.ts):
 * `stride` numbers per catalog index, packed so that weighing a PQ reads one or two cache lines; `known` marks the
 * PQs filled so far.
 */
export interface ShareTerms {
  rows: Float64Array;
  known: Uint8Array;
}

/** A bit set with room for every catalog index. */
export function newBitSet(nQueues: number): Int32Array {
  return new Int32Array((nQueues + 31) >>> 5);
}

export class ProdCycleMemo {
  private snapshot: object | null = null;
  private options: object | null = null;
  private readonly fails = new TupleMap<FailSets | typeof SEEN_ONCE>();
  private readonly nuclei = new Map<string, NucleusQueues>();
  private readonly links = new TupleMap<Int32Array>();
  private readonly networkWeights = new TupleMap<Float64Array>();
  private readonly queued = new Map<Record<string, LinkMetrics>, [number, number]>();
  private readonly requirements = new TupleMap<SoftwareRequirement | null>();
  private readonly software = new Map<SoftwareRequirement, (SoftwareOutcome | undefined)[]>();
  private readonly zeroShares = new TupleMap<Int8Array>();
  private readonly shareTermMemo = new TupleMap<ShareTerms>();
  private readonly derivedValues = new TupleMap<unknown>();
  /** The production PQs (the WORLD scan) as a bit set. */
  readonly production: Int32Array;
  /** Entries held, weighted by size (`grow`). */
  private size = 0;

  constructor(private readonly cat: QueueCatalog) {
    this.production = newBitSet(cat.specs.length);
    for (const i of cat.productionIndices) this.production[i >>> 5] |= 1 << (i & 31);
  }

  /** Starts afresh unless the call brings the snapshot and options the memo was filled for. */
  sync(snapshot: object, options: object): void {
    if (snapshot === this.snapshot && options === this.options) return;
    this.snapshot = snapshot;
    this.options = options;
    this.reset();
  }

  private reset(): void {
    this.size = 0;
    this.fails.clear();
    this.nuclei.clear();
    this.links.clear();
    this.networkWeights.clear();
    this.queued.clear();
    this.requirements.clear();
    this.software.clear();
    this.zeroShares.clear();
    this.shareTermMemo.clear();
    this.derivedValues.clear();
  }

  // Counts an entry about to be added, weighted by its size in units of about one catalog-wide bit set; a view
  // used for very many task classes starts afresh rather than grow without bound.
  private grow(weight: number): void {
    this.size += weight;
    if (this.size > MEMO_BUDGET) this.reset();
  }

  /**
   * A value derived from the snapshot and the task-side values in `key`, built on first use. The key starts with
   * the name of what is derived, which fixes its type.
   */
  derived<T>(key: MemoKey, build: () => T): T {
    const found = this.derivedValues.get(key);
    if (found !== undefined) return found as T;
    const value = build();
    this.grow(1);
    return this.derivedValues.set(key, value) as T;
  }

  /**
   * The production PQs failing a filter step, by outcome, under `key`: null the first time the key is asked for, when
   * the caller evaluates the step on the PQs still in only (a task class met once does not pay for the whole
   * catalog); evaluated with `outcomeOf` on every production PQ and kept from the second time on.
   */
  failSets(key: MemoKey, outcomeOf: (i: number) => number): FailSets | null {
    const found = this.fails.get(key);
    if (found === SEEN_ONCE) return this.buildFailSets(key, outcomeOf);
    if (found !== undefined) return found;
    this.grow(1);
    this.fails.set(key, SEEN_ONCE);
    return null;
  }

  private buildFailSets(key: MemoKey, outcomeOf: (i: number) => number): FailSets {
    const f: FailSets = { outcomes: [], sets: [], members: [] };
    const lists: number[][] = [];
    for (const i of this.cat.productionIndices) {
      const outcome = outcomeOf(i);
      if (outcome === PASS) continue;
      let k = f.outcomes.indexOf(outcome);
      if (k < 0) {
        k = f.outcomes.push(outcome) - 1;
        f.sets.push(newBitSet(this.cat.specs.length));
        lists.push([]);
      }
      f.sets[k][i >>> 5] |= 1 << (i & 31);
      lists[k].push(i);
    }
    const words = this.production.length;
    f.members = lists.map((l) => (l.length < words ? Int32Array.from(l) : null));
    this.grow(f.sets.length);
    this.fails.set(key, f);
    return f;
  }

  /** A nucleus' PQs under `key` (the nucleus name, or a hint-mode key), built on first use. */
  nucleus(key: string, build: () => NucleusQueues): NucleusQueues {
    let q = this.nuclei.get(key);
    if (q === undefined) {
      q = build();
      this.grow(8);
      this.nuclei.set(key, q);
    }
    return q;
  }

  /** Link verdicts by source ATLAS site (−2 = not yet known) under what the link check reads (`key`). */
  linkVerdicts(key: MemoKey): Int32Array {
    const found = this.links.get(key);
    if (found !== undefined) return found;
    this.grow(1);
    return this.links.set(key, new Int32Array(this.cat.atlasSiteNames.length).fill(-2));
  }

  /** Network weights by source ATLAS site (NaN = not yet known) for a nucleus key and express flag. */
  networkWeight(nucleusKey: string, express: boolean): Float64Array {
    const key = [nucleusKey, express];
    const found = this.networkWeights.get(key);
    if (found !== undefined) return found;
    this.grow(1);
    return this.networkWeights.set(key, new Float64Array(this.cat.atlasSiteNames.length).fill(NaN));
  }

  /** Files queued towards a nucleus from all sources (production output, express). */
  queuedToNucleus(links: Record<string, LinkMetrics>, express: boolean): number {
    let q = this.queued.get(links);
    if (q === undefined) {
      q = [0, 0];
      const total = links['total'];
      if (total !== undefined) q = [total.productionOutputQueued ?? 0, total.expressQueued ?? 0];
      else {
        for (const src in links) {
          q[0] += links[src].productionOutputQueued ?? 0;
          q[1] += links[src].expressQueued ?? 0;
        }
      }
      this.grow(1);
      this.queued.set(links, q);
    }
    return express ? q[1] : q[0];
  }

  /** `softwareRequirement(task)`, which reads the release, architecture and container fields only. */
  softwareRequirement(task: TaskSpec): SoftwareRequirement | null {
    const key = [task.transHome, task.architecture, task.container_name, task.use_only_tags_fc];
    const found = this.requirements.get(key);
    if (found !== undefined) return found;
    this.grow(1);
    return this.requirements.set(key, softwareRequirement(task));
  }

  /** Software verdicts per software class (undefined = not yet known) for a requirement this memo made. */
  softwareOutcomes(req: SoftwareRequirement): (SoftwareOutcome | undefined)[] {
    let v = this.software.get(req);
    if (v === undefined) {
      v = new Array<SoftwareOutcome | undefined>(this.cat.softwareClassRep.length).fill(undefined);
      this.grow(1);
      this.software.set(req, v);
    }
    return v;
  }

  /** The weighing's terms for one share, resource type and bootstrap class (`key`), filled by the weighing. */
  shareTerms(key: MemoKey, stride: number): ShareTerms {
    const found = this.shareTermMemo.get(key);
    if (found !== undefined) return found;
    const n = this.cat.specs.length;
    this.grow(stride * 2);
    return this.shareTermMemo.set(key, { rows: new Float64Array(n * stride), known: new Uint8Array(n) });
  }

  /** Zero-share verdicts per fair-share policy (1/0, −1 = not yet known) under the task-side `key`. */
  zeroShare(key: MemoKey): Int8Array {
    const found = this.zeroShares.get(key);
    if (found !== undefined) return found;
    this.grow(1);
    return this.zeroShares.set(key, new Int8Array(this.cat.policies.length).fill(-1));
  }
}
