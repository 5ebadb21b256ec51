/**
 * Globus Compute in front of an LCF, end to end: a client (as Harvester's funcX plugin drives it), the cloud
 * service, a multi-user endpoint whose user endpoint runs Parsl's HTEX with blocks on an HpcMachine.
 *
 * With every duration deterministic, latencies are checked exactly (up to floating-point rounding):
 *   warm: API call + dispatch + run;
 *   cold: API call + user-endpoint start + wait for the next strategy pass + batch queue wait + node start
 *         + worker_init + dispatch + run.
 * Then the service's rules (rate limit, batching, payload and result limits, result retention, tokens, the
 * task TTL, endpoint outages and heartbeats) and the executor's (idle shutdown, min/max blocks, walltime and
 * manager loss with Parsl's heartbeat detection, retries, the system-failure rate within a binomial interval).
 */
import { describe, expect, it } from 'vitest';
import { constant } from '../../../sim/distributions.ts';
import { Simulation } from '../../../sim/engine.ts';
import { RandomStreams } from '../../../sim/random.ts';
import { normalQuantile } from '../../../sim/stats/normal.ts';
import { ComputeClient, type ComputeClientOptions } from '../../../models/funcx/client.ts';
import { MultiUserEndpoint } from '../../../models/funcx/endpoint.ts';
import type { ComputeServiceParams, EndpointParams, HtexParams } from '../../../models/funcx/params.ts';
import { ComputeService, type SubmitOutcome } from '../../../models/funcx/service.ts';
import type { TaskSpec, TaskStatus } from '../../../models/funcx/task.ts';
import { HpcMachine } from '../../../models/hpc/hpc-machine.ts';
import { POLARIS } from '../../../models/hpc/machines.ts';
import type { HpcMachineParams } from '../../../models/hpc/machine-params.ts';
import type {
  FailureCause,
  Payload,
  PayloadOutcome,
  Provider,
  ProviderUsage,
  Worker,
  WorkerEvents,
  WorkerRequest,
} from '../../../models/provider/worker.ts';
import { toyGpuMachine } from './fixtures.ts';

const HOUR = 3600;
const MB = 1e6;
/** Two-sided 99.9% normal quantile, for binomial counts. */
const Z = normalQuantile(0.9995);

// The deterministic timings every exact check below is written with.
const API = 0.3;
const UEP_START = 10;
const PERIOD = 5;
const QUEUE_WAIT = 600;
const NODE_START = 60;
const WORKER_INIT = 60;
const DISPATCH = 0.5;
const RUN = 100;
const BOOT = NODE_START + WORKER_INIT;

interface BlockRecord {
  readonly submittedAt: number;
  startedAt?: number;
  endedAt?: number;
  cause?: FailureCause;
}

/** The machine seen through the Provider contract only, recording what the endpoint asks of it. */
class RecordingProvider implements Provider {
  readonly name: string;
  readonly blocks: BlockRecord[] = [];
  active = 0;
  maxActive = 0;
  runs = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly inner: Provider,
  ) {
    this.name = inner.name;
  }

  get queued(): number {
    return this.inner.queued;
  }

  get running(): number {
    return this.inner.running;
  }

  submit(request: WorkerRequest, events: WorkerEvents): Worker {
    const record: BlockRecord = { submittedAt: this.sim.now };
    this.blocks.push(record);
    this.maxActive = Math.max(this.maxActive, ++this.active);
    return this.inner.submit(request, {
      started: (worker) => {
        record.startedAt = this.sim.now;
        events.started(worker);
      },
      ended: (worker, cause) => {
        record.endedAt = this.sim.now;
        record.cause = cause;
        this.active--;
        events.ended(worker, cause);
      },
    });
  }

  run(worker: Worker, payload: Payload, done: (outcome: PayloadOutcome) => void): void {
    this.runs++;
    this.inner.run(worker, payload, done);
  }

  release(worker: Worker): void {
    this.inner.release(worker);
  }

  kill(worker: Worker): void {
    this.inner.kill(worker);
  }

  usage(now: number): ProviderUsage {
    return this.inner.usage(now);
  }
}

