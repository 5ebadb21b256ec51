/**
 * Progressive filling (Bertsekas & Gallager, "Data Networks", 2nd ed., §6.5.2), the core of sim/maxmin.ts.
 *
 * One common level L rises for all unfrozen flows, each at rate w·L. A link's level is its residual capacity
 * over the summed weights of its unfrozen flows: the L at which it saturates. Freezing flows at an L no
 * higher than a link's level never lowers that link's level, hence (a) every cap at or below the lowest link
 * level can be frozen in one batch, and (b) the flows of the lowest link are final once frozen there. That
 * link is saturated by construction, so the filling needs no tolerance: links whose levels tie only up to
 * rounding are taken in consecutive rounds, and their flows differ by rounding only.
 */

export type LinkId = number;
export type FlowId = number;

/** The sharing problem as flat data indexed by link id and by flow id. */
export interface SharingProblem {
  readonly capacity: ArrayLike<number>;
  /** The flows crossing each link. */
  readonly linkFlows: readonly (readonly FlowId[])[];
  /** The links each flow crosses, each at most once. */
  readonly paths: readonly (readonly LinkId[])[];
  /** Each flow's own rate limit, Infinity if none. */
  readonly cap: ArrayLike<number>;
  /** Each flow's weight, finite and > 0. */
  readonly weight: ArrayLike<number>;
}

type Growable = Float64Array | Int32Array | Uint8Array | Uint32Array;

/** `a` if at least `n` long, else a copy grown geometrically, so that repeated growth is amortised O(1). */
export function atLeast<T extends Growable>(a: T, n: number): T {
  if (a.length >= n) return a;
  const b = new (a.constructor as new (length: number) => T)(Math.max(n, 2 * a.length, 16));
  b.set(a);
  return b;
}

/**
 * Fills the connected component(s) holding given links. Scratch arrays are indexed by link and flow id and
 * kept between calls, so a call allocates nothing once they are large enough.
 */
export class ProgressiveFilling {
  private residual = new Float64Array(0);
  private weightSum = new Float64Array(0);
  private unfrozen = new Int32Array(0);
  private level = new Float64Array(0);
  private linkMark = new Uint32Array(0);
  private frozen = new Uint8Array(0);
  private flowMark = new Uint32Array(0);
  private capLevel = new Float64Array(0);
  private epoch = 0;

  /** The component's links; the first `nActive` still have unfrozen flows. */
  private links = new Int32Array(0);
  private nActive = 0;
  /** Capped flows as a min-heap by cap/weight; frozen ones linger until popped or swept. */
  private capHeap = new Int32Array(0);
  private heapSize = 0;
  private frozenInHeap = 0;
  private componentFlows = new Int32Array(0);
  private left = 0;

  /** The flows of the last `fill`, in its first n entries (n being what `fill` returned). */
  get flows(): Int32Array {
    return this.componentFlows;
  }

  /**
   * Writes into `rates` the max-min fair rates of the flows of every component holding one of `seeds`, and
   * returns how many flows those are. Flows crossing no link belong to no component and are not visited.
   */
  fill(p: SharingProblem, seeds: ArrayLike<LinkId>, rates: Float64Array): number {
    this.reserve(p.capacity.length, p.cap.length);
    const nFlows = this.collect(p, seeds);
    this.left = nFlows;
    while (this.left > 0) {
      const lowest = this.lowestLinkLevel();
      if (this.freezeCapsUpTo(lowest, p, rates)) continue;
      if (lowest === Infinity) break;
      this.freezeLinksAt(lowest, p, rates);
    }
    // What remains crosses only infinite links: its own cap bounds it, if it has one.
    const { frozen, componentFlows: flows } = this;
    if (this.left > 0)
      for (let i = 0; i < nFlows; i++) if (!frozen[flows[i]]) rates[flows[i]] = p.cap[flows[i]];
    return nFlows;
  }

  /**
   * Breadth-first search link → flows → links from `seeds`, setting up each link and flow as it is reached
   * (a link before any flow adds its weight to it); returns the number of flows found.
   */
  private collect(p: SharingProblem, seeds: ArrayLike<LinkId>): number {
    if (++this.epoch === 0xffffffff) {
      this.linkMark.fill(0);
      this.flowMark.fill(0);
      this.epoch = 1;
    }
    const { capacity, linkFlows, paths, cap, weight } = p;
    const { epoch, linkMark, flowMark, links, componentFlows, residual, weightSum, unfrozen } = this;
    const { frozen, capLevel, capHeap } = this;
    let nLinks = 0;
    let nFlows = 0;
    let nCapped = 0;
    const reach = (l: LinkId): void => {
      linkMark[l] = epoch;
      links[nLinks++] = l;
      residual[l] = capacity[l];
      weightSum[l] = 0;
      unfrozen[l] = 0;
    };
    for (let i = 0; i < seeds.length; i++) if (linkMark[seeds[i]] !== epoch) reach(seeds[i]);
    for (let i = 0; i < nLinks; i++) {
      const onLink = linkFlows[links[i]];
      for (let j = 0; j < onLink.length; j++) {
        const f = onLink[j];
        if (flowMark[f] === epoch) continue;
        flowMark[f] = epoch;
        componentFlows[nFlows++] = f;
        frozen[f] = 0;
        if (cap[f] < Infinity) {
          capLevel[f] = cap[f] / weight[f];
          capHeap[nCapped++] = f;
        }
        const path = paths[f];
        for (let k = 0; k < path.length; k++) {
          const l = path[k];
          if (linkMark[l] !== epoch) reach(l);
          weightSum[l] += weight[f];
          unfrozen[l]++;
        }
      }
    }
    this.nActive = nLinks;
    this.heapSize = heapify(capHeap, nCapped, capLevel);
    this.frozenInHeap = 0;
    return nFlows;
  }

