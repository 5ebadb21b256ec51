// Failed job attempts waiting for JEDI to generate them again. PanDA's server does not reactivate a failed
// job of a JEDI task on its queue: JEDI generates every job with `maxAttempt = attemptNr`
// (`JobGeneratorThread.doGenerate`, pandajedi/jediorder/JobGenerator.py), so `retryJob`
// (pandaserver/taskbuffer/db_proxy_mods/job_complex_module.py) does not reactivate it (bar a few pilot error
// codes of analysis jobs). `propagateResultToJEDI` (same file) instead sets the job's input file back to
// `ready` with attemptNr + 1 and failedAttempt + 1 and, while `attemptNr < maxAttempt` and
// `failedAttempt < maxFailure`, takes it off the dataset's nFilesUsed; the retryModule rules
// (`apply_retrial_rules`: no_retry, limit_retry, increase_memory, ...) may lower maxAttempt or raise the memory
// first (none is modelled: every simulated failure cause is retried). The JobGenerator then reads the file
// again in a later pass, and the job made from it goes through the job brokerage (`AtlasProdJobBroker` /
// `AtlasAnalJobBroker.doBrokerage`) and the splitter like any other, with `attemptNr` = the file's
// attemptNr + 1 (`getLargestAttemptNr`). So a retry lands wherever the brokerage sends it then — elsewhere
// when its site has gone `brokeroff`/`offline` (for tasks not pinned to a site list: `includedSite` skips the
// status check) or its storage down.
//
// The production brokerage has no rule against the site where the attempt failed; the analysis one marks a PQ
// problematic for a task once the task's failed + closed jobs there over `TW_DONE_JOB_STAT` = 6 h exceed
// max(2 × finished, `MIN_BAD_JOBS_TO_SKIP_PQ` = 5) (`getFailureCountsForTask_JEDI`), which this simulator's
// production path for analysis tasks does not model. Upstream the retry is a new PandaID (linked to the old
// one in JEDI_Job_Retry_History, relation "retry"); here it keeps its PandaID, as the server's, metrics' and
// fault ledger's per-job bookkeeping expect, with attemptNr + 1.

import type { NewJob } from '../server/panda-server.ts';
import type { GeneratedJob } from './jedi-task.ts';

/** A failed attempt JEDI will generate again. */
export interface WaitingRetry {
  /** The failed attempt as JEDI generated it. */
  readonly failed: GeneratedJob;
  /** attemptNr of the next attempt. */
  readonly attemptNr: number;
}

/** The waiting retries of each task, in the order their attempts failed. */
export class RetryQueue {
  private readonly waiting = new Map<number, WaitingRetry[]>();
  private total = 0;

  /** Failed attempts waiting, over all tasks. */
  get size(): number {
    return this.total;
  }

  add(retry: WaitingRetry): void {
    const id = retry.failed.jediTaskID;
    const list = this.waiting.get(id);
    if (list === undefined) this.waiting.set(id, [retry]);
    else list.push(retry);
    this.total++;
  }

  /** Retries waiting for task `jediTaskID`. */
  count(jediTaskID: number): number {
    return this.waiting.get(jediTaskID)?.length ?? 0;
  }

  /** Removes and returns the task's `n` longest-waiting retries. */
  take(jediTaskID: number, n: number): WaitingRetry[] {
    const list = this.waiting.get(jediTaskID);
    if (list === undefined) return [];
    const taken = list.splice(0, n);
    if (list.length === 0) this.waiting.delete(jediTaskID);
    this.total -= taken.length;
    return taken;
  }
}

/**
 * The next attempt of `retry`: the row JEDI built for it at the queue the brokerage chose (from the task and
 * the queue, with the payload asked again for that queue), under the failed job's PandaID with the next
 * attemptNr, and the job JEDI follows from then on.
 */
export function nextAttempt(retry: WaitingRetry, built: NewJob): GeneratedJob {
  if (built.PandaID !== retry.failed.PandaID)
    throw new Error(`job ${retry.failed.PandaID}: retry built as ${built.PandaID}`);
  const job: NewJob = { ...built, attemptNr: retry.attemptNr };
  return { ...retry.failed, computingSite: job.computingSite, job };
}
