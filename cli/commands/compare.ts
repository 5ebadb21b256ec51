/**
 * `pandasim compare SCENARIO --policies a,b --seeds N`: every policy under the same seeds (common random
 * numbers), runs in worker threads on the cores; writes runs/*.json, comparison.json with the paired
 * differences to the first policy, and the report; prints the table.
 */
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { writeJsonAtomic } from '../../reports/files.ts';
import { comparisonMarkdown } from '../../reports/markdown.ts';
import { writeComparisonReport } from '../../reports/report.ts';
import { compareScenario, runFileName } from '../../scenarios/compare.ts';
import { InputError } from '../errors.ts';
import { Progress } from '../progress.ts';
import { policyListInput, scenarioInput, seedsInput } from '../scenario-input.ts';

export interface CompareArgs {
  scenario: string;
  policies?: string;
  seeds?: string;
  out?: string;
  parallel?: number;
  quiet: boolean;
  json: boolean;
}

/** Runs the comparison and writes everything under `out`; returns the markdown summary. */
export async function compareAndWrite(
  args: CompareArgs,
  defaultOut: (name: string) => string,
): Promise<string> {
  const { file, scenario } = scenarioInput(args.scenario);
  const policies = args.policies === undefined ? [...scenario.policies] : policyListInput(args.policies);
  const seeds = seedsInput(args.seeds, scenario.seeds);
  if (args.parallel !== undefined && !(Number.isInteger(args.parallel) && args.parallel >= 1)) {
    throw new InputError(`--parallel: expected an integer >= 1, got ${args.parallel}`);
  }
  const out = args.out ?? defaultOut(scenario.name);
  const progress = new Progress(`${scenario.name}`, args.quiet || args.json);
  const total = policies.length * seeds.length;
  progress.update(0, `0/${total} runs`);
  const { comparison, runs } = await compareScenario({
    scenarioFile: file,
    policies,
    seeds,
    parallel: args.parallel,
    onRun: (_run, done) => progress.update(done / total, `${done}/${total} runs`),
  });
  progress.done();
  for (const run of runs) writeJsonAtomic(join(out, 'runs', runFileName(run.policy, run.seed)), run);
  writeJsonAtomic(join(out, 'comparison.json'), comparison);
  await writeComparisonReport(out, comparison, runs);
  if (args.json) console.log(JSON.stringify(comparison, null, 2));
  return comparisonMarkdown(comparison);
}

export const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare <scenario>',
  describe: 'Compare placement policies under common random numbers, with paired 95% confidence intervals',
  builder: (y) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'built-in name or YAML file' })
      .option('policies', {
        type: 'string',
        describe: "comma-separated policies, the first is the baseline (default: the scenario's)",
      })
      .option('seeds', {
        type: 'string',
        describe: "N (seeds 1..N) or a list 1,5,9 (default: the scenario's)",
      })
      .option('out', { type: 'string', describe: 'output directory (default results/<scenario>/compare)' })
      .option('parallel', { type: 'number', describe: 'runs at once (default: the cores)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress display' })
      .option('json', { type: 'boolean', default: false, describe: 'print comparison.json to stdout' })
      .example(
        '$0 compare ml-detector-sim-small --policies panda-brokerage,grid-only --seeds 5',
        'two policies, seeds 1..5',
      ),
  handler: async (args) => {
    const markdown = await compareAndWrite(args, (name) => join('results', name, 'compare'));
    if (!args.json) console.log(markdown);
  },
};
