/**
 * The table of what each injected fault cost a run (RunSummary.faults), one row per occurrence, for the
 * HTML page and the markdown summary alike.
 */
import type { FaultSummary } from './fault-summary.ts';
import type { KeyTable } from './key-tables.ts';
import type { RunSummary } from './summary.ts';
import { num } from './text-table.ts';

const hours = (s: number) => num(s / 3600);

export const FAULT_TABLE_NOTE =
  'One row per fault occurrence. Killed: job attempts it ended (retried / out of attempts / finished after a ' +
  'retry are the PanDA jobs among them); lost: core- and GPU-hours those attempts had run; transfers: copy ' +
  'attempts failed (failed for good) and Globus file faults while it lasted; blocked: Harvester submissions ' +
  'refused for an invalid token while it lasted; restart wait: job-hours its killed jobs waited to run again; ' +
  'delay: the waiting it caused where measured (see its basis).';

function row(f: FaultSummary): string[] {
  return [
    f.kind,
    f.target,
    f.origin,
    `${hours(f.start)}–${hours(f.end)}`,
    `${f.jobsKilled} (${f.jobsRetried}/${f.jobsFailed}/${f.jobsRecovered})`,
    `${num(f.cpuHoursLost)} / ${num(f.gpuHoursLost)}`,
    `${f.transferAttemptsFailed} (${f.transfersFailed}), ${f.globusFileFaults}`,
    num(f.submissionsBlocked),
    num(f.restartWaitHours),
    f.delayHours === null ? '-' : `${num(f.delayHours)} (${f.delayBasis ?? ''})`,
  ];
}

/** The faults table, or undefined when the run had no faults. */
export function faultKeyTable(run: RunSummary): KeyTable | undefined {
  const faults = run.faults ?? [];
  if (faults.length === 0) return undefined;
  return {
    header: [
      'fault',
      'target',
      'origin',
      'window (h)',
      'killed (retried/failed/recovered)',
      'lost core-h / GPU-h',
      'transfers failed (for good), Globus faults',
      'submissions blocked',
      'restart wait (job-h)',
      'delay (h)',
    ],
    rows: faults.map(row),
  };
}
