// File schemas of the brokerage options a file may override: the gdpconfig keys and hard-coded constants of
// `AtlasProdJobBroker` (prod-options.ts), `AtlasAnalJobBroker` (analysis-options.ts) and
// `AtlasProdTaskBrokerThread` (task-brokerage-options.ts). Every field is optional: what a file leaves out keeps
// the code default, and a misspelt key is an error rather than a silently ignored override.

import { z } from 'zod';
import type { AnalysisJobBrokerOptions } from '../brokerage/analysis-options.ts';
import type { ProdJobBrokerOverrides } from '../brokerage/prod-options.ts';
import type { TaskBrokerageOptions } from '../brokerage/task-brokerage-options.ts';
import type { Assert, Flatten, IsExact } from './exact.ts';

const num = (description: string) => z.number().describe(description).optional();
const flag = (description: string) => z.boolean().describe(description).optional();
const numOrNull = (description: string) => z.number().nullable().describe(description).optional();
const byKey = (description: string) => z.record(z.string(), z.number()).describe(description).optional();
const variant = (description: string) => z.enum(['code', 'docs']).describe(description).optional();

export const ProdJobBrokerOverridesSchema = z
  .strictObject({
    NW_ACTIVE: flag('Multiply the network weight into the site weight (else only computed and reported).'),
    NW_QUEUE_IMPORTANCE: num(
      'Share of the queue term in the network weight; the throughput term gets 1 − this.',
    ),
    NW_THRESHOLD: num('Express chunks need a network weight ≥ NW_THRESHOLD × NW_WEIGHT_MULTIPLIER.'),
    NW_WEIGHT_MULTIPLIER: num('See NW_THRESHOLD.'),
    NQUEUED_SAT_CAP: num('Files queued on a satellite → nucleus link at which the link counts as full.'),
    NQUEUED_NUC_CAP_FOR_JOBS: num('Files queued towards the nucleus at which every satellite is held back.'),
    IO_INTENSITY_CUTOFF: num('kB/s above which the input-move limits apply.'),
    MAX_PRIO_TO_BOOTSTRAP: num('Only tasks at or below this priority bootstrap empty PQs.'),
    MAX_MISSING_INPUT_FILES: num('A replica is complete if at most this many files are missing …'),
    MIN_INPUT_COMPLETENESS: num('… or at least this percentage is present.'),
    MIN_WEIGHT: byKey('`MIN_WEIGHT_<label>_<gshare>` / `MIN_WEIGHT_<label>`, keys without the prefix.'),
    MAX_DISKIO_DEFAULT: num('Disk IO limit, kB/s per core, of a PQ without `maxDiskio`.'),
    STORAGE_MIN_FREE_SIZE: num('GB of usable space required at the PQ default output RSE.'),
    SIZE_CUTOFF_TO_MOVE_INPUT: num('GB of missing input tolerated per PQ for IO-intensive tasks.'),
    NUM_CUTOFF_TO_MOVE_INPUT: num('Missing input files tolerated per PQ for IO-intensive tasks.'),
    NQUEUELIMITSITE: byKey('`NQUEUELIMITSITE_<gshare>`: lower bound of the queue cap per gshare.'),
    WORK_SHORTAGE: flag('`core/WORK_SHORTAGE`: apply the pledge filter.'),
    defaultQueueLimit: num('Fallback of NQUEUELIMITSITE (`cutOffValue`).'),
    cutOffFactor: num('`cutOffFactor`: queued may reach this many times running.'),
    resourceTypeCapFactor: num('`RT_Cap`: the same factor for the resource-type cap.'),
    worldNucleusWeight: num('`WORLD_NUCLEUS_WEIGHT`: t1Weight of IO-intensive tasks.'),
    worldNucleusIoIntensity: num('ioIntensity (kB/s) above which worldNucleusWeight applies.'),
    maxSiteCandidates: num('`maxSiteCandidates` handed to the job splitter.'),
    nWorkersCutoff: num('`nWorkersCutoff`: cap on Harvester workers used to bootstrap UPS queues.'),
    defaultMaxTransferring: num('`def_maxTransferring` when the PQ `transferringlimit` is 0.'),
    inactiveTimeLimitHours: num('`inactiveTimeLimit`, hours since the last job start.'),
    memoryCompensation: num('`JobUtils.MEMORY_COMPENSATION`.'),
    defaultOutputSize: num('`InputChunk.defaultOutputSize`, bytes.'),
    workDiskSafetyMargin: num('Scratch safety margin added to workDiskCount, bytes.'),
    defMaxAttemptEsJob: num('`EventServiceUtils.defMaxAttemptEsJob`.'),
    variants: z
      .strictObject({
        cap: variant('Queue cap: code `activated+starting(+assigned)`; docs add `defined`.'),
        manyAssigned: variant(
          'manyAssigned: code `clamp((Ass+1)/(Act+1), 1, 2)`; docs `max(1, min(2, Ass/Act))`.',
        ),
        express: variant('Express: code `currentPriority > 1000`; docs `≥ 1000`.'),
        status: variant('Status filter: code keeps online and standby; docs online only.'),
        mbps: variant(
          'Throughput key: code 1w→1d→1h stopping at the first missing key; docs the freshest present.',
        ),
      })
      .describe('Where the code and the PanDA documentation disagree: `code` (default) or `docs`.')
      .optional(),
    explain: flag('pandasim: list every dropped PQ with a message.'),
  })
  .meta({ id: 'ProdJobBrokerOverrides', description: 'Production job brokerage options to override.' });

