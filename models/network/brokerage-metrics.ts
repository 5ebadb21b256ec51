/**
 * The measured link metrics in the shape @pandasim/panda's brokerage reads (`NetworkMetrics`: destination
 * (nucleus) → source site → `LinkMetrics`), as JEDI gets them from `getNetworkMetrics` (brokerage.md §2.2
 * step 3, §2.4 step 9).
 *
 * Units: the `mbps*` fields are the FTS dashboard's MB/s (the thresholds of `convertMBpsToWeight` are in
 * MB/s, models/panda/src/snapshot/network.ts), taken as 10^6 bytes/s. A key is present only when PanDA would
 * have a row for it: a throughput only when a file completed on the link within the window, a queued count
 * only for an activity that has used the link, a closeness only when CRIC has one.
 */
import type { LinkMetrics, NetworkMetrics } from '@pandasim/panda';
import { EXPRESS, PRODUCTION_OUTPUT, type TransferMetrics } from './transfer-metrics.ts';

const BYTES_PER_MB = 1e6;

export interface NetworkMetricsOptions {
  /** CRIC closeness of a site pair (e.g. `Topology.closeness`). */
  closeness?: (srcSite: string, dstSite: string) => number | undefined;
  /** Site pairs [source, destination] to report even if no transfer used them (they carry closeness only). */
  sitePairs?: Iterable<readonly [string, string]>;
}

/** The metrics of every measured link (and of `sitePairs`) as of `now`. */
export function toNetworkMetrics(
  metrics: TransferMetrics,
  now: number,
  options: NetworkMetricsOptions = {},
): NetworkMetrics {
  const out: NetworkMetrics = {};
  const put = (src: string, dst: string): void => {
    const byDst = (out[dst] ??= {});
    if (byDst[src] === undefined) byDst[src] = linkMetrics(metrics, src, dst, now, options.closeness);
  };
  for (const [src, dst] of metrics.linkPairs()) put(src, dst);
  for (const [src, dst] of options.sitePairs ?? []) put(src, dst);
  return out;
}

function linkMetrics(
  metrics: TransferMetrics,
  src: string,
  dst: string,
  now: number,
  closeness: NetworkMetricsOptions['closeness'],
): LinkMetrics {
  const link: LinkMetrics = {};
  const queued = metrics.queuedByActivity(src, dst);
  const production = queued.get(PRODUCTION_OUTPUT);
  const express = queued.get(EXPRESS);
  if (production !== undefined) link.productionOutputQueued = production;
  if (express !== undefined) link.expressQueued = express;
  const rate1h = metrics.throughput(src, dst, '1h', now);
  const rate1d = metrics.throughput(src, dst, '1d', now);
  const rate1w = metrics.throughput(src, dst, '1w', now);
  if (rate1h !== undefined) link.mbps1h = rate1h / BYTES_PER_MB;
  if (rate1d !== undefined) link.mbps1d = rate1d / BYTES_PER_MB;
  if (rate1w !== undefined) link.mbps1w = rate1w / BYTES_PER_MB;
  const c = closeness?.(src, dst);
  if (c !== undefined) link.closeness = c;
  return link;
}
