/**
 * Datasets, their files, storage endpoints (Rucio RSEs: a site's DATADISK, SCRATCHDISK, TAPE, an LCF file
 * system behind its DTN) and which files each endpoint holds.
 *
 * Space is accounted when files are written: a write first reserves the file's bytes (the transfer is under
 * way), then either completes (the replica exists) or is cancelled (the space is returned). A write that
 * does not fit in the free space (capacity − used − reserved) fails with 'storage-full', as a full RSE makes
 * transfers to it fail. Per (dataset, endpoint) counts of files and bytes are kept up to date as replicas come
 * and go, so the brokerage's completeness questions cost O(1).
 */

export interface DataFile {
  name: string;
  dataset: string;
  bytes: number;
}

export interface Dataset {
  name: string;
  /** File names, in the order they were added. */
  files: readonly string[];
  bytes: number;
}

export interface StorageSpec {
  /** RSE name, e.g. `BNL-OSG2_DATADISK`. */
  name: string;
  /** ATLAS site the RSE belongs to. */
  site: string;
  /** The network endpoint its data moves through (for transfers); defaults to the RSE name. */
  networkEndpoint?: string;
  /** `DATADISK`, `SCRATCHDISK`, `TAPE`, … */
  type?: string;
  isTape?: boolean;
  /** Bytes; Infinity for an endpoint that never fills. */
  capacity: number;
}

export interface StorageEndpoint extends Required<StorageSpec> {
  used: number;
  reserved: number;
}

export type WriteResult = 'ok' | 'storage-full' | 'present';

/** Files and bytes of one dataset at one endpoint. */
export interface DatasetHoldings {
  files: number;
  bytes: number;
}

export class DataCatalog {
  private readonly files = new Map<string, DataFile>();
  private readonly datasets = new Map<string, { name: string; files: string[]; bytes: number }>();
  private readonly storages = new Map<string, StorageEndpoint>();
  /** file → RSEs holding it, in the order the replicas appeared. */
  private readonly replicas = new Map<string, string[]>();
  /** file → RSEs with a write under way. */
  private readonly writes = new Map<string, string[]>();
  /** dataset → RSE → what the RSE holds of it. */
  private readonly holdings = new Map<string, Map<string, DatasetHoldings>>();

  addStorage(spec: StorageSpec): void {
    if (this.storages.has(spec.name)) throw new Error(`storage ${spec.name} defined twice`);
    if (!(spec.capacity >= 0)) throw new RangeError(`storage ${spec.name}: capacity must be >= 0`);
    this.storages.set(spec.name, {
      name: spec.name,
      site: spec.site,
      networkEndpoint: spec.networkEndpoint ?? spec.name,
      type: spec.type ?? (spec.isTape === true ? 'TAPE' : 'DATADISK'),
      isTape: spec.isTape ?? false,
      capacity: spec.capacity,
      used: 0,
      reserved: 0,
    });
  }

  /** Creates a dataset, or adds files to an existing one (an output dataset grows as jobs finish). */
  addFiles(dataset: string, files: readonly { name: string; bytes: number }[]): void {
    let d = this.datasets.get(dataset);
    if (d === undefined) {
      d = { name: dataset, files: [], bytes: 0 };
      this.datasets.set(dataset, d);
    }
    for (const f of files) {
      if (this.files.has(f.name)) throw new Error(`file ${f.name} defined twice`);
      if (!(f.bytes >= 0 && f.bytes < Infinity))
        throw new RangeError(`file ${f.name}: bytes must be finite, >= 0`);
      this.files.set(f.name, { name: f.name, dataset, bytes: f.bytes });
      d.files.push(f.name);
      d.bytes += f.bytes;
    }
  }

  file(name: string): DataFile {
    const f = this.files.get(name);
    if (f === undefined) throw new Error(`no file ${name}`);
    return f;
  }

  dataset(name: string): Dataset {
    const d = this.datasets.get(name);
    if (d === undefined) throw new Error(`no dataset ${name}`);
    return d;
  }

  datasetNames(): string[] {
    return [...this.datasets.keys()];
  }

