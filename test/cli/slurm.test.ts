// A sweep on a real Slurm: submitted as a job array with `--engine slurm --wait`, merged, and compared with the
// same sweep run here. Needs a running cluster (CI starts a one-node one with .ci/slurm-up.sh); skipped where
// Slurm is not installed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergedTree } from '../support/merged-tree.ts';
import { pandasim } from '../support/pandasim-cli.ts';

const installed = (command: string) =>
  spawnSync('sh', ['-c', `PATH="$PATH:/usr/sbin:/sbin" command -v ${command}`]).status === 0;
const slurm = installed('sbatch') && installed('slurmctld');

describe('pandasim sweep --engine slurm', () => {
  it.skipIf(!slurm)('runs the shards as a Slurm job array; their merge equals the sweep run here', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pandasim-slurm-'));
    const file = join(dir, 'nodes.yaml');
    writeFileSync(
      file,
      [
        'scenario: ml-detector-sim-small',
        'policies: [lcf-harvester, grid-only]',
        'seeds: [1]',
        'parameters:',
        '  horizon: [1d]',
        '  platform.hpc[0].nodes: [2, 4]',
        '',
      ].join('\n'),
    );
    const out = join(dir, 'slurm');
    const r = pandasim('sweep', file, '--engine', 'slurm', '--shards', '2', '--wait', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const [submitted, done] = r.stdout.trimEnd().split('\n');
    const jobId = /^Submitted Slurm job (\d+): 2 shards of the 4 cells /.exec(submitted)?.[1];
    expect(jobId).toBeDefined();
    expect(done).toBe(`Slurm job ${jobId}: all 4 cells done. Merge with: pandasim merge ${out}`);
    for (const shard of [0, 1]) expect(existsSync(join(out, 'slurm', `shard-${shard}.out`))).toBe(true);

    const merged = pandasim('merge', out);
    expect(merged.stderr).toBe('');
    expect(merged.status).toBe(0);
    const local = join(dir, 'local');
    const here = pandasim('sweep', file, '--out', local, '--parallel', '1', '--quiet');
    expect(here.status).toBe(0);
    expect(mergedTree(join(out, 'merged'))).toEqual(mergedTree(join(local, 'merged')));
  });
});
