/**
 * The pilot inside a worker of a provider-backed queue, from the moment the worker runs.
 *
 * Pull mode (`NoJob`): it asks the server for a job (`getJobs` for its site, with the worker's memory and the
 * walltime it has left), runs it, asks again, and lets the worker end when the answer is empty. A pilot that
 * never got a job is an empty pilot. Push mode: it runs the jobs Harvester bound to the worker, side by side,
 * and lets the worker end when they are all over.
 *
 * A true pilot (`truePilot`) reports to the server itself: `running` when a payload starts, a heartbeat every
 * `heartbeatInterval` while it runs, and the final state at once. It can do so only while it lives: a payload
 * that ends with its worker (node failure, preemption, downtime, walltime, kill) takes the pilot with it, and
 * the job is left for Harvester to report once its monitor sees the worker gone. Only a payload's own failure
 * (`payload-error`) or success leaves the pilot alive.
 */
import type { EventId, Simulation } from '../../sim/engine.ts';
import type { PayloadOutcome, Provider, Worker } from '../provider/worker.ts';
import { Hop } from './hop.ts';
import type { JobReport, JobSpec, PandaServerApi } from './panda-server-api.ts';
import type { JobAttempt, WorkSpec } from './plugin.ts';

export interface PilotParams {
  /** One-way latency between a worker node and the PanDA server, s. */
  serverLatency: number;
  /** Heartbeat period of a running payload, s. */
  heartbeatInterval: number;
}

export const PILOT_DEFAULTS: Readonly<PilotParams> = {
  // [E] a grid worker node to the PanDA servers over the WAN, one HTTPS request.
  serverLatency: 0.1,
  // [S] 30 min heartbeats (providers.md §5.1; Harvester wiki Developer Q&A).
  heartbeatInterval: 1800,
};

/** What a pilot needs besides its worker: the server, and who submitted it. */
export interface PilotEnvironment {
  readonly sim: Simulation;
  readonly server: PandaServerApi;
  readonly harvesterID: string;
  readonly params: PilotParams;
}

class Attempt implements JobAttempt {
  startTime?: number;
  outcome?: PayloadOutcome;
  endTime?: number;
  reportedByPilot = false;
  heartbeat?: EventId;

  constructor(readonly job: JobSpec) {}
}

/** A payload failure the pilot survives and reports (its own error, a refused stage-out); anything else ended the worker under it. */
function pilotSurvives(outcome: PayloadOutcome): boolean {
  return outcome.ok || outcome.cause === 'payload-error' || outcome.cause === 'stage-out-failed';
}

export class Pilot {
  private readonly list: Attempt[] = [];
  private ran = 0;
  private alive = true;
  private unfinished = 0;
  private readonly hop: Hop;

  constructor(
    private readonly env: PilotEnvironment,
    private readonly provider: Provider,
    private readonly worker: Worker,
    private readonly spec: WorkSpec,
  ) {
    this.hop = new Hop(env.sim, env.params.serverLatency);
  }

  /**
   * Jobs the pilot got or was given, in order; a pull pilot drops each job once it has reported it final
   * itself (nobody needs it any more), so that a pilot running job after job for two days holds only its
   * current one rather than all of them.
   */
  get attempts(): readonly JobAttempt[] {
    return this.list;
  }

  /** Jobs the pilot got or was given in all. */
  get jobsRun(): number {
    return this.ran;
  }

  /** The worker runs: start the given jobs, or ask for one. */
  start(): void {
    if (this.spec.queue.mapType === 'NoJob') this.acquire();
    else for (const job of this.spec.jobs) this.run(job);
  }

  /** The worker ended: the pilot stops reporting. */
  workerEnded(): void {
    this.alive = false;
    for (const attempt of this.list) this.stopHeartbeat(attempt);
  }

  private acquire(): void {
    const { sim, server, harvesterID } = this.env;
    const remainingTime = this.worker.request.walltime - (sim.now - (this.worker.startedAt ?? sim.now));
    if (remainingTime <= 0) {
      this.provider.release(this.worker);
      return;
    }
    const queue = this.spec.queue;
    this.hop.call(
      () =>
        server.getJobs({
          siteName: queue.siteName,
          nJobs: 1,
          mem: this.worker.request.memoryMB,
          remainingTime,
          prodSourceLabel: queue.prodSourceLabel,
          harvesterID,
          workerID: this.spec.workerID,
        }),
      (jobs) => {
        if (jobs.length === 0) {
          if (this.alive) this.provider.release(this.worker);
          return;
        }
        for (const job of jobs) this.run(job);
      },
    );
  }

  private run(job: JobSpec): void {
    const attempt = new Attempt(job);
    this.list.push(attempt);
    this.ran++;
    if (!this.alive || this.worker.status !== 'running') return;
    const { sim } = this.env;
    attempt.startTime = sim.now;
    this.unfinished++;
    if (this.spec.queue.truePilot) {
      this.report(attempt, 'running');
      attempt.heartbeat = sim.schedule(this.env.params.heartbeatInterval, this.beat, attempt);
    }
    this.provider.run(this.worker, job.payload, (outcome) => this.ended(attempt, outcome));
  }

  private ended(attempt: Attempt, outcome: PayloadOutcome): void {
    attempt.outcome = outcome;
    attempt.endTime = this.env.sim.now;
    this.unfinished--;
    this.stopHeartbeat(attempt);
    if (!this.alive || !pilotSurvives(outcome)) {
      this.alive = false;
      return;
    }
    if (this.spec.queue.truePilot) {
      this.report(attempt, outcome.ok ? 'finished' : 'failed');
      attempt.reportedByPilot = true;
    }
    if (this.spec.queue.mapType === 'NoJob') {
      if (attempt.reportedByPilot) this.list.splice(this.list.indexOf(attempt), 1);
      this.acquire();
    } else if (this.unfinished === 0) this.provider.release(this.worker);
  }

  private readonly beat = (attempt: Attempt): void => {
    if (!this.alive || attempt.outcome !== undefined) return;
    this.report(attempt, 'running');
    attempt.heartbeat = this.env.sim.schedule(this.env.params.heartbeatInterval, this.beat, attempt);
  };

  private stopHeartbeat(attempt: Attempt): void {
    if (attempt.heartbeat !== undefined) this.env.sim.cancel(attempt.heartbeat);
    attempt.heartbeat = undefined;
  }

  private report(attempt: Attempt, jobStatus: JobReport['jobStatus']): void {
    const outcome = attempt.outcome;
    const report: JobReport = {
      PandaID: attempt.job.PandaID,
      attemptNr: attempt.job.attemptNr,
      jobStatus,
      from: 'pilot',
      harvesterID: this.env.harvesterID,
      workerID: this.spec.workerID,
      startTime: attempt.startTime,
      endTime: attempt.endTime,
      cause: outcome !== undefined && !outcome.ok ? outcome.cause : undefined,
    };
    const server = this.env.server;
    this.hop.send(() => server.updateJobs([report]));
  }
}
