import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FairShareNetwork, solveMaxMin } from '../../sim/maxmin.ts';

const REL = 1e-9;
/** A floor under REL for values that should be 0: rounding on capacities up to 1000 stays below it. */
const ABS = 1e-12;

function close(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= REL * Math.max(Math.abs(a), Math.abs(b)) + ABS;
}

interface Problem {
  capacities: number[];
  paths: number[][];
  caps: (number | undefined)[];
  weights: (number | undefined)[];
}

/**
 * The max-min certificate (Bertsekas & Gallager, "Data Networks", §6.5.2): rates are feasible, and each flow
 * is at its own cap or crosses a saturated link on which its rate/weight is the largest. Only the max-min
 * allocation passes. Returns the violations found, so a failing property shows what went wrong.
 */
function violations(p: Problem, rates: readonly number[]): string[] {
  const found: string[] = [];
  const load = p.capacities.map(() => 0);
  const topShare = p.capacities.map(() => 0);
  p.paths.forEach((path, f) => {
    const share = rates[f] / (p.weights[f] ?? 1);
    for (const l of path) {
      load[l] += rates[f];
      topShare[l] = Math.max(topShare[l], share);
    }
  });
  p.capacities.forEach((c, l) => {
    if (load[l] > c * (1 + REL) + ABS) found.push(`link ${l} carries ${load[l]} > ${c}`);
  });
  const saturated = (l: number) => p.capacities[l] - load[l] <= REL * p.capacities[l] + ABS;
  p.paths.forEach((path, f) => {
    const cap = p.caps[f] ?? Infinity;
    const share = rates[f] / (p.weights[f] ?? 1);
    if (!(rates[f] >= 0) || rates[f] > cap * (1 + REL))
      found.push(`flow ${f} rate ${rates[f]} outside [0, ${cap}]`);
    const atCap = rates[f] >= cap * (1 - REL);
    const bottleneck = path.some((l) => saturated(l) && share >= topShare[l] * (1 - REL) - ABS);
    if (!atCap && !bottleneck) found.push(`flow ${f} (rate ${rates[f]}) is not bottlenecked`);
  });
  return found;
}

describe('solveMaxMin on hand-computed cases', () => {
  it('splits a single link evenly: C/n each', () => {
    expect(solveMaxMin([12], [[0], [0], [0], [0]])).toEqual([3, 3, 3, 3]);
    expect(solveMaxMin([7], [[0], [0], [0]])).toEqual([7 / 3, 7 / 3, 7 / 3]);
  });

  it('shares a bottleneck among flows behind different access links', () => {
    // Access links 0..2 (10, 3, 100) feed the shared link 3. At 12 the 3-access flow takes 3, the others
    // split the remaining 9; at 30 the 10-access flow is held to 10 too and the last takes 30 - 13.
    const paths = [
      [0, 3],
      [1, 3],
      [2, 3],
    ];
    expect(solveMaxMin([10, 3, 100, 12], paths)).toEqual([4.5, 3, 4.5]);
    expect(solveMaxMin([10, 3, 100, 30], paths)).toEqual([10, 3, 17]);
  });

  it('gives the parking lot C/2 everywhere when the links are equal', () => {
    // Flow 0 crosses links 0..3; flow i+1 crosses link i only.
    const k = 4;
    const paths = [Array.from({ length: k }, (_, i) => i), ...Array.from({ length: k }, (_, i) => [i])];
    expect(solveMaxMin(Array(k).fill(10), paths)).toEqual(Array(k + 1).fill(5));
  });

  it('solves the parking lot with unequal links from its tightest link outwards', () => {
    const paths = [[0, 1, 2], [0], [1], [2]];
    // Link 2 (4) saturates first at 2 each; links 0 and 1 then leave 6 - 2 and 10 - 2 to their short flows.
    expect(solveMaxMin([6, 10, 4], paths)).toEqual([2, 4, 8, 2]);
    // Link 1 (3) saturates first at 1.5; links 0 and 2 then leave 4.5 and 8.5.
    expect(solveMaxMin([6, 3, 10], paths)).toEqual([1.5, 4.5, 1.5, 8.5]);
  });

  it('lets a second bottleneck free capacity on the first', () => {
    // link0 = 10 carries a, b; link1 = 4 carries b, c: link1 fixes b = c = 2, so a gets 10 - 2.
    expect(solveMaxMin([10, 4], [[0], [0, 1], [1]])).toEqual([8, 2, 2]);
  });

  it('gives the capacity a capped flow leaves to the others, and ignores caps above the fair share', () => {
    expect(solveMaxMin([10], [[0], [0], [0]], [1])).toEqual([1, 4.5, 4.5]);
    expect(solveMaxMin([9], [[0], [0], [0]], [6, undefined, 4])).toEqual([3, 3, 3]);
    // The capped flow's slack on link 0 lets flow 1 climb until link 1 (shared with flow 2) stops it.
    expect(solveMaxMin([10, 20], [[0], [0, 1], [1]], [2])).toEqual([2, 8, 12]);
  });

  it('gives 0 to the flows of a cut link and the rest to their neighbours', () => {
    expect(solveMaxMin([0, 10], [[0, 1], [1], [0]])).toEqual([0, 10, 0]);
  });

  it('shares in proportion to weights', () => {
    expect(solveMaxMin([12], [[0], [0], [0]], [], [1, 2, 3])).toEqual([2, 4, 6]);
    // link1 = 4 carries b (weight 3) and c: level 1, so b = 3, c = 1, and a takes 10 - 3 on link0.
    expect(solveMaxMin([10, 4], [[0], [0, 1], [1]], [], [1, 3, 1])).toEqual([7, 3, 1]);
    // A cap bounds rate, not share: a weight-2 flow capped at 2 leaves 10 to the other.
    expect(solveMaxMin([12], [[0], [0]], [2], [2, 1])).toEqual([2, 10]);
  });

  it('bounds a flow crossing no finite link only by its own cap', () => {
    expect(solveMaxMin([Infinity, 5], [[], [], [0], [0], [0, 1]], [3, undefined, 7])).toEqual([
      3,
      Infinity,
      7,
      Infinity,
      5,
    ]);
  });

  it('rejects malformed input', () => {
    expect(() => solveMaxMin([1], [[1]])).toThrow(RangeError);
    expect(() => solveMaxMin([1, 1], [[0, 1, 0]])).toThrow(/twice/);
    expect(() => solveMaxMin([-1], [[0]])).toThrow(RangeError);
    expect(() => solveMaxMin([1], [[0]], [-2])).toThrow(RangeError);
    expect(() => solveMaxMin([1], [[0]], [], [0])).toThrow(RangeError);
  });
});

