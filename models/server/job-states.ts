// PanDA job states as the server's job table moves a job through them (providers.md §1.3, fairshare.md §1.4)
// and the transitions the simulator allows. Forward jumps along the execution chain are legal because a
// report can skip a state the server never saw (a short payload ends between two heartbeats); going back is
// not, and a report of an earlier state is a heartbeat (JobReport in models/harvester/panda-server-api.ts).
//
// Upstream: pandaserver/taskbuffer/JobSpec.py states; `DBProxy.updateJobStatus` / `archiveJob` for which
// moves the server performs.

import type { PandaJobStatus } from '../harvester/panda-server-api.ts';

export type ServerJobStatus = PandaJobStatus | 'cancelled';

/** Every state, in lifecycle order; the index is the state's column in the count tables. */
export const JOB_STATES: readonly ServerJobStatus[] = [
  'defined',
  'assigned',
  'waiting',
  'activated',
  'sent',
  'starting',
  'running',
  'holding',
  'transferring',
  'finished',
  'failed',
  'cancelled',
];

export const STATE_INDEX: Readonly<Record<ServerJobStatus, number>> = Object.fromEntries(
  JOB_STATES.map((s, i) => [s, i]),
) as Record<ServerJobStatus, number>;

/** A job in one of these has left `jobsActive4`: it is folded into counters and released. */
export function isFinalState(status: ServerJobStatus): boolean {
  return status === 'finished' || status === 'failed' || status === 'cancelled';
}

/** The execution chain from dispatch to the end: a report may move a job forward along it, never back. */
const EXECUTION_CHAIN: readonly ServerJobStatus[] = [
  'sent',
  'starting',
  'running',
  'holding',
  'transferring',
];

const LEGAL: ReadonlyMap<ServerJobStatus, ReadonlySet<ServerJobStatus>> = new Map<
  ServerJobStatus,
  ReadonlySet<ServerJobStatus>
>([
  // JEDI defines a job, the brokerage assigns it, input availability activates it; `waiting` holds it back.
  ['defined', new Set<ServerJobStatus>(['assigned', 'waiting', 'activated', 'failed', 'cancelled'])],
  ['assigned', new Set<ServerJobStatus>(['waiting', 'activated', 'failed', 'cancelled'])],
  ['waiting', new Set<ServerJobStatus>(['assigned', 'activated', 'failed', 'cancelled'])],
  ['activated', new Set<ServerJobStatus>(['sent', 'failed', 'cancelled'])],
  ...EXECUTION_CHAIN.map((state, i): [ServerJobStatus, ReadonlySet<ServerJobStatus>] => [
    state,
    new Set<ServerJobStatus>([...EXECUTION_CHAIN.slice(i + 1), 'finished', 'failed', 'cancelled']),
  ]),
]);

export function isLegalTransition(from: ServerJobStatus, to: ServerJobStatus): boolean {
  return LEGAL.get(from)?.has(to) ?? false;
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly PandaID: number,
    readonly from: ServerJobStatus,
    readonly to: ServerJobStatus,
  ) {
    super(`job ${PandaID}: illegal transition ${from} -> ${to}`);
    this.name = 'IllegalTransitionError';
  }
}
