/**
 * Harvester's Globus Compute (funcX) plugin end to end on a small world: a grid storage endpoint and an LCF
 * DTN joined by one link each way, a toy GPU machine behind a Globus Compute multi-user endpoint, the cloud
 * service, Harvester with a funcX queue whose inputs and outputs move by Globus, and a workload pool serving
 * GPU jobs with one input and one output file each.
 *
 * Every duration is fixed and every agent wakes at a fixed phase, so a job's timeline is checked exactly as the
 * sum of its parts: the agents' cycles, the stage-in group flush and transfer, the submission's hops and API
 * calls, the cold start at the LCF and the run, the monitor's polls, the stage-out and the report.
 */
import { describe, expect, it } from 'vitest';
import { constant } from '../../../sim/distributions.ts';
import { Simulation } from '../../../sim/engine.ts';
import { RandomStreams, type Rng } from '../../../sim/random.ts';
import { DataCatalog } from '../../../models/data/catalog.ts';
import { MultiUserEndpoint } from '../../../models/funcx/endpoint.ts';
import { ComputeService } from '../../../models/funcx/service.ts';
import type { GlobusTransferParams } from '../../../models/globus/params.ts';
import { GlobusTransferService } from '../../../models/globus/transfer-service.ts';
import {
  DEFAULT_TASK_BYTES,
  FuncxPlugin,
  type FuncxPluginOptions,
} from '../../../models/harvester/funcx-plugin.ts';
import { GlobusStaging, type StageRecord } from '../../../models/harvester/globus-staging.ts';
import { Harvester, type HarvesterOptions } from '../../../models/harvester/harvester.ts';
import {
  DEPLOYMENT_LATENCY,
  type AgentLoopParams,
  type HarvesterDeployment,
  type HarvesterParamsOptions,
  type HopLatencies,
} from '../../../models/harvester/harvester-params.ts';
import type { JobSpec } from '../../../models/harvester/panda-server-api.ts';
import type { SubmitResult, WorkerCheck, WorkSpec } from '../../../models/harvester/plugin.ts';
import { FUNCX_TEMPLATE, GRID_PULL_TEMPLATE, queueConfig } from '../../../models/harvester/queue-config.ts';
import type { HarvesterJob } from '../../../models/harvester/records.ts';
import { HpcMachine } from '../../../models/hpc/hpc-machine.ts';
import { FlowNetwork } from '../../../models/network/flow-network.ts';
import { Topology } from '../../../models/network/topology.ts';
import { WorkloadPool } from './workload-pool.ts';
import { toyGpuMachine } from '../funcx/fixtures.ts';

const HOUR = 3600;
const MB = 1e6;

// Globus Compute and the LCF (as in test/models/funcx/globus-compute.test.ts).
const API = 0.3;
const UEP_START = 10;
const STRATEGY_PERIOD = 5;
const QUEUE_WAIT = 600;
const BOOT = 60 + 60; // node start + worker_init
const DISPATCH = 0.5;
/** From the task reaching the service to its payload starting, on a cold endpoint. */
const COLD_START = UEP_START + STRATEGY_PERIOD + QUEUE_WAIT + BOOT + DISPATCH;

// Globus Transfer over one 10 Gb/s link of 50 ms each way.
const R = 1.25e9;
const LINK_LATENCY = 0.05;
const TASK_STARTUP = 15;
const PER_FILE = 0.5;
const CHECKSUM_RATE = 1e9;
const GROUP_MAX_AGE = 600;
const IN_BYTES = 10e9;
const OUT_BYTES = 1e9;

const GRID_RSE = 'BNL-OSG2_DATADISK';
const LCF_RSE = 'ALCF_EAGLE';
const QUEUE_NAME = 'ALCF_FUNCX';
const ACTIVATION = 10;

/** A one-GPU job running `seconds` on an A100, with input `in.<id>` and output `out.<id>`. */
function gpuJob(PandaID: number, seconds: number, owner = 'alice'): JobSpec {
  return {
    PandaID,
    jediTaskID: 1,
    attemptNr: 1,
    computingSite: QUEUE_NAME,
    prodSourceLabel: 'managed',
    coreCount: 1,
    minRamCount: 0,
    maxWalltime: 0,
    prodUserName: owner,
    payload: { id: PandaID, cpuWork: 0, gpuWork: seconds, cores: 1, gpus: 1, fixedTime: 0 },
  };
}

