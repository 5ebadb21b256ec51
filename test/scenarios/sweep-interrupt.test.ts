// A sweep stopped by Ctrl-C (issue #9): the cells under way are dropped, not counted as failures; the finished
// ones stay; `resume` runs exactly the rest.
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSweep } from '../../scenarios/sweep.ts';

const SWEEP = `scenario: ml-detector-sim-small
policies: [lcf-harvester, grid-only]
seeds: [3]
parameters:
  horizon: [1d]
  platform.hpc[0].nodes: [2, 4]
`;

describe('an interrupted sweep', () => {
  it('keeps the cells done before the signal, drops the ones under way, and resume runs the rest', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pandasim-sweep-int-')), 'sweep.yaml');
    writeFileSync(file, SWEEP);
    const out = mkdtempSync(join(tmpdir(), 'pandasim-sweep-int-out-'));
    const stop = new AbortController();
    // One thread: the signal comes as the first cell ends, while the second is under way.
    const first = await runSweep({
      file,
      out,
      parallel: 1,
      signal: stop.signal,
      onCell: () => stop.abort(),
    });
    expect(first.interrupted).toBe(true);
    expect(first.ran).toHaveLength(1);
    const cells = readdirSync(join(out, 'cells'));
    expect(cells).toEqual([`${first.ran[0]}.json`]);
    const rest = await runSweep({ file, out, resume: true, parallel: 2 });
    expect(rest.interrupted).toBe(false);
    expect(rest.skipped).toEqual(first.ran);
    expect(rest.ran).toHaveLength(3);
    expect(existsSync(join(out, 'cells', `${rest.ran[2]}.json`))).toBe(true);
  }, 60_000);

  it('runs nothing when the signal came before it started', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pandasim-sweep-int-')), 'sweep.yaml');
    writeFileSync(file, SWEEP);
    const out = mkdtempSync(join(tmpdir(), 'pandasim-sweep-int-out-'));
    const stop = new AbortController();
    stop.abort();
    const r = await runSweep({ file, out, signal: stop.signal });
    expect(r).toMatchObject({ interrupted: true, ran: [], skipped: [] });
  });
});