  /** The lowest level among links with unfrozen flows (Infinity if none), dropping links with none left. */
  private lowestLinkLevel(): number {
    const { links, unfrozen, residual, weightSum, level } = this;
    let nActive = this.nActive;
    let lowest = Infinity;
    for (let i = 0; i < nActive;) {
      const l = links[i];
      if (unfrozen[l] === 0) {
        links[i] = links[--nActive];
        continue;
      }
      const share = residual[l] > 0 ? residual[l] / weightSum[l] : 0;
      level[l] = share;
      if (share < lowest) lowest = share;
      i++;
    }
    this.nActive = nActive;
    return lowest;
  }

  /** Freezes at its cap each unfrozen flow whose cap level is at most `lowest`; says if there was any. */
  private freezeCapsUpTo(lowest: number, p: SharingProblem, rates: Float64Array): boolean {
    const { capHeap, capLevel, frozen } = this;
    // Sweeping out the frozen entries once they are the majority bounds the pops by the flows that do reach
    // their cap, plus O(heap) overall.
    if (2 * this.frozenInHeap > this.heapSize) {
      let kept = 0;
      for (let i = 0; i < this.heapSize; i++) if (!frozen[capHeap[i]]) capHeap[kept++] = capHeap[i];
      this.heapSize = heapify(capHeap, kept, capLevel);
      this.frozenInHeap = 0;
    }
    let any = false;
    while (this.heapSize > 0 && capLevel[capHeap[0]] <= lowest) {
      const f = capHeap[0];
      capHeap[0] = capHeap[--this.heapSize];
      siftDown(capHeap, this.heapSize, 0, capLevel);
      if (frozen[f]) {
        this.frozenInHeap--;
        continue;
      }
      this.freeze(f, p.cap[f], p, rates);
      any = true;
    }
    return any;
  }

  /** Freezes at level `lowest` every unfrozen flow of the links whose level is `lowest`. */
  private freezeLinksAt(lowest: number, p: SharingProblem, rates: Float64Array): void {
    const { links, level, frozen } = this;
    const { linkFlows, weight, cap } = p;
    for (let i = 0; i < this.nActive; i++) {
      const l = links[i];
      if (level[l] !== lowest) continue;
      const onLink = linkFlows[l];
      for (let j = 0; j < onLink.length; j++) {
        const f = onLink[j];
        if (frozen[f]) continue;
        this.freeze(f, weight[f] * lowest, p, rates);
        if (cap[f] < Infinity) this.frozenInHeap++;
      }
    }
  }

  private freeze(f: FlowId, rate: number, p: SharingProblem, rates: Float64Array): void {
    const { residual, weightSum, unfrozen } = this;
    const path = p.paths[f];
    const w = p.weight[f];
    this.frozen[f] = 1;
    this.left--;
    rates[f] = rate;
    for (let k = 0; k < path.length; k++) {
      const l = path[k];
      residual[l] -= rate;
      weightSum[l] -= w;
      unfrozen[l]--;
    }
  }

  private reserve(linkTotal: number, flowTotal: number): void {
    this.residual = atLeast(this.residual, linkTotal);
    this.weightSum = atLeast(this.weightSum, linkTotal);
    this.unfrozen = atLeast(this.unfrozen, linkTotal);
    this.level = atLeast(this.level, linkTotal);
    this.linkMark = atLeast(this.linkMark, linkTotal);
    this.links = atLeast(this.links, linkTotal);
    this.frozen = atLeast(this.frozen, flowTotal);
    this.flowMark = atLeast(this.flowMark, flowTotal);
    this.capLevel = atLeast(this.capLevel, flowTotal);
    this.capHeap = atLeast(this.capHeap, flowTotal);
    this.componentFlows = atLeast(this.componentFlows, flowTotal);
  }
}

/** Arranges `heap[0..size)` as a min-heap by `key`, in O(size); returns `size`. */
function heapify(heap: Int32Array, size: number, key: Float64Array): number {
  for (let i = size >> 1; i-- > 0;) siftDown(heap, size, i, key);
  return size;
}

/** Restores the min-heap order of `heap[0..size)` by `key` below position `i`. */
function siftDown(heap: Int32Array, size: number, i: number, key: Float64Array): void {
  const item = heap[i];
  while (true) {
    let child = 2 * i + 1;
    if (child >= size) break;
    if (child + 1 < size && key[heap[child + 1]] < key[heap[child]]) child++;
    if (key[heap[child]] >= key[item]) break;
    heap[i] = heap[child];
    i = child;
  }
  heap[i] = item;
}
