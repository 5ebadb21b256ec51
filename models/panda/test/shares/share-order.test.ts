import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildShareTree, type ShareTree } from '../../src/shares/global-shares.ts';
import { ShareOrderer, sortedLeaves, ZERO_PLEDGE_RATIO } from '../../src/shares/share-order.ts';
import {
  hsDistribution,
  jobHs06,
  leafUsage,
  shareHsStats,
  shareStatusGroup,
  type LeafUsage,
} from '../../src/shares/share-usage.ts';
import { arbShareRows, E3_EXECUTING, E3_SORTED_LEAVES, ILLUSTRATIVE_ROWS } from './fixtures.ts';

const FOUR_LEAVES = [
  { name: 'A', value: 50 },
  { name: 'a1', value: 50, parent: 'A' },
  { name: 'a2', value: 50, parent: 'A' },
  { name: 'B', value: 50 },
  { name: 'b1', value: 50, parent: 'B' },
  { name: 'b2', value: 50, parent: 'B' },
];

function node(tree: ShareTree, name: string): number {
  return tree.nodeIndex.get(name) as number;
}

describe('targets and measured HS06', () => {
  it('E3: pledges are E_total × norm / 100, aggregated up the tree', () => {
    const tree = buildShareTree(ILLUSTRATIVE_ROWS);
    const usage = leafUsage(tree, { executing: E3_EXECUTING });
    expect(usage.executingTotal).toBe(1000);
    const dist = hsDistribution(tree, usage);
    const pledged = (name: string): number => dist.pledged[node(tree, name)];
    expect(pledged('Express')).toBe(50);
    expect(pledged('MC Simulation Full')).toBe(280);
    expect(pledged('MC Simulation Fast')).toBe(140);
    expect(pledged('Data Derivations')).toBe(210);
    expect(pledged('Group production')).toBe(70);
    expect(pledged('User Analysis')).toBe(200);
    expect(pledged('Express Analysis')).toBe(50);
    expect(pledged('Production')).toBe(700);
    expect(pledged('Analysis')).toBe(250);
    const ratio = (name: string): number => dist.executing[node(tree, name)] / dist.pledged[node(tree, name)];
    expect(ratio('Production')).toBeCloseTo(0.857142857, 8);
    expect(ratio('Analysis')).toBe(1.6);
    expect(ratio('Group production')).toBeCloseTo(0.428571429, 8);
    expect(ratio('Data Derivations')).toBeCloseTo(0.714285714, 8);
    expect(ratio('MC Simulation Fast')).toBeCloseTo(0.857142857, 8);
    expect(ratio('MC Simulation Full')).toBeCloseTo(1.071428571, 8);
    expect(ratio('Express Analysis')).toBe(1);
    expect(ratio('User Analysis')).toBe(1.75);
  });

  it('work tagged with a non-leaf gshare counts in E_total only', () => {
    const tree = buildShareTree(ILLUSTRATIVE_ROWS);
    const usage = leafUsage(tree, { executing: { ...E3_EXECUTING, Undefined: 250 } });
    expect(usage.executingTotal).toBe(1250);
    const dist = hsDistribution(tree, usage);
    expect(dist.executing[0]).toBe(1000);
    expect(dist.pledged[0]).toBeCloseTo(1250, 9);
  });

  it('groups job states and weighs jobs by cores × corepower', () => {
    expect(shareStatusGroup('running')).toBe('executing');
    expect(shareStatusGroup('sent')).toBe('executing');
    expect(shareStatusGroup('starting')).toBe('ignore');
    expect(shareStatusGroup('holding')).toBe('ignore');
    expect(shareStatusGroup('activated')).toBe('queued');
    expect(jobHs06(null, 10)).toBe(10);
    expect(jobHs06(8, 12.5)).toBe(100);
    expect(jobHs06(0, 10)).toBe(0);
    expect(jobHs06(8, null)).toBe(0);
    const stats = shareHsStats([
      { gshare: 'A', jobStatus: 'running', coreCount: 8, corepower: 10 },
      { gshare: 'A', jobStatus: 'sent', coreCount: null, corepower: 10 },
      { gshare: 'A', jobStatus: 'starting', coreCount: 1, corepower: 10 },
      { gshare: 'A', jobStatus: 'activated', coreCount: 2, corepower: 10 },
      { gshare: 'Undefined', jobStatus: 'running', coreCount: 1, corepower: 5 },
    ]);
    expect(stats).toEqual({ executing: { A: 90, Undefined: 5 }, queued: { A: 20 } });
  });
});

