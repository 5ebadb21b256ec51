/**
 * `pandasim report DIR`: rebuilds the report of a run or a comparison from its saved results alone (summary.json,
 * or comparison.json with runs/), e.g. after a report change or on results copied from a cluster. `--format md`
 * prints the markdown summary instead and, in GitHub Actions, appends it to the job's step summary.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { comparisonMarkdown, runMarkdown } from '../../reports/markdown.ts';
import { writeComparisonReport, writeRunReport } from '../../reports/report.ts';
import { readResults } from '../../reports/results.ts';

interface ReportArgs {
  dir: string;
  format: 'html' | 'md';
  out?: string;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <dir>',
  describe:
    'Rebuild the report (HTML, charts, tables, markdown) of a run or a comparison from its saved results',
  builder: (y) =>
    y
      .positional('dir', {
        type: 'string',
        demandOption: true,
        describe: 'results directory: summary.json of a run, or comparison.json and runs/ of a comparison',
      })
      .option('format', {
        choices: ['html', 'md'] as const,
        default: 'html' as const,
        describe:
          'html: write report.html, charts/, tables/ and summary.md; md: print the markdown summary ' +
          '(also appended to $GITHUB_STEP_SUMMARY when set)',
      })
      .option('out', {
        type: 'string',
        describe: 'write the report here instead of into DIR (html only)',
      })
      .wrap(null)
      .example('$0 report results/demo', 'rebuild results/demo/report.html and the files beside it')
      .example('$0 report results/demo --format md', 'print the markdown summary, as CI publishes it')
      .example('$0 report results/demo --out /tmp/demo-report', 'write the report elsewhere'),
  handler: async (args) => {
    const results = readResults(args.dir);
    if (args.format === 'md') {
      const markdown =
        results.kind === 'comparison' ? comparisonMarkdown(results.comparison) : runMarkdown(results.summary);
      process.stdout.write(markdown);
      const stepSummary = process.env.GITHUB_STEP_SUMMARY;
      if (stepSummary) appendFileSync(stepSummary, `${markdown}\n`);
      return;
    }
    const out = args.out ?? args.dir;
    const files =
      results.kind === 'comparison'
        ? await writeComparisonReport(out, results.comparison, results.runs)
        : await writeRunReport(out, results.summary);
    console.log(`report written: ${join(out, 'report.html')} (${files.length} files)`);
  },
};
