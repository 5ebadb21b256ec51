/**
 * `pandasim shares FILE.json`: evaluates a global-share snapshot (GLOBAL_SHARES rows and HS06 executing per
 * share) — every node's target and usage, and the order in which the leaves are served — as JSON, or as tables
 * with --explain.
 */
import type { CommandModule } from 'yargs';
import { buildShareTree, evaluateShares, loadSharesFile, type SharesReport } from '@pandasim/panda';
import { InputError, loadInputFile } from '../errors.ts';
import { num, textTable } from '../../reports/text-table.ts';

interface SharesArgs {
  file: string;
  explain: boolean;
}

function explain(report: SharesReport): string {
  const out = [`global shares: ${num(report.executingTotal)} HS06 executing in total`, ''];
  out.push(
    textTable(
      ['share', 'norm %', 'pledged', 'executing', 'queued', 'ratio'],
      report.nodes.map((n) => [
        `${'  '.repeat(n.depth - 1)}${n.name}`,
        num(n.norm),
        num(n.pledged),
        num(n.executing),
        num(n.queued),
        num(n.usageRatio),
      ]),
    ),
  );
  out.push('', 'leaves in dispatch order, most under-pledged first');
  out.push(
    textTable(
      ['#', 'leaf', 'dispatcher rank'],
      report.sortedLeaves.map((leaf, k) => [String(k + 1), leaf, String(report.dispatchRanks[leaf])]),
    ),
  );
  out.push(`  gshares that are not leaves get rank ${report.unknownRank}`);
  return out.join('\n');
}

export const sharesCommand: CommandModule<object, SharesArgs> = {
  command: 'shares <file>',
  describe:
    'Evaluate global shares: targets and usage of every share, and the order the leaves are served in',
  builder: (y) =>
    y
      .positional('file', {
        type: 'string',
        demandOption: true,
        describe: 'shares file; format: models/panda/schemas/shares-file.schema.json',
      })
      .option('explain', {
        type: 'boolean',
        default: false,
        describe: 'print the share tree and the leaf order as tables instead of JSON',
      })
      .wrap(null)
      .example('$0 shares models/panda/examples/shares.json', 'targets and leaf order as JSON')
      .example('$0 shares models/panda/examples/shares.json --explain', 'the same as tables'),
  handler: (args) => {
    const file = loadInputFile(loadSharesFile, args.file);
    try {
      // cycles and all-zero sibling weights are only found while building the tree
      buildShareTree(file.rows);
    } catch (error) {
      throw new InputError(`${args.file}: rows: ${error instanceof Error ? error.message : String(error)}`);
    }
    const report = evaluateShares(file);
    if (args.explain) console.log(explain(report));
    else console.log(JSON.stringify({ file: args.file, ...report }, null, 2));
  },
};
