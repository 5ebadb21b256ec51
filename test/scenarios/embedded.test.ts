// Built-in scenario names resolve to their files; a path is taken as it is; anything else is an error naming
// the built-ins.
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMBEDDED_SCENARIOS, resolveScenario } from '../../scenarios/embedded.ts';
import { ScenarioError } from '../../scenarios/scenario-error.ts';

describe('resolveScenario', () => {
  it('maps each built-in name to an absolute path of an existing file', () => {
    expect(Object.keys(EMBEDDED_SCENARIOS)).toEqual([
      'ml-detector-sim',
      'ml-detector-sim-small',
      'atlas-day',
      'atlas-month',
    ]);
    for (const [name, path] of Object.entries(EMBEDDED_SCENARIOS)) {
      expect(isAbsolute(path)).toBe(true);
      expect(existsSync(path)).toBe(true);
      expect(resolveScenario(name)).toBe(path);
    }
  });

  it('takes an existing file path as it is', () => {
    expect(resolveScenario('scenarios/ml-detector-sim-small.yaml')).toBe(
      'scenarios/ml-detector-sim-small.yaml',
    );
  });

  it('rejects an unknown name, a missing file and a folder, listing the built-ins', () => {
    for (const given of ['ml-detector', 'no/such.yaml', 'scenarios']) {
      expect(() => resolveScenario(given)).toThrow(ScenarioError);
      expect(() => resolveScenario(given)).toThrow(
        `${given}: expected a built-in scenario (ml-detector-sim, ml-detector-sim-small, atlas-day, atlas-month) or the path of a scenario file`,
      );
    }
  });

  it('does not take inherited object keys for names', () => {
    expect(() => resolveScenario('toString')).toThrow(ScenarioError);
  });
});
