/**
 * `importWfFormat` on instances written from the WfFormat 1.4, 1.5 and 1.6 structures: tasks, dependencies,
 * work and bytes checked exactly; cycles, unknown parents and missing runtimes as clear errors.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importWfFormat, WFFORMAT_DEFAULTS } from '../../../scenarios/import/wfformat.ts';
import { WorkflowFileSchema } from '../../../scenarios/schema.ts';
import { problemsOf } from './import-problems.ts';

const json = (name: string): unknown =>
  JSON.parse(readFileSync(`test/fixtures/import/wfformat/${name}`, 'utf8'));
const options = { ...WFFORMAT_DEFAULTS };

describe('import wfformat 1.5 / 1.6 (specification and execution)', () => {
  const { workflow, notes } = importWfFormat('blast.json', json('blast-1.5.json'), options);

  it('makes one single-job task per WfFormat task, after its parents, with its work and bytes', () => {
    expect(workflow.name).toBe('blast-small');
    expect(workflow.user).toBe('Test Author');
    const common = { gshare: 'MC Simulation Full', nJobs: 1, source: 'wfformat' };
    expect(workflow.tasks).toEqual([
      {
        ...common,
        name: 'split_fasta_00000001',
        // 30.5 s × 1 core × 10 HS06
        cpuPerJob: 305,
        coreCount: 1,
        walltime: '10min',
        inputBytesPerJob: '4MB',
        outputBytesPerJob: '4MB',
      },
      {
        ...common,
        name: 'blastall_00000002',
        after: ['split_fasta_00000001'],
        cpuPerJob: 60_000,
        coreCount: 4,
        walltime: '50min',
        ramMB: 6000,
        inputBytesPerJob: '502MB',
        outputBytesPerJob: '1.5MB',
      },
      {
        ...common,
        name: 'blastall_00000003',
        after: ['split_fasta_00000001'],
        cpuPerJob: 68_010,
        coreCount: 4,
        walltime: '3401s',
        inputBytesPerJob: '502MB',
        outputBytesPerJob: '2.5MB',
      },
      {
        ...common,
        name: 'cat_blast_00000004',
        after: ['blastall_00000002', 'blastall_00000003'],
        // 0.4 s replayed as 1 s, no core count: 1 core
        cpuPerJob: 10,
        coreCount: 1,
        walltime: '10min',
        inputBytesPerJob: '4MB',
        outputBytesPerJob: '4MB',
      },
    ]);
    expect(WorkflowFileSchema.safeParse(workflow).success).toBe(true);
    expect(notes).toContain('tasks that ran under 1 s: 1, replayed as 1 s');
    expect(notes).toContain('tasks without a core count: 1, given 1 core each');
  });

  it('reads 1.6 (1.5 with optional metrics) the same way', () => {
    const v16 = importWfFormat('blast16.json', json('blast-1.6.json'), options).workflow;
    expect(v16.tasks).toEqual(workflow.tasks);
  });

  it('takes the options: corepower, share, walltime factor, names, and the GPU tasks', () => {
    const custom = importWfFormat('blast.json', json('blast-1.5.json'), {
      corepower: 12,
      gshare: 'Event Generation',
      walltimeFactor: 3,
      gpuTasks: /^blastall$/,
      name: 'my-blast',
      user: 'someone',
    }).workflow;
    expect([custom.name, custom.user]).toEqual(['my-blast', 'someone']);
    expect(custom.tasks[0]).toMatchObject({ cpuPerJob: 366, gshare: 'Event Generation', walltime: '10min' });
    expect(custom.tasks[1]).toMatchObject({ kind: 'gpu', gpuPerJob: '25min', walltime: '75min' });
    expect(custom.tasks[1]).not.toHaveProperty('cpuPerJob');
    expect(WorkflowFileSchema.safeParse(custom).success).toBe(true);
  });

  it('gives dependencies from children too, and refuses cycles and unknown ids', () => {
    const raw = json('blast-1.5.json') as {
      workflow: { specification: { tasks: { parents: string[]; children: string[] }[] } };
    };
    // Leave the last task's parents to the children lists of the blastall tasks.
    raw.workflow.specification.tasks[3].parents = [];
    const viaChildren = importWfFormat('blast.json', raw, options).workflow;
    expect(viaChildren.tasks[3].after).toEqual(['blastall_00000002', 'blastall_00000003']);

    expect(problemsOf(() => importWfFormat('cycle.json', json('cycle-1.5.json'), options))).toEqual([
      'cycle.json: workflow.specification.tasks[0].parents: got ["c"]; expected no dependency cycle (a → b → c → a, each feeding the next)',
    ]);
    raw.workflow.specification.tasks[1].parents = ['ghost'];
    raw.workflow.specification.tasks[2].children = ['nobody'];
    expect(problemsOf(() => importWfFormat('blast.json', raw, options))).toEqual([
      'blast.json: workflow.specification.tasks[1].parents[0]: got "ghost"; expected the id of another task of the workflow',
      'blast.json: workflow.specification.tasks[2].children[0]: got "nobody"; expected the id of another task of the workflow',
    ]);
  });

  it('names missing runtimes, unknown files and wrong versions', () => {
    const raw = json('blast-1.5.json') as {
      workflow: {
        specification: { tasks: { inputFiles: string[] }[] };
        execution?: { tasks: unknown[] };
      };
    };
    raw.workflow.specification.tasks[0].inputFiles = ['missing.fasta'];
    raw.workflow.execution!.tasks.pop();
    expect(problemsOf(() => importWfFormat('blast.json', raw, options))).toEqual([
      'blast.json: workflow.specification.tasks[0].inputFiles[0]: got "missing.fasta"; expected the id of a file of workflow.specification.files',
      'blast.json: workflow.execution.tasks: missing; expected an entry with the runtime of task cat_blast_00000004',
    ]);
    delete raw.workflow.execution;
    expect(problemsOf(() => importWfFormat('blast.json', raw, options))).toEqual([
      "blast.json: workflow.execution: missing; expected the tasks' runtimes (an instance without its execution cannot be replayed)",
    ]);
    expect(
      problemsOf(() => importWfFormat('old.json', { schemaVersion: '1.3', workflow: {} }, options)),
    ).toEqual([
      'old.json: schemaVersion: got "1.3"; expected a WfFormat schema version of 1.4, 1.5 or 1.6 (wfcommons-migrate-instance.py converts older ones)',
    ]);
  });
});

describe('import wfformat 1.4 (one task list, files with links)', () => {
  it('sums input and output files, rounds fractional cores up, and reads parents by name', () => {
    const { workflow } = importWfFormat('montage.json', json('montage-1.4.json'), options);
    expect(workflow.user).toBe('Another Author');
    expect(
      workflow.tasks.map((t) => [
        t.name,
        t.after ?? [],
        t.cpuPerJob,
        t.coreCount,
        t.inputBytesPerJob,
        t.outputBytesPerJob,
      ]),
    ).toEqual([
      ['mProject_1', [], 1200, 1, '4000.3kB', '8MB'],
      ['mProject_2', [], 1000, 1, '4MB', '8MB'],
      // 2.5 cores ask for 3; 250 s × 3 cores × 10 HS06, so that the replay lasts the measured 250 s
      ['mAdd', ['mProject_1', 'mProject_2'], 7500, 3, '16MB', '15MB'],
    ]);
    expect(WorkflowFileSchema.safeParse(workflow).success).toBe(true);
  });

  it('requires the runtimes', () => {
    const raw = json('montage-1.4.json') as { workflow: { tasks: Record<string, unknown>[] } };
    delete raw.workflow.tasks[2].runtimeInSeconds;
    expect(problemsOf(() => importWfFormat('m.json', raw, options))).toEqual([
      'm.json: workflow.tasks[2].runtimeInSeconds: missing; expected a number',
    ]);
  });
});
