// File schemas of the task side of a brokerage call: the JEDI task (`JediTaskSpec` columns and decoded split
// rules, snapshot/task.ts), one input chunk (`InputChunk`), the task-brokerage task with its datasets and the
// remaining work already at the nuclei, and the user context of the analysis brokerage.

import { z } from 'zod';
import type { AnalysisUserContext } from '../brokerage/analysis-types.ts';
import type { TaskInputDataset, TaskToBroker } from '../brokerage/task-brokerage-types.ts';
import type { NucleusWorkload } from '../brokerage/task-remaining-work.ts';
import type { UserJobTotals } from '../shares/analysis-throttle.ts';
import type { AvailableFiles, ChunkDataset, InputChunk, TaskSpec } from '../snapshot/task.ts';
import type { Assert, IsExact } from './exact.ts';

const files = (description: string) => z.number().int().nonnegative().describe(description);
const diskUnit = z
  .enum(['B', 'kB', 'MB', 'GB', 'BPerEvent', 'kBPerEvent', 'MBPerEvent', 'GBPerEvent'])
  .describe('Size unit; `…PerEvent` makes the size scale with events.');

export const RamUnitSchema = z
  .enum(['MB', 'MBPerCore', 'MBPerCoreFixed', 'MBFixed'])
  .describe('`ramUnit`: per-core units multiply ramCount by the PQ core count.');

export const CpuTimeUnitSchema = z
  .enum(['HS06sPerEvent', 'HS06sPerEventFixed', 'mHS06sPerEvent', 'mHS06sPerEventFixed', 'sPerEvent'])
  .describe('`cpuTimeUnit`: the HS06 variants make an HS06 task; `m…` is milli-HS06.');

const jobOutcomesSchema = z.strictObject({
  nFinished: files('Finished jobs.'),
  nFailed: files('Failed jobs.'),
  nClosed: files('Closed jobs.'),
});

const taskFields = {
  jediTaskID: z.number().int().describe('JEDI task id.'),
  prodSourceLabel: z.string().describe('`managed`, `test`, `ptest`, `user`, …'),
  taskType: z.string().describe('Task type, e.g. `prod`, `anal`.').optional(),
  processingType: z.string().describe('Processing type, e.g. `simul`, `reprocessing`, `urgent`.').optional(),
  gshare: z.string().describe('Global share (leaf), e.g. `MC Simulation Full`.'),
  workQueueName: z
    .string()
    .describe('Work queue when it is not a global share (statistics are per work queue).')
    .optional(),
  currentPriority: z.number().describe('Current task priority.'),
  taskPriority: z.number().describe('Task priority as submitted.').optional(),
  resource_type: z.string().describe('Resource type, e.g. `SCORE` or `MCORE`.').optional(),
  coreCount: z.number().nullable().describe('Cores per job; 0 = any, null or 1 = single core.'),
  mergeCoreCount: z.number().nullable().describe('Cores per merge job.').optional(),
  ramCount: z.number().describe('Memory per job, MB (per core if ramUnit is per-core).'),
  ramUnit: RamUnitSchema,
  baseRamCount: z.number().describe('Memory independent of the core count, MB.').optional(),
  mergeRamCount: z.number().describe('Memory per merge job, MB.').optional(),
  walltime: z
    .number()
    .nullable()
    .describe('Seconds per unit of effective input (non-HS06 tasks).')
    .optional(),
  walltimeUnit: z.string().describe('Unit of walltime.').optional(),
  baseWalltime: z.number().describe('Fixed walltime per job, s.').optional(),
  cpuTime: z.number().nullable().describe('CPU time per event in cpuTimeUnit.').optional(),
  cpuTimeUnit: CpuTimeUnitSchema.optional(),
  cpuEfficiency: z.number().describe('CPU efficiency, percent.').optional(),
  ioIntensity: z.number().nullable().describe('IO intensity, kB/s.').optional(),
  diskIO: z.number().nullable().describe('Disk IO per job, kB/s.').optional(),
  outDiskCount: z.number().nullable().describe('Output size in outDiskUnit.').optional(),
  outDiskUnit: diskUnit.optional(),
  workDiskCount: z.number().nullable().describe('Scratch size in workDiskUnit.').optional(),
  workDiskUnit: diskUnit.optional(),
  architecture: z
    .string()
    .describe('`sw_platform@base_platform#cpu_specs&gpu_spec`, or the JSON form of the task architecture.')
    .optional(),
  transHome: z
    .string()
    .describe('Release `project-version`, e.g. `AtlasOffline-21.0.15`; absent = no SW check.')
    .optional(),
  container_name: z.string().describe('Container image of the task.').optional(),
  use_only_tags_fc: z.boolean().describe('Match the container only against published tags.').optional(),
  nucleus: z.string().describe('Nucleus chosen by the task brokerage (WORLD tasks).').optional(),
  site: z.string().describe('Pre-assigned site(s), comma separated.').optional(),
  cloud: z.string().describe('Cloud of the task.').optional(),
  frozenTime: z.number().describe('Snapshot time (s) at which the task was frozen.').optional(),
  inputPreStaging: z.boolean().describe('Input is staged from tape by data carousel.').optional(),
  eventService: z.number().describe('1 or 2 = event service.').optional(),
  mergeOutput: z.boolean().describe('Outputs are merged.').optional(),
  t1Weight: z.number().describe('`t1Weight` split rule; 0 default, negative = nucleus PQs only.').optional(),
  maxCoreCount: z.number().describe('Most cores per job (`maxCoreCount` split rule).').optional(),
  nEsConsumers: z.number().describe('Event-service consumers per job.').optional(),
  maxAttemptEsJob: z.number().describe('Event-service job attempts.').optional(),
  useJobCloning: z.boolean().describe('Job cloning (not event service proper).').optional(),
  allowInputLAN: z
    .enum(['only', 'use'])
    .nullable()
    .describe('`allowInputLAN`: `only` forces direct LAN access, `use` allows it.')
    .optional(),
  allowInputWAN: z.boolean().describe('Input may be read over the WAN.').optional(),
  useLocalIO: z.boolean().describe('Input is copied to the worker node.').optional(),
  ipConnectivity: z.enum(['full', 'http']).nullable().describe('`ipConnectivity` split rule.').optional(),
  ipStack: z.enum(['IPv4', 'IPv6']).nullable().describe('IP stack the jobs need.').optional(),
  dynamicNumEvents: z.number().describe('`dynamicNumEvents` split rule (events granularity).').optional(),
  nJumboJobs: z.number().describe('Jumbo jobs of the task; absent = no jumbo jobs.').optional(),
  maxWalltime: z.number().describe('Longest job walltime, s.').optional(),
  fullChain: z.boolean().describe('`full_chain` split rule.').optional(),
  userName: z.string().describe('Analysis: owner of the task.').optional(),
  workingGroup: z.string().describe('Analysis: working group of a group task.').optional(),
  analyTaskClass: z
    .literal([-1, 0, 1])
    .describe('Analysis: `analy_task_eval` class, 1 (A), 0 (B), -1 (C); absent = 1.')
    .optional(),
  includedSite: z.array(z.string()).describe('Analysis: `includedSite` (wildcards allowed).').optional(),
  excludedSite: z.array(z.string()).describe('Analysis: `excludedSite` (wildcards allowed).').optional(),
  avoidVP: z.boolean().describe('Analysis: do not use Virtual Placement replicas.').optional(),
  maxSizePerJob: z.number().describe('Analysis: most input per job, MB.').optional(),
  nSitesPerJob: z.number().describe('Analysis: sites per job.').optional(),
  isHpoWorkflow: z.boolean().describe('Hyperparameter-optimisation task (bunches of 2).').optional(),
  jobOutcomes: z
    .record(z.string(), jobOutcomesSchema)
    .describe('Analysis: jobs of this task per PQ in the last `TW_DONE_JOB_STAT` hours.')
    .optional(),
  usedSites: z.array(z.string()).describe('Analysis: PQs this task already used (listed first).').optional(),
};

