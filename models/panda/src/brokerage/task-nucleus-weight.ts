// Nucleus weight and weighted draw of `AtlasProdTaskBrokerThread.runImpl`
// (pandajedi/jedibrokerage/AtlasProdTaskBroker.py, "weight" and "final selection"; brokerage.md §3 steps 9–10):
//   w = (RW ≥ 50 ? 1/RW : 1) × ava_any/tot × (0.001 if some input only on tape) × free/total × min(1000, free TB).

import { CUT_OFF_RW, NEG_WEIGHT_TAPE, type TaskBrokerageOptions } from './task-brokerage-options.ts';
import type { NucleusWeight, TaskToBroker } from './task-brokerage-types.ts';
import type { NucleusDataAvailability } from './task-nucleus-data.ts';
import type { NucleusFreeSpace } from './task-nucleus-filters.ts';

export interface NucleusWeightInputs {
  /** RW_nucleus at the task's priority; absent counts as 0. */
  remainingWork: number | undefined;
  /** Null when the data information is inactive (no datasets, or the locality check was disabled). */
  data: NucleusDataAvailability | null;
  /** Null when the endpoint check recorded no non-zero total for the nucleus. */
  freeSpace: NucleusFreeSpace | null;
}

export function nucleusWeight(
  nucleus: string,
  inputs: NucleusWeightInputs,
  task: Pick<TaskToBroker, 'ioIntensity'>,
  options: Pick<TaskBrokerageOptions, 'FREE_DISK_CUTOFF' | 'MIN_IO_INTENSITY_WITH_LOCAL_DATA'>,
): NucleusWeight {
  const rw = inputs.remainingWork ?? 0;
  const rwFactor = rw >= CUT_OFF_RW ? 1 / rw : 1;
  let weight = rwFactor;
  let dataFraction: number | null = null;
  let tapePenalty: number | null = null;
  const d = inputs.data;
  if (d && d.totSize > 0) {
    // Only IO-hungry tasks (or tasks with unknown IO) prefer nuclei holding more of the input.
    const io = task.ioIntensity;
    if (io == null || io > options.MIN_IO_INTENSITY_WITH_LOCAL_DATA) {
      dataFraction = d.avaSizeAny / d.totSize;
      // Multiply then divide, as the code does, so the double result matches it bit for bit.
      weight = (weight * d.avaSizeAny) / d.totSize;
    }
    if (d.avaSizeAny > d.avaSizeDisk) {
      tapePenalty = NEG_WEIGHT_TAPE;
      weight *= tapePenalty;
    }
  }
  let freeFraction: number | null = null;
  let freeTB: number | null = null;
  let freeTerm: number | null = null;
  const s = inputs.freeSpace;
  if (s) {
    freeFraction = s.freeGB / s.totalGB;
    freeTB = Math.floor(s.freeGB / 1024);
    freeTerm = Math.min(options.FREE_DISK_CUTOFF, freeTB);
    weight *= freeFraction;
    weight *= freeTerm;
  }
  return {
    nucleus,
    remainingWork: rw,
    rwFactor,
    dataFraction,
    tapePenalty,
    freeFraction,
    freeTB,
    freeTerm,
    weight,
  };
}

/**
 * `random.uniform(0, Σw)`, then walk the candidates in order subtracting weights until the target is ≤ 0; the last
 * candidate if rounding leaves none chosen. `rng` returns U[0, 1).
 */
export function drawNucleus(weights: readonly NucleusWeight[], rng: () => number): string {
  let total = 0;
  for (const w of weights) total += w.weight;
  let target = total * rng();
  for (const w of weights) {
    target -= w.weight;
    if (target <= 0) return w.nucleus;
  }
  return weights[weights.length - 1].nucleus;
}
