/**
 * Faults on the grid, end to end: a site downtime (sudden and scheduled, with CRIC's brokeroff), a full
 * storage, an expired token and a Harvester instance down, each against the same run without the fault.
 */
import { describe, expect, it } from 'vitest';
import {
  failures,
  GRID_PLATFORM,
  makespanHours,
  onlyFault,
  run,
  runPair,
  scenario,
  TEN_HOURS,
} from './faults-fixture.ts';

const ONE_SITE = GRID_PLATFORM.replace(/ {4}- \{ name: SITE-B.*\n/, '');
/** 20 jobs of 10 h on one 10-slot site: two waves. */
const TWO_WAVES = `      - { name: sim, gshare: Sim, nJobs: 20, cpuPerJob: 'constant(${TEN_HOURS})', walltime: 24h }`;

describe('site downtime', () => {
  const { clean, hit } = runPair({
    platform: ONE_SITE,
    workflow: TWO_WAVES,
    faults: '  - { kind: site-downtime, site: SITE-A, at: 2h, for: 2h }',
  });

  it('kills the running jobs of the only site, which are retried and finish, and delays the makespan by >= 2 h', () => {
    const f = onlyFault(hit);
    expect(f).toMatchObject({
      kind: 'site-downtime',
      target: 'SITE-A',
      origin: 'scheduled',
      start: 7200,
      end: 14_400,
    });
    // The first wave (10 jobs, one per slot) was running at 2 h.
    expect(f.jobsKilled).toBe(10);
    expect(f.jobsRetried).toBe(10);
    expect(f.jobsFailed).toBe(0);
    expect(f.jobsRecovered).toBe(10);
    expect(failures(hit, 'site-downtime')).toBe(10);
    // 8 cores each, run since their start (after the first pilot wait), less than the 2 h before the fault.
    expect(f.cpuHoursLost).toBeGreaterThan(10 * 8 * 0.25);
    expect(f.cpuHoursLost).toBeLessThan(10 * 8 * 2);
    expect(hit.workflows[0].tasks[0].nFinished).toBe(20);
    expect(makespanHours(hit) - makespanHours(clean)).toBeGreaterThanOrEqual(2);
    // The killed jobs waited for the site in JEDI, not at its PanDA queues: the scheduled downtime has the queues
    // offline, so the brokerage placed their retries nowhere until it ended. The second wave is generated only
    // after the scouts (the first wave) finished, so nothing was activated there while the site was down.
    expect(f.delayHours).toBe(0);
    // What they did wait: each of the 10 killed jobs from the kill (2 h) until its retry ran, after the site came
    // back (4 h) and a pilot reached it — at least the 2 h of the downtime each, and less than twice that.
    expect(f.restartWaitHours).toBeGreaterThanOrEqual(10 * 2);
    expect(f.restartWaitHours).toBeLessThan(10 * 4);
  });

  it('is announced to the brokerage: a brokeroff/offline site gets no new jobs, the other site takes them', () => {
    const base = scenario({
      platform: GRID_PLATFORM,
      workflow: `      - { name: sim, gshare: Sim, nJobs: 10, cpuPerJob: 'constant(${TEN_HOURS / 10})', walltime: 24h }`,
    });
    const free = run(base);
    expect(free.workflows[0].tasks[0].jobsPerResource['SITE-B']).toBeGreaterThan(0);
    const announced = run({
      ...base,
      faults: scenario({
        platform: GRID_PLATFORM,
        workflow: TWO_WAVES,
        faults: '  - { kind: site-downtime, site: SITE-B, at: 1h, for: 12h, announce: 1h }',
      }).faults,
    });
    const t = announced.workflows[0].tasks[0];
    expect(t.nFinished).toBe(10);
    expect(t.jobsPerResource).toEqual({ 'SITE-A': 10 });
    expect(onlyFault(announced).jobsKilled).toBe(0);
  });

  it('draws sudden downtimes from their own stream: the same under every policy, other with another seed', () => {
    const sudden = scenario({
      platform: ONE_SITE,
      workflow: TWO_WAVES,
      faults: "  - { kind: site-downtime, site: SITE-A, rate: 4/d, duration: 'exponential(mean=1h)' }",
    });
    const windows = (policy: string, seed: number) =>
      (run(sudden, policy, seed).faults ?? []).map((f) => [f.start, f.end]);
    const a = windows('panda-brokerage', 7);
    expect(a.length).toBeGreaterThan(3);
    expect(windows('grid-only', 7)).toEqual(a);
    expect(windows('panda-brokerage', 8)).not.toEqual(a);
    // The same seed gives the same run.
    expect(JSON.stringify(run(sudden, 'panda-brokerage', 7))).toBe(
      JSON.stringify(run(sudden, 'panda-brokerage', 7)),
    );
  });
});

describe('storage full', () => {
  it('fails the stage-out of jobs ending while the storage is full; they are retried and finish later', () => {
    const short = `      - { name: sim, gshare: Sim, nJobs: 20, cpuPerJob: 'constant(${TEN_HOURS / 10})', walltime: 24h }`;
    const { clean, hit } = runPair({
      platform: ONE_SITE,
      workflow: short,
      faults: '  - { kind: storage-full, site: SITE-A, at: 90min, for: 1h }',
    });
    const f = onlyFault(hit);
    expect(f.jobsKilled).toBeGreaterThan(0);
    expect(failures(hit, 'stage-out-failed')).toBe(f.jobsKilled);
    expect(f.jobsRetried).toBe(f.jobsKilled);
    expect(f.jobsRecovered).toBe(f.jobsKilled);
    // A refused stage-out throws the whole run away: about an hour of 8 cores each.
    expect(f.cpuHoursLost / f.jobsKilled).toBeGreaterThan(8 * 0.9);
    expect(hit.workflows[0].tasks[0].nFinished).toBe(20);
    expect(makespanHours(hit)).toBeGreaterThan(makespanHours(clean));
  });
});

describe('expired credentials and Harvester down', () => {
  const late = `      - { name: sim, gshare: Sim, nJobs: 10, cpuPerJob: 'constant(${TEN_HOURS / 10})', walltime: 24h }`;

  it('an expired token stops pilot submission until it is renewed after the fault', () => {
    const { clean, hit } = runPair({
      platform: ONE_SITE,
      workflow: late,
      faults: '  - { kind: credential-expiry, resource: SITE-A, at: 0s, for: 6h }',
    });
    const f = onlyFault(hit);
    expect(f.submissionsBlocked).toBeGreaterThan(0);
    expect(f.jobsKilled).toBe(0);
    expect(hit.workflows[0].tasks[0].nFinished).toBe(10);
    // No pilot could start before the token was renewed at 6 h.
    expect(hit.workflows[0].tasks[0].start!).toBeGreaterThanOrEqual(6 * 3600);
    expect(makespanHours(hit) - makespanHours(clean)).toBeGreaterThan(4);
  });

  it('a Harvester instance down submits nothing while down; running workers go on', () => {
    const { clean, hit } = runPair({
      platform: ONE_SITE,
      workflow: late,
      faults: '  - { kind: harvester-down, instance: grid-eu, at: 0s, for: 5h }',
    });
    const f = onlyFault(hit);
    expect(f.jobsKilled).toBe(0);
    // No pilot went out, so the brokerage (no pilot requests in 3 h) held the jobs back and none waited queued.
    expect(f.delayHours).toBe(0);
    expect(hit.workflows[0].tasks[0].start!).toBeGreaterThanOrEqual(5 * 3600);
    expect(hit.workflows[0].tasks[0].nFinished).toBe(10);
    expect(makespanHours(hit) - makespanHours(clean)).toBeGreaterThan(4);
  });
});