describe('FairShareNetwork', () => {
  it('reshares a link as flows come and go, reporting exactly the flows that moved', () => {
    const net = new FairShareNetwork();
    const link = net.addLink(12);
    const a = net.addFlow([link]);
    expect(a.changed).toEqual([]);
    expect(net.rate(a.id)).toBe(12);
    const b = net.addFlow([link]);
    expect(b.changed).toEqual([a.id]);
    const c = net.addFlow([link]);
    expect(new Set(c.changed)).toEqual(new Set([a.id, b.id]));
    expect([a.id, b.id, c.id].map((f) => net.rate(f))).toEqual([4, 4, 4]);
    expect(net.linkLoad(link)).toBe(12);
    expect(net.flowCount).toBe(3);
    expect(new Set(net.removeFlow(b.id))).toEqual(new Set([a.id, c.id]));
    expect([net.rate(a.id), net.rate(c.id)]).toEqual([6, 6]);
    expect(net.flowCount).toBe(2);
  });

  it('leaves other components alone', () => {
    const net = new FairShareNetwork();
    const [l0, l1, l2] = [net.addLink(10), net.addLink(4), net.addLink(100)];
    const a = net.addFlow([l0]).id;
    const b = net.addFlow([l0, l1]).id;
    const far = net.addFlow([l2]).id;
    const c = net.addFlow([l1]);
    expect(new Set(c.changed)).toEqual(new Set([a, b]));
    expect([a, b, c.id, far].map((f) => net.rate(f))).toEqual([8, 2, 2, 100]);
    expect(net.addFlow([l2]).changed).toEqual([far]);
    expect([a, b, c.id, far].map((f) => net.rate(f))).toEqual([8, 2, 2, 50]);
  });

  it('recomputes both pieces when removing a flow splits its component', () => {
    const net = new FairShareNetwork();
    const [l0, l1] = [net.addLink(10), net.addLink(4)];
    const a = net.addFlow([l0]).id;
    const bridge = net.addFlow([l0, l1]).id;
    const c = net.addFlow([l1]).id;
    expect(new Set(net.removeFlow(bridge))).toEqual(new Set([a, c]));
    expect([net.rate(a), net.rate(c)]).toEqual([10, 4]);
  });

  it('follows capacity changes, including a cut to 0 and its repair', () => {
    const net = new FairShareNetwork();
    const [l0, l1] = [net.addLink(5), net.addLink(10)];
    const a = net.addFlow([l0, l1]).id;
    const b = net.addFlow([l1]).id;
    expect([net.rate(a), net.rate(b)]).toEqual([5, 5]);
    expect(new Set(net.setCapacity(l0, 0))).toEqual(new Set([a, b]));
    expect([net.rate(a), net.rate(b)]).toEqual([0, 10]);
    expect(net.linkLoad(l0)).toBe(0);
    expect(net.setCapacity(l0, 2)).toHaveLength(2);
    expect([net.rate(a), net.rate(b)]).toEqual([2, 8]);
    expect(net.linkCapacity(l0)).toBe(2);
    expect(net.setCapacity(net.addLink(1), 3)).toEqual([]);
  });

  it('honours caps and weights, and a flow over no link runs at its cap', () => {
    const net = new FairShareNetwork();
    const link = net.addLink(10);
    const slow = net.addFlow([link], 1).id;
    const heavy = net.addFlow([link], undefined, 2).id;
    const light = net.addFlow([link]).id;
    expect([slow, heavy, light].map((f) => net.rate(f))).toEqual([1, 6, 3]);
    const local = net.addFlow([], 7);
    expect(local.changed).toEqual([]);
    expect(net.rate(local.id)).toBe(7);
    expect(net.removeFlow(local.id)).toEqual([]);
  });

  it('reuses the id of a removed flow and forgets the removed one', () => {
    const net = new FairShareNetwork();
    const link = net.addLink(1);
    const a = net.addFlow([link]).id;
    const b = net.addFlow([link]).id;
    net.removeFlow(a);
    expect(() => net.rate(a)).toThrow(RangeError);
    expect(() => net.removeFlow(a)).toThrow(RangeError);
    const c = net.addFlow([link], 0.25);
    expect(c.id).toBe(a);
    expect(c.changed).toEqual([b]);
    expect([net.rate(c.id), net.rate(b)]).toEqual([0.25, 0.75]);
  });

  it('rejects unknown links and bad parameters', () => {
    const net = new FairShareNetwork();
    const link = net.addLink(1);
    expect(() => net.addFlow([link + 1])).toThrow(RangeError);
    expect(() => net.addFlow([link, link])).toThrow(RangeError);
    expect(() => net.addFlow([link], Number.NaN)).toThrow(RangeError);
    expect(() => net.addFlow([link], 1, -1)).toThrow(RangeError);
    expect(() => net.setCapacity(link, -1)).toThrow(RangeError);
    expect(() => net.linkLoad(7)).toThrow(RangeError);
    expect(() => net.addLink(Number.NaN)).toThrow(RangeError);
    expect(net.flowCount).toBe(0);
  });
});