describe('Share.sort_branch_by_current_hs_distribution', () => {
  it('E3: sorted leaves', () => {
    const tree = buildShareTree(ILLUSTRATIVE_ROWS);
    expect(sortedLeaves(tree, leafUsage(tree, { executing: E3_EXECUTING }))).toEqual(E3_SORTED_LEAVES);
  });

  it('E4: the hierarchy beats the leaf ratio, ties keep DB order', () => {
    const tree = buildShareTree(FOUR_LEAVES);
    const usage = leafUsage(tree, { executing: { a1: 10, a2: 590, b1: 200, b2: 200 } });
    const dist = hsDistribution(tree, usage);
    expect(dist.executing[node(tree, 'A')] / dist.pledged[node(tree, 'A')]).toBe(1.2);
    expect(dist.executing[node(tree, 'B')] / dist.pledged[node(tree, 'B')]).toBe(0.8);
    expect(sortedLeaves(tree, usage)).toEqual(['b1', 'b2', 'a1', 'a2']);
  });

  it('E5: an idle leaf pulls its branch forward and its siblings follow it', () => {
    const tree = buildShareTree(ILLUSTRATIVE_ROWS);
    const usage = leafUsage(tree, {
      executing: {
        Express: 0,
        'MC Simulation Full': 0,
        'MC Simulation Fast': 250,
        'Data Derivations': 280,
        'Group production': 70,
        'User Analysis': 300,
        'Express Analysis': 100,
      },
    });
    expect(sortedLeaves(tree, usage)).toEqual([
      'Express',
      'MC Simulation Full',
      'Group production',
      'Data Derivations',
      'MC Simulation Fast',
      'User Analysis',
      'Express Analysis',
    ]);
  });

  it('E5b: a zero-valued leaf gets the 10^6 sentinel and sorts last', () => {
    const tree = buildShareTree([
      { name: 'A', value: 60 },
      { name: 'a1', value: 100, parent: 'A' },
      { name: 'a2', value: 0, parent: 'A' },
      { name: 'B', value: 40 },
    ]);
    const usage = leafUsage(tree, { executing: { a1: 500, a2: 100, B: 300 } });
    const dist = hsDistribution(tree, usage);
    expect(dist.pledged[node(tree, 'a1')]).toBe(540);
    expect(dist.pledged[node(tree, 'a2')]).toBe(0);
    expect(dist.pledged[node(tree, 'B')]).toBe(360);
    expect(sortedLeaves(tree, usage)).toEqual(['B', 'a1', 'a2']);
  });

  it('E5c: nothing running gives the DB depth-first order', () => {
    const tree = buildShareTree(ILLUSTRATIVE_ROWS);
    expect(sortedLeaves(tree, leafUsage(tree, { executing: {} }))).toEqual(tree.leafNames);
  });

  it('legacy kHS06-debt key (pre-2017) sorts by pledged − executing, descending', () => {
    const tree = buildShareTree(FOUR_LEAVES);
    const usage = leafUsage(tree, { executing: { a1: 10, a2: 590, b1: 200, b2: 200 } });
    // A: debt −100, B: +100 → B first; b1 = b2 = 50 (tie, DB order); a1 240 before a2 −340.
    expect(sortedLeaves(tree, usage, { key: 'kHS06Debt' })).toEqual(['b1', 'b2', 'a1', 'a2']);
    const three = buildShareTree([
      { name: 'A', value: 10 },
      { name: 'B', value: 45 },
      { name: 'C', value: 45 },
    ]);
    // Pledges 100/450/450: A ratio 0.5 (debt 50), B 0.844 (debt 70), C 1.267 (debt −120).
    const skewed = leafUsage(three, { executing: { A: 50, B: 380, C: 570 } });
    expect(sortedLeaves(three, skewed)).toEqual(['A', 'B', 'C']);
    expect(sortedLeaves(three, skewed, { key: 'kHS06Debt' })).toEqual(['B', 'A', 'C']);
  });

  it('reuses its buffers: repeated orderings of changing usage stay correct', () => {
    const tree = buildShareTree(FOUR_LEAVES);
    const orderer = new ShareOrderer(tree);
    const names = (u: LeafUsage): string[] => Array.from(orderer.order(u), (l) => tree.leafNames[l]);
    expect(names(leafUsage(tree, { executing: { a1: 10, a2: 590, b1: 200, b2: 200 } }))).toEqual([
      'b1',
      'b2',
      'a1',
      'a2',
    ]);
    expect(names(leafUsage(tree, { executing: { a1: 100, a2: 100, b1: 300, b2: 100 } }))).toEqual([
      'a1',
      'a2',
      'b2',
      'b1',
    ]);
  });
});

