// The nucleus filters of `AtlasProdTaskBrokerThread.runImpl` (pandajedi/jedibrokerage/AtlasProdTaskBroker.py), in
// the code's order (brokerage.md §3 steps 3–8). Each returns the surviving nuclei and the dropped ones with the
// `criteria=` tag PanDA logs.

import type { DdmEndpoint } from '../snapshot/data.ts';
import type { NetworkMetrics } from '../snapshot/network.ts';
import type { NucleusSpec } from '../snapshot/nucleus.ts';
import type { SiteSpec } from '../snapshot/queue.ts';
import { spaceUsable } from './queue-catalog.ts';
import type { TaskBrokerageOptions } from './task-brokerage-options.ts';
import type { DroppedNucleus, TaskJobCheck, TaskToBroker } from './task-brokerage-types.ts';
import type { NucleusDataAvailability } from './task-nucleus-data.ts';

export interface NucleusFilterResult {
  kept: NucleusSpec[];
  dropped: DroppedNucleus[];
}

/** Step 3: only `ACTIVE` nuclei. */
export function filterNucleusStatus(nuclei: readonly NucleusSpec[]): NucleusFilterResult {
  const kept: NucleusSpec[] = [];
  const dropped: DroppedNucleus[] = [];
  for (const n of nuclei) {
    if (n.state === 'ACTIVE') kept.push(n);
    else dropped.push({ nucleus: n.name, reason: 'status', detail: `status=${n.state}` });
  }
  return { kept, dropped };
}

/**
 * Files queued towards a nucleus, summed over its links, once per links object rather than once per task
 * brokered. Stricter than the job brokerage's per-cycle memo: a caller must give new link metrics objects when
 * the metrics change, never update them in place (the simulator's are static).
 */
const queuedFilesCache = new WeakMap<object, number>();
function queuedFiles(links: Readonly<Record<string, { productionOutputQueued?: number }>>): number {
  let queued = queuedFilesCache.get(links);
  if (queued === undefined) {
    queued = 0;
    for (const source in links) queued += links[source].productionOutputQueued ?? 0;
    queuedFilesCache.set(links, queued);
  }
  return queued;
}

/**
 * Step 4 (`getBackloggedNuclei`): a nucleus is backlogged when the `Production Output_queued` files towards it,
 * summed over all sources, exceed `NQUEUED_NUC_CAP`. Tasks with a negative t1Weight skip the check.
 */
export function filterTransferBacklog(
  nuclei: readonly NucleusSpec[],
  task: Pick<TaskToBroker, 't1Weight'>,
  network: NetworkMetrics,
  options: Pick<TaskBrokerageOptions, 'NQUEUED_NUC_CAP'>,
): NucleusFilterResult {
  if ((task.t1Weight ?? 0) < 0) return { kept: [...nuclei], dropped: [] };
  const kept: NucleusSpec[] = [];
  const dropped: DroppedNucleus[] = [];
  for (const n of nuclei) {
    const links = network[n.name];
    const queued = links === undefined ? 0 : queuedFiles(links);
    if (queued > options.NQUEUED_NUC_CAP) {
      dropped.push({
        nucleus: n.name,
        reason: 'transfer_backlog',
        detail: `${queued} files queued > NQUEUED_NUC_CAP=${options.NQUEUED_NUC_CAP}`,
      });
    } else kept.push(n);
  }
  return { kept, dropped };
}

/** Output RSEs of the nucleus' PQs (`NucleusSpec.allDdmEndPoints`), in PQ order. */
function nucleusOutputEndpoints(
  nucleus: NucleusSpec,
  queuesByName: ReadonlyMap<string, SiteSpec>,
  rses: Readonly<Record<string, DdmEndpoint>>,
): DdmEndpoint[] {
  const names: string[] = [];
  for (const q of nucleus.allPandaSites) {
    const spec = queuesByName.get(q);
    for (const rse of [
      ...(spec?.ddm_endpoints_output ?? []),
      ...(spec?.ddm_output ? [spec.ddm_output] : []),
    ]) {
      if (!names.includes(rse)) names.push(rse);
    }
  }
  return names.flatMap((n) => (rses[n] ? [rses[n]] : []));
}

function searches(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern).test(text);
  } catch {
    return text.includes(pattern);
  }
}

/**
 * `NucleusSpec.getAssociatedEndpoint(storageToken)`: the snapshot's token map first, then PanDA's matching — the
 * token's last path element (without a `dst:` prefix) as an RSE name, as a regex searched in RSE names, or as an
 * RSE type once `ATLAS` is removed (ATLASDATADISK → DATADISK).
 */
