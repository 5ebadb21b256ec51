/**
 * A small but realistic comparison, built by hand: the ML detector-sim workflow (simulate → train a GAN →
 * validate) under three policies × three seeds, on two grid sites, an LCF and a funcX endpoint, with three
 * global shares. The comparison's estimates are computed from the runs as `compare` does (Student-t over seeds,
 * paired differences under common random numbers), so the report's numbers can be checked against them.
 */
import seedrandom from 'seedrandom';
import { runMetrics } from '../../reports/metrics.ts';
import type {
  ComparisonSummary,
  DistributionSummary,
  Estimate,
  JobClassSummary,
  RunSummary,
  TaskSummary,
} from '../../reports/summary.ts';
import { meanConfidenceInterval, pairedDifferenceInterval } from '../../sim/stats/confidence.ts';

export const POLICIES = ['grid-only', 'lcf-gpu', 'funcx-burst'] as const;
export const SEEDS = [1, 2, 3] as const;
const SCENARIO = 'ml-detector-sim-small';
const HORIZON = 172_800;
const SAMPLES = 50;

type Policy = (typeof POLICIES)[number];

/** Where each policy sends the GAN training and how long it takes there, s. */
const TRAINING: Record<Policy, { route: string; resource: string; duration: number; costPerHour: number }> = {
  'grid-only': { route: 'panda:all', resource: 'BNL-ATLAS', duration: 61_200, costPerHour: 0 },
  'lcf-gpu': { route: 'panda:POLARIS', resource: 'POLARIS', duration: 14_400, costPerHour: 0 },
  'funcx-burst': { route: 'funcx:ALCF-FUNCX', resource: 'ALCF-FUNCX', duration: 19_800, costPerHour: 2.5 },
};

/** Never empty here, so every figure is a number. */
function distribution(samples: readonly number[]): { [K in keyof DistributionSummary]: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return {
    count: sorted.length,
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: sorted[sorted.length - 1],
  };
}

function exponentials(rng: () => number, n: number, mean: number): number[] {
  return Array.from({ length: n }, () => Math.round(-mean * Math.log(1 - rng())));
}

function task(
  name: string,
  jediTaskID: number,
  route: string,
  submitted: number,
  duration: number,
  jobsPerResource: Record<string, number>,
): TaskSummary {
  const nFinished = Object.values(jobsPerResource).reduce((a, b) => a + b, 0);
  return {
    workflow: 'fastcalogan',
    task: name,
    jediTaskID,
    route,
    submitted,
    start: submitted + 300,
    end: submitted + 300 + duration,
    nJobs: nFinished + 2,
    nFinished,
    nFailed: 2,
    jobsPerResource,
    bytesIn: nFinished * 2e9,
    bytesOut: nFinished * 5e8,
    transferTime: 120 + nFinished,
  };
}

function jobClass(
  name: string,
  waits: number[],
  runMean: number,
  finished: number,
  gpu: boolean,
): JobClassSummary {
  const run = distribution(waits.map((w) => runMean + (w % 600)));
  const hours = (run.mean * finished) / 3600;
  return {
    name,
    counts: { created: finished + 3, finished, failed: 3, cancelled: 0, live: 0, retried: 3 },
    wait: distribution(waits),
    run,
    stageIn: distribution(waits.map((w) => 30 + (w % 90))),
    stageOut: distribution(waits.map((w) => 10 + (w % 40))),
    cpuHours: gpu ? hours : hours * 8,
    gpuHours: gpu ? hours * 4 : 0,
    wastedCoreHours: gpu ? 0 : 2.5,
    wastedGpuHours: gpu ? 1.25 : 0,
    failures: { 'worker-lost': 2, 'stage-in': 1 },
  };
}

function series(names: readonly string[], f: (name: number, k: number) => number): Record<string, number[]> {
  return Object.fromEntries(names.map((n, i) => [n, Array.from({ length: SAMPLES }, (_, k) => f(i, k))]));
}

