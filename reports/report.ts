/**
 * Writes a report into a results directory: `report.html`, `summary.md`, `charts/<id>.svg` and
 * `charts/<id>.vl.json` (the vega-lite spec, to open in the vega editor), and `tables/*.csv`. Every file goes
 * through the atomic writers, so an interrupted report leaves no half-written file (though it may leave new
 * charts beside an older page).
 */
import { join } from 'node:path';
import { comparisonCharts, runCharts, type Chart } from './charts.ts';
import { writeFileAtomic, writeJsonAtomic } from './files.ts';
import { comparisonHtml, runHtml, type RenderedChart } from './html.ts';
import { comparisonMarkdown, runMarkdown } from './markdown.ts';
import { compileToVega, renderSvg } from './render.ts';
import type { ComparisonSummary, RunSummary } from './summary.ts';
import {
  differenceTable,
  jobClassTable,
  policyMetricTable,
  resourceTable,
  shareTable,
  taskTable,
} from './tables.ts';

export async function renderCharts(charts: readonly Chart[]): Promise<RenderedChart[]> {
  const rendered: RenderedChart[] = [];
  for (const chart of charts) {
    rendered.push({ chart, svg: await renderSvg(chart.spec, chart.id), vega: compileToVega(chart.spec) });
  }
  return rendered;
}

function runTables(runs: readonly RunSummary[]): Record<string, string> {
  return {
    'tasks.csv': taskTable(runs),
    'job-classes.csv': jobClassTable(runs),
    'resources.csv': resourceTable(runs),
    'shares.csv': shareTable(runs),
  };
}

/** Writes everything and returns the paths written, in writing order. */
function writeReport(
  dir: string,
  charts: readonly RenderedChart[],
  tables: Record<string, string>,
  markdown: string,
  html: string,
): string[] {
  const written: string[] = [];
  const write = (path: string, data: string) => {
    writeFileAtomic(path, data);
    written.push(path);
  };
  for (const { chart, svg } of charts) {
    write(join(dir, 'charts', `${chart.id}.svg`), svg);
    const specFile = join(dir, 'charts', `${chart.id}.vl.json`);
    writeJsonAtomic(specFile, chart.spec);
    written.push(specFile);
  }
  for (const [name, csv] of Object.entries(tables)) write(join(dir, 'tables', name), csv);
  write(join(dir, 'summary.md'), markdown);
  write(join(dir, 'report.html'), html);
  return written;
}

export async function writeRunReport(dir: string, summary: RunSummary): Promise<string[]> {
  const charts = await renderCharts(runCharts([summary]));
  return writeReport(dir, charts, runTables([summary]), runMarkdown(summary), runHtml(summary, charts));
}

/** `runs` are every run of the comparison; the tables hold them all, the per-run charts the first seed's. */
export async function writeComparisonReport(
  dir: string,
  comparison: ComparisonSummary,
  runs: RunSummary[],
): Promise<string[]> {
  const charts = await renderCharts(comparisonCharts(comparison, runs));
  const tables = {
    'policy-metrics.csv': policyMetricTable(comparison),
    'differences.csv': differenceTable(comparison),
    ...runTables(runs),
  };
  return writeReport(dir, charts, tables, comparisonMarkdown(comparison), comparisonHtml(comparison, charts));
}
