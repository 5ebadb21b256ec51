import { describe, expect, it } from 'vitest';
import {
  upsNewWorkerDistribution,
  type UpsActivatedJob,
  type UpsInput,
} from '../../src/shares/pilot-streaming.ts';
import { ILLUSTRATIVE_RESOURCE_TYPES } from '../../src/shares/resource-types.ts';

const SORTED = [
  'Express',
  'Group production',
  'Data Derivations',
  'MC Simulation Fast',
  'MC Simulation Full',
];

function jobs(gshare: string, rt: string, n: number, prio = 500): UpsActivatedJob[] {
  return Array.from({ length: n }, () => ({ gshare, resource_type: rt, currentPriority: prio }));
}

function e9(activatedJobs: UpsActivatedJob[], extra: Partial<UpsInput> = {}): UpsInput {
  return {
    queue: { corecount: 8 },
    workerStats: {
      managed: { SCORE: { running: 100, submitted: 10 }, MCORE: { running: 50, submitted: 5 } },
    },
    sortedShares: SORTED,
    activatedJobs,
    resourceTypes: ILLUSTRATIVE_RESOURCE_TYPES,
    ...extra,
  };
}

describe('WorkerModule.ups_new_worker_distribution — E9', () => {
  it('walks shares in order: MCORE 16, SCORE 191', () => {
    const r = upsNewWorkerDistribution(
      e9([...jobs('MC Simulation Full', 'SCORE', 200), ...jobs('Data Derivations', 'MCORE', 20)]),
    );
    expect(r.coresRunning).toBe(500);
    expect(r.coresQueued).toBe(50);
    expect(r.coresTarget).toBe(600);
    expect(r.coresToSubmitLeft).toBe(231);
    expect(r.newWorkers).toEqual({ managed: { SCORE: 191, MCORE: 16 } });
  });

  it('variant: stops inside the first share, the lower-ranked share gets nothing', () => {
    const r = upsNewWorkerDistribution(
      e9([...jobs('MC Simulation Full', 'SCORE', 200), ...jobs('Data Derivations', 'MCORE', 80)]),
    );
    expect(r.coresToSubmitLeft).toBe(-2);
    expect(r.newWorkers).toEqual({ managed: { SCORE: 0, MCORE: 69 } });
  });

  it('an empty PQ still gets one SCORE worker', () => {
    const r = upsNewWorkerDistribution({
      ...e9([]),
      workerStats: { managed: { SCORE: { submitted: 3 } } },
    });
    expect(r.newWorkers).toEqual({ managed: { SCORE: 1 } });
  });
});

describe('ups_new_worker_distribution details', () => {
  it('applies per-RT worker limits and the HIMEM core limit after subtracting running workers', () => {
    const r = upsNewWorkerDistribution(
      e9(
        [
          ...jobs('Express', 'SCORE_HIMEM', 5),
          ...jobs('Express', 'MCORE', 5),
          ...jobs('Express', 'SCORE', 3),
        ],
        {
          queue: { corecount: 8, resourceTypeLimits: { MCORE: 50, HIMEM: 4 } },
          workerStats: {
            managed: { SCORE: { running: 10 }, MCORE: { running: 50 }, SCORE_HIMEM: { running: 4 } },
          },
        },
      ),
    );
    expect(r.newWorkers).toEqual({ managed: { SCORE: 4, MCORE: 0, SCORE_HIMEM: 0 } });
  });

  it('uses the ups_core_target of online queues and respects priority order inside a share', () => {
    const r = upsNewWorkerDistribution(
      e9([...jobs('Express', 'SCORE', 3000, 100), ...jobs('Express', 'MCORE', 10, 900)], {
        queue: { corecount: 8, status: 'online', upsCoreTarget: 5000 },
        workerStats: { managed: {} },
      }),
    );
    // target max(int(5000 × 0.4), 600) = 2000 cores: 10 MCORE (80 cores) then 1920 SCORE.
    expect(r.coresTarget).toBe(2000);
    expect(r.newWorkers).toEqual({ managed: { MCORE: 11, SCORE: 1921 } });
  });

  it("offers the docstring's 0.5 × running target", () => {
    const more = upsNewWorkerDistribution({
      ...e9([]),
      queue: { corecount: 1, status: 'online', upsCoreTarget: 1000 },
      queuedFractionOfRunning: 0.5,
    });
    expect(more.coresTarget).toBe(500);
    const code = upsNewWorkerDistribution({
      ...e9([]),
      queue: { corecount: 1, status: 'online', upsCoreTarget: 1000 },
    });
    expect(code.coresTarget).toBe(400);
  });

  it('submits only low-memory types when the workers exceed the meanrss target', () => {
    const input = e9([...jobs('Express', 'SCORE_HIMEM', 5), ...jobs('Express', 'SCORE', 5)], {
      queue: { corecount: 8, meanrss: 2000 },
      averageMemoryWorkersRunningSubmitted: 2500,
      averageMemoryWorkersRunning: 1800,
    });
    const r = upsNewWorkerDistribution(input);
    expect(r.allowedResourceTypes).toEqual(['SCORE', 'MCORE']);
    expect(r.newWorkers.managed.SCORE_HIMEM).toBeUndefined();
    expect(upsNewWorkerDistribution({ ...input, ignoreMeanrss: true }).newWorkers.managed.SCORE_HIMEM).toBe(
      6,
    );
  });
});
