// `pandasim shares` end to end, through bin/pandasim.js.
import { describe, expect, it } from 'vitest';
import { pandasim } from '../support/pandasim-cli.ts';

const file = 'models/panda/examples/shares.json';

describe('pandasim shares', () => {
  it('prints every node with its target and usage, and the leaves in dispatch order, as JSON', () => {
    const r = pandasim('shares', file);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as {
      nodes: { name: string; norm: number; pledged: number; executing: number; usageRatio: number }[];
      sortedLeaves: string[];
    };
    expect(out.nodes).toHaveLength(12);
    const ua = out.nodes.find((n) => n.name === 'User Analysis');
    // 25 % × 85/100 of the 4 083 000 HS06 executing over all gshares
    expect(ua?.norm).toBeCloseTo(21.25, 12);
    expect(ua?.pledged).toBeCloseTo(867_637.5, 6);
    expect(out.sortedLeaves).toHaveLength(10);
  });

  it('prints the share tree and the leaf order as tables with --explain', () => {
    const r = pandasim('shares', file, '--explain');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('global shares: 4083000 HS06 executing in total');
    expect(lines.find((l) => l.startsWith('  User Analysis'))).toMatch(
      /^ {2}User Analysis\s+21\.25\s+867638\s+700000/,
    );
    expect(lines).toContain('leaves in dispatch order, most under-pledged first');
  });
});
