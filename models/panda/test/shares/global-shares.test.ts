import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  buildShareTree,
  isLeafShare,
  isShareThrottled,
  shareNameTree,
  shareTreeReloadDue,
  type ShareTree,
} from '../../src/shares/global-shares.ts';
import { arbShareRows, ILLUSTRATIVE_ROWS } from './fixtures.ts';

function normOf(tree: ShareTree, name: string): number {
  return tree.norm[tree.nodeIndex.get(name) as number];
}

describe('Share.normalize', () => {
  it('E1: normalises the illustrative tree into absolute percentages', () => {
    const tree = buildShareTree(ILLUSTRATIVE_ROWS);
    const expected: Record<string, number> = {
      Express: 5,
      'MC Simulation Full': 28,
      'MC Simulation Fast': 14,
      'Data Derivations': 21,
      'Group production': 7,
      'User Analysis': 20,
      'Express Analysis': 5,
      Production: 70,
      Analysis: 25,
    };
    for (const [name, value] of Object.entries(expected)) expect(normOf(tree, name)).toBe(value);
    expect(tree.leafNames.reduce((s, n) => s + normOf(tree, n), 0)).toBe(100);
  });

  it('E2: unnormalised sibling values', () => {
    const tree = buildShareTree([
      { name: 'A', value: 3 },
      { name: 'a1', value: 1, parent: 'A' },
      { name: 'a2', value: 1, parent: 'A' },
      { name: 'a3', value: 2, parent: 'A' },
      { name: 'B', value: 1 },
    ]);
    expect(normOf(tree, 'A')).toBe(75);
    expect(normOf(tree, 'B')).toBe(25);
    expect(normOf(tree, 'a1')).toBe(18.75);
    expect(normOf(tree, 'a2')).toBe(18.75);
    expect(normOf(tree, 'a3')).toBe(37.5);
  });

  it('gives a zero-valued leaf a zero norm', () => {
    const tree = buildShareTree([
      { name: 'A', value: 60 },
      { name: 'a1', value: 100, parent: 'A' },
      { name: 'a2', value: 0, parent: 'A' },
      { name: 'B', value: 40 },
    ]);
    expect(normOf(tree, 'a1')).toBe(60);
    expect(normOf(tree, 'a2')).toBe(0);
  });

  it('property: the children of every node sum to the node (leaves to 100)', () => {
    fc.assert(
      fc.property(arbShareRows, (rows) => {
        const tree = buildShareTree(rows);
        for (let n = 0; n < tree.nodeCount; n++) {
          const from = tree.childStart[n];
          const to = tree.childStart[n + 1];
          if (from === to) continue;
          let sum = 0;
          for (let k = from; k < to; k++) sum += tree.norm[tree.children[k]];
          expect(sum).toBeCloseTo(tree.norm[n], 9);
        }
        const leafSum = Array.from(tree.leafNodes).reduce((s, n) => s + tree.norm[n], 0);
        expect(leafSum).toBeCloseTo(100, 9);
      }),
    );
  });
});

describe('buildShareTree', () => {
  it('numbers nodes depth-first in row order and lists leaves like Node.get_leaves', () => {
    const tree = buildShareTree(ILLUSTRATIVE_ROWS);
    expect(tree.names).toEqual([
      'root',
      'Express',
      'Production',
      'MC Simulation Full',
      'MC Simulation Fast',
      'Data Derivations',
      'Group production',
      'Analysis',
      'User Analysis',
      'Express Analysis',
    ]);
    expect(tree.leafNames).toEqual([
      'Express',
      'MC Simulation Full',
      'MC Simulation Fast',
      'Data Derivations',
      'Group production',
      'User Analysis',
      'Express Analysis',
    ]);
    expect(Array.from(tree.depth)).toEqual([0, 1, 1, 2, 2, 2, 2, 1, 2, 2]);
    expect(isLeafShare(tree, 'User Analysis')).toBe(true);
    expect(isLeafShare(tree, 'Analysis')).toBe(false);
    expect(isLeafShare(tree, 'Undefined')).toBe(false);
  });

  it('accepts children listed before their parent and keeps sibling row order', () => {
    const tree = buildShareTree([
      { name: 'b2', value: 1, parent: 'B' },
      { name: 'B', value: 1, parent: '' },
      { name: 'b1', value: 1, parent: 'B' },
    ]);
    expect(tree.leafNames).toEqual(['b2', 'b1']);
  });

  it('rejects trees PanDA cannot load or would crash on', () => {
    expect(() => buildShareTree([{ name: 'A', value: 0 }])).toThrow(/value 0/);
    expect(() => buildShareTree([{ name: 'A', value: 1, parent: 'X' }])).toThrow(/unknown parent/);
    expect(() =>
      buildShareTree([
        { name: 'A', value: 1 },
        { name: 'A', value: 2 },
      ]),
    ).toThrow(/duplicate/);
    expect(() => buildShareTree([{ name: 'root', value: 1 }])).toThrow(/reserved/);
    expect(() =>
      buildShareTree([
        { name: 'T', value: 1 },
        { name: 'P', value: 1, parent: 'Q' },
        { name: 'Q', value: 1, parent: 'P' },
      ]),
    ).toThrow(/cycle/);
    expect(() => buildShareTree([{ name: 'A', value: -1 }])).toThrow(/invalid value/);
  });

  it('exports the nested name tree of get_tree_of_gshare_names', () => {
    expect(shareNameTree(buildShareTree(ILLUSTRATIVE_ROWS))).toEqual({
      Express: null,
      Production: {
        'MC Simulation Full': null,
        'MC Simulation Fast': null,
        'Data Derivations': null,
        'Group production': null,
      },
      Analysis: { 'User Analysis': null, 'Express Analysis': null },
    });
  });

  it('reads the THROTTLED column like WorkQueue.pack_gs', () => {
    expect(isShareThrottled({ name: 'x', value: 1, throttled: 'N' })).toBe(false);
    expect(isShareThrottled({ name: 'x', value: 1, throttled: 'Y' })).toBe(true);
    expect(isShareThrottled({ name: 'x', value: 1 })).toBe(true);
  });
});

describe('reload_shares guard', () => {
  it('reloads at most hourly', () => {
    expect(shareTreeReloadDue(null, 0)).toBe(true);
    expect(shareTreeReloadDue(0, 3599)).toBe(false);
    expect(shareTreeReloadDue(0, 3600)).toBe(true);
  });

  it('skips the reload when forced (inverted flag), unless the intended meaning is chosen', () => {
    expect(shareTreeReloadDue(null, 0, true)).toBe(false);
    expect(shareTreeReloadDue(0, 10, true, { invertedForceFlag: false })).toBe(true);
  });
});
