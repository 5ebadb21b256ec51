// The input file of `pandasim broker FILE.json`: one brokerage call written down, for each of PanDA's three
// brokerages — production job brokerage (`AtlasProdJobBroker`), analysis job brokerage (`AtlasAnalJobBroker`) and
// production task brokerage (`AtlasProdTaskBroker`). `kind` selects the brokerage; the other fields are exactly
// that brokerage's inputs. What cannot be data (the random stream; the task brokerage's job check, a function in
// the API) is either a command-line option or described here as data.

import { z } from 'zod';
import type { AnalysisJobBrokerOptions } from '../brokerage/analysis-options.ts';
import type { AnalysisSnapshot, AnalysisUserContext } from '../brokerage/analysis-types.ts';
import type { ProdJobBrokerOverrides } from '../brokerage/prod-options.ts';
import type { TaskBrokerageOptions } from '../brokerage/task-brokerage-options.ts';
import type { TaskBrokerageSnapshot, TaskToBroker } from '../brokerage/task-brokerage-types.ts';
import type { NucleusWorkload } from '../brokerage/task-remaining-work.ts';
import type { InputChunk, TaskSpec } from '../snapshot/task.ts';
import type { BrokerageSnapshot } from '../snapshot/world.ts';
import type { Assert, Flatten, IsExact } from './exact.ts';
import { fileHeaderFields, type FileHeader } from './file-header.ts';
import { validateJson } from './file-problems.ts';
import { readJsonFile } from './json-text.ts';
import {
  AnalysisJobBrokerOverridesSchema,
  ProdJobBrokerOverridesSchema,
  TaskBrokerageOverridesSchema,
} from './option-schemas.ts';
import { checkChunkReferences, checkSnapshotReferences } from './reference-checks.ts';
import {
  AnalysisUserContextSchema,
  InputChunkSchema,
  NucleusWorkloadSchema,
  TaskSpecSchema,
  TaskToBrokerSchema,
} from './task-schemas.ts';
import {
  AnalysisSnapshotSchema,
  BrokerageSnapshotSchema,
  TaskBrokerageSnapshotSchema,
} from './world-schemas.ts';

/** Production job brokerage options as a file gives them (the overrides as one object type). */
export type ProdJobBrokerFileOptions = Flatten<ProdJobBrokerOverrides>;

export interface ProductionBrokerFile extends FileHeader {
  kind: 'production';
  snapshot: BrokerageSnapshot;
  task: TaskSpec;
  chunk: InputChunk;
  options?: ProdJobBrokerFileOptions;
}

export interface AnalysisBrokerFile extends FileHeader {
  kind: 'analysis';
  snapshot: AnalysisSnapshot;
  task: TaskSpec;
  chunk: InputChunk;
  user: AnalysisUserContext;
  options?: Partial<AnalysisJobBrokerOptions>;
}

/**
 * The task brokerage's job check (`runImpl` step 6) as data: run the production job brokerage in hint mode over
 * the nuclei's PQs with this chunk (`brokerage`), or take the PQs known to pass (`list`).
 */
export type TaskJobCheckSpec =
  | { mode: 'brokerage'; chunk: InputChunk; options?: ProdJobBrokerFileOptions }
  | { mode: 'list'; queues: string[] };

export interface TaskBrokerFile extends FileHeader {
  kind: 'task';
  snapshot: TaskBrokerageSnapshot;
  task: TaskToBroker;
  /** Tasks already at the nuclei (remaining work); absent = no work anywhere. */
  workloads?: NucleusWorkload[];
  /** Absent = every PQ passes the job check. */
  jobCheck?: TaskJobCheckSpec;
  options?: Partial<TaskBrokerageOptions>;
}

export type BrokerFile = ProductionBrokerFile | AnalysisBrokerFile | TaskBrokerFile;

const ProductionBrokerFileSchema = z
  .strictObject({
    ...fileHeaderFields,
    kind: z.literal('production').describe('Production job brokerage (`AtlasProdJobBroker.doBrokerage`).'),
    snapshot: BrokerageSnapshotSchema,
    task: TaskSpecSchema,
    chunk: InputChunkSchema,
    options: ProdJobBrokerOverridesSchema.optional(),
  })
  .superRefine((f, ctx) => {
    checkChunkReferences(ctx, f.chunk, checkSnapshotReferences(ctx, f.snapshot), ['chunk']);
  })
  .meta({
    id: 'ProductionBrokerFile',
    description: 'Candidate PQs for one input chunk of a production task.',
  });

