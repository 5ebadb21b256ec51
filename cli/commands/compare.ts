/**
 * `pandasim compare SCENARIO --policies a,b --seeds N`: every policy under the same seeds (common random
 * numbers), runs in worker threads on the cores; writes runs/*.json, comparison.json with the paired
 * differences to the first policy, and the report; prints the table.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandModule } from 'yargs';
import { writeJsonAtomic } from '../../reports/files.ts';
import { comparisonMarkdown } from '../../reports/markdown.ts';
import { writeComparisonReport } from '../../reports/report.ts';
import { readResults } from '../../reports/results.ts';
import type { RunSummary } from '../../reports/summary.ts';
import {
  compareScenario,
  ComparisonInterrupted,
  runFileName,
  summarizeRevisionComparison,
  type Comparison,
} from '../../scenarios/compare.ts';
import { checkoutRevision, RevisionError } from '../revision.ts';
import { InputError } from '../errors.ts';
import { Progress } from '../progress.ts';
import { Interrupt } from '../interrupt.ts';
import { policyListInput, scenarioInput, seedsInput } from '../scenario-input.ts';

export interface CompareArgs {
  scenario: string;
  policies?: string;
  seeds?: string;
  out?: string;
  parallel?: number;
  against?: string;
  quiet: boolean;
  json: boolean;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The runs of git revision `ref` on the same scenario file, policies and seeds: its own `pandasim compare` in a
 * temporary worktree, its results read back (they must be in this version's format).
 */
function revisionRuns(
  ref: string,
  scenarioFile: string,
  policies: readonly string[],
  seeds: readonly number[],
  log: (line: string) => void,
): RunSummary[] {
  let checkout;
  try {
    checkout = checkoutRevision(
      ROOT,
      ref,
      { file: join('cli', 'commands', 'compare.ts'), what: 'compare command' },
      log,
    );
  } catch (error) {
    if (error instanceof RevisionError) throw new InputError(error.message);
    throw error;
  }
  try {
    const out = mkdtempSync(join(tmpdir(), 'pandasim-against-'));
    log(`running revision ${ref} (${checkout.sha.slice(0, 10)})`);
    execFileSync(
      process.execPath,
      [
        join(checkout.dir, 'bin', 'pandasim.js'),
        'compare',
        scenarioFile,
        '--policies',
        policies.join(','),
        '--seeds',
        seeds.join(','),
        '--out',
        out,
        '--quiet',
      ],
      { cwd: checkout.dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const results = readResults(out);
    if (results.kind !== 'comparison') throw new Error(`revision ${ref}: no comparison written`);
    return results.runs;
  } finally {
    checkout.remove();
  }
}

/**
 * Runs the comparison and writes everything under `out`; returns the markdown summary, or undefined when a
 * signal stopped it (and nothing was written).
 */
export async function compareAndWrite(
  args: CompareArgs,
  defaultOut: (name: string) => string,
): Promise<string | undefined> {
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
  const interrupt = new Interrupt();
  let result: Comparison;
  try {
    result = await compareScenario({
      scenarioFile: file,
      policies,
      seeds,
      parallel: args.parallel,
      onRun: (_run, done) => progress.update(done / total, `${done}/${total} runs`),
      signal: interrupt.signal,
    });
  } catch (error) {
    if (!(error instanceof ComparisonInterrupted)) throw error;
    progress.done();
    process.exitCode = interrupt.exitCode;
    console.error(
      `pandasim: interrupted by ${interrupt.signalName} after ${error.done} of ${error.total} runs: nothing written`,
    );
    return undefined;
  } finally {
    interrupt.dispose();
  }
  progress.done();
  if (args.against !== undefined) {
    const log = (line: string) => {
      if (!args.quiet && !args.json) console.error(line);
    };
    const ref = args.against;
    const revision = revisionRuns(ref, file, policies, seeds, log);
    result = summarizeRevisionComparison(
      scenario.name,
      ref,
      policies,
      seeds,
      result.runs,
      revision,
      result.wallSeconds,
    );
  }
  const { comparison, runs } = result;
  for (const run of runs) writeJsonAtomic(join(out, 'runs', runFileName(run.policy, run.seed)), run);
  writeJsonAtomic(join(out, 'comparison.json'), comparison);
  // The one output that depends on the machine: kept apart so that the results are the same bytes anywhere.
  writeJsonAtomic(join(out, 'timing.json'), { wallSeconds: result.wallSeconds, runs: runs.length });
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
      .option('against', {
        type: 'string',
        describe: 'git revision: run it too on the same seeds and pair each policy with its own runs there',
      })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress display' })
      .option('json', { type: 'boolean', default: false, describe: 'print comparison.json to stdout' })
      .example(
        '$0 compare ml-detector-sim-small --policies panda-brokerage,grid-only --seeds 5',
        'two policies, seeds 1..5',
      ),
  handler: async (args) => {
    const markdown = await compareAndWrite(args, (name) => join('results', name, 'compare'));
    if (!args.json && markdown !== undefined) console.log(markdown);
  },
};
