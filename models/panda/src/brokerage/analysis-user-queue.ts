// Per-user queue limits of the analysis brokerage — the "Analysis Stabilizer" and the inputs of the new basic
// weight in `AtlasAnalJobBroker.doBrokerage` (pandajedi/jedibrokerage/AtlasAnalJobBroker.py, "consider grid usage of
// the user" and "compute new basic weight"; brokerage.md §4.2 step 21, §4.3), and the overload filter (step 20,
// with `AtlasBrokerUtils.get_total_nq_nr_ratio`).

import type { JobCounts, QueueState } from '../snapshot/queue.ts';
import type { AnalysisJobBrokerOptions } from './analysis-options.ts';
import type { UserQueueLimits } from './analysis-types.ts';
import { allShareCounts, shareCounts } from './queue-state.ts';

/** Queued jobs as the analysis brokerage counts them: defined + assigned + activated + starting. */
export function queuedJobs(c: Readonly<JobCounts>): number {
  return c.nDefined + c.nAssigned + c.nActivated + c.nStarting;
}

/**
 * The user's limits at one PQ. `nUsers` counts the keys of the per-share user table, which include `_total`;
 * without a table (nobody has jobs of the share there) it is 1 and `nRunningPq` falls back to the share's running.
 */
export function userQueueLimits(
  state: QueueState | undefined,
  gshare: string,
  user: string,
  options: Pick<
    AnalysisJobBrokerOptions,
    | 'BASE_QUEUE_LENGTH_PER_PQ'
    | 'STATIC_MAX_QUEUE_RUNNING_RATIO'
    | 'MAX_EXPECTED_WAIT_HOUR'
    | 'BASE_DEFAULT_QUEUE_LENGTH_PER_PQ_USER'
    | 'BASE_QUEUE_RATIO_ON_PQ'
  >,
): UserQueueLimits {
  const share = shareCounts(state, gshare);
  const nRunningAll = allShareCounts(state).nRunning;
  const nRunningShare = share.nRunning;
  const toRunningRate = nRunningAll > 0 ? (nRunningShare * (state?.toRunningRate ?? 0)) / nRunningAll : 0;
  // PanDA's table never holds an empty share entry (it would divide by zero); treat one as no table.
  const table = state?.jobsByUser?.[gshare];
  const users = table && Object.keys(table).length > 0 ? table : undefined;
  const mine = users?.[user];
  const nQueuedUser = mine?.nQueued ?? 0;
  const nRunningUser = mine?.nRunning ?? 0;
  const nUsers = users ? Object.keys(users).length : 1;
  const nRunningPq = users?._total?.nRunning ?? nRunningShare;
  const maxQueuePq = Math.max(
    options.BASE_QUEUE_LENGTH_PER_PQ,
    options.STATIC_MAX_QUEUE_RUNNING_RATIO * nRunningPq,
    options.MAX_EXPECTED_WAIT_HOUR * toRunningRate,
  );
  const userFraction = Math.max(1 / nUsers, nRunningPq > 0 ? nRunningUser / nRunningPq : 0);
  const maxQueueUser = Math.max(
    options.BASE_DEFAULT_QUEUE_LENGTH_PER_PQ_USER,
    options.BASE_QUEUE_RATIO_ON_PQ * nRunningPq,
    maxQueuePq * userFraction,
  );
  return {
    nRunningShare,
    nQueuedShare: queuedJobs(share),
    toRunningRate,
    nQueuedUser,
    nRunningUser,
    nUsers,
    nRunningPq,
    maxQueuePq,
    userFraction,
    maxQueueUser,
    remainingQueue: Math.max(maxQueueUser - nQueuedUser, 0),
  };
}

/**
 * Analysis Stabilizer for one PQ: why it is problematic for this user and task, or an empty list. PQs with a short
 * queue of the share (< BASE_QUEUE_LENGTH_PER_PQ, or < BASE_EXPECTED_WAIT_HOUR_ON_PQ hours of starts) and PQs where
 * the user has no jobs are skipped — and with them, as in the code, the failed/closed test.
 */
export function stabilizerProblems(
  state: QueueState | undefined,
  gshare: string,
  user: string,
  outcomes: { nFinished: number; nFailed: number; nClosed: number } | undefined,
  options: AnalysisJobBrokerOptions,
): string[] {
  const limits = userQueueLimits(state, gshare, user, options);
  if (limits.nQueuedShare < options.BASE_QUEUE_LENGTH_PER_PQ) return [];
  if (limits.nQueuedShare < options.BASE_EXPECTED_WAIT_HOUR_ON_PQ * limits.toRunningRate) return [];
  if (state?.jobsByUser?.[gshare]?.[user] === undefined) return [];
  const problems: string[] = [];
  if (limits.nQueuedUser > limits.maxQueueUser) {
    problems.push(
      `long queue of the user: nQ_pq_user(${limits.nQueuedUser}) > max_nQ_pq_user(${limits.maxQueueUser})`,
    );
  }
  if (outcomes) {
    const bad = outcomes.nFailed + outcomes.nClosed;
    if (bad > Math.max(2 * outcomes.nFinished, options.MIN_BAD_JOBS_TO_SKIP_PQ))
      problems.push('too many failed or closed jobs for last 6h');
  }
  return problems;
}

/** `get_total_nq_nr_ratio`: Σ queued / Σ running of the share over all PQs; null when nothing runs. */
export function grandQueueRatio(states: Readonly<Record<string, QueueState>>, gshare: string): number | null {
  let queued = 0;
  let running = 0;
  for (const s of Object.values(states)) {
    const c = s.jobsByShare[gshare];
    if (!c) continue;
    queued += queuedJobs(c);
    running += c.nRunning;
  }
  return running > 0 ? queued / running : null;
}

export type OverloadVerdict = 'ok' | 'overloaded' | 'overloaded-idle';

/**
 * Overload test of one PQ: more than OVERLOAD_MIN_QUEUE queued jobs of the share and either nothing running
 * ('overloaded-idle', which also marks the PQ problematic) or queued/running above grandRatio × OVERLOAD_RATIO_OFFSET.
 */
export function overloadVerdict(
  state: QueueState | undefined,
  gshare: string,
  grandRatio: number | null,
  options: Pick<AnalysisJobBrokerOptions, 'OVERLOAD_MIN_QUEUE' | 'OVERLOAD_RATIO_OFFSET'>,
): OverloadVerdict {
  const c = shareCounts(state, gshare);
  const nQueue = queuedJobs(c);
  if (nQueue <= options.OVERLOAD_MIN_QUEUE) return 'ok';
  if (c.nRunning === 0) return 'overloaded-idle';
  // grandRatio is non-null here: this PQ runs jobs of the share.
  return nQueue / c.nRunning > (grandRatio as number) * options.OVERLOAD_RATIO_OFFSET ? 'overloaded' : 'ok';
}
