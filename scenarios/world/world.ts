/**
 * A running world built from a scenario and a placement policy (SimGrid's split: the scenario's platform and
 * application, the policy's deployment): the PanDA server and JEDI with the shared algorithms package, the
 * providers behind two Harvester instances, the network with Rucio/FTS flows and Globus Transfer, the
 * background load on the grid, and the workflows, each task routed by the policy when it is released.
 *
 * The run ends when every workflow has ended (if there are any), or at the horizon; then the metrics are folded into the
 * RunSummary of reports/summary.ts.
 *
 * Random streams (besides the models' own): `workload/<workflow>/<task>/work` per workflow task,
 * `workload/background/...` for the background, `panda/dispatch`, `globus/transfer`, `metrics/reservoir`,
 * `metrics/transfers`.
 */
import { buildShareTree, type ShareTree } from '@pandasim/panda';
import { Simulation } from '../../sim/engine.ts';
import { RandomStreams } from '../../sim/random.ts';
import { DataMover } from '../../models/data/mover.ts';
import { GlobusTransferService } from '../../models/globus/transfer-service.ts';
import { Jedi } from '../../models/jedi/jedi.ts';
import type { GeneratedJob, JediTaskHandle, JediTaskInput } from '../../models/jedi/jedi-task.ts';
import { FlowNetwork } from '../../models/network/flow-network.ts';
import { buildRegionalTopology } from '../../models/network/regional-topology.ts';
import {
  PandaServer,
  type JobTransition,
  type NewJob,
  type TableJob,
} from '../../models/server/panda-server.ts';
import {
  Workflow,
  type JobSlice,
  type TaskExecutor,
  type WorkflowTask,
} from '../../models/workflow/workflow.ts';
import { BackgroundLoad, backgroundTask } from '../../models/workload/background.ts';
import type { JobRecord } from '../../models/workload/job-records.ts';
import { JobRecordRecorder } from '../../models/workload/job-record-recorder.ts';
import { TraceReplay } from '../../models/workload/trace-replay.ts';
import { PriorityMassage } from '../../models/server/priority-massage.ts';
import { SUMMARY_VERSION, type RunSummary, type TaskSummary } from '../../reports/summary.ts';
import type { PlacementContext, PlacementPolicy, Route } from '../policies/policy.ts';
import type { Scenario } from '../scenario.ts';
import { buildCatalog, scoreQueue, type Catalog, type ResourceInfo } from './catalog.ts';
import { estimateTask } from './estimate.ts';
import { RunMetrics, SAMPLE_SIZE } from './metrics.ts';
import { RunInvariants } from './invariants.ts';
import { scenarioHash, toolProvenance } from '../provenance.ts';
import { RuntimeProvider } from '../../models/provider/runtime-provider.ts';
import type { ProviderWorker } from '../../models/provider/worker-runtime.ts';
import { Reservoir } from '../../sim/stats/reservoir.ts';
import { buildPlatform, type BuiltPlatform } from './platform.ts';
import { FuncxRoute } from './routes/funcx-route.ts';
import { LocalFirstRoute } from './routes/local-first-route.ts';
import { PandaTaskRoute, type WorkflowJob } from './routes/panda-route.ts';
import { TaskRun } from './task-run.ts';
import { WorkflowData } from './workflow-data.ts';
import type { FaultLedger } from './fault-ledger.ts';
import { injectFaults } from './faults.ts';

/** Metrics sampling period of the time series, s. */
export const SAMPLE_PERIOD = 600;
/** Simulated time `runInterruptible` runs between two looks at its signal, s. */
const RUN_SLICE = 3600;
/** Attempts a PanDA job gets (JEDI's `maxAttempt`; the task default is 3 [R]). */
export const MAX_ATTEMPTS = 3;
/** Causes after which a checkpointing payload resumes from its last checkpoint. */
const RESUMABLE = new Set(['walltime', 'preempted', 'node-failure', 'site-downtime']);

