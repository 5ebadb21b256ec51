// Sweeps through the API: the sweep file's errors, the grid's cells and ids, bad overrides, and running cells —
// shards, resume and the merge — on the small scenario cut to one simulated day (a fraction of a second a run).
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../reports/summary.ts';
import { resolveScenario } from '../../scenarios/embedded.ts';
import { loadScenario, parseScenario } from '../../scenarios/load.ts';
import { policyByName } from '../../scenarios/policies/index.ts';
import { ScenarioError } from '../../scenarios/scenario-error.ts';
import { cellFile, resolveSweep, runSweep, shardCells } from '../../scenarios/sweep.ts';
import { parseSweepFile } from '../../scenarios/sweep-file.ts';
import { mergeSweep } from '../../scenarios/sweep-merge.ts';
import { runWorld } from '../../scenarios/world/world.ts';
import { mergedTree } from '../support/merged-tree.ts';

const SWEEP = `scenario: ml-detector-sim-small
policies: [lcf-harvester, grid-only]
seeds: 2
parameters:
  horizon: [2d]
  platform.hpc[0].nodes: [2, 4]
`;

/** The sweep that runs: 2 variants × 2 policies × 1 seed. */
const RUN = SWEEP.replace('seeds: 2', 'seeds: [3]').replace('horizon: [2d]', 'horizon: [1d]');

function sweepFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'pandasim-sweep-')), 'sweep.yaml');
  writeFileSync(file, text);
  return file;
}

function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ScenarioError) return error.message.split('\n');
    throw error;
  }
  throw new Error('no ScenarioError');
}

describe('sweep file', () => {
  it('names the file, the field and what was expected for every problem', () => {
    const text = [
      'scenario: ml-detector-sim-small',
      'policies: [grid-only, fastest, grid-only]',
      'seeds: 0',
      'paramters: {}',
    ].join('\n');
    expect(problems(() => parseSweepFile(text, 'bad.yaml'))).toEqual([
      '4 problems:',
      '  bad.yaml: policies[1]: expected a policy (one of panda-brokerage, grid-only, lcf-harvester, funcx-gateway, ' +
        'parsl-orchestrates, local-first, earliest-completion, cost-aware), got "fastest"',
      '  bad.yaml: seeds: expected a count of seeds >= 1, or a list of distinct non-negative integer seeds, got 0',
      '  bad.yaml: paramters: expected no field "paramters" here (did you mean "parameters"?), got {}',
      '  bad.yaml: policies[2]: expected a policy not listed before (the first is the baseline), got "grid-only"',
    ]);
    const grid = [
      'scenario: ml-detector-sim-small',
      'policies: [grid-only, grid-only]',
      'parameters:',
      '  seeds: [1]',
      '  "platform..x": [1]',
      '  budget: [1, 1]',
      '  horizon: []',
    ].join('\n');
    expect(problems(() => parseSweepFile(grid, 'grid.yaml'))).toEqual([
      '5 problems:',
      '  grid.yaml: parameters.horizon: expected an array of ≥ 1 items, got []',
      '  grid.yaml: policies[1]: expected a policy not listed before (the first is the baseline), got "grid-only"',
      "  grid.yaml: parameters.seeds: expected a scenario field other than policies and seeds (the sweep's own " +
        'choose them), got "seeds"',
      '  grid.yaml: parameters["platform..x"]: expected a field path like platform.hpc[0].nodes, got "platform..x"',
      '  grid.yaml: parameters.budget[1]: expected a value not listed before, got 1',
    ]);
    expect(problems(() => parseSweepFile('scenario: [a\n', 'syntax.yaml'))[0]).toMatch(
      /^syntax\.yaml:2:1: expected valid YAML/,
    );
  });

  it('names the scenario field when it is neither built in nor a file beside the sweep file', () => {
    const file = sweepFile('scenario: nowhere.yaml\n');
    expect(problems(() => resolveSweep(file))).toEqual([
      `${file}: scenario: expected a built-in scenario (ml-detector-sim, ml-detector-sim-small, atlas-day, atlas-month) or a scenario ` +
        'file relative to the sweep file, got "nowhere.yaml"',
    ]);
  });
});

