// `pandasim validate`, through its command handler (cli/main.ts registers it separately).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { validateCommand } from '../../cli/commands/validate.ts';
import { InputError } from '../../cli/errors.ts';

function validate(scenario: string): string {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  void validateCommand.handler({ scenario, _: ['validate'], $0: 'pandasim' });
  const printed = log.mock.calls.map((call) => call.join(' ')).join('\n');
  return printed;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('pandasim validate', () => {
  it('prints a one-paragraph summary of a built-in scenario', () => {
    const out = validate('ml-detector-sim-small');
    expect(out.split('\n')).toHaveLength(1);
    expect(out).toMatch(/^ml-detector-sim-small \(<embedded>\): FastCaloGAN for one η slice/);
    expect(out).toContain(
      'Platform: 6 grid sites (3,400 cores, 2 nuclei), 1 HPC share (POLARIS: 4 polaris nodes, preemptable)',
    );
    expect(out).toContain('1 funcX endpoint (ALCF-FUNCX on POLARIS)');
    expect(out).toContain(
      'Workflow fastcalogan-slice of FastCaloGAN Production: training-data (cpu, 40 jobs), gan-training (gpu, 8 jobs, streaming after training-data), fast-simulation (cpu, 40 jobs, after gan-training).',
    );
    expect(out).toContain(
      'Background: 3 loads, ~310 jobs a day (MC Simulation Full 100, Event Generation 50, User Analysis 160).',
    );
    expect(out).toContain('Shares: 11 rows, 9 leaves. Horizon 7d; seeds 1, 2, 3;');
  });

  it('summarises the full-size scenario too', () => {
    const out = validate('ml-detector-sim');
    expect(out).toContain('16 grid sites (41,000 cores, 3 nuclei)');
    expect(out).toContain('training-data (cpu, 5,000 jobs), gan-training (gpu, 300 jobs');
    expect(out).toContain('Horizon 30d; seeds 1, 2, 3, 4, 5;');
  });

  it('turns every problem of a file into one InputError (exit 2) naming file and field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pandasim-validate-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'name: bad\nhorizon: eight\nplatform: nowhere.yaml\nshares: []\n');
    expect(() => validate(file)).toThrow(InputError);
    expect(() => validate(file)).toThrow(`3 problems:\n  ${file}: horizon: expected a duration like '8h'`);
    expect(() => validate(file)).toThrow(`${file}: platform: expected a catalog file that can be read`);
    expect(() => validate(file)).toThrow(`${file}: shares: expected an array of ≥ 1 items, got []`);
  });

  it('lists the built-in names for an unknown scenario', () => {
    expect(() => validate('ml-detectr-sim')).toThrow(
      new InputError(
        'ml-detectr-sim: expected a built-in scenario (ml-detector-sim, ml-detector-sim-small, atlas-day, atlas-month) or the path of a scenario file',
      ),
    );
  });
});
