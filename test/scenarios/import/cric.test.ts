/**
 * `importCric` on fixtures written from the CRIC / schedconfig structure (PanDAWMS/pilot3 queuedata.json and a
 * small pandaqueue dump): every figure of the catalog checked, what is left out and why, and the errors a
 * malformed dump gives (file, queue, field).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importCric } from '../../../scenarios/import/cric.ts';
import { importHarvester } from '../../../scenarios/import/harvester.ts';
import { CatalogFileSchema } from '../../../scenarios/schema.ts';
import { problemsOf } from './import-problems.ts';

const fixture = (name: string) => `test/fixtures/import/${name}`;
const json = (name: string): unknown => JSON.parse(readFileSync(fixture(name), 'utf8'));

describe('import cric: a dump of PanDA queues', () => {
  const dump = json('cric/pandaqueues.json');
  const { catalog, notes } = importCric('queues.json', dump, { coresPerSite: 1600 });

  it('groups the CPU grid queues by ATLAS site into grid sites, every field mapped', () => {
    expect(catalog.gridSites).toEqual([
      {
        name: 'BNL-ATLAS',
        region: 'US',
        // pledgedcpu 16,000 + 4,000 cores in 8-core slots
        slots: 2500,
        coresPerSlot: 8,
        source: 'cric',
        nucleus: true,
        batchSystem: 'htcondor',
        // maxrss 16,000 MB for 8 cores
        memoryPerCoreMB: 2000,
        maxWalltime: '2d',
        hs06PerCore: 12.5,
      },
      {
        name: 'CERN-PROD',
        region: 'CERN',
        slots: 200,
        coresPerSlot: 8,
        source: 'cric',
        nucleus: true,
        batchSystem: 'htcondor',
        memoryPerCoreMB: 4000,
        maxWalltime: '80h',
        hs06PerCore: 10,
      },
      {
        name: 'MWT2',
        region: 'US',
        slots: 100,
        coresPerSlot: 16,
        source: 'cric',
        status: 'brokeroff',
        batchSystem: 'slurm',
        // per_core_attr: maxrss is already per core
        memoryPerCoreMB: 2500,
        maxWalltime: '3d',
        hs06PerCore: 11.3,
      },
      {
        name: 'praguelcg2',
        region: 'DE',
        slots: 200,
        coresPerSlot: 8,
        source: 'cric',
        status: 'offline',
        batchSystem: 'pbs',
        memoryPerCoreMB: 2000,
      },
    ]);
  });

  it('builds regions from the clouds, joined pairwise, and validates as a catalog file', () => {
    expect(catalog.network.regions.map((r) => r.name)).toEqual(['CERN', 'DE', 'US']);
    expect(catalog.network.links?.map((l) => `${l.a}-${l.b}`)).toEqual(['CERN-DE', 'CERN-US', 'DE-US']);
    expect(CatalogFileSchema.safeParse(catalog).success).toBe(true);
  });

  it('says what it left out and why, and where each number came from', () => {
    expect(notes).toContain(
      "queue MWT2_GPU (MWT2) left out: GPU queue (nvidia A100): the catalog's grid sites have no GPUs",
    );
    expect(notes.some((n) => n.startsWith('queue ANALY_MWT2 (MWT2) left out: type analysis'))).toBe(true);
    expect(
      notes.some((n) => n.startsWith('queue NERSC_Perlmutter (NERSC) left out: resource_type hpc')),
    ).toBe(true);
    expect(notes).toContain(
      'BNL-ATLAS: 20000 cores pledged (pledgedcpu of BNL_PROD_MCORE, BNL_PROD_SCORE, in cores as JEDI compares it with running cores)',
    );
    expect(notes).toContain('CERN-PROD: no pledgedcpu; 1600 cores from --cores-per-site');
    expect(notes).toContain(
      'BNL-ATLAS: queue statuses differ (BNL_PROD_MCORE online, BNL_PROD_SCORE brokeroff); the site takes the most available, online',
    );
    expect(notes).toContain(
      "BNL-ATLAS: CRIC writes to BNL-OSG2_DATADISK; the world names the site's storage BNL-ATLAS_DATADISK",
    );
    expect(notes.some((n) => n.startsWith('CERN-PROD: unified queue CERN (capability ucore'))).toBe(true);
    expect(notes).toContain(
      'praguelcg2: praguelcg2 publishes no corepower; HS06 per core left to the grid default',
    );
  });

  it("reads the pilot's single-queue queuedata.json", () => {
    const one = importCric('queuedata.json', json('cric/queuedata.json'), { coresPerSite: 800 });
    expect(one.catalog.gridSites).toEqual([
      {
        name: 'CERN-PROD',
        region: 'CERN',
        slots: 100,
        coresPerSlot: 8,
        source: 'cric',
        nucleus: true,
        batchSystem: 'htcondor',
        memoryPerCoreMB: 4000,
        maxWalltime: '80h',
        hs06PerCore: 10,
      },
    ]);
  });

  it('makes the largest site the nucleus when no Tier-0/1 is imported', () => {
    const t2 = {
      A: {
        nickname: 'A',
        atlas_site: 'SITE-A',
        cloud: 'DE',
        status: 'online',
        corecount: 8,
        pledgedcpu: 800,
      },
      B: {
        nickname: 'B',
        atlas_site: 'SITE-B',
        cloud: 'DE',
        status: 'online',
        corecount: 8,
        pledgedcpu: 1600,
      },
    };
    const { catalog: c, notes: n } = importCric('t2.json', t2);
    expect(c.gridSites?.map((s) => [s.name, s.slots, s.nucleus])).toEqual([
      ['SITE-A', 100, undefined],
      ['SITE-B', 200, true],
    ]);
    expect(n).toContain(
      'no Tier-0/1 site (tier_level 0 or 1) among the imported: SITE-B, the largest, made the nucleus',
    );
  });

  it("puts the Harvester knobs of a site's queue on the site", () => {
    const harvester = importHarvester('qc.json', json('harvester/panda_queueconfig.json'));
    const { catalog: c } = importCric('queues.json', dump, {
      coresPerSite: 1600,
      harvester: harvester.queues,
    });
    const bnl = c.gridSites?.find((s) => s.name === 'BNL-ATLAS');
    expect(bnl?.harvester).toEqual(harvester.queues.BNL_PROD_MCORE);
    expect(c.gridSites?.find((s) => s.name === 'CERN-PROD')?.harvester).toEqual(harvester.queues.CERN);
    expect(CatalogFileSchema.safeParse(c).success).toBe(true);
  });
});

describe('import cric: malformed input', () => {
  it('names the file, the queue and the field of every problem', () => {
    expect(problemsOf(() => importCric('bad.json', json('cric/malformed.json')))).toEqual([
      'bad.json: BAD_QUEUE.status: got "sleeping"; expected one of "online" | "brokeroff" | "test" | "offline" | "standby" | "paused"',
      'bad.json: BAD_QUEUE.corecount: got "eight"; expected a non-negative integer or null',
      'bad.json: NO_SITE.cloud: missing; expected a string',
    ]);
  });

  it('names the queue of a list entry, a missing ATLAS site and a missing pledge', () => {
    const list = [
      { nickname: 'Q1', cloud: 'US', status: 'online' },
      { nickname: 'Q2', atlas_site: 'S2', cloud: 'US', status: 'online', maxtime: -1 },
    ];
    expect(problemsOf(() => importCric('list.json', list))).toEqual([
      'list.json: [0].atlas_site: missing; expected the ATLAS site of queue Q1 (atlas_site, or gstat as the pilot reads it)',
      'list.json: [1].maxtime: got -1; expected an integer ≥ 0 (queue Q2)',
    ]);
    const unpledged = [{ nickname: 'Q3', atlas_site: 'S3', cloud: 'US', status: 'online', corecount: 8 }];
    expect(problemsOf(() => importCric('list.json', unpledged))).toEqual([
      'list.json: [0].pledgedcpu: missing; expected a pledge in cores for site S3 (Q3), or give --cores-per-site',
    ]);
  });

  it('refuses a file with no CPU grid queue', () => {
    const hpcOnly = {
      H: { nickname: 'H', atlas_site: 'HPC', cloud: 'US', status: 'online', resource_type: 'hpc' },
    };
    expect(problemsOf(() => importCric('hpc.json', hpcOnly))).toEqual([
      'hpc.json: expected at least one CPU grid queue (resource_type GRID, type production or unified, no GPUs)',
    ]);
    expect(problemsOf(() => importCric('x.json', 'queues'))).toEqual([
      'x.json: got "queues"; expected a CRIC PanDA queue, a dump of queues keyed by name, or a list of queues',
    ]);
  });
});
