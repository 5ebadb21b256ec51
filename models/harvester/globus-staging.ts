/**
 * Harvester's Globus stage-in and stage-out for an LCF queue, as the StageFunctions its preparator and stager
 * call (staging-agent.ts): HSF/harvester `harvesterpreparator/go_bulk_preparator.py` and
 * `harvesterstager/go_bulk_stager.py` (providers.md §1.8). Inputs go from a grid storage endpoint to the LCF's
 * storage behind its DTN before the job is submitted; outputs go back after it ran.
 *
 * - Files waiting for the same route are grouped and sent as one Globus transfer task once 10 wait or the group
 *   is 10 min old (bulk-grouper.ts); the agent's check cycle adds its own delay before Harvester sees the files
 *   are there (staging-agent.ts).
 * - Stage-in uses `sync_level="exists"`: a file already at the LCF is not sent again, and a file another job
 *   is already waiting for is sent once for both. Stage-out uses `sync_level="checksum"`, which costs a
 *   checksum per file (transfer-task.ts). Globus decides the skips when the task runs, so files that arrived
 *   meanwhile are dropped from a group when it is sent.
 * - Transfer times come from the network: each file is a flow of the shared FlowNetwork (transfer-task.ts).
 * - A job's stage is done when its last file has arrived, and fails when a task carrying one of its files ends
 *   FAILED. A task the service refuses (the user's pending-task limit) is not lost: its files join the next
 *   group, as the upstream plugins try a group again at a later check.
 *
 * The payload writes its outputs to the LCF storage while it runs; they are registered there when the stager
 * takes the job, the first moment the model knows the job ran. A failed job has no outputs to move (its log
 * files are not modelled), so its stage-out is done at once.
 *
 * The job → files mapping is the workload's (PanDA's `filesTable4`); Harvester's JobSpec here carries no file
 * list, so it comes in as `JobFiles`.
 */
import type { Simulation } from '../../sim/engine.ts';
import type { DataCatalog } from '../data/catalog.ts';
import { rseAsDestination } from '../data/storage-writes.ts';
import { BulkGrouper, type BulkGroupingParams } from '../globus/bulk-grouper.ts';
import type { GlobusTransferService } from '../globus/transfer-service.ts';
import type { SyncLevel, TransferFile, TransferTask } from '../globus/transfer-task.ts';
import type { JobSpec } from './panda-server-api.ts';
import type { HarvesterJob } from './records.ts';
import type { StageFunction } from './staging-agent.ts';

/** The files of a job, by their names in the data catalog. */
export interface JobFiles {
  /** Inputs: each must have a replica at the grid storage. */
  inputs(job: JobSpec): readonly string[];
  /** Outputs the payload writes (files of the catalog, with no replica yet). */
  outputs(job: JobSpec): readonly string[];
}

export interface GlobusStagingOptions {
  readonly transfer: GlobusTransferService;
  readonly catalog: DataCatalog;
  /** The grid storage (RSE) inputs come from and outputs go to. */
  readonly gridStorage: string;
  /** The LCF storage behind its DTN (e.g. ALCF Eagle). */
  readonly lcfStorage: string;
  /** The Globus identity Harvester transfers as. */
  readonly user: string;
  readonly files: JobFiles;
  /** Flush rule of the groups (default 10 files or 10 min). */
  readonly grouping?: Partial<BulkGroupingParams>;
  /** Told of every job's stage-in and stage-out when it ends. */
  readonly observer?: (record: StageRecord) => void;
}

export type StageDirection = 'in' | 'out';

/** One job's stage-in or stage-out. */
export interface StageRecord {
  readonly PandaID: number;
  readonly direction: StageDirection;
  readonly ok: boolean;
  /** When Harvester triggered it, and when its last file arrived (or a task of it failed), s. */
  readonly triggeredAt: number;
  readonly doneAt: number;
  /** Files the job waited for and their bytes (a file shared with another job counts for both). */
  readonly files: number;
  readonly bytes: number;
  /** Files already at the destination, not sent again. */
  readonly skipped: number;
}

