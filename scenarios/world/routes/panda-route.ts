/**
 * A workflow task through PanDA: its jobs become a JEDI task (pinned to the route's queues by `includedSite`,
 * a GPU task asking for NVIDIA GPUs in its `architecture` so the brokerage's hardware check keeps it to GPU
 * queues), JEDI brokers and generates the jobs, Harvester and the providers run them. The task's outputs
 * collect at the nucleus the task brokerage picks.
 */
import type { SiteSpec, TaskSpec } from '@pandasim/panda';
import type { GeneratedJob, JediTaskHandle, JediTaskInput } from '../../../models/jedi/jedi-task.ts';
import type { PandaRoute as Route } from '../../policies/policy.ts';
import { nucleusForPinnedTask, type Catalog, type ResourceInfo } from '../catalog.ts';
import type { TaskRun } from '../task-run.ts';

/** The JSON `architecture` of a task that needs an NVIDIA GPU (JediTaskSpec `get_host_gpu_spec`). */
const NVIDIA_GPU = JSON.stringify({
  sw_platform: 'x86_64-el9-gcc13-opt',
  gpu_spec: { vendor: 'nvidia', model: '*' },
});

/**
 * The release and container the workflow's tasks run [E]: the brokerage checks software and hardware only for
 * tasks with a `transHome` (brokerage.md §2.2 step 10), so without one a GPU task would pass CPU-only PQs.
 */
const RELEASE = { transHome: 'Athena-24.0.10', container_name: 'atlas/athena:24.0.10' } as const;

/** What the world keeps per PanDA job of a workflow task, to follow it through the server's transitions. */
export interface WorkflowJob {
  readonly run: TaskRun;
  readonly index: number;
  readonly resource: ResourceInfo;
  readonly cpuOnly: boolean;
}

export class PandaTaskRoute {
  constructor(
    /** Jedi's `submit` (the world's wrapper around it). */
    private readonly submit: (input: JediTaskInput) => JediTaskHandle,
    private readonly catalog: Catalog,
    private readonly nextTaskID: () => number,
  ) {}

  private readonly tasks = new Map<number, { run: TaskRun; indices: readonly number[]; cpuOnly: boolean }>();

  /** Submits jobs `indices` of `run` as one JEDI task; `ended(index, ok)` once per job. */
  runJobs(
    run: TaskRun,
    route: Route,
    indices: readonly number[],
    ended: (index: number, ok: boolean) => void,
  ): void {
    const jediTaskID = this.nextTaskID();
    run.jediTaskIDs.push(jediTaskID);
    const gpu = run.spec.kind === 'gpu' && !route.cpuOnly;
    const spec: TaskSpec = {
      jediTaskID,
      prodSourceLabel: run.spec.prodSourceLabel,
      taskType: 'prod',
      gshare: run.spec.gshare,
      currentPriority: run.spec.priority,
      taskPriority: run.spec.priority,
      coreCount: run.spec.coreCount,
      ramCount: run.spec.ramMB,
      ramUnit: 'MB',
      maxWalltime: run.spec.walltime,
      // One event per job, as JEDI here counts them: HS06·s per event is the mean work per job; a GPU job
      // counts the reference cores it holds (10 HS06 each) for its A100 time.
      cpuTime: run.cpuTimePerJob(),
      cpuTimeUnit: 'HS06sPerEvent',
      userName: run.task.workflow,
      ...RELEASE,
    };
    if (route.queues !== null) {
      spec.includedSite = [...route.queues];
      const nucleus = nucleusForPinnedTask(this.catalog, route.queues, gpu);
      if (nucleus !== null) spec.nucleus = nucleus;
    }
    if (gpu) spec.architecture = NVIDIA_GPU;
    const finished = new Set<number>();
    this.tasks.set(jediTaskID, { run, indices, cpuOnly: route.cpuOnly });
    this.submit({
      spec,
      nJobs: indices.length,
      payload: (jobIndex: number, queue: SiteSpec) => {
        const resource = this.resourceOf(queue);
        return run.payload(0, indices[jobIndex], resource, route.cpuOnly);
      },
      inputBytesPerJob: run.spec.inputBytesPerJob,
      outputBytesPerJob: run.spec.outputBytesPerJob,
      jobClass: run.jobClass,
      owner: run.task.workflow,
      onJobFinished: (job) => {
        finished.add(job.jobIndex);
        ended(indices[job.jobIndex], true);
      },
      onEnd: (task) => {
        this.tasks.delete(task.jediTaskID);
        // Jobs that never finished failed for good (or were never generated: the task broke).
        indices.forEach((index, jobIndex) => {
          if (!finished.has(jobIndex)) ended(index, false);
        });
      },
    });
  }

  /**
   * The workflow job behind a job JEDI generated, or undefined for a job of another task (the background).
   * The task's outputs collect at its nucleus: the first job generated fixes the task's home.
   */
  workflowJob(job: GeneratedJob): WorkflowJob | undefined {
    const entry = this.tasks.get(job.jediTaskID);
    if (entry === undefined) return undefined;
    entry.run.home ??= `${job.nucleus}_DATADISK`;
    const resource = this.catalog.byQueue.get(job.computingSite);
    if (resource === undefined)
      throw new Error(`panda route: job ${job.PandaID} at unknown queue ${job.computingSite}`);
    return { run: entry.run, index: entry.indices[job.jobIndex], resource, cpuOnly: entry.cpuOnly };
  }

  private resourceOf(queue: SiteSpec): ResourceInfo {
    const resource = this.catalog.byQueue.get(queue.pandasite) ?? this.catalog.byQueue.get(queue.sitename);
    if (resource === undefined) throw new Error(`panda route: unknown queue ${queue.sitename}`);
    return resource;
  }
}
