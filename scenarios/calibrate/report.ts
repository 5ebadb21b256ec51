/**
 * What `pandasim calibrate` writes into its output directory:
 *
 *   fit.json          the parameters (initial, fitted), the distance before and after with its parts, every
 *                     evaluation of the search, the records and the settings used
 *   catalog.yaml      the scenario's catalog with the fitted values at the site (comments and other entries
 *                     kept as written), to point a scenario's `platform:` at
 *   charts/*.svg      real vs simulated CDFs of the wait and the run time, before and after the fit
 *   report.html       the two charts and a table of the fit, one self-contained page
 *
 * Every file goes through the atomic writers (reports/files.ts).
 */
import { readFileSync } from 'node:fs';
import { quantileSorted } from 'd3-array';
import { dirname, isAbsolute, join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { Document, isMap, isSeq, parseDocument } from 'yaml';
import { writeFileAtomic, writeJsonAtomic } from '../../reports/files.ts';
import { pageHtml, type Page, type RenderedChart } from '../../reports/html.ts';
import { renderCharts } from '../../reports/report.ts';
import { formatDuration } from '../../sim/units.ts';
import type { GridSiteSpec } from '../scenario.ts';
import type { CalibrationResult, FitScore, Observables } from './calibrate.ts';
import { gridSite } from './parameters.ts';

/** Points per CDF curve: the value at every percentile. */
const CDF_POINTS = 101;

interface CdfPoint {
  readonly series: string;
  readonly minutes: number;
  readonly fraction: number;
}

function cdf(series: string, sorted: Float64Array): CdfPoint[] {
  if (sorted.length === 0) return [];
  // d3's typings take an Array, not a typed one.
  const values = Array.from(sorted);
  return Array.from({ length: CDF_POINTS }, (_, k) => {
    const fraction = k / (CDF_POINTS - 1);
    return { series, minutes: (quantileSorted(values, fraction) ?? 0) / 60, fraction };
  });
}

const SERIES = ['records', 'simulated, initial', 'simulated, fitted'];

/** The CDF chart of one observable: the records against the simulation before and after the fit. */
export function cdfChart(title: string, what: 'wait' | 'run', result: CalibrationResult): TopLevelSpec {
  const part = (o: Observables) => o[what];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 520,
    height: 240,
    data: {
      values: [
        ...cdf(SERIES[0], part(result.real)),
        ...cdf(SERIES[1], part(result.simulatedBefore)),
        ...cdf(SERIES[2], part(result.simulatedAfter)),
      ],
    },
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 'minutes', type: 'quantitative', title: `${what === 'wait' ? 'wait' : 'run time'} (min)` },
      y: {
        field: 'fraction',
        type: 'quantitative',
        title: 'fraction of finished jobs',
        axis: { format: '%' },
      },
      color: { field: 'series', type: 'nominal', sort: SERIES, title: null },
      strokeDash: { field: 'series', type: 'nominal', sort: SERIES, legend: null },
      tooltip: [
        { field: 'series', type: 'nominal' },
        { field: 'minutes', type: 'quantitative', format: '.1f' },
        { field: 'fraction', type: 'quantitative', format: '.0%' },
      ],
    },
  };
}

function scoreJson(s: FitScore) {
  return {
    distance: s.distance,
    ks: s.ks,
    wassersteinSeconds: s.wasserstein,
    unendedFraction: s.unended,
  };
}

/** fit.json's content. */
export function fitJson(result: CalibrationResult, recordsFile: string, scenarioFile: string) {
  return {
    scenario: scenarioFile,
    records: recordsFile,
    site: result.site,
    distance: result.distanceKind,
    seed: result.seed,
    finishedRecords: result.finishedRecords,
    replayedRecords: result.replayedRecords,
    parameters: result.fit.map((name, i) => ({
      name,
      initial: result.initial[i],
      fitted: result.fitted[i],
    })),
    before: scoreJson(result.before),
    after: scoreJson(result.after),
    converged: result.converged,
    evaluations: result.evaluations,
  };
}

