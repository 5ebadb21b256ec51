/**
 * `pandasim run SCENARIO`: one policy, one seed. Writes summary.json (the metrics contract), the report with
 * its tables and charts, and prints a short summary.
 */
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { writeJsonAtomic } from '../../reports/files.ts';
import { writeRunReport } from '../../reports/report.ts';
import { runWorld } from '../../scenarios/world/world.ts';
import { InputError } from '../errors.ts';
import { Progress } from '../progress.ts';
import { policyInput, scenarioInput } from '../scenario-input.ts';
import { runLines } from './run-lines.ts';

interface RunArgs {
  scenario: string;
  policy: string;
  seed: number;
  out?: string;
  quiet: boolean;
  json: boolean;
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <scenario>',
  describe: 'Run a scenario under one placement policy and seed; write summary.json and a report',
  builder: (y) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'built-in name or YAML file' })
      .option('policy', { type: 'string', default: 'panda-brokerage', describe: 'placement policy' })
      .option('seed', { type: 'number', default: 1, describe: 'master seed' })
      .option('out', {
        type: 'string',
        describe: 'output directory (default results/<scenario>/<policy>-<seed>)',
      })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress display' })
      .option('json', { type: 'boolean', default: false, describe: 'print summary.json to stdout' })
      .example(
        '$0 run ml-detector-sim-small --policy lcf-harvester --seed 2',
        'the small workflow, LCF via Harvester',
      )
      .example('$0 run my-scenario.yaml --out results/mine', 'a scenario file of your own'),
  handler: async (args) => {
    if (!Number.isInteger(args.seed) || args.seed < 0) {
      throw new InputError(`--seed: expected a non-negative integer, got ${args.seed}`);
    }
    const { scenario } = scenarioInput(args.scenario);
    const policy = policyInput(args.policy);
    const out = args.out ?? join('results', scenario.name, `${policy.name}-${args.seed}`);
    const progress = new Progress(`${scenario.name} / ${policy.name}`, args.quiet || args.json);
    const summary = runWorld({
      scenario,
      policy,
      seed: args.seed,
      progress: (now, horizon) => progress.update(now / horizon, `${(now / 86_400).toFixed(1)} d simulated`),
    });
    progress.done();
    writeJsonAtomic(join(out, 'summary.json'), summary);
    await writeRunReport(out, summary);
    if (args.json) console.log(JSON.stringify(summary, null, 2));
    else console.log([...runLines(summary), `written to ${out}/ (summary.json, report.html)`].join('\n'));
  },
};
