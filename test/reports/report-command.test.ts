// `pandasim report DIR`, run through yargs in process (cli/main.ts registers the command).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import yargs from 'yargs';
import { reportCommand } from '../../cli/commands/report.ts';
import { InputError } from '../../cli/errors.ts';
import { comparisonMarkdown, runMarkdown } from '../../reports/markdown.ts';
import { COMPARISON, RUN, RUNS } from './fixtures.ts';

function resultsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pandasim-report-cmd-'));
  mkdirSync(join(dir, 'runs'));
  writeFileSync(join(dir, 'comparison.json'), JSON.stringify(COMPARISON));
  for (const r of RUNS) writeFileSync(join(dir, 'runs', `${r.policy}-seed${r.seed}.json`), JSON.stringify(r));
  return dir;
}

/** Runs the command and returns what it wrote to stdout. */
async function report(...args: string[]): Promise<string> {
  const out: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(console, 'log').mockImplementation((...line: unknown[]) => {
    out.push(`${line.join(' ')}\n`);
  });
  try {
    await yargs(['report', ...args])
      .command(reportCommand)
      .strict()
      .fail((msg, err) => {
        throw err ?? new InputError(msg);
      })
      .parseAsync();
  } finally {
    vi.restoreAllMocks();
  }
  return out.join('');
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('pandasim report', () => {
  it('--format md prints the markdown and appends it to $GITHUB_STEP_SUMMARY', async () => {
    const dir = resultsDir();
    const stepSummary = join(dir, 'step-summary.md');
    writeFileSync(stepSummary, '# earlier step\n');
    vi.stubEnv('GITHUB_STEP_SUMMARY', stepSummary);
    const stdout = await report(dir, '--format', 'md');
    expect(stdout).toBe(comparisonMarkdown(COMPARISON));
    expect(readFileSync(stepSummary, 'utf8')).toBe(`# earlier step\n${comparisonMarkdown(COMPARISON)}\n`);
  });

  it('--format md of a single run prints its table and writes no step summary when unset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pandasim-report-cmd-'));
    writeFileSync(join(dir, 'summary.json'), JSON.stringify(RUN));
    vi.stubEnv('GITHUB_STEP_SUMMARY', '');
    expect(await report(dir, '--format', 'md')).toBe(runMarkdown(RUN));
  });

  it('rebuilds the HTML report, into --out when given', async () => {
    const dir = resultsDir();
    const out = join(dir, 'elsewhere');
    expect(await report(dir, '--out', out)).toBe(`report written: ${join(out, 'report.html')} (30 files)\n`);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain(
      '<figure class="chart" id="chart-gantt">',
    );
  });

  it('rejects a broken results directory and an unknown format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pandasim-report-cmd-'));
    writeFileSync(join(dir, 'summary.json'), JSON.stringify({ ...RUN, cost: -1 }));
    await expect(report(dir)).rejects.toThrow(
      new InputError(`${join(dir, 'summary.json')}: cost: Too small: expected number to be >=0`),
    );
    await expect(report(dir, '--format', 'pdf')).rejects.toThrow(/Invalid values:\s+Argument: format/);
  });
});
