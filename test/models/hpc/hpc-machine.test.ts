/**
 * The LCF machine model against the rules and figures it is built on: Polaris queue ranges and project
 * limits (argonne-lcf/user-guides running-jobs), queue wait AND node availability, whole-node multi-node
 * jobs with GPU work scaling with the GPUs used, the allocation running out, the node-down fraction and the
 * failure rate of jobs on nodes that go down, batch-job failures and preemption at their configured rates.
 */
import { describe, expect, it } from 'vitest';
import { constant, type Distribution } from '../../../sim/distributions.ts';
import { Simulation } from '../../../sim/engine.ts';
import { RandomStreams } from '../../../sim/random.ts';
import { batchMeansInterval } from '../../../sim/stats/confidence.ts';
import { normalQuantile } from '../../../sim/stats/normal.ts';
import { A100_40GB, V100 } from '../../../models/hpc/gpu-models.ts';
import { HpcMachine } from '../../../models/hpc/hpc-machine.ts';
import type { ExecutionQueue, HpcMachineParams } from '../../../models/hpc/machine-params.ts';
import { FRONTIER, PERLMUTTER, POLARIS } from '../../../models/hpc/machines.ts';
import type { Payload, PayloadOutcome, WorkerRequest } from '../../../models/provider/worker.ts';
import { submitOnePayload, type OnePayloadLog } from '../provider/one-payload-worker.ts';

const HOUR = 3600;
/** Two-sided 99.9% normal quantile, for binomial and Poisson counts. */
const Z = normalQuantile(0.9995);

/** A machine with every failure off and every queue wait set to `wait`. */
function quiet(
  base: HpcMachineParams,
  overrides: Partial<HpcMachineParams> = {},
  wait: Distribution = constant(0),
): HpcMachineParams {
  return {
    ...base,
    queues: base.queues.map((queue) => ({ ...queue, wait })),
    nodeDownFraction: 0,
    jobFailureProbability: 0,
    payloadFailureProbability: 0,
    ...overrides,
  };
}

const batchQueue = (overrides: Partial<ExecutionQueue> = {}): ExecutionQueue => ({
  name: 'batch',
  minNodes: 1,
  maxNodes: 16,
  minWalltime: 0,
  maxWalltime: 48 * HOUR,
  wait: constant(0),
  limits: {},
  routedOnly: false,
  ...overrides,
});

/** A 16-node machine with one queue, for the mechanisms that do not need a real one. */
function toy(overrides: Partial<HpcMachineParams> = {}): HpcMachineParams {
  return {
    name: 'toy',
    storageEndpoint: 'TOY_DATADISK',
    nodes: 16,
    coresPerNode: 32,
    memoryPerNodeMB: 256_000,
    gpusPerNode: 4,
    gpu: A100_40GB,
    hs06PerCore: 10,
    queues: [batchQueue()],
    routingQueues: [],
    limits: {},
    allocationNodeHours: Infinity,
    nodeDownFraction: 0,
    nodeRepairTime: HOUR,
    jobFailureProbability: 0,
    payloadFailureProbability: 0,
    ...overrides,
  };
}

const job = (queue: string, nodes: number, walltime: number, user?: string): WorkerRequest => ({
  queue,
  cores: 32,
  gpus: 4,
  nodes,
  memoryMB: 100_000,
  walltime,
  user,
});

/** GPU work that takes `seconds` on `gpus` reference GPUs. */
const training = (id: number, seconds: number, gpus: number): Payload => ({
  id,
  cpuWork: 0,
  gpuWork: seconds * gpus,
  cores: 0,
  gpus,
  fixedTime: 0,
});

/** Submits a job that trains on all its GPUs for `seconds` when it starts, then releases itself. */
function submitJob(
  sim: Simulation,
  machine: HpcMachine,
  request: WorkerRequest,
  seconds: number,
  onStart?: () => void,
): OnePayloadLog {
  const gpus = request.nodes * machine.params.gpusPerNode;
  return submitOnePayload(sim, machine, request, (worker) => training(worker.id, seconds, gpus), onStart);
}

