// Everything `AtlasProdJobBroker.doBrokerage` derives from the task, the chunk and the world before it looks at
// individual PQs (brokerage.md §2.1, plus the task-level parts of §2.2): pre-assignment and the scan list, useMP,
// express / scout / esHigh, the nucleus and its PQs, t1Weight, the job requirements, and the dataset completeness
// check (§2.2 step 1). Built once per call so the per-queue loop only reads fields.

import type { DatasetReplica } from '../snapshot/data.ts';
import type { LinkMetrics } from '../snapshot/network.ts';
import type { NucleusSpec } from '../snapshot/nucleus.ts';
import type { InputChunk, TaskSpec } from '../snapshot/task.ts';
import type { BrokerageSnapshot } from '../snapshot/world.ts';
import { prodJobRequirements, usesEventService, type ProdJobRequirements } from './job-requirements.ts';
import type { NucleusQueues, ProdCycleMemo } from './prod-cycle-memo.ts';
import type { ProdJobBrokerOptions } from './prod-options.ts';
import type { QueueCatalog } from './queue-catalog.ts';
import {
  linksBySourceSite,
  resourceTypeCountArrays,
  shareCountArrays,
  type QueueStateView,
  type ResourceTypeCountArrays,
  type ShareCountArrays,
} from './queue-state-view.ts';
import type { SoftwareRequirement } from './software-check.ts';

const DOWNTIME = new Set(['OFF', 'TEST']);
const HOUR = 3600;
const NO_LINKS: Readonly<Record<string, LinkMetrics>> = Object.freeze({});
// The memo key of the hint mode's nucleus PQs (every nucleus'), which no real nucleus is named; '' is no nucleus.
const ALL_NUCLEI = '\u0000all';

export interface ProdContext {
  snapshot: BrokerageSnapshot;
  task: TaskSpec;
  chunk: InputChunk;
  o: ProdJobBrokerOptions;
  cat: QueueCatalog;
  view: QueueStateView;
  /** Job counts of the task's share (work queue) per catalog index. */
  counts: ShareCountArrays;
  /** Counts of the task's share and resource type (null when the task names no resource type). */
  rtCounts: ResourceTypeCountArrays | null;
  /** Live counter per catalog index (null when empty). */
  live: Float64Array | null;
  hint: boolean;
  /** Indices into `cat.specs`, in scan order, and their distinct unified PQs. */
  scan: readonly number[];
  scanUnified: readonly number[];
  sitePreAssigned: boolean;
  siteListPreAssigned: boolean;
  preAssigned: boolean;
  useMP: 'only' | 'any' | 'unuse';
  isExpress: boolean;
  useScout: boolean;
  isMerging: boolean;
  es: boolean;
  esHigh: boolean;
  /** Statistics key: the work queue name, or the gshare when the work queue is a global share. */
  wqTag: string;
  nucleus: string | null;
  /** Names what the nucleus-dependent memo entries derive from: the nucleus, none, or every one in hint mode. */
  nucleusKey: string;
  nucleusSpec: NucleusSpec | null;
  /** Links from source ATLAS sites to the task's nucleus, by name and by the catalog's ATLAS-site id. */
  links: Record<string, LinkMetrics> | null;
  linksBySite: (LinkMetrics | undefined)[] | null;
  /** The nucleus' ATLAS-site id in the catalog, −1 without nucleus or when no PQ's storage is there. */
  nucleusAtlasId: number;
  /** Files queued towards the nucleus from all sources. */
  totalQueuedToNucleus: number;
  nucleusUnwritable: boolean;
  /** `sites_in_nucleus` (names as listed by the nuclei). */
  sitesInNucleus: Set<string>;
  /** Per catalog index: the queue's unified name is in `sitesInNucleus`. */
  inNucleus: Uint8Array;
  /** Input RSEs of the nucleus' first PQ: PQs writing there share the nucleus output storage. */
  nucleusShareInputs: Set<string> | null;
  /** The same per RSE number. */
  nucleusShareInput: Uint8Array;
  nucleusFirstSite: string | null;
  /** Per unified PQ: a nucleus PQ (1/0), −1 not yet known (`isNucleusQueueMemo`). */
  nucleusFlag: Int8Array;
  /** t1Weight after §2.2 step 19; `useT1Weight` for negative split-rule values. */
  t1Weight: number;
  useT1Weight: boolean;
  dropNonNucleus: boolean;
  req: ProdJobRequirements & { compensation: number };
  sw: SoftwareRequirement | null;
  /** `remote_source_available` and `complete_replica_locations` of step 1. */
  remoteSourceAvailable: boolean;
  completeReplicaLocations: Set<string> | null;
  /** Task-level failure found before the queue loop. */
  failure: { code: string; step: number; message: string } | null;
  minWeight: number;
  cutOffValue: number;
  networkOptions: { NQUEUED_SAT_CAP: number; NW_QUEUE_IMPORTANCE: number; mbpsVariant: 'code' | 'docs' };
}