export function associatedEndpoint(
  nucleus: NucleusSpec,
  storageToken: string,
  queuesByName: ReadonlyMap<string, SiteSpec>,
  rses: Readonly<Record<string, DdmEndpoint>>,
): DdmEndpoint | undefined {
  const mapped = nucleus.endpointsByToken?.[storageToken];
  if (mapped !== undefined && rses[mapped]) return rses[mapped];
  let pattern = storageToken.split('/').pop() ?? storageToken;
  if (pattern.startsWith('dst:')) pattern = pattern.split(':').pop() ?? pattern;
  const candidates = nucleusOutputEndpoints(nucleus, queuesByName, rses);
  const exact = candidates.find((e) => e.ddm_endpoint_name === pattern);
  if (exact) return exact;
  const withoutVo = pattern.replaceAll('ATLAS', '');
  return candidates.find((e) => searches(pattern, e.ddm_endpoint_name) || e.type === withoutVo);
}

/** The tightest output endpoint of a nucleus: usable space after the projected demand, and its total. */
export interface NucleusFreeSpace {
  freeGB: number;
  totalGB: number;
}

export interface EndpointFilterResult extends NucleusFilterResult {
  /** Only nuclei where at least one endpoint reported a non-zero total. */
  freeSpace: Map<string, NucleusFreeSpace>;
}

export interface EndpointCheckContext {
  queuesByName: ReadonlyMap<string, SiteSpec>;
  ddmEndpoints: Readonly<Record<string, DdmEndpoint>>;
  /** Nuclei and satellites by name (secondary nuclei of full-chain tasks). */
  nucleusByName: ReadonlyMap<string, NucleusSpec>;
  /** Full RW per nucleus (all shares and priorities). */
  fullRemainingWork: ReadonlyMap<string, number>;
  /** `DISK_THRESHOLD` of the task's work queue, GB. */
  diskThresholdGB: number;
}

const DOWN = new Set(['OFF', 'TEST']);

/**
 * Step 5: for every non-distributed output/log dataset the nucleus endpoint for its token must exist, be readable
 * and writable over WAN, and keep `DISK_THRESHOLD` usable after the projected demand
 * `int(fullRW / 10 / 24 / 3600 × 0.25)` GB (0.25 GB per core-day at corepower 10). A missing endpoint crashes the
 * code's loop (it reads the name before the None check); here it drops the nucleus as the log message intends.
 */
export function filterOutputEndpoints(
  nuclei: readonly NucleusSpec[],
  task: Pick<TaskToBroker, 'outputStorageTokens' | 'fullChainMode'>,
  ctx: EndpointCheckContext,
): EndpointFilterResult {
  const kept: NucleusSpec[] = [];
  const dropped: DroppedNucleus[] = [];
  const freeSpace = new Map<string, NucleusFreeSpace>();
  for (const nucleus of nuclei) {
    let drop: DroppedNucleus | null = null;
    let tightest: NucleusFreeSpace | null = null;
    for (const token of task.outputStorageTokens) {
      let spec: NucleusSpec | undefined = nucleus;
      if (task.fullChainMode !== undefined && nucleus.secondaryNucleus !== undefined) {
        spec = ctx.nucleusByName.get(nucleus.secondaryNucleus);
      }
      if (/^ddd:/.test(token)) continue;
      const ep = spec ? associatedEndpoint(spec, token, ctx.queuesByName, ctx.ddmEndpoints) : undefined;
      if (!ep) {
        drop = { nucleus: nucleus.name, reason: 'match', detail: `no endpoint with ${token}` };
        break;
      }
      const status = ep.detailed_status ?? {};
      if (status.read_wan !== undefined && DOWN.has(status.read_wan)) {
        drop = {
          nucleus: nucleus.name,
          reason: 'source_blacklist',
          detail: `${ep.ddm_endpoint_name} read_wan=${status.read_wan}`,
        };
        break;
      }
      if (status.write_wan !== undefined && DOWN.has(status.write_wan)) {
        drop = {
          nucleus: nucleus.name,
          reason: 'destination_blacklist',
          detail: `${ep.ddm_endpoint_name} write_wan=${status.write_wan}`,
        };
        break;
      }
      const usable = spaceUsable(ep);
      const toUse = Math.trunc(((ctx.fullRemainingWork.get(nucleus.name) ?? 0) / 10 / 24 / 3600) * 0.25);
      if (usable - toUse < ctx.diskThresholdGB) {
        drop = {
          nucleus: nucleus.name,
          reason: 'space',
          detail: `usable ${usable} GB − projected ${toUse} GB < ${ctx.diskThresholdGB} GB at ${ep.ddm_endpoint_name}`,
        };
        break;
      }
      const total = ep.space_total ?? 0;
      if (total !== 0) {
        const frac = (usable - toUse) / total;
        if (tightest === null || frac < tightest.freeGB / tightest.totalGB)
          tightest = { freeGB: usable - toUse, totalGB: total };
      }
    }
    if (drop) dropped.push(drop);
    else {
      kept.push(nucleus);
      if (tightest) freeSpace.set(nucleus.name, tightest);
    }
  }
  return { kept, dropped, freeSpace };
}

/**
 * Step 6: the production job brokerage in hint mode over every PQ of the candidate nuclei; a nucleus survives if
 * a passing PQ belongs to its ATLAS site (`siteSpec.pandasite`).
 */
