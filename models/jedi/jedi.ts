// JEDI for the simulator: takes tasks, gives each a nucleus with the task brokerage, turns them into jobs on the
// JobGenerator's cycles (throttle → input chunk → job brokerage → job splitter → insert into the server's job
// table) and follows the jobs through the server's transitions until every task ends.
//
// The cycle (`JobGenerator.start`, pandajedi/jediorder/JobGenerator.py; fairshare.md §2.1): PanDA's JobGenerator
// loops every `jobgen.loopCycle` (template 10 s) but reads a task at most once per `jobgen.lockInterval`
// (`getTasksToBeProcessed_JEDI`, code default 10 min), so each task gets one input chunk per ~10 minutes. Here one
// pass runs per cycle (default 600 s) over every task with input left, and — standing in for the many loops
// of that interval — the throttler is asked again before each task's chunk, with the jobs just generated already
// counted. The TaskBroker's own loop (`[taskbroker] loopCycle = 600`) is folded into the same pass.
// Tasks are visited in the JobGenerator's order (generation-order.ts); the live counter of jobs generated per
// queue in the pass is shared by every task's brokerage and split, as JEDI's `MapWithLock` is. Not modelled: the random visiting of idle share/RT pairs (`inactive_poll_probability`), the
// per-pass task limit (`nTasks`), merge jobs, and task grouping by user.
//
// Retries (job-retry.ts): a failed attempt with attempts left comes back to JEDI, not to its queue; in the next
// pass its task brokers the waiting retries as a chunk of their own, before any new input, and each goes to the
// queue the splitter drew for it, with its input staged in there.
//
// Analysis (`prodSourceLabel: 'user'`) tasks take the production path (`AtlasProdJobBroker` + throttler + the
// user-job priority): the server's queue view carries no per-user statistics, which `AtlasAnalJobBroker` needs.

import {
  brokerProductionJobs,
  leafUsage,
  prepareQueueCatalog,
  prepareQueueStateView,
  resolveProdJobBrokerOptions,
  resourceTypeForTask,
  sortedLeaves,
  splitJobs,
  type BrokerageSnapshot,
  type DdmEndpoint,
  type ProdBrokerageDecision,
  type ProdJobBrokerOptions,
  type ProdJobBrokerOverrides,
  type QueueCatalog,
  type QueueState,
  type QueueStateView,
  type QueueStatus,
  type ShareTree,
  type SiteSpec,
  type TaskBrokerageOptions,
  type TaskSpec,
} from '@pandasim/panda';
import type { Simulation } from '../../sim/engine.ts';
import type { RandomStreams } from '../../sim/random.ts';
import type { JobTransition, PandaServer, TableJob } from '../server/panda-server.ts';
import { generationOrder, taskResourceType } from './generation-order.ts';
import { chunkJobs, inputChunk } from './input-chunk.ts';
import { buildJob } from './job-builder.ts';
import { nextAttempt, RetryQueue, type WaitingRetry } from './job-retry.ts';
import { JobTableStats } from './job-table-stats.ts';
import {
  EARLY_AVALANCHE_FRACTION,
  JediTask,
  type GeneratedJob,
  type JediTaskHandle,
  type JediTaskInput,
} from './jedi-task.ts';
import { brokerNuclei, nucleusWorkloads } from './nucleus-brokerage.ts';
import { throttleShare, type ShareThrottleOptions } from './share-throttle.ts';

/** The static world the brokerages read; queue states, time and the live counter are filled per cycle. */
export type JediWorld = Omit<BrokerageSnapshot, 'now' | 'queueStates' | 'liveCount'>;

export interface JediOptions {
  server: PandaServer;
  world: JediWorld;
  shareTree: ShareTree;
  /** Seconds between JobGenerator passes (see the header: the per-task lockInterval, 10 min). */
  cycle?: number;
  /** Scout jobs per task (`ContentsFeeder`: `nChunksForScout = 10`); 0 disables scouting. */
  nScouts?: number;
  /**
   * Fraction of the scout jobs that must have finished before the rest of the input is used (early avalanche,
   * `minSuccessScouts / 10` = 0.5); whatever it is, the task also goes on once every scout ended with one
   * success. 0 means one finished scout is enough.
   */
  scoutAvalancheFraction?: number;
  /** Input transfer of a job: jobs enter the server `assigned` and are activated when `done` is called. */
  stageIn?: (job: GeneratedJob, done: () => void) => void;
  /** Output transfer to the task's nucleus after a job's final success; it counts as finished on `done`. */
  stageOut?: (job: GeneratedJob, done: () => void) => void;
  throttle?: ShareThrottleOptions;
  jobBrokerage?: ProdJobBrokerOverrides;
  taskBrokerage?: Partial<TaskBrokerageOptions>;
  /** Storage tokens of every task's output datasets for the task brokerage's endpoint check; none skips it. */
  outputStorageTokens?: readonly string[];
  /** First PandaID handed out (PandaIDs count up from it). */
  firstPandaID?: number;
}