const QUEUE = queueConfig(FUNCX_TEMPLATE, {
  queueName: QUEUE_NAME,
  submitter: { nCorePerNode: 32, nGpuPerNode: 4, memoryPerNodeMB: 512_000 },
  preparator: { name: 'GlobusBulkPreparator' },
  stager: { name: 'GlobusBulkStager' },
});

/** One thread per agent, fixed sleeps, first cycles `firstWake` s after the agents start. */
function fixed(firstWake: number, sleepTime = 60): Partial<AgentLoopParams> {
  return { nThreads: 1, randomizeSleep: false, firstWake, sleepTime };
}

/** Distinct fixed phases; the monitor keeps its 600 s sleep and 300 s check interval. */
function fixedPhases(deployment: HarvesterDeployment): HarvesterParamsOptions {
  return {
    deployment,
    cacher: { firstWake: 0 },
    credManager: { firstWake: 0 },
    jobFetcher: fixed(5),
    preparator: fixed(10),
    submitter: fixed(20),
    monitor: fixed(30, 600),
    stager: fixed(40),
    propagator: fixed(50),
    sweeper: fixed(55),
  };
}

const NO_FAULTS: Partial<GlobusTransferParams> = { faultProbability: 0, hardFailureProbability: 0 };

interface WorldOptions {
  deployment?: HarvesterDeployment;
  params?: HarvesterParamsOptions;
  plugin?: Partial<FuncxPluginOptions>;
  harvester?: Partial<HarvesterOptions>;
  /** Jobs activated at ACTIVATION. */
  jobs: readonly JobSpec[];
  /** Jobs activated later. */
  later?: readonly { readonly time: number; readonly job: JobSpec }[];
}

/**
 * The grid storage endpoint and the LCF DTN, one link each way, with Globus Transfer between them and a
 * catalog holding one RSE at each end.
 */
function gridToLcf(sim: Simulation, transferStream: Rng) {
  const topology = new Topology();
  topology.addEndpoint({ name: 'BNL_DTN', site: 'BNL-ATLAS', region: 'US', kind: 'storage' });
  topology.addEndpoint({ name: 'ALCF_DTN', site: 'ALCF', region: 'US', kind: 'dtn' });
  for (const [from, to] of [
    ['BNL_DTN', 'ALCF_DTN'],
    ['ALCF_DTN', 'BNL_DTN'],
  ]) {
    topology.addLink({ name: `${from}->${to}`, capacity: R, latency: LINK_LATENCY, linkClass: 'wan' });
    topology.setRoute(from, to, [`${from}->${to}`]);
  }
  const network = new FlowNetwork(sim, topology);
  const transfer = new GlobusTransferService(sim, network, transferStream, {
    ...NO_FAULTS,
    taskStartup: TASK_STARTUP,
    perFileOverhead: PER_FILE,
    checksumRate: CHECKSUM_RATE,
  });
  const catalog = new DataCatalog();
  catalog.addStorage({ name: GRID_RSE, site: 'BNL-ATLAS', networkEndpoint: 'BNL_DTN', capacity: Infinity });
  catalog.addStorage({ name: LCF_RSE, site: 'ALCF', networkEndpoint: 'ALCF_DTN', capacity: Infinity });
  return { network, transfer, catalog };
}

