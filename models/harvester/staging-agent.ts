/**
 * The Preparator (stage-in) and the Stager (stage-out) share one loop (HSF/harvester
 * `harvesterbody/preparator.py`, `stager.py`): each cycle first checks the jobs whose transfer was triggered
 * (a triggered job is checked at the next cycle, an unfinished one again after `checkInterval`), then
 * triggers the transfers of newly arrived jobs. Data movement itself is modelled elsewhere (Globus, Rucio):
 * it comes in as a `StageFunction`, by default one that is done at once.
 */
import type { AgentContext } from './agent-context.ts';
import type { DueList } from './due-list.ts';
import type { StagingParams } from './harvester-params.ts';
import type { HarvesterJob, JobRecord } from './records.ts';
import type { QueueConfig } from './queue-config.ts';

/** Moves a job's inputs in (preparator) or outputs out (stager); calls `done` once, when over. */
export type StageFunction = (job: HarvesterJob, queue: QueueConfig, done: (ok: boolean) => void) => void;

/** Stage-in or stage-out that takes no time (the templates' DummyPreparator / DummyStager). */
export const instantStage: StageFunction = (_job, _queue, done) => done(true);

/** What differs between stage-in and stage-out. */
interface StagingDirection {
  /** Starts the transfer and records its result on the job when it ends. */
  trigger(job: JobRecord): void;
  /** The transfer's result, undefined while it runs. */
  result(job: JobRecord): boolean | undefined;
  finish(job: JobRecord, ok: boolean, now: number): void;
}

export class StagingAgent {
  constructor(
    private readonly h: AgentContext,
    private readonly params: StagingParams,
    private readonly toTrigger: DueList<JobRecord>,
    private readonly toCheck: DueList<JobRecord>,
    private readonly direction: StagingDirection,
  ) {}

  readonly cycle = (): void => {
    const now = this.h.sim.now;
    for (const job of this.toCheck.take(now, this.params.maxJobsToCheck)) {
      const ok = this.direction.result(job);
      if (ok === undefined) this.toCheck.schedule(job, now + this.params.checkInterval);
      else this.direction.finish(job, ok, now);
    }
    for (const job of this.toTrigger.take(now, this.params.maxJobsToTrigger)) {
      this.direction.trigger(job);
      this.toCheck.trigger(job);
    }
  };
}

export function preparator(h: AgentContext, stageIn: StageFunction): StagingAgent {
  const db = h.db;
  return new StagingAgent(h, h.params.preparator, db.toPrepare, db.preparing, {
    trigger(job) {
      job.subStatus = 'preparing';
      stageIn(job, job.queue.config, (ok) => {
        job.stageInOk = ok;
      });
    },
    result: (job) => job.stageInOk,
    finish(job, ok, now) {
      if (ok) db.jobPrepared(job, now);
      else db.jobFailedBeforeRun(job, 'stage-in-failed');
    },
  });
}

export function stager(h: AgentContext, stageOut: StageFunction): StagingAgent {
  const db = h.db;
  return new StagingAgent(h, h.params.stager, db.toStageOut, db.stagingOut, {
    trigger(job) {
      job.subStatus = 'transferring';
      stageOut(job, job.queue.config, (ok) => {
        job.stageOutOk = ok;
      });
    },
    result: (job) => job.stageOutOk,
    finish: (job, ok, now) => db.jobStagedOut(job, ok, now),
  });
}
