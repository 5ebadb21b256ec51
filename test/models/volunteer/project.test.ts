import { describe, expect, it } from 'vitest';
import { constant, exponential } from '../../../sim/distributions.ts';
import { Simulation } from '../../../sim/engine.ts';
import { RandomStreams } from '../../../sim/random.ts';
import { meanConfidenceInterval } from '../../../sim/stats/confidence.ts';
import { normalQuantile } from '../../../sim/stats/normal.ts';
import { VolunteerProject } from '../../../models/volunteer/project.ts';
import type { VolunteerOptions } from '../../../models/volunteer/params.ts';
import type { Payload, PayloadOutcome } from '../../../models/provider/worker.ts';

/** Hosts that never go off: the first on period outlasts any test, and they start on (p = 1 − 1e-12 > any draw). */
const ALWAYS_ON = { onPeriod: constant(1e12), offPeriod: constant(1) };

function payload(id: number, cpuWork: number): Payload {
  return { id, cpuWork, gpuWork: 0, cores: 1, gpus: 0, fixedTime: 0 };
}

function project(options: Partial<VolunteerOptions>, seed = 1) {
  const sim = new Simulation();
  const volunteers = new VolunteerProject(sim, new RandomStreams(seed), { name: 'boinc', ...options });
  return { sim, volunteers };
}

/** P(fewer than q valid among r results), each valid with probability 1 − e. */
function resendProbability(e: number, r: number, q: number): number {
  let p = 0;
  let choose = 1;
  for (let k = 0; k < q; k++) {
    p += choose * (1 - e) ** k * e ** (r - k);
    choose = (choose * (r - k)) / (k + 1);
  }
  return p;
}

describe('host availability', () => {
  it.each([
    ['exponential periods', exponential({ mean: 8 * 3600 }), exponential({ mean: 16 * 3600 })],
    ['the default heavy-tailed periods', undefined, undefined],
  ])(
    'the share of time on is on/(on+off) with %s (99% interval over hosts)',
    (_label, onPeriod, offPeriod) => {
      const { sim, volunteers } = project({ hosts: 300, ...(onPeriod && { onPeriod, offPeriod }) });
      const { onPeriod: on, offPeriod: off } = volunteers.params;
      sim.run(4000 * 3600);
      const interval = meanConfidenceInterval(volunteers.hosts.availability(sim.now), 0.99);
      const expected = on.mean / (on.mean + off.mean);
      expect(interval.halfWidth).toBeLessThan(0.02);
      expect(expected).toBeGreaterThan(interval.lower);
      expect(expected).toBeLessThan(interval.upper);
    },
  );
});

