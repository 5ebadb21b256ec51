/** Loading the scenario and the policies a command names, with bad input turned into exit code 2. */
import { resolveScenario } from '../scenarios/embedded.ts';
import { loadScenario } from '../scenarios/load.ts';
import { POLICIES, policyByName } from '../scenarios/policies/index.ts';
import type { PlacementPolicy } from '../scenarios/policies/policy.ts';
import type { Scenario } from '../scenarios/scenario.ts';
import { asInput, InputError } from './errors.ts';

/** The scenario file a built-in name or a path stands for, and the scenario in it. */
export function scenarioInput(nameOrPath: string): { file: string; scenario: Scenario } {
  return asInput(() => {
    const file = resolveScenario(nameOrPath);
    return { file, scenario: loadScenario(file) };
  });
}

export function policyInput(name: string, option = '--policy'): PlacementPolicy {
  if (!(name in POLICIES)) {
    throw new InputError(
      `${option}: unknown policy '${name}'; expected one of ${Object.keys(POLICIES).join(', ')}`,
    );
  }
  return policyByName(name);
}

/** `a,b,c` → the policies, each checked; duplicates are an error (a policy would be its own baseline). */
export function policyListInput(list: string): string[] {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) throw new InputError('--policies: expected a comma-separated list of policies');
  const seen = new Set<string>();
  for (const name of names) {
    policyInput(name, '--policies');
    if (seen.has(name)) throw new InputError(`--policies: '${name}' is listed twice`);
    seen.add(name);
  }
  return names;
}

/** `--seeds N` → 1..N; `--seeds 3,7,11` → those seeds. */
export function seedsInput(text: string | number | undefined, fallback: readonly number[]): number[] {
  if (text === undefined) return [...fallback];
  const s = String(text);
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (n < 1) throw new InputError(`--seeds: expected a count >= 1 or a list like 1,2,3, got ${s}`);
    return Array.from({ length: n }, (_, i) => i + 1);
  }
  const seeds = s.split(',').map((x) => Number(x.trim()));
  if (seeds.some((x) => !Number.isInteger(x) || x < 0)) {
    throw new InputError(`--seeds: expected a count or a list of non-negative integers like 1,2,3, got ${s}`);
  }
  // A seed given twice would pair a run with itself and narrow the intervals.
  if (new Set(seeds).size !== seeds.length) throw new InputError(`--seeds: each seed once, got ${s}`);
  return seeds;
}
