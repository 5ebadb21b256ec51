import { describe, expect, it } from 'vitest';
import { buildRegionalTopology } from '../../../models/network/regional-topology.ts';
import { Topology } from '../../../models/network/topology.ts';

const spec = {
  endpoints: [
    { name: 'BNL_DATADISK', site: 'BNL-ATLAS', region: 'US', access: 12.5e9, accessLatency: 0.001 },
    { name: 'BNL_SCRATCH', site: 'BNL-ATLAS', region: 'US', access: 2.5e9 },
    { name: 'ALCF_EAGLE', site: 'ALCF', region: 'US', kind: 'dtn' as const, access: 12.5e9 },
    { name: 'CERN_DATADISK', site: 'CERN-PROD', region: 'EU', access: 12.5e9 },
    { name: 'ASIA_DISK', site: 'TOKYO', region: 'ASIA', access: 1.25e9 },
  ],
  regions: [{ name: 'US', backbone: 50e9, latency: 0.02 }, { name: 'EU', latency: 0.01 }, { name: 'ASIA' }],
  interRegion: [
    {
      between: ['US', 'EU'] as const,
      capacity: 42.5e9,
      latency: 0.04,
      linkClass: 'transatlantic',
      closeness: 4,
    },
  ],
};

const names = (t: Topology, src: string, dst: string): string[] =>
  t.route(src, dst).links.map((l) => t.links[l].name);

describe('regional topology', () => {
  const t = buildRegionalTopology(spec);

  it('routes within a site, a region and across regions over access, backbone and inter-region links', () => {
    expect(names(t, 'BNL_DATADISK', 'BNL_DATADISK')).toEqual([]);
    expect(names(t, 'BNL_DATADISK', 'BNL_SCRATCH')).toEqual(['BNL_DATADISK:out', 'BNL_SCRATCH:in']);
    expect(names(t, 'BNL_DATADISK', 'ALCF_EAGLE')).toEqual([
      'BNL_DATADISK:out',
      'US:backbone',
      'ALCF_EAGLE:in',
    ]);
    // EU has no backbone link: it is skipped.
    expect(names(t, 'CERN_DATADISK', 'ALCF_EAGLE')).toEqual([
      'CERN_DATADISK:out',
      'EU->US',
      'US:backbone',
      'ALCF_EAGLE:in',
    ]);
    expect(t.route('BNL_DATADISK', 'CERN_DATADISK').latency).toBeCloseTo(0.001 + 0.02 + 0.04, 12);
    expect(t.links[t.link('US->EU')]).toEqual({
      name: 'US->EU',
      capacity: 42.5e9,
      latency: 0.04,
      linkClass: 'transatlantic',
    });
    expect(() => t.route('ASIA_DISK', 'CERN_DATADISK')).toThrow(/regions not linked/);
  });

  it('gives site pairs a closeness: 0 same site, then same region, then per region pair', () => {
    expect(t.closeness('BNL-ATLAS', 'BNL-ATLAS')).toBe(0);
    expect(t.closeness('BNL-ATLAS', 'ALCF')).toBe(1);
    expect(t.closeness('CERN-PROD', 'ALCF')).toBe(4);
    expect(t.closeness('TOKYO', 'ALCF')).toBeUndefined();
    expect(t.closeness('UNKNOWN', 'ALCF')).toBeUndefined();
    t.setCloseness('TOKYO', 'ALCF', 9);
    expect(t.closeness('TOKYO', 'ALCF')).toBe(9);
  });

  it('rejects inconsistent specs', () => {
    expect(() =>
      buildRegionalTopology({ ...spec, endpoints: [{ name: 'X', site: 'S', region: 'MARS', access: 1 }] }),
    ).toThrow(/no region MARS/);
    expect(() =>
      buildRegionalTopology({
        ...spec,
        endpoints: [
          { name: 'X', site: 'S', region: 'US', access: 1 },
          { name: 'Y', site: 'S', region: 'EU', access: 1 },
        ],
      }),
    ).toThrow(/site S has endpoints in regions US and EU/);
  });
});

describe('hand-made topology', () => {
  it('uses explicit routes, refuses unknown ones and routes crossing a link twice', () => {
    const t = new Topology();
    t.addEndpoint({ name: 'A', site: 'A', region: 'R', kind: 'storage' });
    t.addEndpoint({ name: 'B', site: 'B', region: 'R', kind: 'cloud' });
    t.addLink({ name: 'L', capacity: 1, latency: 0.5, linkClass: 'wan' });
    t.setRoute('A', 'B', ['L']);
    expect(t.route('A', 'B')).toEqual({ links: [0], latency: 0.5 });
    expect(() => t.route('B', 'A')).toThrow(/no route from B to A/);
    expect(() => t.setRoute('B', 'A', ['L', 'L'])).toThrow(/crosses a link twice/);
    expect(() => t.addLink({ name: 'L', capacity: 1, latency: 0, linkClass: 'wan' })).toThrow(/twice/);
  });
});
