/**
 * `pandasim merge DIR`: a sweep's cells (however its shards ran) → a comparison and report per variant under
 * DIR/merged/, and DIR/merged/index.json; prints one metric per variant and policy.
 */
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { formatEstimate } from '../../reports/format.ts';
import { metricHeading, REPORTED_METRICS, reportedMetric } from '../../reports/metrics.ts';
import { textTable } from '../../reports/text-table.ts';
import { mergeSweep, type SweepIndex } from '../../scenarios/sweep-merge.ts';
import { asInputAsync, InputError } from '../errors.ts';

export interface MergeArgs {
  dir: string;
  metric: string;
}

/** A variant per row (its parameter values), a policy per column: the metric's mean and 95 % CI. */
export function sweepIndexTable(index: SweepIndex, metric: string): string {
  const shown = reportedMetric(metric);
  const value = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  const rows = index.variants.map((variant) => [
    variant.id,
    ...index.parameters.map((p) => value(variant.values[p])),
    ...index.policies.map((policy) => {
      const estimate = variant.policies.find((p) => p.policy === policy)?.metrics[metric];
      return estimate === undefined ? '-' : formatEstimate(estimate, shown);
    }),
  ]);
  return [
    `${metricHeading(shown)}: mean over seeds ${index.seeds.join(', ')} (95 % CI)`,
    textTable(['variant', ...index.parameters, ...index.policies], rows),
  ].join('\n');
}

/** Merges DIR; bad input (no manifest, missing cells) becomes an InputError. */
export async function mergeInput(dir: string): Promise<SweepIndex> {
  return asInputAsync(() => mergeSweep(dir));
}

/** The --metric option, checked before anything runs. */
export function metricInput(metric: string): string {
  const keys = REPORTED_METRICS.map((m) => m.key);
  if (!keys.includes(metric))
    throw new InputError(`--metric: expected one of ${keys.join(', ')}, got ${metric}`);
  return metric;
}

/** The table and where the merged files are. */
export function mergedLines(index: SweepIndex, dir: string, metric: string): string {
  const merged = join(dir, 'merged');
  return [
    sweepIndexTable(index, metric),
    '',
    `Merged ${index.variants.length} variants into ${merged}/: <variant>/comparison.json, runs/ and report.html;`,
    `all metrics in ${join(merged, 'index.json')}.`,
  ].join('\n');
}

export const mergeCommand: CommandModule<object, MergeArgs> = {
  command: 'merge <dir>',
  describe: "Merge a sweep's cells (all shards) into a comparison and report per variant",
  builder: (y) =>
    y
      .positional('dir', {
        type: 'string',
        demandOption: true,
        describe: 'the sweep directory (--out of sweep)',
      })
      .option('metric', { type: 'string', default: 'makespan', describe: 'the metric the table shows' })
      .example('$0 merge results/sweeps/polaris-nodes', 'after every shard of the sweep has finished'),
  handler: async (args) => {
    const metric = metricInput(args.metric);
    const index = await mergeInput(args.dir);
    console.log(mergedLines(index, args.dir, metric));
  },
};
