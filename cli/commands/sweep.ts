/**
 * `pandasim sweep FILE`: a scenario × policies × parameter grid × seeds (scenarios/sweep-file.ts), its cells
 * run on a pool of worker threads on this machine (`--engine local`, the default; `--shard I/N` for a part
 * of them, `--resume` to skip the finished ones), or handed to Slurm as a job array (`--engine slurm`) whose
 * tasks run the shards. A whole local sweep is merged at the end; shards are merged by `pandasim merge DIR`.
 */
import { basename, extname, join, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { writeFileAtomic } from '../../reports/files.ts';
import {
  CellsFailedError,
  readCell,
  resolveSweep,
  runSweep,
  writeSweepManifest,
  type Shard,
  type SweepManifest,
} from '../../scenarios/sweep.ts';
import { asInput, asInputAsync, EXIT_FAILED, InputError } from '../errors.ts';
import { Progress } from '../progress.ts';
import { Interrupt } from '../interrupt.ts';
import { sbatchScript, slurmLogFile, slurmScriptFile, submitSlurm, type Submitted } from '../slurm.ts';
import { mergedLines, mergeInput, metricInput } from './merge.ts';

/** Shards by default: a task per cell up to this many (Slurm's MaxArraySize is 1001 by default). */
const DEFAULT_MAX_SHARDS = 100;
const DEFAULT_TIME = '1:00:00';

export interface SweepArgs {
  file: string;
  out?: string;
  resume: boolean;
  shard?: string;
  parallel?: number;
  engine: 'local' | 'slurm';
  quiet: boolean;
  merge: boolean;
  metric: string;
  shards?: number;
  partition?: string;
  time?: string;
  'cpus-per-task'?: number;
  sbatch?: string[];
  wait: boolean;
}

/** A run that failed in a way the message explains in full: no stack trace (exit 1). */
class SweepFailure extends Error {}

function positiveInteger(option: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
    throw new InputError(`${option}: expected an integer >= 1, got ${value}`);
  }
}

/** `--shard I/N` → the shard; 0 <= I < N. */
export function shardInput(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const shard = match === null ? undefined : { index: Number(match[1]), count: Number(match[2]) };
  if (shard === undefined || shard.count < 1 || shard.index >= shard.count) {
    throw new InputError(`--shard: expected I/N with 0 <= I < N (e.g. 0/4), got ${text}`);
  }
  return shard;
}

/** Options of one engine given to the other are a mistake worth saying. */
function checkEngineOptions(args: SweepArgs): void {
  const slurmOnly = ['shards', 'partition', 'time', 'cpus-per-task', 'sbatch'] as const;
  const given = (name: keyof SweepArgs) => args[name] !== undefined;
  if (args.engine === 'local') {
    const misplaced = [...slurmOnly.filter(given), ...(args.wait ? ['wait'] : [])];
    if (misplaced.length > 0) throw new InputError(`--${misplaced[0]}: applies to --engine slurm only`);
  } else {
    if (args.shard !== undefined)
      throw new InputError('--shard: with --engine slurm, each array task is a shard');
    if (args.parallel !== undefined) {
      throw new InputError('--parallel: with --engine slurm, each task runs --cpus-per-task cells at once');
    }
  }
}

async function sweepLocal(args: SweepArgs, out: string): Promise<string> {
  const shard = args.shard === undefined ? undefined : shardInput(args.shard);
  const progress = new Progress(basename(args.file), args.quiet);
  const interrupt = new Interrupt();
  const result = await asInputAsync(() =>
    runSweep({
      file: args.file,
      out,
      resume: args.resume,
      shard,
      parallel: args.parallel,
      onCell: (_cell, done, total) => progress.update(done / total, `${done}/${total} cells`),
      signal: interrupt.signal,
    }),
  ).finally(() => interrupt.dispose());
  progress.done();
  if (result.interrupted) {
    process.exitCode = interrupt.exitCode;
    return (
      `interrupted by ${interrupt.signalName}: ${result.ran.length} cells run now, ${result.skipped.length} ` +
      `done before; the cells under way were dropped. To go on: pandasim sweep ${args.file} --out ${out} --resume` +
      (shard === undefined ? '' : ` --shard ${args.shard}`)
    );
  }
  const total = result.manifest.cells.length;
  const mine = result.ran.length + result.skipped.length;
  const lines = [
    `${result.ran.length} cells run, ${result.skipped.length} done before` +
      (shard === undefined ? '' : ` (shard ${shard.index}/${shard.count}: ${mine} of the ${total} cells)`) +
      `; in ${join(out, 'cells')}/.`,
  ];
  if (shard !== undefined || !args.merge) {
    lines.push(`When every cell is done: pandasim merge ${out}`);
  } else {
    const index = await mergeInput(out);
    lines.push('', mergedLines(index, out, args.metric));
  }
  return lines.join('\n');
}

/** Which shards hold the cells that have no result. */
function missingShards(
  manifest: SweepManifest,
  out: string,
  shards: number,
): { cells: number; shards: number[] } {
  const missing = manifest.cells.filter((c) => readCell(out, c) === undefined);
  return {
    cells: missing.length,
    shards: [...new Set(missing.map((c) => c.index % shards))].sort((a, b) => a - b),
  };
}