export const TaskSpecSchema = z
  .strictObject(taskFields)
  .meta({ id: 'TaskSpec', description: 'The JEDI task (`JediTaskSpec`) with its split rules decoded.' });

const chunkDatasetFields = {
  datasetName: z.string().describe('Dataset name.'),
  isMaster: z.boolean().describe('Master (primary) input dataset.'),
  isDistributed: z.boolean().describe('Distributed dataset: completeness not checked.').optional(),
  isPseudo: z.boolean().describe('Pseudo / DBR / log dataset, ignored by the task brokerage.').optional(),
  nFiles: files('Files in the whole dataset.'),
  nFilesToBeUsed: files('Files reserved or used.').optional(),
  nEvents: z.number().describe('Events in the dataset.').optional(),
  nEventsUsed: z.number().describe('Events already used.').optional(),
};

export const ChunkDatasetSchema = z
  .strictObject(chunkDatasetFields)
  .meta({ id: 'ChunkDataset', description: 'One input dataset of a chunk (`JediDatasetSpec`).' });

export const AvailableFilesSchema = z
  .strictObject({
    siteFiles: files('Distinct chunk files on local disk or cache.'),
    siteSize: z.number().describe('Bytes of those files.'),
    tapeFiles: files('Files available only on local tape.').optional(),
    tapeSize: z.number().describe('Bytes of those files.').optional(),
  })
  .meta({ id: 'AvailableFiles', description: 'Input files of the chunk available at one unified PQ.' });