describe('HpcMachine queue ranges (Polaris)', () => {
  function refusal(request: WorkerRequest): string | undefined {
    const sim = new Simulation();
    const machine = new HpcMachine(sim, new RandomStreams(1), quiet(POLARIS));
    const log = submitJob(sim, machine, request, 60);
    sim.run(10);
    if (log.worker.status !== 'missed') return undefined;
    expect(log.cause).toBe('submission-failed');
    return (log.worker as { diagMessage?: string }).diagMessage;
  }

  it('routes prod jobs by size and walltime to small, medium or large', () => {
    const sim = new Simulation();
    const machine = new HpcMachine(sim, new RandomStreams(1), quiet(POLARIS));
    submitJob(sim, machine, job('prod', 12, 2 * HOUR), 60);
    submitJob(sim, machine, job('prod', 30, 5 * HOUR), 60);
    submitJob(sim, machine, job('prod', 200, 20 * HOUR), 60);
    expect(['small', 'medium', 'large'].map((q) => machine.queueState(q).jobs)).toEqual([1, 1, 1]);
    expect(machine.queueState('prod').jobs).toBe(3);
  });

  it('refuses jobs outside every range with a reason that names them', () => {
    expect(refusal(job('prod', 5, HOUR))).toBe(
      'polaris prod: no queue takes 5 nodes for 1h ' +
        '(small: 10–24 nodes, 5m–3h; medium: 25–99 nodes, 5m–6h; large: 100–496 nodes, 5m–1d)',
    );
    expect(refusal(job('prod', 30, 7 * HOUR))).toMatch(/^polaris prod: no queue takes 30 nodes for 7h/);
    expect(refusal(job('debug', 3, HOUR))).toBe(
      'polaris debug: does not take 3 nodes for 1h (debug: 1–2 nodes, 5m–1h)',
    );
    expect(refusal(job('debug', 1, 2 * HOUR))).toBe(
      'polaris debug: does not take 1 nodes for 2h (debug: 1–2 nodes, 5m–1h)',
    );
    expect(refusal(job('debug', 1, 240))).toBe(
      'polaris debug: does not take 1 nodes for 4m (debug: 1–2 nodes, 5m–1h)',
    );
    expect(refusal(job('preemptable', 11, HOUR))).toMatch(/^polaris preemptable: does not take 11 nodes/);
    expect(refusal(job('small', 12, HOUR))).toBe('polaris small: takes jobs only through prod');
    expect(refusal(job('gpu', 1, HOUR))).toBe(
      'polaris: no queue gpu (queues: debug, debug-scaling, preemptable, capacity, prod)',
    );
    expect(refusal({ ...job('debug', 1, HOUR), gpus: 8 })).toBe(
      'polaris: 8 GPUs per node asked, nodes have 4',
    );
    expect(refusal(job('debug', 2, HOUR))).toBeUndefined();
  });

  it('builds Polaris, Perlmutter and Frontier from their parameter sets', () => {
    const sim = new Simulation();
    for (const params of [POLARIS, PERLMUTTER, FRONTIER]) {
      expect(() => new HpcMachine(sim, new RandomStreams(1), params)).not.toThrow();
    }
    const broken = { ...POLARIS, routingQueues: [{ name: 'prod', routes: ['tiny'], limits: {} }] };
    expect(() => new HpcMachine(sim, new RandomStreams(1), broken)).toThrow(
      'HPC machine polaris: routing queue prod routes to unknown queue tiny',
    );
  });
});

