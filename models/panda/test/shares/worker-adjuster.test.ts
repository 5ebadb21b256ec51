import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  defineNumWorkers,
  workerLimits,
  type WorkerAdjusterInput,
} from '../../src/shares/worker-adjuster.ts';

describe('DBProxy.get_worker_limits', () => {
  it('derives limits from the running ratio with per-RT and total minima and a maximum', () => {
    const cfg = {
      maxWorkers: 1000,
      nQueueLimitWorkerRatio: 10,
      nQueueLimitWorkerMin: 5,
      nQueueLimitWorkerMax: 60,
    };
    expect(workerLimits(cfg, 300, 4)).toEqual({
      maxWorkers: 1000,
      nQueueLimitWorker: 30,
      nQueueLimitWorkerPerRT: 30,
    });
    expect(workerLimits(cfg, 20, 4)).toEqual({
      maxWorkers: 1000,
      nQueueLimitWorker: 20,
      nQueueLimitWorkerPerRT: 5,
    });
    expect(workerLimits(cfg, 5000, 4)).toEqual({
      maxWorkers: 1000,
      nQueueLimitWorker: 60,
      nQueueLimitWorkerPerRT: 60,
    });
    expect(workerLimits({ maxWorkers: 1000, nQueueLimitWorkerRatio: 10 }, 0, 3).nQueueLimitWorker).toBe(3);
  });

  it('falls back to nQueueLimitWorker, then maxWorkers; the total never exceeds maxWorkers', () => {
    expect(workerLimits({ maxWorkers: 100, nQueueLimitWorker: 20 }, 0, 1)).toEqual({
      maxWorkers: 100,
      nQueueLimitWorker: 20,
      nQueueLimitWorkerPerRT: 20,
    });
    expect(workerLimits({ maxWorkers: 100 }, 0, 1).nQueueLimitWorkerPerRT).toBe(100);
    expect(workerLimits({ maxWorkers: 10, nQueueLimitWorker: 50 }, 0, 1)).toEqual({
      maxWorkers: 10,
      nQueueLimitWorker: 10,
      nQueueLimitWorkerPerRT: 50,
    });
  });
});