function isDown(status: string | undefined): boolean {
  return status !== undefined && DOWNTIME.has(status);
}

// getSitesShareDDM(…, output_share=False): online production PQs reading the pre-assigned PQ's output RSE.
function sitesSharingInput(cat: QueueCatalog, siteIdx: number): number[] {
  const site = cat.specs[siteIdx];
  const out: number[] = [];
  for (let i = 0; i < cat.specs.length; i++) {
    const q = cat.specs[i];
    if (i === siteIdx || q.status !== 'online') continue;
    if (cat.production[siteIdx] && !cat.production[i]) continue;
    if (cat.analysis[siteIdx] && !cat.analysis[i]) continue;
    const inputs = q.ddm_endpoints_input ?? (q.ddm_input ? [q.ddm_input] : []);
    if (site.ddm_output !== undefined && inputs.includes(site.ddm_output)) out.push(i);
  }
  return out;
}

// `sites_in_nucleus` resolved onto the catalog, and the input storage of the first of them.
function nucleusQueues(cat: QueueCatalog, sites: readonly string[]): NucleusQueues {
  const firstSite = sites.length > 0 ? sites[0] : null;
  const firstIdx = firstSite !== null ? cat.indexByName.get(firstSite) : undefined;
  const firstSpec = firstIdx !== undefined ? cat.specs[firstIdx] : undefined;
  const shareInputs = firstSpec
    ? new Set(firstSpec.ddm_endpoints_input ?? (firstSpec.ddm_input ? [firstSpec.ddm_input] : []))
    : null;
  const sitesInNucleus = new Set(sites);
  const inNucleus = new Uint8Array(cat.specs.length);
  for (const name of sitesInNucleus) for (const i of cat.rowsByUnifiedName.get(name) ?? []) inNucleus[i] = 1;
  const shareInput = new Uint8Array(cat.rseNames.length);
  for (const name of shareInputs ?? []) {
    const id = cat.rseIdByName.get(name);
    if (id !== undefined) shareInput[id] = 1;
  }
  const flags = new Int8Array(cat.specs.length).fill(-1);
  return { sitesInNucleus, inNucleus, firstSite, shareInputs, shareInput, flags };
}

/** The distinct unified PQs of a scan list, in order of first appearance. */
export function distinctUnified(cat: QueueCatalog, scan: readonly number[]): number[] {
  const seen = new Set<number>();
  for (const i of scan) seen.add(cat.unifiedIndex[i]);
  return [...seen];
}

// The unified PQ's pseudo queues that are in the world list (`get_pseudo_sites`).
function pseudoChildren(cat: QueueCatalog, parentIdx: number): number[] {
  const out: number[] = [];
  for (let i = parentIdx + 1; i < cat.specs.length && cat.unifiedIndex[i] === parentIdx; i++) out.push(i);
  return out;
}

