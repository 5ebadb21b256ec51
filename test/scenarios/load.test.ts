// The scenario loader: a valid file becomes a Scenario with units parsed and defaults applied; every kind of
// mistake is reported with the file, the field path and what was expected, all of them at once.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadScenario, parseScenario, ScenarioError } from '../../scenarios/load.ts';
import type { ScenarioProblem } from '../../scenarios/scenario-error.ts';
import { SCENARIO_DEFAULTS } from '../../scenarios/schema.ts';

const FILE = 'scenarios/x.yaml';

type Tree = Record<string, unknown>;

/** A small valid scenario, inline platform and shares; each test breaks a copy of it. */
function base(): Tree {
  return {
    name: 'tiny',
    horizon: '2d',
    sources: { est: '[E] an estimate for the tests' },
    platform: {
      network: {
        regions: [
          { name: 'eu', backbone: '100Gb/s', latency: '5ms' },
          { name: 'us', backbone: '100Gb/s', latency: '10ms' },
        ],
        links: [{ a: 'eu', b: 'us', bandwidth: '10Gb/s', latency: '40ms' }],
      },
      gridSites: [
        { name: 'SITE-A', region: 'eu', nucleus: true, slots: 10, source: 'est' },
        { name: 'SITE-B', region: 'us', slots: 20, hs06PerCore: 12, queueWait: '10min' },
      ],
      hpc: [
        {
          name: 'POLARIS',
          region: 'us',
          machine: 'polaris',
          nodes: 2,
          batchQueue: 'preemptable',
        },
      ],
      funcx: [{ name: 'EP', region: 'us', hpc: 'POLARIS', batchQueue: 'preemptable' }],
      local: [{ name: 'LAB', region: 'us', cores: 16, gpus: 2, gpuSpeed: 0.625 }],
    },
    shares: [
      { name: 'Production', value: 80 },
      { name: 'Sim', value: 50, parent: 'Production' },
      { name: 'Gen', value: 50, parent: 'Production' },
      { name: 'Analysis', value: 20, prodsourcelabel: 'user' },
    ],
    background: [
      {
        gshare: 'Gen',
        taskRate: '12/d',
        jobsPerTask: 'lognormal(mean=20, cv=1)',
        cpuPerJob: '3.6e5',
        walltime: '12h',
      },
      {
        gshare: 'Analysis',
        prodSourceLabel: 'user',
        taskRate: '2/h',
        jobsPerTask: '5',
        cpuPerJob: '1e4',
        coreCount: 1,
        walltime: '2h',
        users: 10,
      },
    ],
    workflows: [
      {
        name: 'w',
        user: 'Some One',
        tasks: [
          {
            name: 'gen',
            gshare: 'Sim',
            nJobs: 4,
            cpuPerJob: '1e5',
            walltime: '6h',
            outputBytesPerJob: '300MB',
          },
          {
            name: 'train',
            kind: 'gpu',
            after: ['gen'],
            gshare: 'Sim',
            nJobs: 2,
            gpuPerJob: '5h',
            walltime: '8h',
            checkpointEvery: '30min',
          },
        ],
      },
    ],
  };
}

const text = (tree: Tree) => stringify(tree);

