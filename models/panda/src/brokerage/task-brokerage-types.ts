// Inputs and decisions of the production task brokerage (`AtlasProdTaskBrokerThread.runImpl`,
// pandajedi/jedibrokerage/AtlasProdTaskBroker.py; brokerage.md §3). The task and world types extend the shared
// snapshot with the few things only the task brokerage reads.

import type { NucleusSpec } from '../snapshot/nucleus.ts';
import type { ChunkDataset, TaskSpec } from '../snapshot/task.ts';
import type { BrokerageSnapshot } from '../snapshot/world.ts';

/** An input dataset of the task with the total size Rucio reports for it (`tsize` of the replica statistics). */
export interface TaskInputDataset extends ChunkDataset {
  /** Bytes of the whole dataset. */
  totalBytes: number;
}

/** `JediTaskSpec.FullChain` modes of the `fullChain` split rule. */
export type FullChainMode = 'only' | 'require' | 'capable';

/** A production task in status `assigning` waiting for a nucleus. */
export interface TaskToBroker extends TaskSpec {
  /** Master and secondary input datasets (pseudo, DBR and `log` datasets are skipped by the brokerage). */
  inputDatasets: TaskInputDataset[];
  /** `storageToken` of each output and log dataset, e.g. `ATLASDATADISK`; `ddd:` tokens are distributed. */
  outputStorageTokens: string[];
  /** `fullChain` split rule; absent ⇒ not a full-chain task. */
  fullChainMode?: FullChainMode;
  /** Nucleus of the parent task when the parent ran its full chain there (`check_full_chain_with_nucleus`). */
  parentFullChainNucleus?: string;
  /** `taskBrokerOnMaster` task parameter: only the master dataset counts for data locality. */
  taskBrokerOnMaster?: boolean;
}

/** The world as the task brokerage reads it. */
export interface TaskBrokerageSnapshot extends BrokerageSnapshot {
  /** Satellites (`role == satellite` ATLAS sites); those with `bareNucleus` are candidates of full-chain tasks. */
  satellites?: Record<string, NucleusSpec>;
}

/**
 * The job check of `runImpl` step 6: the production job brokerage run in hint mode on the given PQ names; returns
 * the PQs (parent or pseudo names) able to run the task. Injected so the task brokerage stays independent of it.
 */
export type TaskJobCheck = (task: TaskToBroker, queueNames: readonly string[]) => Iterable<string>;

/** `criteria=` tags of `runImpl`'s skip messages. */
export type NucleusDropReason =
  | 'status'
  | 'transfer_backlog'
  | 'match'
  | 'source_blacklist'
  | 'destination_blacklist'
  | 'space'
  | 'job'
  | 'insize'
  | 'innum'
  | 'full_chain';

export interface DroppedNucleus {
  nucleus: string;
  reason: NucleusDropReason;
  detail: string;
}

/** Every factor of one nucleus weight; a null factor was not applied. */
export interface NucleusWeight {
  nucleus: string;
  /** RW_nucleus at the task's priority (0 if absent). */
  remainingWork: number;
  /** 1/RW when RW ≥ `CUT_OFF_RW`, else 1. */
  rwFactor: number;
  /** ava_size_any / tot_size. */
  dataFraction: number | null;
  /** `NEG_WEIGHT_TAPE` when part of the input is only on tape there. */
  tapePenalty: number | null;
  /** (usable − projected) / total of the tightest output endpoint. */
  freeFraction: number | null;
  /** Whole TB free at that endpoint. */
  freeTB: number | null;
  /** min(FREE_DISK_CUTOFF, freeTB). */
  freeTerm: number | null;
  weight: number;
}

export type TaskBrokerageOutcome = 'brokered' | 'preassigned' | 'failed';

export interface TaskBrokerageDecision {
  jediTaskID: number;
  outcome: TaskBrokerageOutcome;
  /** Chosen nucleus; null when the task failed this cycle (it stays in assigning and is retried). */
  nucleus: string | null;
  /** Why the task failed, in PanDA's words. */
  failure?: string;
  /** Nuclei removed, in filter order. */
  dropped: DroppedNucleus[];
  /** Weights of the final candidates in draw order. */
  weights: NucleusWeight[];
  /** Data-locality step: applied, skipped (frozen too long or no data info), or disabled because it emptied the list. */
  dataCheck: 'applied' | 'skipped' | 'disabled';
  /** RW of the task, added to the chosen nucleus for the rest of the cycle. */
  remainingWork: number;
}