export interface RunOptions {
  readonly scenario: Scenario;
  readonly policy: PlacementPolicy;
  readonly seed: number;
  /** Called every simulated `SAMPLE_PERIOD` with the time reached (a progress bar). */
  readonly progress?: (now: number, horizon: number) => void;
  /** Receives one CSV line per job transition (EVENT_LOG_HEADER's columns), when the caller wants the log. */
  readonly eventLog?: (line: string) => void;
  /** Receives each ended job attempt as a PanDA job record (models/workload/job-record-recorder.ts). */
  readonly jobRecords?: (record: JobRecord) => void;
}

/** Columns of the event log: one row per insert or move of a PanDA job. */
export const EVENT_LOG_HEADER =
  'time,PandaID,attemptNr,jediTaskID,jobClass,computingSite,gshare,from,to,cause';

/** What the world keeps of a live PanDA job for metrics. */
interface LiveJob {
  readonly jobClass: string;
  workflow: WorkflowJob | undefined;
  createdAt: number;
  startingAt: number;
  startedAt: number;
}

export class World {
  readonly sim = new Simulation();
  readonly streams: RandomStreams;
  readonly server: PandaServer;
  readonly jedi: Jedi;
  readonly catalog: Catalog;
  readonly platform: BuiltPlatform;
  readonly mover: DataMover;
  readonly metrics: RunMetrics;
  readonly invariants: RunInvariants;
  readonly workflows: Workflow[] = [];
  /** The scenario's job-record traces being replayed; undefined without traces. */
  readonly traces: TraceReplay | undefined;
  private readonly records: JobRecordRecorder | undefined;
  private readonly shareTree: ShareTree;
  private readonly data: WorkflowData;
  private readonly runs = new Map<WorkflowTask, TaskRun>();
  private readonly taskClass = new Map<number, string>();
  private readonly live = new Map<number, LiveJob>();
  /** What the scenario's faults cost; undefined without faults. */
  private readonly faults: FaultLedger | undefined;
  private readonly pandaRoute: PandaTaskRoute;
  private readonly funcxRoutes = new Map<string, FuncxRoute>();
  private readonly localRoutes = new Map<string, LocalFirstRoute>();
  private readonly directLive = new Map<string, number>();
  private nextPayloadId = 1;
  private openWorkflows = 0;

