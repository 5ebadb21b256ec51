/**
 * `pandasim broker FILE.json`: runs one of PanDA's brokerages (production job, analysis job, production task) on
 * a broker file and prints its decision as JSON, or as tables with --explain. --jobs assigns a number of jobs over
 * the candidates in bunches as JobGenerator does; --seed drives every random draw.
 */
import seedrandom from 'seedrandom';
import type { CommandModule } from 'yargs';
import {
  loadBrokerFile,
  runBrokerFile,
  type AnalysisRun,
  type BrokerRun,
  type ProductionRun,
  type SplitReport,
  type TaskRun,
} from '@pandasim/panda';
import { InputError, loadInputFile } from '../errors.ts';
import { num, textTable } from '../../reports/text-table.ts';

interface BrokerArgs {
  file: string;
  explain: boolean;
  seed: number;
  jobs?: number;
}

function grouped<T>(items: readonly T[], key: (t: T) => string, line: (t: T) => string): string[] {
  const groups = new Map<string, T[]>();
  for (const t of items) groups.set(key(t), [...(groups.get(key(t)) ?? []), t]);
  return [...groups].flatMap(([k, list]) => [
    `  ${k} (${list.length})`,
    ...list.map((t) => `    ${line(t)}`),
  ]);
}

function splitTables(split: SplitReport, seed: number): string[] {
  const assignments = Object.entries(split.assignments).sort((a, b) => b[1] - a[1]);
  return [
    '',
    `assignment of ${split.nJobs} jobs (seed ${seed}): ${split.nAssigned} assigned, ${split.nUnassigned} left, ${split.nDraws} draws`,
    textTable(
      ['queue', 'jobs'],
      assignments.map(([q, n]) => [q, String(n)]),
    ),
    '',
    'bunches',
    textTable(
      ['#', 'queue', 'jobs', 'p', 'weight', '→ weight', 'queued', '→ queued', 'pass', 'bootstrap'],
      split.bunches.map((b, k) => [
        String(k + 1),
        b.siteName,
        String(b.nJobs),
        num(b.probability),
        num(b.weightBefore),
        num(b.weightAfter),
        num(b.nQueuedBefore),
        num(b.nQueuedAfter),
        String(b.pass),
        b.bootstrap ? 'yes' : '',
      ]),
    ),
  ];
}

function explainProduction(run: ProductionRun, seed: number): string[] {
  const d = run.decision;
  const t = d.task;
  const nExcluded = Object.values(d.excludedCounts).reduce((a, b) => a + (b ?? 0), 0);
  const out = [
    `production job brokerage of task ${d.jediTaskID}: ${d.candidates.length} candidates, ${nExcluded} PQs excluded`,
    `  useMP ${t.useMP}, RAM ${num(t.ramCount)} MB, t1Weight ${num(t.t1Weight)}, express ${t.isExpress ? 'yes' : 'no'}, scout ${t.useScout ? 'yes' : 'no'}`,
  ];
  if (d.failure) out.push(`  ${d.ok ? 'note' : 'failed'}: ${d.failure.message} (step ${d.failure.step})`);
  if (d.candidates.length > 0) {
    out.push('', 'candidates, in the order handed to the job splitter');
    out.push(
      textTable(
        ['queue', 'weight', 'basic', 'data', 't1', 'network', 'running', 'queued', 'cap', 'bootstrap'],
        d.candidates.map((c) => [
          c.siteName,
          num(c.weight),
          num(c.factors.basicWeight),
          num(c.factors.dataWeight),
          num(c.factors.t1Weight),
          c.factors.networkWeight === null
            ? '-'
            : `${num(c.factors.networkWeight)}${c.factors.networkWeightApplied ? '' : '*'}`,
          String(c.nRunningJobs),
          String(c.nQueuedJobs),
          num(c.nRunningJobsCap),
          c.bootstrap ? 'yes' : '',
        ]),
      ),
    );
    if (d.candidates.some((c) => c.factors.networkWeight !== null && !c.factors.networkWeightApplied)) {
      out.push('  * network weight computed but not applied (NW_ACTIVE is off)');
    }
  }
  if (d.excluded.length > 0) {
    out.push('', 'excluded, by reason');
    out.push(
      ...grouped(
        d.excluded,
        (x) => x.code,
        (x) => (x.temporary ? `${x.message} (temporary)` : x.message),
      ),
    );
  } else if (nExcluded > 0) {
    out.push('', 'excluded, by reason (explain option off: counts only)');
    for (const [code, n] of Object.entries(d.excludedCounts)) out.push(`  ${code} (${n})`);
  }
  if (run.split) out.push(...splitTables(run.split, seed));
  return out;
}

