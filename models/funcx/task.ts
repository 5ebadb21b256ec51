/**
 * A Globus Compute task as the service, the endpoint and the client see it: what is submitted, the states a
 * client reads back (§2.1: waiting-for-ep, waiting-for-nodes, waiting-for-launch, running, success, failed),
 * and why a task failed.
 */
import type { Payload } from '../provider/worker.ts';
import type { HtexParams } from './params.ts';

/** One function invocation: the work it does, and the bytes that go through the service with it. */
export interface TaskSpec {
  /** The work, in reference units; the LCF's speeds turn it into seconds (models/provider/worker.ts). */
  payload: Payload;
  /** Serialized function and arguments, bytes. Input files move by Globus Transfer, not through the service. */
  argumentBytes: number;
  /** Serialized return value, bytes. Output files are written to disk and moved by Globus Transfer. */
  resultBytes: number;
}

/** States of an unfinished task, as `get_batch_result` reports them. */
export type PendingState = 'waiting-for-ep' | 'waiting-for-nodes' | 'waiting-for-launch' | 'running';
export type TaskState = PendingState | 'success' | 'failed';

/** Why a task ended `failed`. The first three are system failures, the ones the engine may retry. */
export type TaskFailureReason =
  | 'walltime' // its block's batch job reached its walltime (the interchange reports ManagerLost)
  | 'manager-lost' // a node of its block failed or the job was killed (ManagerLost)
  | 'worker-lost' // its worker process died (WorkerLost)
  | 'function-error' // the function raised
  | 'unschedulable' // it needs more cores or GPUs than a block has
  | 'result-too-large' // MaxResultSizeExceeded: the result is lost
  | 'result-expired' // the result was not fetched within the retention time and was abandoned
  | 'task-ttl-expired'; // no endpoint took it within the task TTL

/** A task's status in a `get_batch_result` reply (the SDK's `pending`/`status` dictionary). */
export type TaskStatus =
  | { readonly pending: true; readonly status: PendingState }
  | {
      readonly pending: false;
      readonly status: 'success';
      /** When the function returned, and how long it ran, s. */
      readonly completedAt: number;
      readonly runTime: number;
    }
  | {
      readonly pending: false;
      readonly status: 'failed';
      readonly reason: TaskFailureReason;
      readonly message: string;
      /** When the failure happened (or was detected), and how long the function had run, s (0 if never). */
      readonly completedAt: number;
      readonly runTime: number;
    };

export interface TaskFailure {
  readonly reason: TaskFailureReason;
  readonly message: string;
}

/** The service's record of a task, which the endpoint it is routed to updates. */
export class ComputeTask {
  /** The state the service knows (what a client reads). */
  state: TaskState = 'waiting-for-ep';
  /** The state at the endpoint; it reaches the service while the endpoint is connected. */
  endpointState: TaskState = 'waiting-for-ep';
  /** When the function started and ended (or the failure was detected); its run time, s. */
  startedAt: number | undefined;
  completedAt: number | undefined;
  runTime = 0;
  failure: TaskFailure | undefined;

  constructor(
    readonly id: number,
    readonly spec: TaskSpec,
    /** The identity that submitted it; the MEP runs it in that user's endpoint. */
    readonly user: string,
    readonly endpointId: string,
    /** When the service accepted it. */
    readonly acceptedAt: number,
    /** The user endpoint configuration sent with it (the MEP template's fields it overrides). */
    readonly userEndpointConfig: Partial<HtexParams>,
  ) {}
}

export function isFinal(state: TaskState): state is 'success' | 'failed' {
  return state === 'success' || state === 'failed';
}
