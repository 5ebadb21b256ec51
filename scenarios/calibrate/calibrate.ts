/**
 * Fitting a grid site's parameters to PanDA job records (issue #10, calibration): the records' jobs are
 * replayed at the site (trace replay, recorded route: each job created when it was, all at the site being
 * fitted) with candidate parameter values, and the simulated distributions of the two times every finished
 * job record has are compared with the real ones:
 *
 *   wait = starttime − creationtime   what the model makes of the pilot's batch-queue wait (Harvester's cycles,
 *                                     the CE's latency and the queue wait, shortened when a running pilot takes
 *                                     the job on) — the part of the record the queueWait parameters shape
 *   run  = endtime − starttime        the payload at the site's speed plus stage-in/out — hs06PerCore's part
 *
 * The records' outcomes are replayed, not drawn again: the site's payload-failure and worker-loss
 * probabilities are set to 0 for the fit, and a failed record comes back as the work it got through before it
 * failed (its hs06sec), so each replayed job loads the site as the real one did. The jobs compared are those
 * whose record finished (a failed one ends at an arbitrary point), real and simulated alike.
 *
 * The distance is the sum over the two of the Kolmogorov–Smirnov statistic (`ks`) or of the Wasserstein-1
 * distance divided by the real sample's mean (`wasserstein`, so both terms are fractions and add up), plus
 * the fraction of replayed jobs that did not end within the horizon (a candidate that leaves jobs behind
 * must not look good on the ones that finished).
 *
 * The search is Nelder–Mead over the parameters' logarithms, every evaluation with the same seed (common
 * random numbers: a change of the distance comes from the parameters, not from other draws), from the
 * scenario's values with a first step of a factor e^0.5 ≈ 1.65 along each.
 */
import { buildShareTree } from '@pandasim/panda';
import { ksDistance, sortedCopy, wassersteinDistance } from '../../sim/stats/two-sample.ts';
import { recordCores, type JobRecord } from '../../models/workload/job-records.ts';
import { JobRecordRecorder } from '../../models/workload/job-record-recorder.ts';
import { World } from '../world/world.ts';
import { policyByName } from '../policies/index.ts';
import { SCENARIO_DEFAULTS } from '../schema.ts';
import type { Scenario } from '../scenario.ts';
import { nelderMead } from './nelder-mead.ts';
import {
  CalibrationInputError,
  gridSite,
  readParameters,
  roundParameter,
  withParameters,
  withSite,
  type FitParameter,
} from './parameters.ts';

export type DistanceKind = 'ks' | 'wasserstein';

/** The two samples compared, sorted ascending, s. */
export interface Observables {
  readonly wait: Float64Array;
  readonly run: Float64Array;
}

/** How far one simulated set of records is from the real one. */
export interface FitScore {
  /** What the search minimises (see the header). */
  readonly distance: number;
  readonly ks: { readonly wait: number; readonly run: number };
  /** In seconds. */
  readonly wasserstein: { readonly wait: number; readonly run: number };
  /** Replayed jobs that had not ended at the horizon, as a fraction of those replayed. */
  readonly unended: number;
}

export interface CalibrationRequest {
  readonly scenario: Scenario;
  readonly records: readonly JobRecord[];
  /** Names the records in the trace spec (their file). */
  readonly recordsFile: string;
  readonly site: string;
  readonly fit: readonly FitParameter[];
  readonly distance: DistanceKind;
  readonly seed: number;
  /** The share the replayed jobs are tagged with (default: the first leaf of the scenario's tree). */
  readonly gshare?: string;
  /** Simulations at most (default 60). */
  readonly maxEvaluations?: number;
  /** After each simulation. */
  readonly progress?: (evaluation: number, distance: number) => void;
}

export interface CalibrationResult {
  readonly site: string;
  readonly fit: readonly FitParameter[];
  readonly distanceKind: DistanceKind;
  readonly seed: number;
  readonly initial: readonly number[];
  readonly fitted: readonly number[];
  readonly before: FitScore;
  readonly after: FitScore;
  /** Every simulation the search ran, in order. */
  readonly evaluations: readonly { readonly values: readonly number[]; readonly distance: number }[];
  readonly converged: boolean;
  /** Finished records compared, and records replayed. */
  readonly finishedRecords: number;
  readonly replayedRecords: number;
  readonly real: Observables;
  readonly simulatedBefore: Observables;
  readonly simulatedAfter: Observables;
  /** The scenario with the fitted values at the site. */
  readonly fittedScenario: Scenario;
}

/** Waits and run times of the records that finished (or of those `counted` keeps). */
export function observables(
  records: readonly JobRecord[],
  counted: (r: JobRecord) => boolean = (r) => r.jobstatus === 'finished',
): Observables {
  const finished = records.filter((r) => counted(r) && r.starttime !== null && r.endtime !== null);
  return {
    wait: sortedCopy(finished.map((r) => (r.starttime as number) - r.creationtime)),
    run: sortedCopy(finished.map((r) => (r.endtime as number) - (r.starttime as number))),
  };
}

/** A job attempt's identity, which a replayed job's record keeps. */
const recordKey = (r: JobRecord) => `${r.pandaid}/${r.attemptnr}`;

const mean = (a: Float64Array) => a.reduce((s, x) => s + x, 0) / a.length;

