import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputFileError, loadSharesFile, parseSharesFile, type FileProblem } from '../../src/io/index.ts';
import { evaluateShares } from '../../src/shares/share-report.ts';

const path = fileURLToPath(new URL('../../examples/shares.json', import.meta.url));

type Row = Record<string, unknown>;

function problemsOf(json: unknown): FileProblem[] {
  try {
    parseSharesFile('shares.json', json);
  } catch (error) {
    if (error instanceof InputFileError) return [...error.problems];
    throw error;
  }
  throw new Error('the file was accepted');
}

describe('shares file loading', () => {
  it('accepts the example, whose leaves sum to 100 % and whose total includes non-leaf gshares', () => {
    const report = evaluateShares(loadSharesFile(path));
    const leaves = report.nodes.filter((n) => n.leaf);
    expect(leaves).toHaveLength(10);
    expect(leaves.reduce((a, n) => a + n.norm, 0)).toBeCloseTo(100, 12);
    expect(report.executingTotal).toBe(4_083_000);
    expect(report.sortedLeaves[0]).toBe('Express');
  });

  it('reports unknown fields, bad values, duplicate names and unknown parents together', () => {
    const json = JSON.parse(readFileSync(path, 'utf8')) as {
      rows: Row[];
      executing: Record<string, unknown>;
    };
    json.rows[2].parnet = json.rows[2].parent;
    delete json.rows[2].parent;
    json.rows[3].value = -1;
    json.rows[4].name = 'MC Simulation Full';
    json.rows[10].parent = 'Analysys';
    json.executing['User Analysis'] = '700000';
    expect(problemsOf(json)).toEqual([
      {
        path: 'rows[2].parnet',
        value: '"Production"',
        expected: 'no field "parnet" here (did you mean "parent"?)',
      },
      { path: 'rows[3].value', value: '-1', expected: 'a number ≥ 0' },
      { path: 'executing["User Analysis"]', value: '"700000"', expected: 'a number' },
    ]);
    delete json.rows[2].parnet;
    json.rows[3].value = 15;
    json.executing['User Analysis'] = 700000;
    expect(problemsOf(json)).toEqual([
      { path: 'rows[4].name', value: '"MC Simulation Full"', expected: 'a share name not used before' },
      {
        path: 'rows[10].parent',
        value: '"Analysys"',
        expected: 'the name of another row, or null for a top-level share',
      },
    ]);
  });
});
