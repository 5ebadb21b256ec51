/**
 * `pandasim run SCENARIO`: one policy, one seed. Writes summary.json (the metrics contract), the report with
 * its tables and charts, and prints a short summary.
 */
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { AtomicFileStream, writeJsonAtomic } from '../../reports/files.ts';
import { writeRunReport } from '../../reports/report.ts';
import { EVENT_LOG_HEADER, World } from '../../scenarios/world/world.ts';
import { JobRecordFile } from '../../models/workload/job-records.ts';
import { Interrupt } from '../interrupt.ts';
import { InputError } from '../errors.ts';
import { Progress } from '../progress.ts';
import { policyInput, scenarioInput } from '../scenario-input.ts';
import { runLines } from './run-lines.ts';

interface RunArgs {
  scenario: string;
  policy: string;
  seed: number;
  out?: string;
  quiet: boolean;
  json: boolean;
  'event-log'?: string;
  'job-records'?: string;
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <scenario>',
  describe: 'Run a scenario under one placement policy and seed; write summary.json and a report',
  builder: (y) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'built-in name or YAML file' })
      .option('policy', { type: 'string', default: 'panda-brokerage', describe: 'placement policy' })
      .option('seed', { type: 'number', default: 1, describe: 'master seed' })
      .option('out', {
        type: 'string',
        describe: 'output directory (default results/<scenario>/<policy>-<seed>)',
      })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress display' })
      .option('json', { type: 'boolean', default: false, describe: 'print summary.json to stdout' })
      .option('event-log', { type: 'string', describe: 'write every job transition to this CSV file' })
      .option('job-records', {
        type: 'string',
        describe: 'write every ended job attempt as a PanDA job record (.csv, else BigPanDAmon JSON)',
      })
      .example(
        '$0 run ml-detector-sim-small --policy lcf-harvester --seed 2',
        'the small workflow, LCF via Harvester',
      )
      .example('$0 run my-scenario.yaml --out results/mine', 'a scenario file of your own'),
  handler: async (args) => {
    if (!Number.isInteger(args.seed) || args.seed < 0) {
      throw new InputError(`--seed: expected a non-negative integer, got ${args.seed}`);
    }
    const { scenario } = scenarioInput(args.scenario);
    const policy = policyInput(args.policy);
    const out = args.out ?? join('results', scenario.name, `${policy.name}-${args.seed}`);
    const progress = new Progress(`${scenario.name} / ${policy.name}`, args.quiet || args.json);
    // Streamed through a temporary file renamed at the end, so a failed run leaves no half log.
    const log = args['event-log'] === undefined ? undefined : new AtomicFileStream(args['event-log']);
    log?.write(`${EVENT_LOG_HEADER}\n`);
    // Job records (models/workload/job-records.ts): written as attempts end, renamed into place at the end.
    const records = args['job-records'] === undefined ? undefined : new JobRecordFile(args['job-records']);
    let summary;
    const interrupt = new Interrupt();
    const started = performance.now();
    try {
      const world = new World({
        scenario,
        policy,
        seed: args.seed,
        eventLog: log === undefined ? undefined : (line) => log.write(`${line}\n`),
        jobRecords: records === undefined ? undefined : (record) => records.write(record),
        progress: (now, horizon) =>
          progress.update(now / horizon, `${(now / 86_400).toFixed(1)} d simulated`),
      });
      summary = await world.runInterruptible(interrupt.signal);
    } catch (error) {
      log?.discard();
      records?.discard();
      throw error;
    } finally {
      interrupt.dispose();
    }
    const wallSeconds = (performance.now() - started) / 1000;
    progress.done();
    log?.close();
    records?.close();
    writeJsonAtomic(join(out, 'summary.json'), summary);
    // The one output that depends on the machine: kept apart so that summary.json is the same bytes anywhere.
    writeJsonAtomic(join(out, 'timing.json'), {
      wallSeconds,
      eventsPerSecond: Math.round(summary.eventsProcessed / wallSeconds),
    });
    await writeRunReport(out, summary);
    if (args.json) console.log(JSON.stringify(summary, null, 2));
    else
      console.log(
        [...runLines(summary, wallSeconds), `written to ${out}/ (summary.json, report.html)`].join('\n'),
      );
    if (summary.partial) {
      console.error(
        `pandasim: interrupted by ${interrupt.signalName} at ${(summary.simulatedTime / 3600).toFixed(1)} ` +
          `simulated hours: the results in ${out}/ cover that much and are marked partial`,
      );
      process.exitCode = interrupt.exitCode;
    }
  },
};