  constructor(private readonly options: RunOptions) {
    const { scenario } = options;
    this.streams = new RandomStreams(options.seed);
    this.shareTree = buildShareTree(scenario.shares);
    this.catalog = buildCatalog(scenario.platform);
    const corepower = Object.fromEntries([...this.catalog.byQueue].map(([queue, r]) => [queue, r.corepower]));
    this.server = new PandaServer({
      clock: this.sim,
      shareTree: this.shareTree,
      rng: this.streams.stream('panda/dispatch'),
      corepower,
      maxAttempts: MAX_ATTEMPTS,
      retrySpec: (job, cause) => this.retrySpec(job, cause),
    });
    this.platform = buildPlatform(this.sim, this.streams, scenario.platform, this.server);

    const topology = buildRegionalTopology({
      endpoints: this.catalog.resources.map((r) => ({
        name: r.rse,
        site: r.name,
        region: r.region,
        access: r.uplink,
      })),
      regions: scenario.platform.network.regions.map((r) => ({
        name: r.name,
        backbone: r.backbone,
        latency: r.latency,
      })),
      interRegion: scenario.platform.network.links.map((l) => ({
        between: [l.a, l.b] as const,
        capacity: l.bandwidth,
        latency: l.latency,
      })),
    });
    const network = new FlowNetwork(this.sim, topology);
    const globus = new GlobusTransferService(this.sim, network, this.streams.stream('globus/transfer'));
    this.mover = new DataMover(this.sim, {
      network,
      globus,
      locations: this.catalog.resources.map((r) => ({
        endpoint: r.rse,
        site: r.name,
        region: r.region,
        globus: r.kind === 'hpc' || r.kind === 'funcx',
      })),
      transferTimes: new Reservoir(SAMPLE_SIZE, this.streams.stream('metrics/transfers')),
    });
    this.metrics = new RunMetrics(
      this.sim,
      this.streams.stream('metrics/reservoir'),
      this.catalog.resources.map((r) => r.name),
      this.shareTree.leafNames,
    );
    this.data = new WorkflowData(this.sim, this.mover, this.metrics);
    this.invariants = new RunInvariants({
      sim: this.sim,
      server: this.server,
      network,
      mover: this.mover,
      metrics: this.metrics,
      resources: this.catalog.resources,
      providers: new Map(
        [...this.platform.providers].filter(
          (entry): entry is [string, RuntimeProvider<ProviderWorker>] => entry[1] instanceof RuntimeProvider,
        ),
      ),
    });

    this.jedi = new Jedi(this.sim, this.streams, {
      server: this.server,
      world: this.catalog.world,
      shareTree: this.shareTree,
      stageIn: (job, done) => this.stageIn(job, done),
      stageOut: (job, done) => this.stageOut(job, done),
    });
    this.pandaRoute = new PandaTaskRoute(
      (input) => this.submitToJedi(input),
      this.catalog,
      () => this.jedi.nextTaskID(),
    );
    this.server.observe((t) => this.onTransition(t));
    if (options.jobRecords !== undefined) {
      this.records = new JobRecordRecorder({
        sink: options.jobRecords,
        replayed: (id) => this.traces?.recordOf(id),
        corepower: (queue) => corepower[queue],
      });
      this.server.observe(this.records.observe);
    }
    // The analysis watchdog's user-priority massage (fairshare.md §3.3): its loop of 300 s under a 6-minute
    // lock runs it every 10 min; job heartbeats (every 30 min) keep running jobs in the last hour's usage.
    new PriorityMassage(this.server, this.sim, { periodS: 600, heartbeatS: 1800 }).start();

    const gridQueues = this.catalog.resources.flatMap((r) => (r.kind === 'grid' ? r.pandaQueues : []));
    new BackgroundLoad(this.sim, this.streams, {
      specs: scenario.background,
      // The background is the grid's own production and analysis: it stays on the grid queues.
      jedi: {
        nextTaskID: () => this.jedi.nextTaskID(),
        submit: (input) => this.submitToJedi({ ...input, spec: { ...input.spec, includedSite: gridQueues } }),
      },
    });
    if (scenario.traces !== undefined) {
      const queues = this.catalog.world.queues;
      this.traces = new TraceReplay(this.sim, {
        specs: scenario.traces,
        sites: this.catalog.resources
          .filter((r) => r.kind === 'grid')
          .map((r) => ({ ...r, queues: queues.filter((q) => r.pandaQueues.includes(q.sitename)) })),
        resourceTypes: this.catalog.world.resourceTypes,
        maxAttempts: MAX_ATTEMPTS,
        submitJob: (job) => this.server.submit(job),
        observe: (observer) => this.server.observe(observer),
        newTask: (jobClass) => {
          const id = this.jedi.nextTaskID();
          this.taskClass.set(id, jobClass);
          return id;
        },
        // Like the background, a brokered trace stays on the grid queues.
        submitTask: (input) =>
          this.submitToJedi({ ...input, spec: { ...input.spec, includedSite: gridQueues } }),
      });
    }
    if ((scenario.warmStart ?? 0) > 0) this.sim.at(0, () => this.warmStart(scenario.warmStart ?? 0));
    for (const spec of scenario.workflows) {
      const workflow = new Workflow(spec, this.sim, (task) => this.executorOf(task), {
        workflowEnded: () => {
          if (--this.openWorkflows === 0) this.sim.stop();
        },
      });
      for (const task of workflow.tasks) {
        const run = new TaskRun(task, this.streams);
        this.runs.set(task, run);
        this.data.add(run);
      }
      this.workflows.push(workflow);
      this.openWorkflows++;
      this.sim.at(spec.submitAt, () => workflow.submit());
    }
    this.faults =
      scenario.faults !== undefined && scenario.faults.length > 0
        ? injectFaults(
            {
              sim: this.sim,
              streams: this.streams,
              horizon: scenario.horizon,
              server: this.server,
              jedi: this.jedi,
              catalog: this.catalog,
              platform: this.platform,
              network,
              globus,
              mover: this.mover,
            },
            scenario.faults,
          )
        : undefined;
    for (const harvester of this.platform.harvesters) harvester.start();
    this.sim.schedule(SAMPLE_PERIOD, () => this.sample());
  }