describe('HpcMachine project limits (Polaris)', () => {
  it('holds prod jobs to 10 running/accruing and 100 queued per project; held jobs do not age', () => {
    const sim = new Simulation();
    const machine = new HpcMachine(sim, new RandomStreams(1), quiet(POLARIS, {}, constant(600)));
    let maxRunning = 0;
    const check = (): void => {
      const small = machine.queueState('small');
      maxRunning = Math.max(maxRunning, small.running);
      expect(small.running).toBeLessThanOrEqual(10);
      expect(small.eligible).toBeLessThanOrEqual(10);
      expect(small.jobs - small.eligible).toBeLessThanOrEqual(100);
    };
    const logs = Array.from({ length: 115 }, () =>
      submitJob(sim, machine, job('prod', 10, HOUR), 1800, check),
    );
    sim.run();
    expect(logs.filter((log) => log.worker.status === 'missed').length).toBe(5);
    expect(logs.slice(110).every((log) => log.cause === 'submission-failed')).toBe(true);
    expect(logs[110].worker).toMatchObject({
      diagMessage: 'polaris small: the project has 110 jobs, the limit',
    });
    expect(maxRunning).toBe(10);
    // Ten at a time: each wave becomes eligible when the previous one ends, then waits its 600 s.
    logs.slice(0, 110).forEach((log, k) => {
      expect(log.startedAt).toBe(600 + Math.floor(k / 10) * 2400);
      expect(log.outcome).toEqual({ ok: true, wallTime: 1800 });
    });
  });

  it('enforces per-user caps and per-queue node caps', () => {
    const sim = new Simulation();
    const machine = new HpcMachine(sim, new RandomStreams(1), quiet(POLARIS));
    const alice = submitJob(sim, machine, job('debug-scaling', 2, HOUR, 'alice'), 600);
    const alice2 = submitJob(sim, machine, job('debug-scaling', 2, HOUR, 'alice'), 600);
    const bob = submitJob(sim, machine, job('debug-scaling', 2, HOUR, 'bob'), 600);
    // capacity: one running job per user, so the second waits for the first.
    const cap1 = submitJob(sim, machine, job('capacity', 4, 10 * HOUR, 'carol'), 3000);
    const cap2 = submitJob(sim, machine, job('capacity', 4, 10 * HOUR, 'carol'), 3000);
    // debug: at most 24 nodes in use, so 12 two-node jobs at a time out of 15.
    let maxDebugNodes = 0;
    const debug = Array.from({ length: 15 }, (_, i) =>
      submitJob(sim, machine, job('debug', 2, HOUR, `user${i}`), 1000, () => {
        maxDebugNodes = Math.max(maxDebugNodes, machine.queueState('debug').nodesInUse);
      }),
    );
    sim.run();
    expect([alice.startedAt, bob.startedAt]).toEqual([0, 0]);
    expect(alice2.worker).toMatchObject({
      status: 'missed',
      diagMessage: 'polaris debug-scaling: user alice has 1 jobs, the limit',
    });
    expect([cap1.startedAt, cap2.startedAt]).toEqual([0, 3000]);
    expect(maxDebugNodes).toBe(24);
    expect(debug.map((log) => log.startedAt)).toEqual([...Array(12).fill(0), 1000, 1000, 1000]);
  });
});