/** What one direction did, counted. */
export interface StageStats {
  jobs: number;
  failedJobs: number;
  /** Files and bytes that arrived at the destination (each file once). */
  filesTransferred: number;
  bytesTransferred: number;
  /** Files a job needed that were at the destination already. */
  filesSkipped: number;
  /** Globus tasks submitted, those that ended FAILED, and submissions refused (pending-task limit). */
  tasks: number;
  failedTasks: number;
  refusedTasks: number;
  /** Sum over jobs of trigger → done, s. */
  seconds: number;
}

function emptyStats(): StageStats {
  return {
    jobs: 0,
    failedJobs: 0,
    filesTransferred: 0,
    bytesTransferred: 0,
    filesSkipped: 0,
    tasks: 0,
    failedTasks: 0,
    refusedTasks: 0,
    seconds: 0,
  };
}

/** A job waiting for its files in one direction. */
interface JobStage {
  readonly PandaID: number;
  readonly triggeredAt: number;
  readonly done: (ok: boolean) => void;
  remaining: number;
  files: number;
  bytes: number;
  skipped: number;
  ended: boolean;
}

interface Route {
  readonly direction: StageDirection;
  readonly sourceRse: string;
  readonly destinationRse: string;
  readonly syncLevel: SyncLevel;
}

/** The transfers of one direction: files grouped per route, each sent once for every job waiting for it. */
class BulkTransfers {
  readonly stats = emptyStats();
  /** Files grouped or in flight → the jobs waiting for them. */
  private readonly waiting = new Map<string, JobStage[]>();
  private readonly grouper: BulkGrouper<TransferFile>;
  private readonly key: string;

  constructor(
    private readonly sim: Simulation,
    private readonly options: GlobusStagingOptions,
    private readonly route: Route,
  ) {
    this.key = `${route.sourceRse}->${route.destinationRse}`;
    this.grouper = new BulkGrouper(sim, (_key, files) => this.send(files), options.grouping);
  }

  /** Moves `names` for job `spec`; `done` is called once, when all are at the destination or one is lost. */
  request(spec: JobSpec, names: readonly string[], done: (ok: boolean) => void): void {
    const { catalog } = this.options;
    const stage = this.newStage(spec, done);
    for (const name of new Set(names)) {
      if (catalog.hasReplica(name, this.route.destinationRse)) {
        stage.skipped++;
        continue;
      }
      const file = catalog.file(name);
      stage.remaining++;
      stage.files++;
      stage.bytes += file.bytes;
      const jobs = this.waiting.get(name);
      if (jobs !== undefined) {
        jobs.push(stage);
        continue;
      }
      this.waiting.set(name, [stage]);
      this.grouper.add(this.key, { name, bytes: file.bytes });
    }
    this.stats.filesSkipped += stage.skipped;
    if (stage.remaining === 0) this.end(stage, true);
  }

  /** A job whose stage fails before any transfer (its outputs could not be written). */
  fail(spec: JobSpec, done: (ok: boolean) => void): void {
    this.end(this.newStage(spec, done), false);
  }

  private newStage(spec: JobSpec, done: (ok: boolean) => void): JobStage {
    return {
      PandaID: spec.PandaID,
      triggeredAt: this.sim.now,
      done,
      remaining: 0,
      files: 0,
      bytes: 0,
      skipped: 0,
      ended: false,
    };
  }

