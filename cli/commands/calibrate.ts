/**
 * `pandasim calibrate SCENARIO --records FILE --site SITE`: fits a grid site's queue wait and speed to PanDA
 * job records (scenarios/calibrate/) and writes fit.json, the fitted catalog and a report.
 */
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { JobRecordError, readJobRecords } from '../../models/workload/job-records.ts';
import { calibrate, type DistanceKind } from '../../scenarios/calibrate/calibrate.ts';
import {
  CalibrationInputError,
  parseFitList,
  type FitParameter,
} from '../../scenarios/calibrate/parameters.ts';
import { writeCalibration } from '../../scenarios/calibrate/report.ts';
import { formatDuration } from '../../sim/units.ts';
import { InputError } from '../errors.ts';
import { scenarioInput } from '../scenario-input.ts';

interface CalibrateArgs {
  scenario: string;
  records: string;
  site: string;
  fit: string;
  distance: string;
  seed: number;
  gshare?: string;
  'max-evaluations': number;
  out?: string;
  quiet: boolean;
}

function fitInput(text: string): FitParameter[] {
  try {
    return parseFitList(text);
  } catch (error) {
    throw new InputError(`--fit: ${(error as Error).message}`);
  }
}

export const calibrateCommand: CommandModule<object, CalibrateArgs> = {
  command: 'calibrate <scenario>',
  describe:
    "Fit a grid site's queue wait and speed to PanDA job records; write the fitted catalog and a report",
  builder: (y) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'built-in name or YAML file' })
      .option('records', {
        type: 'string',
        demandOption: true,
        describe: 'job records: BigPanDAmon /jobs/?json output, a JSON list, or a .csv with those columns',
      })
      .option('site', {
        type: 'string',
        demandOption: true,
        describe: 'the grid site of the scenario to fit',
      })
      .option('fit', {
        type: 'string',
        default: 'queueWait.median,queueWait.sigma,hs06PerCore',
        describe: 'parameters to fit',
      })
      .option('distance', {
        type: 'string',
        choices: ['wasserstein', 'ks'],
        default: 'wasserstein',
        describe: 'distance between real and simulated distributions',
      })
      .option('seed', {
        type: 'number',
        default: 1,
        describe: 'the seed of every simulation (common random numbers)',
      })
      .option('gshare', { type: 'string', describe: 'share of the replayed jobs (default: the first leaf)' })
      .option('max-evaluations', { type: 'number', default: 60, describe: 'simulations at most' })
      .option('out', {
        type: 'string',
        describe: 'output directory (default results/<scenario>/calibrate-<site>)',
      })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress lines' })
      .example(
        '$0 calibrate one-site.yaml --records jobs.json --site SITE-A --fit queueWait.median,hs06PerCore',
        "fit a site's median pilot wait and HS06 per core",
      ),
  handler: async (args) => {
    if (!Number.isInteger(args.seed) || args.seed < 0)
      throw new InputError(`--seed: expected a non-negative integer, got ${args.seed}`);
    if (!Number.isInteger(args['max-evaluations']) || args['max-evaluations'] < 2)
      throw new InputError(`--max-evaluations: expected an integer >= 2, got ${args['max-evaluations']}`);
    const fit = fitInput(args.fit);
    const { file, scenario } = scenarioInput(args.scenario);
    let records;
    try {
      records = readJobRecords(args.records);
    } catch (error) {
      if (error instanceof JobRecordError) throw new InputError(error.message);
      throw error;
    }
    let result;
    try {
      result = calibrate({
        scenario,
        records,
        recordsFile: args.records,
        site: args.site,
        fit,
        distance: args.distance as DistanceKind,
        seed: args.seed,
        gshare: args.gshare,
        maxEvaluations: args['max-evaluations'],
        progress: args.quiet
          ? undefined
          : (n, distance) => console.error(`simulation ${n}: distance ${distance.toFixed(4)}`),
      });
    } catch (error) {
      if (error instanceof CalibrationInputError) throw new InputError(error.message);
      throw error;
    }
    const out = args.out ?? join('results', scenario.name, `calibrate-${args.site}`);
    await writeCalibration(out, result, { records: args.records, scenario: file });
    const show = (p: FitParameter, v: number) => (p === 'queueWait.median' ? formatDuration(v) : String(v));
    console.log(
      [
        `${args.site}: ${result.finishedRecords} finished jobs, ${result.evaluations.length} simulations`,
        ...fit.map((p, i) => `  ${p}: ${show(p, result.initial[i])} -> ${show(p, result.fitted[i])}`),
        `  ${result.distanceKind} distance: ${result.before.distance.toFixed(4)} -> ${result.after.distance.toFixed(4)}`,
        `written to ${out}/ (fit.json, catalog.yaml, report.html)`,
      ].join('\n'),
    );
  },
};
