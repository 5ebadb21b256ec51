/**
 * The scenarios shipped with pandasim, by name, and the lookup commands use to turn `SCENARIO` (a built-in
 * name or a path) into a file.
 */
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ScenarioError } from './scenario-error.ts';

const builtIn = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

/** Built-in scenario name → absolute path of its file. */
export const EMBEDDED_SCENARIOS: Readonly<Record<string, string>> = {
  'ml-detector-sim': builtIn('./ml-detector-sim.yaml'),
  'ml-detector-sim-small': builtIn('./ml-detector-sim-small.yaml'),
  'atlas-day': builtIn('./atlas-day.yaml'),
  'atlas-month': builtIn('./atlas-month.yaml'),
};

/** The file of a built-in scenario name, or `nameOrPath` itself if it is an existing file. */
export function resolveScenario(nameOrPath: string): string {
  if (Object.hasOwn(EMBEDDED_SCENARIOS, nameOrPath)) return EMBEDDED_SCENARIOS[nameOrPath];
  if (existsSync(nameOrPath) && statSync(nameOrPath).isFile()) return nameOrPath;
  const names = Object.keys(EMBEDDED_SCENARIOS).join(', ');
  throw new ScenarioError([
    {
      file: nameOrPath,
      path: '',
      expected: `a built-in scenario (${names}) or the path of a scenario file`,
      got: null,
    },
  ]);
}