/** How random numbers are drawn: integers, or reals spanning several orders of magnitude. */
interface Numbers {
  capacity: fc.Arbitrary<number>;
  cap: fc.Arbitrary<number>;
  weight: fc.Arbitrary<number>;
}

// Integers keep exact ties exact, so a rate that should be 0 is 0 and not 1e-15: the incremental-vs-reference
// comparison, which needs a floor for rates near 0, runs on these.
const integers: Numbers = {
  capacity: fc.oneof(
    { arbitrary: fc.constant(0), weight: 1 },
    { arbitrary: fc.integer({ min: 1, max: 1000 }), weight: 9 },
  ),
  cap: fc.integer({ min: 0, max: 400 }),
  weight: fc.integer({ min: 1, max: 4 }),
};

const reals: Numbers = {
  capacity: fc.oneof(
    { arbitrary: fc.constant(0), weight: 1 },
    { arbitrary: fc.double({ min: 1e-3, max: 1e6, noNaN: true }), weight: 9 },
  ),
  cap: fc.double({ min: 0, max: 1e5, noNaN: true }),
  weight: fc.double({ min: 0.25, max: 8, noNaN: true }),
};

const flowSpec = (nLinks: number, n: Numbers) =>
  fc.record({
    path: fc.uniqueArray(fc.integer({ min: 0, max: nLinks - 1 }), {
      minLength: 1,
      maxLength: Math.min(6, nLinks),
    }),
    cap: fc.option(n.cap, { nil: undefined, freq: 3 }),
    weight: fc.option(n.weight, { nil: undefined, freq: 2 }),
  });