  /** The work of each job of a workflow task (common random numbers: the same under every policy). */
  taskWork(workflow: string, task: string): Float64Array {
    for (const run of this.runs.values()) {
      if (run.task.workflow === workflow && run.spec.name === task) return run.work.slice();
    }
    throw new Error(`world: no task ${workflow}/${task}`);
  }

  /** Runs to the end of the workflows or the horizon; returns the summary. */
  run(): RunSummary {
    // Without workflows (a background-only scenario) the run lasts the horizon.
    this.sim.run(this.options.scenario.horizon);
    return this.end(false);
  }

  /**
   * `run` in slices of simulated time with the event loop free in between, so that a signal (Ctrl-C) can stop
   * it: then the run ends where it was and its summary says `partial`. The same events run in the same order
   * as in `run`, so an uninterrupted run gives the same summary.
   */
  async runInterruptible(signal: AbortSignal): Promise<RunSummary> {
    const horizon = this.options.scenario.horizon;
    const allEnded = () => this.workflows.length > 0 && this.openWorkflows === 0;
    while (this.sim.now < horizon && !allEnded()) {
      this.sim.run(Math.min(horizon, this.sim.now + RUN_SLICE));
      await new Promise((resolve) => setImmediate(resolve));
      if (signal.aborted) return this.end(true);
    }
    return this.end(false);
  }

  private end(partial: boolean): RunSummary {
    this.metrics.sample();
    this.invariants.checkAll();
    const summary = this.summary();
    this.invariants.checkTotals(summary.jobClasses);
    return partial ? { ...summary, partial } : summary;
  }

  /**
   * A grid in its steady state, not empty: each grid site gets, per background load, tasks pinned to it whose
   * jobs fill `fraction` of its cores in proportion to the loads' demand (tasks/s × jobs × HS06·s per job).
   * They are already scouted (`skipScout`), and each job has a uniform fraction of a drawn job's work left, as
   * jobs caught at a random point of their run would [E]. Without it the brokerage's weight, (running + 1) /
   * (queued + 10) with the top 10 kept, leaves big empty sites idle for a simulated day or more.
   * Random streams: `workload/warm-start/<site>/<gshare>`.
   */
  private warmStart(fraction: number): void {
    const loads = this.options.scenario.background;
    const demand = loads.map((l) => l.taskRate * l.jobsPerTask.mean * l.cpuPerJob.mean);
    const total = demand.reduce((a, b) => a + b, 0);
    if (!(total > 0)) return;
    for (const site of this.options.scenario.platform.gridSites) {
      const cores = site.slots * site.coresPerSlot * fraction;
      loads.forEach((load, k) => {
        const nJobs = Math.round((cores * demand[k]) / total / load.coreCount);
        if (nJobs === 0) return;
        const queue = load.coreCount === 1 ? scoreQueue(site.name) : site.name;
        const rng = this.streams.fresh(`workload/warm-start/${site.name}/${load.gshare}`);
        // A background task as the load makes them (owner, user name, spec), with this site's jobs in it.
        const task = backgroundTask(load, this.jedi.nextTaskID(), rng);
        const work = Float64Array.from({ length: nJobs }, () => load.cpuPerJob.sample(rng) * rng.next());
        this.submitToJedi({
          ...task,
          spec: { ...task.spec, includedSite: [queue] },
          nJobs,
          payload: (i, pq) => ({ ...task.payload(0, pq), cpuWork: work[i] }),
          inputBytesPerJob: 0,
          outputBytesPerJob: 0,
          skipScout: true,
        });
      });
    }
  }

