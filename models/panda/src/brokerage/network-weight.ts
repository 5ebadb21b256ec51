// Network weight of a satellite → nucleus link, `AtlasProdJobBroker.doBrokerage` ("apply network metrics to
// weight") and `convertMBpsToWeight` (pandajedi/jedibrokerage/AtlasProdJobBroker.py); brokerage.md §2.4 step 9.
// Queue term 2 − queued/NQUEUED_SAT_CAP, throughput term from FTS MB/s or else from CRIC closeness; 2.5 for both
// when the PQ's output storage is at the nucleus itself.

import type { LinkMetrics } from '../snapshot/network.ts';

export const MIN_CLOSENESS = 0;
export const MAX_CLOSENESS = 11;
export const BLOCKED_LINK = -1;

const MBPS_THRESHOLDS = [200, 100, 75, 50, 20, 10, 2, 1];
const MBPS_WEIGHTS = [2, 1.9, 1.8, 1.6, 1.5, 1.3, 1.2, 1.1];

/** `convertMBpsToWeight`: FTS throughput → weight in [1, 2]. */
export function convertMBpsToWeight(mbps: number): number {
  for (let i = 0; i < MBPS_THRESHOLDS.length; i++) if (mbps > MBPS_THRESHOLDS[i]) return MBPS_WEIGHTS[i];
  return 1;
}

/**
 * The FTS throughput PanDA uses. Code: it reads 1w, then 1d, then 1h, each overwriting the last, and stops at the
 * first missing key — so nothing at all when 1w is missing. Docs: the freshest value present.
 */
export function linkMbps(link: LinkMetrics | undefined, variant: 'code' | 'docs'): number | null {
  if (!link) return null;
  if (variant === 'docs') return link.mbps1h ?? link.mbps1d ?? link.mbps1w ?? null;
  if (link.mbps1w === undefined) return null;
  if (link.mbps1d === undefined) return link.mbps1w;
  if (link.mbps1h === undefined) return link.mbps1d;
  return link.mbps1h;
}

export interface NetworkWeight {
  weight: number;
  queueWeight: number;
  throughputWeight: number;
  closeness: number;
  nFilesQueued: number;
  mbps: number | null;
}

export interface NetworkWeightOptions {
  NQUEUED_SAT_CAP: number;
  NW_QUEUE_IMPORTANCE: number;
  mbpsVariant: 'code' | 'docs';
}

/** Network weight of a PQ whose output storage sits at `atlasSite`, for outputs going to `nucleus`. */
export function networkWeight(
  atlasSite: string,
  nucleus: string,
  link: LinkMetrics | undefined,
  express: boolean,
  o: NetworkWeightOptions,
): NetworkWeight {
  const closeness = link?.closeness ?? MAX_CLOSENESS * 0.7;
  const nFilesQueued = (express ? link?.expressQueued : link?.productionOutputQueued) ?? 0;
  const mbps = linkMbps(link, o.mbpsVariant);
  const atNucleus = atlasSite === nucleus;
  const queueWeight = atNucleus ? 2.5 : queueTerm(nFilesQueued, o);
  const throughputWeight = atNucleus ? 2.5 : throughputTerm(mbps, closeness);
  const weight = combine(queueWeight, throughputWeight, o);
  return { weight, queueWeight, throughputWeight, closeness, nFilesQueued, mbps };
}

/** `networkWeight(…).weight` without the breakdown, for the brokerage loop. */
export function networkWeightValue(
  atNucleus: boolean,
  link: LinkMetrics | undefined,
  express: boolean,
  o: NetworkWeightOptions,
): number {
  if (atNucleus) return combine(2.5, 2.5, o);
  const nFilesQueued = (express ? link?.expressQueued : link?.productionOutputQueued) ?? 0;
  const closeness = link?.closeness ?? MAX_CLOSENESS * 0.7;
  return combine(queueTerm(nFilesQueued, o), throughputTerm(linkMbps(link, o.mbpsVariant), closeness), o);
}

function queueTerm(nFilesQueued: number, o: NetworkWeightOptions): number {
  return 2 - nFilesQueued / o.NQUEUED_SAT_CAP;
}

function throughputTerm(mbps: number | null, closeness: number): number {
  return mbps !== null
    ? convertMBpsToWeight(mbps)
    : 1 + (MAX_CLOSENESS - closeness) / (MAX_CLOSENESS - MIN_CLOSENESS);
}

function combine(queueWeight: number, throughputWeight: number, o: NetworkWeightOptions): number {
  return o.NW_QUEUE_IMPORTANCE * queueWeight + (1 - o.NW_QUEUE_IMPORTANCE) * throughputWeight;
}