/**
 * The scan list of a task's `site` column: its PQs, a unified PQ as its pseudo queues. Many tasks share one
 * pinned list (a share's whole set of PQs), so each catalog keeps the lists it has resolved.
 */
const pinnedScans = new WeakMap<QueueCatalog, Map<string, readonly number[]>>();
function pinnedScan(cat: QueueCatalog, site: string): readonly number[] {
  let byList = pinnedScans.get(cat);
  if (byList === undefined) pinnedScans.set(cat, (byList = new Map()));
  let scan = byList.get(site);
  if (scan === undefined) {
    const list: number[] = [];
    for (const name of site.split(',')) {
      const i = cat.indexByName.get(name);
      if (i === undefined) continue;
      if (cat.isUnifiedParent[i]) list.push(...pseudoChildren(cat, i));
      else list.push(i);
    }
    byList.set(site, (scan = list));
  }
  return scan;
}

function scanList(
  cat: QueueCatalog,
  task: TaskSpec,
  chunk: InputChunk,
  now: number,
  siteListForTB: readonly string[] | null,
): { scan: readonly number[]; sitePreAssigned: boolean; siteListPreAssigned: boolean } {
  const byName = (names: readonly string[]): number[] =>
    names.map((n) => cat.indexByName.get(n)).filter((i): i is number => i !== undefined);
  if (siteListForTB !== null)
    return { scan: byName(siteListForTB), sitePreAssigned: false, siteListPreAssigned: false };
  if (task.site && chunk.preassignedSite === undefined) {
    const scan = pinnedScan(cat, task.site);
    return { scan, sitePreAssigned: scan.length <= 1, siteListPreAssigned: scan.length > 1 };
  }
  if (chunk.preassignedSite !== undefined) {
    const created = chunk.masterCreationTime;
    const modified = chunk.masterModificationTime;
    const timedOut =
      created !== undefined &&
      modified !== undefined &&
      modified !== created &&
      now - modified > 24 * HOUR &&
      task.frozenTime !== undefined &&
      now - task.frozenTime > 6 * HOUR;
    if (!timedOut) {
      const site = cat.indexByName.get(chunk.preassignedSite);
      const scan = site === undefined ? [] : [...sitesSharingInput(cat, site), site];
      return { scan, sitePreAssigned: false, siteListPreAssigned: true };
    }
  }
  return { scan: cat.productionIndices, sitePreAssigned: false, siteListPreAssigned: false };
}

/** Where one input dataset is complete (§2.2 step 1) and what its online complete replicas allow. */
interface DatasetReplicas {
  /** RSEs holding a complete replica, in the snapshot's order, and the same as a set. */
  here: string[];
  hereSet: Set<string>;
  diskOk: boolean;
  tapeOk: boolean;
  canLocal: boolean;
  canRemote: boolean;
}

function datasetReplicas(
  snapshot: BrokerageSnapshot,
  replicas: readonly DatasetReplica[],
  nFiles: number,
  o: ProdJobBrokerOptions,
): DatasetReplicas {
  let diskOk = false;
  let tapeOk = false;
  let canLocal = false;
  let canRemote = false;
  const here: string[] = [];
  for (const r of replicas) {
    const total = r.total ?? nFiles;
    const complete =
      r.found === total ||
      (total > 0 &&
        r.found > 0 &&
        (total - r.found <= o.MAX_MISSING_INPUT_FILES ||
          (r.found / total) * 100 >= o.MIN_INPUT_COMPLETENESS));
    if (!complete) continue;
    here.push(r.rse);
    const rse = snapshot.ddmEndpoints[r.rse];
    const local = !isDown(rse?.detailed_status?.read_lan);
    const remote = !isDown(rse?.detailed_status?.read_wan);
    if (!local && !remote) continue;
    if (r.isTape ?? rse?.is_tape) tapeOk = true;
    else diskOk = true;
    canLocal ||= local;
    canRemote ||= remote;
  }
  return { here, hereSet: new Set(here), diskOk, tapeOk, canLocal, canRemote };
}