  // ------------------------------------------------------------------------------------------------------
  // Routing

  private executorOf(task: WorkflowTask): TaskExecutor {
    const run = this.runs.get(task);
    if (run === undefined) throw new Error(`world: no run for ${task.workflow}/${task.spec.name}`);
    return {
      run: (_task: WorkflowTask, slice: JobSlice, jobEnded: (index: number, ok: boolean) => void) => {
        const route = this.options.policy.route(task.spec, this.placementContext());
        run.route ??= route;
        const indices = Array.from({ length: slice.count }, (_, k) => slice.first + k);
        this.dispatch(run, route, indices, jobEnded);
      },
    };
  }

  private dispatch(
    run: TaskRun,
    route: Route,
    indices: number[],
    ended: (index: number, ok: boolean) => void,
  ): void {
    if (route.kind === 'panda') {
      this.pandaRoute.runJobs(run, route, indices, ended);
      return;
    }
    const counted = this.countDirect(run.jobClass, indices.length, ended);
    if (route.kind === 'funcx') {
      const funcx = this.funcxRoute(route.endpoint);
      for (const index of indices) funcx.runJob(run, index, (ok) => counted(index, ok));
      return;
    }
    this.localRoute(route.local, route.maxLocalWait).runJobs(run, indices, route.overflow, counted);
  }

  /** Jobs in the hands of a route outside PanDA, per job class: the live count the summary reports. */
  private countDirect(
    jobClass: string,
    n: number,
    ended: (index: number, ok: boolean) => void,
  ): (index: number, ok: boolean) => void {
    this.directLive.set(jobClass, (this.directLive.get(jobClass) ?? 0) + n);
    return (index, ok) => {
      this.directLive.set(jobClass, (this.directLive.get(jobClass) ?? 0) - 1);
      ended(index, ok);
    };
  }

  private funcxRoute(endpoint: string): FuncxRoute {
    let route = this.funcxRoutes.get(endpoint);
    if (route === undefined) {
      route = new FuncxRoute(
        this.sim,
        this.streams,
        this.platform.computeService,
        this.resource(endpoint),
        this.data,
        this.metrics,
        () => this.nextPayloadId++,
      );
      this.funcxRoutes.set(endpoint, route);
    }
    return route;
  }

  private localRoute(local: string, maxLocalWait: number): LocalFirstRoute {
    const key = `${local}\u0000${maxLocalWait}`;
    let route = this.localRoutes.get(key);
    if (route === undefined) {
      const cluster = this.platform.locals.get(local);
      if (cluster === undefined) throw new Error(`world: no local cluster ${local}`);
      route = new LocalFirstRoute(
        this.sim,
        cluster,
        this.resource(local),
        maxLocalWait,
        this.data,
        this.metrics,
        (run, indices, overflow, ended) => {
          // Withdrawn jobs leave the local count and join PanDA's.
          this.directLive.set(run.jobClass, (this.directLive.get(run.jobClass) ?? 0) - indices.length);
          this.pandaRoute.runJobs(run, overflow, indices, (index, ok) => {
            this.directLive.set(run.jobClass, (this.directLive.get(run.jobClass) ?? 0) + 1);
            ended(index, ok);
          });
        },
        () => this.nextPayloadId++,
      );
      this.localRoutes.set(key, route);
    }
    return route;
  }

  private placementContext(): PlacementContext {
    const busy = (name: string) => {
      const r = this.metrics.resource(name);
      return { cores: r.coresBusy, gpus: r.gpusBusy };
    };
    const spent = this.spent();
    return {
      now: this.sim.now,
      resources: this.catalog.resources,
      estimate: (task, resource) => estimateTask(task, this.resource(resource), this.catalog.resources, busy),
      spent,
      budget: this.options.scenario.budget ?? 0,
    };
  }