export function filterJobCheck(
  nuclei: readonly NucleusSpec[],
  task: TaskToBroker,
  jobCheck: TaskJobCheck,
  queuesByName: ReadonlyMap<string, SiteSpec>,
): NucleusFilterResult {
  const queueNames = [...new Set(nuclei.flatMap((n) => n.allPandaSites))];
  const okSites = new Set<string>();
  for (const name of jobCheck(task, queueNames)) {
    const spec = queuesByName.get(name) ?? queuesByName.get(name.split('/')[0]);
    if (spec) okSites.add(spec.pandasite);
  }
  const kept: NucleusSpec[] = [];
  const dropped: DroppedNucleus[] = [];
  for (const n of nuclei) {
    if (okSites.has(n.name)) kept.push(n);
    else dropped.push({ nucleus: n.name, reason: 'job', detail: 'missing ability to run jobs' });
  }
  return { kept, dropped };
}

export interface DataLocalityResult extends NucleusFilterResult {
  /** The check found no nucleus with data but the task may ignore locality: weights then ignore data too. */
  disabled: boolean;
}

/**
 * Step 7: with enough input (more than `INPUT_SIZE_THRESHOLD` GB / `INPUT_NUM_THRESHOLD` files) a nucleus must hold
 * `INPUT_SIZE_FRACTION` % of the bytes and `INPUT_NUM_FRACTION` % of the files on disk or tape; pre-staging tasks
 * only need some files. If nobody qualifies the check is dropped for low-IO, small-input or high-priority tasks.
 */
export function filterDataLocality(
  nuclei: readonly NucleusSpec[],
  task: Pick<TaskToBroker, 'inputPreStaging' | 'ioIntensity' | 'currentPriority'>,
  data: ReadonlyMap<string, NucleusDataAvailability>,
  options: TaskBrokerageOptions,
): DataLocalityResult {
  const sizeThreshold = options.INPUT_SIZE_THRESHOLD * 1024 ** 3;
  const sizeFrac = options.INPUT_SIZE_FRACTION / 100;
  const numFrac = options.INPUT_NUM_FRACTION / 100;
  const kept: NucleusSpec[] = [];
  const dropped: DroppedNucleus[] = [];
  for (const n of nuclei) {
    const d = data.get(n.name);
    if (!d) {
      kept.push(n);
      continue;
    }
    if (task.inputPreStaging === true && d.avaNumAny > 0) kept.push(n);
    else if (d.totSize > sizeThreshold && d.avaSizeAny < d.totSize * sizeFrac) {
      dropped.push({
        nucleus: n.name,
        reason: 'insize',
        detail: `${d.avaSizeAny}B < ${d.totSize}*${sizeFrac}`,
      });
    } else if (d.totNum > options.INPUT_NUM_THRESHOLD && d.avaNumAny < d.totNum * numFrac) {
      dropped.push({ nucleus: n.name, reason: 'innum', detail: `${d.avaNumAny} < ${d.totNum}*${numFrac}` });
    } else kept.push(n);
  }
  if (kept.length > 0) return { kept, dropped, disabled: false };
  const first = data.values().next().value;
  const totInputGB = (first?.totSize ?? 0) / 1024 / 1024 / 1024;
  const io = task.ioIntensity;
  const lowIo =
    (io == null || io <= options.MIN_IO_INTENSITY_WITH_LOCAL_DATA) &&
    totInputGB <= options.MIN_INPUT_SIZE_WITH_LOCAL_DATA;
  if (lowIo || task.currentPriority >= options.MAX_TASK_PRIO_WITH_LOCAL_DATA) {
    return { kept: [...nuclei], dropped: [], disabled: true };
  }
  return { kept, dropped, disabled: false };
}

/**
 * Step 8: `bareNucleus=only` nuclei take only full-chain tasks; full-chain tasks in mode only/require need a
 * nucleus with a bare-nucleus mode; a full-chain child follows its parent's nucleus.
 */
export function filterFullChain(
  nuclei: readonly NucleusSpec[],
  task: Pick<TaskToBroker, 'fullChainMode' | 'parentFullChainNucleus'>,
): NucleusFilterResult {
  const kept: NucleusSpec[] = [];
  const dropped: DroppedNucleus[] = [];
  const mode = task.fullChainMode;
  for (const n of nuclei) {
    if (n.bareNucleus === 'only' && mode === undefined) {
      dropped.push({ nucleus: n.name, reason: 'full_chain', detail: 'only full-chain tasks are allowed' });
    } else if (n.bareNucleus === undefined && (mode === 'only' || mode === 'require')) {
      dropped.push({ nucleus: n.name, reason: 'full_chain', detail: 'lack of full-chain capability' });
    } else if (
      mode !== undefined &&
      task.parentFullChainNucleus !== undefined &&
      n.name !== task.parentFullChainNucleus
    ) {
      dropped.push({
        nucleus: n.name,
        reason: 'full_chain',
        detail: 'the parent of the full-chain ran elsewhere',
      });
    } else kept.push(n);
  }
  return { kept, dropped };
}
