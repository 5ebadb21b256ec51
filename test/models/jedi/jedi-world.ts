// A small hand-made world for the JEDI and background-load tests: three single-core production queues at three
// ATLAS sites (two of them nuclei), a two-share tree, the server's job table, and a fake executor standing in for
// pilots: it polls every queue for production and analysis jobs alike (label `unified`), runs what it gets for
// the payload's time, and reports the end.

import {
  buildShareTree,
  ILLUSTRATIVE_RESOURCE_TYPES,
  type ShareTree,
  type SiteSpec,
  type TaskSpec,
} from '@pandasim/panda';
import { Simulation } from '../../../sim/engine.ts';
import { RandomStreams } from '../../../sim/random.ts';
import type { JobSpec } from '../../../models/harvester/panda-server-api.ts';
import { Jedi, type JediOptions, type JediWorld } from '../../../models/jedi/jedi.ts';
import type { JediTaskInput } from '../../../models/jedi/jedi-task.ts';
import { PandaServer } from '../../../models/server/panda-server.ts';

export const PROD = 'Prod';
export const ANALYSIS = 'Analysis';
export const QUEUES = ['A', 'B', 'C'] as const;
export const COREPOWER = 10;

function queue(sitename: string): SiteSpec {
  return {
    sitename,
    pandasite: `SITE_${sitename}`,
    cloud: 'WORLD',
    type: 'production',
    status: 'online',
    coreCount: 1,
    corepower: COREPOWER,
    maxrss: 0,
    minrss: 0,
    maxtime: 0,
    mintime: 0,
    maxwdir: 0,
    maxinputsize: 0,
    pledgedCPU: 0,
    transferringlimit: 0,
  };
}

export function world(): JediWorld {
  return {
    queues: QUEUES.map(queue),
    resourceTypes: [...ILLUSTRATIVE_RESOURCE_TYPES],
    ddmEndpoints: {},
    nuclei: {
      SITE_A: { name: 'SITE_A', state: 'ACTIVE', allPandaSites: ['A'] },
      SITE_B: { name: 'SITE_B', state: 'ACTIVE', allPandaSites: ['B'] },
    },
    network: {},
  };
}

export const TREE: ShareTree = buildShareTree([
  { name: PROD, value: 80 },
  { name: ANALYSIS, value: 20 },
]);

export interface Lab {
  sim: Simulation;
  server: PandaServer;
  jedi: Jedi;
}

export function lab(seed: number, options: Partial<JediOptions> = {}, maxAttempts = 2): Lab {
  const sim = new Simulation();
  const streams = new RandomStreams(seed);
  const server = new PandaServer({
    clock: sim,
    shareTree: TREE,
    rng: streams.stream('server/dispatch'),
    corepower: Object.fromEntries(QUEUES.map((q) => [q, COREPOWER])),
    maxAttempts,
  });
  const jedi = new Jedi(sim, streams, { server, world: world(), shareTree: TREE, cycle: 60, ...options });
  return { sim, server, jedi };
}

export function spec(jediTaskID: number, extra: Partial<TaskSpec> = {}): TaskSpec {
  return {
    jediTaskID,
    prodSourceLabel: 'managed',
    gshare: PROD,
    currentPriority: 500,
    coreCount: 1,
    ramCount: 1000,
    ramUnit: 'MB',
    ...extra,
  };
}

/** A task whose job `i` runs `seconds(i)` wherever it lands. */
export function task(
  taskSpec: TaskSpec,
  nJobs: number,
  seconds: (jobIndex: number) => number = () => 600,
  extra: Partial<JediTaskInput> = {},
): JediTaskInput {
  return {
    spec: taskSpec,
    nJobs,
    payload: (jobIndex) => ({
      id: jobIndex,
      cpuWork: 0,
      gpuWork: 0,
      cores: 1,
      gpus: 0,
      fixedTime: seconds(jobIndex),
    }),
    inputBytesPerJob: 2e9,
    outputBytesPerJob: 5e8,
    jobClass: 'test',
    owner: 'alice',
    ...extra,
  };
}

/**
 * Pilots: every `poll` seconds each queue asks for as many jobs as it has free slots (so the SiteData pilot
 * counts are non-zero from the start), runs each for its payload time and reports it finished, or failed
 * when `fails(job)` says so.
 */
export class FakeExecutor {
  private readonly busy = new Map<string, number>();

  constructor(
    private readonly sim: Simulation,
    private readonly server: PandaServer,
    private readonly slots = 20,
    private readonly fails: (job: JobSpec) => boolean = () => false,
    private readonly poll = 30,
  ) {
    sim.schedule(0, () => this.round());
  }

  private round(): void {
    for (const site of QUEUES) {
      const free = this.slots - (this.busy.get(site) ?? 0);
      for (const job of this.server.getJobs({
        siteName: site,
        nJobs: free,
        harvesterID: 'fake',
        prodSourceLabel: 'unified',
      })) {
        this.start(site, job);
      }
    }
    this.sim.schedule(this.poll, () => this.round());
  }

  private start(site: string, job: JobSpec): void {
    this.busy.set(site, (this.busy.get(site) ?? 0) + 1);
    const report = {
      PandaID: job.PandaID,
      attemptNr: job.attemptNr,
      from: 'pilot',
      harvesterID: 'fake',
    } as const;
    this.server.updateJobs([{ ...report, jobStatus: 'running' }]);
    const seconds = job.payload.fixedTime + job.payload.cpuWork / (job.coreCount * COREPOWER);
    this.sim.schedule(seconds, () => {
      this.busy.set(site, (this.busy.get(site) ?? 0) - 1);
      const failed = this.fails(job);
      this.server.updateJobs([
        failed
          ? { ...report, jobStatus: 'failed', cause: 'payload-error' }
          : { ...report, jobStatus: 'finished' },
      ]);
    });
  }
}
