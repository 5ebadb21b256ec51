// Job and task priorities (fairshare.md §3.1–3.2): the user-job formula and the branches of job insertion that
// choose between it and fixed values, the priority parameters of a submission, the priorities JEDI assigns at
// job generation, analysis task priority refinement, and the production watchdog's priority actions.
//
// Upstream: pandaserver/taskbuffer/PrioUtil.py `calculatePriority`; TaskBuffer.py `getPrioParameters`,
// `storeJobs`; job_complex_module.py `JobComplexModule.insertNewJob`; job_standalone_module.py
// `getNumberJobsUser`; pandajedi/jediorder/JobGenerator.py `JobGeneratorThread.doGenerate`;
// pandajedi/jedirefine/AtlasAnalTaskRefiner.py; pandajedi/jedidog/AtlasProdWatchDog.py
// `do_task_progress_based_actions`, `doActionForHighPrioPending`.

import { pyFloorDiv, pyInt } from './py-numeric.ts';

/**
 * `py3`: the current code, `int(1000 + offset − serNum / 5 − int(100 × weight))` with true division.
 * `py2`: the documented behaviour ("the first 5 jobs have priority 1000"), integer division (fairshare.md §9.1).
 */
export type UserPriorityRounding = 'py3' | 'py2';

/** `PrioUtil.calculatePriority`. `weight` is `checkQuota`, which returns 0.0 in the current code. */
export function calculatePriority(
  priorityOffset: number,
  serNum: number,
  weight = 0,
  rounding: UserPriorityRounding = 'py3',
): number {
  const bySerial = rounding === 'py3' ? serNum / 5 : pyFloorDiv(serNum, 5);
  return pyInt(1000 + priorityOffset - bySerial - pyInt(100 * weight));
}

/**
 * Priorities of a batch submitted in one `storeJobs` call: `serNum` is counted once (the user's jobs already in
 * the active and defined tables) and then incremented for every job of the batch.
 */
export function userBatchPriorities(
  existingJobs: number,
  batchSize: number,
  priorityOffset = 0,
  rounding: UserPriorityRounding = 'py3',
): number[] {
  return Array.from({ length: batchSize }, (_, i) =>
    calculatePriority(priorityOffset, existingJobs + i, 0, rounding),
  );
}

/** A job row as `getNumberJobsUser` counts it. */
export interface UserJobCountRow {
  prodUserName: string;
  prodSourceLabel: string;
  workingGroup?: string | null;
  jobStatus: string;
}

/**
 * `getNumberJobsUser`: the user's `user`-label jobs in jobsActive4 + jobsDefined4 with the same working group
 * (`IS NULL` when none is given), except failed and merging ones.
 */
export function countUserJobs(
  rows: Iterable<UserJobCountRow>,
  prodUserName: string,
  workingGroup: string | null = null,
): number {
  let n = 0;
  for (const r of rows) {
    if (r.prodUserName !== prodUserName || r.prodSourceLabel !== 'user') continue;
    if ((r.workingGroup ?? null) !== workingGroup) continue;
    if (r.jobStatus === 'failed' || r.jobStatus === 'merging') continue;
    n++;
  }
  return n;
}

/** HammerCloud processing types that reset serNum and weight (`getPrioParameters`). */
export function isHammerCloudType(processingType: string | null | undefined): boolean {
  if (!processingType) return false;
  return (
    processingType === 'hammercloud' ||
    processingType === 'gangarobot' ||
    processingType === 'hammercloud-fax' ||
    processingType.startsWith('gangarobot-')
  );
}

/** What `getPrioParameters` needs to know about a submission. */
export interface PrioParametersInput {
  /** processingType of the first job of the batch. */
  processingType: string | null;
  /** The user's jobs counted by `getNumberJobsUser` (user, or group when a valid group is used). */
  existingJobs: number;
  /** The batch names a working group that the submitter holds a production role for. */
  validGroupJob?: boolean;
  /** That group is flagged super-user (`s` in its gridpref). */
  groupIsSuperUser?: boolean;
  /** Priority from `USER_JOB_PRIO_BOOST_DICTS` for this user (or group), if listed. */
  boostPriority?: number | null;
}

