/**
 * One Harvester instance: its queues (each a queue config and the plugin of its provider), its local DB, and
 * its agents, each on its own loop (harvester-params.ts). A job moves from agent to agent through the DB,
 * and each hand-off waits for the next cycle of the agent taking over — the delays a placement policy pays
 * for going through Harvester (providers.md §1.6 "model implication").
 *
 * Start-up follows the master (`harvesterbody/master.py`): the CredManager runs once, then the Cacher pulls
 * the job statistics once, and the other agents start when they have arrived.
 *
 * Random streams: `harvester/<harvesterID>/<agent>` (loop phases and randomised sleeps).
 */
import type { Simulation } from '../../sim/engine.ts';
import type { RandomStreams } from '../../sim/random.ts';
import type { AgentContext } from './agent-context.ts';
import { AgentLoop } from './agent-loop.ts';
import { Cacher } from './cacher.ts';
import { CredentialStore, type CredentialConfig, type RenewalFault } from './credentials.ts';
import {
  harvesterParams,
  type AgentLoopParams,
  type HarvesterParams,
  type HarvesterParamsOptions,
} from './harvester-params.ts';
import { Hop } from './hop.ts';
import { JobFetcher } from './job-fetcher.ts';
import { LocalDb, type HarvesterObserver, type HarvesterStats } from './local-db.ts';
import { QueueState } from './records.ts';
import { Monitor } from './monitor.ts';
import type { PandaServerApi } from './panda-server-api.ts';
import type { WorkerPlugin } from './plugin.ts';
import { Propagator } from './propagator.ts';
import type { QueueConfig } from './queue-config.ts';
import { instantStage, preparator, stager, type StageFunction } from './staging-agent.ts';
import { Submitter } from './submitter.ts';
import { Sweeper } from './sweeper.ts';

/** A PanDA queue served by this Harvester: its config and the plugin of the provider behind it. */
export interface QueueBinding {
  readonly config: QueueConfig;
  readonly plugin: WorkerPlugin;
}

export interface HarvesterOptions {
  readonly server: PandaServerApi;
  readonly queues: readonly QueueBinding[];
  readonly params?: HarvesterParamsOptions;
  /** Tokens per provider name; a provider not listed needs none. */
  readonly credentials?: Readonly<Record<string, Partial<CredentialConfig>>>;
  readonly renewalFaults?: readonly RenewalFault[];
  /** Push mode: input and output transfers of a job (default: done at once). */
  readonly stageIn?: StageFunction;
  readonly stageOut?: StageFunction;
  readonly observer?: HarvesterObserver;
}

/** A queue's counters as Harvester sees them. */
export interface HarvesterQueueView {
  readonly nQueueWorkers: number;
  readonly nRunningWorkers: number;
  readonly nStartingJobs: number;
  readonly nRunningJobs: number;
  readonly nPreparedJobs: number;
}

function checkQueues(queues: readonly QueueBinding[]): void {
  const names = new Set<string>();
  for (const { config, plugin } of queues) {
    if (names.has(config.queueName)) throw new Error(`harvester: queue ${config.queueName} is given twice`);
    names.add(config.queueName);
    if (plugin.name !== config.submitter.name) {
      throw new Error(
        `harvester: queue ${config.queueName} asks for submitter ${config.submitter.name}, its plugin is ${plugin.name}`,
      );
    }
    const problem = plugin.queueProblem(config);
    if (problem !== undefined) throw new Error(`harvester: queue ${config.queueName}: ${problem}`);
  }
}

export class Harvester {
  readonly params: HarvesterParams;
  readonly credentials: CredentialStore;
  private readonly db: LocalDb;
  private readonly context: AgentContext;
  private readonly cacher: Cacher;
  private readonly loops: AgentLoop[] = [];
  private started = false;
  private stopped = false;
  /** Outages in force (`pause`): the agents skip their cycles while any lasts. */
  private outages = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly random: RandomStreams,
    private readonly options: HarvesterOptions,
  ) {
    checkQueues(options.queues);
    this.params = harvesterParams(options.params);
    this.credentials = new CredentialStore(options.credentials ?? {}, options.renewalFaults);
    this.db = new LocalDb(
      options.queues.map(({ config, plugin }) => new QueueState(config, plugin)),
      this.params.harvesterID,
      options.observer ?? {},
    );
    this.context = {
      sim,
      params: this.params,
      db: this.db,
      server: options.server,
      serverHop: new Hop(sim, this.params.latency.server),
      providerHop: new Hop(sim, this.params.latency.provider),
      credentials: this.credentials,
    };
    this.cacher = new Cacher(this.context);
  }

  get stats(): Readonly<HarvesterStats> {
    return this.db.stats;
  }

  queue(queueName: string): HarvesterQueueView {
    const queue = this.db.queues.find((q) => q.config.queueName === queueName);
    if (queue === undefined) throw new Error(`harvester: no queue ${queueName}`);
    return {
      nQueueWorkers: queue.nQueueWorkers,
      nRunningWorkers: queue.nRunningWorkers,
      nStartingJobs: queue.nStartingJobs,
      nRunningJobs: queue.nRunningJobs,
      nPreparedJobs: queue.prepared.length,
    };
  }

  /** The provider whose credentials the plugin of `queueName` presents, if this instance serves the queue. */
  providerOf(queueName: string): string | undefined {
    return this.options.queues.find(({ config }) => config.queueName === queueName)?.plugin.provider;
  }

  /**
   * The instance is down (a scenario fault) until `resume`: no agent runs a cycle, so nothing is fetched,
   * submitted, monitored or reported. Workers go on at their providers and true pilots talk to the server
   * themselves; what Harvester should have learnt or told meanwhile waits for the cycles after `resume`.
   */
  pause(): void {
    this.outages++;
  }

  resume(): void {
    if (this.outages === 0) throw new Error('harvester: resumed without a pause');
    this.outages--;
  }

  /** Starts the agents now. */
  start(): void {
    if (this.started) throw new Error('harvester: started twice');
    this.started = true;
    const { sim, context, params } = this;
    this.credentials.issueCommon(sim.now);
    this.loop('credManager', params.credManager, () => this.credentials.cycle(sim.now));
    this.cacher.prerun(() => {
      this.loop('cacher', params.cacher, this.cacher.cycle);
      this.loop('jobFetcher', params.jobFetcher, new JobFetcher(context).cycle);
      this.loop(
        'preparator',
        params.preparator,
        preparator(context, this.options.stageIn ?? instantStage).cycle,
      );
      this.loop('submitter', params.submitter, new Submitter(context, this.cacher).cycle);
      this.loop('monitor', params.monitor, new Monitor(context).cycle);
      this.loop('stager', params.stager, stager(context, this.options.stageOut ?? instantStage).cycle);
      this.loop('propagator', params.propagator, new Propagator(context).cycle);
      this.loop('sweeper', params.sweeper, new Sweeper(context).cycle);
    });
  }

  /** Stops every agent at its next wake (workers already submitted go on at their providers). */
  stop(): void {
    this.stopped = true;
    for (const loop of this.loops) loop.stop();
  }

  private loop(agent: string, params: AgentLoopParams, cycle: () => void): void {
    if (this.stopped) return;
    const rng = this.random.stream(`harvester/${this.params.harvesterID}/${agent}`);
    this.loops.push(
      new AgentLoop(this.sim, rng, params, () => {
        if (this.outages === 0) cycle();
      }),
    );
  }
}
