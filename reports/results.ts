/**
 * Loads saved results for `pandasim report DIR`: a comparison (`comparison.json` and the per-run summaries under
 * `runs/`) or a single run (`summary.json`). Each file is checked against the metrics contract, so a file from
 * another version or a hand edit fails with the file and the field named instead of a broken report.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../cli/errors.ts';
import { SUMMARY_VERSION, type ComparisonSummary, type RunSummary } from './summary.ts';

const count = z.number().int().nonnegative();
const seconds = z.number().nonnegative();
const counts = z.record(z.string(), count);

const distribution = z.object({
  count,
  mean: z.number().nullable(),
  p50: z.number().nullable(),
  p90: z.number().nullable(),
  p99: z.number().nullable(),
  max: z.number().nullable(),
});

const timeSeries = z
  .strictObject({ t: z.array(z.number()), series: z.record(z.string(), z.array(z.number())) })
  .refine((s) => Object.values(s.series).every((v) => v.length === s.t.length), {
    message: 'every series must have one value per sample time in t',
  });

const task = z.object({
  workflow: z.string(),
  task: z.string(),
  jediTaskID: z.number().int(),
  route: z.string(),
  submitted: seconds,
  start: seconds.nullable(),
  end: seconds.nullable(),
  nJobs: count,
  nFinished: count,
  nFailed: count,
  jobsPerResource: counts,
  bytesIn: z.number().nonnegative(),
  bytesOut: z.number().nonnegative(),
  transferTime: seconds,
});

export const runSummarySchema: z.ZodType<RunSummary> = z.object({
  version: z.literal(SUMMARY_VERSION),
  scenario: z.string(),
  policy: z.string(),
  seed: z.number().int(),
  simulatedTime: seconds,
  horizon: seconds,
  eventsProcessed: count,
  workflows: z.array(
    z.object({
      name: z.string(),
      user: z.string(),
      submitted: seconds,
      end: seconds.nullable(),
      makespan: seconds.nullable(),
      tasks: z.array(task),
    }),
  ),
  jobClasses: z.array(
    z.object({
      name: z.string(),
      counts: z.object({
        created: count,
        finished: count,
        failed: count,
        cancelled: count,
        live: count,
        retried: count,
      }),
      wait: distribution,
      run: distribution,
      stageIn: distribution,
      stageOut: distribution,
      cpuHours: z.number().nonnegative(),
      gpuHours: z.number().nonnegative(),
      wastedCoreHours: z.number().nonnegative(),
      wastedGpuHours: z.number().nonnegative(),
      failures: counts,
    }),
  ),
  cpuHours: z.number().nonnegative(),
  gpuHours: z.number().nonnegative(),
  bytesMoved: z.record(z.string(), z.number().nonnegative()),
  wastedCoreHours: z.number().nonnegative(),
  wastedGpuHours: z.number().nonnegative(),
  cost: z.number().nonnegative(),
  shares: z.array(z.object({ name: z.string(), target: z.number(), achieved: z.number() })),
  resources: z.array(
    z.object({
      name: z.string(),
      kind: z.enum(['grid', 'hpc', 'funcx', 'cloud', 'local']),
      utilisation: z.number(),
      cpuHours: z.number().nonnegative(),
      gpuHours: z.number().nonnegative(),
      cost: z.number().nonnegative(),
      jobsFinished: count,
      jobsFailed: count,
    }),
  ),
  runningJobs: timeSeries,
  gpusBusy: timeSeries,
  shareUsage: timeSeries,
  waitSamples: z.record(z.string(), z.array(z.number())),
  transferSamples: z.array(z.number()),
  provenance: z
    .object({ scenarioHash: z.string(), version: z.string(), gitRevision: z.string().nullable() })
    .optional(),
  partial: z.literal(true).optional(),
  faults: z
    .array(
      z.object({
        kind: z.string(),
        target: z.string(),
        origin: z.enum(['scheduled', 'sudden']),
        start: seconds,
        end: seconds,
        jobsKilled: count,
        jobsRetried: count,
        jobsFailed: count,
        jobsRecovered: count,
        cpuHoursLost: z.number().nonnegative(),
        gpuHoursLost: z.number().nonnegative(),
        transferAttemptsFailed: count,
        transfersFailed: count,
        globusFileFaults: count,
        submissionsBlocked: count,
        delayHours: z.number().nonnegative().nullable(),
        delayBasis: z.string().nullable(),
        restartWaitHours: z.number().nonnegative(),
      }),
    )
    .optional(),
});

const estimate = z.object({ mean: z.number(), low: z.number(), high: z.number(), n: count });

export const comparisonSummarySchema: z.ZodType<ComparisonSummary> = z.object({
  version: z.literal(SUMMARY_VERSION),
  scenario: z.string(),
  seeds: z.array(z.number().int()).min(1),
  baseline: z.string(),
  policies: z.array(
    z.object({
      policy: z.string(),
      metrics: z.record(z.string(), estimate),
      runs: z.array(z.string()),
    }),
  ),
  differences: z.array(z.object({ policy: z.string(), baseline: z.string(), metric: z.string(), estimate })),
});

export type Results =
  | { readonly kind: 'comparison'; readonly comparison: ComparisonSummary; readonly runs: RunSummary[] }
  | { readonly kind: 'run'; readonly summary: RunSummary };

/** `workflows[0].tasks[2].start`, or `(top level)` for the document itself. */
function fieldPath(path: readonly PropertyKey[]): string {
  const text = path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
  return text === '' ? '(top level)' : text;
}

function loadJson<T>(file: string, schema: z.ZodType<T>): T {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(
      `${file}: not readable as JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new InputError(`${file}: ${fieldPath(issue.path)}: ${issue.message}`);
}

/**
 * A comparison when `DIR/comparison.json` exists (its runs are every `DIR/runs/*.json`, by name), else the
 * single run of `DIR/summary.json`.
 */
export function readResults(dir: string): Results {
  const comparisonFile = join(dir, 'comparison.json');
  if (existsSync(comparisonFile)) {
    const comparison = loadJson(comparisonFile, comparisonSummarySchema);
    const runsDir = join(dir, 'runs');
    const files = existsSync(runsDir)
      ? readdirSync(runsDir)
          .filter((f) => f.endsWith('.json'))
          .sort()
      : [];
    return {
      kind: 'comparison',
      comparison,
      runs: files.map((f) => loadJson(join(runsDir, f), runSummarySchema)),
    };
  }
  const summaryFile = join(dir, 'summary.json');
  if (existsSync(summaryFile)) return { kind: 'run', summary: loadJson(summaryFile, runSummarySchema) };
  throw new InputError(
    `${dir}: no comparison.json or summary.json (expected the output directory of run or compare)`,
  );
}