export const AnalysisJobBrokerOverridesSchema = z
  .strictObject({
    MIN_BAD_JOBS_TO_SKIP_PQ: num('Failed + closed above max(2 × finished, this) marks a PQ problematic.'),
    CAP_RUNNING_USER_JOBS: numOrNull('`prio_mgr/CAP_RUNNING_USER_JOBS`; null = not configured.'),
    CAP_RUNNING_USER_CORES: numOrNull('`prio_mgr/CAP_RUNNING_USER_CORES`; null = not configured.'),
    CAP_RUNNING_GROUP_JOBS: numOrNull('`prio_mgr/CAP_RUNNING_GROUP_JOBS`; null = not configured.'),
    CAP_RUNNING_GROUP_CORES: numOrNull('`prio_mgr/CAP_RUNNING_GROUP_CORES`; null = not configured.'),
    USER_USAGE_THRESHOLD_A: num(
      '`analy_eval/USER_USAGE_THRESHOLD_A`: running-slot budget of a user on A sites.',
    ),
    BASE_QUEUE_LENGTH_PER_PQ: num('Below this many queued jobs of the share a PQ is never throttled.'),
    BASE_EXPECTED_WAIT_HOUR_ON_PQ: num('Queues shorter than this many hours of starts are not throttled.'),
    BASE_DEFAULT_QUEUE_LENGTH_PER_PQ_USER: num('Floor of a user queue limit at a PQ.'),
    BASE_QUEUE_RATIO_ON_PQ: num('A user may queue this fraction of the PQ running jobs.'),
    STATIC_MAX_QUEUE_RUNNING_RATIO: num('PQ queue limit as a multiple of its running jobs.'),
    MAX_EXPECTED_WAIT_HOUR: num('PQ queue limit as hours of starts.'),
    MAX_MISSING_INPUT_FILES: num('A replica is complete if at most this many files are missing …'),
    MIN_INPUT_COMPLETENESS: num('… or at least this percentage is present.'),
    IO_INTENSITY_CUTOFF_USER: numOrNull(
      'kB/s at or below which a task may ignore data locality; null = unset.',
    ),
    DATA_CHECK_TIMEOUT_USER: numOrNull('Hours frozen after which locality may be ignored; null = unset.'),
    OVERLOAD_MIN_QUEUE: num('PQs with at most this many queued jobs are never overloaded.'),
    OVERLOAD_RATIO_OFFSET: num('Overloaded when queued/running exceeds the global ratio times this.'),
    STORAGE_MIN_FREE_SIZE: num('GB free at the input RSE when input must be transferred.'),
    STORAGE_MIN_FREE_SIZE_OUTPUT: num('GB free at the output RSE.'),
    MAX_DISKIO_DEFAULT: num('Disk IO limit, kB/s per core, of a PQ without `maxDiskio`.'),
    MIN_WEIGHT: byKey(
      '`jobbroker/MIN_WEIGHT_<label>_<gshare>` / `MIN_WEIGHT_<label>`, keys without the prefix.',
    ),
    taskPriorityToIgnoreLocality: num('Tasks at or above this priority may ignore locality.'),
    maxNumSites: num('`maxNumSites` handed to the job splitter.'),
    throttlePercentA: num('User Analysis throttle threshold (%) of class A tasks.'),
    throttlePercentB: num('User Analysis throttle threshold (%) of class B tasks.'),
    throttlePercentC: num('User Analysis throttle threshold (%) of class C tasks.'),
    throttleIntensityA: num('`user_analyis_throttle_intensity_A`.'),
    weightEpsilonInit: num('`weight_epsilon_init` of the new basic weight.'),
    weightEpsilonHiMid: num('`weight_epsilon_hi_mid` of the new basic weight.'),
    weightEpsilonHiLo: num('`weight_epsilon_hi_lo` of the new basic weight.'),
    weightEpsilonMidLo: num('`weight_epsilon_mid_lo` of the new basic weight.'),
    resourceTypeCapFactor: num('`RT_Cap` of the resource-type cap (logged only).'),
    resourceTypeCapFloor: num('Floor of that cap.'),
    memoryCompensation: num('`JobUtils.MEMORY_COMPENSATION`.'),
    workDiskSafetyMargin: num('Scratch safety margin, bytes.'),
    diskNorm: num('GB of local input per +1 of the data factor without locality.'),
  })
  .meta({ id: 'AnalysisJobBrokerOverrides', description: 'Analysis job brokerage options to override.' });

