/**
 * WfCommons WfFormat workflow instances (wfcommons/WfFormat `wfcommons-schema.json`) → one workflow of the
 * scenario format (scenarios/schema.ts `WorkflowFileSchema`), which the simulator replays: each WfFormat task is
 * a task of one job, after its parents, with CPU work from its measured runtime and its files' bytes.
 *
 * Two layouts: 1.5 and 1.6 split `workflow.specification` (tasks with `parents`/`children` task ids and
 * `inputFiles`/`outputFiles` file ids; `files` with `sizeInBytes`) from `workflow.execution` (tasks with
 * `runtimeInSeconds`, `coreCount`, `memoryInBytes`); 1.6 only adds optional metrics. 1.4 keeps one
 * `workflow.tasks` list whose tasks carry `parents`, `files` with `link: input|output`, `runtimeInSeconds`
 * and `cores`. Older instances convert with WfFormat's `wfcommons-migrate-instance.py`.
 *
 * WfFormat says nothing of GPUs: the tasks that ran on GPUs are named by an option.
 */
import { z } from 'zod';
import { quantityToString } from '../../sim/units.ts';
import type { WorkflowFileSchema, WorkflowTaskSchema } from '../schema.ts';
import { ImportProblems, type PathSegments } from './input-problems.ts';

export type WorkflowFileInput = z.input<typeof WorkflowFileSchema>;
type WorkflowTaskInput = z.input<typeof WorkflowTaskSchema>;

export interface WfFormatOptions {
  /** HS06 per core of the machines the trace ran on: a task's CPU work is runtime × cores × this. */
  corepower: number;
  /** The global share (a leaf) the tasks are tagged with. */
  gshare: string;
  /** Walltime asked = runtime × this (at least 10 min), leaving room for slower cores. */
  walltimeFactor: number;
  /** Tasks that ran on GPUs (id, name or category matching): their runtime is GPU time on one A100. */
  gpuTasks?: RegExp;
  /** Workflow name and owner; default the instance's name and author. */
  name?: string;
  user?: string;
}

export const WFFORMAT_DEFAULTS = {
  // The grid model's reference core (scenarios/schema.ts SCENARIO_DEFAULTS.grid.hs06PerCore) [E].
  corepower: 10,
  // A leaf of scenarios/shares/atlas.yaml, the share of the built-in workflows' simulation.
  gshare: 'MC Simulation Full',
  // [E] twice the measured runtime: a core at 5 HS06 instead of 10 still finishes.
  walltimeFactor: 2,
} as const;

/** [E] the shortest walltime asked for: pilots and batch systems do not take much shorter limits. */
const MIN_WALLTIME = 600;

const id = () => z.string().min(1);
const bytes = () => z.number().int().nonnegative();

const SpecTaskSchema = z.looseObject({
  name: z.string().min(1),
  id: id(),
  parents: z.array(z.string()),
  children: z.array(z.string()),
  inputFiles: z.array(id()).optional(),
  outputFiles: z.array(id()).optional(),
  category: z.string().optional(),
});

const ExecTaskSchema = z.looseObject({
  id: id(),
  runtimeInSeconds: z.number().nonnegative(),
  coreCount: z.number().min(1).optional(),
  memoryInBytes: z.number().nonnegative().optional(),
});

const SplitSchema = z.looseObject({
  name: z.string().min(1),
  schemaVersion: z.enum(['1.5', '1.6']),
  author: z.looseObject({ name: z.string().min(1) }).optional(),
  workflow: z.looseObject({
    specification: z.looseObject({
      tasks: z.array(SpecTaskSchema).min(1),
      files: z.array(z.looseObject({ id: id(), sizeInBytes: bytes() })).optional(),
    }),
    execution: z.looseObject({ tasks: z.array(ExecTaskSchema).min(1) }).optional(),
  }),
});

const FlatSchema = z.looseObject({
  name: z.string().min(1),
  schemaVersion: z.literal('1.4'),
  author: z.looseObject({ name: z.string().min(1) }).optional(),
  workflow: z.looseObject({
    tasks: z
      .array(
        z.looseObject({
          name: z.string().min(1),
          id: id().optional(),
          category: z.string().optional(),
          parents: z.array(z.string()).optional(),
          files: z
            .array(
              z.looseObject({
                name: z.string().min(1),
                sizeInBytes: bytes(),
                link: z.enum(['input', 'output']),
              }),
            )
            .optional(),
          runtimeInSeconds: z.number().nonnegative(),
          cores: z.number().min(1).optional(),
          memoryInBytes: z.number().nonnegative().optional(),
        }),
      )
      .min(1),
  }),
});

/** A task in one shape for both layouts; `path` is where the file gives its dependencies. */
interface Task {
  readonly key: string;
  readonly name: string;
  readonly category?: string;
  readonly path: PathSegments;
  readonly parents: readonly string[];
  readonly children: readonly string[];
  readonly inputBytes: number;
  readonly outputBytes: number;
  readonly runtime: number;
  readonly cores?: number;
  readonly memoryBytes?: number;
}

