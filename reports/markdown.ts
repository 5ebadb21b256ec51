/**
 * The markdown summary CI publishes (GitHub's step summary): the key tables of the report, nothing that needs
 * a chart to read.
 */
import {
  differenceKeyTable,
  differencesHeading,
  policyKeyTable,
  runKeyTable,
  type KeyTable,
} from './key-tables.ts';
import type { ComparisonSummary, RunSummary } from './summary.ts';

/** Pipes and line breaks would end a cell early. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function markdownTable(table: KeyTable): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const align = table.header.map((_, i) => (i === 0 ? ':--' : '--:'));
  return [line(table.header), `|${align.join('|')}|`, ...table.rows.map(line)].join('\n');
}

export function comparisonMarkdown(comparison: ComparisonSummary): string {
  const policies = comparison.policies.map((p) => p.policy).join(', ');
  const lines = [
    `## pandasim: ${cell(comparison.scenario)}`,
    '',
    `Policies ${policies}; seeds ${comparison.seeds.join(', ')}; baseline ${comparison.baseline}. ` +
      'Each cell is the mean over the seeds with its 95 % confidence interval in brackets.',
    '',
    markdownTable(policyKeyTable(comparison)),
  ];
  if (comparison.differences.length > 0) {
    lines.push(
      '',
      `### ${differencesHeading(comparison)}`,
      '',
      'Paired over the same seeds (policy − baseline); an interval that excludes 0 is a difference the seeds support.',
      '',
      markdownTable(differenceKeyTable(comparison)),
    );
  }
  return `${lines.join('\n')}\n`;
}

export function runMarkdown(run: RunSummary): string {
  return [
    `## pandasim: ${cell(run.scenario)}`,
    '',
    `Policy ${run.policy}, seed ${run.seed}.`,
    '',
    markdownTable(runKeyTable(run)),
    '',
  ].join('\n');
}
