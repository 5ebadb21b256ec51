import type { CommandModule } from 'yargs';
import { runBenchmarks } from '../../bench/run.ts';
import { writeJsonAtomic } from '../../reports/files.ts';

interface BenchArgs {
  quick: boolean;
  filter?: string;
  out: string;
}

export const benchCommand: CommandModule<object, BenchArgs> = {
  command: 'bench',
  describe: 'Run the benchmarks (hold model, GF-1, ...) and print rates with ratios to same-run baselines',
  builder: (y) =>
    y
      .option('quick', { type: 'boolean', default: false, describe: 'smaller sizes and shorter timing (CI)' })
      .option('filter', { type: 'string', describe: 'only suites whose name contains this text' })
      .option('out', {
        type: 'string',
        default: 'out/bench/results.json',
        describe: 'where to save the results',
      })
      .example('$0 bench --quick', 'the short run CI does')
      .example('$0 bench --filter hold', 'only the hold-model suites'),
  handler: async (args) => {
    const results = await runBenchmarks({
      quick: args.quick,
      filter: args.filter,
      log: (l) => console.log(l),
    });
    writeJsonAtomic(args.out, { date: new Date().toISOString(), node: process.version, results });
    console.log(`results written to ${args.out}`);
  },
};