function world(options: WorldOptions) {
  const sim = new Simulation();
  const streams = new RandomStreams(1);
  const { network, transfer, catalog } = gridToLcf(sim, streams.stream('globus/transfer'));
  const later = options.later ?? [];
  const ids = [...options.jobs, ...later.map(({ job }) => job)].map((job) => job.PandaID);
  catalog.addFiles(
    'mc.input',
    ids.map((id) => ({ name: `in.${id}`, bytes: IN_BYTES })),
  );
  catalog.addFiles(
    'mc.output',
    ids.map((id) => ({ name: `out.${id}`, bytes: OUT_BYTES })),
  );
  for (const id of ids) catalog.placeReplica(`in.${id}`, GRID_RSE);
  const stages: StageRecord[] = [];
  const staging = new GlobusStaging(sim, {
    transfer,
    catalog,
    gridStorage: GRID_RSE,
    lcfStorage: LCF_RSE,
    user: 'harvester',
    files: { inputs: (job) => [`in.${job.PandaID}`], outputs: (job) => [`out.${job.PandaID}`] },
    observer: (record) => stages.push(record),
  });
  const machine = new HpcMachine(sim, streams, toyGpuMachine(QUEUE_WAIT, { storageEndpoint: LCF_RSE }));
  const service = new ComputeService(sim, { apiLatency: constant(API) });
  const endpoint = new MultiUserEndpoint(sim, streams, service, machine, {
    id: 'toy-mep',
    params: { userEndpointStart: constant(UEP_START) },
    engine: {
      queue: 'batch',
      walltime: 6 * HOUR,
      nodeStart: constant(60),
      workerInit: constant(60),
      dispatch: constant(DISPATCH),
      systemFailureProbability: 0,
    },
  });
  const plugin = new FuncxPlugin(sim, streams, service, { endpointId: 'toy-mep', ...options.plugin });
  const pool = new WorkloadPool(sim);
  const done: HarvesterJob[] = [];
  const harvester = new Harvester(sim, streams, {
    server: pool,
    queues: [{ config: QUEUE, plugin }],
    params: options.params ?? fixedPhases(options.deployment ?? 'remote'),
    stageIn: staging.stageIn,
    stageOut: staging.stageOut,
    observer: { jobDone: (job) => done.push(job) },
    ...options.harvester,
  });
  plugin.useCredentials(harvester.credentials);
  for (const job of options.jobs) sim.at(ACTIVATION, () => pool.add(job));
  for (const { time, job } of later) sim.at(time, () => pool.add(job));
  harvester.start();
  return { sim, network, catalog, staging, stages, service, endpoint, plugin, pool, harvester, done };
}

// ---------------------------------------------------------------------------------------------------------
// The expected timeline, part by part.

/** The first wake at or after `t` of a loop waking at `first`, `first + period`, ... */
function wakeAfter(t: number, first: number, period: number): number {
  return first + Math.max(0, Math.ceil((t - first) / period - 1e-9)) * period;
}

/** The preparator or stager sees a transfer done at its cycle after the trigger, then every 180 s. */
function stagingSeen(trigger: number, done: number): number {
  const firstCheck = trigger + 60;
  return firstCheck + Math.max(0, Math.ceil((done - firstCheck) / 180 - 1e-9)) * 180;
}

/** One Globus task of `n` equal files (n ≤ concurrency) from its group's flush to its end. */
function transferTime(n: number, bytes: number, checksum: boolean): number {
  return TASK_STARTUP + PER_FILE + LINK_LATENCY + (n * bytes) / R + (checksum ? bytes / CHECKSUM_RATE : 0);
}

interface Timeline {
  t0: number;
  fetchedAt: number;
  stageInDone: number;
  preparedAt: number;
  submittedAt: number;
  startTime: number;
  endTime: number;
  endSeenAt: number;
  stageOutDone: number;
  stagedOutAt: number;
  reportedAt: number;
}

/**
 * The timeline of `n` jobs activated together at ACTIVATION, run seconds each, under fixed phases with the
 * hops `latency`; every job's files move in one task each way.
 */
function expectedTimeline(latency: HopLatencies, n: number, run: number): Timeline {
  const { server: ls, provider: lp } = latency;
  // The agents start once the Cacher's first pull is back.
  const t0 = 2 * ls;
  // The fetcher's request reaches the server one hop after its cycle; the jobs come back one hop later.
  const fetchedAt = wakeAfter(ACTIVATION - ls, t0 + 5, 60) + 2 * ls;
  // The preparator groups the inputs; the group goes after 10 min and moves the n files together.
  const stageInTrigger = wakeAfter(fetchedAt, t0 + 10, 60);
  const stageInDone = stageInTrigger + GROUP_MAX_AGE + transferTime(n, IN_BYTES, false);
  const preparedAt = stagingSeen(stageInTrigger, stageInDone);
  // The submitter's call reaches the plugin one hop later; batch_run takes one API call; the endpoint starts
  // cold; the answer (after get_batch_result) comes back two API calls and two hops after the cycle.
  const submittedAt = wakeAfter(preparedAt, t0 + 20, 60);
  const startTime = submittedAt + lp + API + COLD_START;
  const endTime = startTime + run;
  const answered = submittedAt + 2 * lp + 2 * API;
  // The monitor checks a worker 300 s after its last answer at its next 600 s cycle; a poll reads the service
  // one hop and one API call after the cycle, and its answer is back one hop later.
  let check = wakeAfter(answered + 300, t0 + 30, 600);
  while (check + lp + API < endTime) check = wakeAfter(check + 2 * lp + API + 300, t0 + 30, 600);
  const endSeenAt = check + 2 * lp + API;
  const stageOutTrigger = wakeAfter(endSeenAt, t0 + 40, 60);
  const stageOutDone = stageOutTrigger + GROUP_MAX_AGE + transferTime(n, OUT_BYTES, true);
  const stagedOutAt = stagingSeen(stageOutTrigger, stageOutDone);
  const reportedAt = wakeAfter(stagedOutAt, t0 + 50, 60);
  return {
    t0,
    fetchedAt,
    stageInDone,
    preparedAt,
    submittedAt,
    startTime,
    endTime,
    endSeenAt,
    stageOutDone,
    stagedOutAt,
    reportedAt,
  };
}