export const InputChunkSchema = z
  .strictObject({
    isMerging: z.boolean().describe('Merge chunk.').optional(),
    useScout: z.boolean().describe('The master dataset still has files reserved for scouts.').optional(),
    useJumbo: z.enum(['fake', 'only', 'use']).describe('`InputChunk.useJumbo`.').optional(),
    ramCount: z.number().describe('Chunk-level RAM from the files, MB.').optional(),
    datasets: z.array(ChunkDatasetSchema).describe('Input datasets of the chunk.'),
    preassignedSite: z.string().describe('Pre-assigned site of the master dataset (premerge).').optional(),
    masterCreationTime: z.number().describe('Snapshot time (s) of master-dataset creation.').optional(),
    masterModificationTime: z
      .number()
      .describe('Snapshot time (s) of master-dataset modification.')
      .optional(),
    nFiles: files('Distinct input files of the chunk (all datasets).'),
    totalSize: z.number().describe('Bytes of those files.'),
    maxAtomSize: z.number().describe('Largest per-job input, bytes (`getMaxAtomSize()`).'),
    maxAtomSizeEffective: z.number().describe('Largest per-job effective input, bytes.').optional(),
    maxAtomNumEvents: z.number().describe('Largest per-job event count.').optional(),
    nReadyEvents: z.number().describe('Events ready for jumbo jobs.').optional(),
    availableFiles: z
      .record(z.string(), AvailableFilesSchema)
      .describe('Unified PQ name → input files present there; PQs not listed hold nothing.')
      .optional(),
  })
  .meta({
    id: 'InputChunk',
    description: 'One input chunk of the task (the unit JobGenerator brokers and splits).',
  });

export const TaskInputDatasetSchema = z
  .strictObject({ ...chunkDatasetFields, totalBytes: z.number().describe('Bytes of the whole dataset.') })
  .meta({ id: 'TaskInputDataset', description: 'An input dataset of the task with its total size.' });

export const TaskToBrokerSchema = z
  .strictObject({
    ...taskFields,
    inputDatasets: z
      .array(TaskInputDatasetSchema)
      .describe('Master and secondary inputs (pseudo, DBR and log datasets are skipped).'),
    outputStorageTokens: z
      .array(z.string())
      .describe('`storageToken` of each output and log dataset, e.g. `ATLASDATADISK`; `ddd:` = distributed.'),
    fullChainMode: z.enum(['only', 'require', 'capable']).describe('`fullChain` split rule mode.').optional(),
    parentFullChainNucleus: z
      .string()
      .describe('Nucleus where the parent task ran its full chain.')
      .optional(),
    taskBrokerOnMaster: z.boolean().describe('Only the master dataset counts for data locality.').optional(),
  })
  .meta({ id: 'TaskToBroker', description: 'A production task in `assigning` waiting for a nucleus.' });

export const NucleusWorkloadSchema = z
  .strictObject({
    nucleus: z.string().describe('Nucleus the task runs at.'),
    currentPriority: z.number().describe('Priority of the task.'),
    share: z.string().describe('Global share (or work queue when it is not a global share).'),
    remainingWork: z
      .number()
      .describe('(nEvents − nEventsUsed) × cpuTime of its master inputs (raw cpuTime).'),
  })
  .meta({
    id: 'NucleusWorkload',
    description: 'A WORLD task already at a nucleus, as the nucleus RW query sees it.',
  });

export const UserJobTotalsSchema = z
  .strictObject({
    nRunJobs: z.number().describe('Running jobs of the user (or group).'),
    nQueuedJobs: z.number().describe('Queued jobs.'),
    nRunCores: z.number().describe('Running cores.'),
    nQueuedCores: z.number().describe('Queued cores.'),
  })
  .meta({ id: 'UserJobTotals', description: 'Jobs and cores of the user (or working group) over the grid.' });

export const AnalysisUserContextSchema = z
  .strictObject({
    totals: UserJobTotalsSchema.optional(),
    gshareUsage: z
      .number()
      .describe('`gshare_preference` usage of the task share, running / target (1 = at target).')
      .optional(),
    l1EquivalentUsage: z
      .number()
      .describe('`eqiv_usage_perc` of `L1 User Analysis` (same scale).')
      .optional(),
    remSlotsA: z.number().describe('`analy_user_eval` `rem_slots_A`; absent = no user data.').optional(),
    overGlobalQuota: z.boolean().describe('The user is over the Rucio global quota.').optional(),
    nearGlobalQuota: z.boolean().describe('The user is near the Rucio global quota.').optional(),
    endpointsOverLocalQuota: z
      .array(z.string())
      .describe('Output RSEs where the user is over quota.')
      .optional(),
    nJobsEstimate: z.number().describe('Jobs the chunk would make (dry-run split).'),
  })
  .meta({
    id: 'AnalysisUserContext',
    description: 'What the analysis brokerage reads about the user and the share.',
  });

type _checks = [
  Assert<IsExact<z.infer<typeof TaskSpecSchema>, TaskSpec>>,
  Assert<IsExact<z.infer<typeof ChunkDatasetSchema>, ChunkDataset>>,
  Assert<IsExact<z.infer<typeof AvailableFilesSchema>, AvailableFiles>>,
  Assert<IsExact<z.infer<typeof InputChunkSchema>, InputChunk>>,
  Assert<IsExact<z.infer<typeof TaskInputDatasetSchema>, TaskInputDataset>>,
  Assert<IsExact<z.infer<typeof TaskToBrokerSchema>, TaskToBroker>>,
  Assert<IsExact<z.infer<typeof NucleusWorkloadSchema>, NucleusWorkload>>,
  Assert<IsExact<z.infer<typeof UserJobTotalsSchema>, UserJobTotals>>,
  Assert<IsExact<z.infer<typeof AnalysisUserContextSchema>, AnalysisUserContext>>,
];
