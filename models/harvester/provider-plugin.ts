/**
 * Harvester's plugin for a provider of models/provider, one kind per provider family (the seed: "~ one plugin
 * for each provider"): it hands the worker maker's request to the provider's `submit`, starts a pilot in each
 * worker that runs, reads the worker's state for the monitor, and kills for the sweeper. The kinds differ in
 * the Harvester plugin they stand for and in which worker shapes their provider can take.
 */
import type { FailureCause, Provider, Worker, WorkerStatus } from '../provider/worker.ts';
import { Pilot, type PilotEnvironment } from './pilot.ts';
import type { SubmitResult, WorkerCheck, WorkerPlugin, WorkSpec } from './plugin.ts';
import type { QueueConfig } from './queue-config.ts';

export interface ProviderPluginKind {
  /** The Harvester submitter plugin (HSF/harvester `pandaharvester/harvestersubmitter/`). */
  readonly submitter: string;
  /** Workers may span nodes (LCF batch jobs, `ManyToOne`); otherwise a worker is one node, pod or VM. */
  readonly multiNode: boolean;
  /** The provider can give GPUs. */
  readonly gpus: boolean;
}

export const PROVIDER_PLUGIN_KINDS = {
  /** A WLCG site behind an HTCondor-CE (`htcondor_submitter.py`). */
  gridCe: { submitter: 'HTCondorSubmitter', multiNode: false, gpus: true },
  /** An LCF through its Slurm scheduler, e.g. Perlmutter (`slurm_submitter.py`). */
  slurm: { submitter: 'SlurmSubmitter', multiNode: true, gpus: true },
  /** An LCF through PBS, e.g. Polaris (`pbs_submitter.py`). */
  pbs: { submitter: 'PBSSubmitter', multiNode: true, gpus: true },
  /** Kubernetes: one pod per worker (`k8s_submitter.py`). */
  kubernetes: { submitter: 'K8sSubmitter', multiNode: false, gpus: true },
  /** Cloud VMs: one instance per worker (the cloud example queue's `GoogleSubmitter`). */
  cloud: { submitter: 'GoogleSubmitter', multiNode: false, gpus: true },
  /** Volunteer computing: ATLAS@Home through ARC Control Tower and an ARC CE in front of BOINC [R]. */
  volunteer: { submitter: 'ACTSubmitter', multiNode: false, gpus: false },
} as const satisfies Record<string, ProviderPluginKind>;

export type ProviderPluginKindName = keyof typeof PROVIDER_PLUGIN_KINDS;

const FINAL: ReadonlySet<WorkerStatus> = new Set(['finished', 'failed', 'cancelled', 'missed']);

interface HeldWorker {
  readonly spec: WorkSpec;
  worker?: Worker;
  pilot?: Pilot;
  cause?: FailureCause;
}

export class ProviderPlugin implements WorkerPlugin {
  readonly name: string;
  readonly provider: string;
  readonly kind: ProviderPluginKind;
  private readonly held = new Map<number, HeldWorker>();

  constructor(
    private readonly env: PilotEnvironment,
    private readonly target: Provider,
    kind: ProviderPluginKindName,
  ) {
    this.kind = PROVIDER_PLUGIN_KINDS[kind];
    this.name = this.kind.submitter;
    this.provider = target.name;
  }

  queueProblem(queue: QueueConfig): string | undefined {
    if (queue.mapType === 'ManyToOne' && !this.kind.multiNode) {
      return `${this.name} makes one-node workers; ManyToOne needs a multi-node batch scheduler`;
    }
    if (queue.submitter.nGpuPerNode > 0 && !this.kind.gpus) return `${this.target.name} has no GPUs`;
    return undefined;
  }

  submitWorkers(workers: readonly WorkSpec[], done: (results: SubmitResult[]) => void): void {
    const submitted = workers.map((spec) => {
      const held: HeldWorker = { spec };
      this.held.set(spec.workerID, held);
      held.worker = this.target.submit(spec.request, {
        started: (worker) => {
          held.pilot = new Pilot(this.env, this.target, worker, spec);
          held.pilot.start();
        },
        ended: (_worker, cause) => {
          held.cause = cause;
          held.pilot?.workerEnded();
        },
      });
      return held;
    });
    // Providers refuse a submission in the call or in an event of their own at the same instant.
    this.env.sim.schedule(0, () =>
      done(
        submitted.map((held): SubmitResult => {
          if (held.worker!.status !== 'missed') return { ok: true };
          this.held.delete(held.spec.workerID);
          return { ok: false, diag: `${this.target.name} refused the worker (${held.cause ?? 'missed'})` };
        }),
      ),
    );
  }

  checkWorkers(workers: readonly WorkSpec[], done: (checks: WorkerCheck[]) => void): void {
    done(workers.map((spec) => this.check(spec)));
  }

  killWorkers(workers: readonly WorkSpec[]): void {
    for (const spec of workers) {
      const worker = this.held.get(spec.workerID)?.worker;
      if (worker !== undefined && !FINAL.has(worker.status)) this.target.kill(worker);
    }
  }

  private check(spec: WorkSpec): WorkerCheck {
    const held = this.held.get(spec.workerID);
    if (held?.worker === undefined) {
      throw new Error(`${this.name} at ${this.target.name}: worker ${spec.workerID} was not submitted here`);
    }
    const worker = held.worker;
    if (FINAL.has(worker.status)) this.held.delete(spec.workerID);
    return {
      status: worker.status,
      startTime: worker.startedAt,
      endTime: worker.endedAt,
      cause: held.cause,
      attempts: (held.pilot?.attempts ?? []).map((attempt) => ({
        job: attempt.job,
        startTime: attempt.startTime,
        outcome: attempt.outcome,
        endTime: attempt.endTime,
        reportedByPilot: attempt.reportedByPilot,
      })),
      jobsRun: held.pilot?.jobsRun ?? 0,
    };
  }
}