/** The score of simulated observables against real ones. */
export function score(real: Observables, sim: Observables, kind: DistanceKind, unended: number): FitScore {
  if (sim.wait.length === 0) {
    const none = { wait: Infinity, run: Infinity };
    return { distance: Infinity, ks: { wait: 1, run: 1 }, wasserstein: none, unended };
  }
  const ks = { wait: ksDistance(real.wait, sim.wait), run: ksDistance(real.run, sim.run) };
  const wasserstein = {
    wait: wassersteinDistance(real.wait, sim.wait),
    run: wassersteinDistance(real.run, sim.run),
  };
  const scale = (a: Float64Array) => Math.max(mean(a), 1);
  const terms =
    kind === 'ks'
      ? ks.wait + ks.run
      : wasserstein.wait / scale(real.wait) + wasserstein.run / scale(real.run);
  return { distance: terms + unended, ks, wasserstein, unended };
}

/**
 * The scenario that replays `records` at `site` with the site's own failure draws off (the records carry
 * their outcomes), and nothing else of its own workload but the background.
 */
export function replayScenario(
  scenario: Scenario,
  records: readonly JobRecord[],
  recordsFile: string,
  site: string,
  gshare: string,
): Scenario {
  const queueMap = Object.fromEntries(
    [...new Set(records.map((r) => r.computingsite))].map((q) => [q, site]),
  );
  const first = records.reduce((m, r) => Math.min(m, r.creationtime), Infinity);
  const last = records.reduce((m, r) => Math.max(m, r.endtime ?? r.creationtime), -Infinity);
  const replaySite = { ...gridSite(scenario, site), payloadFailureProbability: 0, workerLossProbability: 0 };
  return {
    ...withSite(scenario, replaySite),
    // Long enough for a slow candidate to finish what the records did in their span, and then some.
    horizon: 3 * (last - first) + 2 * 86_400,
    workflows: [],
    traces: [
      {
        name: 'calibration',
        file: recordsFile,
        records,
        gshare,
        prodSourceLabel: 'managed',
        priority: SCENARIO_DEFAULTS.work.managedPriority,
        route: 'recorded',
        queueMap,
        timeShift: 0,
      },
    ],
  };
}

/** Replays the records on `scenario` (a replayScenario) and returns the simulated records of the replayed jobs. */
export function simulateRecords(scenario: Scenario, seed: number): { records: JobRecord[]; unended: number } {
  const world = new World({ scenario, policy: policyByName('panda-brokerage'), seed });
  const replay = world.traces;
  if (replay === undefined) throw new Error('simulateRecords: the scenario replays no trace');
  const records: JobRecord[] = [];
  const recorder = new JobRecordRecorder({
    sink: (record, job) => {
      if (replay.recordOf(job.PandaID) !== undefined) records.push(record);
    },
    replayed: (id) => replay.recordOf(id),
    corepower: (queue) => world.catalog.byQueue.get(queue)?.corepower,
  });
  world.server.observe(recorder.observe);
  replay.onAllEnded(() => world.sim.stop());
  world.run();
  return { records, unended: replay.planned === 0 ? 0 : 1 - replay.ended / replay.planned };
}

export function calibrate(request: CalibrationRequest): CalibrationResult {
  const { scenario, fit, distance: kind, seed } = request;
  const site = gridSite(scenario, request.site);
  const initial = readParameters(site, fit);
  const real = observables(request.records);
  const finished = new Set(request.records.filter((r) => r.jobstatus === 'finished').map(recordKey));
  if (real.wait.length === 0)
    throw new CalibrationInputError('the records have no finished job with a start and an end');
  const tooBig = request.records.find((r) => recordCores(r) > site.coresPerSlot);
  if (tooBig !== undefined) {
    throw new CalibrationInputError(
      `pandaid ${tooBig.pandaid} used ${recordCores(tooBig)} cores; slots of ${site.name} have ${site.coresPerSlot}`,
    );
  }
  const gshare = request.gshare ?? buildShareTree(scenario.shares).leafNames[0];
  const base = replayScenario(scenario, request.records, request.recordsFile, request.site, gshare);

  const evaluations: { values: number[]; distance: number }[] = [];
  const cache = new Map<string, { score: FitScore; sim: Observables }>();
  const evaluate = (values: readonly number[]) => {
    const key = values.map((v) => v.toPrecision(12)).join(',');
    let hit = cache.get(key);
    if (hit === undefined) {
      const { records, unended } = simulateRecords(withSite(base, withParameters(site, fit, values)), seed);
      const sim = observables(records, (r) => finished.has(recordKey(r)));
      hit = { score: score(real, sim, kind, unended), sim };
      cache.set(key, hit);
      evaluations.push({ values: [...values], distance: hit.score.distance });
      request.progress?.(evaluations.length, hit.score.distance);
    }
    return hit;
  };

  const start = evaluate(initial);
  const result = nelderMead((logs) => evaluate(logs.map(Math.exp)).score.distance, initial.map(Math.log), {
    step: 0.5,
    maxEvaluations: request.maxEvaluations ?? 60,
    tolerance: 0.01,
  });
  // The values as the catalog will hold them, and the score of exactly those.
  const fitted = result.x.map((x, i) => roundParameter(fit[i], Math.exp(x)));
  const end = evaluate(fitted);
  const fittedSite = withParameters(site, fit, fitted);
  return {
    site: request.site,
    fit,
    distanceKind: kind,
    seed,
    initial,
    fitted,
    before: start.score,
    after: end.score,
    evaluations,
    converged: result.converged,
    finishedRecords: real.wait.length,
    replayedRecords: request.records.filter((r) => r.starttime !== null && r.endtime !== null).length,
    real,
    simulatedBefore: start.sim,
    simulatedAfter: end.sim,
    fittedScenario: withSite(scenario, fittedSite),
  };
}
