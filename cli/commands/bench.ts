import type { CommandModule } from 'yargs';
import { REGRESSION_THRESHOLD, benchAgainst, formatComparison } from '../../bench/against.ts';
import { RevisionError } from '../revision.ts';
import { runBenchmarks } from '../../bench/run.ts';
import { writeJsonAtomic } from '../../reports/files.ts';
import { EXIT_FAILED, InputError } from '../errors.ts';

interface BenchArgs {
  quick: boolean;
  filter?: string;
  out: string;
  against?: string;
  rounds: number;
  check: boolean;
}

export const benchCommand: CommandModule<object, BenchArgs> = {
  command: 'bench',
  describe:
    'Run the benchmarks and print rates with ratios to same-run baselines, or compare with a git revision',
  builder: (y) =>
    y
      .option('quick', { type: 'boolean', default: false, describe: 'smaller sizes and shorter timing (CI)' })
      .option('filter', { type: 'string', describe: 'only suites whose name contains this text' })
      .option('out', {
        type: 'string',
        default: 'out/bench/results.json',
        describe: 'where to save the results',
      })
      .option('against', {
        type: 'string',
        describe: 'a git revision: run its benchmarks and the working tree’s interleaved, print the ratios',
      })
      .option('rounds', { type: 'number', default: 3, describe: 'rounds per side with --against' })
      .option('check', {
        type: 'boolean',
        default: false,
        describe: `with --against: exit 1 when a ratio is below ${REGRESSION_THRESHOLD} beyond the measured noise`,
      })
      .example('$0 bench --quick', 'the short run CI does')
      .example('$0 bench --filter hold', 'only the hold-model suites')
      .example('$0 bench --against main --check', 'fail if the working tree is slower than main'),
  handler: async (args) => {
    if (args.check && !args.against) throw new InputError('--check needs --against REF');
    if (!args.against) {
      const results = await runBenchmarks({
        quick: args.quick,
        filter: args.filter,
        log: (l) => console.log(l),
      });
      writeJsonAtomic(args.out, { date: new Date().toISOString(), node: process.version, results });
      console.log(`results written to ${args.out}`);
      return;
    }
    if (!Number.isInteger(args.rounds) || args.rounds < 2) {
      throw new InputError(
        `--rounds: expected an integer >= 2 (noise is measured across rounds), got ${args.rounds}`,
      );
    }
    let rows;
    try {
      rows = benchAgainst(process.cwd(), {
        ref: args.against,
        rounds: args.rounds,
        quick: args.quick,
        filter: args.filter,
        log: (l) => console.error(l),
      });
    } catch (error) {
      if (error instanceof RevisionError) throw new InputError(error.message);
      throw error;
    }
    console.log(formatComparison(rows, args.against));
    writeJsonAtomic(args.out, { date: new Date().toISOString(), against: args.against, rows });
    const regressed = rows.filter((r) => r.regressed);
    if (args.check && regressed.length > 0) {
      console.error(`${regressed.length} case(s) regressed below ${REGRESSION_THRESHOLD}× beyond the noise`);
      process.exitCode = EXIT_FAILED;
    }
  },
};
