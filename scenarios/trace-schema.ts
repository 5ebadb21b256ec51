/**
 * The `traces:` entries of a scenario file — PanDA job records replayed as background load
 * (models/workload/trace-replay.ts) — and their loading: the records file is read (relative to the scenario
 * file) and checked at load, so `pandasim validate` reports a bad row or an unknown queue before any run:
 *
 *   traces:
 *     - file: records/jobs.json        # BigPanDAmon /jobs/?json, a list of jobs, or a CSV with those columns
 *       gshare: User Analysis          # a leaf of the shares tree
 *       route: recorded                # or broker (JEDI places the trace's tasks); default recorded
 *       queueMap: { BNL_PROD: BNL, '*': CERN-PROD }   # record queue → grid site of the catalog
 *       timeShift: 2h                  # when the first job is created; default 0
 */
import { basename, dirname, extname, isAbsolute, join } from 'node:path';
import { isLeafShare, type ShareTree } from '@pandasim/panda';
import { z } from 'zod';
import { parseDuration } from '../sim/units.ts';
import {
  JobRecordError,
  readJobRecords,
  recordCores,
  type JobRecord,
} from '../models/workload/job-records.ts';
import { isReplayed, mappedSite } from '../models/workload/trace-replay.ts';
import type { CheckContext, Place } from './checks.ts';
import { joinPath } from './scenario-error.ts';
import type { PlatformInput } from './schema.ts';
import type { TraceSpec } from './scenario.ts';

/** Problems of one records file listed in full. */
const MAX_RECORD_PROBLEMS = 10;
const EXPECTED_SHIFT = "a duration like '2h'";

export const TraceSchema = z.strictObject({
  file: z.string().min(1).describe('Job records (JSON, or CSV if it ends in .csv), relative to this file.'),
  name: z.string().min(1).describe("Its jobs' class is trace:<name>. Default: the file's name.").optional(),
  gshare: z.string().min(1).describe('A leaf of the shares tree.'),
  prodSourceLabel: z.enum(['managed', 'user']).optional(),
  priority: z.number().int().optional(),
  route: z.enum(['recorded', 'broker']).optional(),
  queueMap: z
    .record(z.string().min(1), z.string().min(1))
    .describe("A record's computingsite → a grid site of the catalog; '*' for every other queue.")
    .optional(),
  timeShift: z
    .custom<string | number>((v) => typeof v === 'string' || typeof v === 'number', { error: EXPECTED_SHIFT })
    .transform((value, ctx) => {
      try {
        return parseDuration(value);
      } catch (error) {
        const why = (error as Error).message.replace(/^cannot parse "[^"]*" as a duration: (expected )?/, '');
        ctx.addIssue({ code: 'custom', input: value, message: `${EXPECTED_SHIFT} (${why})` });
        return z.NEVER;
      }
    })
    .optional(),
});

export type TraceInput = z.output<typeof TraceSchema>;

export interface TraceDefaults {
  /** Cores per slot of a grid site that does not say. */
  readonly coresPerSlot: number;
  readonly priority: (label: 'managed' | 'user') => number;
}

/** Grid site name, and each of its PanDA queue names → the site; the slot size of each site. */
function gridSites(platform: PlatformInput, defaults: TraceDefaults) {
  const names = new Map<string, string>();
  const slots = new Map<string, number>();
  for (const s of platform.gridSites ?? []) {
    names.set(s.name, s.name);
    // The single-core PQ a grid site has beside its own (scenarios/world/catalog.ts `scoreQueue`).
    names.set(`${s.name}_SCORE`, s.name);
    slots.set(s.name, s.coresPerSlot ?? defaults.coresPerSlot);
  }
  return { names, slots, list: [...slots.keys()].join(', ') };
}

/**
 * The traces of a scenario whose entries passed the schema, with their records read and checked against the
 * platform (when it loaded) and the share tree. Every problem goes to `ctx`; undefined when there was one.
 */