  private spent(): number {
    let cost = 0;
    for (const r of this.catalog.resources) {
      if (r.pricePerSlotHour > 0) cost += this.platform.providers.get(r.name)?.usage(this.sim.now).cost ?? 0;
    }
    return cost;
  }

  private resource(name: string): ResourceInfo {
    const r = this.catalog.resources.find((x) => x.name === name);
    if (r === undefined) throw new Error(`world: no resource ${name}`);
    return r;
  }

  // ------------------------------------------------------------------------------------------------------
  // PanDA jobs

  private submitToJedi(input: JediTaskInput): JediTaskHandle {
    this.taskClass.set(input.spec.jediTaskID, input.jobClass);
    this.records?.task(input.spec.jediTaskID, input.inputBytesPerJob, input.outputBytesPerJob);
    return this.jedi.submit({
      ...input,
      onEnd: (task) => {
        this.taskClass.delete(task.jediTaskID);
        this.records?.taskEnded(task.jediTaskID);
        input.onEnd?.(task);
      },
    });
  }

  private stageIn(job: GeneratedJob, done: () => void): void {
    const workflowJob = this.pandaRoute.workflowJob(job);
    if (workflowJob === undefined) {
      done();
      return;
    }
    // JEDI inserts the job (`assigned`) before it asks for the input transfer.
    const live = this.live.get(job.PandaID);
    // A retry JEDI brokered back to the resource of its previous attempt finds its input there already.
    const inputThere = live?.workflow?.resource === workflowJob.resource;
    if (live !== undefined) live.workflow = workflowJob;
    if (inputThere) {
      done();
      return;
    }
    // A copy that failed every attempt is counted by the mover (`transfersFailed`); the job is activated
    // anyway, as PanDA's would be once Rucio gives up on the rule, and runs on what reached the site.
    this.data.stageIn(workflowJob.run, workflowJob.resource, () => done());
  }

  private stageOut(job: GeneratedJob, done: () => void): void {
    const workflowJob = this.pandaRoute.workflowJob(job);
    if (workflowJob === undefined) {
      done();
      return;
    }
    this.data.stageOut(workflowJob.run, workflowJob.resource, () => done());
  }

  private onTransition(t: JobTransition): void {
    const { job, to, now } = t;
    let live = this.live.get(job.PandaID);
    if (this.options.eventLog !== undefined) this.logTransition(t, live?.jobClass);
    if (t.from === null) {
      if (live === undefined) {
        const jobClass = this.taskClass.get(job.jediTaskID) ?? 'unknown';
        live = {
          jobClass,
          workflow: undefined,
          createdAt: now,
          startingAt: Number.NaN,
          startedAt: Number.NaN,
        };
        this.live.set(job.PandaID, live);
        this.metrics.jobCreated(jobClass);
      } else {
        live.createdAt = now;
        live.startingAt = Number.NaN;
        live.startedAt = Number.NaN;
      }
      return;
    }
    if (live === undefined) throw new Error(`world: job ${job.PandaID} moved without being inserted`);
    const gpus = job.spec.payload.gpus;
    // A grid site has two PQs; metrics count by resource.
    const resource = this.catalog.byQueue.get(job.computingSite)?.name ?? job.computingSite;
    if (to === 'sent' || to === 'running' || to === 'starting')
      this.metrics.shareUsage(job.gshare, this.server.executingHs06(job.gshare));
    // The payload runs from `running`: on push queues Harvester reports `starting` when it submits the batch
    // job, before any node runs it. A job seen only `starting` before it ended (a payload shorter than a
    // monitor cycle) is timed from there.
    if (to === 'starting') live.startingAt = now;
    if (to === 'running' && Number.isNaN(live.startedAt)) {
      this.jobStarted(live, now, resource, gpus, job.coreCount);
      return;
    }
    if (to !== 'finished' && to !== 'failed' && to !== 'cancelled') return;
    if (Number.isNaN(live.startedAt) && !Number.isNaN(live.startingAt) && to !== 'cancelled') {
      this.jobStarted(live, live.startingAt, resource, gpus, job.coreCount);
    }
    this.metrics.shareUsage(job.gshare, this.server.executingHs06(job.gshare));
    if (to === 'cancelled') {
      this.metrics.jobCancelled(live.jobClass);
    } else {
      this.metrics.attemptEnded({
        jobClass: live.jobClass,
        resource,
        ok: to === 'finished',
        retried: t.retried,
        wait: live.startedAt - live.createdAt,
        run: Number.isNaN(live.startedAt) ? 0 : now - live.startedAt,
        cores: job.coreCount,
        gpus,
        cause: t.cause,
      });
      if (to === 'finished') live.workflow?.run.finishedAt(resource);
    }
    if (!t.retried) this.live.delete(job.PandaID);
  }

