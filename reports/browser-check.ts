/**
 * Opens a report in a real headless browser (Debian's chromium, driven by playwright-core) the way a planner
 * opens it from disk, and reports what a reader would hit: console errors, uncaught page errors, requests that
 * left the file (the page must work offline), and charts without an SVG. CI calls it on the demo report.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
];
/** vega re-renders every chart after load; a few seconds even for a large comparison on a slow machine. */
const RENDER_TIMEOUT_MS = 20_000;

export interface BrowserCheck {
  /** Console errors, uncaught page errors, network requests and a render that never finished, as text. */
  consoleErrors: string[];
  /** `figure.chart` elements on the page. */
  charts: number;
  /** Charts holding a rendered `<svg>`. */
  svgs: number;
}

export async function checkReportInBrowser(htmlPath: string, screenshotPath: string): Promise<BrowserCheck> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!/^(file|data|blob):/.test(r.url())) consoleErrors.push(`network request: ${r.url()}`);
    });
    await page.goto(pathToFileURL(resolve(htmlPath)).href, { waitUntil: 'load' });
    try {
      await page.waitForSelector('html[data-charts]', { state: 'attached', timeout: RENDER_TIMEOUT_MS });
    } catch {
      consoleErrors.push(`charts did not finish rendering within ${RENDER_TIMEOUT_MS} ms`);
    }
    const mode = await page.locator('html').getAttribute('data-charts');
    if (mode === 'static') consoleErrors.push('a chart failed to render interactively (static SVG kept)');
    const charts = await page.locator('figure.chart').count();
    const svgs = await page.locator('figure.chart:has(.chart-view > svg)').count();
    mkdirSync(dirname(resolve(screenshotPath)), { recursive: true });
    await page.screenshot({ path: screenshotPath, fullPage: true });
    return { consoleErrors, charts, svgs };
  } finally {
    await browser.close();
  }
}