async function sweepSlurm(args: SweepArgs, out: string): Promise<string> {
  const dir = resolve(out);
  const { manifest } = asInput(() => resolveSweep(args.file));
  const total = manifest.cells.length;
  const shards = args.shards ?? Math.min(total, DEFAULT_MAX_SHARDS);
  if (shards > total) throw new InputError(`--shards: expected at most the ${total} cells, got ${shards}`);
  let text: string;
  try {
    text = sbatchScript({
      sweepFile: resolve(args.file),
      out: dir,
      shards,
      cells: total,
      cpusPerTask: args['cpus-per-task'] ?? 1,
      time: args.time ?? DEFAULT_TIME,
      partition: args.partition,
      extra: args.sbatch ?? [],
    });
  } catch (error) {
    if (error instanceof RangeError) throw new InputError(error.message);
    throw error;
  }
  asInput(() => writeSweepManifest(dir, manifest));
  const script = slurmScriptFile(dir);
  writeFileAtomic(script, text);
  const announce = (jobId: string) =>
    console.log(
      `Submitted Slurm job ${jobId}: ${shards} shards of the ${total} cells (${script}; logs ${slurmLogFile(dir, 'K')}).`,
    );
  let submitted: Submitted;
  try {
    submitted = await submitSlurm(script, args.wait, announce);
  } catch (error) {
    throw new SweepFailure(error instanceof Error ? error.message : String(error));
  }
  const again = (list: string) => `sbatch --array=${list} ${script}`;
  if (!args.wait) {
    return [
      `When it has finished: pandasim merge ${out}`,
      `A failed shard K runs again alone with: ${again('K')}`,
    ].join('\n');
  }
  const missing = missingShards(manifest, dir, shards);
  if (missing.cells > 0) {
    const list = missing.shards.join(',');
    throw new SweepFailure(
      `Slurm job ${submitted.jobId} ended (sbatch exit ${submitted.status}) with ${missing.cells} of the ${total} ` +
        `cells missing, of shards ${list} (logs ${slurmLogFile(dir, 'K')}); run them again with: ${again(list)}`,
    );
  }
  return `Slurm job ${submitted.jobId}: all ${total} cells done. Merge with: pandasim merge ${out}`;
}

export const sweepCommand: CommandModule<object, SweepArgs> = {
  command: 'sweep <file>',
  describe: 'Run a sweep (scenario × policies × parameter grid × seeds) here or as a Slurm job array',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'the sweep file (YAML)' })
      .option('out', { type: 'string', describe: 'the sweep directory (default results/sweeps/<file name>)' })
      .option('resume', { type: 'boolean', default: false, describe: 'skip cells whose result is there' })
      .option('shard', { type: 'string', describe: 'I/N: run only the cells whose index is I mod N' })
      .option('parallel', { type: 'number', describe: 'cells at once (default: the cores)' })
      .option('engine', {
        choices: ['local', 'slurm'] as const,
        default: 'local' as const,
        describe: 'run here, or submit a Slurm job array of shards',
      })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress display' })
      .option('merge', {
        type: 'boolean',
        default: true,
        describe:
          'merge a whole local sweep when its cells are done (--no-merge: leave it to pandasim merge)',
      })
      .option('metric', {
        type: 'string',
        default: 'makespan',
        describe: 'the metric the merged table shows',
      })
      .option('shards', {
        type: 'number',
        describe: `slurm: array tasks (default: one per cell, at most ${DEFAULT_MAX_SHARDS})`,
      })
      .option('partition', { type: 'string', describe: "slurm: partition (default: the cluster's)" })
      .option('time', { type: 'string', describe: `slurm: time limit per task (default ${DEFAULT_TIME})` })
      .option('cpus-per-task', {
        type: 'number',
        describe: 'slurm: CPUs per task, its cells at once (default 1)',
      })
      .option('sbatch', {
        type: 'string',
        array: true,
        describe: 'slurm: another #SBATCH option, e.g. --sbatch=--account=atlas',
      })
      .option('wait', {
        type: 'boolean',
        default: false,
        describe: 'slurm: block until the job has ended (sbatch --wait)',
      })
      .example(
        '$0 sweep scenarios/sweeps/polaris-nodes.yaml',
        'every cell here, then the merged comparison per variant',
      )
      .example(
        '$0 sweep scenarios/sweeps/polaris-nodes.yaml --shard 0/4 --resume',
        'a quarter of the cells, skipping finished ones',
      )
      .example(
        '$0 sweep scenarios/sweeps/polaris-nodes.yaml --engine slurm --shards 20 --partition debug',
        'a job array of 20 shards',
      )
      .epilog(
        'With --engine slurm the job array is DIR/slurm/sweep.sbatch: task K runs `pandasim sweep FILE --shard K/N ' +
          '--resume` and logs to DIR/slurm/shard-K.out. A shard that failed runs again alone with ' +
          '`sbatch --array=K DIR/slurm/sweep.sbatch` (several: --array=1,5); its finished cells are skipped. ' +
          'When every shard is done: `pandasim merge DIR`.',
      ),
  handler: async (args) => {
    checkEngineOptions(args);
    positiveInteger('--parallel', args.parallel);
    positiveInteger('--shards', args.shards);
    positiveInteger('--cpus-per-task', args['cpus-per-task']);
    metricInput(args.metric);
    const out = args.out ?? join('results', 'sweeps', basename(args.file, extname(args.file)));
    try {
      console.log(args.engine === 'slurm' ? await sweepSlurm(args, out) : await sweepLocal(args, out));
    } catch (error) {
      if (!(error instanceof SweepFailure || error instanceof CellsFailedError)) throw error;
      console.error(`pandasim: ${error.message}`);
      process.exitCode = EXIT_FAILED;
    }
  },
};