function problemsOf(source: string, file = FILE): ScenarioProblem[] {
  try {
    parseScenario(source, file);
  } catch (error) {
    if (error instanceof ScenarioError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ScenarioError');
}

function messageOf(source: string, file = FILE): string {
  try {
    parseScenario(source, file);
  } catch (error) {
    if (error instanceof ScenarioError) return error.message;
    throw error;
  }
  throw new Error('expected a ScenarioError');
}

/** Stands for a field taken out. */
const DELETE = Symbol('delete');

/** Sets (or deletes) the value at a field path such as `workflows[0].tasks[1].walltime`. */
function setIn(tree: unknown, path: string, value: unknown): void {
  const keys = path.match(/[^.[\]]+/g) ?? [];
  let node = tree as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = keys[keys.length - 1];
  if (value === DELETE) delete node[last];
  else node[last] = value;
}

/** The base scenario with some fields changed, as YAML. */
function broken(...edits: [path: string, value: unknown][]): string {
  const tree = base();
  for (const [path, value] of edits) setIn(tree, path, value);
  return text(tree);
}

describe('parseScenario: a valid file', () => {
  const s = parseScenario(text(base()), FILE);

  it('parses units into seconds, bytes and bytes/s', () => {
    expect(s.horizon).toBe(2 * 86_400);
    expect(s.platform.network.regions[0]).toEqual({ name: 'eu', backbone: 12.5e9, latency: 0.005 });
    expect(s.platform.network.links[0]).toEqual({ a: 'eu', b: 'us', bandwidth: 1.25e9, latency: 0.04 });
    expect(s.background[0].taskRate).toBeCloseTo(12 / 86_400, 15);
    expect(s.background[1].taskRate).toBeCloseTo(2 / 3600, 15);
    expect(s.background[0].jobsPerTask.mean).toBe(20);
    expect(s.platform.gridSites[1].queueWait.mean).toBe(600);
    const [gen, train] = s.workflows[0].tasks;
    expect(gen.cpuPerJob?.mean).toBe(1e5);
    expect(gen.outputBytesPerJob).toBe(3e8);
    expect(train.gpuPerJob?.mean).toBe(18_000);
    expect(train.checkpointEvery).toBe(1800);
  });

  it('applies the documented defaults', () => {
    const [a] = s.platform.gridSites;
    expect(a.coresPerSlot).toBe(8);
    expect(a.memoryPerCoreMB).toBe(2000);
    expect(a.hs06PerCore).toBe(10);
    expect(a.queueWait.toString()).toBe('lognormal(median=15min, sigma=1.2)');
    expect(a.payloadFailureProbability).toBe(0.08);
    expect(a.workerLossProbability).toBe(0.01);
    expect(a.maxWalltime).toBe(48 * 3600);
    expect(a.batchSystem).toBe('htcondor');
    expect(a.uplink).toBe(1.25e9);
    expect(s.platform.gridSites[1].nucleus).toBe(false);
    expect(s.platform.hpc[0]).toMatchObject({ jobsPerWorker: 1, allocationNodeHours: Infinity });
    expect(s.platform.funcx[0]).toMatchObject({ nodesPerBlock: 1, maxBlocks: 1, workersPerNode: 4 });
    expect(s.platform.cloud).toEqual([]);
    expect(s.seeds).toEqual(SCENARIO_DEFAULTS.seeds);
    expect(s.policies).toEqual(['panda-brokerage']);
    expect(s.description).toBe('');
    const [gen, train] = s.workflows[0].tasks;
    expect(gen).toMatchObject({ kind: 'cpu', after: [], stream: false, prodSourceLabel: 'managed' });
    expect(gen).toMatchObject({ priority: 500, coreCount: 8, gpusPerJob: 0, ramMB: 16_000 });
    expect(gen).toMatchObject({ inputBytesPerJob: 0 });
    expect(train).toMatchObject({ gpusPerJob: 1, after: ['gen'] });
    expect(s.workflows[0].submitAt).toBe(0);
    expect(s.background[1]).toMatchObject({ priority: 1000, coreCount: 1, ramMB: 2000, users: 10 });
    expect(s.background[0]).toMatchObject({ prodSourceLabel: 'managed', users: 1, outputBytesPerJob: 0 });
  });

  it('keeps the shares rows, the sources and the file name', () => {
    expect(s.shares.map((r) => r.name)).toEqual(['Production', 'Sim', 'Gen', 'Analysis']);
    expect(s.sources).toEqual({ est: '[E] an estimate for the tests' });
    expect(s.file).toBe(FILE);
  });
});

describe('parseScenario: each mistake names the file, the field path and what was expected', () => {
  const cases: [string, string, string, string][] = [
    [
      'a bad unit',
      broken(['workflows[0].tasks[1].walltime', 'eight']),
      'workflows[0].tasks[1].walltime',
      `${FILE}: workflows[0].tasks[1].walltime: expected a duration like '8h' (`,
    ],
    [
      'a unit of the wrong kind',
      broken(['platform.network.regions[1].backbone', '10GB']),
      'platform.network.regions[1].backbone',
      'expected a rate like \'10Gb/s\' (unknown unit "GB"',
    ],
    [
      'a bad distribution',
      broken(['background[0].jobsPerTask', 'lognormal(median=20)']),
      'background[0].jobsPerTask',
      'missing parameter sigma',
    ],
    [
      'an unknown key',
      broken(['workflows[0].tasks[1].gpuPerJobs', '5h']),
      'workflows[0].tasks[1].gpuPerJobs',
      'expected no field "gpuPerJobs" here (did you mean "gpuPerJob"?), got "5h"',
    ],
    [
      'an unknown region',
      broken(['platform.gridSites[1].region', 'asia']),
      'platform.gridSites[1].region',
      'expected a region of network.regions ("eu", "us"), got "asia"',
    ],
    [
      'a link to an unknown region',
      broken(['platform.network.links[0].b', 'mars']),
      'platform.network.links[0].b',
      'got "mars"',
    ],
    [
      'an unknown after',
      broken(['workflows[0].tasks[1].after', ['generate']]),
      'workflows[0].tasks[1].after[0]',
      'expected the name of another task of this workflow ("gen"), got "generate"',
    ],
    [
      'a cycle',
      broken(['workflows[0].tasks[0].after', ['train']]),
      'workflows[0].tasks[1].after[0]',
      'cycle: gen → train → gen',
    ],
    [
      'a missing source key',
      broken(['platform.gridSites[1].source', 'nowhere']),
      'platform.gridSites[1].source',
      'expected a key of sources (est), got "nowhere"',
    ],
    [
      'a gshare that is not a leaf',
      broken(['background[0].gshare', 'Production']),
      'background[0].gshare',
      'expected a leaf share (work is tagged with leaves only): "Sim", "Gen", "Analysis", got "Production"',
    ],
    [
      'two background loads of one share',
      broken(['background[1].gshare', 'Gen']),
      'background[1].gshare',
      'expected one background load per share (this one is given twice), got "Gen"',
    ],
    [
      'a gshare not in the tree',
      broken(['workflows[0].tasks[0].gshare', 'Nope']),
      'workflows[0].tasks[0].gshare',
      'expected a share of the tree',
    ],
    [
      'a gpu task without gpuPerJob',
      broken(['workflows[0].tasks[1].gpuPerJob', DELETE]),
      'workflows[0].tasks[1].gpuPerJob',
      "expected a distribution of A100-seconds like '5h' (a gpu task needs gpuPerJob), got nothing",
    ],
    [
      'a cpu task without cpuPerJob',
      broken(['workflows[0].tasks[0].cpuPerJob', DELETE]),
      'workflows[0].tasks[0].cpuPerJob',
      'a cpu task needs cpuPerJob',
    ],
    [
      'a cpu task with GPU work',
      broken(['workflows[0].tasks[0].gpuPerJob', '1h']),
      'workflows[0].tasks[0].gpuPerJob',
      'no gpuPerJob on a cpu task',
    ],
    [
      'a funcX endpoint on an unknown hpc',
      broken(['platform.funcx[0].hpc', 'THETA']),
      'platform.funcx[0].hpc',
      'expected the name of an hpc entry ("POLARIS"), got "THETA"',
    ],
    [
      'a queue the machine does not have',
      broken(['platform.hpc[0].batchQueue', 'regular']),
      'platform.hpc[0].batchQueue',
      'expected a queue of polaris',
    ],
    [
      'two resources with one name',
      broken(['platform.local[0].name', 'SITE-A']),
      'platform.local[0].name',
      'expected a resource name not already used by gridSites[0], got "SITE-A"',
    ],
    [
      'two tasks with one name',
      broken(['workflows[0].tasks[1].name', 'gen']),
      'workflows[0].tasks[1].name',
      'expected a task name not already used by workflows[0].tasks[0]',
    ],
    [
      'a missing required field',
      broken(['horizon', DELETE]),
      'horizon',
      "horizon: expected a duration like '8h', got nothing",
    ],
    [
      'a checkpoint interval longer than the walltime',
      broken(['workflows[0].tasks[1].checkpointEvery', '9h']),
      'workflows[0].tasks[1].checkpointEvery',
      'expected at most the walltime (8h)',
    ],
    [
      'a zero duration',
      broken(['horizon', '0s']),
      'horizon',
      'expected a duration like \'8h\' (it must be > 0), got "0s"',
    ],
    [
      'a bad share regular expression',
      broken(['shares[3].prodsourcelabel', 'user(']),
      'shares[3].prodsourcelabel',
      'expected a regular expression',
    ],
    [
      'grid sites without a nucleus',
      broken(['platform.gridSites[0].nucleus', false]),
      'platform.gridSites',
      'at least one site with nucleus: true',
    ],
  ];

  it.each(cases)('%s', (_, source, path, expected) => {
    const problems = problemsOf(source);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: FILE, path });
    expect(messageOf(source)).toContain(`${FILE}: ${path}: expected`);
    expect(messageOf(source)).toContain(expected);
  });

  it('names the line and column of a YAML syntax error', () => {
    const source = 'name: tiny\nhorizon: [2d\nplatform: x\n';
    expect(problemsOf(source)).toEqual([
      {
        file: FILE,
        path: '',
        expected:
          'valid YAML (Flow sequence in block collection must be sufficiently indented and end with a ])',
        got: null,
        line: 3,
        column: 1,
      },
    ]);
    expect(messageOf(source)).toMatch(/^scenarios\/x\.yaml:3:1: expected valid YAML \(Flow sequence/);
    expect(problemsOf('name: a\nname: b\n')[0]).toMatchObject({ line: 2, column: 1 });
  });

  it('reports every problem at once, schema and reference problems alike', () => {
    const source = broken(
      ['horizon', 'eight'],
      ['workflows[0].tasks[1].gpuPerJobs', '5h'],
      ['platform.gridSites[1].region', 'asia'],
      ['platform.gridSites[1].slots', 0],
      ['workflows[0].tasks[0].after', ['train']],
      ['background[0].gshare', 'Production'],
      ['platform.funcx[0].hpc', 'THETA'],
    );
    const paths = problemsOf(source).map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'horizon',
        'workflows[0].tasks[1].gpuPerJobs',
        'platform.gridSites[1].region',
        'platform.gridSites[1].slots',
        'workflows[0].tasks[1].after[0]',
        'background[0].gshare',
        'platform.funcx[0].hpc',
      ]),
    );
    expect(paths).toHaveLength(7);
    expect(messageOf(source)).toMatch(/^7 problems:\n {2}scenarios\/x\.yaml: /);
  });
});

