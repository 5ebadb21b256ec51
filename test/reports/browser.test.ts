// The report in a real headless browser (Debian's chromium): it loads offline without errors, every chart is
// drawn, and hovering a mark shows its tooltip. Skipped only where chromium is not installed.
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, checkReportInBrowser } from '../../reports/browser-check.ts';
import { writeComparisonReport } from '../../reports/report.ts';
import { COMPARISON, RUNS } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'pandasim-browser-'));
const html = join(dir, 'report.html');
let nCharts: number;

describe.skipIf(!existsSync(CHROMIUM))('report.html in headless chromium', () => {
  beforeAll(async () => {
    const files = await writeComparisonReport(dir, COMPARISON, [...RUNS]);
    nCharts = files.filter((f) => f.endsWith('.svg')).length;
  });

  it('loads with no console error and an SVG in every chart, and saves a screenshot', async () => {
    const screenshot = join(dir, 'shots', 'report.png');
    const check = await checkReportInBrowser(html, screenshot);
    expect(check).toEqual({ consoleErrors: [], charts: nCharts, svgs: nCharts });
    expect(nCharts).toBe(11);
    expect(readFileSync(screenshot).subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(screenshot).size).toBeGreaterThan(50_000);
  });

  it('re-renders the charts interactively: hovering a Gantt bar shows its task', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(html).href);
      await page.waitForSelector('html[data-charts="interactive"]', { state: 'attached' });
      expect(await page.locator('figure.chart .chart-view').count()).toBe(nCharts);
      await page.locator('#chart-gantt .mark-rect path').nth(4).hover();
      const tooltip = page.locator('#tooltip');
      await tooltip.waitFor({ state: 'visible' });
      const text = await tooltip.innerText();
      expect(text).toContain('lcf-gpu');
      expect(text).toContain('gan-training');
      expect(text).toContain('POLARIS: 4');
    } finally {
      await browser.close();
    }
  });

  it('reports a page whose scripts fail, which then keeps its static SVGs', async () => {
    const broken = join(dir, 'broken.html');
    writeFileSync(broken, readFileSync(html, 'utf8').replace('new vega.View(', 'new vega.Viewer('));
    const check = await checkReportInBrowser(broken, join(dir, 'shots', 'broken.png'));
    expect(check.svgs).toBe(nCharts);
    expect(check.consoleErrors).toContain('a chart failed to render interactively (static SVG kept)');
    expect(check.consoleErrors.some((e) => e.startsWith('page error: ') || e.startsWith('console: '))).toBe(
      true,
    );
  });
});