interface WorldOptions {
  machine?: Partial<HpcMachineParams>;
  service?: Partial<ComputeServiceParams>;
  endpoint?: Partial<EndpointParams>;
  engine?: Partial<HtexParams>;
  client?: Partial<ComputeClientOptions>;
  seed?: number;
}

function world(options: WorldOptions = {}) {
  const sim = new Simulation();
  const streams = new RandomStreams(options.seed ?? 1);
  const machine = new RecordingProvider(
    sim,
    new HpcMachine(sim, streams, toyGpuMachine(QUEUE_WAIT, options.machine)),
  );
  const service = new ComputeService(sim, { apiLatency: constant(API), ...options.service });
  const endpoint = new MultiUserEndpoint(sim, streams, service, machine, {
    id: 'toy-mep',
    params: { userEndpointStart: constant(UEP_START), ...options.endpoint },
    engine: {
      queue: 'batch',
      walltime: 6 * HOUR,
      nodeStart: constant(NODE_START),
      workerInit: constant(WORKER_INIT),
      dispatch: constant(DISPATCH),
      systemFailureProbability: 0,
      ...options.engine,
    },
  });
  const client = new ComputeClient(sim, streams, service, {
    user: 'alice',
    tokenValidUntil: Infinity,
    ...options.client,
  });
  return { sim, service, endpoint, machine, client };
}

type World = ReturnType<typeof world>;

let nextPayload = 1;

/** A one-GPU task running `seconds` on an A100. */
function gpuTask(seconds = RUN, bytes: Partial<TaskSpec> = {}): TaskSpec {
  return {
    payload: { id: nextPayload++, cpuWork: 0, gpuWork: seconds, cores: 1, gpus: 1, fixedTime: 0 },
    argumentBytes: 1000,
    resultBytes: 1000,
    ...bytes,
  };
}

/** Submits at `time`; the outcomes land in the returned array once answered. */
function submitAt(w: World, time: number, specs: TaskSpec[]): SubmitOutcome[] {
  const outcomes: SubmitOutcome[] = [];
  w.sim.at(time, () => w.client.batchRun('toy-mep', specs, (answers) => outcomes.push(...answers)));
  return outcomes;
}

function taskIds(outcomes: readonly SubmitOutcome[]): number[] {
  return outcomes.map((outcome) => {
    if (!outcome.accepted) throw new Error(`task rejected: ${outcome.message}`);
    return outcome.taskId;
  });
}

/** Polls `ids` at `time` and returns the reply's statuses once it came back. */
function pollAt(w: World, time: number, ids: () => number[]): Map<number, TaskStatus> {
  const seen = new Map<number, TaskStatus>();
  w.sim.at(time, () =>
    w.client.getBatchResult(ids(), (reply) => {
      if (!reply.ok) throw new Error(reply.message);
      for (const [id, status] of reply.statuses) seen.set(id, status);
    }),
  );
  return seen;
}

/** Polls every `every` s from `from` until every task is final, as the plugin's monitor does. */
function monitor(w: World, outcomes: SubmitOutcome[], every: number, from = every): Map<number, TaskStatus> {
  const final = new Map<number, TaskStatus>();
  const tick = () => {
    const pending = taskIds(outcomes).filter((id) => !final.has(id));
    if (outcomes.length > 0 && pending.length === 0) return;
    w.client.getBatchResult(pending, (reply) => {
      if (!reply.ok) throw new Error(reply.message);
      for (const [id, status] of reply.statuses) if (!status.pending) final.set(id, status);
    });
    w.sim.schedule(every, tick);
  };
  w.sim.at(from, tick);
  return final;
}