interface Instance {
  readonly name: string;
  readonly version: string;
  readonly author?: string;
  readonly tasks: readonly Task[];
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

function readSplit(raw: unknown, problems: ImportProblems): Instance | undefined {
  const doc = problems.validate(SplitSchema, raw, []);
  if (doc === undefined) return undefined;
  const { specification, execution } = doc.workflow;
  if (execution === undefined) {
    problems.add(
      ['workflow', 'execution'],
      "the tasks' runtimes (an instance without its execution cannot be replayed)",
    );
    return undefined;
  }
  const sizes = new Map((specification.files ?? []).map((f) => [f.id, f.sizeInBytes]));
  const runs = new Map(execution.tasks.map((t) => [t.id, t]));
  const sizeOf = (ids: readonly string[] | undefined, at: PathSegments) =>
    sum(
      (ids ?? []).map((file, k) => {
        const size = sizes.get(file);
        if (size === undefined)
          problems.add([...at, k], 'the id of a file of workflow.specification.files', file);
        return size ?? 0;
      }),
    );
  const tasks = specification.tasks.map((t, i): Task => {
    const path = ['workflow', 'specification', 'tasks', i];
    const run = runs.get(t.id);
    if (run === undefined)
      problems.add(['workflow', 'execution', 'tasks'], `an entry with the runtime of task ${t.id}`);
    return {
      key: t.id,
      name: t.name,
      category: t.category,
      path,
      parents: t.parents,
      children: t.children,
      inputBytes: sizeOf(t.inputFiles, [...path, 'inputFiles']),
      outputBytes: sizeOf(t.outputFiles, [...path, 'outputFiles']),
      runtime: run?.runtimeInSeconds ?? 0,
      cores: run?.coreCount,
      memoryBytes: run?.memoryInBytes,
    };
  });
  return { name: doc.name, version: doc.schemaVersion, author: doc.author?.name, tasks };
}

function readFlat(raw: unknown, problems: ImportProblems): Instance | undefined {
  const doc = problems.validate(FlatSchema, raw, []);
  if (doc === undefined) return undefined;
  // 1.4 parents name task ids, which many instances leave out: a task without an id goes by its name.
  const tasks = doc.workflow.tasks.map((t, i): Task => {
    const files = t.files ?? [];
    const size = (link: 'input' | 'output') =>
      sum(files.filter((f) => f.link === link).map((f) => f.sizeInBytes));
    return {
      key: t.id ?? t.name,
      name: t.name,
      category: t.category,
      path: ['workflow', 'tasks', i],
      parents: t.parents ?? [],
      children: [],
      inputBytes: size('input'),
      outputBytes: size('output'),
      runtime: t.runtimeInSeconds,
      cores: t.cores,
      memoryBytes: t.memoryInBytes,
    };
  });
  return { name: doc.name, version: doc.schemaVersion, author: doc.author?.name, tasks };
}

/**
 * Each task's parents, from `parents` and the other tasks' `children` (WfFormat gives both; an edge in either
 * is a dependency). Unknown ids and repeated task ids are problems.
 */
function dependencies(tasks: readonly Task[], problems: ImportProblems): Map<string, Set<string>> {
  const keys = new Set<string>();
  for (const t of tasks) {
    if (keys.has(t.key)) problems.add([...t.path, 'id'], 'a task id not used by another task', t.key);
    keys.add(t.key);
  }
  const parents = new Map(tasks.map((t) => [t.key, new Set<string>()]));
  for (const t of tasks) {
    t.parents.forEach((p, k) => {
      if (keys.has(p) && p !== t.key) parents.get(t.key)!.add(p);
      else problems.add([...t.path, 'parents', k], `the id of another task of the workflow`, p);
    });
    t.children.forEach((c, k) => {
      if (keys.has(c) && c !== t.key) parents.get(c)!.add(t.key);
      else problems.add([...t.path, 'children', k], `the id of another task of the workflow`, c);
    });
  }
  return parents;
}

/** A dependency cycle as task ids (first = last), or null. */
function findCycle(parents: ReadonlyMap<string, ReadonlySet<string>>): string[] | null {
  const state = new Map<string, 1 | 2>(); // 1 on the path, 2 done
  const path: string[] = [];
  const visit = (key: string): string[] | null => {
    state.set(key, 1);
    path.push(key);
    for (const p of parents.get(key) ?? []) {
      if (state.get(p) === 1) return [...path.slice(path.indexOf(p)), p];
      if (state.get(p) === undefined) {
        const found = visit(p);
        if (found !== null) return found;
      }
    }
    path.pop();
    state.set(key, 2);
    return null;
  };
  for (const key of parents.keys()) {
    if (state.get(key) !== undefined) continue;
    const found = visit(key);
    if (found !== null) return found;
  }
  return null;
}

/** Whether the task ran on GPUs, as the --gpu-tasks pattern says of its id, name or category. */
const isGpu = (t: Task, options: WfFormatOptions): boolean =>
  options.gpuTasks !== undefined && [t.key, t.name, t.category ?? ''].some((s) => options.gpuTasks!.test(s));

/** Bytes in the largest decimal unit that writes them exactly in a few digits: 1.5e6 → '1.5MB'. */
function sizeText(bytes: number): string {
  for (const [unit, factor] of [
    ['TB', 1e12],
    ['GB', 1e9],
    ['MB', 1e6],
    ['kB', 1e3],
  ] as const) {
    const value = Number((bytes / factor).toFixed(3));
    if (value >= 1 && value * factor === bytes) return `${value}${unit}`;
  }
  return `${bytes}B`;
}

function toTask(t: Task, after: readonly string[], options: WfFormatOptions): WorkflowTaskInput {
  const cores = Math.ceil(t.cores ?? 1);
  // A task measured at under a second still does some work; the schema wants it positive.
  const runtime = Math.max(t.runtime, 1);
  const gpu = isGpu(t, options);
  const task: WorkflowTaskInput = {
    name: t.key,
    ...(after.length > 0 ? { after: [...after] } : {}),
    ...(gpu ? { kind: 'gpu' as const } : {}),
    gshare: options.gshare,
    nJobs: 1,
    ...(gpu
      ? { gpuPerJob: quantityToString(runtime, 'duration') }
      : { cpuPerJob: runtime * cores * options.corepower }),
    coreCount: cores,
    walltime: quantityToString(
      Math.ceil(Math.max(runtime * options.walltimeFactor, MIN_WALLTIME)),
      'duration',
    ),
    source: 'wfformat',
  };
  if (t.memoryBytes) task.ramMB = Math.ceil(t.memoryBytes / 1e6);
  if (t.inputBytes > 0) task.inputBytesPerJob = sizeText(t.inputBytes);
  if (t.outputBytes > 0) task.outputBytesPerJob = sizeText(t.outputBytes);
  return task;
}

export interface WfFormatImport {
  readonly workflow: WorkflowFileInput;
  readonly notes: readonly string[];
}

/**
 * The workflow of a WfFormat instance (`json`, already parsed; `file` names it in errors and in the workflow's
 * source). Throws an `InputFileError` listing every problem found.
 */
export function importWfFormat(file: string, json: unknown, options: WfFormatOptions): WfFormatImport {
  const problems = new ImportProblems(file);
  const version =
    typeof json === 'object' && json !== null && 'schemaVersion' in json
      ? (json as { schemaVersion: unknown }).schemaVersion
      : undefined;
  if (!['1.4', '1.5', '1.6'].includes(String(version))) {
    problems.add(
      ['schemaVersion'],
      'a WfFormat schema version of 1.4, 1.5 or 1.6 (wfcommons-migrate-instance.py converts older ones)',
      version,
    );
    problems.check();
  }
  const instance = version === '1.4' ? readFlat(json, problems) : readSplit(json, problems);
  problems.check();
  const { tasks } = instance!;
  const parents = dependencies(tasks, problems);
  problems.check();
  const cycle = findCycle(parents);
  if (cycle !== null) {
    const at = tasks.find((t) => t.key === cycle[0])!;
    const expected = `no dependency cycle (${[...cycle].reverse().join(' → ')}, each feeding the next)`;
    problems.add([...at.path, 'parents'], expected, at.parents);
    problems.check();
  }

  const notes = [
    `${tasks.length} tasks of WfFormat ${instance!.version} instance ${instance!.name}, one job each`,
    `CPU work = runtime × cores asked (rounded up) × ${options.corepower} HS06 per core; walltime = runtime × ${options.walltimeFactor}, at least ${MIN_WALLTIME / 60} min`,
    "a task with parents reads its input from them (the simulator moves a task input from its parents' storage); files of no task are read where the task runs",
  ];
  const count = (what: string, test: (t: Task) => boolean, then: string) => {
    const n = tasks.filter(test).length;
    if (n > 0) notes.push(`tasks ${what}: ${n}, ${then}`);
  };
  count('that ran under 1 s', (t) => t.runtime < 1, 'replayed as 1 s');
  count('without a core count', (t) => t.cores === undefined, 'given 1 core each');
  count('that ran on GPUs', (t) => isGpu(t, options), 'their runtime taken as A100 time, one GPU each');
  count(
    'asking for more than 48 h',
    (t) => t.runtime * options.walltimeFactor > 48 * 3600,
    "beyond the grid's default walltime limit",
  );

  const workflow: WorkflowFileInput = {
    description: `WfFormat ${instance!.version} instance ${instance!.name} (${file})`,
    sources: {
      wfformat: `[S] WfCommons WfFormat ${instance!.version} instance ${instance!.name} in ${file}, imported by pandasim import wfformat`,
    },
    name: options.name ?? instance!.name,
    user: options.user ?? instance!.author ?? 'wfcommons',
    tasks: tasks.map((t) => toTask(t, [...parents.get(t.key)!], options)),
  };
  return { workflow, notes };
}