describe('loadScenario', () => {
  it('reports a file it cannot read', () => {
    expect(() => loadScenario('no/such.yaml')).toThrow(
      /^no\/such\.yaml: expected a scenario file that can be read \(ENOENT/,
    );
  });

  it('keeps the path of a file that is not built in', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pandasim-scenario-'));
    const file = join(dir, 'mine.yaml');
    writeFileSync(file, text(base()));
    expect(loadScenario(file).file).toBe(file);
  });
});

describe('parseScenario: catalog and shares files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pandasim-scenario-'));
  const { platform, shares } = base() as { platform: Tree; shares: unknown[] };
  writeFileSync(join(dir, 'catalog.yaml'), text({ sources: { cat: '[E] the catalog' }, ...platform }));
  writeFileSync(join(dir, 'shares.yaml'), text({ source: 'cat', rows: shares }));
  const withFiles = (...edits: [string, unknown][]) =>
    broken(['platform', 'catalog.yaml'], ['shares', 'shares.yaml'], ...edits);
  const scenarioFile = join(dir, 'scenario.yaml');

  it('reads them relative to the scenario file and merges their sources', () => {
    const s = parseScenario(withFiles(), scenarioFile);
    expect(s.platform.gridSites.map((g) => g.name)).toEqual(['SITE-A', 'SITE-B']);
    expect(s.shares).toHaveLength(4);
    expect(s.sources).toEqual({ est: '[E] an estimate for the tests', cat: '[E] the catalog' });
  });

  it('names the included file in its problems, with paths inside it', () => {
    writeFileSync(
      join(dir, 'bad-catalog.yaml'),
      text({
        sources: { cat: '[E] the catalog' },
        ...platform,
        gridSites: [{ name: 'S', region: 'mars', slots: 'many', nucleus: true }],
      }),
    );
    const problems = problemsOf(withFiles(['platform', 'bad-catalog.yaml']), scenarioFile);
    expect(problems.map((p) => [p.file, p.path])).toEqual([
      [join(dir, 'bad-catalog.yaml'), 'gridSites[0].slots'],
      [join(dir, 'bad-catalog.yaml'), 'gridSites[0].region'],
    ]);
  });

  it('reports a missing file at the field naming it', () => {
    const problems = problemsOf(withFiles(['shares', 'none.yaml']), scenarioFile);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: scenarioFile, path: 'shares', got: '"none.yaml"' });
    expect(problems[0].expected).toMatch(/^a shares file that can be read \(ENOENT/);
  });

  it('reports a citation key defined twice with different texts', () => {
    const sources = { est: '[E] an estimate for the tests', cat: 'something else' };
    const problems = problemsOf(withFiles(['sources', sources]), scenarioFile);
    expect(problems).toEqual([
      {
        file: join(dir, 'catalog.yaml'),
        path: 'sources.cat',
        expected: `the same reference as ${scenarioFile} gives`,
        got: '"[E] the catalog"',
      },
    ]);
  });

  it('reports a YAML error in an included file with its line', () => {
    writeFileSync(join(dir, 'broken.yaml'), 'network:\n  regions: [\n');
    const problems = problemsOf(withFiles(['platform', 'broken.yaml']), scenarioFile);
    expect(problems[0]).toMatchObject({ file: join(dir, 'broken.yaml'), path: '' });
    expect(problems[0].line).toBeGreaterThanOrEqual(2);
  });
});