describe('resolveSweep', () => {
  it('makes variants × policies × seeds cells with stable ids and indices, and self-contained variants', () => {
    const file = sweepFile(SWEEP);
    const { manifest, texts, scenarioFile } = resolveSweep(file);
    expect(resolveSweep(file).manifest).toEqual(manifest);
    expect(manifest.scenario).toBe('ml-detector-sim-small');
    expect(manifest.variants.map((v) => [v.id, v.index, v.values])).toEqual([
      ['v0', 0, { horizon: '2d', 'platform.hpc[0].nodes': 2 }],
      ['v1', 1, { horizon: '2d', 'platform.hpc[0].nodes': 4 }],
    ]);
    expect(manifest.cells.map((c) => `${c.index} ${c.id}`)).toEqual([
      '0 v0--lcf-harvester--seed-0001',
      '1 v0--lcf-harvester--seed-0002',
      '2 v0--grid-only--seed-0001',
      '3 v0--grid-only--seed-0002',
      '4 v1--lcf-harvester--seed-0001',
      '5 v1--lcf-harvester--seed-0002',
      '6 v1--grid-only--seed-0001',
      '7 v1--grid-only--seed-0002',
    ]);
    expect(shardCells(manifest.cells, { index: 1, count: 3 }).map((c) => c.index)).toEqual([1, 4, 7]);
    // The catalog the scenario names is written inline, the override inside it.
    const v0 = texts.get('v0')!;
    expect(v0).not.toContain('catalogs/small.yaml');
    const scenario = parseScenario(v0, scenarioFile);
    expect(scenario.horizon).toBe(2 * 86400);
    expect(scenario.platform.hpc.map((h) => [h.name, h.nodes])).toEqual([['POLARIS', 2]]);
    expect(scenario.platform.gridSites).toEqual(loadScenario(scenarioFile).platform.gridSites);
  });

  it('resolves the example sweep shipped with pandasim', () => {
    const example = fileURLToPath(new URL('../../scenarios/sweeps/polaris-nodes.yaml', import.meta.url));
    const { manifest } = resolveSweep(example);
    expect(manifest.variants.map((v) => Object.values(v.values))).toEqual([
      [2, '8/d'],
      [2, '16/d'],
      [4, '8/d'],
      [4, '16/d'],
      [8, '8/d'],
      [8, '16/d'],
    ]);
    expect(manifest.cells).toHaveLength(6 * 3 * 5);
  });

  it('reports a bad override at the sweep file and the parameter, with the loader’s expectation', () => {
    const file = sweepFile(
      [
        'scenario: ml-detector-sim-small',
        'parameters:',
        '  platform.hpc[0].nodes: [4, 0]',
        '  background[0].taskRate: [2/d, fast]',
        '  platform.hpc[0].nodez: [4]',
      ].join('\n'),
    );
    expect(problems(() => resolveSweep(file))).toEqual([
      '3 problems:',
      `  ${file}: parameters["platform.hpc[0].nodez"][0]: expected no field "nodez" here (did you mean "nodes"?), got 4`,
      `  ${file}: parameters["background[0].taskRate"][1]: expected a frequency like '40/d' or '2/h' (a plain number), got "fast"`,
      `  ${file}: parameters["platform.hpc[0].nodes"][1]: expected an integer > 0, got 0`,
    ]);
    const path = sweepFile('scenario: ml-detector-sim-small\nparameters:\n  platform.hpc[3].nodes: [1]\n');
    expect(problems(() => resolveSweep(path))).toEqual([
      `${path}: parameters["platform.hpc[3].nodes"][0]: expected a field path into the scenario ` +
        '(platform.hpc has 1 entry), got 1',
    ]);
  });
});