describe('HpcMachine nodes', () => {
  it('starts a job when its wait has passed and enough nodes are free', () => {
    const sim = new Simulation();
    const machine = new HpcMachine(
      sim,
      new RandomStreams(1),
      toy({ queues: [batchQueue({ wait: constant(600) })] }),
    );
    const a = submitJob(sim, machine, job('batch', 12, 10 * HOUR), 3000);
    const b = submitJob(sim, machine, job('batch', 8, 10 * HOUR), 100);
    const c = submitJob(sim, machine, job('batch', 4, 10 * HOUR), 1000);
    sim.run();
    // a and c fill the 16 nodes at 600; b needs 8, which only a's end at 3600 frees.
    expect([a.startedAt, b.startedAt, c.startedAt]).toEqual([600, 3600, 600]);
  });

  it('gives multi-node jobs whole nodes and scales GPU work with the GPUs used', () => {
    for (const gpu of [A100_40GB, V100]) {
      const sim = new Simulation();
      const machine = new HpcMachine(sim, new RandomStreams(1), toy({ gpu }));
      let outcome: PayloadOutcome | undefined;
      let busyWhileRunning = 0;
      machine.submit(job('batch', 2, 10 * HOUR), {
        started(worker) {
          busyWhileRunning = machine.nodesBusy;
          expect(() => machine.run(worker, training(1, 100, 9), () => {})).toThrow(
            'toy.run: worker 1: payload 1 needs 0 cores and 9 GPUs, 64 cores and 8 GPUs are free',
          );
          machine.run(worker, { ...training(2, 0, 8), gpuWork: 8 * HOUR }, (result) => {
            outcome = result;
            machine.release(worker);
          });
        },
        ended: () => {},
      });
      sim.run();
      const wall = (8 * HOUR) / (8 * gpu.speed);
      expect(busyWhileRunning).toBe(2);
      expect(outcome).toEqual({ ok: true, wallTime: wall });
      expect(machine.usage(sim.now)).toEqual({
        coreSeconds: 2 * 32 * wall,
        gpuSeconds: 2 * 4 * wall,
        wastedCoreSeconds: 0,
        wastedGpuSeconds: 0,
        cost: 0,
      });
    }
  });

  it('never has more nodes busy than are up, under mixed job sizes and node failures', () => {
    const sim = new Simulation();
    const streams = new RandomStreams(5);
    const machine = new HpcMachine(sim, streams, toy({ nodeDownFraction: 0.1, nodeRepairTime: 2 * HOUR }));
    const sizes = streams.stream('test/sizes');
    for (let i = 0; i < 400; i++) {
      submitJob(sim, machine, job('batch', 1 + Math.floor(sizes.next() * 8), 6 * HOUR), 2 * HOUR);
    }
    let samples = 0;
    const sample = (): void => {
      expect(machine.nodesBusy + machine.nodesDown + machine.nodesFree).toBe(16);
      expect(machine.nodesBusy).toBe(machine.queueState('batch').nodesInUse);
      samples++;
      if (machine.queued + machine.running > 0) sim.schedule(60, sample);
    };
    sim.schedule(0, sample);
    sim.run(1000 * HOUR);
    expect(machine.queued + machine.running).toBe(0);
    expect(samples).toBeGreaterThan(1000);
  });

  it('keeps the configured fraction of nodes down over a long run', () => {
    const nodes = 500;
    const sim = new Simulation();
    const machine = new HpcMachine(
      sim,
      new RandomStreams(6),
      toy({ nodes, queues: [], nodeDownFraction: 0.03, nodeRepairTime: 12 * HOUR }),
    );
    const batch = 20 * 86_400;
    const fractions: number[] = [];
    let before = 0;
    for (let b = 1; b <= 20; b++) {
      sim.run(b * batch);
      const down = machine.nodeSeconds(sim.now).down;
      fractions.push((down - before) / (nodes * batch));
      before = down;
    }
    const interval = batchMeansInterval(fractions, 20, 0.99);
    expect(interval.lower).toBeLessThanOrEqual(0.03);
    expect(interval.upper).toBeGreaterThanOrEqual(0.03);
    expect(interval.halfWidth).toBeLessThan(0.003);
  });

  it('fails jobs on nodes that go down, at rate 1 / mean up time per busy node', () => {
    // Mean up time = repair · (1 − f) / f = 1 h · 0.8 / 0.2 = 4 h; a busy node-second is an up node-second,
    // so the number of jobs lost is Poisson with mean busy node-seconds / 4 h.
    const sim = new Simulation();
    const machine = new HpcMachine(
      sim,
      new RandomStreams(7),
      toy({ nodeDownFraction: 0.2, nodeRepairTime: HOUR }),
    );
    const logs: OnePayloadLog[] = [];
    let lost = 0;
    // Six two-node jobs in the system at a time, 4000 in all; node events never stop, so the run is stopped.
    const top = (): void => {
      while (logs.length < 4000 && machine.queued + machine.running < 6) {
        logs.push(submitJob(sim, machine, job('batch', 2, 2 * HOUR), HOUR));
      }
      if (machine.queued + machine.running === 0) sim.stop();
      else sim.schedule(60, top);
    };
    sim.schedule(0, top);
    sim.run();
    for (const log of logs) {
      if (log.cause !== 'node-failure') continue;
      lost++;
      expect(log.outcome).toEqual({
        ok: false,
        wallTime: log.endedAt! - log.startedAt!,
        cause: 'node-failure',
      });
    }
    const expected = machine.nodeSeconds(sim.now).busy / (4 * HOUR);
    expect(Math.abs(lost - expected)).toBeLessThan(Z * Math.sqrt(expected));
    expect(lost).toBeGreaterThan(100);
  });
});

