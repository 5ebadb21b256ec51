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
import { FAULT_TABLE_NOTE, faultKeyTable } from './fault-table.ts';

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
    ...faultSection(run),
  ].join('\n');
}

/** What the faults cost, when the run had faults. */
function faultSection(run: RunSummary): string[] {
  const table = faultKeyTable(run);
  if (table === undefined) return [];
  return ['### What the faults cost', '', FAULT_TABLE_NOTE, '', markdownTable(table), ''];
}
