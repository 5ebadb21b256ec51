/**
 * A scenario's `workflows:` entries may name workflow files (what `pandasim import wfformat` writes), relative
 * to the scenario, next to workflows written inline: both load the same way, and a problem in a workflow file
 * names that file and the field inside it.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadScenario, ScenarioError } from '../../../scenarios/load.ts';
import { formatProblem } from '../../../scenarios/scenario-error.ts';

const inline = {
  name: 'inline',
  user: 'Some One',
  tasks: [{ name: 'gen', gshare: 'Sim', nJobs: 2, cpuPerJob: '1e5', walltime: '6h' }],
};

const imported = {
  description: 'as pandasim import wfformat writes it',
  sources: { trace: '[S] a measured trace' },
  name: 'from-file',
  user: 'Another One',
  tasks: [
    { name: 'a', gshare: 'Sim', nJobs: 1, cpuPerJob: 305, walltime: '10min', source: 'trace' },
    { name: 'b', after: ['a'], gshare: 'Sim', nJobs: 1, cpuPerJob: 60_000, walltime: '50min' },
  ],
};

/** A scenario file in a fresh directory naming `workflows`, with the workflow files given written beside it. */
function scenarioWith(workflows: unknown[], files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pandasim-wf-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), stringify(content));
  }
  const scenario = {
    name: 'wf',
    horizon: '1d',
    platform: {
      network: { regions: [{ name: 'eu', backbone: '100Gb/s', latency: '5ms' }] },
      gridSites: [{ name: 'SITE-A', region: 'eu', nucleus: true, slots: 10 }],
    },
    shares: [
      { name: 'Production', value: 100 },
      { name: 'Sim', value: 100, parent: 'Production' },
    ],
    workflows,
  };
  const file = join(dir, 'scenario.yaml');
  writeFileSync(file, stringify(scenario));
  return file;
}

/** Each problem as `file: path: expected ..., got ...`, the file by its base name. */
function problemsOf(file: string): string[] {
  try {
    loadScenario(file);
  } catch (error) {
    if (error instanceof ScenarioError) {
      return error.problems.map((p) => formatProblem({ ...p, file: basename(p.file) }));
    }
    throw error;
  }
  throw new Error('expected a ScenarioError');
}

describe('workflows named by file', () => {
  it("load next to inline ones, in order, with the file's sources", () => {
    const s = loadScenario(scenarioWith(['sub/wf.yaml', inline], { 'sub/wf.yaml': imported }));
    expect(s.workflows.map((w) => [w.name, w.user, w.tasks.map((t) => t.name)])).toEqual([
      ['from-file', 'Another One', ['a', 'b']],
      ['inline', 'Some One', ['gen']],
    ]);
    expect(s.workflows[0].tasks[1].after).toEqual(['a']);
    expect(s.workflows[0].tasks[0].cpuPerJob?.mean).toBe(305);
    expect(s.sources.trace).toBe('[S] a measured trace');
  });

  it("report a workflow file's problems in that file, and the scenario's at their entries", () => {
    const bad = { ...imported, tasks: [{ ...imported.tasks[0], walltime: 'soon', source: 'nowhere' }] };
    const file = scenarioWith(['wf.yaml', 'missing.yaml', 42, { ...inline, name: 'from-file' }], {
      'wf.yaml': bad,
    });
    const wf = join(dirname(file), 'wf.yaml');
    const problems = problemsOf(file);
    expect(problems).toHaveLength(5);
    expect(problems[0]).toBe(
      'scenario.yaml: workflows[2]: expected a workflow file like workflows/x.yaml, or the workflow itself (name, user, tasks), got 42',
    );
    expect(problems[1]).toMatch(
      /^wf\.yaml: tasks\[0\]\.walltime: expected a duration like '8h' \(.*\), got "soon"$/,
    );
    expect(problems[2]).toMatch(
      /^scenario\.yaml: workflows\[1\]: expected a workflow file that can be read \(ENOENT/,
    );
    expect(problems[3]).toBe('wf.yaml: tasks[0].source: expected a key of sources (trace), got "nowhere"');
    expect(problems[4]).toBe(
      `scenario.yaml: workflows[3].name: expected a workflow name not already used by ${wf}, got "from-file"`,
    );
  });
});