describe('runSweep and mergeSweep', () => {
  it('merges shards 0/2 and 1/2 to what the whole sweep merges to; resume skips the cells done', async () => {
    const file = sweepFile(RUN);
    const whole = mkdtempSync(join(tmpdir(), 'pandasim-sweep-whole-'));
    const sharded = mkdtempSync(join(tmpdir(), 'pandasim-sweep-shards-'));

    // Two threads for the whole sweep, one for each shard: the cells run in other threads and orders.
    const all = await runSweep({ file, out: whole, parallel: 2 });
    expect(all.ran).toEqual([
      'v0--lcf-harvester--seed-0003',
      'v0--grid-only--seed-0003',
      'v1--lcf-harvester--seed-0003',
      'v1--grid-only--seed-0003',
    ]);
    const first = await runSweep({ file, out: sharded, shard: { index: 0, count: 2 }, parallel: 1 });
    expect(first.ran).toEqual(['v0--lcf-harvester--seed-0003', 'v1--lcf-harvester--seed-0003']);
    // Half the cells: the merge names the missing ones and writes nothing.
    await expect(mergeSweep(sharded)).rejects.toThrow(
      `${join(sharded, 'cells')}: expected a result for each of the 4 cells of sweep.json; 2 missing: ` +
        'v0--grid-only--seed-0003, v1--grid-only--seed-0003 (run the sweep again with --resume)',
    );
    expect(existsSync(join(sharded, 'merged'))).toBe(false);
    const second = await runSweep({ file, out: sharded, shard: { index: 1, count: 2 }, parallel: 1 });
    expect(second.ran).toEqual(['v0--grid-only--seed-0003', 'v1--grid-only--seed-0003']);
    const index = await mergeSweep(whole);
    await mergeSweep(sharded);
    expect(mergedTree(join(sharded, 'merged'))).toEqual(mergedTree(join(whole, 'merged')));
    expect(index.variants.map((v) => [v.id, v.values['platform.hpc[0].nodes'], v.comparison])).toEqual([
      ['v0', 2, 'v0/comparison.json'],
      ['v1', 4, 'v1/comparison.json'],
    ]);
    expect(index.variants[1].policies.map((p) => [p.policy, p.metrics.makespan.n])).toEqual([
      ['lcf-harvester', 1],
      ['grid-only', 1],
    ]);

    // A cell is the run the scenario gives with the same fields (v1 keeps Polaris's 4 nodes).
    const cell = JSON.parse(
      readFileSync(cellFile(whole, 'v1--lcf-harvester--seed-0003'), 'utf8'),
    ) as RunSummary;
    const scenario = loadScenario(resolveScenario('ml-detector-sim-small'));
    const direct = runWorld({
      scenario: { ...scenario, horizon: 86400 },
      policy: policyByName('lcf-harvester'),
      seed: 3,
    });
    expect(cell).toEqual(JSON.parse(JSON.stringify(direct)));

    // Resume: nothing to run; then only the cell removed and the one cut short.
    const mtimes = all.manifest.cells.map((c) => statSync(cellFile(whole, c.id)).mtimeMs);
    const again = await runSweep({ file, out: whole, resume: true });
    expect(again.ran).toEqual([]);
    expect(again.skipped).toHaveLength(4);
    expect(all.manifest.cells.map((c) => statSync(cellFile(whole, c.id)).mtimeMs)).toEqual(mtimes);
    rmSync(cellFile(whole, 'v0--grid-only--seed-0003'));
    writeFileSync(cellFile(whole, 'v1--lcf-harvester--seed-0003'), '{"version": 1, "scen');
    const redo = await runSweep({ file, out: whole, resume: true, parallel: 1 });
    expect(redo.ran).toEqual(['v0--grid-only--seed-0003', 'v1--lcf-harvester--seed-0003']);
    expect(redo.skipped).toEqual(['v0--lcf-harvester--seed-0003', 'v1--grid-only--seed-0003']);

    // Another sweep into the same directory is refused before anything runs.
    const other = sweepFile(RUN.replace('[2, 4]', '[2, 3]'));
    await expect(runSweep({ file: other, out: whole, resume: true })).rejects.toThrow(
      `${join(whole, 'sweep.json')}: expected this sweep's manifest: the directory holds another sweep`,
    );
  });
});
