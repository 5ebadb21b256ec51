// Production job brokerage — `AtlasProdJobBroker.doBrokerage`, pandajedi/jedibrokerage/AtlasProdJobBroker.py
// (PanDAWMS/panda-server 9cc36033), specified in brokerage.md §2. For one input chunk of a production task it
// scans every production PQ of the WORLD cloud (pseudo queues of unified PQs included), drops PQs through the
// ordered filters of §2.2 (prod-filters.ts), weighs the survivors and applies the queue caps of §2.4–2.5
// (prod-weight.ts), and returns at most ten site candidates for the job splitter (job-splitter.ts), bootstrap PQs
// first, with every factor of every weight and the reason every other PQ was dropped.
//
// Pure: reads the snapshot, never changes it. For many calls, prepare the catalog once (`prepareQueueCatalog`)
// and the cycle's job statistics, pilots, RSE status and network links once per cycle (`prepareQueueStateView`)
// and pass them in, as JEDI reads its statistics once per cycle. The live counter of the current JobGenerator cycle (`snapshot.liveCount`) is what keeps tasks
// brokered in the same cycle from piling onto one PQ; the caller keeps it up to date.

import type { InputChunk, TaskSpec } from '../snapshot/task.ts';
import type { BrokerageSnapshot } from '../snapshot/world.ts';
import { buildProdContext, type ProdContext } from './prod-context.ts';
import { CODE_NAMES } from './prod-codes.ts';
import type {
  ProdBrokerageDecision,
  ProdExclusion,
  ProdExclusionCode,
  ProdSiteCandidate,
  ProdTaskSummary,
} from './prod-decision.ts';
import { runProdFilters } from './prod-filters.ts';
import { DEFAULT_PROD_JOB_BROKER_OPTIONS, type ProdJobBrokerOptions } from './prod-options.ts';
import { weighAndRank } from './prod-weight.ts';
import { runWorldFilters, worldFiltersApply } from './prod-world-filters.ts';
import { prepareQueueCatalog, type QueueCatalog } from './queue-catalog.ts';
import { prepareQueueStateView, type QueueStateView } from './queue-state-view.ts';

function summary(ctx: ProdContext): ProdTaskSummary {
  return {
    useMP: ctx.useMP,
    isExpress: ctx.isExpress,
    useScout: ctx.useScout,
    esHigh: ctx.esHigh,
    sitePreAssigned: ctx.sitePreAssigned,
    siteListPreAssigned: ctx.siteListPreAssigned,
    t1Weight: ctx.t1Weight,
    useT1Weight: ctx.useT1Weight,
    ramCount: ctx.req.ram,
    diskDirectMB: ctx.req.diskDirectMB,
    diskCopyMB: ctx.req.diskCopyMB,
    minWalltime: ctx.req.minWalltime,
    totalSize: ctx.chunk.totalSize,
    nFiles: ctx.chunk.nFiles,
  };
}

function countsByCode(counts: Int32Array): Partial<Record<ProdExclusionCode, number>> {
  const out: Partial<Record<ProdExclusionCode, number>> = {};
  for (let k = 0; k < counts.length; k++) if (counts[k] > 0) out[CODE_NAMES[k]] = counts[k];
  return out;
}

/** Production job brokerage for one input chunk (`AtlasProdJobBroker.doBrokerage`). */
export function brokerProductionJobs(
  snapshot: BrokerageSnapshot,
  task: TaskSpec,
  chunk: InputChunk,
  options: ProdJobBrokerOptions = DEFAULT_PROD_JOB_BROKER_OPTIONS,
  catalog: QueueCatalog = prepareQueueCatalog(snapshot),
  view: QueueStateView = prepareQueueStateView(catalog, snapshot.queueStates),
): ProdBrokerageDecision {
  const ctx = buildProdContext(snapshot, task, chunk, options, catalog, view, null);
  if (ctx.failure) return decision(ctx, ctx.failure, [], [], [], {});
  const filtered = worldFiltersApply(ctx, options.explain)
    ? runWorldFilters(ctx)
    : runProdFilters(ctx, options.explain);
  if (filtered.survivors.length === 0) {
    const failure = {
      code: 'no_candidates',
      step: filtered.emptiedAt ?? 0,
      message: 'no candidates left after the filters',
    };
    return decision(ctx, failure, [], [], filtered.excluded, countsByCode(filtered.counts));
  }
  const ranked = weighAndRank(ctx, filtered, filtered.counts, options.explain);
  const ok = ranked.candidates.length > 0;
  return decision(
    ctx,
    ok ? null : { code: 'no_candidates', step: 26, message: 'available sites all capped' },
    ranked.candidates,
    ranked.jumboCandidates,
    ranked.excluded.length > 0 ? filtered.excluded.concat(ranked.excluded) : filtered.excluded,
    countsByCode(filtered.counts),
  );
}

// Written out field by field: spreading a shared base into each result took V8's slow path, microseconds a call.
function decision(
  ctx: ProdContext,
  failure: ProdBrokerageDecision['failure'],
  candidates: ProdSiteCandidate[],
  jumboCandidates: ProdSiteCandidate[],
  excluded: ProdExclusion[],
  excludedCounts: ProdBrokerageDecision['excludedCounts'],
): ProdBrokerageDecision {
  return {
    jediTaskID: ctx.task.jediTaskID,
    task: summary(ctx),
    jumboCandidates,
    ok: failure === null,
    failure,
    candidates,
    excluded,
    excludedCounts,
  };
}

/** Result of the hint mode used by the task brokerage's job check. */
export interface TaskBrokerageJobCheck {
  /** PQ names that passed the filters up to the pilot check, temporary problems removed (§2.2 step 23). */
  passed: string[];
  excluded: ProdExclusion[];
}

/**
 * `doBrokerage(…, hintForTB=True, siteListForTB)`: the filters only, over the given PQs, with no nucleus and with
 * every nucleus' PQs counted as nucleus PQs — the task brokerage keeps the nuclei owning a passing PQ.
 */
export function checkQueuesForTaskBrokerage(
  snapshot: BrokerageSnapshot,
  task: TaskSpec,
  chunk: InputChunk,
  siteList: readonly string[],
  options: ProdJobBrokerOptions = DEFAULT_PROD_JOB_BROKER_OPTIONS,
  catalog: QueueCatalog = prepareQueueCatalog(snapshot),
  view: QueueStateView = prepareQueueStateView(catalog, snapshot.queueStates),
): TaskBrokerageJobCheck {
  const ctx = buildProdContext(snapshot, task, chunk, options, catalog, view, siteList);
  if (ctx.failure) return { passed: [], excluded: [] };
  const filtered = runProdFilters(ctx, options.explain);
  return { passed: filtered.survivors.map((i) => catalog.specs[i].sitename), excluded: filtered.excluded };
}