describe('WorkerAdjuster.define_num_workers', () => {
  const limits = { maxWorkers: 100, nQueueLimitWorker: 20, nQueueLimitWorkerPerRT: 20 };

  it('fills the queue up to the per-RT limit, bounded by maxWorkers', () => {
    const r = defineNumWorkers({ perResourceType: { ANY: { nQueue: 5, nReady: 0, nRunning: 90 } }, limits });
    expect(r.nNewWorkers).toEqual({ ANY: 5 });
    const full = defineNumWorkers({
      perResourceType: { ANY: { nQueue: 20, nReady: 0, nRunning: 0 } },
      limits,
    });
    expect(full.nNewWorkers).toEqual({ ANY: 0 });
  });

  it('follows PanDA in slave mode and activated jobs in pull mode', () => {
    const slave = defineNumWorkers({
      perResourceType: { ANY: { nQueue: 3, nReady: 0, nRunning: 0, nNewWorkers: 4 } },
      limits,
      runMode: 'slave',
    });
    expect(slave.nNewWorkers).toEqual({ ANY: 4 });
    const zero = defineNumWorkers({
      perResourceType: { ANY: { nQueue: 0, nReady: 0, nRunning: 0, nNewWorkers: 0 } },
      limits,
      runMode: 'slave',
    });
    expect(zero.nNewWorkers).toEqual({ ANY: 0 });
    const pull = defineNumWorkers({
      perResourceType: { ANY: { nQueue: 1, nReady: 0, nRunning: 0 } },
      limits,
      mapType: 'NoJob',
      nActivatedJobs: 0,
    });
    expect(pull.nNewWorkers).toEqual({ ANY: 0 });
    expect(defineNumWorkers({ ...pullInput(), nActivatedJobs: 7 }).nNewWorkers).toEqual({ ANY: 6 });
  });

  function pullInput(): WorkerAdjusterInput {
    return { perResourceType: { ANY: { nQueue: 1, nReady: 0, nRunning: 0 } }, limits, mapType: 'NoJob' };
  }

  it('stops submission for disabled or throttled queues and applies per-cycle caps', () => {
    const base = { perResourceType: { ANY: { nQueue: 0, nReady: 0, nRunning: 0 } }, limits };
    expect(defineNumWorkers({ ...base, queueStatus: 'offline' }).nNewWorkers).toEqual({ ANY: 0 });
    expect(defineNumWorkers({ ...base, throttled: true }).nNewWorkers).toEqual({ ANY: 0 });
    expect(defineNumWorkers({ ...base, maxNewWorkersPerCycle: 7 }).nNewWorkers).toEqual({ ANY: 7 });
    expect(defineNumWorkers({ ...base, maxNewWorkers: 3 }).nNewWorkers).toEqual({ ANY: 3 });
  });

  it('scales unified-queue requests down proportionally, leftovers to the largest remainders', () => {
    const r = defineNumWorkers({
      perResourceType: {
        ANY: { nQueue: 0, nReady: 0, nRunning: 0 },
        SCORE: { nQueue: 0, nReady: 0, nRunning: 0, nNewWorkers: 7 },
        MCORE: { nQueue: 0, nReady: 0, nRunning: 0, nNewWorkers: 5 },
        SCORE_HIMEM: { nQueue: 0, nReady: 0, nRunning: 0, nNewWorkers: 3 },
      },
      limits: { maxWorkers: 100, nQueueLimitWorker: 10, nQueueLimitWorkerPerRT: 20 },
      runMode: 'slave',
      maxNewWorkersPerCycle: 50,
    });
    // total 15 → 10: 70/15 = 4 r10, 50/15 = 3 r5, 30/15 = 2 r0; one leftover → SCORE.
    expect(r.nNewWorkers).toEqual({ ANY: 0, SCORE: 5, MCORE: 3, SCORE_HIMEM: 2 });
  });

  it('the default maxNewWorkersPerCycle of 0 caps a unified queue at zero (faithful quirk)', () => {
    const r = defineNumWorkers({
      perResourceType: {
        SCORE: { nQueue: 0, nReady: 0, nRunning: 0 },
        MCORE: { nQueue: 0, nReady: 0, nRunning: 0 },
      },
      limits,
    });
    expect(r.nNewWorkers).toEqual({ SCORE: 0, MCORE: 0 });
  });

  it('property: the aggregate over resource types respects the aggregate limit', () => {
    const arbRt = fc.record({
      nQueue: fc.nat(30),
      nReady: fc.nat(5),
      nRunning: fc.nat(50),
      nNewWorkers: fc.nat(40),
    });
    fc.assert(
      fc.property(
        fc.array(arbRt, { minLength: 2, maxLength: 4 }),
        fc.integer({ min: 1, max: 60 }),
        (rts, perCycle) => {
          const perResourceType: WorkerAdjusterInput['perResourceType'] = Object.fromEntries(
            rts.map((c, i) => [`RT${i}`, c]),
          );
          const lim = { maxWorkers: 200, nQueueLimitWorker: 40, nQueueLimitWorkerPerRT: 25 };
          const r = defineNumWorkers({
            perResourceType,
            limits: lim,
            runMode: 'slave',
            maxNewWorkersPerCycle: perCycle,
          });
          const sum = Object.values(r.nNewWorkers).reduce((s, n) => s + n, 0);
          const q = rts.reduce((s, c) => s + c.nQueue, 0);
          const all = rts.reduce((s, c) => s + c.nQueue + c.nReady + c.nRunning, 0);
          expect(sum).toBeLessThanOrEqual(Math.max(0, Math.min(40 - q, 200 - all, perCycle)));
          for (const n of Object.values(r.nNewWorkers)) expect(n).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
});
