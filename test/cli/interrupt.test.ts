// Issue #9, "the tool itself": Ctrl-C stops a run cleanly, says so, marks what it wrote as partial and leaves no
// half-written file; an uninterrupted sliced run is the same run.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../reports/summary.ts';
import { resolveScenario } from '../../scenarios/embedded.ts';
import { loadScenario } from '../../scenarios/load.ts';
import { policyByName } from '../../scenarios/policies/index.ts';
import { World } from '../../scenarios/world/world.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const small = loadScenario(resolveScenario('ml-detector-sim-small'));
const world = () => new World({ scenario: small, policy: policyByName('panda-brokerage'), seed: 3 });

/** Every file under `dir`, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

describe('an interruptible run', () => {
  it('gives the same summary as a run in one go when nothing interrupts it', async () => {
    const whole = world().run();
    const sliced = await world().runInterruptible(new AbortController().signal);
    expect(sliced.partial).toBeUndefined();
    expect(JSON.stringify(sliced)).toBe(JSON.stringify(whole));
  });

  it('stops at its first look after the signal, with a summary marked partial whose jobs still balance', async () => {
    const stop = new AbortController();
    stop.abort();
    const s = await world().runInterruptible(stop.signal);
    expect(s.partial).toBe(true);
    expect(s.simulatedTime).toBe(3600);
    expect(s.workflows[0].end).toBeNull();
    for (const c of s.jobClasses) {
      expect(c.counts.created).toBe(c.counts.finished + c.counts.failed + c.counts.cancelled + c.counts.live);
    }
  });
});

describe('pandasim run under Ctrl-C', () => {
  it('exits 130, says it was interrupted, writes a partial summary and report, and no temporary file', async () => {
    const out = mkdtempSync(join(tmpdir(), 'pandasim-interrupt-'));
    const log = join(out, 'events.csv');
    // The full ML-detector-sim runs for ~20 s: long enough to be interrupted after a few simulated hours.
    const child = spawn(
      process.execPath,
      ['bin/pandasim.js', 'run', 'ml-detector-sim', '--out', out, '--event-log', log, '--quiet'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).toMatch(/SIGINT received: stopping/);
    expect(stderr).toMatch(
      /interrupted by SIGINT at [\d.]+ simulated hours: the results in .* are marked partial/,
    );
    expect(code).toBe(130);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.partial).toBe(true);
    expect(summary.simulatedTime).toBeLessThan(summary.horizon);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('PARTIAL: the run was interrupted');
    expect(existsSync(log)).toBe(true);
    expect(files(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 120_000);
});