export function loadTraces(
  inputs: readonly TraceInput[],
  scenarioFile: string,
  platform: PlatformInput | undefined,
  tree: ShareTree | undefined,
  defaults: TraceDefaults,
  ctx: CheckContext,
): TraceSpec[] | undefined {
  const place: Place = { file: scenarioFile, prefix: 'traces' };
  let ok = true;
  const report = (where: Place, path: string, expected: string, got?: unknown) => {
    ok = false;
    ctx.report(where, path, expected, got);
  };
  const grid = platform === undefined ? undefined : gridSites(platform, defaults);
  const traces = inputs.map((input, i): TraceSpec => {
    const at = (field: string) => joinPath(`[${i}]`, field);
    const route = input.route ?? 'recorded';
    const queueMap = input.queueMap ?? {};
    if (tree !== undefined && !isLeafShare(tree, input.gshare)) {
      const leaves = tree.leafNames.map((n) => JSON.stringify(n)).join(', ');
      report(place, at('gshare'), `a leaf share (${leaves})`, input.gshare);
    }
    for (const [queue, site] of Object.entries(queueMap)) {
      if (grid !== undefined && !grid.slots.has(site))
        report(place, at(`queueMap.${queue}`), `a grid site of the platform (${grid.list})`, site);
    }
    const file = isAbsolute(input.file) ? input.file : join(dirname(scenarioFile), input.file);
    let records: JobRecord[] = [];
    try {
      records = readJobRecords(file);
    } catch (error) {
      if (!(error instanceof JobRecordError)) throw error;
      // The first few: a file with a systematic mistake would otherwise repeat it on every row.
      for (const p of error.problems.slice(0, MAX_RECORD_PROBLEMS)) {
        const path = [p.row, p.field].filter((x) => x !== '').join(': ');
        report({ file, prefix: '' }, path, p.expected, p.got === null ? undefined : p.got);
      }
      const more = error.problems.length - MAX_RECORD_PROBLEMS;
      if (more > 0)
        report({ file, prefix: '' }, '', `no more problems (${more} more rows or fields are wrong)`);
    }
    if (grid !== undefined)
      checkQueues(records, route, queueMap, grid, (expected, got) =>
        report(place, at('queueMap'), expected, got),
      );
    const prodSourceLabel = input.prodSourceLabel ?? 'managed';
    return {
      name: input.name ?? basename(input.file, extname(input.file)),
      file,
      records,
      gshare: input.gshare,
      prodSourceLabel,
      priority: input.priority ?? defaults.priority(prodSourceLabel),
      route,
      queueMap,
      timeShift: input.timeShift ?? 0,
    };
  });
  return ok ? traces : undefined;
}

/**
 * Every replayed job must have a grid site: the one it runs at (recorded route), or, without `hs06sec`, the one
 * whose corepower turns its wall time into work; and it must fit a slot there.
 */
function checkQueues(
  records: readonly JobRecord[],
  route: 'recorded' | 'broker',
  queueMap: Readonly<Record<string, string>>,
  grid: ReturnType<typeof gridSites>,
  report: (expected: string, got?: unknown) => void,
): void {
  const unmapped = new Map<string, number>();
  for (const r of records) {
    if (!isReplayed(r)) continue;
    const site = mappedSite(r.computingsite, queueMap, grid.names);
    if (site === undefined) {
      if (route === 'recorded' || r.hs06sec === null)
        unmapped.set(r.computingsite, (unmapped.get(r.computingsite) ?? 0) + 1);
      continue;
    }
    const slot = grid.slots.get(site) as number;
    if (route === 'recorded' && recordCores(r) > slot) {
      report(
        `jobs that fit a slot of ${site} (${slot} cores)`,
        `pandaid ${r.pandaid} with ${recordCores(r)} cores`,
      );
      return;
    }
  }
  for (const [queue, n] of unmapped) {
    report(
      `an entry mapping queue ${JSON.stringify(queue)} (${n} job(s)) to a grid site (${grid.list}), ` +
        "or '*' for every unlisted queue",
    );
  }
}