export function makeRun(policy: Policy, seed: number): RunSummary {
  const rng = seedrandom(`${policy}/${seed}`);
  const training = TRAINING[policy];
  const simulate = task('simulate', 41_001, 'panda:all', 0, 36_000 + seed * 600, {
    'CERN-PROD': 180,
    'BNL-ATLAS': 120,
  });
  const trainAt = simulate.end as number;
  // Training time varies with the seed differently per policy, so the paired differences have a spread.
  const trainingTime = training.duration + seed * 300 * (1 + POLICIES.indexOf(policy));
  const train = task('gan-training', 41_002, training.route, trainAt, trainingTime, {
    [training.resource]: 4,
  });
  const validate = task('validate', 41_003, 'panda:all', train.end as number, 5_400, { 'CERN-PROD': 40 });
  const end = validate.end as number;
  const gpuHours = (trainingTime * 4 * 4) / 3600;
  const cost = (training.costPerHour * gpuHours) / 4;
  const waitScale = policy === 'grid-only' ? 3_600 : 1_200;
  const jobClasses = [
    jobClass('workflow:fastcalogan/simulate', exponentials(rng, 180, 900), 3_000, 300, false),
    jobClass('workflow:fastcalogan/gan-training', exponentials(rng, 60, waitScale), 14_000, 4, true),
    jobClass('background:MC Simulation Full', exponentials(rng, 240, 1_800), 7_200, 900, false),
  ];
  const t = Array.from({ length: SAMPLES }, (_, k) => (k * HORIZON) / (SAMPLES - 1));
  const resources = ['CERN-PROD', 'BNL-ATLAS', 'POLARIS', 'ALCF-FUNCX'];
  const onTraining = (k: number) => t[k] >= trainAt && t[k] <= (train.end as number);
  return {
    version: 1,
    scenario: SCENARIO,
    policy,
    seed,
    simulatedTime: HORIZON,
    horizon: HORIZON,
    eventsProcessed: 120_000 + seed * 1_000,
    workflows: [
      {
        name: 'fastcalogan',
        user: 'atlas-simulation',
        submitted: 0,
        end,
        makespan: end,
        tasks: [simulate, train, validate],
      },
    ],
    jobClasses,
    cpuHours: jobClasses.reduce((a, c) => a + c.cpuHours, 0),
    gpuHours,
    bytesMoved: {
      lan: 4.2e12 + seed * 1e10,
      'wan-region': 1.1e12,
      'wan-inter': policy === 'grid-only' ? 2e11 : 9e11,
    },
    wastedCoreHours: 5,
    wastedGpuHours: 1.25,
    cost,
    shares: [
      { name: 'MC Simulation Full', target: 0.6, achieved: 0.57 + seed / 100 },
      { name: 'Analysis', target: 0.3, achieved: 0.33 - seed / 200 },
      { name: 'ML training', target: 0.1, achieved: policy === 'grid-only' ? 0.06 : 0.1 - seed / 400 },
    ],
    resources: [
      {
        name: 'CERN-PROD',
        kind: 'grid',
        utilisation: 0.82,
        cpuHours: 2_400,
        gpuHours: 0,
        cost: 0,
        jobsFinished: 880,
        jobsFailed: 4,
      },
      {
        name: 'BNL-ATLAS',
        kind: 'grid',
        utilisation: 0.74,
        cpuHours: 1_900,
        gpuHours: 0,
        cost: 0,
        jobsFinished: 360,
        jobsFailed: 2,
      },
      {
        name: 'POLARIS',
        kind: 'hpc',
        utilisation: 0.35,
        cpuHours: 64,
        gpuHours: 0,
        cost: 0,
        jobsFinished: 4,
        jobsFailed: 0,
      },
      {
        name: 'ALCF-FUNCX',
        kind: 'funcx',
        utilisation: 0.2,
        cpuHours: 32,
        gpuHours: 0,
        cost,
        jobsFinished: 0,
        jobsFailed: 0,
      },
    ],
    runningJobs: {
      t,
      series: series(resources, (i, k) =>
        i < 2
          ? Math.round(120 + 60 * Math.sin(k / 5 + i + seed))
          : onTraining(k) && resources[i] === training.resource
            ? 4
            : 0,
      ),
    },
    gpusBusy: {
      t,
      series: series(['BNL-ATLAS', 'POLARIS', 'ALCF-FUNCX'], (i, k) =>
        onTraining(k) && ['BNL-ATLAS', 'POLARIS', 'ALCF-FUNCX'][i] === training.resource ? 16 : 0,
      ),
    },
    shareUsage: {
      t,
      series: series(['MC Simulation Full', 'Analysis', 'ML training'], (i, k) => {
        const target = [0.6, 0.3, 0.1][i];
        return Number((target + 0.05 * Math.sin(k / 4 + i * 2 + seed)).toFixed(4));
      }),
    },
    waitSamples: Object.fromEntries(
      jobClasses.map((c, i) => [c.name, exponentials(rng, 120, [900, waitScale, 1_800][i])]),
    ),
    transferSamples: exponentials(rng, 200, 240),
  };
}

export const RUNS: readonly RunSummary[] = POLICIES.flatMap((p) => SEEDS.map((s) => makeRun(p, s)));

function estimate(values: readonly number[]): Estimate {
  const ci = meanConfidenceInterval(values);
  return { mean: ci.mean, low: ci.lower, high: ci.upper, n: ci.n };
}

/** The reported metrics of every run of a policy, in seed order. */
function metricValues(policy: string, metric: string): number[] {
  return RUNS.filter((r) => r.policy === policy).map((r) => runMetrics(r)[metric] as number);
}

const METRICS = Object.keys(runMetrics(RUNS[0]));

export const COMPARISON: ComparisonSummary = {
  version: 1,
  scenario: SCENARIO,
  seeds: [...SEEDS],
  baseline: 'grid-only',
  policies: POLICIES.map((policy) => ({
    policy,
    metrics: Object.fromEntries(METRICS.map((m) => [m, estimate(metricValues(policy, m))])),
    runs: SEEDS.map((s) => `${policy}-seed${s}.json`),
  })),
  differences: POLICIES.filter((p) => p !== 'grid-only').flatMap((policy) =>
    METRICS.map((metric) => {
      const ci = pairedDifferenceInterval(metricValues(policy, metric), metricValues('grid-only', metric));
      return {
        policy,
        baseline: 'grid-only',
        metric,
        estimate: { mean: ci.mean, low: ci.lower, high: ci.upper, n: ci.n },
      };
    }),
  ),
};

/** A single run, as `pandasim run` writes it. */
export const RUN: RunSummary = RUNS[3];