function only(statuses: Map<number, TaskStatus>): TaskStatus {
  expect(statuses.size).toBe(1);
  return [...statuses.values()][0];
}

function completedAt(status: TaskStatus): number {
  if (status.pending) throw new Error(`still ${status.status}`);
  return status.completedAt;
}

const COLD = API + UEP_START + PERIOD + QUEUE_WAIT + BOOT + DISPATCH + RUN;

describe('task latency', () => {
  it('cold start: API + UEP start + next strategy pass + queue wait + node start + worker_init + dispatch + run', () => {
    const w = world();
    const outcomes = submitAt(w, 0, [gpuTask()]);
    const final = monitor(w, outcomes, 60);
    w.sim.run(2 * HOUR);
    const status = only(final);
    expect(status.status).toBe('success');
    expect(completedAt(status)).toBeCloseTo(COLD, 9);
    // One block, asked at the pass after the task reached the engine, started after the queue wait.
    expect(w.machine.blocks).toHaveLength(1);
    expect(w.machine.blocks[0].submittedAt).toBeCloseTo(API + UEP_START + PERIOD, 9);
    expect(w.machine.blocks[0].startedAt).toBeCloseTo(API + UEP_START + PERIOD + QUEUE_WAIT, 9);
  });

  it('warm task: API + dispatch + run', () => {
    const w = world();
    const first = submitAt(w, 0, [gpuTask()]);
    monitor(w, first, 60);
    const warm = submitAt(w, 900, [gpuTask(250)]);
    const final = monitor(w, warm, 60, 901);
    w.sim.run(2 * HOUR);
    expect(completedAt(only(final)) - 900).toBeCloseTo(API + DISPATCH + 250, 9);
    expect(w.machine.blocks).toHaveLength(1);
  });

  it('a block idles out after maxIdletime (at the strategy pass past it) and the next task is cold again', () => {
    const w = world();
    const first = monitor(w, submitAt(w, 0, [gpuTask()]), 60);
    const later = submitAt(w, 1201, [gpuTask()]);
    const second = monitor(w, later, 60, 1202);
    w.sim.run(3 * HOUR);
    // Passes run every 5 s from the UEP start; the idle timer starts at the first pass after the task ended,
    // and the block goes at the first pass more than 120 s later.
    const t0 = API + UEP_START;
    const idleFrom = Math.ceil((completedAt(only(first)) - t0) / PERIOD);
    const scaledIn = t0 + (idleFrom + 120 / PERIOD + 1) * PERIOD;
    expect(w.machine.blocks[0].endedAt).toBeCloseTo(scaledIn, 9);
    expect(w.machine.blocks[0].cause).toBe('cancelled');
    // The next task waits for the next pass on the grid, then goes through the batch queue again.
    const arrival = 1201 + API;
    const nextPass = t0 + Math.ceil((arrival - t0) / PERIOD) * PERIOD;
    expect(completedAt(only(second))).toBeCloseTo(nextPass + QUEUE_WAIT + BOOT + DISPATCH + RUN, 9);
    expect(w.machine.blocks).toHaveLength(2);
  });
});

