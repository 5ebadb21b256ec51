/**
 * Parsl's 'simple' scaling strategy, the GlobusComputeEngine's default (Parsl/parsl parsl/jobs/strategy.py,
 * `_general_strategy` with strategy_type 'simple'), as a pure function of one strategy pass.
 *
 * - The first pass asks for `initBlocks`.
 * - No outstanding tasks and more than `minBlocks` blocks: an idle timer starts; once it exceeds
 *   `maxIdletime`, all blocks above `minBlocks` are scaled in. With `minBlocks` or fewer nothing happens
 *   (the strategy never scales out to `minBlocks`).
 * - Slots / outstanding tasks below `parallelism`: scale out by the blocks that make up the missing slots,
 *   up to `maxBlocks` pending or running.
 * - Outstanding tasks and no slot at all (parallelism 0): one block, within `maxBlocks`.
 * A block's slots count from its submission (pending blocks count), as in Parsl.
 *
 * The idle timer is kept as the index of the pass that started it: passes are `strategyPeriod` apart, so the
 * idle time is an exact multiple of the period, as Parsl's wall-clock difference is up to its jitter. It is
 * reset only at a pass that sees outstanding tasks, so tasks that come and go between two passes do not reset it.
 */
import type { HtexParams } from './params.ts';

export type StrategyParams = Pick<
  HtexParams,
  | 'initBlocks'
  | 'minBlocks'
  | 'maxBlocks'
  | 'parallelism'
  | 'workersPerNode'
  | 'nodesPerBlock'
  | 'maxIdletime'
  | 'strategyPeriod'
>;

export interface StrategyState {
  /** True at the executor's first pass. */
  readonly first: boolean;
  /** Tasks the executor holds, waiting or running (HTEX `outstanding`). */
  readonly outstandingTasks: number;
  /** Blocks pending in the batch queue or running. */
  readonly activeBlocks: number;
  /** Index of this pass (passes are `strategyPeriod` apart). */
  readonly pass: number;
  /** The pass that started the idle timer, if it runs. */
  readonly idleSincePass: number | undefined;
}

export interface StrategyDecision {
  readonly scaleOut: number;
  /** Blocks to scale in (the executor chooses which: HTEX `scale_in`). */
  readonly scaleIn: number;
  readonly idleSincePass: number | undefined;
}

export function simpleStrategy(state: StrategyState, p: StrategyParams): StrategyDecision {
  let scaleOut = state.first ? p.initBlocks : 0;
  const blocks = state.activeBlocks + scaleOut;
  const tasks = state.outstandingTasks;
  let idleSincePass = tasks > 0 ? undefined : state.idleSincePass;
  if (tasks === 0) {
    if (blocks <= p.minBlocks) return { scaleOut, scaleIn: 0, idleSincePass };
    idleSincePass ??= state.pass;
    const idle = (state.pass - idleSincePass) * p.strategyPeriod;
    return { scaleOut, scaleIn: idle > p.maxIdletime ? blocks - p.minBlocks : 0, idleSincePass };
  }
  const slotsPerBlock = p.workersPerNode * p.nodesPerBlock;
  const slots = blocks * slotsPerBlock;
  if (slots / tasks < p.parallelism) {
    if (blocks < p.maxBlocks) {
      const missing = Math.ceil(tasks * p.parallelism - slots);
      scaleOut += Math.min(Math.ceil(missing / slotsPerBlock), p.maxBlocks - blocks);
    }
  } else if (slots === 0 && blocks < p.maxBlocks) {
    scaleOut += 1;
  }
  return { scaleOut, scaleIn: 0, idleSincePass };
}
