// Storage endpoints (RSEs, `DdmSpec` entries) and dataset replicas as the brokerages read them
// (brokerage.md §2.2 steps 1 and 13, §3 steps 2 and 5, §5.1). Space in GB as in the CRIC/Rucio feed PanDA uses.

import type { RseActivityStatus } from './queue.ts';

/** `detailed_status` of an RSE; an activity absent here counts as up. */
export interface RseDetailedStatus {
  read_lan?: RseActivityStatus;
  write_lan?: RseActivityStatus;
  read_wan?: RseActivityStatus;
  write_wan?: RseActivityStatus;
}

/** One DDM endpoint (RSE). */
export interface DdmEndpoint {
  ddm_endpoint_name: string;
  /** ATLAS site the RSE belongs to (`storageMapping` / network source site). */
  site: string;
  /** `DATADISK`, `SCRATCHDISK`, `TAPE`, … */
  type?: string;
  is_tape?: boolean;
  /** GB */
  space_free?: number;
  space_expired?: number;
  space_min_free?: number;
  space_unavailable?: number;
  space_total?: number;
  detailed_status?: RseDetailedStatus;
}

/** A dataset replica at one RSE. */
export interface DatasetReplica {
  rse: string;
  /** Files of the dataset present at the RSE (`found`). */
  found: number;
  /** Files of the dataset as Rucio counts them (`total`); defaults to the dataset's `nFiles`. */
  total?: number;
  /** Bytes present. */
  bytes?: number;
  isTape?: boolean;
}
