// The written report: its files, and an HTML page that holds every chart and needs no network.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { comparisonCharts } from '../../reports/charts.ts';
import { comparisonMarkdown, runMarkdown } from '../../reports/markdown.ts';
import { writeComparisonReport, writeRunReport } from '../../reports/report.ts';
import { COMPARISON, RUN, RUNS } from './fixtures.ts';

const comparisonDir = mkdtempSync(join(tmpdir(), 'pandasim-report-'));
const runDir = mkdtempSync(join(tmpdir(), 'pandasim-run-report-'));
const charts = comparisonCharts(COMPARISON, RUNS);
/** Names that would break the page if they were interpolated unescaped. */
const HOSTILE = 'ml-sim <script>alert("x")</script> & co';
const HOSTILE_RUN = { ...RUN, scenario: HOSTILE, policy: '</script><b>lcf' };
let comparisonFiles: string[];
let runFiles: string[];
let html: string;

beforeAll(async () => {
  comparisonFiles = await writeComparisonReport(comparisonDir, COMPARISON, [...RUNS]);
  runFiles = await writeRunReport(runDir, HOSTILE_RUN);
  html = readFileSync(join(comparisonDir, 'report.html'), 'utf8');
});

describe('writeComparisonReport', () => {
  it('writes the page, the markdown, each chart as SVG and vega-lite, and the tables', () => {
    const chartFiles = charts.flatMap((c) => [`charts/${c.id}.svg`, `charts/${c.id}.vl.json`]);
    const tables = ['policy-metrics', 'differences', 'tasks', 'job-classes', 'resources', 'shares'];
    expect(comparisonFiles).toEqual(
      [...chartFiles, ...tables.map((t) => `tables/${t}.csv`), 'summary.md', 'report.html'].map((f) =>
        join(comparisonDir, f),
      ),
    );
    expect(readdirSync(join(comparisonDir, 'charts')).sort()).toEqual(
      [...chartFiles.map((f) => f.slice(7))].sort(),
    );
    expect(readFileSync(join(comparisonDir, 'summary.md'), 'utf8')).toBe(comparisonMarkdown(COMPARISON));
    expect(JSON.parse(readFileSync(join(comparisonDir, 'charts', 'gantt.vl.json'), 'utf8'))).toEqual(
      charts[3].spec,
    );
  });

  it('puts every chart in the page as an SVG with its caption and its vega spec', () => {
    expect(html.match(/<figure class="chart"/g)).toHaveLength(charts.length);
    for (const c of charts) {
      const figure = html.slice(html.indexOf(`<figure class="chart" id="chart-${c.id}">`));
      const svg = readFileSync(join(comparisonDir, 'charts', `${c.id}.svg`), 'utf8');
      expect(
        figure.startsWith(`<figure class="chart" id="chart-${c.id}">\n<div class="chart-view">${svg}</div>`),
      ).toBe(true);
      expect(figure).toContain(`<figcaption>${c.caption.replace(/'/g, '&#39;')}</figcaption>`);
    }
    expect(html.match(/<script type="application\/json" class="chart-spec">/g)).toHaveLength(charts.length);
  });

  it('loads nothing from the network: no external script, style or link, vega inlined once', () => {
    expect(html).not.toMatch(/<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=/i);
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i);
    expect(html).not.toContain('vega.github.io');
    expect(html.match(/<script>/g)).toHaveLength(2);
    expect(html).toContain('new vega.View(vega.parse(spec)');
    expect(html.length).toBeLessThan(2_000_000);
  });

  it('shows the scenario, policies, seeds, how to read it and the key table', () => {
    expect(html).toContain('<title>pandasim comparison: ml-detector-sim-small</title>');
    expect(html).toContain('policies grid-only, lcf-gpu, funcx-burst (baseline grid-only); seeds 1, 2, 3.');
    expect(html).toContain('<h2>How to read this report</h2>');
    expect(html).toContain('<tr><td>grid-only</td><td>29.25 <span class="ci">(28.63 – 29.87)</span></td>');
  });

  it('leaves no temporary file behind', () => {
    expect(readdirSync(comparisonDir).sort()).toEqual(['charts', 'report.html', 'summary.md', 'tables']);
    expect(readdirSync(join(comparisonDir, 'tables')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('writeRunReport', () => {
  it('writes the run charts, its four tables, markdown and page', () => {
    expect(runFiles.filter((f) => f.endsWith('.svg'))).toHaveLength(8);
    expect(runFiles.filter((f) => f.endsWith('.csv')).map((f) => f.slice(runDir.length + 1))).toEqual([
      'tables/tasks.csv',
      'tables/job-classes.csv',
      'tables/resources.csv',
      'tables/shares.csv',
    ]);
    expect(readFileSync(join(runDir, 'summary.md'), 'utf8')).toBe(runMarkdown(HOSTILE_RUN));
  });

  it('escapes what it interpolates', () => {
    const page = readFileSync(join(runDir, 'report.html'), 'utf8');
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<b>lcf');
    expect(page).toContain('policy &lt;/script&gt;&lt;b&gt;lcf;');
    expect(page).toContain('"policy":"\\u003c/script>\\u003cb>lcf"');
    expect(page).toContain('ml-sim &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(page.match(/<script>/g)).toHaveLength(2);
  });
});
