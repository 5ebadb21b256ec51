/**
 * `pandasim validate SCENARIO`: loads a scenario (a built-in name or a path) with every check the loader
 * makes, and prints what it holds in one paragraph; a broken scenario exits 2 with all its problems listed.
 */
import type { CommandModule } from 'yargs';
import { buildShareTree } from '@pandasim/panda';
import { EMBEDDED_SCENARIOS, resolveScenario } from '../../scenarios/embedded.ts';
import { loadScenario } from '../../scenarios/load.ts';
import type { Scenario } from '../../scenarios/scenario.ts';
import { formatDuration } from '../../sim/units.ts';
import { asInput } from '../errors.ts';

interface ValidateArgs {
  scenario: string;
}

const DAY = 86_400;
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const plural = (n: number, one: string, many = `${one}s`) => `${int(n)} ${n === 1 ? one : many}`;

function platformSentence(s: Scenario): string {
  const p = s.platform;
  const parts: string[] = [];
  if (p.gridSites.length > 0) {
    const cores = p.gridSites.reduce((sum, g) => sum + g.slots * g.coresPerSlot, 0);
    const nuclei = p.gridSites.filter((g) => g.nucleus).length;
    parts.push(
      `${plural(p.gridSites.length, 'grid site')} (${int(cores)} cores, ${plural(nuclei, 'nucleus', 'nuclei')})`,
    );
  }
  if (p.hpc.length > 0) {
    parts.push(
      `${plural(p.hpc.length, 'HPC share')} (${p.hpc.map((h) => `${h.name}: ${h.nodes} ${h.machine} nodes, ${h.batchQueue}`).join('; ')})`,
    );
  }
  if (p.funcx.length > 0) {
    parts.push(
      `${plural(p.funcx.length, 'funcX endpoint')} (${p.funcx.map((f) => `${f.name} on ${f.hpc}`).join(', ')})`,
    );
  }
  if (p.cloud.length > 0) {
    const pools = p.cloud.map(
      (c) => `${c.name}: up to ${c.maxNodes} × ${c.instanceType}, ${c.gpusPerNode} GPUs each`,
    );
    parts.push(`${plural(p.cloud.length, 'cloud pool')} (${pools.join('; ')})`);
  }
  if (p.local.length > 0) {
    const clusters = p.local.map((l) => `${l.name}: ${l.cores} cores, ${l.gpus} GPUs`);
    parts.push(`${plural(p.local.length, 'local cluster')} (${clusters.join('; ')})`);
  }
  const net = `${plural(p.network.regions.length, 'region')} joined by ${plural(p.network.links.length, 'link')}`;
  return `Platform: ${parts.length > 0 ? parts.join(', ') : 'no resources'}, in ${net}.`;
}

function workflowSentences(s: Scenario): string[] {
  return s.workflows.map((w) => {
    const tasks = w.tasks.map((t) => {
      const after =
        t.after.length > 0 ? `, ${t.stream ? 'streaming ' : ''}after ${t.after.join(' and ')}` : '';
      return `${t.name} (${t.kind}, ${plural(t.nJobs, 'job')}${after})`;
    });
    const at = w.submitAt > 0 ? ` submitted at ${formatDuration(w.submitAt)}` : '';
    return `Workflow ${w.name} of ${w.user}${at}: ${tasks.join(', ')}.`;
  });
}

function backgroundSentence(s: Scenario): string {
  if (s.background.length === 0) return 'No background load.';
  const jobsPerDay = (b: Scenario['background'][number]) => b.taskRate * DAY * b.jobsPerTask.mean;
  const total = s.background.reduce((sum, b) => sum + jobsPerDay(b), 0);
  const loads = s.background.map((b) => `${b.gshare} ${int(jobsPerDay(b))}`);
  return `Background: ${plural(s.background.length, 'load')}, ~${int(total)} jobs a day (${loads.join(', ')}).`;
}

/** What a scenario holds, in one paragraph. */
export function summarizeScenario(s: Scenario): string {
  const leaves = buildShareTree(s.shares).leafNames.length;
  return [
    `${s.name} (${s.file}): ${s.description}`.trim(),
    platformSentence(s),
    ...workflowSentences(s),
    backgroundSentence(s),
    `Shares: ${plural(s.shares.length, 'row')}, ${plural(leaves, 'leaf', 'leaves')}.`,
    `Horizon ${formatDuration(s.horizon)}; seeds ${s.seeds.join(', ')}; policies ${s.policies.join(', ')}; ${plural(Object.keys(s.sources).length, 'source')} cited.`,
  ].join(' ');
}

export const validateCommand: CommandModule<object, ValidateArgs> = {
  command: 'validate <scenario>',
  describe: 'Check a scenario file (and the catalog and shares files it names) and summarise it',
  builder: (y) =>
    y
      .positional('scenario', {
        type: 'string',
        demandOption: true,
        describe: `a built-in scenario name (${Object.keys(EMBEDDED_SCENARIOS).join(', ')}) or a scenario file`,
      })
      .wrap(null)
      .example('$0 validate ml-detector-sim-small', 'the built-in demo scenario')
      .example('$0 validate my-scenario.yaml', 'a scenario file of your own'),
  handler: (args) => {
    console.log(summarizeScenario(asInput(() => loadScenario(resolveScenario(args.scenario)))));
  },
};
