/** `pandasim` as a user runs it (bin/pandasim.js from the project's root), for the end-to-end CLI tests. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `pandasim ARGS` to its end under `env`. */
export function runPandasim(args: readonly string[], env: NodeJS.ProcessEnv = process.env): CliResult {
  const r = spawnSync(process.execPath, ['bin/pandasim.js', ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `pandasim(...)` with the arguments as they would be typed. */
export const pandasim = (...args: string[]): CliResult => runPandasim(args);
