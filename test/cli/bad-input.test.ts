// Bad input through bin/pandasim.js: every problem of a file listed at once (file, field path, value found and
// what was expected), exit code 2, and no output directory left behind.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runPandasim as pandasim } from '../support/pandasim-cli.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'pandasim-bad-input-'));

/** The demo scenario with three mistakes of different kinds: a unit, a typo'd key, a value of the wrong type. */
const scenario = join(dir, 'bad.yaml');
writeFileSync(
  scenario,
  [
    'name: bad',
    'horizon: 7 parsecs',
    'warmstart: 0.5',
    'seeds: [1, two]',
    `platform: ${join(root, 'scenarios/catalogs/small.yaml')}`,
    `shares: ${join(root, 'scenarios/shares/atlas.yaml')}`,
    '',
  ].join('\n'),
);

/** A sweep with three mistakes: an unknown policy, a seed count of zero, a field path that is none. */
const sweep = join(dir, 'bad-sweep.yaml');
writeFileSync(
  sweep,
  [
    'scenario: ml-detector-sim-small',
    'policies: [panda-brokerage, fifo]',
    'seeds: 0',
    'parameters:',
    '  platform..hpc: [1, 2]',
    '',
  ].join('\n'),
);

/** The problem lines of stderr (the first is `pandasim: N problems:`). */
const problems = (stderr: string) =>
  stderr
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.trim());

/** Refused before anything ran: exit 2, nothing on stdout, exactly `expected` on stderr, no stack, no `out`. */
function expectRefused(r: ReturnType<typeof pandasim>, out: string, expected: unknown[]): void {
  expect(r.status).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.split('\n')[0]).toBe(`pandasim: ${expected.length} problems:`);
  expect(problems(r.stderr)).toEqual(expected);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(existsSync(out)).toBe(false);
}

describe('bad input on the command line', () => {
  it('run: all three problems of the scenario file, exit 2, no output directory', () => {
    const out = join(dir, 'run-out');
    expectRefused(pandasim(['run', scenario, '--out', out, '--quiet']), out, [
      expect.stringMatching(
        new RegExp(
          `^${scenario}: horizon: expected a duration like '8h' \\(unknown unit "parsecs".*got "7 parsecs"$`,
        ),
      ),
      `${scenario}: seeds[1]: expected a non-negative integer, got "two"`,
      `${scenario}: warmstart: expected no field "warmstart" here (did you mean "warmStart"?), got 0.5`,
    ]);
  });

  it('validate: the same three problems, exit 2', () => {
    const r = pandasim(['validate', scenario]);
    expect(r.status).toBe(2);
    expect(problems(r.stderr)).toHaveLength(3);
  });

  it('run: problems in the scenario and in the catalog it names, listed together, each with its file', () => {
    const catalog = join(dir, 'bad-catalog.yaml');
    const text = readFileSync(join(root, 'scenarios/catalogs/small.yaml'), 'utf8');
    writeFileSync(catalog, text.replace('backbone: 400Gb/s', 'backbone: 10 parsecs'));
    const both = join(dir, 'both.yaml');
    writeFileSync(both, readFileSync(scenario, 'utf8').replace(/platform: .*/, `platform: ${catalog}`));
    const out = join(dir, 'both-out');
    const r = pandasim(['run', both, '--out', out, '--quiet']);
    expect(r.status).toBe(2);
    const lines = problems(r.stderr);
    expect(lines.filter((l) => l.startsWith(`${both}: `))).toHaveLength(3);
    expect(lines.filter((l) => l.startsWith(`${catalog}: `))).toEqual([
      expect.stringMatching(
        /^\S+: network\.regions\[0\]\.backbone: expected a rate like '10Gb\/s' .*got "10 parsecs"$/,
      ),
    ]);
    expect(existsSync(out)).toBe(false);
  });

  it('sweep: all three problems of the sweep file, exit 2, no sweep directory', () => {
    const out = join(dir, 'sweep-out');
    expectRefused(pandasim(['sweep', sweep, '--out', out, '--quiet']), out, [
      expect.stringMatching(
        new RegExp(`^${sweep}: policies\\[1\\]: expected a policy \\(one of .*\\), got "fifo"$`),
      ),
      `${sweep}: seeds: expected a count of seeds >= 1, or a list of distinct non-negative integer seeds, got 0`,
      `${sweep}: parameters["platform..hpc"]: expected a field path like platform.hpc[0].nodes, got "platform..hpc"`,
    ]);
  });
});