  private send(group: readonly TransferFile[]): void {
    const { transfer, catalog, user } = this.options;
    const { sourceRse, destinationRse, syncLevel } = this.route;
    // sync_level is applied by Globus when the task runs: what arrived meanwhile is not sent.
    const files: TransferFile[] = [];
    for (const file of group) {
      if (catalog.hasReplica(file.name, destinationRse)) this.arrived(file);
      else files.push(file);
    }
    if (files.length === 0) return;
    const result = transfer.submit({
      user,
      source: catalog.storage(sourceRse).networkEndpoint,
      destination: catalog.storage(destinationRse).networkEndpoint,
      files,
      syncLevel,
      storage: rseAsDestination(catalog, destinationRse),
      onFileDone: (file) => {
        this.stats.filesTransferred++;
        this.stats.bytesTransferred += file.bytes;
        this.arrived(file);
      },
      onEnd: (task) => this.taskEnded(task),
    });
    if (result.accepted) {
      this.stats.tasks++;
      return;
    }
    this.stats.refusedTasks++;
    for (const file of files) this.grouper.add(this.key, file);
  }

  private arrived(file: TransferFile): void {
    const jobs = this.waiting.get(file.name);
    if (jobs === undefined) return;
    this.waiting.delete(file.name);
    for (const stage of jobs) {
      stage.remaining--;
      if (stage.remaining === 0) this.end(stage, true);
    }
  }

  private taskEnded(task: TransferTask): void {
    if (task.status !== 'FAILED') return;
    this.stats.failedTasks++;
    for (const file of task.request.files) {
      const jobs = this.waiting.get(file.name);
      if (jobs === undefined) continue;
      this.waiting.delete(file.name);
      for (const stage of jobs) this.end(stage, false);
    }
  }

  private end(stage: JobStage, ok: boolean): void {
    if (stage.ended) return;
    stage.ended = true;
    const now = this.sim.now;
    this.stats.jobs++;
    if (!ok) this.stats.failedJobs++;
    this.stats.seconds += now - stage.triggeredAt;
    this.options.observer?.({
      PandaID: stage.PandaID,
      direction: this.route.direction,
      ok,
      triggeredAt: stage.triggeredAt,
      doneAt: now,
      files: stage.files,
      bytes: stage.bytes,
      skipped: stage.skipped,
    });
    stage.done(ok);
  }
}

export class GlobusStaging {
  /** The preparator's StageFunction (HarvesterOptions.stageIn). */
  readonly stageIn: StageFunction;
  /** The stager's StageFunction (HarvesterOptions.stageOut). */
  readonly stageOut: StageFunction;
  private readonly inbound: BulkTransfers;
  private readonly outbound: BulkTransfers;

  constructor(sim: Simulation, options: GlobusStagingOptions) {
    const { catalog, gridStorage, lcfStorage, files } = options;
    catalog.storage(gridStorage);
    catalog.storage(lcfStorage);
    this.inbound = new BulkTransfers(sim, options, {
      direction: 'in',
      sourceRse: gridStorage,
      destinationRse: lcfStorage,
      syncLevel: 'exists',
    });
    this.outbound = new BulkTransfers(sim, options, {
      direction: 'out',
      sourceRse: lcfStorage,
      destinationRse: gridStorage,
      syncLevel: 'checksum',
    });
    this.stageIn = (job: HarvesterJob, _queue, done) => {
      const names = files.inputs(job.spec);
      for (const name of names) {
        if (!catalog.hasReplica(name, gridStorage) && !catalog.hasReplica(name, lcfStorage)) {
          throw new Error(
            `stage-in of job ${job.spec.PandaID}: input ${name} has no replica at ${gridStorage}`,
          );
        }
      }
      this.inbound.request(job.spec, names, done);
    };
    this.stageOut = (job: HarvesterJob, _queue, done) => {
      if (job.status !== 'finished') {
        done(true);
        return;
      }
      const names = files.outputs(job.spec);
      for (const name of names) {
        if (catalog.placeReplica(name, lcfStorage) === 'storage-full') {
          this.outbound.fail(job.spec, done);
          return;
        }
      }
      this.outbound.request(job.spec, names, done);
    };
  }

  /** Stage-in counts. */
  get stageInStats(): Readonly<StageStats> {
    return this.inbound.stats;
  }

  /** Stage-out counts. */
  get stageOutStats(): Readonly<StageStats> {
    return this.outbound.stats;
  }
}