const problem = (n: Numbers): fc.Arbitrary<Problem> =>
  fc
    .integer({ min: 1, max: 30 })
    .chain((nLinks) =>
      fc.record({
        capacities: fc.array(n.capacity, { minLength: nLinks, maxLength: nLinks }),
        flows: fc.array(flowSpec(nLinks, n), { maxLength: 60, size: 'max' }),
      }),
    )
    .map(({ capacities, flows }) => ({
      capacities,
      paths: flows.map((f) => f.path),
      caps: flows.map((f) => f.cap),
      weights: flows.map((f) => f.weight),
    }));

type Op =
  | { kind: 'add'; path: number[]; cap: number | undefined; weight: number | undefined }
  | { kind: 'remove'; pick: number }
  | { kind: 'capacity'; link: number; capacity: number };

const scenario = fc.integer({ min: 1, max: 30 }).chain((nLinks) =>
  fc.record({
    capacities: fc.array(integers.capacity, { minLength: nLinks, maxLength: nLinks }),
    ops: fc.array(
      fc.oneof<fc.Arbitrary<Op>[]>(
        flowSpec(nLinks, integers).map((f) => ({ kind: 'add', ...f })),
        flowSpec(nLinks, integers).map((f) => ({ kind: 'add', ...f })),
        fc.nat().map((pick) => ({ kind: 'remove', pick })),
        fc
          .record({ link: fc.integer({ min: 0, max: nLinks - 1 }), capacity: integers.capacity })
          .map((c) => ({ kind: 'capacity', ...c })),
      ),
      { maxLength: 120, size: 'max' },
    ),
  }),
);

describe('max-min properties on random topologies', () => {
  it('the certificate rejects any allocation with one flow moved by 1%', () => {
    fc.assert(
      fc.property(problem(integers), fc.nat(), fc.boolean(), (p, pick, up) => {
        const rates = solveMaxMin(p.capacities, p.paths, p.caps, p.weights);
        const candidates = rates.flatMap((r, f) => (r > 1e-6 ? [f] : []));
        fc.pre(candidates.length > 0);
        const f = candidates[pick % candidates.length];
        rates[f] *= up ? 1.01 : 0.99;
        expect(violations(p, rates)).not.toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['integer', integers],
    ['real', reals],
  ])('solveMaxMin passes the max-min certificate (%s numbers)', (_, n) => {
    fc.assert(
      fc.property(problem(n), (p) => {
        expect(violations(p, solveMaxMin(p.capacities, p.paths, p.caps, p.weights))).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('the incremental network matches solveMaxMin after every add, remove and capacity change', () => {
    fc.assert(
      fc.property(scenario, ({ capacities, ops }) => {
        const net = new FairShareNetwork();
        const links = capacities.map((c) => net.addLink(c));
        const now = [...capacities];
        const live: { id: number; path: number[]; cap: number | undefined; weight: number | undefined }[] =
          [];
        for (const op of ops) {
          const before = new Map(live.map((f) => [f.id, net.rate(f.id)]));
          let changed: number[];
          let newcomer = -1;
          if (op.kind === 'add') {
            const added = net.addFlow(op.path, op.cap, op.weight);
            live.push({ id: added.id, path: op.path, cap: op.cap, weight: op.weight });
            ({ changed } = added);
            newcomer = added.id;
          } else if (op.kind === 'remove') {
            if (live.length === 0) continue;
            const [gone] = live.splice(op.pick % live.length, 1);
            changed = net.removeFlow(gone.id);
            before.delete(gone.id);
          } else {
            now[op.link] = op.capacity;
            changed = net.setCapacity(links[op.link], op.capacity);
          }
          // `changed` is exactly the set of other flows whose reported rate moved.
          const moved = live
            .filter((f) => f.id !== newcomer && net.rate(f.id) !== before.get(f.id))
            .map((f) => f.id);
          expect(new Set(changed)).toEqual(new Set(moved));
          expect(changed.length).toBe(moved.length);

          const state: Problem = {
            capacities: now,
            paths: live.map((f) => f.path),
            caps: live.map((f) => f.cap),
            weights: live.map((f) => f.weight),
          };
          const rates = live.map((f) => net.rate(f.id));
          const reference = solveMaxMin(state.capacities, state.paths, state.caps, state.weights);
          rates.forEach((r, i) =>
            expect(close(r, reference[i]), `flow ${live[i].id}: ${r} vs ${reference[i]}`).toBe(true),
          );
          expect(violations(state, rates)).toEqual([]);
          expect(net.flowCount).toBe(live.length);
          links.forEach((l) => expect(net.linkLoad(l)).toBeLessThanOrEqual(now[l] * (1 + REL) + ABS));
        }
      }),
      { numRuns: 150 },
    );
  });
});
