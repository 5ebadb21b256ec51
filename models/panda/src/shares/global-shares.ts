// The global-share tree of PanDA (fairshare.md §1.1–1.3): rows of the GLOBAL_SHARES table, the implicit root,
// and the normalisation of raw sibling weights into absolute percentages. The tree is compiled once into flat
// typed arrays (pre-order node numbering, children in DB order) so that the under-pledge ordering
// (share-order.ts) can run many times per second without rebuilding anything.
//
// Upstream: pandaserver/taskbuffer/GlobalShares.py (`Share`, `Share.normalize`, `Node.get_leaves`) and
// pandaserver/taskbuffer/db_proxy_mods/entity_module.py (`EntityModule.reload_shares`, `__load_branch`).

/**
 * One row of `ATLAS_PANDA.GLOBAL_SHARES`, with the attribute names of `Share._attributes`. The five matcher
 * columns and `rtype` are Python regular expressions (share-tagging.ts); null means "no constraint".
 */
export interface GlobalShareRow {
  /** Unique share name, e.g. `User Analysis`. */
  name: string;
  /** Raw weight (NUMBER(3,0)); only its ratio to the siblings' weights matters. */
  value: number;
  /** Parent share name; null (or absent / empty, which Oracle stores as NULL) for a top-level share. */
  parent?: string | null;
  prodsourcelabel?: string | null;
  workinggroup?: string | null;
  campaign?: string | null;
  processingtype?: string | null;
  transpath?: string | null;
  /** Matched against the CRIC `resource_type` of the site (GRID, hpc, cloud, …), not SCORE/MCORE. */
  rtype?: string | null;
  vo?: string | null;
  /** Id in the 9000 range that lets the share act as a JEDI work queue. */
  queue_id?: number | null;
  /** `'N'` ⇒ never throttled by JEDI (`WorkQueue.pack_gs`); anything else ⇒ throttled. */
  throttled?: string | null;
}

/** Name of the implicit root that `reload_shares` puts above the top-level rows (value 100). */
export const ROOT_SHARE_NAME = 'root';

/** Node 0 is the implicit root; nodes are numbered in pre-order with children in DB (row) order. */
export interface ShareTree {
  readonly nodeCount: number;
  readonly names: readonly string[];
  /** The row of each node; null for the root. */
  readonly rows: readonly (GlobalShareRow | null)[];
  /** Raw `VALUE` per node (100 for the root). */
  readonly rawValue: Float64Array;
  /** Normalised absolute percentage per node (`Share.normalize`); leaves sum to 100. */
  readonly norm: Float64Array;
  /** Parent node index; −1 for the root. */
  readonly parent: Int32Array;
  /** Depth below the root (top-level shares are 1). */
  readonly depth: Int32Array;
  /** Children of node n are `children[childStart[n] .. childStart[n + 1])`, in DB order. */
  readonly childStart: Int32Array;
  readonly children: Int32Array;
  /** Node index of every leaf, depth-first in DB order (`Node.get_leaves`). */
  readonly leafNodes: Int32Array;
  /** Leaf index of a node, −1 for internal nodes. */
  readonly leafOfNode: Int32Array;
  readonly leafNames: readonly string[];
  /** Share name → node index (the root is not included). */
  readonly nodeIndex: ReadonlyMap<string, number>;
  /** Leaf name → leaf index. */
  readonly leafIndex: ReadonlyMap<string, number>;
}

function isTopLevel(row: GlobalShareRow): boolean {
  return row.parent === null || row.parent === undefined || row.parent === '';
}

/**
 * Builds and normalises the tree. Rows keep their order as the DB order of siblings (the upstream query has
 * no ORDER BY). Upstream silently drops rows whose parent chain never reaches a top-level share and crashes
 * on siblings whose weights are all zero; both are rejected here as configuration errors.
 */
