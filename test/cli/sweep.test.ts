// `pandasim sweep` and `pandasim merge` end to end through bin/pandasim.js. The Slurm engine runs against a
// stand-in sbatch that runs the array's tasks here, so the batch script itself is what runs the shards.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../cli/errors.ts';
import { mergeInput, metricInput } from '../../cli/commands/merge.ts';
import { shardInput } from '../../cli/commands/sweep.ts';
import { mergedTree } from '../support/merged-tree.ts';
import { runPandasim as pandasim } from '../support/pandasim-cli.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'pandasim-sweep-cli-'));
const file = join(dir, 'nodes.yaml');
writeFileSync(
  file,
  [
    'scenario: ml-detector-sim-small',
    'policies: [lcf-harvester]',
    'seeds: [1]',
    'parameters:',
    '  horizon: [1d]',
    '  platform.hpc[0].nodes: [2, 4]',
    '',
  ].join('\n'),
);

/**
 * sbatch's stand-in: logs its arguments, prints a job id, then runs the tasks FAKE_TASKS lists (default: the
 * `--array=` given, else the script's) one after another, each as Slurm would: SLURM_ARRAY_TASK_ID set, the
 * log in the script's --output.
 */
const FAKE_SBATCH = `#!/bin/bash
echo "$*" >> "$FAKE_SBATCH_LOG"
script=\${@: -1}
array=$(sed -n 's/^#SBATCH --array=//p' "$script")
for arg in "$@"; do case $arg in --array=*) array=\${arg#--array=} ;; esac; done
expand() { local IFS=,; for part in $1; do if [[ $part == *-* ]]; then seq "\${part%-*}" "\${part#*-}"; else echo "$part"; fi; done; }
tasks=\${FAKE_TASKS-$(expand "$array")}
echo 4242
status=0
for k in $tasks; do
  SLURM_ARRAY_TASK_ID=$k SLURM_CPUS_PER_TASK=1 bash "$script" > "$(dirname "$script")/shard-$k.out" 2>&1 || status=$?
done
exit $status
`;

function fakeSlurm(): { env: (tasks?: string) => NodeJS.ProcessEnv; log: string } {
  const bin = mkdtempSync(join(tmpdir(), 'pandasim-fake-slurm-'));
  writeFileSync(join(bin, 'sbatch'), FAKE_SBATCH);
  chmodSync(join(bin, 'sbatch'), 0o755);
  const log = join(bin, 'calls.log');
  const env = (tasks?: string) => ({
    ...process.env,
    PATH: `${bin}${delimiter}${process.env.PATH}`,
    FAKE_SBATCH_LOG: log,
    ...(tasks === undefined ? {} : { FAKE_TASKS: tasks }),
  });
  return { env, log };
}

describe('pandasim sweep', () => {
  it('exits 2 naming the sweep file, the parameter and the expectation, and writes nothing', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'scenario: ml-detector-sim-small\nparameters:\n  platform.hpc[0].nodes: [4, 0]\n');
    const out = join(dir, 'never');
    const r = pandasim(['sweep', bad, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `pandasim: ${bad}: parameters["platform.hpc[0].nodes"][1]: expected an integer > 0, got 0\n`,
    );
    expect(existsSync(out)).toBe(false);
  });

  const local = join(dir, 'local');

  it('runs every cell here and merges them: a table of the variants and a report each', () => {
    const r = pandasim(['sweep', file, '--out', local, '--parallel', '1', '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`2 cells run, 0 done before; in ${join(local, 'cells')}/.`);
    expect(lines[2]).toBe('makespan (h): mean over seeds 1 (95 % CI)');
    expect(lines[3]).toMatch(/^variant {2}horizon {2}platform\.hpc\[0\]\.nodes {2}lcf-harvester$/);
    expect(lines[4]).toMatch(/^v0 {7}1d {7} {20}2 {2}\S/);
    for (const variant of ['v0', 'v1']) {
      expect(existsSync(join(local, 'merged', variant, 'report.html'))).toBe(true);
    }
  });

  it('submits a Slurm job array whose failed shard runs again alone; the merge equals the local one', () => {
    const slurm = fakeSlurm();
    // Waiting for the job, of which only shard 0 ran: the missing shard is named, with how to run it again.
    const out = join(dir, 'slurm');
    const script = join(out, 'slurm', 'sweep.sbatch');
    const args = [
      '--engine',
      'slurm',
      '--out',
      out,
      '--wait',
      '--partition',
      'debug',
      '--sbatch=--account=atlas',
    ];
    const waited = pandasim(['sweep', file, ...args], slurm.env('0'));
    expect(waited.stdout).toBe(
      `Submitted Slurm job 4242: 2 shards of the 2 cells (${script}; logs ${join(out, 'slurm', 'shard-K.out')}).\n`,
    );
    expect(waited.stderr).toBe(
      `pandasim: Slurm job 4242 ended (sbatch exit 0) with 1 of the 2 cells missing, of shards 1 ` +
        `(logs ${join(out, 'slurm', 'shard-K.out')}); run them again with: sbatch --array=1 ${script}\n`,
    );
    expect(waited.status).toBe(1);
    const lines = readFileSync(script, 'utf8').split('\n');
    for (const option of [
      '--array=0-1',
      `--output=${join(out, 'slurm', 'shard-%a.out')}`,
      '--cpus-per-task=1',
      '--time=1:00:00',
      '--partition=debug',
      '--account=atlas',
    ]) {
      expect(lines).toContain(`#SBATCH ${option}`);
    }
    expect(lines).toContain(
      `exec '${process.execPath}' '${join(root, 'bin', 'pandasim.js')}' sweep '${file}' --out '${out}' ` +
        '--shard "$SLURM_ARRAY_TASK_ID/2" --resume --quiet --parallel "${SLURM_CPUS_PER_TASK:-1}"',
    );

    const rerun = spawnSync('sbatch', ['--array=1', script], { env: slurm.env(), encoding: 'utf8' });
    expect(rerun.status).toBe(0);
    expect(readFileSync(slurm.log, 'utf8')).toBe(`--parsable --wait ${script}\n--array=1 ${script}\n`);
    const merged = pandasim(['merge', out]);
    expect(merged.stderr).toBe('');
    expect(merged.status).toBe(0);
    expect(merged.stdout).toContain(`Merged 2 variants into ${join(out, 'merged')}/`);
    expect(mergedTree(join(out, 'merged'))).toEqual(mergedTree(join(local, 'merged')));
  });
});

describe('sweep and merge options', () => {
  it('name the option and what it expects', async () => {
    expect(() => shardInput('2/2')).toThrow('--shard: expected I/N with 0 <= I < N (e.g. 0/4), got 2/2');
    expect(shardInput('1/4')).toEqual({ index: 1, count: 4 });
    expect(() => metricInput('speed')).toThrow(
      '--metric: expected one of makespan, cost, gpuHours, cpuHours, bytesMoved, meanWait, got speed',
    );
    const empty = mkdtempSync(join(tmpdir(), 'pandasim-merge-'));
    await expect(mergeInput(empty)).rejects.toThrow(
      new InputError(
        `${join(empty, 'sweep.json')}: expected a sweep manifest (version 1) written by pandasim sweep`,
      ),
    );
  });
});
