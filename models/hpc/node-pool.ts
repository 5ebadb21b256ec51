/**
 * The nodes of a machine: free, held by a job, or down. Jobs take whole nodes. Each node alternates up and
 * down times, both exponential, with means chosen so that the long-run fraction down is `downFraction`:
 * mean up = repair · (1 − f) / f, mean down = repair. Nodes start in that stationary state (down with
 * probability f; by memorylessness the remaining time needs no correction), so the fraction holds from t = 0.
 * A node that goes down under a job takes the job with it; the job's other nodes come back free.
 *
 * With a fraction above 0 every node keeps an event pending: run the model with a horizon.
 *
 * A scenario fault forces nodes down on top of that (`forceDown`/`forceUp`): a forced node is down whatever
 * its own process says, which goes on underneath, so the node comes back when both have it up.
 */
import type { Simulation } from '../../sim/engine.ts';
import type { Rng } from '../../sim/random.ts';
import { TimeWeighted } from '../../sim/stats/time-weighted.ts';

const FREE = 0;
const BUSY = 1;
const DOWN = 2;

export interface NodeFailures {
  /** Long-run fraction of nodes down, in [0, 1). */
  readonly downFraction: number;
  /** Mean down time, s. */
  readonly meanRepair: number;
}

export class NodePool<H> {
  readonly size: number;
  private readonly state: Uint8Array;
  private readonly holder: (H | undefined)[];
  /** The free nodes, unordered, and each node's index in that list (for O(1) removal). */
  private readonly freeNodes: Int32Array;
  private readonly freeIndex: Int32Array;
  private freeCount = 0;
  private busyCount = 0;
  private downCount = 0;
  /** Whether the node's own up/down process has it down, and how many forced failures (`forceDown`) hold it. */
  private readonly naturalDown: Uint8Array;
  private readonly forced: Uint16Array;
  private readonly busyTime: TimeWeighted;
  private readonly downTime: TimeWeighted;
  private readonly meanUp: number;
  private readonly meanDown: number;

  constructor(
    private readonly sim: Simulation,
    size: number,
    failures: NodeFailures,
    private readonly rng: Rng,
    /** A node went down under the job `holder`. */
    private readonly onLost: (holder: H) => void,
    /** A node came back up (free). */
    private readonly onUp: () => void,
  ) {
    this.size = size;
    this.state = new Uint8Array(size);
    this.holder = new Array<H | undefined>(size);
    this.freeNodes = new Int32Array(size);
    this.freeIndex = new Int32Array(size);
    this.naturalDown = new Uint8Array(size);
    this.forced = new Uint16Array(size);
    const f = failures.downFraction;
    this.meanDown = failures.meanRepair;
    this.meanUp = (failures.meanRepair * (1 - f)) / f;
    for (let node = 0; node < size; node++) {
      if (f > 0 && rng.next() < f) {
        this.state[node] = DOWN;
        this.naturalDown[node] = 1;
        this.downCount++;
      } else {
        this.pushFree(node);
      }
      if (f > 0)
        this.sim.schedule(
          this.exponential(this.state[node] === DOWN ? this.meanDown : this.meanUp),
          this.toggle,
          node,
        );
    }
    this.busyTime = new TimeWeighted(sim.now, 0);
    this.downTime = new TimeWeighted(sim.now, this.downCount);
  }

  get free(): number {
    return this.freeCount;
  }

  get busy(): number {
    return this.busyCount;
  }

  get down(): number {
    return this.downCount;
  }

  /** Node-seconds held by jobs and node-seconds down, from the start to `now`. */
  nodeSeconds(now: number): { busy: number; down: number } {
    return { busy: this.busyTime.integral(now), down: this.downTime.integral(now) };
  }

  /** Gives `count` free nodes to `holder` (the caller checked that enough are free). */
  allocate(count: number, holder: H): Int32Array {
    if (count > this.freeCount)
      throw new RangeError(`NodePool: ${count} nodes asked, ${this.freeCount} free`);
    const nodes = new Int32Array(count);
    for (let k = 0; k < count; k++) {
      const node = this.freeNodes[--this.freeCount];
      this.state[node] = BUSY;
      this.holder[node] = holder;
      nodes[k] = node;
    }
    this.setBusy(this.busyCount + count);
    return nodes;
  }

  /** A job gives its nodes back; those that went down meanwhile stay down. */
  release(nodes: Int32Array): void {
    let freed = 0;
    for (const node of nodes) {
      if (this.state[node] !== BUSY) continue;
      this.holder[node] = undefined;
      this.pushFree(node);
      freed++;
    }
    this.setBusy(this.busyCount - freed);
  }

  /** Whose job holds the node, if any. */
  holderOf(node: number): H | undefined {
    return this.holder[node];
  }

  /** Nodes held by jobs now, in index order. */
  busyNodes(): number[] {
    const out: number[] = [];
    for (let node = 0; node < this.size; node++) if (this.state[node] === BUSY) out.push(node);
    return out;
  }

  /**
   * A failure from outside the node's own process (a scenario fault): the node goes down now, taking its job,
   * and stays down until as many `forceUp` calls as `forceDown` ones, and its own process has it up.
   */
  forceDown(node: number): void {
    if (this.forced[node]++ === 0 && this.naturalDown[node] === 0) this.takeDown(node);
  }

  forceUp(node: number): void {
    if (this.forced[node] === 0) throw new Error(`NodePool: node ${node} was not forced down`);
    if (--this.forced[node] === 0 && this.naturalDown[node] === 0) this.bringUp(node);
  }

  private readonly toggle = (node: number): void => {
    const wasDown = this.naturalDown[node] === 1;
    this.naturalDown[node] = wasDown ? 0 : 1;
    this.sim.schedule(this.exponential(wasDown ? this.meanUp : this.meanDown), this.toggle, node);
    if (this.forced[node] > 0) return;
    if (wasDown) this.bringUp(node);
    else this.takeDown(node);
  };

  private bringUp(node: number): void {
    this.pushFree(node);
    this.downCount--;
    this.downTime.update(this.sim.now, this.downCount);
    this.onUp();
  }

  private takeDown(node: number): void {
    const now = this.sim.now;
    const lostHolder = this.holder[node];
    if (this.state[node] === FREE) {
      this.removeFree(node);
    } else {
      this.holder[node] = undefined;
      this.setBusy(this.busyCount - 1);
    }
    this.state[node] = DOWN;
    this.downCount++;
    this.downTime.update(now, this.downCount);
    if (lostHolder !== undefined) this.onLost(lostHolder);
  }

  private exponential(mean: number): number {
    return -mean * Math.log(1 - this.rng.next());
  }

  private setBusy(count: number): void {
    this.busyCount = count;
    this.busyTime.update(this.sim.now, count);
  }

  private pushFree(node: number): void {
    this.state[node] = FREE;
    this.freeIndex[node] = this.freeCount;
    this.freeNodes[this.freeCount++] = node;
  }

  private removeFree(node: number): void {
    const last = this.freeNodes[--this.freeCount];
    const at = this.freeIndex[node];
    this.freeNodes[at] = last;
    this.freeIndex[last] = at;
  }
}