  private logTransition(t: JobTransition, known: string | undefined): void {
    const { job } = t;
    const jobClass = known ?? this.taskClass.get(job.jediTaskID) ?? 'unknown';
    const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
    this.options.eventLog?.(
      [
        t.now,
        job.PandaID,
        job.attemptNr,
        job.jediTaskID,
        quote(jobClass),
        quote(job.computingSite),
        quote(job.gshare),
        t.from ?? '',
        t.to,
        t.cause ?? '',
      ].join(','),
    );
  }

  private jobStarted(live: LiveJob, at: number, resource: string, gpus: number, cores: number): void {
    live.startedAt = at;
    this.metrics.started(resource, gpus, cores);
    live.workflow?.run.started(at);
  }

  /**
   * A killed attempt of a checkpointing workflow job resumes with the work left after its last checkpoint: the
   * work done there is recorded in the task's progress, which the payload JEDI asks again for the retry's queue
   * reads (the spec returned here is what a retry the server keeps on the same queue would run).
   */
  private retrySpec(job: Readonly<TableJob>, cause: string | undefined): NewJob {
    const live = this.live.get(job.PandaID);
    const w = live?.workflow;
    if (live === undefined || w === undefined || cause === undefined || !RESUMABLE.has(cause))
      return job.spec;
    const ran = this.sim.now - live.startedAt;
    const kept = w.run.checkpointedWork(ran, w.resource, w.cpuOnly);
    if (!(kept > 0)) return job.spec;
    w.run.progress[w.index] = Math.min(w.run.work[w.index], w.run.progress[w.index] + kept);
    return { ...job.spec, payload: w.run.payload(job.PandaID, w.index, w.resource, w.cpuOnly) };
  }

  // ------------------------------------------------------------------------------------------------------
  // Sampling and the summary

  private sample(): void {
    this.metrics.sample();
    this.invariants.maybeCheck();
    this.options.progress?.(this.sim.now, this.options.scenario.horizon);
    this.sim.schedule(SAMPLE_PERIOD, () => this.sample());
  }