describe('HpcMachine allocation', () => {
  it('stops submissions and fails queued jobs once the node-hours are used; running jobs finish', () => {
    const sim = new Simulation();
    const machine = new HpcMachine(sim, new RandomStreams(1), toy({ allocationNodeHours: 10 }));
    const four = submitJob(sim, machine, job('batch', 4, 3 * HOUR), 2 * HOUR);
    const two = submitJob(sim, machine, job('batch', 2, 3 * HOUR), 2 * HOUR);
    // 12 nodes do not fit beside the 6 busy ones: it waits, and is still waiting when the allocation ends.
    const twelve = submitJob(sim, machine, job('batch', 12, 3 * HOUR), 2 * HOUR);
    let late: OnePayloadLog | undefined;
    sim.schedule(6500, () => (late = submitJob(sim, machine, job('batch', 1, HOUR), 60)));
    sim.run();
    // 6 busy nodes use 10 node-hours after 10/6 h = 6000 s.
    expect(twelve).toMatchObject({ endedAt: 6000, cause: 'allocation-exhausted' });
    expect(twelve.worker.status).toBe('failed');
    expect(late!.worker.status).toBe('missed');
    expect(late!.cause).toBe('allocation-exhausted');
    expect(four.outcome).toEqual({ ok: true, wallTime: 2 * HOUR });
    expect(two.outcome).toEqual({ ok: true, wallTime: 2 * HOUR });
    expect(machine.allocationExhausted).toBe(true);
    expect(machine.allocationUsed(sim.now)).toBe(12);
  });
});

describe('HpcMachine job failures and preemption', () => {
  /** n one-node jobs whose payload outlasts their walltime, so each lives its walltime unless it fails. */
  function lifetimes(params: HpcMachineParams, n: number, walltime: number, seed: number): OnePayloadLog[] {
    const sim = new Simulation();
    const machine = new HpcMachine(sim, new RandomStreams(seed), params);
    const logs: OnePayloadLog[] = [];
    const top = (): void => {
      while (logs.length < n && machine.queued + machine.running < params.nodes) {
        const log = {} as OnePayloadLog;
        log.worker = machine.submit(job('batch', 1, walltime), {
          started(worker) {
            log.startedAt = sim.now;
            machine.run(worker, training(worker.id, 2 * walltime, 4), (outcome) => (log.outcome = outcome));
          },
          ended(_worker, cause) {
            log.endedAt = sim.now;
            log.cause = cause;
            top();
          },
        });
        logs.push(log);
      }
    };
    top();
    sim.run();
    expect(logs.length).toBe(n);
    return logs;
  }

  const withinBinomial = (count: number, n: number, p: number): void => {
    expect(Math.abs(count / n - p)).toBeLessThan(Z * Math.sqrt((p * (1 - p)) / n));
  };

  it('fails batch jobs with the configured probability', () => {
    const n = 10_000;
    const logs = lifetimes(toy({ nodes: 100, jobFailureProbability: 0.2 }), n, HOUR, 8);
    const failed = logs.filter((log) => log.cause === 'node-failure').length;
    expect(failed + logs.filter((log) => log.cause === 'walltime').length).toBe(n);
    withinBinomial(failed, n, 0.2);
  });

  it('preempts day-long jobs at the configured rate per day', () => {
    const n = 10_000;
    const queues = [batchQueue({ preemption: { probabilityPerDay: 0.1, after: 0 } })];
    const logs = lifetimes(toy({ nodes: 100, queues }), n, 24 * HOUR, 9);
    withinBinomial(logs.filter((log) => log.cause === 'preempted').length, n, 0.1);
  });

  it('spares the guaranteed run: 1 − 0.9^(22/24) of day-long jobs preempted after 2 h', () => {
    const n = 10_000;
    const queues = [batchQueue({ preemption: { probabilityPerDay: 0.1, after: 2 * HOUR } })];
    const logs = lifetimes(toy({ nodes: 100, queues }), n, 24 * HOUR, 10);
    const preempted = logs.filter((log) => log.cause === 'preempted');
    expect(Math.min(...preempted.map((log) => log.endedAt! - log.startedAt!))).toBeGreaterThanOrEqual(
      2 * HOUR,
    );
    withinBinomial(preempted.length, n, 1 - 0.9 ** (22 / 24));
  });
});
