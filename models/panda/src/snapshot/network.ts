// Network metrics between an ATLAS site (the source of a job's outputs) and a nucleus, as JEDI reads them with
// `getNetworkMetrics(nucleus, keys)` (rows newer than 60 min) — brokerage.md §2.2 step 3 and §2.4 step 9.
// Each field names the PanDA metric key it stands for. Absent fields mean "no row for this key", which matters:
// the throughput lookup stops at the first missing key (§2.4 step 9).

/** Metrics of one source-site → nucleus link. */
export interface LinkMetrics {
  /** `Production Output_queued`: files queued on the link for production outputs. */
  productionOutputQueued?: number;
  /** `Express_queued`: the same for express (urgent) chunks. */
  expressQueued?: number;
  /** `Production Output_done_6h` / `Express_done_6h`: files transferred in 6 h (logged by PanDA only). */
  productionOutputDone6h?: number;
  expressDone6h?: number;
  /** `dashb_mbps_1h`, `dashb_mbps_1d`, `dashb_mbps_1w`: FTS throughput, MB/s. */
  mbps1h?: number;
  mbps1d?: number;
  mbps1w?: number;
  /** `AGIS_closeness`: 0 best … 11 worst; −1 blocked. */
  closeness?: number;
}

/**
 * Nucleus name → source ATLAS site → link metrics. As in PanDA's `getNetworkMetrics` result, a source named
 * `total` may carry the files queued towards the nucleus from all sources; it is summed over the links if absent.
 */
export type NetworkMetrics = Record<string, Record<string, LinkMetrics>>;