describe('the service API', () => {
  it('rate limit: 100 requests in a burst go 20 per 10 s window', () => {
    const w = world();
    const answeredAt: number[] = [];
    w.sim.at(0, () => {
      for (let i = 0; i < 100; i++)
        w.client.batchRun('toy-mep', [gpuTask(1)], () => answeredAt.push(w.sim.now));
    });
    w.sim.run(60);
    expect(answeredAt).toHaveLength(100);
    answeredAt.forEach((t, i) => expect(t).toBeCloseTo(10 * Math.floor(i / 20) + API, 9));
    expect(w.client.requestsSent).toBe(100);
    expect(w.client.requestsThrottled).toBe(80);
  });

  it("rate limit with onRateLimit 'fail': requests over the limit fail with MaxRequestsExceeded", () => {
    const w = world({ client: { onRateLimit: 'fail' } });
    const outcomes: SubmitOutcome[] = [];
    w.sim.at(0, () => {
      for (let i = 0; i < 25; i++) w.client.batchRun('toy-mep', [gpuTask(1)], (o) => outcomes.push(...o));
    });
    w.sim.run(5);
    expect(outcomes.filter((o) => o.accepted)).toHaveLength(20);
    const refused = outcomes.filter((o) => !o.accepted);
    expect(refused).toHaveLength(5);
    for (const o of refused) if (!o.accepted) expect(o.error).toBe('max-requests-exceeded');
  });

  it('cuts a batch into requests of at most 128 tasks', () => {
    const w = world();
    const outcomes = submitAt(
      w,
      0,
      Array.from({ length: 300 }, () => gpuTask(1)),
    );
    w.sim.run(5);
    expect(w.client.requestsSent).toBe(3);
    expect(new Set(taskIds(outcomes)).size).toBe(300);
  });

  it('refuses a request whose arguments exceed 10 MB, and fails a task whose result exceeds 10 MB', () => {
    const w = world();
    const big = submitAt(w, 0, [
      gpuTask(1, { argumentBytes: 6 * MB }),
      gpuTask(1, { argumentBytes: 6 * MB }),
    ]);
    const fits = submitAt(w, 0, [
      gpuTask(1, { argumentBytes: 6 * MB }),
      gpuTask(1, { resultBytes: 11 * MB }),
    ]);
    const final = monitor(w, fits, 60);
    w.sim.run(2 * HOUR);
    expect(big).toHaveLength(2);
    for (const o of big) {
      expect(o.accepted).toBe(false);
      if (!o.accepted) {
        expect(o.error).toBe('payload-too-large');
        expect(o.message).toMatch(/TASK_PAYLOAD_TOO_LARGE: .*12 MB.*10 MB/);
      }
    }
    const [small, tooLarge] = taskIds(fits).map((id) => final.get(id)!);
    expect(small.status).toBe('success');
    expect(tooLarge).toMatchObject({ status: 'failed', reason: 'result-too-large' });
    expect(w.service.counts.resultsTooLarge).toBe(1);
  });

  it('a result not fetched within 1800 s of completion is lost: the task is failed for the client', () => {
    const w = world();
    const outcomes = submitAt(w, 0, [gpuTask(), gpuTask()]);
    // Both complete at COLD (two of the block's four slots); the poll acts at the end of its call.
    const early = pollAt(w, COLD + 1799 - API, () => [taskIds(outcomes)[0]]);
    const late = pollAt(w, COLD + 1801 - API, () => [taskIds(outcomes)[1]]);
    w.sim.run(2 * HOUR);
    expect(only(early)).toMatchObject({ status: 'success', completedAt: expect.closeTo(COLD, 9) });
    const lost = only(late);
    expect(lost).toMatchObject({ status: 'failed', reason: 'result-expired' });
    if (lost.status === 'failed') expect(lost.message).toMatch(/not fetched within 30m/);
    expect(w.service.counts).toMatchObject({ resultsDelivered: 1, resultsExpired: 1 });
    expect(w.service.liveTasks).toBe(0);
  });

  it('calls with an expired token fail until the token is renewed; unknown endpoints are refused', () => {
    const w = world({ client: { tokenValidUntil: 50 } });
    const refused = submitAt(w, 100, [gpuTask()]);
    const replies: string[] = [];
    w.sim.at(100, () => {
      w.client.getEndpointStatus('toy-mep', (r) => replies.push(r.ok ? 'ok' : r.error));
      w.client.getBatchResult([1], (r) => replies.push(r.ok ? 'ok' : r.error));
    });
    w.sim.at(200, () => w.client.renewToken(200 + 48 * HOUR));
    const accepted = submitAt(w, 200, [gpuTask()]);
    const nowhere: SubmitOutcome[] = [];
    w.sim.at(250, () => w.client.batchRun('nowhere', [gpuTask()], (o) => nowhere.push(...o)));
    w.sim.run(300);
    expect(refused[0]).toMatchObject({ accepted: false, error: 'token-expired' });
    if (!refused[0].accepted)
      expect(refused[0].message).toMatch(/401 Unauthorized: the access token expired/);
    expect(replies).toEqual(['token-expired', 'token-expired']);
    expect(accepted[0].accepted).toBe(true);
    expect(nowhere[0]).toMatchObject({ accepted: false, error: 'unknown-endpoint' });
    expect(w.service.counts.expiredTokenCalls).toBe(3);
  });
});

