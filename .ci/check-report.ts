// CI's check of a generated report: the HTML exists, every chart rendered to an SVG file, and the page loads in
// headless Chromium with no console errors and every chart's SVG present; a screenshot goes to results/.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkReportInBrowser } from '../reports/browser-check.ts';

const dir = process.argv[2] ?? 'results/demo';
const html = join(dir, 'report.html');
if (!existsSync(html)) throw new Error(`${html}: missing`);
const svgs = readdirSync(join(dir, 'charts')).filter((f) => f.endsWith('.svg'));
const specs = readdirSync(join(dir, 'charts')).filter((f) => f.endsWith('.vl.json'));
if (svgs.length === 0 || svgs.length !== specs.length) {
  throw new Error(`${dir}/charts: ${svgs.length} SVGs for ${specs.length} chart specs`);
}
const screenshot = join('results', 'demo-report.png');
const result = await checkReportInBrowser(html, screenshot);
if (result.consoleErrors.length > 0) throw new Error(`console errors:\n${result.consoleErrors.join('\n')}`);
if (result.charts !== svgs.length || result.svgs !== result.charts) {
  throw new Error(
    `page shows ${result.svgs} SVGs for ${result.charts} charts; ${svgs.length} rendered to files`,
  );
}
console.log(`report ok: ${result.charts} charts rendered in the page, screenshot ${screenshot}`);