function expectJob(job: HarvesterJob, expected: Timeline): void {
  expect(job.fetchedAt).toBeCloseTo(expected.fetchedAt, 9);
  expect(job.preparedAt).toBeCloseTo(expected.preparedAt, 9);
  expect(job.submittedAt).toBeCloseTo(expected.submittedAt, 9);
  expect(job.startTime).toBeCloseTo(expected.startTime, 9);
  expect(job.endTime).toBeCloseTo(expected.endTime, 9);
  expect(job.endSeenAt).toBeCloseTo(expected.endSeenAt, 9);
  expect(job.stagedOutAt).toBeCloseTo(expected.stagedOutAt, 9);
  expect(job.reportedAt).toBeCloseTo(expected.reportedAt, 9);
}

function byId(done: readonly HarvesterJob[], PandaID: number): HarvesterJob {
  const job = done.find((j) => j.spec.PandaID === PandaID);
  if (job === undefined) throw new Error(`job ${PandaID} is not done`);
  return job;
}

// ---------------------------------------------------------------------------------------------------------

describe('funcX plugin end to end', () => {
  it('runs every job; each timeline is the sum of its parts; bytes in and out are the files', () => {
    const runs = [100, 150, 200];
    const jobs = runs.map((run, i) => gpuJob(i + 1, run));
    const w = world({ jobs });
    w.sim.run(4000);
    const latency = DEPLOYMENT_LATENCY.remote;
    // Remote Harvester (0.1 s to the server, 1 s to the provider): the agents start at 0.2; fetched at 65.4;
    // inputs grouped at 70.2, sent at 670.2, in after 15 + 0.5 + 0.05 + 3 × 8 s; the preparator's 850.2
    // check sees them; submitted at 860.2, the tasks reach the service at 861.5 and start 735.5 s later (cold
    // endpoint). The monitor's 1230.2 check finds them waiting for nodes, its 1830.2 check finds them done;
    // outputs grouped at 1840.2, sent at 2440.2, checked in at 2620.2, reported at 2630.2.
    expect(expectedTimeline(latency, jobs.length, 100)).toMatchObject({
      fetchedAt: expect.closeTo(65.4, 9),
      stageInDone: expect.closeTo(70.2 + 600 + 15 + 0.5 + 0.05 + 24, 9),
      preparedAt: expect.closeTo(850.2, 9),
      submittedAt: expect.closeTo(860.2, 9),
      startTime: expect.closeTo(861.5 + 735.5, 9),
      endSeenAt: expect.closeTo(1830.2 + 2 + 0.3, 9),
      stagedOutAt: expect.closeTo(2620.2, 9),
      reportedAt: expect.closeTo(2630.2, 9),
    });
    for (const [i, run] of runs.entries()) {
      const expected = expectedTimeline(latency, jobs.length, run);
      const job = byId(w.done, i + 1);
      expectJob(job, expected);
      expect(job.subStatus).toBe('done');
      expect(w.pool.status(i + 1)).toBe('finished');
      // The propagator's reports: starting after the submission, transferring once the monitor saw the end,
      // finished after the stage-out; the final one carries the payload's start and end.
      const reports = w.pool.reportsOf(i + 1);
      expect(reports.map((r) => [r.report.jobStatus, r.time])).toEqual([
        [
          'starting',
          expect.closeTo(wakeAfter(expected.submittedAt, expected.t0 + 50, 60) + latency.server, 9),
        ],
        [
          'transferring',
          expect.closeTo(wakeAfter(expected.endSeenAt, expected.t0 + 50, 60) + latency.server, 9),
        ],
        ['finished', expect.closeTo(expected.reportedAt + latency.server, 9)],
      ]);
      expect(reports[2].report).toMatchObject({
        startTime: expect.closeTo(expected.startTime, 9),
        endTime: expect.closeTo(expected.endTime, 9),
      });
    }
    // Stage-in and stage-out of each job: the 10 min group age, then its task (checksums on stage-out only).
    const expected = expectedTimeline(latency, 3, 100);
    for (const record of w.stages) {
      const seconds = record.doneAt - record.triggeredAt;
      if (record.direction === 'in') {
        expect(record.doneAt).toBeCloseTo(expected.stageInDone, 9);
        expect(seconds).toBeCloseTo(GROUP_MAX_AGE + transferTime(3, IN_BYTES, false), 9);
        expect(record).toMatchObject({ ok: true, files: 1, bytes: IN_BYTES, skipped: 0 });
      } else {
        expect(record.doneAt).toBeCloseTo(expected.stageOutDone, 9);
        expect(seconds).toBeCloseTo(GROUP_MAX_AGE + transferTime(3, OUT_BYTES, true), 9);
        expect(record).toMatchObject({ ok: true, files: 1, bytes: OUT_BYTES, skipped: 0 });
      }
    }
    expect(w.stages).toHaveLength(6);
    expect(w.staging.stageInStats).toMatchObject({
      jobs: 3,
      tasks: 1,
      filesTransferred: 3,
      bytesTransferred: 3 * IN_BYTES,
    });
    expect(w.staging.stageOutStats).toMatchObject({
      jobs: 3,
      tasks: 1,
      filesTransferred: 3,
      bytesTransferred: 3 * OUT_BYTES,
    });
    expect(w.network.totals.bytesDelivered).toBe(3 * (IN_BYTES + OUT_BYTES));
    for (const id of [1, 2, 3]) {
      expect(w.catalog.replicasOf(`in.${id}`)).toEqual([GRID_RSE, LCF_RSE]);
      expect(w.catalog.replicasOf(`out.${id}`)).toEqual([LCF_RSE, GRID_RSE]);
    }
    // One batch per worker, all under the common identity: one user endpoint, one block for the three tasks.
    expect(w.plugin.stats).toMatchObject({
      batches: 3,
      tasksSubmitted: 3,
      tasksSucceeded: 3,
      tasksFailed: {},
    });
    expect(w.endpoint.engine('atlas-prod')!.blocksSubmitted).toBe(1);
    expect(w.service.counts).toMatchObject({ tasksAccepted: 3, resultsDelivered: 3, resultsExpired: 0 });
    expect(w.harvester.stats.workersEnded.finished).toBe(3);
  });

  it('remote vs local Harvester: the timeline shifts by the hop differences', () => {
    const timelines = (['remote', 'local'] as const).map((deployment) => {
      const w = world({ deployment, jobs: [gpuJob(1, 100)] });
      w.sim.run(4000);
      const job = byId(w.done, 1);
      const expected = expectedTimeline(DEPLOYMENT_LATENCY[deployment], 1, 100);
      expectJob(job, expected);
      const reported = w.pool.reportsOf(1).at(-1)!.time;
      // Times from the agents' start, which waits for the Cacher's first server round trip.
      return {
        fetched: job.fetchedAt - expected.t0,
        started: job.startTime! - expected.t0,
        endSeen: job.endSeenAt! - expected.t0,
        reported: reported - expected.t0,
      };
    });
    const [remote, local] = timelines;
    const dServer = DEPLOYMENT_LATENCY.local.server - DEPLOYMENT_LATENCY.remote.server;
    const dProvider = DEPLOYMENT_LATENCY.local.provider - DEPLOYMENT_LATENCY.remote.provider;
    // The fetch crosses the server hop twice; the submission reaches the service over one provider hop; the
    // poll that sees the end goes and comes back over it; the final report crosses the server hop once.
    expect(local.fetched - remote.fetched).toBeCloseTo(2 * dServer, 9);
    expect(local.started - remote.started).toBeCloseTo(dProvider, 9);
    expect(local.endSeen - remote.endSeen).toBeCloseTo(2 * dProvider, 9);
    expect(local.reported - remote.reported).toBeCloseTo(dServer, 9);
  });

  it('a monitor polling slower than the 30 min result retention loses the result: the job fails', () => {
    const params = fixedPhases('remote');
    const w = world({
      params: { ...params, monitor: { ...fixed(30, 2400), checkInterval: 2400 } },
      jobs: [gpuJob(1, 100)],
    });
    w.sim.run(6000);
    const expected = expectedTimeline(DEPLOYMENT_LATENCY.remote, 1, 100);
    // The task ends at 1697; the first check is due 2400 s after the submission's answer (3262.8) and runs at
    // the 4830.2 cycle, 3133.2 s after the end: the service abandoned the result at 3497.
    expect(expected.endTime).toBeCloseTo(1697, 9);
    expect(w.service.counts).toMatchObject({ resultsExpired: 1, resultsDelivered: 0 });
    expect(w.plugin.stats.tasksFailed).toEqual({ 'result-expired': 1 });
    const failed = w.pool.reportsOf(1).find((r) => r.report.jobStatus === 'failed')!;
    expect(failed.report).toMatchObject({ attemptNr: 1, cause: 'result-lost' });
    expect(failed.report.endTime).toBeCloseTo(expected.endTime, 9);
    const job = w.done.find((j) => j.spec.attemptNr === 1)!;
    expect(job.endSeenAt).toBeCloseTo(4830.2 + 2 * DEPLOYMENT_LATENCY.remote.provider + API, 9);
    // A failed job has no outputs to move.
    expect(w.staging.stageOutStats).toMatchObject({ jobs: 0, tasks: 0 });
  });

  it('rejects a batch whose arguments exceed 10 MB: the worker is missed, and after 3 attempts the job fails', () => {
    const taskBytes = (job: JobSpec) =>
      job.PandaID === 2 ? { argumentBytes: 11 * MB, resultBytes: 1000 } : DEFAULT_TASK_BYTES;
    const w = world({ plugin: { taskBytes }, jobs: [gpuJob(1, 100), gpuJob(2, 100)] });
    w.sim.run(1100);
    // Job 2's worker is refused at the 860.2, 920.2 and 980.2 submitter cycles; the propagator reports the job
    // failed at 1010.2. Job 1 runs.
    expect(w.plugin.stats.refusals).toEqual({ 'payload-too-large': 3 });
    expect(w.harvester.stats.workersMissed).toBe(3);
    const failed = w.pool.reportsOf(2).filter((r) => r.report.jobStatus === 'failed');
    expect(failed.map((r) => [r.report.attemptNr, r.report.cause, r.time])).toEqual([
      [1, 'submission-failed', expect.closeTo(1010.2 + DEPLOYMENT_LATENCY.remote.server, 9)],
    ]);
    expect(w.plugin.stats.batches).toBe(1);
    // The refusal's message, as the submitter plugin returns it to Harvester.
    const results: SubmitResult[] = [];
    w.plugin.submitWorkers(
      [
        {
          workerID: 999,
          queue: QUEUE,
          request: { queue: QUEUE_NAME, cores: 1, gpus: 1, nodes: 1, memoryMB: 0, walltime: HOUR },
          jobs: [gpuJob(2, 100)],
        },
      ],
      (r) => results.push(...r),
    );
    w.sim.run(1200);
    expect(results).toHaveLength(1);
    expect(results[0].ok).toBe(false);
    if (!results[0].ok) expect(results[0].diag).toMatch(/TASK_PAYLOAD_TOO_LARGE: .*11 MB.*10 MB/);
  });

  it('personal tokens: each owner runs in a user endpoint of their own', () => {
    const w = world({
      plugin: { identity: { scope: 'per-user' } },
      jobs: [gpuJob(1, 100, 'alice'), gpuJob(2, 100, 'bob')],
    });
    w.sim.run(4000);
    expect(w.pool.status(1)).toBe('finished');
    expect(w.pool.status(2)).toBe('finished');
    expect(w.endpoint.engine('alice')!.blocksSubmitted).toBe(1);
    expect(w.endpoint.engine('bob')!.blocksSubmitted).toBe(1);
    expect(w.endpoint.engine('atlas-prod')).toBeUndefined();
  });

  it('a killed worker ends cancelled at its next check; its task runs on at the endpoint', () => {
    const w = world({ jobs: [] });
    const spec: WorkSpec = {
      workerID: 1,
      queue: QUEUE,
      request: { queue: QUEUE_NAME, cores: 1, gpus: 1, nodes: 1, memoryMB: 0, walltime: HOUR },
      jobs: [gpuJob(7, 100)],
    };
    const checks: [number, WorkerCheck][] = [];
    w.sim.at(10, () => w.plugin.submitWorkers([spec], () => {}));
    w.sim.at(100, () => w.plugin.checkWorkers([spec], ([check]) => checks.push([w.sim.now, check])));
    w.sim.at(200, () => w.plugin.killWorkers([spec]));
    w.sim.at(300, () => w.plugin.checkWorkers([spec], ([check]) => checks.push([w.sim.now, check])));
    w.sim.run(2000);
    // Seen waiting for nodes at 100.3: the worker runs (upstream's mapping), its job has not started.
    expect(checks[0][1]).toMatchObject({ status: 'running', startTime: expect.closeTo(100.3, 9) });
    expect(checks[0][1].attempts[0].startTime).toBeUndefined();
    expect(checks[1]).toEqual([300, expect.objectContaining({ status: 'cancelled', cause: 'cancelled' })]);
    expect(w.plugin.stats.workersKilled).toBe(1);
    expect(w.service.counts.tasksAccepted).toBe(1);
    expect(w.endpoint.engine('atlas-prod')!.blocksSubmitted).toBe(1);
  });

  it('refuses pull queues and queues whose pilots would report', () => {
    const sim = new Simulation();
    const plugin = new FuncxPlugin(sim, new RandomStreams(1), new ComputeService(sim), { endpointId: 'ep' });
    const pull = queueConfig(GRID_PULL_TEMPLATE, {
      queueName: 'Q',
      submitter: { name: plugin.name, nCorePerNode: 8, memoryPerNodeMB: 16_000 },
    });
    expect(plugin.queueProblem(pull)).toMatch(/NoJob \(pull\) queue has none to send/);
    expect(plugin.queueProblem({ ...QUEUE, truePilot: true })).toMatch(/needs truePilot false/);
    expect(plugin.queueProblem(QUEUE)).toBeUndefined();
  });
});

