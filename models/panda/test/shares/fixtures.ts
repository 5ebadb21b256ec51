// The illustrative share tree of fairshare.md §1.2 (values are made up, as the spec says) used by the worked
// examples E1–E6, and a generator of random trees for the property tests.

import fc from 'fast-check';
import type { GlobalShareRow } from '../../src/shares/global-shares.ts';

export const ILLUSTRATIVE_ROWS: GlobalShareRow[] = [
  { name: 'Express', value: 5, parent: null },
  { name: 'Production', value: 70, parent: null },
  { name: 'MC Simulation Full', value: 40, parent: 'Production' },
  { name: 'MC Simulation Fast', value: 20, parent: 'Production' },
  { name: 'Data Derivations', value: 30, parent: 'Production' },
  { name: 'Group production', value: 10, parent: 'Production' },
  { name: 'Analysis', value: 25, parent: null },
  { name: 'User Analysis', value: 80, parent: 'Analysis' },
  { name: 'Express Analysis', value: 20, parent: 'Analysis' },
];

/** Executing kHS06 of E3. */
export const E3_EXECUTING: Record<string, number> = {
  Express: 0,
  'MC Simulation Full': 300,
  'MC Simulation Fast': 120,
  'Data Derivations': 150,
  'Group production': 30,
  'User Analysis': 350,
  'Express Analysis': 50,
};

/** The leaves of E3 in `sort_branch_by_current_hs_distribution` order. */
export const E3_SORTED_LEAVES: readonly string[] = [
  'Express',
  'Group production',
  'Data Derivations',
  'MC Simulation Fast',
  'MC Simulation Full',
  'Express Analysis',
  'User Analysis',
];

/**
 * Random trees as GLOBAL_SHARES rows: each new share hangs under a random earlier internal-or-top share or the
 * root; every sibling group keeps at least one non-zero value so the tree normalises.
 */
export const arbShareRows: fc.Arbitrary<GlobalShareRow[]> = fc
  .array(fc.record({ parentPick: fc.nat(), value: fc.integer({ min: 0, max: 100 }) }), {
    minLength: 1,
    maxLength: 40,
  })
  .map((specs) => {
    const rows: GlobalShareRow[] = [];
    specs.forEach((spec, i) => {
      const parentIdx = spec.parentPick % (i + 1);
      const parent = parentIdx === i ? null : rows[parentIdx].name;
      rows.push({ name: `s${i}`, value: spec.value, parent });
    });
    const groups = new Map<string | null, GlobalShareRow[]>();
    for (const row of rows) {
      const key = row.parent ?? null;
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    for (const group of groups.values()) if (group.every((r) => r.value === 0)) group[0].value = 1;
    return rows;
  });