  storage(name: string): Readonly<StorageEndpoint> {
    return this.rse(name);
  }

  storageNames(): string[] {
    return [...this.storages.keys()];
  }

  freeSpace(rse: string): number {
    const s = this.rse(rse);
    return s.capacity - s.used - s.reserved;
  }

  /** Registers a replica at once (initial placement); fails like a write when it does not fit. */
  placeReplica(file: string, rse: string): WriteResult {
    const result = this.beginWrite(file, rse);
    if (result === 'ok') this.finishWrite(file, rse);
    return result;
  }

  /** Reserves space for a file about to be written to `rse`. */
  beginWrite(file: string, rse: string): WriteResult {
    const f = this.file(file);
    const s = this.rse(rse);
    if (this.hasReplica(file, rse) || this.isBeingWritten(file, rse)) return 'present';
    if (f.bytes > s.capacity - s.used - s.reserved) return 'storage-full';
    s.reserved += f.bytes;
    push(this.writes, file, rse);
    return 'ok';
  }

  /** The write started with `beginWrite` completed: the replica exists. */
  finishWrite(file: string, rse: string): void {
    const f = this.file(file);
    const s = this.rse(rse);
    this.endWrite(file, rse);
    s.reserved -= f.bytes;
    s.used += f.bytes;
    push(this.replicas, file, rse);
    const h = this.holding(f.dataset, rse);
    h.files++;
    h.bytes += f.bytes;
  }

  /** The write started with `beginWrite` was given up: its space is returned. */
  cancelWrite(file: string, rse: string): void {
    this.endWrite(file, rse);
    this.rse(rse).reserved -= this.file(file).bytes;
  }

  /** Deletes a replica, freeing its space. */
  removeReplica(file: string, rse: string): void {
    const f = this.file(file);
    const list = this.replicas.get(file) ?? [];
    const k = list.indexOf(rse);
    if (k < 0) throw new Error(`no replica of ${file} at ${rse}`);
    list.splice(k, 1);
    this.rse(rse).used -= f.bytes;
    const h = this.holding(f.dataset, rse);
    h.files--;
    h.bytes -= f.bytes;
  }

  hasReplica(file: string, rse: string): boolean {
    return (this.replicas.get(file) ?? []).includes(rse);
  }

  /** A write of the file to `rse` is under way. */
  isBeingWritten(file: string, rse: string): boolean {
    return (this.writes.get(file) ?? []).includes(rse);
  }

  /** RSEs holding the file, in the order the replicas appeared. */
  replicasOf(file: string): readonly string[] {
    this.file(file);
    return this.replicas.get(file) ?? [];
  }

  /** What `rse` holds of `dataset`. */
  holdingsAt(dataset: string, rse: string): DatasetHoldings {
    this.dataset(dataset);
    this.rse(rse);
    const h = this.holdings.get(dataset)?.get(rse);
    return h === undefined ? { files: 0, bytes: 0 } : { ...h };
  }

  /** RSEs holding at least one file of `dataset`, in the order they first did. */
  rsesWith(dataset: string): string[] {
    const byRse = this.holdings.get(dataset);
    return byRse === undefined ? [] : [...byRse].filter(([, h]) => h.files > 0).map(([rse]) => rse);
  }

  private rse(name: string): StorageEndpoint {
    const s = this.storages.get(name);
    if (s === undefined) throw new Error(`no storage ${name}`);
    return s;
  }

  private holding(dataset: string, rse: string): DatasetHoldings {
    let byRse = this.holdings.get(dataset);
    if (byRse === undefined) {
      byRse = new Map();
      this.holdings.set(dataset, byRse);
    }
    let h = byRse.get(rse);
    if (h === undefined) {
      h = { files: 0, bytes: 0 };
      byRse.set(rse, h);
    }
    return h;
  }

  private endWrite(file: string, rse: string): void {
    const list = this.writes.get(file) ?? [];
    const k = list.indexOf(rse);
    if (k < 0) throw new Error(`no write of ${file} to ${rse} under way`);
    list.splice(k, 1);
    if (list.length === 0) this.writes.delete(file);
  }
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
