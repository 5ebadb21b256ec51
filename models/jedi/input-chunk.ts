// The input a task reads in one JobGenerator pass and the InputChunk the job brokerage sees for it. A simulated
// task reads one input file (and one event) per job, so files, events and jobs are counted alike.
//
// How much is read (`_read_task_with_unprocessed_inputs` → "define the upper limit on the number of files to
// read in this cycle", pandaserver/taskbuffer/db_proxy_mods/task_complex_module.py): a scout chunk reads the
// scout files; any other chunk reads at most `nFiles` per task (jobgen template 5000) and, when the throttler set
// `maxNumJobs`, at most `typicalNumFilesPerJob × maxNumJobs + 10` files, but never fewer than 100.

import type { ChunkDataset, InputChunk, TaskInputDataset, TaskSpec } from '@pandasim/panda';

export const CHUNK_READ_LIMITS = {
  /** `jobgen.nFiles` of the template configuration. */
  maxFilesPerTask: 5000,
  /** "set a lower limit to avoid too many small chunks". */
  minFilesToRead: 100,
  /** Added to `typicalNumFilesPerJob × maxNumJobs`. */
  margin: 10,
} as const;

/** Jobs of a non-scout chunk: `left` jobs' input remains, the throttler allows `maxNumJobs` (null: no limit). */
export function chunkJobs(left: number, maxNumJobs: number | null): number {
  let files: number = CHUNK_READ_LIMITS.maxFilesPerTask;
  if (maxNumJobs !== null) {
    files = Math.min(files, Math.floor(maxNumJobs + CHUNK_READ_LIMITS.margin));
    files = Math.max(files, CHUNK_READ_LIMITS.minFilesToRead);
  }
  return Math.min(left, files);
}

/** The task's master input dataset, named after the task; its replicas are not modelled. */
function masterDataset(task: Pick<TaskSpec, 'jediTaskID'>, nJobs: number, nUsed: number): ChunkDataset {
  return {
    datasetName: `jedi.task${task.jediTaskID}.input`,
    isMaster: true,
    nFiles: nJobs,
    nFilesToBeUsed: nUsed,
    nEvents: nJobs,
    nEventsUsed: nUsed,
  };
}

export interface ChunkRequest {
  task: Pick<TaskSpec, 'jediTaskID'>;
  nJobs: number;
  /** Jobs generated before this chunk. */
  generated: number;
  /** Jobs in this chunk. */
  size: number;
  inputBytesPerJob: number;
  useScout: boolean;
}

export function inputChunk(r: ChunkRequest): InputChunk {
  return {
    useScout: r.useScout,
    datasets: [masterDataset(r.task, r.nJobs, r.generated + r.size)],
    nFiles: r.size,
    totalSize: r.size * r.inputBytesPerJob,
    maxAtomSize: r.inputBytesPerJob,
    maxAtomSizeEffective: r.inputBytesPerJob,
    maxAtomNumEvents: 1,
  };
}

/**
 * The input as the task brokerage reads it. Marked pseudo: without replica information the task brokerage would
 * find it readable nowhere and fail the task, while its remaining work is still counted from the master.
 */
export function taskInputDataset(
  task: Pick<TaskSpec, 'jediTaskID'>,
  nJobs: number,
  generated: number,
  inputBytesPerJob: number,
): TaskInputDataset {
  return {
    ...masterDataset(task, nJobs, generated),
    isPseudo: true,
    totalBytes: nJobs * inputBytesPerJob,
  };
}
