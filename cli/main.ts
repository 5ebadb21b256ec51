/** The `pandasim` command: thin yargs wiring over the layers below; each command lives in cli/commands/. */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { benchCommand } from './commands/bench.ts';
import { brokerCommand } from './commands/broker.ts';
import { calibrateCommand } from './commands/calibrate.ts';
import { compareCommand } from './commands/compare.ts';
import { demoCommand } from './commands/demo.ts';
import { gf1Command } from './commands/gf1.ts';
import { importCommand } from './commands/import.ts';
import { reportCommand } from './commands/report.ts';
import { runCommand } from './commands/run.ts';
import { schemaCommand } from './commands/schema.ts';
import { mergeCommand } from './commands/merge.ts';
import { sharesCommand } from './commands/shares.ts';
import { sweepCommand } from './commands/sweep.ts';
import { validateCommand } from './commands/validate.ts';
import { EXIT_BAD_INPUT, EXIT_FAILED, InputError } from './errors.ts';
import { InvariantViolation } from '../sim/invariant.ts';

async function main(argv: string[]): Promise<void> {
  await yargs(argv)
    .scriptName('pandasim')
    .usage('$0 <command> [options]')
    .command(demoCommand)
    .command(runCommand)
    .command(compareCommand)
    .command(sweepCommand)
    .command(mergeCommand)
    .command(validateCommand)
    .command(calibrateCommand)
    .command(schemaCommand)
    .command(reportCommand)
    .command(brokerCommand)
    .command(sharesCommand)
    .command(benchCommand)
    .command(gf1Command)
    .command(importCommand)
    .demandCommand(1, 'Name a command (see --help).')
    .strict()
    .recommendCommands()
    .fail((msg, err, y) => {
      if (err) throw err;
      throw new InputError(`${msg}\n\n${y.help()}`);
    })
    .help()
    .alias('h', 'help')
    .version(false)
    .parseAsync();
}

main(hideBin(process.argv)).catch((error: unknown) => {
  if (error instanceof InputError) {
    console.error(`pandasim: ${error.message}`);
    process.exitCode = EXIT_BAD_INPUT;
  } else if (error instanceof InvariantViolation) {
    // The model contradicted itself: no result is written; the stack would only show where it was noticed.
    console.error(
      `pandasim: the run stopped: ${error.message}\nThis is a bug in pandasim or one of its models, not in ` +
        'your input; please report it with the scenario, the policy and the seed.',
    );
    process.exitCode = EXIT_FAILED;
  } else {
    console.error(`pandasim: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = EXIT_FAILED;
  }
});