const AnalysisBrokerFileSchema = z
  .strictObject({
    ...fileHeaderFields,
    kind: z.literal('analysis').describe('Analysis job brokerage (`AtlasAnalJobBroker.doBrokerage`).'),
    snapshot: AnalysisSnapshotSchema,
    task: TaskSpecSchema,
    chunk: InputChunkSchema,
    user: AnalysisUserContextSchema,
    options: AnalysisJobBrokerOverridesSchema.optional(),
  })
  .superRefine((f, ctx) => {
    checkChunkReferences(ctx, f.chunk, checkSnapshotReferences(ctx, f.snapshot), ['chunk']);
  })
  .meta({
    id: 'AnalysisBrokerFile',
    description: 'Candidate PQs for one input chunk of a user analysis task.',
  });

const TaskJobCheckSchema = z
  .discriminatedUnion('mode', [
    z.strictObject({
      mode: z.literal('brokerage').describe('Run the production job brokerage in hint mode (`hintForTB`).'),
      chunk: InputChunkSchema.describe('The chunk the hint-mode brokerage checks the PQs against.'),
      options: ProdJobBrokerOverridesSchema.optional(),
    }),
    z.strictObject({
      mode: z.literal('list').describe('Take a fixed list of PQs as passing.'),
      queues: z.array(z.string()).describe('PQs (parent or pseudo names) able to run the task.'),
    }),
  ])
  .meta({ id: 'TaskJobCheck', description: 'The job check of the task brokerage (`runImpl` step 6).' });

const TaskBrokerFileSchema = z
  .strictObject({
    ...fileHeaderFields,
    kind: z.literal('task').describe('Production task brokerage: nucleus choice (`AtlasProdTaskBroker`).'),
    snapshot: TaskBrokerageSnapshotSchema,
    task: TaskToBrokerSchema,
    workloads: z
      .array(NucleusWorkloadSchema)
      .describe('Tasks already at the nuclei (remaining work); absent = no work anywhere.')
      .optional(),
    jobCheck: TaskJobCheckSchema.optional(),
    options: TaskBrokerageOverridesSchema.optional(),
  })
  .superRefine((f, ctx) => {
    const queues = checkSnapshotReferences(ctx, f.snapshot);
    if (f.jobCheck?.mode === 'brokerage')
      checkChunkReferences(ctx, f.jobCheck.chunk, queues, ['jobCheck', 'chunk']);
    const nuclei = new Set([...Object.keys(f.snapshot.nuclei), ...Object.keys(f.snapshot.satellites ?? {})]);
    f.workloads?.forEach((w, k) => {
      if (!nuclei.has(w.nucleus)) {
        ctx.addIssue({
          code: 'custom',
          path: ['workloads', k, 'nucleus'],
          input: w.nucleus,
          message: 'the name of a nucleus in snapshot.nuclei or snapshot.satellites',
        });
      }
    });
  })
  .meta({ id: 'TaskBrokerFile', description: 'Nucleus choice for one production task in `assigning`.' });

export const BrokerFileSchema = z
  .discriminatedUnion('kind', [ProductionBrokerFileSchema, AnalysisBrokerFileSchema, TaskBrokerFileSchema])
  .meta({
    title: 'pandasim broker file',
    description: 'One call of a PanDA brokerage: `kind` selects it, the other fields are its inputs.',
  });

type _checks = [
  Assert<IsExact<z.infer<typeof ProductionBrokerFileSchema>, ProductionBrokerFile>>,
  Assert<IsExact<z.infer<typeof AnalysisBrokerFileSchema>, AnalysisBrokerFile>>,
  Assert<IsExact<z.infer<typeof TaskJobCheckSchema>, TaskJobCheckSpec>>,
  Assert<IsExact<z.infer<typeof TaskBrokerFileSchema>, TaskBrokerFile>>,
  Assert<IsExact<z.infer<typeof BrokerFileSchema>, BrokerFile>>,
];

/** Validates a parsed broker file; throws an `InputFileError` listing every problem. */
export function parseBrokerFile(file: string, json: unknown): BrokerFile {
  return validateJson(file, BrokerFileSchema, json);
}

/** Reads and validates a broker file; throws an `InputFileError` listing every problem. */
export function loadBrokerFile(path: string): BrokerFile {
  return parseBrokerFile(path, readJsonFile(path));
}
