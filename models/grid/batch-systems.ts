/**
 * The local batch system behind a grid site's computing element, as far as a pilot notices it: how long a
 * submission takes to reach the batch queue, and when a free slot is given to a waiting pilot.
 *
 * Matching: HTCondor matches idle jobs to slots in negotiation cycles (the negotiator), so a slot freed
 * between cycles stays idle until the next one; its schedd could reuse a claim for the next job at once, but
 * only while the claim is younger than CLAIM_WORKLIFE (1200 s by default), far shorter than a pilot's hours,
 * so in practice every freed slot is rematched. Slurm and PBS Pro run a scheduling pass on the events that
 * matter (a submission, a job ending) and also on a timer; the event pass is what starts a pilot here, so they
 * match at once.
 */
import { uniform, type Distribution } from '../../sim/distributions.ts';

export type BatchSystemName = 'htcondor' | 'slurm' | 'pbs';

export interface BatchSystem {
  readonly name: BatchSystemName;
  /** From the CE accepting a pilot to the pilot being queued in the batch system, s. */
  readonly submitLatency: Distribution;
  /** Seconds between matchmaking passes; 0 = a free slot is matched on the event that frees it. */
  readonly matchInterval: number;
}

export const HTCONDOR: BatchSystem = {
  name: 'htcondor',
  // [E] HTCondor-CE routes the pilot to the local schedd with its job router: seconds, up to a router pass.
  submitLatency: uniform({ min: 2, max: 30 }, 'duration'),
  // [S] NEGOTIATOR_INTERVAL, default 60 s (HTCondor manual, admin-manual/configuration/negotiator).
  matchInterval: 60,
};

export const SLURM: BatchSystem = {
  name: 'slurm',
  // [E] the CE's BLAH layer calls sbatch: a few seconds.
  submitLatency: uniform({ min: 1, max: 10 }, 'duration'),
  // [S] "a quick and simple scheduling attempt at events such as job submission or completion"
  // (slurm.schedmd.com/sched_config.html); sched_interval and the backfill pass come on top.
  matchInterval: 0,
};

export const PBS: BatchSystem = {
  name: 'pbs',
  // [E] the CE's BLAH layer calls qsub: a few seconds.
  submitLatency: uniform({ min: 1, max: 10 }, 'duration'),
  // [S] the PBS Professional scheduling cycle "is triggered by a timer and by several possible events",
  // the timer defaulting to 10 min (Altair PBS Professional admin guide, scheduler cycle).
  matchInterval: 0,
};

export const BATCH_SYSTEMS: Readonly<Record<BatchSystemName, BatchSystem>> = {
  htcondor: HTCONDOR,
  slurm: SLURM,
  pbs: PBS,
};
