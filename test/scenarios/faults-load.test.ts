/** The `faults:` section: loaded with units and defaults, and every wrong target or timing a clear error. */
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../scenarios/load.ts';
import { RandomStreams } from '../../sim/random.ts';
import { planFaults } from '../../scenarios/world/fault-plan.ts';
import { GRID_PLATFORM, LCF_PLATFORM, scenario } from './faults-fixture.ts';

const TASK = "      - { name: sim, gshare: Sim, nJobs: 1, cpuPerJob: 'constant(1e5)', walltime: 24h }";

function problems(platform: string, faults: string): { path: string; expected: string }[] {
  try {
    scenario({ platform, workflow: TASK, faults });
  } catch (error) {
    if (error instanceof ScenarioError)
      return error.problems.map((p) => ({ path: p.path, expected: p.expected }));
    throw error;
  }
  throw new Error('loaded without a problem');
}

describe('loading faults', () => {
  it('parses scheduled and sudden faults with their units, targets and defaults', () => {
    const s = scenario({
      platform: GRID_PLATFORM,
      workflow: TASK,
      faults: [
        '  - { kind: site-downtime, site: [SITE-A, SITE-B], at: 6h, for: 1h 30min, announce: 2h }',
        "  - { kind: storage-full, site: SITE-B, rate: 2/d, duration: 'lognormal(median=4h, sigma=1)' }",
        '  - { kind: network-degraded, between: [eu, us], factor: 0.25, at: 1d, for: 6h }',
      ].join('\n'),
    });
    expect(s.faults).toHaveLength(3);
    expect(s.faults![0]).toEqual({
      kind: 'site-downtime',
      targets: ['SITE-A', 'SITE-B'],
      announce: 7200,
      timing: { mode: 'scheduled', at: 21_600, duration: 5400 },
    });
    const sudden = s.faults![1];
    expect(sudden.timing.mode).toBe('sudden');
    if (sudden.timing.mode === 'sudden') {
      expect(sudden.timing.rate).toBeCloseTo(2 / 86_400, 12);
      expect(sudden.timing.duration.mean).toBeCloseTo(4 * 3600 * Math.exp(0.5), 3);
    }
    expect(s.faults![2]).toMatchObject({
      kind: 'network-degraded',
      targets: [{ between: ['eu', 'us'] }],
      factor: 0.25,
    });
  });

  it('names the field of an unknown target', () => {
    expect(problems(GRID_PLATFORM, '  - { kind: site-downtime, site: BNL, at: 1h, for: 6h }')).toEqual([
      { path: 'faults[0].site', expected: 'a grid site ("SITE-A", "SITE-B")' },
    ]);
    expect(
      problems(LCF_PLATFORM, '  - { kind: lcf-queue-outage, hpc: POLARIS, queue: nope, at: 1h, for: 6h }'),
    ).toEqual([{ path: 'faults[0].queue', expected: expect.stringContaining('a queue of polaris') }]);
    expect(
      problems(GRID_PLATFORM, '  - { kind: network-cut, backbone: asia, at: 1h, for: 6h }')[0].path,
    ).toBe('faults[0].backbone');
    expect(
      problems(GRID_PLATFORM, '  - { kind: harvester-down, instance: grid-asia, at: 1h, for: 6h }'),
    ).toEqual([
      { path: 'faults[0].instance', expected: 'a Harvester instance ("central", "grid-eu", "grid-us")' },
    ]);
  });

  it('asks for one timing, whole', () => {
    const both = problems(
      GRID_PLATFORM,
      "  - { kind: storage-full, site: SITE-A, at: 1h, for: 1h, rate: 1/d, duration: '1h' }",
    );
    expect(both[0].path).toBe('faults[0]');
    expect(both[0].expected).toMatch(/not both/);
    expect(problems(GRID_PLATFORM, '  - { kind: storage-full, site: SITE-A, at: 1h }')[0].path).toBe(
      'faults[0].for',
    );
    expect(
      problems(GRID_PLATFORM, '  - { kind: storage-full, site: SITE-A, for: 1h, typo: 1 }').map(
        (p) => p.path,
      ),
    ).toContain('faults[0].at');
  });
});

describe('the fault schedule', () => {
  const s = scenario({
    platform: GRID_PLATFORM,
    workflow: TASK,
    faults:
      "  - { kind: site-downtime, site: [SITE-A, SITE-B], rate: 1/d, duration: 'exponential(mean=2h)' }",
  });
  const plan = (seed: number) =>
    planFaults(s.faults!, 30 * 86_400, new RandomStreams(seed)).map((f) => [f.label, f.start, f.end]);

  it('is the same for the same seed, another for another seed, and about rate × time long', () => {
    expect(plan(3)).toEqual(plan(3));
    expect(plan(3)).not.toEqual(plan(4));
    // Two sites, one a day over 30 days (less the time down): 60 expected, Poisson spread.
    expect(plan(3).length).toBeGreaterThan(40);
    expect(plan(3).length).toBeLessThan(80);
  });

  it("never overlaps a target's own occurrences", () => {
    for (const site of ['SITE-A', 'SITE-B']) {
      const mine = plan(3).filter(([label]) => label === site);
      for (let k = 1; k < mine.length; k++)
        expect(mine[k][1]).toBeGreaterThanOrEqual(mine[k - 1][2] as number);
    }
  });
});