/** Direct transcription of the upstream recursion, as an oracle for the flat implementation. */
function referenceOrder(tree: ShareTree, usage: LeafUsage): string[] {
  const dist = hsDistribution(tree, usage);
  const ratio = (n: number): number =>
    dist.pledged[n] === 0 ? ZERO_PLEDGE_RATIO : dist.executing[n] / dist.pledged[n];
  const visit = (n: number): string[] => {
    if (n > 0 && tree.leafOfNode[n] >= 0) return [tree.names[n]];
    const placed: number[] = [];
    for (let k = tree.childStart[n]; k < tree.childStart[n + 1]; k++) {
      const c = tree.children[k];
      const at = placed.findIndex((p) => ratio(c) < ratio(p));
      if (at < 0) placed.push(c);
      else placed.splice(at, 0, c);
    }
    return placed.flatMap(visit);
  };
  return visit(0);
}

const arbTreeAndUsage = arbShareRows.chain((rows) => {
  const tree = buildShareTree(rows);
  return fc
    .tuple(
      fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5000 })), {
        minLength: tree.leafNames.length,
        maxLength: tree.leafNames.length,
      }),
      fc.integer({ min: 0, max: 3000 }),
    )
    .map(([exec, untagged]) => {
      const executing: Record<string, number> = { Undefined: untagged };
      tree.leafNames.forEach((name, i) => (executing[name] = exec[i]));
      return { tree, usage: leafUsage(tree, { executing }) };
    });
});

describe('ordering properties', () => {
  it('is a permutation of the leaves and matches the upstream recursion', () => {
    fc.assert(
      fc.property(arbTreeAndUsage, ({ tree, usage }) => {
        const order = sortedLeaves(tree, usage);
        expect([...order].sort()).toEqual([...tree.leafNames].sort());
        expect(order).toEqual(referenceOrder(tree, usage));
      }),
    );
  });

  it('keeps the leaves of every subtree contiguous (depth-first)', () => {
    fc.assert(
      fc.property(arbTreeAndUsage, ({ tree, usage }) => {
        const order = sortedLeaves(tree, usage);
        for (let n = 1; n < tree.nodeCount; n++) {
          const positions: number[] = [];
          order.forEach((name, i) => {
            let m = tree.nodeIndex.get(name) as number;
            while (m > 0 && m !== n) m = tree.parent[m];
            if (m === n) positions.push(i);
          });
          expect(positions[positions.length - 1] - positions[0]).toBe(positions.length - 1);
        }
      }),
    );
  });
});