interface LiveJob {
  readonly job: GeneratedJob;
  readonly task: JediTask;
}

const DEFAULT_CYCLE_S = 600;
const DEFAULT_N_SCOUTS = 10;

/** PanDA's `includedSite` patterns (`*` wildcards) resolved against the catalog, as `JediTaskSpec.site`. */
function pinnedSites(patterns: readonly string[], queues: readonly SiteSpec[]): string {
  // Plain names are looked up; only wildcard patterns are matched against every queue.
  const names = new Set(patterns.filter((p) => !p.includes('*')));
  const regexps = patterns
    .filter((p) => p.includes('*'))
    .map((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`));
  return queues
    .map((q) => q.sitename)
    .filter((name) => names.has(name) || regexps.some((r) => r.test(name)))
    .join(',');
}

function describeFailure(d: ProdBrokerageDecision): string {
  const counts = Object.entries(d.excludedCounts)
    .map(([code, n]) => `${code}=${n}`)
    .join(' ');
  return `job brokerage: ${d.failure?.message ?? 'no candidates'}${counts ? ` (${counts})` : ''}`;
}

export class Jedi {
  private readonly server: PandaServer;
  private world: JediWorld;
  private catalog: QueueCatalog;
  private readonly jobBrokerage: ProdJobBrokerOptions;
  private readonly stats = new JobTableStats();
  private readonly tasks = new Map<number, JediTask>();
  private readonly live = new Map<number, LiveJob>();
  private readonly retries = new RetryQueue();
  private readonly splitRng: () => number;
  private readonly taskRng: () => number;
  private readonly cycle: number;
  private readonly nScouts: number;
  private readonly avalancheFraction: number;
  private readonly pinned = new WeakMap<readonly string[], string>();
  private nextPandaID: number;
  private lastTaskID = 0;
  private cycleScheduled = false;
  /** Free space of the RSEs a fault filled, to give back when it ends. */
  private readonly freeSpace = new Map<string, number | undefined>();

  constructor(
    private readonly sim: Simulation,
    streams: RandomStreams,
    private readonly options: JediOptions,
  ) {
    this.server = options.server;
    this.world = options.world;
    this.cycle = options.cycle ?? DEFAULT_CYCLE_S;
    if (!(this.cycle > 0)) throw new RangeError(`Jedi: cycle must be > 0 s, got ${this.cycle}`);
    this.nScouts = options.nScouts ?? DEFAULT_N_SCOUTS;
    this.avalancheFraction = options.scoutAvalancheFraction ?? EARLY_AVALANCHE_FRACTION;
    this.nextPandaID = options.firstPandaID ?? 1;
    this.catalog = prepareQueueCatalog(this.world);
    this.jobBrokerage = resolveProdJobBrokerOptions({ explain: false, ...options.jobBrokerage });
    const split = streams.stream('jedi/split');
    const task = streams.stream('jedi/task-brokerage');
    this.splitRng = () => split.next();
    this.taskRng = () => task.next();
    this.server.observe((t) => this.onTransition(t));
    this.server.delegateRetries((job) => this.takeRetry(job));
  }

  /** Tasks not ended yet. */
  get activeTasks(): number {
    return this.tasks.size;
  }

  /** Jobs generated and not yet finished or failed for good (the only per-job state kept). */
  get liveJobs(): number {
    return this.live.size;
  }

  /** Failed attempts waiting for the next pass to broker their retry (counted in `liveJobs`). */
  get waitingRetries(): number {
    return this.retries.size;
  }

  /**
   * CRIC changed the status of PanDA queues (e.g. `brokeroff` or `offline` for a scheduled downtime, back to
   * `online` after it): the brokerage reads the new status from its next cycle on. The catalog is prepared
   * again, as the package asks after a change of queue attributes.
   */
  setQueueStatus(queues: readonly string[], status: QueueStatus): void {
    const names = new Set(queues);
    this.world = {
      ...this.world,
      queues: this.world.queues.map((q) => (names.has(q.sitename) ? { ...q, status } : q)),
    };
    this.catalog = prepareQueueCatalog(this.world);
  }

  /**
   * An RSE goes into downtime or back (Rucio's availability from GOCDB: every activity `OFF`): the brokerage,
   * which re-reads RSE objects each cycle, drops the PQs writing to or reading from it (`write_lan_blacklist`,
   * brokerage.md §2.2 step 13) — pre-assigned tasks too, unlike the queue status.
   */
  setEndpointDown(rse: string, down: boolean): void {
    const endpoint = this.endpointOf(rse);
    if (down)
      endpoint.detailed_status = { read_lan: 'OFF', write_lan: 'OFF', read_wan: 'OFF', write_wan: 'OFF' };
    else delete endpoint.detailed_status;
  }

  /** An RSE is full (no free space) or has its space back: the brokerage's `se_space` check reads it. */
  setEndpointFull(rse: string, full: boolean): void {
    const endpoint = this.endpointOf(rse);
    if (full) {
      this.freeSpace.set(rse, endpoint.space_free);
      endpoint.space_free = 0;
    } else if (this.freeSpace.has(rse)) {
      endpoint.space_free = this.freeSpace.get(rse);
      this.freeSpace.delete(rse);
    }
  }

  private endpointOf(rse: string): DdmEndpoint {
    const endpoint = this.world.ddmEndpoints[rse];
    if (endpoint === undefined) throw new Error(`Jedi: no RSE ${rse}`);
    return endpoint;
  }

  /** A jediTaskID no task submitted so far has used. */
  nextTaskID(): number {
    return ++this.lastTaskID;
  }

  submit(input: JediTaskInput): JediTaskHandle {
    const id = input.spec.jediTaskID;
    if (this.tasks.has(id)) throw new Error(`Jedi: task ${id} is already being processed`);
    const spec: TaskSpec = { ...input.spec };
    if (spec.site === undefined && spec.includedSite !== undefined && spec.includedSite.length > 0) {
      // The production brokerage pins a task through JediTaskSpec.site; includedSite is the analysis form.
      // Tasks given the same list (the background's) share one resolution and one string.
      let site = this.pinned.get(spec.includedSite);
      if (site === undefined)
        this.pinned.set(spec.includedSite, (site = pinnedSites(spec.includedSite, this.world.queues)));
      spec.site = site;
      if (spec.site === '')
        throw new Error(`Jedi: task ${id}: includedSite ${spec.includedSite.join(',')} names no queue`);
    }
    if (spec.resource_type === undefined && this.world.resourceTypes.length > 0) {
      spec.resource_type = resourceTypeForTask(this.world.resourceTypes, spec);
    }
    if (spec.prodSourceLabel === 'user' && spec.userName === undefined) spec.userName = input.owner;
    const nScouts = input.skipScout === true ? 0 : this.nScouts;
    const task = new JediTask(input, spec, nScouts, this.avalancheFraction, this.sim.now);
    this.tasks.set(id, task);
    this.lastTaskID = Math.max(this.lastTaskID, id);
    if (!this.cycleScheduled) this.scheduleCycle(0);
    return task;
  }

  private scheduleCycle(delay: number): void {
    this.cycleScheduled = true;
    this.sim.schedule(delay, () => this.runCycle());
  }

  private runCycle(): void {
    this.cycleScheduled = false;
    const active = [...this.tasks.values()];
    const needNucleus = active.filter((t) => t.nucleus === null);
    // Failed files are read again like new ones: a task with retries waiting is one the JobGenerator takes.
    const hasWork = (t: JediTask) => t.canGenerate || this.retries.count(t.jediTaskID) > 0;
    if (needNucleus.length > 0 || active.some(hasWork)) {
      const snapshot = this.snapshot();
      const view = prepareQueueStateView(this.catalog, snapshot.queueStates);
      if (needNucleus.length > 0) this.brokerTasks(needNucleus, active, snapshot, view);
      this.generate(active.filter(hasWork), snapshot, view);
    }
    if (this.tasks.size > 0) this.scheduleCycle(this.cycle);
  }

  private snapshot(): BrokerageSnapshot {
    const queueStates: Record<string, QueueState> = {};
    for (const q of this.world.queues) queueStates[q.sitename] = this.server.queueState(q.sitename);
    return { ...this.world, now: this.sim.now, queueStates, liveCount: {} };
  }

  private brokerTasks(
    tasks: JediTask[],
    active: readonly JediTask[],
    snapshot: BrokerageSnapshot,
    view: QueueStateView,
  ): void {
    const decisions = brokerNuclei(tasks, nucleusWorkloads(active), {
      snapshot,
      catalog: this.catalog,
      view,
      jobBrokerage: this.jobBrokerage,
      taskBrokerage: this.options.taskBrokerage,
      outputStorageTokens: this.options.outputStorageTokens ?? [],
      rng: this.taskRng,
    });
    decisions.forEach((d, k) => {
      if (d.nucleus !== null) tasks[k].setNucleus(d.nucleus);
      else tasks[k].lastBrokerageFailure = `task brokerage: ${d.failure ?? 'no nucleus'}`;
    });
  }

  private generate(tasks: JediTask[], snapshot: BrokerageSnapshot, view: QueueStateView): void {
    if (tasks.length === 0) return;
    const tree = this.options.shareTree;
    const executing: Record<string, number> = {};
    for (const leaf of tree.leafNames) executing[leaf] = this.server.executingHs06(leaf);
    const shares = sortedLeaves(tree, leafUsage(tree, { executing }));
    for (const group of generationOrder(tasks, shares, this.world.resourceTypes)) {
      for (const task of group) {
        // Tasks served earlier in the pass are locked for lockInterval, so the highest waiting priority
        // (`checkWaitingTaskPrio_JEDI`) is this task's: the group is in descending priority order.
        const decision = throttleShare(
          this.stats,
          tree,
          {
            prodSourceLabel: task.spec.prodSourceLabel,
            gshare: task.spec.gshare,
            resourceType: taskResourceType(task.spec),
            // hpWaiting is the task's currentPriority (fairshare.md §2.2 step 3); the scouting +1 only orders.
            highestPrioWaiting: task.spec.currentPriority,
          },
          this.options.throttle,
        );
        // Level 5 lets only merge and jumbo co-jobs through, which simulated tasks do not have.
        if (decision.mergeOnly) break;
        if (decision.minPriority !== null && task.spec.currentPriority < decision.minPriority) continue;
        if (this.retries.count(task.jediTaskID) > 0)
          this.generateRetries(task, decision.maxNumJobs, snapshot, view);
        if (task.canGenerate) this.generateChunk(task, decision.maxNumJobs, snapshot, view);
      }
    }
  }

  private generateChunk(
    task: JediTask,
    maxNumJobs: number | null,
    snapshot: BrokerageSnapshot,
    view: QueueStateView,
  ): void {
    const useScout = task.scoutsToGenerate > 0;
    const size = useScout
      ? task.scoutsToGenerate
      : chunkJobs(task.nJobs - task.counters.generated, maxNumJobs);
    for (const queue of this.placeChunk(task, task.counters.generated, size, useScout, snapshot, view))
      this.generateJob(task, queue, useScout);
  }

  /**
   * The task's waiting retries, as many as one chunk reads, brokered and split like new input (a scout chunk while
   * the task scouts); those the splitter placed nowhere wait for the next pass.
   */
  private generateRetries(
    task: JediTask,
    maxNumJobs: number | null,
    snapshot: BrokerageSnapshot,
    view: QueueStateView,
  ): void {
    const size = chunkJobs(this.retries.count(task.jediTaskID), maxNumJobs);
    const useScout = task.status === 'scouting';
    // Their files count as unused again (`propagateResultToJEDI` takes them off nFilesUsed).
    const used = task.counters.generated - size;
    const queues = this.placeChunk(task, used, size, useScout, snapshot, view);
    this.retries
      .take(task.jediTaskID, queues.length)
      .forEach((retry, k) => this.regenerateJob(retry, task, queues[k], useScout));
  }

  /**
   * Brokers a chunk of `size` jobs of `task` read after `used` of its input files, and splits it: the queue of
   * each job placed, in the splitter's order — fewer than `size` when queues reached their caps, none when the
   * brokerage found no queue (the reason is kept on the task).
   */
  private placeChunk(
    task: JediTask,
    used: number,
    size: number,
    useScout: boolean,
    snapshot: BrokerageSnapshot,
    view: QueueStateView,
  ): SiteSpec[] {
    const chunk = inputChunk({
      task: task.spec,
      nJobs: task.nJobs,
      generated: used,
      size,
      inputBytesPerJob: task.input.inputBytesPerJob,
      useScout,
    });
    const decision = brokerProductionJobs(snapshot, task.spec, chunk, this.jobBrokerage, this.catalog, view);
    if (!decision.ok) {
      task.lastBrokerageFailure = describeFailure(decision);
      return [];
    }
    const liveCount = snapshot.liveCount as Record<string, number>;
    const split = splitJobs(decision.candidates, { nJobs: size, rng: this.splitRng, useScout, liveCount });
    if (split.nAssigned === 0) {
      task.lastBrokerageFailure = 'job splitter: every candidate is at its queue cap';
      return [];
    }
    const queues: SiteSpec[] = [];
    for (const bunch of split.bunches) {
      liveCount[bunch.siteName] = (liveCount[bunch.siteName] ?? 0) + bunch.nJobs;
      const queue = this.catalog.specs[this.catalog.indexByName.get(bunch.siteName) as number];
      for (let k = 0; k < bunch.nJobs; k++) queues.push(queue);
    }
    return queues;
  }

  private generateJob(task: JediTask, queue: SiteSpec, isScout: boolean): void {
    const jobIndex = task.counters.generated;
    const PandaID = this.nextPandaID++;
    const newJob = buildJob({
      PandaID,
      task: task.spec,
      queue,
      payload: task.input.payload(jobIndex, queue),
      owner: task.owner,
      isScout,
      resourceTypes: this.world.resourceTypes,
      userJobs: this.stats.userJobCount(task.owner),
    });
    const job: GeneratedJob = {
      PandaID,
      jediTaskID: task.jediTaskID,
      jobIndex,
      computingSite: newJob.computingSite,
      nucleus: task.nucleus as string,
      inputBytes: task.input.inputBytesPerJob,
      outputBytes: task.input.outputBytesPerJob,
      jobClass: task.jobClass,
      isScout,
      job: newJob,
    };
    task.onGenerated(newJob.computingSite, isScout);
    this.insert(job, task);
  }

  /**
   * The next attempt of a failed job at `queue`: built there like a new job (the payload asked again for that
   * queue: a checkpointing one has only its work left), under the job's PandaID (job-retry.ts). Its priority is
   * a scout's only while the task still scouts.
   */
  private regenerateJob(retry: WaitingRetry, task: JediTask, queue: SiteSpec, scoutChunk: boolean): void {
    const { PandaID, jobIndex, isScout } = retry.failed;
    const built = buildJob({
      PandaID,
      task: task.spec,
      queue,
      payload: task.input.payload(jobIndex, queue),
      owner: task.owner,
      isScout: scoutChunk && isScout,
      resourceTypes: this.world.resourceTypes,
      userJobs: this.stats.userJobCount(task.owner),
    });
    this.insert(nextAttempt(retry, built), task);
  }

  /** Inserts an attempt into the job table: `assigned` until its input is staged in at its queue. */
  private insert(job: GeneratedJob, task: JediTask): void {
    const { PandaID } = job;
    this.live.set(PandaID, { job, task });
    const stageIn = this.options.stageIn;
    if (stageIn === undefined) {
      this.server.submit(job.job, 'activated');
      return;
    }
    this.server.submit(job.job, 'assigned');
    stageIn(job, () => {
      if (this.server.status(PandaID) === 'assigned') this.server.transition(PandaID, 'activated');
    });
  }

  /**
   * The server hands back a failed attempt with attempts left: one of JEDI's jobs waits for the next pass to be
   * brokered again; any other job is left to the server.
   */
  private takeRetry(job: Readonly<TableJob>): boolean {
    const live = this.live.get(job.PandaID);
    if (live === undefined || live.job.jediTaskID !== job.jediTaskID) return false;
    this.retries.add({ failed: live.job, attemptNr: job.attemptNr + 1 });
    return true;
  }

  private onTransition(t: JobTransition): void {
    this.stats.observe(t);
    const live = this.live.get(t.job.PandaID);
    if (live === undefined) return;
    switch (t.to) {
      case 'starting':
      case 'running':
      case 'transferring':
        live.task.onStarted(t.now);
        break;
      case 'finished': {
        live.task.onStarted(t.now);
        const stageOut = this.options.stageOut;
        if (stageOut === undefined) this.jobSucceeded(live);
        else stageOut(live.job, () => this.jobSucceeded(live));
        break;
      }
      case 'failed':
        if (!t.retried) this.jobFailed(live);
        break;
      case 'cancelled':
        this.jobFailed(live);
        break;
      default:
        break;
    }
  }

  private jobSucceeded(live: LiveJob): void {
    this.live.delete(live.job.PandaID);
    const ended = live.task.onJobFinished(live.job, this.sim.now);
    live.task.input.onJobFinished?.(live.job);
    if (ended) this.endTask(live.task);
  }

  private jobFailed(live: LiveJob): void {
    this.live.delete(live.job.PandaID);
    if (live.task.onJobFailed(live.job, this.sim.now)) this.endTask(live.task);
  }

  private endTask(task: JediTask): void {
    this.tasks.delete(task.jediTaskID);
    task.input.onEnd?.(task);
  }
}