function explainAnalysis(run: AnalysisRun, seed: number): string[] {
  const d = run.decision;
  const pass =
    d.pass === null ? '' : ` in pass ${d.pass}${d.pass === 1 ? ' (data locality)' : ' (no locality)'}`;
  const out = [
    `analysis job brokerage of task ${d.jediTaskID}: ${d.outcome}${pass}, ${d.candidates.length} candidates, ${d.excluded.length} exclusions`,
  ];
  if (d.reason) out.push(`  ${d.reason}`);
  if (d.candidates.length > 0) {
    out.push('', 'candidates, in the order handed to the job splitter');
    out.push(
      textTable(
        ['queue', 'weight', 'class', 'basic', 'data', 'user queued', 'user limit', 'used before'],
        d.candidates.map((c) => [
          c.siteName,
          num(c.weight),
          String(c.factors.siteClass),
          num(c.factors.basic),
          num(c.factors.dataFactor),
          String(c.factors.limits.nQueuedUser),
          num(c.factors.limits.maxQueueUser),
          c.usedBefore ? 'yes' : '',
        ]),
      ),
    );
  }
  if (d.excluded.length > 0) {
    out.push('', 'excluded, by reason');
    out.push(
      ...grouped(
        d.excluded,
        (x) => x.code,
        (x) => `${x.queue}: ${x.detail}${x.pass === 0 ? ' (final list)' : ` (pass ${x.pass})`}`,
      ),
    );
  }
  const problematic = Object.entries(d.problematic);
  if (problematic.length > 0) {
    out.push('', 'problematic for this user or task');
    for (const [pq, why] of problematic) out.push(`  ${pq}: ${why.join('; ')}`);
  }
  if (run.split) out.push(...splitTables(run.split, seed));
  return out;
}

function explainTask(run: TaskRun, seed: number): string[] {
  const d = run.decision;
  const chosen = d.nucleus === null ? '' : ` → nucleus ${d.nucleus}`;
  const out = [
    `task brokerage of task ${d.jediTaskID}: ${d.outcome}${chosen} (seed ${seed}), task remaining work ${num(d.remainingWork)}`,
  ];
  if (d.failure) out.push(`  ${d.failure}`);
  out.push(`  data-locality check ${d.dataCheck}`);
  if (d.weights.length > 0) {
    const total = d.weights.reduce((a, w) => a + w.weight, 0);
    out.push('', 'nuclei weighed, in draw order');
    out.push(
      textTable(
        ['nucleus', 'weight', 'p', 'RW', 'RW factor', 'data', 'tape', 'free frac', 'free TB'],
        d.weights.map((w) => [
          w.nucleus,
          num(w.weight),
          num(total > 0 ? w.weight / total : null),
          num(w.remainingWork),
          num(w.rwFactor),
          num(w.dataFraction),
          num(w.tapePenalty),
          num(w.freeFraction),
          num(w.freeTB),
        ]),
      ),
    );
  }
  if (d.dropped.length > 0) {
    out.push('', 'nuclei dropped, by reason');
    out.push(
      ...grouped(
        d.dropped,
        (x) => x.reason,
        (x) => `${x.nucleus}: ${x.detail}`,
      ),
    );
  }
  const jc = run.jobCheck;
  out.push('', `job check (${jc.mode}): ${jc.passed.length} of ${jc.checked.length} PQs passed`);
  return out;
}

function explain(run: BrokerRun, seed: number): string {
  if (run.kind === 'production') return explainProduction(run, seed).join('\n');
  if (run.kind === 'analysis') return explainAnalysis(run, seed).join('\n');
  return explainTask(run, seed).join('\n');
}

export const brokerCommand: CommandModule<object, BrokerArgs> = {
  command: 'broker <file>',
  describe: 'Run a PanDA brokerage (production, analysis or task) on a JSON file and print its decision',
  builder: (y) =>
    y
      .positional('file', {
        type: 'string',
        demandOption: true,
        describe: 'broker file; format: models/panda/schemas/broker-file.schema.json',
      })
      .option('explain', {
        type: 'boolean',
        default: false,
        describe: 'print readable tables (candidates, factors, exclusions by reason) instead of JSON',
      })
      .option('seed', {
        type: 'number',
        default: 1,
        describe: 'seed of the random stream: analysis tie shuffle, nucleus draw, the --jobs site draws',
      })
      .option('jobs', {
        type: 'number',
        describe: 'assign this many jobs over the candidates in bunches, as JobSplitter does',
      })
      .wrap(null)
      .example('$0 broker models/panda/examples/broker-production.json', 'decision as JSON')
      .example('$0 broker models/panda/examples/broker-production.json --explain', 'the same as tables')
      .example(
        '$0 broker models/panda/examples/broker-production.json --jobs 100 --seed 3 --explain',
        'assign 100 jobs in bunches over the candidates',
      )
      .example('$0 broker models/panda/examples/broker-analysis.json --explain', 'analysis job brokerage')
      .example(
        '$0 broker models/panda/examples/broker-task.json --seed 7',
        'nucleus choice, draw seeded by 7',
      ),
  handler: (args) => {
    if (!Number.isInteger(args.seed)) throw new InputError(`--seed: expected an integer, got ${args.seed}`);
    if (args.jobs !== undefined && !(Number.isInteger(args.jobs) && args.jobs >= 1)) {
      throw new InputError(`--jobs: expected a positive integer, got ${args.jobs}`);
    }
    const file = loadInputFile(loadBrokerFile, args.file);
    if (args.jobs !== undefined && file.kind === 'task') {
      throw new InputError(
        `--jobs: ${args.file} is a task brokerage (kind "task"); jobs are assigned after production or analysis job brokerage`,
      );
    }
    const run = runBrokerFile(file, { rng: seedrandom(String(args.seed)), nJobs: args.jobs });
    if (args.explain) console.log(explain(run, args.seed));
    else console.log(JSON.stringify({ file: args.file, seed: args.seed, ...run }, null, 2));
  },
};
