/**
 * The report as one self-contained HTML page that opens offline: styles, data and scripts inline, nothing
 * fetched. Each chart is there as a static SVG (rendered by `render.ts`) and as its compiled vega spec; with
 * scripts on, the vega runtime inlined once per page re-renders each chart over its static SVG so marks get
 * tooltips, and a chart that fails to render keeps its static SVG.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Spec } from 'vega';
import type { Chart } from './charts.ts';
import {
  differenceKeyTable,
  differencesHeading,
  policyKeyTable,
  runKeyTable,
  type KeyTable,
} from './key-tables.ts';
import type { ComparisonSummary, RunSummary } from './summary.ts';
import { num } from './text-table.ts';
import { FAULT_TABLE_NOTE, faultKeyTable } from './fault-table.ts';

/** The faults section of a run's page, when the run had faults. */
function faultTables(run: RunSummary): { heading: string; note: string; table: KeyTable }[] {
  const table = faultKeyTable(run);
  return table === undefined ? [] : [{ heading: 'What the faults cost', note: FAULT_TABLE_NOTE, table }];
}

export interface RenderedChart {
  readonly chart: Chart;
  readonly svg: string;
  readonly vega: Spec;
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON safe inside a `<script>` element: no `</script>` or `<!--` can end or confuse it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** vega's browser bundle; the package's exports hide `build/`, so it is found beside the module entry. */
function vegaBundle(): string {
  const entry = createRequire(import.meta.url).resolve('vega');
  const bundle = readFileSync(join(dirname(entry), 'vega.min.js'), 'utf8');
  if (/<\/script|<!--/i.test(bundle))
    throw new Error('vega.min.js contains a sequence that would end its <script>');
  return bundle;
}

const STYLE = `
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; margin: 0 auto;
  max-width: 1100px; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin-bottom: 0.3rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
.facts { color: #555; margin-top: 0; }
table.key { border-collapse: collapse; margin: 0.8rem 0; font-variant-numeric: tabular-nums; }
table.key th, table.key td { border-bottom: 1px solid #e4e4e4; padding: 0.3rem 0.7rem; text-align: right; }
table.key .ci { display: block; white-space: nowrap; color: #666; font-size: 0.85em; }
.table-scroll { overflow-x: auto; }
table.key th:first-child, table.key td:first-child { text-align: left; }
figure.chart { margin: 1.5rem 0 2.5rem; }
figure.chart figcaption { color: #444; max-width: 60rem; margin-top: 0.4rem; }
.chart-view svg { max-width: 100%; height: auto; }
#tooltip { position: absolute; pointer-events: none; background: #fff; border: 1px solid #aaa;
  border-radius: 3px; padding: 0.3rem 0.5rem; font-size: 12px; box-shadow: 0 2px 6px rgba(0,0,0,0.15); }
#tooltip th { text-align: right; padding-right: 0.5rem; color: #666; font-weight: normal; }
`;

/**
 * Re-renders every chart with vega's SVG renderer and a tooltip of plain text nodes (no markup from data).
 * When all charts are done, `data-charts` on <html> says whether they are interactive, for the browser check.
 */
const SCRIPT = `
(function () {
  var tip = document.getElementById('tooltip');
  function tooltip(handler, event, item, value) {
    if (value === null || value === undefined || value === '') { tip.hidden = true; return; }
    tip.replaceChildren();
    if (typeof value === 'object') {
      var table = document.createElement('table');
      Object.keys(value).forEach(function (key) {
        var row = table.insertRow();
        var th = document.createElement('th');
        th.textContent = key;
        row.appendChild(th);
        row.insertCell().textContent = String(value[key]);
      });
      tip.appendChild(table);
    } else {
      tip.textContent = String(value);
    }
    tip.style.left = event.pageX + 12 + 'px';
    tip.style.top = event.pageY + 12 + 'px';
    tip.hidden = false;
  }
  function render(figure) {
    var staticView = figure.querySelector('.chart-view');
    var live = document.createElement('div');
    live.className = 'chart-view';
    live.hidden = true;
    staticView.after(live);
    return Promise.resolve().then(function () {
      var spec = JSON.parse(figure.querySelector('script.chart-spec').textContent);
      var view = new vega.View(vega.parse(spec), { renderer: 'svg', container: live, hover: true });
      view.tooltip(tooltip);
      return view.runAsync();
    }).then(function () {
      staticView.remove();
      live.hidden = false;
    }, function (error) {
      live.remove();
      console.error('chart ' + figure.id + ' kept its static SVG: ' + error);
      throw error;
    });
  }
  var renders = Array.prototype.map.call(document.querySelectorAll('figure.chart'), render);
  Promise.all(renders).then(function () {
    document.documentElement.dataset.charts = 'interactive';
  }, function () {
    document.documentElement.dataset.charts = 'static';
  });
})();
`;

/** An estimate's interval goes under its mean, so a wide table still fits the page. */
function cellHtml(text: string): string {
  const estimate = /^(\S+) (\(.+ – .+\))$/.exec(text);
  if (estimate === null) return escapeHtml(text);
  return `${escapeHtml(estimate[1])} <span class="ci">${escapeHtml(estimate[2])}</span>`;
}

function tableHtml(table: KeyTable): string {
  const head = table.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = table.rows
    .map((r) => `<tr>${r.map((c) => `<td>${cellHtml(c)}</td>`).join('')}</tr>`)
    .join('\n');
  return [
    '<div class="table-scroll"><table class="key">',
    `<thead><tr>${head}</tr></thead>`,
    `<tbody>\n${body}\n</tbody>`,
    '</table></div>',
  ].join('\n');
}

/** The static SVG comes from vega's own serialiser, which escapes the text it holds. */
function figureHtml({ chart, svg, vega }: RenderedChart): string {
  return [
    `<figure class="chart" id="chart-${escapeHtml(chart.id)}">`,
    `<div class="chart-view">${svg}</div>`,
    `<figcaption>${escapeHtml(chart.caption)}</figcaption>`,
    `<script type="application/json" class="chart-spec">${scriptJson(vega)}</script>`,
    '</figure>',
  ].join('\n');
}

/** One report page: title, facts, how to read it, key tables and charts (also the calibration's page). */
export interface Page {
  readonly title: string;
  readonly facts: string;
  readonly howToRead: string;
  readonly tables: readonly { heading: string; note: string; table: KeyTable }[];
  readonly charts: readonly RenderedChart[];
}

export function pageHtml(page: Page): string {
  const tables = page.tables.flatMap((t) => [
    `<h2>${escapeHtml(t.heading)}</h2>`,
    `<p>${escapeHtml(t.note)}</p>`,
    tableHtml(t.table),
  ]);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(page.title)}</h1>`,
    `<p class="facts">${escapeHtml(page.facts)}</p>`,
    '<h2>How to read this report</h2>',
    `<p>${escapeHtml(page.howToRead)}</p>`,
    ...tables,
    '<h2>Charts</h2>',
    ...page.charts.map(figureHtml),
    '<div id="tooltip" hidden></div>',
    `<script>${vegaBundle()}</script>`,
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

const HOW_TO_READ_CHARTS =
  'Each chart has a caption saying what it shows and how to read it; hover over a mark for its exact values. ' +
  'Times are simulated time from the scenario start, in hours (waits and transfers in minutes).';

export function comparisonHtml(comparison: ComparisonSummary, charts: readonly RenderedChart[]): string {
  const policies = comparison.policies.map((p) => p.policy);
  return pageHtml({
    title: `pandasim comparison: ${comparison.scenario}`,
    facts:
      `Scenario ${comparison.scenario}; policies ${policies.join(', ')} (baseline ${comparison.baseline}); ` +
      `seeds ${comparison.seeds.join(', ')}.`,
    howToRead:
      `Every policy ran the same scenario under the same ${comparison.seeds.length} seeds (common random ` +
      'numbers). Numbers are means over the seeds with their 95 % confidence interval in brackets; the ' +
      `differences are paired by seed (policy − ${comparison.baseline}), which removes the seed-to-seed variation ` +
      'the policies share, so an interval that excludes 0 is a real difference even when the per-policy intervals ' +
      `overlap. Charts of a single run show each policy's run on seed ${comparison.seeds[0]}. ${HOW_TO_READ_CHARTS}`,
    tables: [
      {
        heading: 'Key results',
        note: 'Mean over seeds (95 % confidence interval).',
        table: policyKeyTable(comparison),
      },
      ...(comparison.differences.length > 0
        ? [
            {
              heading: differencesHeading(comparison),
              note: 'Paired mean difference policy − baseline (95 % confidence interval).',
              table: differenceKeyTable(comparison),
            },
          ]
        : []),
    ],
    charts,
  });
}

export function runHtml(run: RunSummary, charts: readonly RenderedChart[]): string {
  return pageHtml({
    title: `pandasim run: ${run.scenario}`,
    facts:
      (run.partial
        ? `PARTIAL: the run was interrupted at ${num(run.simulatedTime / 3600)} simulated hours; every figure ` +
          'covers that much only. '
        : '') +
      `Scenario ${run.scenario}; policy ${run.policy}; seed ${run.seed}; ${num(run.eventsProcessed)} events.` +
      (run.provenance
        ? ` Scenario ${run.provenance.scenarioHash.slice(0, 19)}…, pandasim ${run.provenance.version}` +
          ` (${run.provenance.gitRevision ?? 'no git revision'}).`
        : ''),
    howToRead:
      'One run of one policy on one seed: the numbers are this run’s outcome, not an average, so compare policies ' +
      `with pandasim compare before drawing conclusions. ${HOW_TO_READ_CHARTS}`,
    tables: [
      { heading: 'Key results', note: 'Outcome of this run.', table: runKeyTable(run) },
      ...faultTables(run),
    ],
    charts,
  });
}