export interface PrioParameters {
  priorityOffset: number;
  serNum: number;
  weight: number;
  /** False when the boost list sets the priority directly. */
  prioReduction: boolean;
}

/**
 * `TaskBuffer.getPrioParameters`. HammerCloud types are caught first, so the later branches with offsets 3000
 * and 1001 are unreachable (fairshare.md §3.1; the docs' "HammerCloud 4000" is not what the code does).
 */
export function prioParameters(input: PrioParametersInput): PrioParameters {
  if (isHammerCloudType(input.processingType)) {
    return { priorityOffset: 0, serNum: 0, weight: 0, prioReduction: true };
  }
  if (input.boostPriority !== null && input.boostPriority !== undefined) {
    return { priorityOffset: input.boostPriority, serNum: 0, weight: 0, prioReduction: false };
  }
  if (input.validGroupJob && input.groupIsSuperUser) {
    return { priorityOffset: 2000, serNum: 0, weight: 0, prioReduction: true };
  }
  return { priorityOffset: 0, serNum: input.existingJobs, weight: 0, prioReduction: true };
}

/** The JobSpec columns `insertNewJob` reads to set `currentPriority`. */
export interface PriorityJob {
  prodSourceLabel: string;
  prodUserName?: string | null;
  processingType?: string | null;
  /** From JEDI; null/absent for jobs submitted without one. */
  assignedPriority?: number | null;
  isScoutJob?: boolean;
  specialHandling?: string | null;
}

/** `JobUtils.priorityTasksToJumpOver`. */
export const PRIORITY_TASKS_TO_JUMP_OVER = 1500;

/** Fixed priorities of `insertNewJob` and `doGenerate`. */
export const FIXED_PRIORITIES = {
  install: 4100,
  artprod: 7000,
  expressUser: 6000,
  buildBase: 2000,
  expressBuild: 6500,
  merge: 5000,
  scout: 901,
} as const;

/**
 * `insertNewJob`: the job's `currentPriority` given the submission's priority parameters and `serNum` (the
 * value for this very job of the batch). Returns null when no branch sets a priority.
 */
export function insertedJobPriority(
  job: PriorityJob,
  params: PrioParameters,
  rounding: UserPriorityRounding = 'py3',
): number | null {
  let priority = job.assignedPriority ?? null;
  const express = (job.specialHandling ?? '').includes('express');
  if (job.prodSourceLabel === 'install') return FIXED_PRIORITIES.install;
  if (job.prodUserName === 'artprod' && (job.prodSourceLabel === 'user' || job.prodSourceLabel === 'panda')) {
    return FIXED_PRIORITIES.artprod;
  }
  if (job.prodSourceLabel === 'user') {
    if (job.processingType === 'pmerge' && priority !== null) return priority;
    if (!params.prioReduction) return params.priorityOffset + (job.isScoutJob ? 1 : 0);
    if (priority !== null && (job.isScoutJob || priority >= PRIORITY_TASKS_TO_JUMP_OVER)) return priority;
    priority = calculatePriority(params.priorityOffset, params.serNum, params.weight, rounding);
    return express ? FIXED_PRIORITIES.expressUser : priority;
  }
  if (job.prodSourceLabel === 'panda') {
    return express ? FIXED_PRIORITIES.expressBuild : FIXED_PRIORITIES.buildBase + params.priorityOffset;
  }
  return priority;
}

/**
 * `JobGeneratorThread.doGenerate`: the `assignedPriority` (= initial `currentPriority`) of a generated job:
 * 5000 for merge jobs, `max(901, task + 1)` for scouts, the task's priority otherwise.
 */
export function generatedJobPriority(
  taskCurrentPriority: number,
  isMerging: boolean,
  useScout: boolean,
): number {
  if (isMerging) return FIXED_PRIORITIES.merge;
  if (useScout) {
    return taskCurrentPriority < FIXED_PRIORITIES.scout ? FIXED_PRIORITIES.scout : taskCurrentPriority + 1;
  }
  return taskCurrentPriority;
}

