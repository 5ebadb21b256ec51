/**
 * `pandasim import cric|harvester|wfformat FILE`: real inputs → the simulator's YAML. A CRIC dump of PanDA
 * queues becomes a catalog, a Harvester queue config the `harvester:` blocks of a catalog's resources, a
 * WfCommons WfFormat instance a workflow file a scenario names under `workflows:`. The output (--out, written
 * whole or not at all; stdout without it) starts with a comment naming the source and the importer's notes.
 */
import { readFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { parseDocument, stringify } from 'yaml';
import { readJsonFile } from '@pandasim/panda';
import { writeFileAtomic } from '../../reports/files.ts';
import { importCric } from '../../scenarios/import/cric.ts';
import { attachHarvester, importHarvester } from '../../scenarios/import/harvester.ts';
import { importWfFormat, WFFORMAT_DEFAULTS } from '../../scenarios/import/wfformat.ts';
import { InputError, loadInputFile } from '../errors.ts';

interface OutArgs {
  file: string;
  out?: string;
}

interface CricArgs extends OutArgs {
  'cores-per-site'?: number;
  harvester?: string;
}

interface HarvesterArgs extends OutArgs {
  catalog?: string;
}

interface WfFormatArgs extends OutArgs {
  corepower: number;
  gshare: string;
  'walltime-factor': number;
  'gpu-tasks'?: string;
  name?: string;
  user?: string;
}

/** `# ` comment lines: what was imported from where, then the notes. */
function header(command: string, file: string, notes: readonly string[]): string {
  const lines = [
    `Written by \`pandasim import ${command}\` from ${file}.`,
    'Notes:',
    ...notes.map((n) => `  - ${n}`),
  ];
  return lines.map((l) => `# ${l}`.trimEnd()).join('\n');
}

function emit(out: string | undefined, text: string, what: string): void {
  if (out === undefined) {
    process.stdout.write(text);
    return;
  }
  writeFileAtomic(out, text);
  console.error(`Wrote ${what} to ${out}.`);
}

function positive(value: number | undefined, option: string, integer = false): void {
  if (value === undefined) return;
  if (!(value > 0) || (integer && !Number.isInteger(value))) {
    throw new InputError(`${option}: expected a positive ${integer ? 'integer' : 'number'}, got ${value}`);
  }
}

const withFile = <T extends object>(y: Argv<T>, what: string) =>
  y
    .positional('file', { type: 'string', demandOption: true, describe: what })
    .option('out', { type: 'string', describe: 'the YAML file to write (default: stdout)' })
    .wrap(null);

const cricCommand: CommandModule<object, CricArgs> = {
  command: 'cric <file>',
  describe: 'A CRIC / schedconfig dump of PanDA queues (JSON) → a catalog of grid sites',
  builder: (y) =>
    withFile(y, "CRIC PanDA queues: one queue (the pilot's queuedata.json), a dump keyed by name, or a list")
      .option('cores-per-site', {
        type: 'number',
        describe: 'cores of a site whose queues publish no pledgedcpu (CRIC has no slot counts otherwise)',
      })
      .option('harvester', {
        type: 'string',
        describe: "a Harvester queue config (JSON): each queue's knobs go on its site",
      })
      .example(
        '$0 import cric queuedata.json --cores-per-site 2000 --out catalog.yaml',
        'one queue, 2,000 cores',
      )
      .example(
        '$0 import cric pandaqueues.json --harvester panda_queueconfig.json --out catalog.yaml',
        "a CRIC dump with the sites' Harvester knobs",
      ),
  handler: (args) => {
    positive(args['cores-per-site'], '--cores-per-site', true);
    const harvester =
      args.harvester === undefined
        ? undefined
        : loadInputFile((f) => importHarvester(f, readJsonFile(f)), args.harvester);
    const { catalog, notes } = loadInputFile(
      (f) =>
        importCric(f, readJsonFile(f), {
          coresPerSite: args['cores-per-site'],
          harvester: harvester?.queues,
        }),
      args.file,
    );
    const all = [...notes, ...(harvester?.notes ?? []).map((n) => `harvester ${n}`)];
    const head = header('cric', args.file, all);
    emit(
      args.out,
      `${head}\n${stringify(catalog, { lineWidth: 0 })}`,
      `${catalog.gridSites?.length ?? 0} grid sites`,
    );
  },
};

/** Reads a catalog YAML file to add Harvester blocks to, keeping its comments. */
function catalogDocument(path: string) {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`--catalog: cannot read ${path} (${(error as Error).message})`);
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    throw new InputError(`--catalog: ${path} is not valid YAML (${doc.errors[0].message})`);
  return doc;
}

