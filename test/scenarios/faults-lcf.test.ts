/**
 * Faults at the LCF, on Globus and on the network, end to end: node failures, a batch-queue outage, a funcX
 * endpoint down, expired Harvester and Globus credentials, Globus transfer faults and a cut link, each against
 * the same run without the fault (common random numbers: the fault stream is the only difference).
 */
import { describe, expect, it } from 'vitest';
import { failures, LCF_PLATFORM, makespanHours, onlyFault, runPair } from './faults-fixture.ts';

/** 4 GAN trainings of 2 A100-hours each, 1 GB in and out: one node each on a 4-node Polaris share. */
const GANS = `      - { name: gan, kind: gpu, gshare: Sim, nJobs: 4, gpuPerJob: 'constant(2h)', walltime: 6h, inputBytesPerJob: 1GB, outputBytesPerJob: 1GB }`;

const pair = (faults: string, policy = 'lcf-harvester') =>
  runPair({ platform: LCF_PLATFORM, workflow: GANS, faults }, policy);

describe('LCF faults', () => {
  it('node failures kill the jobs on the failed nodes; they are retried and finish', () => {
    const { clean, hit } = pair(
      '  - { kind: lcf-node-failure, hpc: POLARIS, nodes: 2, hits: busy, at: 1h, for: 2h }',
    );
    const f = onlyFault(hit);
    // Two busy nodes, one GAN each (a batch job of one node per job).
    expect(f.jobsKilled).toBe(2);
    expect(f.jobsRetried).toBe(2);
    expect(f.jobsRecovered).toBe(2);
    expect(failures(hit, 'node-failure')).toBe(2);
    // One GPU each, run for less than the hour before the failure.
    expect(f.gpuHoursLost).toBeGreaterThan(0);
    expect(f.gpuHoursLost).toBeLessThanOrEqual(2);
    expect(hit.workflows[0].tasks[0].nFinished).toBe(4);
    expect(makespanHours(hit)).toBeGreaterThan(makespanHours(clean));
  });

  it('a batch-queue outage starts nothing until it ends', () => {
    const { clean, hit } = pair('  - { kind: lcf-queue-outage, hpc: POLARIS, at: 0s, for: 6h }');
    expect(onlyFault(hit).jobsKilled).toBe(0);
    expect(hit.workflows[0].tasks[0].start!).toBeGreaterThanOrEqual(6 * 3600);
    expect(clean.workflows[0].tasks[0].start!).toBeLessThan(3600);
    expect(hit.workflows[0].tasks[0].nFinished).toBe(4);
  });

  it('a funcX endpoint down holds the tasks at the service until it reconnects', () => {
    const { clean, hit } = pair(
      '  - { kind: funcx-endpoint-down, endpoint: ALCF-FUNCX, at: 0s, for: 6h }',
      'funcx-gateway',
    );
    const f = onlyFault(hit);
    expect(f.delayBasis).toMatch(/funcX tasks waited/);
    // Four tasks waited most of the 6 h (they were submitted after the first cycles).
    expect(f.delayHours!).toBeGreaterThan(4 * 5);
    expect(f.delayHours!).toBeLessThanOrEqual(4 * 6);
    expect(hit.workflows[0].tasks[0].nFinished).toBe(4);
    expect(makespanHours(hit) - makespanHours(clean)).toBeGreaterThan(5);
  });

  it('an expired Harvester token blocks submission to the LCF until it is renewed', () => {
    const { clean, hit } = pair('  - { kind: credential-expiry, resource: POLARIS, at: 0s, for: 8h }');
    const f = onlyFault(hit);
    expect(f.submissionsBlocked).toBeGreaterThan(0);
    expect(hit.workflows[0].tasks[0].start!).toBeGreaterThanOrEqual(8 * 3600);
    expect(makespanHours(hit) - makespanHours(clean)).toBeGreaterThan(7);
  });
});

describe('transfer and network faults', () => {
  it('expired Globus credentials stall the transfers to the endpoint until renewed', () => {
    const { clean, hit } = pair(
      '  - { kind: credential-expiry, resource: POLARIS, credential: globus, at: 0s, for: 8h }',
    );
    expect(hit.workflows[0].tasks[0].start!).toBeGreaterThanOrEqual(8 * 3600);
    expect(hit.workflows[0].tasks[0].nFinished).toBe(4);
    expect(makespanHours(hit) - makespanHours(clean)).toBeGreaterThan(7);
  });

  it('Globus transfer faults raise the file faults and retries while they last', () => {
    const { clean, hit } = pair(
      '  - { kind: transfer-faults, endpoint: POLARIS, faultProbability: 0.9, hardFailureProbability: 0.5, at: 0s, for: 1d }',
    );
    const f = onlyFault(hit);
    // 8 copies (4 in, 4 out) at 0.9 per file attempt: about 9 faults per copy, and hard failures retried.
    expect(f.globusFileFaults).toBeGreaterThan(30);
    expect(f.transferAttemptsFailed).toBeGreaterThan(0);
    expect(hit.workflows[0].tasks[0].transferTime).toBeGreaterThan(clean.workflows[0].tasks[0].transferTime);
  });

  it('a cut uplink stalls the transfers across it, which resume when it is restored', () => {
    const { clean, hit } = pair('  - { kind: network-cut, uplink: POLARIS, at: 0s, for: 8h }');
    const f = onlyFault(hit);
    expect(f.delayBasis).toMatch(/cut link/);
    expect(f.delayHours!).toBeGreaterThan(0);
    expect(f.transfersFailed).toBe(0);
    // The inputs could not reach Polaris before the link came back, then every GAN ran.
    expect(hit.workflows[0].tasks[0].start!).toBeGreaterThanOrEqual(8 * 3600);
    expect(hit.workflows[0].tasks[0].nFinished).toBe(4);
    expect(makespanHours(hit) - makespanHours(clean)).toBeGreaterThan(7);
  });

  it('a degraded link slows the transfers across it', () => {
    const { clean, hit } = pair(
      '  - { kind: network-degraded, between: [eu, us], factor: 0.001, at: 0s, for: 1d }',
    );
    expect(onlyFault(hit).delayHours!).toBeGreaterThan(0);
    expect(hit.workflows[0].tasks[0].transferTime).toBeGreaterThan(clean.workflows[0].tasks[0].transferTime);
  });
});
