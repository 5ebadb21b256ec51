/**
 * Max-min fair sharing of link bandwidth among flows: the bottleneck form of SimGrid's LMM solver
 * (src/kernel/lmm/maxmin.cpp, `System::solve`), computed by progressive filling (Bertsekas & Gallager,
 * "Data Networks", 2nd ed., §6.5.2).
 *
 * Every flow crosses a set of links and may carry its own rate cap (a TCP window, an endpoint's per-transfer
 * limit) and a weight (weighted max-min: a flow of weight w gets w times the share of a weight-1 flow on the
 * same bottleneck). The allocation is the unique one in which no link carries more than its capacity and
 * every flow is bottlenecked: it is at its own cap, or it crosses a saturated link on which its rate/weight
 * is the largest. That bottleneck property is the certificate of max-min fairness (Bertsekas & Gallager,
 * §6.5.2), and the tests check it rather than trusting the algorithm.
 *
 * The rates come from progressive filling (./maxmin/progressive-filling.ts), which needs no tolerance;
 * tolerances belong to whoever checks a result (the tests call a link saturated when its residual is below
 * 1e-9 of its capacity, and compare rates to 1e-9 relative).
 */

import { atLeast, ProgressiveFilling } from './maxmin/progressive-filling.ts';
import type { FlowId, LinkId } from './maxmin/progressive-filling.ts';

export type { FlowId, LinkId };

/**
 * Rates that moved by less than this fraction are not reported as changed and keep their previous value:
 * recomputing a component in another order perturbs the last bits of untouched flows, and rescheduling
 * their completions for that would be wasted work. Far below any tolerance a caller could care about.
 */
const REPORTED_CHANGE = 1e-12;

function movedNoticeably(before: number, after: number): boolean {
  if (before === after) return false;
  if (before === Infinity || after === Infinity) return true;
  return Math.abs(after - before) > REPORTED_CHANGE * Math.max(before, after);
}

function checkCapacity(capacity: number): void {
  if (!(capacity >= 0)) throw new RangeError(`link capacity must be >= 0, got ${capacity}`);
}

function checkFlow(path: readonly number[], linkTotal: number, cap: number, weight: number): void {
  for (let k = 0; k < path.length; k++) {
    const l = path[k];
    if (!Number.isInteger(l) || l < 0 || l >= linkTotal) throw new RangeError(`no link ${l}`);
    // A route crossing a link twice would need that link's usage coefficient to be 2; paths are link sets.
    if (path.indexOf(l) !== k) throw new RangeError(`link ${l} appears twice in a path`);
  }
  if (!(cap >= 0)) throw new RangeError(`flow cap must be >= 0, got ${cap}`);
  if (!(weight > 0 && weight < Infinity))
    throw new RangeError(`flow weight must be finite and > 0, got ${weight}`);
}

/**
 * The max-min fair rate of each flow, from scratch. `paths[f]` lists the links flow f crosses (each at most
 * once); `caps[f]` is its own rate limit (none if undefined); `weights[f]` its weight (1 if omitted). A flow
 * crossing no link and without a cap gets Infinity, as does one crossing only infinite links.
 */
export function solveMaxMin(
  capacities: readonly number[],
  paths: readonly (readonly number[])[],
  caps: readonly (number | undefined)[] = [],
  weights: readonly (number | undefined)[] = [],
): number[] {
  const nLinks = capacities.length;
  const nFlows = paths.length;
  capacities.forEach(checkCapacity);
  const cap = new Float64Array(nFlows);
  const weight = new Float64Array(nFlows);
  const linkFlows: FlowId[][] = Array.from({ length: nLinks }, () => []);
  for (let f = 0; f < nFlows; f++) {
    cap[f] = caps[f] ?? Infinity;
    weight[f] = weights[f] ?? 1;
    checkFlow(paths[f], nLinks, cap[f], weight[f]);
    for (const l of paths[f]) linkFlows[l].push(f);
  }
  const rates = new Float64Array(nFlows);
  for (let f = 0; f < nFlows; f++) if (paths[f].length === 0) rates[f] = cap[f];
  const allLinks = Int32Array.from({ length: nLinks }, (_, l) => l);
  new ProgressiveFilling().fill({ capacity: capacities, linkFlows, paths, cap, weight }, allLinks, rates);
  return Array.from(rates);
}

/**
 * Links and the flows sharing them, kept max-min fair as flows start and end and capacities change.
 *
 * An update recomputes only the connected component of the flows it touches (flows linked transitively by
 * shared links). This is exact: a component's constraints mention only its own flows, so the feasible set
 * is the product of the components' feasible sets, and the bottleneck certificate of each flow refers only
 * to links of its component; hence the unique max-min allocation of the whole network is the union of the
 * components' own allocations, and a change leaves every other component's allocation as it was. Removing
 * a flow may split its component; the pieces that held its links are recomputed together, which is the same
 * as recomputing each.
 *
 * Flow ids are small integers; the id of a removed flow is handed out again by a later `addFlow`, so that
 * the per-flow arrays stay as large as the peak number of concurrent flows. Callers must forget an id once
 * they have removed it.
 */
