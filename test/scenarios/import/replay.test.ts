/**
 * The importers' output used as it is: a catalog imported from CRIC and a workflow imported from WfFormat,
 * named by a scenario, load through the normal scenario loader and run; the queue statuses CRIC gave keep the
 * brokerage away from the sites that are not online.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { importCric } from '../../../scenarios/import/cric.ts';
import { importWfFormat, WFFORMAT_DEFAULTS } from '../../../scenarios/import/wfformat.ts';
import { loadScenario } from '../../../scenarios/load.ts';
import { policyByName } from '../../../scenarios/policies/index.ts';
import { buildCatalog } from '../../../scenarios/world/catalog.ts';
import { runWorld } from '../../../scenarios/world/world.ts';

const json = (name: string): unknown => JSON.parse(readFileSync(`test/fixtures/import/${name}`, 'utf8'));

function importedScenario(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pandasim-import-'));
  const { catalog } = importCric('pandaqueues.json', json('cric/pandaqueues.json'), { coresPerSite: 160 });
  writeFileSync(join(dir, 'catalog.yaml'), stringify(catalog));
  const { workflow } = importWfFormat('blast-1.5.json', json('wfformat/blast-1.5.json'), WFFORMAT_DEFAULTS);
  writeFileSync(join(dir, 'blast.yaml'), stringify(workflow));
  const scenario = {
    name: 'imported',
    horizon: '1d',
    seeds: [1],
    platform: 'catalog.yaml',
    shares: resolve('scenarios/shares/atlas.yaml'),
    workflows: ['blast.yaml'],
  };
  const file = join(dir, 'scenario.yaml');
  writeFileSync(file, stringify(scenario));
  return file;
}

describe('an imported catalog and workflow', () => {
  const scenario = loadScenario(importedScenario());

  it('load through the scenario loader with the statuses and the sources of the import', () => {
    expect(scenario.platform.gridSites.map((s) => [s.name, s.status, s.slots * s.coresPerSlot])).toEqual([
      ['BNL-ATLAS', 'online', 20_000],
      ['CERN-PROD', 'online', 160],
      ['MWT2', 'brokeroff', 160],
      ['praguelcg2', 'offline', 160],
    ]);
    expect(Object.keys(scenario.sources).sort()).toEqual([
      'atlas-shares',
      'cric',
      'cric-network',
      'wfformat',
    ]);
    expect(scenario.workflows[0].tasks.map((t) => [t.name, t.after, t.cpuPerJob?.mean])).toEqual([
      ['split_fasta_00000001', [], 305],
      ['blastall_00000002', ['split_fasta_00000001'], 60_000],
      ['blastall_00000003', ['split_fasta_00000001'], 68_010],
      ['cat_blast_00000004', ['blastall_00000002', 'blastall_00000003'], 10],
    ]);
    const queues = buildCatalog(scenario.platform).world.queues;
    expect(queues.map((q) => `${q.sitename}:${q.status}`)).toEqual([
      'BNL-ATLAS:online',
      'BNL-ATLAS_SCORE:online',
      'CERN-PROD:online',
      'CERN-PROD_SCORE:online',
      'MWT2:brokeroff',
      'MWT2_SCORE:brokeroff',
      'praguelcg2:offline',
      'praguelcg2_SCORE:offline',
    ]);
  });

  it('replay the workflow on the online sites only', () => {
    const summary = runWorld({ scenario, policy: policyByName('panda-brokerage'), seed: 1 });
    const tasks = summary.workflows[0].tasks;
    expect(tasks.map((t) => [t.task, t.nFinished])).toEqual([
      ['split_fasta_00000001', 1],
      ['blastall_00000002', 1],
      ['blastall_00000003', 1],
      ['cat_blast_00000004', 1],
    ]);
    const jobsAt = new Map<string, number>();
    for (const t of tasks) {
      for (const [site, n] of Object.entries(t.jobsPerResource))
        jobsAt.set(site, (jobsAt.get(site) ?? 0) + n);
    }
    expect([...jobsAt.values()].reduce((a, b) => a + b, 0)).toBe(4);
    for (const site of jobsAt.keys()) expect(['BNL-ATLAS', 'CERN-PROD']).toContain(site);
  });
});
