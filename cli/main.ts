/** The `pandasim` command: thin yargs wiring over the layers below; each command lives in cli/commands/. */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { benchCommand } from './commands/bench.ts';
import { brokerCommand } from './commands/broker.ts';
import { demoCommand } from './commands/demo.ts';
import { sharesCommand } from './commands/shares.ts';
import { EXIT_BAD_INPUT, EXIT_FAILED, InputError } from './errors.ts';

async function main(argv: string[]): Promise<void> {
  await yargs(argv)
    .scriptName('pandasim')
    .usage('$0 <command> [options]')
    .command(demoCommand)
    .command(benchCommand)
    .command(brokerCommand)
    .command(sharesCommand)
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
  } else {
    console.error(`pandasim: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = EXIT_FAILED;
  }
});