// §2.2 step 1: complete replicas of every non-distributed input dataset at online RSEs
// (AtlasBrokerUtils.get_sites_with_data). Datasets without replica information are not checked. A dataset's
// replicas are summarised once per cycle (the returned locations may be that summary's set: read only).
function datasetCompleteness(
  snapshot: BrokerageSnapshot,
  task: TaskSpec,
  chunk: InputChunk,
  o: ProdJobBrokerOptions,
  memo: ProdCycleMemo,
): { failure: ProdContext['failure']; remoteSourceAvailable: boolean; locations: Set<string> | null } {
  let remoteSourceAvailable = true;
  let locations: Set<string> | null = null;
  for (const ds of chunk.datasets) {
    if (ds.isDistributed) continue;
    const replicas = snapshot.replicas?.[ds.datasetName];
    if (!replicas) continue;
    const d = memo.derived(['replicas', ds.datasetName, ds.nFiles], () =>
      datasetReplicas(snapshot, replicas, ds.nFiles, o),
    );
    const here = d.here;
    locations = locations === null ? d.hereSet : new Set(here.filter((x) => locations!.has(x)));
    if (task.inputPreStaging) continue;
    if (!d.diskOk && !d.tapeOk) {
      const where =
        here.length > 0
          ? `only complete at ${here.join(',')} which are offline`
          : 'incomplete at any online storage';
      return {
        failure: { code: 'incomplete_input', step: 1, message: `${ds.datasetName} is ${where}` },
        remoteSourceAvailable,
        locations,
      };
    }
    if (!d.canRemote && d.canLocal) remoteSourceAvailable = false;
  }
  return { failure: null, remoteSourceAvailable, locations };
}