describe('redundancy and quorum', () => {
  it.each([
    [0.2, 3, 2],
    [0.2, 2, 2],
    [0.1, 1, 1],
  ])(
    'with error rate %s, replication %s and quorum %s, re-sends match the binomial formula (99%)',
    (e, r, q) => {
      const { sim, volunteers } = project({
        hosts: 200,
        hostCores: constant(4),
        ...ALWAYS_ON,
        replication: r,
        quorum: q,
        resultErrorRate: e,
        maxErrorResults: 100,
        maxTotalResults: 100,
      });
      const units = 10_000;
      let ok = 0;
      for (let i = 0; i < units; i++)
        volunteers.submitWorkUnit(payload(i, 36_000), (o) => (ok += o.ok ? 1 : 0));
      sim.run(1e7);
      const p = resendProbability(e, r, q);
      const halfWidth = normalQuantile(0.995) * Math.sqrt((p * (1 - p)) / units);
      expect(ok).toBe(units);
      expect(Math.abs(volunteers.stats.resent / units - p)).toBeLessThan(halfWidth);
      const usage = volunteers.usage(sim.now);
      const parts =
        usage.usefulCoreSeconds +
        usage.redundantCoreSeconds +
        usage.errorCoreSeconds +
        usage.lateCoreSeconds +
        usage.abandonedCoreSeconds;
      expect(usage.coreSeconds).toBeCloseTo(parts, 3);
      expect(usage.wastedCoreSeconds).toBeCloseTo(usage.coreSeconds - usage.usefulCoreSeconds, 3);
    },
  );

  it('counts the extra valid copies as redundant work, including copies returned after the quorum', () => {
    for (const [quorum, useful, redundant, validatedAt] of [
      [2, 100, 200, 200],
      [1, 100, 200, 100],
    ]) {
      const { sim, volunteers } = project({
        hosts: [
          { cores: 1, corepower: 10 },
          { cores: 1, corepower: 5 },
        ],
        ...ALWAYS_ON,
        replication: 2,
        quorum,
        resultErrorRate: 0,
      });
      const outcomes: [number, PayloadOutcome][] = [];
      volunteers.submitWorkUnit(payload(1, 1000), (o) => outcomes.push([sim.now, o]));
      sim.run(1000);
      expect(outcomes).toEqual([[validatedAt, { ok: true, wallTime: validatedAt }]]);
      expect(volunteers.usage(sim.now)).toMatchObject({
        coreSeconds: useful + redundant,
        usefulCoreSeconds: useful,
        redundantCoreSeconds: redundant,
        wastedCoreSeconds: redundant,
        cost: 0,
      });
    }
  });

  it('fails a work unit after more than maxErrorResults invalid results', () => {
    const { sim, volunteers } = project({
      hosts: 20,
      ...ALWAYS_ON,
      replication: 1,
      quorum: 1,
      resultErrorRate: 0.999,
      maxErrorResults: 3,
    });
    const outcomes: PayloadOutcome[] = [];
    volunteers.submitWorkUnit(payload(1, 10), (o) => outcomes.push(o));
    sim.run(1e6);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ ok: false, cause: 'payload-error' });
    expect(volunteers.stats).toMatchObject({ failed: 1, resultsCreated: 4, resultsInvalid: 4 });
  });
});

describe('long tail and deadline', () => {
  it('resends a result not returned by the deadline to another host (hand-made case)', () => {
    const { sim, volunteers } = project({
      hosts: [
        { cores: 1, corepower: 1 }, // 1000 s for the payload: misses the 100 s deadline
        { cores: 1, corepower: 100 }, // 10 s
      ],
      ...ALWAYS_ON,
      replication: 1,
      quorum: 1,
      resultErrorRate: 0,
      deadline: 100,
    });
    const outcomes: PayloadOutcome[] = [];
    volunteers.submitWorkUnit(payload(1, 1000), (o) => outcomes.push(o));
    sim.run(10_000);
    expect(outcomes).toEqual([{ ok: true, wallTime: 110 }]);
    expect(volunteers.stats).toMatchObject({ resent: 1, resultsTimedOut: 1, resultsCreated: 2 });
    expect(volunteers.usage(sim.now)).toMatchObject({
      usefulCoreSeconds: 10,
      lateCoreSeconds: 100,
      wastedCoreSeconds: 100,
    });
  });

  it('suspends a result while its host is off and resumes it when the host is back', () => {
    const { sim, volunteers } = project({
      hosts: [{ cores: 1, corepower: 1 }],
      onPeriod: constant(50),
      offPeriod: constant(30),
      replication: 1,
      quorum: 1,
      resultErrorRate: 0,
    });
    const startedOn = volunteers.hosts.hosts[0].on;
    const outcomes: PayloadOutcome[] = [];
    volunteers.submitWorkUnit(payload(1, 70), (o) => outcomes.push(o));
    sim.run(1000);
    // On at 0: computes 0–50 and 80–100. Off at 0: computes 30–80 and 110–130.
    expect(outcomes).toEqual([{ ok: true, wallTime: startedOn ? 100 : 130 }]);
    expect(volunteers.usage(sim.now).usefulCoreSeconds).toBe(70);
  });
});
