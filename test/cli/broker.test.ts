// `pandasim broker` end to end, through bin/pandasim.js as a user runs it. Each spawn costs about half a second.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pandasim } from '../support/pandasim-cli.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const example = (name: string) => `models/panda/examples/${name}`;

interface BrokerOutput {
  kind: string;
  decision: {
    candidates: { siteName: string; weight: number; factors: Record<string, unknown> }[];
    excluded: { siteName: string; code: string; message: string }[];
    dropped?: { nucleus: string; reason: string }[];
    nucleus?: string;
  };
  split: { assignments: Record<string, number>; nAssigned: number; bunches: unknown[] } | null;
}

function json(args: string[]): BrokerOutput {
  const r = pandasim(...args);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as BrokerOutput;
}

describe('pandasim broker', () => {
  it('prints the production decision as JSON: candidates with weight and factors, exclusions with reasons', () => {
    const out = json(['broker', example('broker-production.json')]);
    expect(out.kind).toBe('production');
    expect(out.decision.candidates).toHaveLength(5);
    expect(out.decision.candidates[0].factors).toHaveProperty('basicWeight');
    expect(out.decision.excluded.map((x) => x.code)).toEqual(['status', 'lowmemory', 'cap']);
    expect(out.split).toBeNull();
  });

  it('prints tables with --explain', () => {
    const r = pandasim('broker', example('broker-production.json'), '--explain');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toContain('candidates, in the order handed to the job splitter');
    expect(lines.find((l) => l.startsWith('queue '))).toMatch(
      /^queue\s+weight\s+basic\s+data\s+t1\s+network/,
    );
    expect(lines.find((l) => l.startsWith('CERN-PROD_MCORE'))).toMatch(
      /^CERN-PROD_MCORE\s+28\.03\s+5\.605\s+2\s/,
    );
    expect(lines).toContain('excluded, by reason');
    expect(lines).toContain('  lowmemory (1)');
  });

  it('assigns --jobs over the candidates, the same way for the same seed', () => {
    const args = ['broker', example('broker-production.json'), '--jobs', '100', '--seed', '3'];
    const first = pandasim(...args);
    const again = pandasim(...args);
    expect(again.stdout).toBe(first.stdout);
    const out = JSON.parse(first.stdout) as BrokerOutput;
    expect(out.split?.nAssigned).toBe(100);
    expect(Object.values(out.split?.assignments ?? {}).reduce((a, b) => a + b, 0)).toBe(100);
    const names = new Set(out.decision.candidates.map((c) => c.siteName));
    expect(Object.keys(out.split?.assignments ?? {}).every((q) => names.has(q))).toBe(true);
    const other = json(['broker', example('broker-production.json'), '--jobs', '100', '--seed', '4']);
    expect(other.split?.bunches).not.toEqual(out.split?.bunches);
  });

  it('runs the analysis and task examples', () => {
    const analysis = pandasim('broker', example('broker-analysis.json'), '--explain');
    expect(analysis.status).toBe(0);
    expect(analysis.stdout).toMatch(/^analysis job brokerage of task 38811207: brokered in pass 1/);
    const task = json(['broker', example('broker-task.json'), '--seed', '7']);
    expect(task.kind).toBe('task');
    expect(task.decision.dropped?.map((x) => x.reason)).toEqual([
      'status',
      'transfer_backlog',
      'space',
      'job',
    ]);
    expect(['CERN-PROD', 'BNL-ATLAS', 'IN2P3-CC']).toContain(task.decision.nucleus);
  });

  it('rejects a bad file with exit code 2, nothing on stdout and every problem on stderr', () => {
    const file = JSON.parse(readFileSync(join(root, example('broker-production.json')), 'utf8'));
    file.snapshot.queues[3].corepower = 'ten';
    file.task.ramUnit = 'GB';
    const dir = mkdtempSync(join(tmpdir(), 'pandasim-broker-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(file));
    const r = pandasim('broker', bad);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`pandasim: 2 problems in ${bad}:`);
    expect(r.stderr).toContain(`${bad}: snapshot.queues[3].corepower: got "ten"; expected a number`);
    expect(r.stderr).toContain(`${bad}: task.ramUnit: got "GB"; expected one of "MB"`);

    writeFileSync(bad, '{\n  "kind": "production",\n}\n');
    const syntax = pandasim('broker', bad);
    expect(syntax.status).toBe(2);
    expect(syntax.stdout).toBe('');
    expect(syntax.stderr).toContain(`${bad}:3:1: got "}"; expected a double-quoted property name`);
  });
});