export function buildProdContext(
  snapshot: BrokerageSnapshot,
  task: TaskSpec,
  chunk: InputChunk,
  o: ProdJobBrokerOptions,
  cat: QueueCatalog,
  view: QueueStateView,
  siteListForTB: readonly string[] | null,
): ProdContext {
  if (view.catalog !== cat)
    throw new Error('brokerage: the queue state view was prepared for another catalog');
  const hint = siteListForTB !== null;
  const { scan, sitePreAssigned, siteListPreAssigned } = scanList(
    cat,
    task,
    chunk,
    snapshot.now,
    siteListForTB,
  );
  const preAssigned = sitePreAssigned || siteListPreAssigned;
  const isMerging = chunk.isMerging === true;
  const useScout = chunk.useScout === true;
  const prio = task.currentPriority;
  const es = usesEventService(task) && !task.useJobCloning;
  const taskCoreCount = isMerging && task.mergeCoreCount != null ? task.mergeCoreCount : task.coreCount;
  let useMP: ProdContext['useMP'] = 'unuse';
  if (taskCoreCount !== null && taskCoreCount > 1) useMP = 'only';
  else if (taskCoreCount === 0) useMP = prio >= 900 || useScout ? 'only' : 'any';
  const isExpress =
    task.processingType === 'urgent' || (o.variants.express === 'docs' ? prio >= 1000 : prio > 1000);

  const nucleus = hint ? null : (task.nucleus ?? null);
  const nucleusSpec = nucleus !== null ? (snapshot.nuclei[nucleus] ?? null) : null;
  let failure: ProdContext['failure'] = null;
  if (nucleus !== null && nucleusSpec === null) {
    failure = { code: 'unknown_nucleus', step: 0, message: `unknown nucleus ${nucleus}` };
  }
  const memo = view.memo;
  memo.sync(snapshot, o);
  const nucleusKey = hint ? ALL_NUCLEI : (nucleus ?? '');
  const nq = memo.nucleus(nucleusKey, () =>
    nucleusQueues(
      cat,
      hint
        ? Object.values(snapshot.nuclei).flatMap((n) => n.allPandaSites)
        : (nucleusSpec?.allPandaSites ?? []),
    ),
  );

  const links = nucleus !== null ? (snapshot.network[nucleus] ?? NO_LINKS) : null;
  const totalQueuedToNucleus = links ? memo.queuedToNucleus(links, isExpress) : 0;
  const outRse = nucleusSpec?.defaultEndpointOut;
  const nucleusUnwritable =
    outRse !== undefined && isDown(snapshot.ddmEndpoints[outRse]?.detailed_status?.write_wan);

  // the high-priority block checks useEventService() alone, job cloning notwithstanding
  const t1HighPrio =
    (prio >= 800 || useScout) && !preAssigned && !usesEventService(task) && (prio >= 900 || useScout)
      ? 100
      : 1;
  const splitT1 = task.t1Weight ?? 0;
  let t1Weight = splitT1;
  if (t1Weight === 0)
    t1Weight = (task.ioIntensity ?? 0) > o.worldNucleusIoIntensity ? o.worldNucleusWeight : 1;
  const dropNonNucleus = t1Weight < 0 && !isMerging;
  if (dropNonNucleus) t1Weight = 1;
  t1Weight = Math.max(t1Weight, t1HighPrio);

  const completeness = failure
    ? { failure, remoteSourceAvailable: true, locations: null }
    : datasetCompleteness(snapshot, task, chunk, o, memo);

  const label = task.prodSourceLabel;
  const wqTag = task.workQueueName ?? task.gshare;
  let live: Float64Array | null = null;
  const liveCount = snapshot.liveCount;
  if (liveCount) {
    for (const name in liveCount) {
      const i = cat.indexByName.get(name);
      if (i === undefined) continue;
      if (live === null) {
        live = view.scratch.live;
        live.fill(0);
      }
      live[i] = liveCount[name];
    }
  }
  const cutOff = o.NQUEUELIMITSITE[task.gshare];
  return {
    snapshot,
    task,
    chunk,
    o,
    cat,
    view,
    counts: shareCountArrays(view, wqTag),
    rtCounts:
      task.resource_type !== undefined ? resourceTypeCountArrays(view, wqTag, task.resource_type) : null,
    live,
    hint,
    scan,
    scanUnified: scan === cat.productionIndices ? cat.productionUnified : distinctUnified(cat, scan),
    sitePreAssigned,
    siteListPreAssigned,
    preAssigned,
    useMP,
    isExpress,
    useScout,
    isMerging,
    es,
    esHigh: es && (prio >= 900 || useScout),
    wqTag,
    nucleus,
    nucleusKey,
    nucleusSpec,
    links,
    linksBySite: links !== null ? linksBySourceSite(view, links) : null,
    nucleusAtlasId: nucleus !== null ? (cat.atlasSiteIdByName.get(nucleus) ?? -1) : -1,
    totalQueuedToNucleus,
    nucleusUnwritable,
    sitesInNucleus: nq.sitesInNucleus,
    inNucleus: nq.inNucleus,
    nucleusShareInputs: nq.shareInputs,
    nucleusShareInput: nq.shareInput,
    nucleusFirstSite: nq.firstSite,
    nucleusFlag: nq.flags,
    t1Weight,
    useT1Weight: splitT1 < 0 && !isMerging,
    dropNonNucleus,
    req: prodJobRequirements(task, chunk, sitePreAssigned, o),
    sw: memo.softwareRequirement(task),
    remoteSourceAvailable: completeness.remoteSourceAvailable,
    completeReplicaLocations: completeness.locations,
    failure: completeness.failure,
    minWeight: o.MIN_WEIGHT[`${label}_${task.gshare}`] ?? o.MIN_WEIGHT[label] ?? 0,
    cutOffValue: cutOff ? cutOff : o.defaultQueueLimit,
    networkOptions: {
      NQUEUED_SAT_CAP: o.NQUEUED_SAT_CAP,
      NW_QUEUE_IMPORTANCE: o.NW_QUEUE_IMPORTANCE,
      mbpsVariant: o.variants.mbps,
    },
  };
}
