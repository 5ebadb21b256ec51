/**
 * A sweep on Slurm: the batch script of a job array whose task K runs shard K/N of the cells
 * (`pandasim sweep FILE --shard K/N --resume`), and its submission with `sbatch`. Slurm is the engine: it
 * queues, places and retries; pandasim only cuts the cells into shards and merges what they wrote.
 */
import { spawn } from 'node:child_process';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SlurmArray {
  /** Absolute paths: the script runs wherever Slurm starts it. */
  readonly sweepFile: string;
  readonly out: string;
  readonly shards: number;
  readonly cells: number;
  readonly cpusPerTask: number;
  /** `--time` of each task, e.g. `1:00:00`. */
  readonly time: string;
  /** The cluster's default partition when absent. */
  readonly partition?: string;
  /** Further `#SBATCH` options as given, e.g. `--account=atlas`. */
  readonly extra: readonly string[];
}

/** Where the script goes, and each task's log (`%a`: its index in the array). */
export const slurmScriptFile = (out: string): string => join(out, 'slurm', 'sweep.sbatch');
export const slurmLogFile = (out: string, shard: number | string): string =>
  join(out, 'slurm', `shard-${shard}.out`);

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** #SBATCH lines are split at blanks, with no quoting: a path there must have none. */
function directive(option: string, value: string): string {
  if (/\s/.test(value))
    throw new RangeError(`${option} ${JSON.stringify(value)}: #SBATCH values cannot hold blanks`);
  return `#SBATCH ${option}=${value}`;
}

export function sbatchScript(array: SlurmArray): string {
  const bin = fileURLToPath(new URL('../bin/pandasim.js', import.meta.url));
  const name = basename(array.sweepFile, extname(array.sweepFile)).replace(/[^\w.-]/g, '_');
  const script = slurmScriptFile(array.out);
  const command = [
    shellQuote(process.execPath),
    shellQuote(bin),
    'sweep',
    shellQuote(array.sweepFile),
    '--out',
    shellQuote(array.out),
    '--shard',
    `"$SLURM_ARRAY_TASK_ID/${array.shards}"`,
    '--resume',
    '--quiet',
    '--parallel',
    '"${SLURM_CPUS_PER_TASK:-1}"',
  ];
  return [
    '#!/bin/bash',
    `# pandasim sweep ${array.sweepFile} as a Slurm job array: task K runs shard K/${array.shards} of the`,
    `# ${array.cells} cells (those whose index is K mod ${array.shards}), skips those already done, and writes each`,
    `# to ${join(array.out, 'cells')}/. Written by \`pandasim sweep --engine slurm\`.`,
    `#   a failed shard K runs again alone:  sbatch --array=K ${script}`,
    `#   when every shard is done:           pandasim merge ${array.out}`,
    directive('--job-name', `pandasim-sweep-${name}`),
    directive('--array', `0-${array.shards - 1}`),
    directive('--output', slurmLogFile(array.out, '%a')),
    directive('--cpus-per-task', String(array.cpusPerTask)),
    directive('--time', array.time),
    ...(array.partition === undefined ? [] : [directive('--partition', array.partition)]),
    ...array.extra.map((option) => `#SBATCH ${option}`),
    'set -euo pipefail',
    `exec ${command.join(' ')}`,
    '',
  ].join('\n');
}

export interface Submitted {
  readonly jobId: string;
  /** With `wait`: sbatch's exit status, the highest of the array's tasks; 0 otherwise. */
  readonly status: number;
}

/**
 * `sbatch --parsable [--wait] SCRIPT`. `onSubmitted` is told the job id as soon as sbatch prints it, before
 * `--wait` blocks until every task has ended.
 */
export function submitSlurm(
  script: string,
  wait: boolean,
  onSubmitted: (jobId: string) => void,
): Promise<Submitted> {
  return new Promise((resolve, reject) => {
    const child = spawn('sbatch', ['--parsable', ...(wait ? ['--wait'] : []), script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let jobId: string | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const line = /^(\d+)(;[^\n]*)?\n/.exec(stdout);
      if (jobId === undefined && line !== null) {
        jobId = line[1];
        onSubmitted(jobId);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new Error('--engine slurm: sbatch is not on the PATH (Slurm client commands are needed)')
          : error,
      ),
    );
    child.on('close', (code) => {
      if (jobId === undefined) {
        reject(new Error(`sbatch failed (exit ${code}): ${stderr.trim() || stdout.trim()}`));
      } else {
        resolve({ jobId, status: code ?? 1 });
      }
    });
  });
}
