/**
 * Merges a sweep's cells, however they were run (one machine, shards on a Slurm array), into one comparison
 * per variant — `DIR/merged/<variant>/` holds comparison.json, runs/*.json and the report, as `pandasim
 * compare` writes them — and `DIR/merged/index.json`, every variant's policies with their metrics.
 *
 * The output depends on the cells alone, never on the order they finished or which shard ran them, so a
 * merge of shards equals the merge of the same cells run at once, byte for byte.
 */
import { join } from 'node:path';
import { writeJsonAtomic } from '../reports/files.ts';
import { writeComparisonReport } from '../reports/report.ts';
import type { MetricEstimates, RunSummary } from '../reports/summary.ts';
import { runFileName, summarizeComparison } from './compare.ts';
import { ScenarioError } from './scenario-error.ts';
import {
  cellFile,
  cellId,
  readCell,
  readSweepManifest,
  type SweepCell,
  type SweepManifest,
} from './sweep.ts';

export interface SweepIndexVariant {
  readonly id: string;
  readonly values: Readonly<Record<string, unknown>>;
  /** Its comparison, relative to `merged/`. */
  readonly comparison: string;
  readonly policies: readonly { readonly policy: string; readonly metrics: MetricEstimates }[];
}

/** `DIR/merged/index.json`. */
export interface SweepIndex {
  readonly version: SweepManifest['version'];
  readonly scenario: string;
  readonly baseline: string;
  readonly policies: readonly string[];
  readonly seeds: readonly number[];
  readonly parameters: readonly string[];
  readonly variants: readonly SweepIndexVariant[];
}

const MISSING_SHOWN = 10;

function readAll(dir: string, cells: readonly SweepCell[]): RunSummary[] {
  return cells.map((cell) => {
    const run = readCell(dir, cell);
    if (run === undefined) throw new Error(`${cellFile(dir, cell.id)}: unreadable`);
    return run;
  });
}

/** Writes `DIR/merged/`; nothing is written when a cell is missing (a ScenarioError names them). */
export async function mergeSweep(dir: string): Promise<SweepIndex> {
  const manifest = readSweepManifest(dir);
  const missing = manifest.cells.filter((c) => readCell(dir, c) === undefined).map((c) => c.id);
  if (missing.length > 0) {
    const shown = missing.slice(0, MISSING_SHOWN).join(', ');
    const more = missing.length > MISSING_SHOWN ? `, and ${missing.length - MISSING_SHOWN} more` : '';
    throw new ScenarioError([
      {
        file: join(dir, 'cells'),
        path: '',
        expected:
          `a result for each of the ${manifest.cells.length} cells of sweep.json; ${missing.length} missing: ` +
          `${shown}${more} (run the sweep again with --resume)`,
        got: null,
      },
    ]);
  }
  const { policies, seeds } = manifest;
  const byId = new Map(manifest.cells.map((c) => [c.id, c]));
  const variants: SweepIndexVariant[] = [];
  for (const variant of manifest.variants) {
    const cells = policies.flatMap((policy) =>
      seeds.map((seed) => byId.get(cellId(variant.id, policy, seed))!),
    );
    const runs = readAll(dir, cells);
    const comparison = summarizeComparison(runs[0].scenario, policies, seeds, runs);
    const out = join(dir, 'merged', variant.id);
    for (const run of runs) writeJsonAtomic(join(out, 'runs', runFileName(run.policy, run.seed)), run);
    writeJsonAtomic(join(out, 'comparison.json'), comparison);
    await writeComparisonReport(out, comparison, runs);
    variants.push({
      id: variant.id,
      values: variant.values,
      comparison: `${variant.id}/comparison.json`,
      policies: comparison.policies.map((p) => ({ policy: p.policy, metrics: p.metrics })),
    });
  }
  const index: SweepIndex = {
    version: manifest.version,
    scenario: manifest.scenario,
    baseline: policies[0],
    policies,
    seeds,
    parameters: Object.keys(manifest.parameters),
    variants,
  };
  writeJsonAtomic(join(dir, 'merged', 'index.json'), index);
  return index;
}
