/**
 * `npm run demo`: the main job on the embedded default — the ML-detector-sim workflow (small variant) under
 * every placement policy of the scenario, on its seeds, compared under common random numbers; the report goes
 * to results/demo/report.html and the markdown summary to stdout (and to $GITHUB_STEP_SUMMARY when set).
 */
import { appendFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { compareAndWrite } from './compare.ts';

interface DemoArgs {
  out: string;
  seeds?: string;
  quiet: boolean;
}

export const demoCommand: CommandModule<object, DemoArgs> = {
  command: 'demo',
  describe: 'Compare the placement policies on the small ML-detector-sim scenario and write the report',
  builder: (y) =>
    y
      .option('out', { type: 'string', default: 'results/demo', describe: 'output directory' })
      .option('seeds', { type: 'string', describe: "N or a list (default: the scenario's seeds)" })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress display' })
      .example('$0 demo', 'every policy on seeds 1..3; open results/demo/report.html'),
  handler: async (args) => {
    const markdown = await compareAndWrite(
      { scenario: 'ml-detector-sim-small', seeds: args.seeds, out: args.out, quiet: args.quiet, json: false },
      () => args.out,
    );
    if (markdown === undefined) return;
    console.log(markdown);
    console.log(`\nreport: ${args.out}/report.html`);
    const summaryFile = process.env.GITHUB_STEP_SUMMARY;
    if (summaryFile) appendFileSync(summaryFile, `${markdown}\n`);
  },
};