  private summary(): RunSummary {
    const { scenario, policy, seed } = this.options;
    const now = this.sim.now;
    const liveByClass = new Map<string, number>();
    for (const job of this.live.values())
      liveByClass.set(job.jobClass, (liveByClass.get(job.jobClass) ?? 0) + 1);
    for (const [jobClass, n] of this.directLive)
      liveByClass.set(jobClass, (liveByClass.get(jobClass) ?? 0) + n);
    const jobClasses = this.metrics.jobClasses((c) => liveByClass.get(c) ?? 0);
    const achieved = this.metrics.achievedShares();
    const resources = this.catalog.resources.map((r) => {
      const counters = this.metrics.resource(r.name);
      const usage = this.platform.providers.get(r.name)?.usage(now);
      const capacity = r.gpus > 0 ? r.gpus : r.cores;
      const held = r.gpus > 0 ? (usage?.gpuSeconds ?? 0) : (usage?.coreSeconds ?? 0);
      return {
        name: r.name,
        kind: r.kind,
        utilisation: now > 0 && capacity > 0 ? held / (capacity * now) : 0,
        cpuHours: (usage?.coreSeconds ?? counters.coreSeconds) / 3600,
        gpuHours: (usage?.gpuSeconds ?? counters.gpuSeconds) / 3600,
        cost: usage?.cost ?? 0,
        jobsFinished: counters.finished,
        jobsFailed: counters.failed,
      };
    });
    const sum = (f: (c: (typeof jobClasses)[number]) => number) => jobClasses.reduce((a, c) => a + f(c), 0);
    return {
      version: SUMMARY_VERSION,
      scenario: scenario.name,
      policy: policy.name,
      seed,
      simulatedTime: now,
      horizon: scenario.horizon,
      eventsProcessed: this.sim.eventsProcessed,
      workflows: this.workflows.map((w) => ({
        name: w.name,
        user: w.spec.user,
        submitted: w.submittedAt,
        end: Number.isNaN(w.endedAt) ? null : w.endedAt,
        makespan: Number.isNaN(w.endedAt) ? null : w.endedAt - w.submittedAt,
        tasks: w.tasks.map((t) => this.taskSummary(t)),
      })),
      jobClasses,
      cpuHours: sum((c) => c.cpuHours),
      gpuHours: sum((c) => c.gpuHours),
      bytesMoved: { ...this.mover.bytesMoved },
      wastedCoreHours: sum((c) => c.wastedCoreHours),
      wastedGpuHours: sum((c) => c.wastedGpuHours),
      cost: resources.reduce((a, r) => a + r.cost, 0),
      shares: this.shareTree.leafNames.map((name) => ({
        name,
        target: this.shareTree.norm[this.shareTree.nodeIndex.get(name) ?? 0] / 100,
        achieved: achieved.get(name) ?? 0,
      })),
      resources,
      runningJobs: this.metrics.runningJobs(),
      gpusBusy: this.metrics.gpusBusy(),
      shareUsage: this.metrics.shareSeriesSummary(),
      waitSamples: this.metrics.waitSamples(),
      transferSamples: this.mover.transferSample.sorted(),
      provenance: { scenarioHash: scenarioHash(scenario), ...toolProvenance() },
      ...(this.faults === undefined ? {} : { faults: this.faults.summary() }),
    };
  }

  private taskSummary(task: WorkflowTask): TaskSummary {
    const run = this.runs.get(task);
    if (run === undefined) throw new Error(`world: no run for ${task.spec.name}`);
    return {
      workflow: task.workflow,
      task: task.spec.name,
      jediTaskID: run.jediTaskIDs[0] ?? 0,
      route: routeLabel(run.route),
      submitted: Number.isNaN(task.releasedAt) ? 0 : task.releasedAt,
      start: Number.isNaN(run.firstStart) ? null : run.firstStart,
      end: Number.isNaN(task.endedAt) ? null : task.endedAt,
      nJobs: task.spec.nJobs,
      nFinished: task.finished,
      nFailed: task.failed,
      jobsPerResource: { ...run.jobsPerResource },
      bytesIn: run.bytesIn,
      bytesOut: run.bytesOut,
      transferTime: Number.isNaN(run.firstTransfer) ? 0 : run.lastTransfer - run.firstTransfer,
    };
  }
}

function routeLabel(route: Route | null): string {
  if (route === null) return 'not-released';
  if (route.kind === 'funcx') return `funcx:${route.endpoint}`;
  if (route.kind === 'local-first') return `local-first:${route.local}`;
  return route.queues === null
    ? 'panda:all'
    : `panda:${route.queues.length} queues${route.cpuOnly ? ' (cpu)' : ''}`;
}

/** Runs one scenario under one policy and seed. */
export function runWorld(options: RunOptions): RunSummary {
  return new World(options).run();
}
