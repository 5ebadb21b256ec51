// Headless SVG rendering: every chart renders, and the output depends on the spec alone.
import { beforeAll, describe, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { comparisonCharts, runCharts, type Chart } from '../../reports/charts.ts';
import { compileToVega, renderSvg } from '../../reports/render.ts';
import { COMPARISON, RUN, RUNS } from './fixtures.ts';

const charts: Chart[] = [
  ...comparisonCharts(COMPARISON, RUNS),
  ...runCharts([RUN]).map((c) => ({ ...c, id: `run-${c.id}` })),
];
let first: string[];
let second: string[];

beforeAll(async () => {
  first = [];
  second = [];
  for (const c of charts) first.push(await renderSvg(c.spec, c.id));
  // Concurrent renders queue behind each other, so the shared id counters cannot interleave.
  second = await Promise.all(charts.map((c) => renderSvg(c.spec, c.id)));
});

describe('renderSvg', () => {
  it('renders every chart to an SVG document with its title', () => {
    expect(first).toHaveLength(19);
    first.forEach((svg, i) => {
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain(`>${charts[i].title}</text>`);
    });
  });

  it('is byte-identical on a second render', () => {
    expect(second).toEqual(first);
  });

  it('prefixes the ids vega generates, so charts inlined in one page do not share a clip path', async () => {
    const clipped: TopLevelSpec = {
      data: { values: [{ x: 1, y: 2 }] },
      mark: { type: 'bar', clip: true },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
    };
    const a = await renderSvg(clipped, 'a');
    const b = await renderSvg(clipped, 'b');
    expect(a).toContain('<clipPath id="a-clip1">');
    expect(a).toContain('clip-path="url(#a-clip1)"');
    expect(b).toContain('<clipPath id="b-clip1">');
    expect(a).not.toMatch(/"(url\(#)?clip1\)?"/);
    expect(await renderSvg(clipped, 'a')).toBe(a);
  });
});

describe('compileToVega', () => {
  it('gives a vega spec without the schema URL', () => {
    const vega = compileToVega(charts[0].spec);
    expect(vega).not.toHaveProperty('$schema');
    expect(vega.marks?.length).toBeGreaterThan(0);
  });
});