const harvesterCommand: CommandModule<object, HarvesterArgs> = {
  command: 'harvester <file>',
  describe: "A Harvester queue config (JSON) → the catalog's harvester: blocks",
  builder: (y) =>
    withFile(y, 'Harvester queue config: queue name → settings, templates included')
      .option('catalog', {
        type: 'string',
        describe:
          "a catalog YAML: put each queue's block on the resource of the same name and write the catalog",
      })
      .example('$0 import harvester panda_queueconfig.json', 'the blocks, by queue name, on stdout')
      .example(
        '$0 import harvester panda_queueconfig.json --catalog catalog.yaml --out catalog-harvester.yaml',
        'the catalog with the blocks on its resources',
      ),
  handler: (args) => {
    const { queues, notes } = loadInputFile((f) => importHarvester(f, readJsonFile(f)), args.file);
    const names = Object.keys(queues);
    if (args.catalog === undefined) {
      const text = `${header('harvester', args.file, notes)}\n${stringify({ queues }, { lineWidth: 0 })}`;
      emit(args.out, text, `${names.length} queues`);
      return;
    }
    const doc = catalogDocument(args.catalog);
    const unmatched = attachHarvester(doc, queues);
    if (unmatched.length === names.length) {
      throw new InputError(
        `--catalog: no resource of ${args.catalog} is named after a queue of ${args.file} (${names.join(', ')})`,
      );
    }
    const all = [
      ...notes,
      ...unmatched.map((q) => `queue ${q}: no resource of ${args.catalog} by that name`),
    ];
    const text = `${header('harvester', `${args.file} onto ${args.catalog}`, all)}\n${doc.toString({ lineWidth: 0 })}`;
    emit(args.out, text, `${names.length - unmatched.length} harvester blocks`);
  },
};

const wfformatCommand: CommandModule<object, WfFormatArgs> = {
  command: 'wfformat <file>',
  describe: 'A WfCommons WfFormat instance (1.4, 1.5, 1.6) → a workflow file for a scenario',
  builder: (y) =>
    withFile(y, 'WfFormat JSON instance')
      .option('corepower', {
        type: 'number',
        default: WFFORMAT_DEFAULTS.corepower,
        describe: 'HS06 per core of the machines the trace ran on (CPU work = runtime × cores × corepower)',
      })
      .option('gshare', {
        type: 'string',
        default: WFFORMAT_DEFAULTS.gshare,
        describe: "the global share (a leaf of the scenario's shares) of the tasks",
      })
      .option('walltime-factor', {
        type: 'number',
        default: WFFORMAT_DEFAULTS.walltimeFactor,
        describe: 'walltime asked = runtime × this (at least 10 min)',
      })
      .option('gpu-tasks', {
        type: 'string',
        describe: 'a regular expression: tasks (id, name or category) that ran on GPUs',
      })
      .option('name', { type: 'string', describe: "the workflow's name (default: the instance's)" })
      .option('user', { type: 'string', describe: "the workflow's owner (default: the instance's author)" })
      .example(
        '$0 import wfformat montage.json --out workflows/montage.yaml',
        'then `workflows: [workflows/montage.yaml]`',
      )
      .example('$0 import wfformat trace.json --gpu-tasks "^train" --corepower 12', 'training tasks on GPUs'),
  handler: (args) => {
    positive(args.corepower, '--corepower');
    const walltimeFactor = args['walltime-factor'];
    if (!(walltimeFactor >= 1)) {
      throw new InputError(`--walltime-factor: expected a number >= 1, got ${walltimeFactor}`);
    }
    let gpuTasks: RegExp | undefined;
    try {
      const pattern = args['gpu-tasks'];
      gpuTasks = pattern === undefined ? undefined : new RegExp(pattern);
    } catch (error) {
      throw new InputError(`--gpu-tasks: expected a regular expression (${(error as Error).message})`);
    }
    const { corepower, gshare, name, user } = args;
    const options = { corepower, gshare, walltimeFactor, gpuTasks, name, user };
    const { workflow, notes } = loadInputFile((f) => importWfFormat(f, readJsonFile(f), options), args.file);
    const text = `${header('wfformat', args.file, notes)}\n${stringify(workflow, { lineWidth: 0 })}`;
    emit(args.out, text, `workflow ${workflow.name} (${workflow.tasks.length} tasks)`);
  },
};

export const importCommand: CommandModule = {
  command: 'import <format>',
  describe: 'Turn real inputs (CRIC queues, Harvester queue configs, WfFormat workflows) into scenario YAML',
  builder: (y) =>
    y
      .command(cricCommand)
      .command(harvesterCommand)
      .command(wfformatCommand)
      .demandCommand(1, 'Name a format: cric, harvester or wfformat.')
      .wrap(null)
      .example(
        '$0 import cric pandaqueues.json --cores-per-site 2000 --out catalog.yaml',
        'PanDA queues → a catalog',
      )
      .example(
        '$0 import harvester panda_queueconfig.json --catalog catalog.yaml --out catalog.yaml',
        'Harvester knobs',
      )
      .example(
        '$0 import wfformat trace.json --out workflows/trace.yaml',
        'a WfFormat instance → a workflow',
      ),
  handler: () => undefined,
};