describe('endpoint outages', () => {
  it('tasks wait in the cloud queue while the endpoint is down, and run once it reconnects', () => {
    const w = world();
    w.sim.at(0, () => w.endpoint.disconnect());
    const outcomes = submitAt(w, 1, [gpuTask()]);
    const during = pollAt(w, 500, () => taskIds(outcomes));
    w.sim.at(1000, () => w.endpoint.reconnect());
    const final = monitor(w, outcomes, 60, 1001);
    w.sim.run(3 * HOUR);
    expect(only(during)).toEqual({ pending: true, status: 'waiting-for-ep' });
    expect(completedAt(only(final))).toBeCloseTo(
      1000 + UEP_START + PERIOD + QUEUE_WAIT + BOOT + DISPATCH + RUN,
      9,
    );
  });

  it('reports the endpoint offline once its last heartbeat is older than 120 s', () => {
    const w = world();
    w.sim.at(95, () => w.endpoint.disconnect());
    const statuses: [number, string][] = [];
    for (const t of [100, 205, 215]) {
      w.sim.at(t, () =>
        w.client.getEndpointStatus('toy-mep', (r) => statuses.push([t, r.ok ? r.status : r.error])),
      );
    }
    w.sim.at(300, () => w.endpoint.reconnect());
    w.sim.at(301, () =>
      w.client.getEndpointStatus('toy-mep', (r) => statuses.push([301, r.ok ? r.status : 'x'])),
    );
    w.sim.run(400);
    // The last heartbeat before the outage was at 90 s: online until 210 s.
    expect(statuses).toEqual([
      [100, 'online'],
      [205, 'online'],
      [215, 'offline'],
      [301, 'online'],
    ]);
  });

  it('results of tasks that end during an outage reach the service at reconnection, and their retention starts then', () => {
    const w = world();
    const outcomes = submitAt(w, 0, [gpuTask()]);
    w.sim.at(COLD - 50, () => w.endpoint.disconnect());
    const stale = pollAt(w, COLD + 100, () => taskIds(outcomes));
    w.sim.at(COLD + 1000, () => w.endpoint.reconnect());
    const kept = pollAt(w, COLD + 1000 + 1700, () => taskIds(outcomes));
    w.sim.run(3 * HOUR);
    expect(only(stale)).toEqual({ pending: true, status: 'running' });
    expect(only(kept)).toMatchObject({ status: 'success', completedAt: expect.closeTo(COLD, 9) });
  });

  it('abandons tasks no endpoint took within the task TTL', () => {
    const w = world({ service: { taskTtl: 1000 } });
    w.sim.at(0, () => w.endpoint.disconnect());
    const outcomes = submitAt(w, 0, [gpuTask()]);
    const final = pollAt(w, 1100, () => taskIds(outcomes));
    w.sim.run(1200);
    expect(only(final)).toMatchObject({
      status: 'failed',
      reason: 'task-ttl-expired',
      completedAt: 1000 + API,
    });
  });
});

