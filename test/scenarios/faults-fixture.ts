/** Small inline scenarios for the fault tests: a grid of one or two sites, an optional LCF and funcX endpoint. */
import { expect } from 'vitest';
import { parseScenario } from '../../scenarios/load.ts';
import { policyByName } from '../../scenarios/policies/index.ts';
import type { Scenario } from '../../scenarios/scenario.ts';
import { runWorld } from '../../scenarios/world/world.ts';
import type { FaultSummary } from '../../reports/fault-summary.ts';
import type { RunSummary } from '../../reports/summary.ts';

/** Sites without failures of their own, so that what fails is the fault's doing. */
const QUIET = 'payloadFailureProbability: 0, workerLossProbability: 0, storage: 1PB, source: test';

/** Two regions and the nucleus site every platform here has. */
const NETWORK_AND_NUCLEUS = `
platform:
  network:
    regions: [{ name: eu, backbone: 100Gb/s, latency: 5ms }, { name: us, backbone: 100Gb/s, latency: 5ms }]
    links: [{ a: eu, b: us, bandwidth: 10Gb/s, latency: 40ms }]
  gridSites:
    - { name: SITE-A, region: eu, nucleus: true, slots: 10, uplink: 10Gb/s, ${QUIET} }
`;

export const GRID_PLATFORM = `${NETWORK_AND_NUCLEUS}    - { name: SITE-B, region: us, slots: 10, uplink: 10Gb/s, ${QUIET} }
`;

export const LCF_PLATFORM = `${NETWORK_AND_NUCLEUS}  hpc:
    - { name: POLARIS, region: us, machine: polaris, nodes: 4, batchQueue: preemptable, uplink: 100Gb/s, source: test }
  funcx:
    - { name: ALCF-FUNCX, region: us, hpc: POLARIS, batchQueue: preemptable, maxBlocks: 2, uplink: 100Gb/s, source: test }
`;

const SHARES = `
shares:
  - { name: Production, value: 100, parent: null, prodsourcelabel: managed }
  - { name: Sim, value: 100, parent: Production, processingtype: simul }
`;

/** 10 h jobs of 8 cores at 10 HS06 per core. */
export const TEN_HOURS = 2.88e6;

export function scenario(parts: {
  platform: string;
  workflow: string;
  faults?: string;
  horizon?: string;
}): Scenario {
  const yaml = [
    'name: faults-test',
    `horizon: ${parts.horizon ?? '3d'}`,
    'sources:',
    '  test: "[E] a test platform"',
    parts.platform,
    SHARES,
    'workflows:',
    '  - name: wf',
    '    user: someone',
    '    tasks:',
    parts.workflow,
    parts.faults === undefined ? '' : `faults:\n${parts.faults}`,
  ].join('\n');
  return parseScenario(yaml, 'faults-test.yaml');
}

export function run(s: Scenario, policy = 'panda-brokerage', seed = 1): RunSummary {
  return runWorld({ scenario: s, policy: policyByName(policy), seed });
}

/** The same scenario without its faults. */
export function withoutFaults(s: Scenario): Scenario {
  return { ...s, faults: [] };
}

/** A scenario run with its faults and without them, under the same policy and seed. */
export function runPair(
  parts: { platform: string; workflow: string; faults: string },
  policy = 'panda-brokerage',
): { clean: RunSummary; hit: RunSummary } {
  const s = scenario(parts);
  return { clean: run(withoutFaults(s), policy), hit: run(s, policy) };
}

export function onlyFault(r: RunSummary): FaultSummary {
  expect(r.faults).toHaveLength(1);
  return r.faults![0];
}

export const makespanHours = (r: RunSummary) => (r.workflows[0].makespan ?? Infinity) / 3600;

export function failures(r: RunSummary, cause: string): number {
  return r.jobClasses.reduce((a, c) => a + (c.failures[cause] ?? 0), 0);
}
