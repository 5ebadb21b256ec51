import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadBrokerFile, runBrokerFile, type BrokerRun } from '../../src/io/index.ts';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));

function run(name: string, nJobs?: number, rng: () => number = () => 0.5): BrokerRun {
  return runBrokerFile(loadBrokerFile(`${examples}${name}`), { rng, nJobs });
}

describe('running the example broker files', () => {
  it('production: five candidates, and the offline, low-memory and capped PQs excluded for those reasons', () => {
    const r = run('broker-production.json', 100, () => 0);
    if (r.kind !== 'production') throw new Error(r.kind);
    const d = r.decision;
    expect(d.candidates.map((c) => c.siteName)).toEqual([
      'CERN-PROD_MCORE',
      'BNL_PROD_MCORE',
      'DESY-HH_MCORE',
      'MWT2_MCORE',
      'MANC_MCORE',
    ]);
    expect(d.excluded.map((x) => [x.siteName, x.code])).toEqual([
      ['praguelcg2_MCORE', 'status'],
      ['LPSC_MCORE', 'lowmemory'],
      ['TOKYO_MCORE', 'cap'],
    ]);
    // (R+1)/(activated+starting+defined+10) at the nucleus holding the data: data weight 2, network weight 2.5
    const cern = d.candidates[0];
    expect(cern.factors.basicWeight).toBeCloseTo(2001 / 357, 12);
    expect(cern.factors.dataWeight).toBe(2);
    expect(cern.factors.networkWeight).toBe(2.5);
    expect(cern.weight).toBeCloseTo((2001 / 357) * 5, 12);
    // a draw of 0 always takes the first candidate: four bunches of 25 plus the trailing draw
    expect(r.split).toMatchObject({
      nJobs: 100,
      assignments: { 'CERN-PROD_MCORE': 100 },
      nUnassigned: 0,
      nDraws: 5,
    });
    const total = d.candidates.reduce((a, c) => a + c.weight, 0);
    expect(r.split?.bunches[0].probability).toBeCloseTo(cern.weight / total, 12);
  });

  it('analysis: the used-before PQ first, and data, status, memory and overload exclusions', () => {
    const r = run('broker-analysis.json');
    if (r.kind !== 'analysis') throw new Error(r.kind);
    expect(r.decision.outcome).toBe('brokered');
    expect(r.decision.candidates.map((c) => [c.siteName, c.usedBefore])).toEqual([
      ['ANALY_BNL', true],
      ['ANALY_CERN', false],
    ]);
    expect(r.decision.excluded.map((x) => [x.queue, x.code])).toEqual([
      ['ANALY_MWT2', 'data'],
      ['ANALY_MANC', 'data'],
      ['ANALY_TOKYO', 'status'],
      ['ANALY_LPSC', 'lowmemory'],
      ['ANALY_DESY-HH', 'overloaded'],
    ]);
    expect(r.split).toBeNull();
  });

  it('task: nuclei dropped in filter order, remaining work of the share at or above the task priority', () => {
    const r = run('broker-task.json');
    if (r.kind !== 'task') throw new Error(r.kind);
    const d = r.decision;
    expect(d.dropped.map((x) => [x.nucleus, x.reason])).toEqual([
      ['TRIUMF-LCG2', 'status'],
      ['SARA-MATRIX', 'transfer_backlog'],
      ['RAL-LCG2', 'space'],
      ['FZK-LCG2', 'job'],
    ]);
    expect(d.weights.map((w) => [w.nucleus, w.remainingWork])).toEqual([
      ['CERN-PROD', 3.0e10],
      ['BNL-ATLAS', 3.1e10],
      ['IN2P3-CC', 9.5e9],
    ]);
    expect(d.remainingWork).toBe(2_000_000 * 320);
    // U = 0.5 lands in the third (largest) weight
    expect(d.nucleus).toBe('IN2P3-CC');
    expect(r.jobCheck).toEqual({
      mode: 'brokerage',
      checked: ['CERN-PROD_MCORE', 'BNL_PROD_MCORE', 'IN2P3-CC_MCORE', 'FZK-LCG2_MCORE'],
      passed: ['CERN-PROD_MCORE', 'BNL_PROD_MCORE', 'IN2P3-CC_MCORE'],
    });
    expect(() => run('broker-task.json', 10)).toThrow(RangeError);
  });
});
