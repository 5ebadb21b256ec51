import { describe, expect, it } from 'vitest';
import { constant } from '../../../sim/distributions.ts';
import { Simulation } from '../../../sim/engine.ts';
import { RandomStreams } from '../../../sim/random.ts';
import { VolunteerProject } from '../../../models/volunteer/project.ts';
import { VolunteerSlots } from '../../../models/volunteer/slots.ts';
import type {
  FailureCause,
  Payload,
  PayloadOutcome,
  WorkerRequest,
} from '../../../models/provider/worker.ts';

const SLOT: WorkerRequest = {
  queue: 'BOINC_MCORE',
  cores: 2,
  gpus: 0,
  nodes: 1,
  memoryMB: 4000,
  walltime: 1e6,
};

function payload(id: number, cpuWork: number): Payload {
  return { id, cpuWork, gpuWork: 0, cores: 1, gpus: 0, fixedTime: 0 };
}

function setup() {
  const sim = new Simulation();
  const project = new VolunteerProject(sim, new RandomStreams(5), {
    name: 'atlas-at-home',
    hosts: [
      { cores: 1, corepower: 10 },
      { cores: 1, corepower: 10 },
      { cores: 1, corepower: 10 },
    ],
    onPeriod: constant(1e12),
    offPeriod: constant(1),
    replication: 2,
    quorum: 2,
    resultErrorRate: 0,
  });
  return { sim, project, slots: new VolunteerSlots(sim, project) };
}

describe('VolunteerSlots', () => {
  it('starts a slot at once and runs each payload as a work unit with its redundant copies', () => {
    const { sim, slots } = setup();
    const outcomes: [number, PayloadOutcome][] = [];
    const ended: string[] = [];
    slots.submit(SLOT, {
      started: (worker) => {
        slots.run(worker, payload(1, 1000), (o) => outcomes.push([1, o]));
        slots.run(worker, payload(2, 2000), (o) => {
          outcomes.push([2, o]);
          slots.release(worker);
        });
      },
      ended: (worker, cause) => ended.push(`${worker.status} ${cause} ${sim.now}`),
    });
    sim.run(10_000);
    // Three one-core hosts: unit 1 takes two of them for 100 s, unit 2 one, then the freed one at 100 s.
    expect(outcomes).toEqual([
      [1, { ok: true, wallTime: 100 }],
      [2, { ok: true, wallTime: 300 }],
    ]);
    expect(ended).toEqual(['finished undefined 300']);
    expect(slots.usage(sim.now)).toMatchObject({
      coreSeconds: 600,
      usefulCoreSeconds: 300,
      redundantCoreSeconds: 300,
      wastedCoreSeconds: 300,
      cost: 0,
    });
  });

  it('cancels the work unit of a payload cut by the walltime and counts its work as abandoned', () => {
    const { sim, slots } = setup();
    const outcomes: PayloadOutcome[] = [];
    const causes: (FailureCause | undefined)[] = [];
    slots.submit(
      { ...SLOT, walltime: 50 },
      {
        started: (worker) => slots.run(worker, payload(1, 1000), (o) => outcomes.push(o)),
        ended: (_worker, cause) => causes.push(cause),
      },
    );
    sim.run(10_000);
    expect(outcomes).toEqual([{ ok: false, wallTime: 50, cause: 'walltime' }]);
    expect(causes).toEqual(['walltime']);
    expect(slots.project.stats).toMatchObject({ cancelled: 1, resultsAborted: 2 });
    expect(slots.usage(sim.now)).toMatchObject({
      coreSeconds: 100,
      abandonedCoreSeconds: 100,
      usefulCoreSeconds: 0,
    });
  });

  it('refuses GPU workers as missed', () => {
    const { sim, slots } = setup();
    const causes: (FailureCause | undefined)[] = [];
    const worker = slots.submit(
      { ...SLOT, gpus: 1 },
      { started: () => {}, ended: (_w, cause) => causes.push(cause) },
    );
    sim.run(10);
    expect(worker.status).toBe('missed');
    expect(causes).toEqual(['submission-failed']);
  });
});