export const TaskBrokerageOverridesSchema = z
  .strictObject({
    DISK_THRESHOLD: num('TB of usable space, after the projected demand, required at each output endpoint.'),
    DISK_THRESHOLD_BY_WORK_QUEUE: byKey('`DISK_THRESHOLD_<work queue>`, TB; wins over DISK_THRESHOLD.'),
    FREE_DISK_CUTOFF: num('TB at which the free-space term of the weight saturates.'),
    INPUT_SIZE_THRESHOLD: num('GB: the data-locality size check applies to larger inputs only.'),
    INPUT_NUM_THRESHOLD: num('The data-locality file-count check applies to more files only.'),
    INPUT_SIZE_FRACTION: num('%: a nucleus must hold at least this share of the input bytes …'),
    INPUT_NUM_FRACTION: num('… and of the input files.'),
    MIN_IO_INTENSITY_WITH_LOCAL_DATA: num('kB/s above which the data fraction enters the weight.'),
    MIN_INPUT_SIZE_WITH_LOCAL_DATA: num('GB above which locality binds.'),
    MAX_TASK_PRIO_WITH_LOCAL_DATA: num('Tasks at or above this priority may ignore locality.'),
    DATA_LOCATION_CHECK_PERIOD: num('Days in assigning after which the locality check is skipped.'),
    NQUEUED_NUC_CAP: num('Files queued towards a nucleus above which it is backlogged.'),
  })
  .meta({ id: 'TaskBrokerageOverrides', description: 'Task brokerage options to override.' });

type _checks = [
  Assert<IsExact<z.infer<typeof ProdJobBrokerOverridesSchema>, Flatten<ProdJobBrokerOverrides>>>,
  Assert<IsExact<z.infer<typeof AnalysisJobBrokerOverridesSchema>, Partial<AnalysisJobBrokerOptions>>>,
  Assert<IsExact<z.infer<typeof TaskBrokerageOverridesSchema>, Partial<TaskBrokerageOptions>>>,
];
