/**
 * Where a result came from (issue #9, "runs are reproducible"): a hash of the scenario as loaded, and the
 * version and git revision of the simulator that ran it. With the policy and the seed, already in every summary,
 * that is all it takes to run it again and get the same bytes.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Provenance } from '../reports/summary.ts';
import type { Scenario } from './scenario.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * `sha256:<hex>` of the scenario as the simulator takes it: every file it references read in, units parsed,
 * defaults applied. Two files that say the same thing hash the same; the path it was loaded from does not count
 * (the same scenario on another machine hashes the same).
 */
export function scenarioHash(scenario: Scenario): string {
  const { file: _file, ...content } = scenario;
  return `sha256:${createHash('sha256').update(canonical(content)).digest('hex')}`;
}

/**
 * JSON with sorted keys; non-finite numbers as strings (JSON has none); typed arrays as arrays; class instances
 * (distributions) tagged with their class, since two kinds can have the same fields.
 */
function canonical(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : `"${value}"`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (ArrayBuffer.isView(value)) return canonical(Array.from(value as unknown as ArrayLike<number>));
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined && typeof v !== 'function')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`);
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== null && proto !== Object.prototype)
    entries.unshift(`"$class":${JSON.stringify(proto.constructor.name)}`);
  return `{${entries.join(',')}}`;
}

let tool: Omit<Provenance, 'scenarioHash'> | undefined;

/**
 * The simulator's version (package.json) and git revision, `+dirty` when tracked files differ from it; null
 * outside a git checkout (an installed package). Asked once per process.
 */
export function toolProvenance(): Omit<Provenance, 'scenarioHash'> {
  if (tool === undefined) {
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version?: unknown };
    tool = { version: typeof pkg.version === 'string' ? pkg.version : 'unknown', gitRevision: gitRevision() };
  }
  return tool;
}

function gitRevision(): string | null {
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', ROOT, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  try {
    const head = git('rev-parse', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') === '' ? head : `${head}+dirty`;
  } catch {
    return null;
  }
}