export function buildShareTree(rows: readonly GlobalShareRow[]): ShareTree {
  const byName = new Map<string, GlobalShareRow>();
  for (const row of rows) {
    if (typeof row.name !== 'string' || row.name === '') throw new Error('global share without a name');
    if (row.name === ROOT_SHARE_NAME)
      throw new Error(`share name "${ROOT_SHARE_NAME}" is reserved for the root`);
    if (byName.has(row.name)) throw new Error(`duplicate global share "${row.name}"`);
    if (!Number.isFinite(row.value) || row.value < 0) {
      throw new Error(`global share "${row.name}" has invalid value ${String(row.value)}`);
    }
    byName.set(row.name, row);
  }
  const kids = new Map<string, GlobalShareRow[]>();
  kids.set(ROOT_SHARE_NAME, []);
  for (const row of rows) {
    const parentName = isTopLevel(row) ? ROOT_SHARE_NAME : (row.parent as string);
    if (parentName !== ROOT_SHARE_NAME && !byName.has(parentName)) {
      throw new Error(`global share "${row.name}" has unknown parent "${parentName}"`);
    }
    let list = kids.get(parentName);
    if (list === undefined) {
      list = [];
      kids.set(parentName, list);
    }
    list.push(row);
  }

  const names: string[] = [];
  const nodeRows: (GlobalShareRow | null)[] = [];
  const parentOf: number[] = [];
  const depthOf: number[] = [];
  const childLists: number[][] = [];
  const visit = (name: string, row: GlobalShareRow | null, parent: number, depth: number): number => {
    const index = names.length;
    names.push(name);
    nodeRows.push(row);
    parentOf.push(parent);
    depthOf.push(depth);
    childLists.push([]);
    for (const child of kids.get(name) ?? [])
      childLists[index].push(visit(child.name, child, index, depth + 1));
    return index;
  };
  visit(ROOT_SHARE_NAME, null, -1, 0);
  if (names.length !== rows.length + 1) {
    const reached = new Set(names);
    const lost = rows.filter((r) => !reached.has(r.name)).map((r) => r.name);
    throw new Error(`global shares not reachable from a top-level share (cycle): ${lost.join(', ')}`);
  }

  const nodeCount = names.length;
  const rawValue = new Float64Array(nodeCount);
  const parent = Int32Array.from(parentOf);
  const depth = Int32Array.from(depthOf);
  const childStart = new Int32Array(nodeCount + 1);
  const children = new Int32Array(nodeCount - 1);
  let cursor = 0;
  for (let n = 0; n < nodeCount; n++) {
    rawValue[n] = n === 0 ? 100 : (nodeRows[n] as GlobalShareRow).value;
    childStart[n] = cursor;
    for (const c of childLists[n]) children[cursor++] = c;
  }
  childStart[nodeCount] = cursor;

  const leafOfNode = new Int32Array(nodeCount).fill(-1);
  const leafList: number[] = [];
  for (let n = 0; n < nodeCount; n++) {
    if (n > 0 && childStart[n] === childStart[n + 1]) {
      leafOfNode[n] = leafList.length;
      leafList.push(n);
    }
  }
  const leafNodes = Int32Array.from(leafList);
  const leafNames = leafList.map((n) => names[n]);
  const nodeIndex = new Map<string, number>();
  for (let n = 1; n < nodeCount; n++) nodeIndex.set(names[n], n);
  const leafIndex = new Map<string, number>();
  leafNames.forEach((name, i) => leafIndex.set(name, i));

  const tree: ShareTree = {
    nodeCount,
    names,
    rows: nodeRows,
    rawValue,
    norm: new Float64Array(nodeCount),
    parent,
    depth,
    childStart,
    children,
    leafNodes,
    leafOfNode,
    leafNames,
    nodeIndex,
    leafIndex,
  };
  normalizeInto(tree);
  return tree;
}

/**
 * `Share.normalize`: top-down, `norm(child) = raw(child) × (norm(parent) / Σ raw(siblings))`. The operations
 * are done in the upstream order (`value *= multiplier * 1.0 / divider`) so results match CPython bit for bit.
 * Pre-order numbering guarantees a parent is normalised before its children.
 */
function normalizeInto(tree: ShareTree): void {
  const { norm, rawValue, childStart, children, names } = tree;
  norm[0] = rawValue[0] * ((100 * 1.0) / 100);
  for (let n = 0; n < tree.nodeCount; n++) {
    const from = childStart[n];
    const to = childStart[n + 1];
    if (from === to) continue;
    let divider = 0;
    for (let k = from; k < to; k++) divider += rawValue[children[k]];
    if (divider === 0) throw new Error(`all children of global share "${names[n]}" have value 0`);
    const factor = (norm[n] * 1.0) / divider;
    for (let k = from; k < to; k++) norm[children[k]] = rawValue[children[k]] * factor;
  }
}

/** Whether JEDI throttles job generation for this share (`WorkQueue.pack_gs`: only `'N'` unthrottles). */
export function isShareThrottled(row: GlobalShareRow): boolean {
  return row.throttled !== 'N';
}

/** `EntityModule.is_valid_share`: work may only be tagged with a leaf. */
export function isLeafShare(tree: ShareTree, name: string): boolean {
  return tree.leafIndex.has(name);
}

/** `EntityModule.get_tree_of_gshare_names`: nested names, null for a leaf. */
export interface ShareNameTree {
  [name: string]: ShareNameTree | null;
}

export function shareNameTree(tree: ShareTree): ShareNameTree {
  const build = (n: number): ShareNameTree => {
    const out: ShareNameTree = {};
    for (let k = tree.childStart[n]; k < tree.childStart[n + 1]; k++) {
      const c = tree.children[k];
      out[tree.names[c]] = tree.leafOfNode[c] >= 0 ? null : build(c);
    }
    return out;
  };
  return build(0);
}

/**
 * Refresh periods of the share machinery (fairshare.md §1.3, §1.4, §2.1; timing summary §6), in seconds.
 * `shareTreeReloadS`: `reload_shares` (1 h); `hsDistributionCacheS`: `__reload_hs_distribution` (10 s);
 * `shareStatsTableS`: Oracle job `UPDATE_JOBS_BY_GSHARE_JOB` (every minute); `workQueueMapRefreshS`:
 * `refreshWorkQueueMap` (10 min), the age of the share order JEDI's job generator walks.
 */
export const SHARE_REFRESH_PERIODS_S = {
  shareTreeReloadS: 3600,
  hsDistributionCacheS: 10,
  shareStatsTableS: 60,
  workQueueMapRefreshS: 600,
} as const;

export interface ShareReloadOptions {
  periodS?: number;
  /**
   * Faithful quirk of `reload_shares(force=True)`: the flag sits in the "skip" condition, so forcing a reload
   * skips it (fairshare.md §1.10). Default true; false gives the intended meaning.
   */
  invertedForceFlag?: boolean;
}

/** `EntityModule.reload_shares` guard: is a reload of the tree due at `nowS`? */
export function shareTreeReloadDue(
  lastReloadS: number | null,
  nowS: number,
  force = false,
  options: ShareReloadOptions = {},
): boolean {
  const periodS = options.periodS ?? SHARE_REFRESH_PERIODS_S.shareTreeReloadS;
  if (force) return !(options.invertedForceFlag ?? true);
  return lastReloadS === null || lastReloadS <= nowS - periodS;
}