export class FairShareNetwork {
  private capacity = new Float64Array(0);
  private linkTotal = 0;
  private readonly linkFlows: FlowId[][] = [];
  private readonly paths: LinkId[][] = [];
  /** `slots[f][k]` is the position of flow f in `linkFlows[paths[f][k]]`, for O(1) removal. */
  private readonly slots: number[][] = [];
  private rates = new Float64Array(0);
  private caps = new Float64Array(0);
  private weights = new Float64Array(0);
  private live = new Uint8Array(0);
  private flowTotal = 0;
  private liveFlows = 0;
  private readonly freeIds: FlowId[] = [];

  private readonly filling = new ProgressiveFilling();
  private fresh = new Float64Array(0);

  get flowCount(): number {
    return this.liveFlows;
  }

  addLink(capacity: number): LinkId {
    checkCapacity(capacity);
    const l = this.linkTotal++;
    this.capacity = atLeast(this.capacity, this.linkTotal);
    this.capacity[l] = capacity;
    this.linkFlows.push([]);
    return l;
  }

  /** Changes a link's capacity (0 cuts it: its flows get rate 0); returns the flows whose rate changed. */
  setCapacity(link: LinkId, capacity: number): FlowId[] {
    this.checkLink(link);
    checkCapacity(capacity);
    this.capacity[link] = capacity;
    return this.linkFlows[link].length === 0 ? [] : this.reshare([link], -1);
  }

  /**
   * Starts a flow over `path` (distinct link ids), limited to `cap` if given, with weight `weight`
   * (default 1).
   * `changed` lists the other flows whose rate changed; the new flow's own rate is `rate(id)`.
   */
  addFlow(path: readonly number[], cap = Infinity, weight = 1): { id: FlowId; changed: FlowId[] } {
    checkFlow(path, this.linkTotal, cap, weight);
    const id = this.freeIds.pop() ?? this.newFlowId();
    // Plain arrays: V8 reads thousands of tiny ones faster than as many tiny typed arrays.
    const links = path.slice();
    const slots = links.map(() => 0);
    for (let k = 0; k < links.length; k++) {
      const onLink = this.linkFlows[links[k]];
      slots[k] = onLink.length;
      onLink.push(id);
    }
    this.paths[id] = links;
    this.slots[id] = slots;
    this.caps[id] = cap;
    this.weights[id] = weight;
    this.live[id] = 1;
    this.liveFlows++;
    if (links.length === 0) {
      this.rates[id] = cap;
      return { id, changed: [] };
    }
    return { id, changed: this.reshare(links, id) };
  }

  /** Ends a flow; returns the flows whose rate changed. Its id may be reused by a later `addFlow`. */
  removeFlow(id: FlowId): FlowId[] {
    this.checkFlowId(id);
    const links = this.paths[id];
    const slots = this.slots[id];
    for (let k = 0; k < links.length; k++) {
      const l = links[k];
      const onLink = this.linkFlows[l];
      const moved = onLink.pop() as FlowId;
      if (moved === id) continue;
      onLink[slots[k]] = moved;
      this.slots[moved][this.paths[moved].indexOf(l)] = slots[k];
    }
    this.paths[id] = [];
    this.slots[id] = [];
    this.live[id] = 0;
    this.liveFlows--;
    this.freeIds.push(id);
    return links.length === 0 ? [] : this.reshare(links, -1);
  }

  rate(flow: FlowId): number {
    this.checkFlowId(flow);
    return this.rates[flow];
  }

  /** The sum of the rates of the flows crossing `link`. */
  linkLoad(link: LinkId): number {
    this.checkLink(link);
    let load = 0;
    for (const f of this.linkFlows[link]) load += this.rates[f];
    return load;
  }

  linkCapacity(link: LinkId): number {
    this.checkLink(link);
    return this.capacity[link];
  }

  private newFlowId(): FlowId {
    const id = this.flowTotal++;
    const n = this.flowTotal;
    this.rates = atLeast(this.rates, n);
    this.caps = atLeast(this.caps, n);
    this.weights = atLeast(this.weights, n);
    this.live = atLeast(this.live, n);
    this.fresh = atLeast(this.fresh, n);
    this.paths.push([]);
    this.slots.push([]);
    return id;
  }

  /**
   * Recomputes the component(s) holding `seeds` and returns the flows, other than `newcomer`, whose rate
   * moved by more than REPORTED_CHANGE.
   */
  private reshare(seeds: ArrayLike<LinkId>, newcomer: FlowId): FlowId[] {
    const { rates, fresh, filling } = this;
    const problem = {
      capacity: this.capacity,
      linkFlows: this.linkFlows,
      paths: this.paths,
      cap: this.caps,
      weight: this.weights,
    };
    const nFlows = filling.fill(problem, seeds, fresh);
    const flows = filling.flows;
    const changed: FlowId[] = [];
    for (let i = 0; i < nFlows; i++) {
      const f = flows[i];
      if (f === newcomer) rates[f] = fresh[f];
      else if (movedNoticeably(rates[f], fresh[f])) {
        rates[f] = fresh[f];
        changed.push(f);
      }
    }
    return changed;
  }

  private checkLink(link: LinkId): void {
    if (!(link >= 0 && link < this.linkTotal && Number.isInteger(link)))
      throw new RangeError(`no link ${link}`);
  }

  private checkFlowId(flow: FlowId): void {
    if (!(flow >= 0 && flow < this.flowTotal && Number.isInteger(flow) && this.live[flow] === 1)) {
      throw new RangeError(`no flow ${flow}`);
    }
  }
}
