// Issue #9: a summary records where it came from — the scenario's hash, pandasim's version and git revision.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveScenario } from '../../scenarios/embedded.ts';
import { loadScenario, parseScenario } from '../../scenarios/load.ts';
import { scenarioHash, toolProvenance } from '../../scenarios/provenance.ts';
import { policyByName } from '../../scenarios/policies/index.ts';
import { runWorld } from '../../scenarios/world/world.ts';

const file = resolveScenario('ml-detector-sim-small');
const text = readFileSync(file, 'utf8');

describe('the scenario hash', () => {
  it('depends on what the scenario says, not on where its file is or how it is written', () => {
    const here = parseScenario(text, file);
    // Another name in the same directory (its catalog and shares resolve the same), comments and key order changed.
    const moved = parseScenario(
      `# a copy\n${text.replace(/^horizon: (.*)$/m, '\nhorizon: $1  # same')}`,
      join(dirname(file), 'copy.yaml'),
    );
    expect(scenarioHash(moved)).toBe(scenarioHash(here));
    expect(scenarioHash(here)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('changes with any value, units included, and with the distributions’ kind', () => {
    const base = scenarioHash(parseScenario(text, file));
    const seeds = parseScenario(text.replace(/^seeds: .*$/m, 'seeds: [1, 2, 3, 4]'), file);
    expect(scenarioHash(seeds)).not.toBe(base);
    const scenario = parseScenario(text, file);
    const site = scenario.platform.gridSites[0];
    const faster = {
      ...scenario,
      platform: {
        ...scenario.platform,
        gridSites: [{ ...site, hs06PerCore: site.hs06PerCore + 1 }, ...scenario.platform.gridSites.slice(1)],
      },
    };
    expect(scenarioHash(faster)).not.toBe(base);
  });
});

describe('a run summary', () => {
  it('carries the scenario hash, the version and the git revision', () => {
    const scenario = loadScenario(file);
    const s = runWorld({
      scenario: { ...scenario, horizon: 3600 },
      policy: policyByName('grid-only'),
      seed: 1,
    });
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(s.provenance).toEqual({
      scenarioHash: scenarioHash({ ...scenario, horizon: 3600 }),
      version: pkg.version,
      gitRevision: toolProvenance().gitRevision,
    });
    // Tests run in a git checkout (CI clones the repository).
    expect(s.provenance?.gitRevision).toMatch(/^[0-9a-f]{40}(\+dirty)?$/);
  });
});
