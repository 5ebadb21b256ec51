// `pandasim import` end to end, through bin/pandasim.js as a user runs it; each spawn costs about a second.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { pandasim } from '../../support/pandasim-cli.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = (name: string) => `test/fixtures/import/${name}`;

describe('pandasim import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pandasim-import-cli-'));

  it('imports a CRIC dump and a WfFormat instance that a scenario then names as they are', () => {
    const catalog = join(dir, 'catalog.yaml');
    const cric = pandasim(
      'import',
      'cric',
      fixture('cric/pandaqueues.json'),
      '--cores-per-site',
      '160',
      '--out',
      catalog,
    );
    expect(cric.stderr).toBe(`Wrote 4 grid sites to ${catalog}.\n`);
    expect(cric.status).toBe(0);
    const text = readFileSync(catalog, 'utf8');
    expect(text.split('\n').slice(0, 3)).toEqual([
      `# Written by \`pandasim import cric\` from ${fixture('cric/pandaqueues.json')}.`,
      '# Notes:',
      "#   - queue MWT2_GPU (MWT2) left out: GPU queue (nvidia A100): the catalog's grid sites have no GPUs",
    ]);
    expect((parse(text) as { gridSites: { name: string }[] }).gridSites.map((s) => s.name)).toEqual([
      'BNL-ATLAS',
      'CERN-PROD',
      'MWT2',
      'praguelcg2',
    ]);

    const workflow = join(dir, 'blast.yaml');
    const wf = pandasim('import', 'wfformat', fixture('wfformat/blast-1.5.json'), '--out', workflow);
    expect(wf.status).toBe(0);
    expect(wf.stderr).toBe(`Wrote workflow blast-small (4 tasks) to ${workflow}.\n`);

    const scenario = join(dir, 'scenario.yaml');
    writeFileSync(
      scenario,
      stringify({
        name: 'imported',
        horizon: '1d',
        platform: 'catalog.yaml',
        shares: resolve(root, 'scenarios/shares/atlas.yaml'),
        workflows: ['blast.yaml'],
      }),
    );
    const validate = pandasim('validate', scenario);
    expect(validate.stderr).toBe('');
    expect(validate.status).toBe(0);
    expect(validate.stdout).toContain('Platform: 4 grid sites (20,480 cores, 2 nuclei)');
    expect(validate.stdout).toContain(
      'Workflow blast-small of Test Author: split_fasta_00000001 (cpu, 1 job)',
    );
  });

  it('puts Harvester knobs on the resources of a catalog, keeping its comments', () => {
    const catalog = join(dir, 'mine.yaml');
    writeFileSync(
      catalog,
      [
        '# my own catalog',
        'network: { regions: [{ name: eu, backbone: 100Gb/s, latency: 5ms }] }',
        'gridSites:',
        '  - { name: CERN, region: eu, nucleus: true, slots: 10 }',
        '',
      ].join('\n'),
    );
    const out = join(dir, 'mine-harvester.yaml');
    const r = pandasim(
      'import',
      'harvester',
      fixture('harvester/panda_queueconfig.json'),
      '--catalog',
      catalog,
      '--out',
      out,
    );
    expect(r.status).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('# my own catalog');
    expect(text).toContain(`#   - queue BNL_PROD_MCORE: no resource of ${catalog} by that name`);
    const site = (parse(text) as { gridSites: { harvester: Record<string, unknown> }[] }).gridSites[0];
    expect(site.harvester).toMatchObject({ mapType: 'NoJob', maxWorkers: 100, maxNewWorkersPerCycle: 400 });
  });

  it('exits 2 on a malformed file, naming file, queue and field, and writes nothing', () => {
    const out = join(dir, 'bad.yaml');
    const r = pandasim('import', 'cric', fixture('cric/malformed.json'), '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `${fixture('cric/malformed.json')}: BAD_QUEUE.corecount: got "eight"; expected a non-negative integer or null`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('explains itself with --help', () => {
    const r = pandasim('import', 'wfformat', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--gpu-tasks');
    expect(r.stdout).toContain('import wfformat montage.json --out workflows/montage.yaml');
  });
});