describe('funcX plugin and token expiry', () => {
  // The token lasts 4000 s; the CredManager wakes every 300 s and renews tokens an hour old, but IAM refuses
  // renewals in [3500, 6000): the renewals from 3600 fail, the token expires at 4000, and the 6000 renewal
  // succeeds. The monitor checks every 120 s (checkInterval 100). Job 1 runs 3400 s and ends at 4997; job 2
  // is activated at 3800.
  const params: HarvesterParamsOptions = {
    ...fixedPhases('remote'),
    credManager: fixed(0, 300),
    monitor: { ...fixed(30, 120), checkInterval: 100 },
  };
  const harvester: Partial<HarvesterOptions> = {
    credentials: { 'globus-compute': { lifetime: 4000 } },
    renewalFaults: [{ provider: 'globus-compute', from: 3500, until: 6000 }],
  };

  function run(onPollError: 'fail-worker' | 'retry') {
    const w = world({
      params,
      harvester,
      plugin: { onPollError },
      jobs: [gpuJob(1, 3400)],
      later: [{ time: 3800, job: gpuJob(2, 100) }],
    });
    w.sim.run(9000);
    return w;
  }

  it('blocks submission until the renewal; with retry, polls fail until then and the result is kept', () => {
    const w = run('retry');
    // Job 2 is prepared at 4630.2 and submitted at the first submitter cycle after the renewal.
    const second = byId(w.done, 2);
    expect(second.preparedAt).toBeCloseTo(4630.2, 9);
    expect(second.submittedAt).toBeCloseTo(6020.2, 9);
    // Blocked at every submitter cycle from 4640.2 to 5960.2.
    expect(w.harvester.stats.workersBlockedByCredentials).toBe(23);
    // Job 1's polls from the 4110.2 cycle to the 5910.2 one carry the expired token (16 cycles); the 6030.2
    // poll gets through 1034.5 s after the task ended, within the retention.
    expect(w.plugin.stats.pollErrors).toEqual({ 'token-expired': 16 });
    const first = byId(w.done, 1);
    expect(first.endTime).toBeCloseTo(4997, 9);
    expect(first.endSeenAt).toBeCloseTo(6030.2 + 2 * DEPLOYMENT_LATENCY.remote.provider + API, 9);
    expect(w.pool.status(1)).toBe('finished');
    expect(w.pool.status(2)).toBe('finished');
    // The renewals at 3600, 3900, ..., 5700 failed.
    expect(w.harvester.credentials.stats.failedRenewals).toBe(8);
  });

  it("with 'fail-worker' (upstream) the first refused poll fails the worker and its job", () => {
    const w = run('fail-worker');
    expect(w.plugin.stats.pollErrors).toEqual({ 'token-expired': 1 });
    const failed = w.pool.reportsOf(1).find((r) => r.report.jobStatus === 'failed')!;
    expect(failed.report).toMatchObject({ attemptNr: 1, cause: 'result-lost' });
    const first = w.done.find((j) => j.spec.PandaID === 1 && j.spec.attemptNr === 1)!;
    expect(first.endSeenAt).toBeCloseTo(4110.2 + 2 * DEPLOYMENT_LATENCY.remote.provider + API, 9);
    // The task runs on at the LCF; nobody fetches its result.
    expect(w.service.counts.resultsExpired).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('Globus bulk staging', () => {
  const S = 1.25e9; // 1 s alone on the link

  function stagingWorld() {
    const sim = new Simulation();
    const { network, transfer, catalog } = gridToLcf(sim, new RandomStreams(1).stream('globus/transfer'));
    const names = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'b1', 'b2', 'b3', 'b4', 'b5', 'x'];
    catalog.addFiles(
      'in',
      names.map((name) => ({ name, bytes: S })),
    );
    catalog.addFiles('out', [{ name: 'oA', bytes: S }]);
    for (const name of names) catalog.placeReplica(name, GRID_RSE);
    catalog.placeReplica('x', LCF_RSE);
    const inputs: Record<number, string[]> = {
      1: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'],
      2: ['a1', 'b1', 'b2', 'b3', 'b4', 'b5', 'x'],
    };
    const stages: StageRecord[] = [];
    const staging = new GlobusStaging(sim, {
      transfer,
      catalog,
      gridStorage: GRID_RSE,
      lcfStorage: LCF_RSE,
      user: 'harvester',
      files: {
        inputs: (job) => inputs[job.PandaID],
        outputs: (job) => (job.PandaID === 1 ? ['oA'] : ['oB']),
      },
      observer: (record) => stages.push(record),
    });
    return { sim, network, catalog, staging, stages };
  }

  function harvesterJob(PandaID: number, status: HarvesterJob['status']): HarvesterJob {
    return {
      spec: gpuJob(PandaID, 100),
      queueName: QUEUE_NAME,
      status,
      subStatus: 'fetched',
      workerID: undefined,
      submissionAttempts: 0,
      fetchedAt: 0,
    };
  }

  it('sends a group at its 10th file and the rest after 10 min; skips files at the LCF; sends a shared file once', () => {
    const w = stagingWorld();
    const doneAt = new Map<number, number>();
    for (const id of [1, 2]) {
      w.staging.stageIn(harvesterJob(id, 'starting'), QUEUE, (ok) => {
        expect(ok).toBe(true);
        doneAt.set(id, w.sim.now);
      });
    }
    w.sim.run(2000);
    // Job 1's six files and job 2's first four new ones make ten: that group goes at once. Four files at a
    // time share the link: a1–a4 arrive at 15 + 0.55 + 4, a5, a6 (with b1, b2) 0.55 + 4 later. b5 waits for
    // its group's 10 min; x is at the LCF already, and a1 is job 1's.
    expect(doneAt.get(1)).toBeCloseTo(TASK_STARTUP + 2 * (PER_FILE + LINK_LATENCY + 4), 9);
    expect(doneAt.get(2)).toBeCloseTo(GROUP_MAX_AGE + TASK_STARTUP + PER_FILE + LINK_LATENCY + 1, 9);
    expect(w.staging.stageInStats).toMatchObject({
      jobs: 2,
      tasks: 2,
      filesTransferred: 11,
      bytesTransferred: 11 * S,
      filesSkipped: 1,
    });
    expect(w.stages.map((r) => [r.PandaID, r.files, r.skipped])).toEqual([
      [1, 6, 0],
      [2, 6, 1],
    ]);
    expect(w.network.totals.bytesDelivered).toBe(11 * S);
  });

  it('stages out the outputs of finished jobs with checksums, and nothing for failed ones', () => {
    const w = stagingWorld();
    const results: [number, boolean, number][] = [];
    w.staging.stageOut(harvesterJob(1, 'finished'), QUEUE, (ok) => results.push([1, ok, w.sim.now]));
    w.staging.stageOut(harvesterJob(2, 'failed'), QUEUE, (ok) => results.push([2, ok, w.sim.now]));
    w.sim.run(2000);
    expect(results).toEqual([
      [2, true, 0],
      [
        1,
        true,
        expect.closeTo(GROUP_MAX_AGE + TASK_STARTUP + PER_FILE + LINK_LATENCY + 1 + S / CHECKSUM_RATE, 9),
      ],
    ]);
    expect(w.catalog.replicasOf('oA')).toEqual([LCF_RSE, GRID_RSE]);
    expect(w.staging.stageOutStats).toMatchObject({ jobs: 1, tasks: 1, bytesTransferred: S });
  });
});