/** The document of the catalog a scenario file names (or a catalog made of its inline platform). */
function catalogDocument(scenarioFile: string): Document {
  const scenario = parseDocument(readFileSync(scenarioFile, 'utf8'));
  const platform = scenario.get('platform');
  if (typeof platform === 'string') {
    const file = isAbsolute(platform) ? platform : join(dirname(scenarioFile), platform);
    return parseDocument(readFileSync(file, 'utf8'));
  }
  // An inline platform becomes a catalog of its own, with the citations its `source:` keys need.
  const doc = new Document({ description: `The platform of ${scenarioFile}, with a site calibrated` });
  const sources = scenario.get('sources', true);
  if (sources !== undefined) doc.set('sources', sources);
  if (isMap(platform)) for (const item of platform.items) doc.set(item.key, item.value);
  return doc;
}

/**
 * The catalog YAML with `site`'s hs06PerCore and queueWait replaced by the fitted site's, and a comment on
 * the entry saying where they came from.
 */
export function fittedCatalogYaml(scenarioFile: string, fitted: GridSiteSpec, note: string): string {
  const doc = catalogDocument(scenarioFile);
  const sites = doc.get('gridSites');
  const entry = isSeq(sites)
    ? sites.items.find((item) => isMap(item) && item.get('name') === fitted.name)
    : undefined;
  if (!isMap(entry)) throw new Error(`${scenarioFile}: no grid site ${fitted.name} in its catalog`);
  entry.set('hs06PerCore', fitted.hs06PerCore);
  entry.set('queueWait', fitted.queueWait.toString());
  entry.commentBefore = ` ${note}`;
  return doc.toString({ lineWidth: 110 });
}

function formatValue(name: string, value: number): string {
  return name === 'queueWait.median' ? formatDuration(value) : String(Number(value.toPrecision(4)));
}

const CHARTS = [
  { id: 'wait-cdf', title: 'Wait (start − creation)', what: 'wait' },
  { id: 'run-cdf', title: 'Run time (end − start)', what: 'run' },
] as const;

function reportPage(result: CalibrationResult, recordsFile: string, charts: readonly RenderedChart[]): Page {
  const d = (s: FitScore) => s.distance.toFixed(4);
  return {
    title: `pandasim calibration: ${result.site}`,
    facts:
      `${result.finishedRecords} finished jobs of ${recordsFile} (${result.replayedRecords} replayed), ` +
      `seed ${result.seed}, ${result.evaluations.length} simulations` +
      `${result.converged ? '' : ' (the budget ran out before the simplex closed)'}. ` +
      `Distance (${result.distanceKind}): ${d(result.before)} before, ${d(result.after)} after.`,
    howToRead:
      'Each chart shows the cumulative distribution of a time of the finished jobs: the records, the ' +
      'simulation with the scenario’s values, and with the fitted ones. Wait = start − creation (the pilot’s ' +
      'delay as the model makes it), run = end − start. A fitted curve on top of the records’ is a good fit.',
    tables: [
      {
        heading: 'Parameters',
        note: `The values of ${result.site} in the scenario and as fitted.`,
        table: {
          header: ['parameter', 'initial', 'fitted'],
          rows: result.fit.map((name, i) => [
            name,
            formatValue(name, result.initial[i]),
            formatValue(name, result.fitted[i]),
          ]),
        },
      },
    ],
    charts,
  };
}

/** Writes fit.json, catalog.yaml, the charts and report.html into `out`; returns the paths written. */
export async function writeCalibration(
  out: string,
  result: CalibrationResult,
  files: { readonly records: string; readonly scenario: string },
): Promise<string[]> {
  const written: string[] = [];
  const write = (name: string, data: string) => {
    writeFileAtomic(join(out, name), data);
    written.push(join(out, name));
  };
  writeJsonAtomic(join(out, 'fit.json'), fitJson(result, files.records, files.scenario));
  written.push(join(out, 'fit.json'));
  const note =
    `hs06PerCore and queueWait fitted by pandasim calibrate to ${files.records} ` +
    `(${result.distanceKind} distance ${result.before.distance.toFixed(4)} → ${result.after.distance.toFixed(4)})`;
  write(
    'catalog.yaml',
    fittedCatalogYaml(files.scenario, gridSite(result.fittedScenario, result.site), note),
  );
  const charts = await renderCharts(
    CHARTS.map(({ id, title, what }) => ({
      id,
      title,
      caption: `The ${what === 'wait' ? 'waits' : 'run times'} of the records against the simulation's, before and after the fit.`,
      spec: cdfChart(title, what, result),
    })),
  );
  for (const { chart, svg } of charts) write(join('charts', `${chart.id}.svg`), svg);
  write('report.html', pageHtml(reportPage(result, files.records, charts)));
  return written;
}
