/**
 * `pandasim bench --against REF`: the benchmarks of git revision REF and of the working tree, run interleaved in
 * the same session, reported as ratios. Machines here are shared and noisy, so an absolute figure from another
 * day says little; two builds alternating round by round see the same noise. REF runs from a temporary
 * worktree (cli/revision.ts).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkoutRevision } from '../cli/revision.ts';
import { textTable } from '../reports/text-table.ts';
import type { BenchResult } from './harness.ts';

export interface AgainstOptions {
  ref: string;
  rounds: number;
  quick: boolean;
  filter?: string;
  log: (line: string) => void;
}

export interface ComparisonRow {
  suite: string;
  name: string;
  unit: string;
  refRate: number;
  currentRate: number;
  /** current / ref, on the medians over rounds: above 1 is faster. */
  ratio: number;
  /** Largest relative deviation of one round from its side's median, over both sides. */
  noise: number;
  /** The ratio is below `threshold` by more than the noise. */
  regressed: boolean;
}

/** A ratio below this, beyond the measured noise, is a regression for `--check`. */
export const REGRESSION_THRESHOLD = 0.9;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function runSide(tree: string, quick: boolean, filter: string | undefined, out: string): BenchResult[] {
  const args = [join(tree, 'bin', 'pandasim.js'), 'bench', '--out', out];
  if (quick) args.push('--quick');
  if (filter) args.push('--filter', filter);
  execFileSync(process.execPath, args, { cwd: tree, stdio: 'ignore' });
  return (JSON.parse(readFileSync(out, 'utf8')) as { results: BenchResult[] }).results;
}

export function compareRounds(
  refRounds: readonly (readonly BenchResult[])[],
  currentRounds: readonly (readonly BenchResult[])[],
): ComparisonRow[] {
  const key = (r: BenchResult) => `${r.suite}\u0000${r.name}`;
  const rates = (rounds: readonly (readonly BenchResult[])[]) => {
    const m = new Map<string, number[]>();
    for (const round of rounds) for (const r of round) m.set(key(r), [...(m.get(key(r)) ?? []), r.rate]);
    return m;
  };
  const refRates = rates(refRounds);
  const currentRates = rates(currentRounds);
  const rows: ComparisonRow[] = [];
  for (const r of currentRounds[0] ?? []) {
    const ref = refRates.get(key(r));
    const cur = currentRates.get(key(r));
    if (!ref || !cur) continue;
    const refRate = median(ref);
    const currentRate = median(cur);
    const spread = (xs: number[], m: number) => Math.max(...xs.map((x) => Math.abs(x / m - 1)));
    const noise = Math.max(spread(ref, refRate), spread(cur, currentRate));
    const ratio = currentRate / refRate;
    rows.push({
      suite: r.suite,
      name: r.name,
      unit: r.unit,
      refRate,
      currentRate,
      ratio,
      noise,
      regressed: ratio < REGRESSION_THRESHOLD - noise,
    });
  }
  return rows;
}

export function benchAgainst(root: string, options: AgainstOptions): ComparisonRow[] {
  const { dir, sha, remove } = checkoutRevision(
    root,
    options.ref,
    { file: join('bench', 'run.ts'), what: 'benchmarks' },
    options.log,
  );
  try {
    const refRounds: BenchResult[][] = [];
    const currentRounds: BenchResult[][] = [];
    for (let round = 0; round < options.rounds; round++) {
      // Alternate which side goes first, so a drift in machine load does not favour one side.
      const order = round % 2 === 0 ? (['ref', 'current'] as const) : (['current', 'ref'] as const);
      for (const side of order) {
        options.log(
          `round ${round + 1}/${options.rounds}: ${side === 'ref' ? `${options.ref} (${sha.slice(0, 10)})` : 'working tree'}`,
        );
        const out = join(dir, `.bench-${side}-${round}.json`);
        const results = runSide(side === 'ref' ? dir : root, options.quick, options.filter, out);
        (side === 'ref' ? refRounds : currentRounds).push(results);
      }
    }
    return compareRounds(refRounds, currentRounds);
  } finally {
    remove();
  }
}

export function formatComparison(rows: readonly ComparisonRow[], ref: string): string {
  const body = rows.map((r) => [
    `${r.suite} / ${r.name}`,
    `${r.refRate.toPrecision(4)} ${r.unit}/s`,
    `${r.currentRate.toPrecision(4)} ${r.unit}/s`,
    `${r.ratio.toFixed(3)}×`,
    `±${(r.noise * 100).toFixed(1)}%`,
    r.regressed ? 'REGRESSION' : '',
  ]);
  return textTable(['case', ref, 'working tree', 'ratio', 'noise', ''], body);
}