describe('blocks and failures', () => {
  it('respects min/max blocks under a burst, and scales in down to minBlocks', () => {
    const w = world({ engine: { initBlocks: 1, minBlocks: 1, maxBlocks: 3 } });
    const outcomes = submitAt(
      w,
      0,
      Array.from({ length: 200 }, () => gpuTask(300)),
    );
    const final = monitor(w, outcomes, 300);
    // 200 tasks of 300 s on 12 slots end near 1.6 h; the blocks' 6 h walltime is not reached by 3 h.
    w.sim.run(3 * HOUR);
    expect(final.size).toBe(200);
    expect([...final.values()].every((s) => s.status === 'success')).toBe(true);
    // initBlocks at the UEP's first pass, before any task reached it.
    expect(w.machine.blocks[0].submittedAt).toBeCloseTo(API + UEP_START, 9);
    expect(w.machine.maxActive).toBe(3);
    expect(w.machine.blocks).toHaveLength(3);
    expect(w.machine.active).toBe(1);
    expect(w.endpoint.engine('alice')!.activeBlocks).toBe(1);
  });

  it('walltime kills running tasks; they fail when the managers are declared lost, with no retry', () => {
    const w = world({ engine: { walltime: 900 } });
    const outcomes = submitAt(w, 0, [gpuTask(2000)]);
    const final = monitor(w, outcomes, 60);
    w.sim.run(6 * HOUR);
    const block = w.machine.blocks[0];
    expect(block.cause).toBe('walltime');
    const registered = block.startedAt! + BOOT;
    // Heartbeats every 30 s from registration; lost 120 s after the last one.
    const lastBeat = registered + Math.floor((block.endedAt! - registered) / 30) * 30;
    const status = only(final);
    expect(status).toMatchObject({ status: 'failed', reason: 'walltime' });
    expect(completedAt(status)).toBeCloseTo(lastBeat + 120, 9);
    if (status.status === 'failed') {
      expect(status.message).toMatch(/ManagerLost: its block's batch job reached its walltime \(15m\)/);
      expect(status.runTime).toBeCloseTo(900 - BOOT - DISPATCH, 9);
    }
    expect(w.machine.runs).toBe(1);
    expect(w.endpoint.engine('alice')!.outstanding).toBe(0);
  });

  it('with maxRetriesOnSystemFailure 1 a task killed at walltime runs once more', () => {
    const w = world({ engine: { walltime: 900, maxRetriesOnSystemFailure: 1 } });
    const final = monitor(w, submitAt(w, 0, [gpuTask(2000)]), 60);
    w.sim.run(6 * HOUR);
    expect(only(final)).toMatchObject({ status: 'failed', reason: 'walltime' });
    expect(w.machine.runs).toBe(2);
  });

  it('a function error fails the task without retry; a task bigger than a block is unschedulable', () => {
    const w = world({ machine: { payloadFailureProbability: 1 }, engine: { maxRetriesOnSystemFailure: 1 } });
    const outcomes = submitAt(w, 0, [
      gpuTask(),
      gpuTask(RUN, { payload: { ...gpuTask().payload, gpus: 5 } }),
    ]);
    const final = monitor(w, outcomes, 60);
    w.sim.run(2 * HOUR);
    const [raised, tooBig] = taskIds(outcomes).map((id) => final.get(id)!);
    expect(raised).toMatchObject({ status: 'failed', reason: 'function-error' });
    if (raised.status === 'failed') expect(raised.runTime).toBeLessThan(RUN);
    expect(w.machine.runs).toBe(1);
    expect(tooBig).toMatchObject({ status: 'failed', reason: 'unschedulable', runTime: 0 });
    if (tooBig.status === 'failed')
      expect(tooBig.message).toMatch(/needs 1 cores and 5 GPUs; .* has 32 cores and 4 GPUs/);
  });

  it('a node failure loses the manager: the task fails 120 s after its last heartbeat', () => {
    const w = world({ machine: { jobFailureProbability: 1 }, engine: { walltime: 4 * HOUR }, seed: 3 });
    const final = monitor(w, submitAt(w, 0, [gpuTask(100 * HOUR)]), 60);
    w.sim.run(48 * HOUR);
    const status = only(final);
    expect(status).toMatchObject({ status: 'failed', reason: 'manager-lost' });
    if (status.status !== 'failed') return;
    expect(status.message).toMatch(/ManagerLost: .*node-failure/);
    // Every job fails at a uniform point of its walltime; the task ran on the first block that registered
    // before failing, from its registration (+ dispatch) to the failure.
    const block = w.machine.blocks
      .filter((b) => b.cause === 'node-failure' && b.endedAt! > b.startedAt! + BOOT)
      .sort((a, b) => a.startedAt! - b.startedAt!)[0];
    const registered = block.startedAt! + BOOT;
    expect(status.runTime).toBeCloseTo(block.endedAt! - registered - DISPATCH, 9);
    const lastBeat = registered + Math.floor((block.endedAt! - registered) / 30) * 30;
    expect(status.completedAt).toBeCloseTo(lastBeat + 120, 9);
  });

  it('tasks fail with WorkerLost at the configured system-failure probability', () => {
    const p = 0.01;
    const n = 20_000;
    const w = world({
      machine: { queues: [{ ...toyGpuMachine(QUEUE_WAIT).queues[0], wait: constant(0) }] },
      engine: {
        systemFailureProbability: p,
        nodesPerBlock: 4,
        workersPerNode: 32,
        maxBlocks: 4,
        walltime: 12 * HOUR,
      },
    });
    const specs = Array.from({ length: n }, () => ({
      payload: { id: nextPayload++, cpuWork: 0, gpuWork: 0, cores: 1, gpus: 0, fixedTime: 10 },
      argumentBytes: 200,
      resultBytes: 200,
    }));
    const final = monitor(w, submitAt(w, 0, specs), 300);
    w.sim.run(4 * HOUR);
    expect(final.size).toBe(n);
    const lost = [...final.values()].filter(
      (s) => s.status === 'failed' && s.reason === 'worker-lost',
    ).length;
    const succeeded = [...final.values()].filter((s) => s.status === 'success').length;
    expect(lost + succeeded).toBe(n);
    const sd = Math.sqrt(n * p * (1 - p));
    expect(Math.abs(lost - n * p)).toBeLessThan(Z * sd);
  });

  it('Polaris with the example endpoint config: the second block is refused by debug-scaling and asked again', () => {
    const sim = new Simulation();
    const streams = new RandomStreams(7);
    const polaris = new RecordingProvider(sim, new HpcMachine(sim, streams, POLARIS));
    const service = new ComputeService(sim);
    const endpoint = new MultiUserEndpoint(sim, streams, service, polaris, { id: 'polaris-mep' });
    const client = new ComputeClient(sim, streams, service, { user: 'alice', tokenValidUntil: 48 * HOUR });
    const w: World = { sim, service, endpoint, machine: polaris, client };
    const outcomes: SubmitOutcome[] = [];
    sim.at(0, () =>
      client.batchRun(
        'polaris-mep',
        Array.from({ length: 8 }, () => gpuTask(1200)),
        (o) => outcomes.push(...o),
      ),
    );
    const final = monitor(w, outcomes, 300);
    sim.run(12 * HOUR);
    // Two rounds of four 20-min tasks on the block's four GPUs fit in its 1 h walltime with the 2 min start-up.
    expect(final.size).toBe(8);
    expect([...final.values()].every((s) => s.status === 'success')).toBe(true);
    // debug-scaling takes one job per user: every other block the strategy asks for is refused.
    const started = polaris.blocks.filter((b) => b.startedAt !== undefined);
    const refused = polaris.blocks.filter((b) => b.cause === 'submission-failed');
    expect(started.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeGreaterThan(10);
    expect(started.length + refused.length).toBe(polaris.blocks.length);
    expect(endpoint.engine('alice')!.blocksSubmitted).toBe(polaris.blocks.length);
  });
});
