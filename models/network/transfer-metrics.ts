/**
 * What the brokerage reads about a source site → destination site link, measured from the simulated
 * transfers: files queued per activity (PanDA's `<activity>_queued` keys) and the throughput of completed
 * file transfers over the last hour, day and week (the FTS dashboard's `dashb_mbps_1h/1d/1w`; brokerage.md
 * §2.2 step 3, §2.4 step 9).
 *
 * Throughput is the per-file transfer rate the dashboard reports ("the average megabytes per second per file
 * on a link"), weighted by bytes: Σ bytes / Σ transfer seconds over the files completed in the window. It says
 * how fast a file moves on the link, not how busy the link is, so an idle period does not read as a slow link.
 *
 * Windows slide in buckets: each window of length W is kept as `slicesPerWindow` buckets of W / slices
 * seconds in a ring, the newest bucket still filling. A window therefore covers the completed transfers of
 * the last (slices − 1) full buckets plus the current one, i.e. between (1 − 1/slices)·W and W back from now.
 * Memory is 3 × slices numbers per window per link, whatever the number of transfers.
 */

/** Rucio activities whose queued counts the brokerage reads (`Production Output_queued`, `Express_queued`). */
export const PRODUCTION_OUTPUT = 'Production Output';
export const EXPRESS = 'Express';

/** The windows of the FTS throughput keys, s. */
export const THROUGHPUT_WINDOWS = { '1h': 3600, '1d': 86_400, '1w': 604_800 } as const;
export type ThroughputWindow = keyof typeof THROUGHPUT_WINDOWS;
const WINDOW_NAMES = Object.keys(THROUGHPUT_WINDOWS) as ThroughputWindow[];

/** Buckets per window [E]: 12 keeps the window within 1/12 of its nominal length (5 min of the 1 h one). */
export const DEFAULT_SLICES_PER_WINDOW = 12;

class WindowRing {
  readonly bytes: Float64Array;
  readonly seconds: Float64Array;
  /** The absolute bucket number each slot holds (-1: never used). */
  readonly bucket: Float64Array;

  constructor(
    readonly width: number,
    readonly slices: number,
  ) {
    this.bytes = new Float64Array(slices);
    this.seconds = new Float64Array(slices);
    this.bucket = new Float64Array(slices).fill(-1);
  }

  add(now: number, bytes: number, seconds: number): void {
    const b = Math.floor(now / this.width);
    const slot = b % this.slices;
    if (this.bucket[slot] !== b) {
      this.bucket[slot] = b;
      this.bytes[slot] = 0;
      this.seconds[slot] = 0;
    }
    this.bytes[slot] += bytes;
    this.seconds[slot] += seconds;
  }

  /** Bytes-weighted per-file rate over the buckets still in the window, or undefined if none completed. */
  rate(now: number): number | undefined {
    const current = Math.floor(now / this.width);
    let bytes = 0;
    let seconds = 0;
    for (let s = 0; s < this.slices; s++) {
      if (this.bucket[s] > current - this.slices && this.bucket[s] <= current) {
        bytes += this.bytes[s];
        seconds += this.seconds[s];
      }
    }
    return seconds > 0 ? bytes / seconds : undefined;
  }
}

class LinkRecord {
  readonly queued = new Map<string, number>();
  readonly windows: WindowRing[];

  constructor(
    readonly src: string,
    readonly dst: string,
    slices: number,
  ) {
    this.windows = WINDOW_NAMES.map((w) => new WindowRing(THROUGHPUT_WINDOWS[w] / slices, slices));
  }
}

export class TransferMetrics {
  private readonly links = new Map<string, LinkRecord>();

  constructor(private readonly slicesPerWindow = DEFAULT_SLICES_PER_WINDOW) {
    if (!(Number.isInteger(slicesPerWindow) && slicesPerWindow >= 1))
      throw new RangeError(`slicesPerWindow must be an integer >= 1, got ${slicesPerWindow}`);
  }

  /** `n` files of `activity` were submitted for transfer on the link. */
  filesQueued(src: string, dst: string, activity: string, n = 1): void {
    const q = this.link(src, dst).queued;
    q.set(activity, (q.get(activity) ?? 0) + n);
  }

  /** `n` queued files left the link without being transferred (their transfer failed or was cancelled). */
  filesDropped(src: string, dst: string, activity: string, n = 1): void {
    this.dequeue(this.link(src, dst), activity, n);
  }

  /**
   * A queued file arrived: `bytes` moved in `seconds` of transfer, completing at `now`. A transfer of no
   * duration (a copy within one endpoint) says nothing about the link's speed and leaves the throughput alone.
   */
  fileTransferred(
    src: string,
    dst: string,
    activity: string,
    bytes: number,
    seconds: number,
    now: number,
  ): void {
    if (!(bytes >= 0 && seconds >= 0))
      throw new RangeError('fileTransferred: bytes and seconds must be >= 0');
    const link = this.link(src, dst);
    this.dequeue(link, activity, 1);
    if (seconds > 0) for (const w of link.windows) w.add(now, bytes, seconds);
  }

  queuedFiles(src: string, dst: string, activity: string): number {
    return this.links.get(key(src, dst))?.queued.get(activity) ?? 0;
  }

  /** Per-file throughput over the window ending now, bytes/s; undefined when no file completed in it. */
  throughput(src: string, dst: string, window: ThroughputWindow, now: number): number | undefined {
    return this.links.get(key(src, dst))?.windows[WINDOW_NAMES.indexOf(window)].rate(now);
  }

  /** The links that have seen a transfer, as [source site, destination site]. */
  linkPairs(): [string, string][] {
    return [...this.links.values()].map((l) => [l.src, l.dst]);
  }

  /** Activities with a queued count on the link (possibly 0), with the count. */
  queuedByActivity(src: string, dst: string): ReadonlyMap<string, number> {
    return this.links.get(key(src, dst))?.queued ?? new Map();
  }

  private link(src: string, dst: string): LinkRecord {
    const k = key(src, dst);
    let l = this.links.get(k);
    if (l === undefined) {
      l = new LinkRecord(src, dst, this.slicesPerWindow);
      this.links.set(k, l);
    }
    return l;
  }

  private dequeue(link: LinkRecord, activity: string, n: number): void {
    const left = (link.queued.get(activity) ?? 0) - n;
    if (left < 0) throw new Error(`${link.src} -> ${link.dst}: more ${activity} files done than queued`);
    link.queued.set(activity, left);
  }
}

function key(src: string, dst: string): string {
  return JSON.stringify([src, dst]);
}
