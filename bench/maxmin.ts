/**
 * Max-min fair sharing on WAN-like topologies: the cost of one incremental update (a flow starting or
 * ending) against solving the same network from scratch, measured in the same run.
 */
import { FairShareNetwork, solveMaxMin } from '../sim/maxmin.ts';
import { RandomStreams } from '../sim/random.ts';
import type { BenchCase, BenchSuite } from './harness.ts';

const GBPS = 1e9 / 8;
const FLOWS = 5000;

interface Wan {
  capacities: number[];
  routes: number[][];
}

/**
 * A WAN of 200 links: 40 sites, each behind one access link of 10, 40 or 100 Gb/s, joined by 160 backbone
 * links of 100-400 Gb/s; every ordered pair of distinct sites has a fixed route of 1-3 backbone links.
 */
function wan(random: () => number): Wan {
  const sites = 40;
  const backbone = 160;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const capacities = [
    ...Array.from({ length: sites }, () => pick([10, 40, 100]) * GBPS),
    ...Array.from({ length: backbone }, () => pick([100, 200, 400]) * GBPS),
  ];
  const routes: number[][] = [];
  for (let s = 0; s < sites; s++) {
    for (let d = 0; d < sites; d++) {
      if (s === d) continue;
      const hops = new Set<number>();
      const n = 1 + Math.floor(random() * 3);
      while (hops.size < n) hops.add(sites + Math.floor(random() * backbone));
      routes.push([s, ...hops, d]);
    }
  }
  return { capacities, routes };
}

/** Half the transfers carry a per-transfer limit (a TCP window or an endpoint cap) of 1-10 Gb/s. */
function transferCap(random: () => number): number | undefined {
  return random() < 0.5 ? (1 + Math.floor(random() * 10)) * GBPS : undefined;
}

/**
 * Keeps about FLOWS flows alive, one update per call: it alternately ends a random flow and starts a new one,
 * so a call's cost is one incremental reshare.
 */
function churn(net: FairShareNetwork, nextPath: () => number[], random: () => number): () => void {
  const live: number[] = [];
  for (let i = 0; i < FLOWS; i++) live.push(net.addFlow(nextPath(), transferCap(random)).id);
  let removing = true;
  return () => {
    if (removing) {
      const i = Math.floor(random() * live.length);
      net.removeFlow(live[i]);
      live[i] = live[live.length - 1];
      live.pop();
    } else {
      live.push(net.addFlow(nextPath(), transferCap(random)).id);
    }
    removing = !removing;
  };
}

function random(name: string): () => number {
  const rng = new RandomStreams('bench').stream(name);
  return () => rng.next();
}

/** A case whose state is built once before timing; each call is one update. */
function updateCase(name: string, build: () => () => unknown, baseline?: string): BenchCase {
  let step: () => unknown = () => undefined;
  return {
    name,
    units: 1,
    unit: 'updates',
    setup: () => void (step = build()),
    fn: () => void step(),
    baseline,
  };
}

/**
 * WAN: 200 links, 5,000 flows, all in one connected component, so an update re-solves everything it touches.
 * LANs: 5,000 flows on 200 separate links (components of ~25 flows), where incremental updates pay off.
 */
export function maxminSuite(): BenchSuite {
  const fromScratch = 'WAN, solved from scratch';
  return {
    name: 'max-min sharing',
    cases: [
      updateCase(fromScratch, () => {
        const draw = random('maxmin-wan');
        const { capacities, routes } = wan(draw);
        const paths = Array.from({ length: FLOWS }, () => routes[Math.floor(draw() * routes.length)]);
        const caps = paths.map(() => transferCap(draw));
        return () => solveMaxMin(capacities, paths, caps);
      }),
      updateCase(
        'WAN, one flow added or removed',
        () => {
          const draw = random('maxmin-wan');
          const { capacities, routes } = wan(draw);
          const net = new FairShareNetwork();
          for (const c of capacities) net.addLink(c);
          return churn(net, () => routes[Math.floor(draw() * routes.length)], draw);
        },
        fromScratch,
      ),
      updateCase('200 site LANs, one flow added or removed', () => {
        const draw = random('maxmin-lans');
        const net = new FairShareNetwork();
        const lans = Array.from({ length: 200 }, () => net.addLink(10 * GBPS));
        return churn(net, () => [lans[Math.floor(draw() * lans.length)]], draw);
      }),
    ],
  };
}
