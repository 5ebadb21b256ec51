import { describe, expect, it } from 'vitest';
import { evaluateShares } from '../../src/shares/share-report.ts';
import { E3_EXECUTING, E3_SORTED_LEAVES, ILLUSTRATIVE_ROWS } from './fixtures.ts';

describe('evaluateShares', () => {
  it('reports targets, ratios, the sorted leaves and dispatch ranks of a JSON snapshot', () => {
    const snapshot = JSON.parse(
      JSON.stringify({
        rows: [...ILLUSTRATIVE_ROWS, { name: 'Test', value: 0, parent: null }],
        executing: { ...E3_EXECUTING, Undefined: 0 },
        queued: { 'User Analysis': 40 },
      }),
    );
    const report = evaluateShares(snapshot);
    expect(report.executingTotal).toBe(1000);
    expect(report.sortedLeaves).toEqual([...E3_SORTED_LEAVES, 'Test']);
    expect(report.dispatchRanks).toMatchObject({ Express: 0, 'User Analysis': 6, Test: 0 });
    expect(report.unknownRank).toBe(8);
    const byName = new Map(report.nodes.map((n) => [n.name, n]));
    expect(byName.get('Production')).toMatchObject({
      parent: null,
      depth: 1,
      leaf: false,
      norm: 70,
      pledged: 700,
      executing: 600,
    });
    expect(byName.get('User Analysis')).toMatchObject({
      parent: 'Analysis',
      leaf: true,
      queued: 40,
      usageRatio: 1.75,
    });
    expect(byName.get('Test')).toMatchObject({ norm: 0, pledged: 0, usageRatio: 1e6 });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('accepts the legacy ordering key as an option', () => {
    const report = evaluateShares({
      rows: [
        { name: 'A', value: 10 },
        { name: 'B', value: 45 },
        { name: 'C', value: 45 },
      ],
      executing: { A: 50, B: 380, C: 570 },
      options: { key: 'kHS06Debt' },
    });
    expect(report.sortedLeaves).toEqual(['B', 'A', 'C']);
  });
});
