// Loading saved results: both layouts, and bad files named with the field at fault.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../cli/errors.ts';
import { readResults } from '../../reports/results.ts';
import { COMPARISON, RUN, RUNS } from './fixtures.ts';

function dirWith(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pandasim-results-'));
  for (const [name, value] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
  }
  return dir;
}

function inputError(dir: string): string {
  try {
    readResults(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('readResults accepted a bad results directory');
}

const runFiles = Object.fromEntries(RUNS.map((r) => [`runs/${r.policy}-seed${r.seed}.json`, r]));

describe('readResults', () => {
  it('loads a comparison with its runs, by file name', () => {
    const results = readResults(
      dirWith({ 'comparison.json': COMPARISON, ...runFiles, 'runs/notes.txt': 'x' }),
    );
    expect(results.kind).toBe('comparison');
    if (results.kind !== 'comparison') return;
    expect(results.comparison).toEqual(COMPARISON);
    expect(results.runs.map((r) => `${r.policy}-seed${r.seed}`)).toEqual([
      'funcx-burst-seed1',
      'funcx-burst-seed2',
      'funcx-burst-seed3',
      'grid-only-seed1',
      'grid-only-seed2',
      'grid-only-seed3',
      'lcf-gpu-seed1',
      'lcf-gpu-seed2',
      'lcf-gpu-seed3',
    ]);
    expect(results.runs[6]).toEqual(RUN);
  });

  it('loads a single run', () => {
    expect(readResults(dirWith({ 'summary.json': RUN }))).toEqual({ kind: 'run', summary: RUN });
  });

  it('names the file and the field of a broken run summary', () => {
    const task = { ...RUN.workflows[0].tasks[1], start: 'soon' };
    const broken = { ...RUN, workflows: [{ ...RUN.workflows[0], tasks: [RUN.workflows[0].tasks[0], task] }] };
    const dir = dirWith({ 'summary.json': broken });
    expect(inputError(dir)).toBe(
      `${join(dir, 'summary.json')}: workflows[0].tasks[1].start: Invalid input: expected number, received string`,
    );
  });

  it('names a run file of a comparison, and a time series whose lengths disagree', () => {
    const broken = { ...RUN, gpusBusy: { t: [0, 1], series: { POLARIS: [1] } } };
    const dir = dirWith({ 'comparison.json': COMPARISON, 'runs/lcf-gpu-seed1.json': broken });
    expect(inputError(dir)).toBe(
      `${join(dir, 'runs', 'lcf-gpu-seed1.json')}: gpusBusy: every series must have one value per sample time in t`,
    );
  });

  it('names the field of a broken comparison and a summary of another version', () => {
    const { baseline: _, ...noBaseline } = COMPARISON;
    const dir = dirWith({ 'comparison.json': noBaseline });
    expect(inputError(dir)).toBe(
      `${join(dir, 'comparison.json')}: baseline: Invalid input: expected string, received undefined`,
    );
    expect(inputError(dirWith({ 'summary.json': { ...RUN, version: 2 } }))).toMatch(
      /summary\.json: version: Invalid input: expected 1$/,
    );
  });

  it('says what it expected in a directory without results, and names a file that is not JSON', () => {
    const empty = dirWith({});
    expect(inputError(empty)).toBe(
      `${empty}: no comparison.json or summary.json (expected the output directory of run or compare)`,
    );
    expect(inputError(dirWith({ 'summary.json': '{"version": 1,' }))).toMatch(
      /summary\.json: not readable as JSON/,
    );
  });
});