/** `AtlasAnalTaskRefiner`: a requested currentPriority outside [900, 1100] becomes 1000; super-users get ≥ 1500. */
export function refinedAnalysisTaskPriority(
  requested: number | null | undefined,
  taskPriority: number,
  superUser: boolean,
): number {
  let priority = requested ?? null;
  if (priority !== null && (priority < 900 || priority > 1100)) priority = 1000;
  if (superUser && (priority === null || priority < PRIORITY_TASKS_TO_JUMP_OVER))
    priority = PRIORITY_TASKS_TO_JUMP_OVER;
  return priority ?? taskPriority;
}

/** Task progress as `do_task_progress_based_actions` reads it (input datasets summed, masters only). */
export interface ProductionTaskProgress {
  jediTaskID: number;
  currentPriority: number;
  gshare: string;
  nFiles: number;
  nFilesFinished: number;
  nFilesFailed: number;
  /** `getNumJobsForTask_JEDI`; null when unknown. */
  nJobs: number | null;
  /** Status of the parent task when it has one (parent_tid ≠ own id), else null. */
  parentStatus?: string | null;
  /** The task's work queue is a global share of the same label (`is_global_share` and `queue_type`). */
  inGlobalShareOfLabel: boolean;
}

export interface ProductionBoost {
  /** New task (and job) priority, or null when unchanged. */
  newPriority: number | null;
  /** New share (running jobs included), or null when unchanged. */
  newShare: string | null;
  reason: string;
}

/** `AtlasProdWatchDog.do_task_progress_based_actions` boost constants. */
export const PRODUCTION_BOOST = {
  boostedPrio: 900,
  toBoostRatio: 0.95,
  maxRemainingJobs: 100,
  share: 'Express',
} as const;

/**
 * Boost of nearly-done production tasks: ≥ 95 % of input files finished or failed and ≤ 100 estimated
 * remaining jobs ⇒ priority 900 (if lower) and reassignment to `Express`; skipped while a parent task is not
 * completed.
 */
export function productionProgressBoost(task: ProductionTaskProgress): ProductionBoost {
  const none = (reason: string): ProductionBoost => ({ newPriority: null, newShare: null, reason });
  if (task.parentStatus !== null && task.parentStatus !== undefined && task.parentStatus !== 'completed') {
    return none(`parent has status ${task.parentStatus}`);
  }
  if (task.nJobs === null || task.nFiles === 0) return none('number of remaining jobs unknown');
  const remainingJobs = pyInt(
    ((task.nFiles - task.nFilesFinished - task.nFilesFailed) * task.nJobs) / task.nFiles,
  );
  const done = (task.nFilesFinished + task.nFilesFailed) / task.nFiles;
  if (!(done >= PRODUCTION_BOOST.toBoostRatio && remainingJobs <= PRODUCTION_BOOST.maxRemainingJobs)) {
    return none(`progress ${done} with ${remainingJobs} remaining jobs`);
  }
  const newPriority =
    task.currentPriority < PRODUCTION_BOOST.boostedPrio ? PRODUCTION_BOOST.boostedPrio : null;
  const newShare =
    task.gshare !== PRODUCTION_BOOST.share && task.inGlobalShareOfLabel ? PRODUCTION_BOOST.share : null;
  return { newPriority, newShare, reason: `progress ${done} with ${remainingJobs} remaining jobs` };
}

/**
 * `AtlasProdWatchDog.doActionForHighPrioPending` with its (minPriority, minutes) pairs (950, 10) and (900, 30):
 * minutes after which a pending task of this priority is reactivated (`currentPriority >= minPriority`), or null.
 */
export function highPrioPendingReactivationMinutes(currentPriority: number): number | null {
  if (currentPriority >= 950) return 10;
  if (currentPriority >= 900) return 30;
  return null;
}
