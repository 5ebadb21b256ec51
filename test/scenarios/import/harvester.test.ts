/**
 * `importHarvester` on a queue config written from HSF/harvester's examples (templates, key-by-key plugin
 * sections, the mapper's clamps), the catalog's `harvester:` block (schema and world), and the errors a
 * malformed config gives.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { InputFileError } from '@pandasim/panda';
import { attachHarvester, importHarvester } from '../../../scenarios/import/harvester.ts';
import { HarvesterQueueSchema } from '../../../scenarios/schema.ts';
import { withHarvester } from '../../../scenarios/world/platform.ts';
import { GRID_PULL_TEMPLATE, queueConfig } from '../../../models/harvester/queue-config.ts';

const config = JSON.parse(
  readFileSync('test/fixtures/import/harvester/panda_queueconfig.json', 'utf8'),
) as unknown;

describe('import harvester', () => {
  const { queues, notes } = importHarvester('qc.json', config);

  it("resolves each queue over its template with the mapper's clamps", () => {
    expect(Object.keys(queues)).toEqual(['BNL_PROD_MCORE', 'NERSC_Perlmutter', 'CERN']);
    // production.pull: the queue's maxWorkers 3000 caps nQueueLimitWorkerMax 5000 (and the limit it sets)
    expect(queues.BNL_PROD_MCORE).toEqual({
      mapType: 'NoJob',
      truePilot: true,
      maxWorkers: 3000,
      nQueueLimitWorker: 3000,
      nQueueLimitWorkerRatio: 50,
      nQueueLimitWorkerMin: 100,
      nQueueLimitWorkerMax: 3000,
      maxNewWorkersPerCycle: 100,
      maxSubmissionAttempts: 3,
      walltimeLimit: '2w',
      // the queue's submitter section updates the template's key by key
      noPilotsWhenNoActiveJobs: true,
    });
    // HPC_TEMPLATE (a template by its _TEMPLATE suffix): push drops the worker ratio, nQueueLimitJobMax caps
    // nQueueLimitJob, the queue's workerMaker overrides nJobsPerWorker only.
    expect(queues.NERSC_Perlmutter).toEqual({
      mapType: 'ManyToOne',
      truePilot: false,
      maxWorkers: 8,
      nQueueLimitWorker: 5,
      nQueueLimitJob: 10,
      maxNewWorkersPerCycle: 0,
      maxSubmissionAttempts: 5,
      walltimeLimit: '12h',
      nJobsPerWorker: 4,
    });
    expect(queues.CERN).toEqual({
      mapType: 'NoJob',
      queueStatus: 'online',
      truePilot: true,
      maxWorkers: 100,
      nQueueLimitWorker: 100,
      maxNewWorkersPerCycle: 400,
      maxSubmissionAttempts: 3,
    });
    for (const block of Object.values(queues))
      expect(HarvesterQueueSchema.safeParse(block).success).toBe(true);
  });

  it('notes what the model does not take', () => {
    expect(notes).toEqual([
      'templates production.pull, HPC_TEMPLATE applied to the queues naming them',
      'NERSC_Perlmutter: submitter nCorePerNode 128, nGpuPerNode 4 not imported: the worker shape follows the catalog (grid coresPerSlot, the machine preset)',
      'CERN: NoJob queue taken as truePilot (its pilots report their own jobs)',
      'CERN: submitter nCorePerNode 8 not imported: the worker shape follows the catalog (grid coresPerSlot, the machine preset)',
      'CERN: runMode slave (Unified Pilot Streaming) not modelled',
      "CERN: nNewWorkers ignored (Harvester itself reads it nowhere but QueueConfig's default)",
      'MWT2_ES left out: mapType OneToMany (event service workers) is not modelled',
    ]);
  });

  it('puts the blocks on the catalog resources of the same names, keeping the comments', () => {
    const doc = parseDocument(
      [
        '# my catalog',
        'gridSites:',
        '  - { name: CERN, region: cern, slots: 10, nucleus: true }',
        'hpc:',
        '  - name: NERSC_Perlmutter # the share',
        '    region: us',
        '    machine: perlmutter',
        '    nodes: 4',
        '    batchQueue: regular',
      ].join('\n'),
    );
    expect(attachHarvester(doc, queues)).toEqual(['BNL_PROD_MCORE']);
    const out = doc.toString();
    expect(out).toContain('# my catalog');
    expect(out).toContain('# the share');
    const js = doc.toJS() as { gridSites: { harvester: unknown }[]; hpc: { harvester: unknown }[] };
    expect(js.gridSites[0].harvester).toEqual(queues.CERN);
    expect(js.hpc[0].harvester).toEqual(queues.NERSC_Perlmutter);
  });

  it('names the file, the queue and the field of every problem', () => {
    const text = readFileSync('test/fixtures/import/harvester/malformed.json', 'utf8');
    try {
      importHarvester('bad.json', JSON.parse(text));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InputFileError);
      expect(
        (error as Error).message
          .split('\n')
          .slice(1)
          .map((l) => l.trim()),
      ).toEqual([
        'bad.json: A_QUEUE.templateQueueName: got "no.such.template"; expected a template queue of the file (none defined)',
        'bad.json: B_QUEUE.mapType: got "Push"; expected one of "NoJob" | "OneToOne" | "ManyToOne" | "OneToMany"',
        'bad.json: B_QUEUE.maxWorkers: got -3; expected an integer ≥ 0',
        'bad.json: C_QUEUE.submitter: missing; expected an object',
      ]);
    }
  });
});

describe("a catalog's harvester block", () => {
  it('must be consistent whatever template it lands on', () => {
    const issues = (block: unknown) =>
      HarvesterQueueSchema.safeParse(block).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ??
      [];
    expect(issues({ mapType: 'NoJob', maxWorkers: 5 })).toEqual([
      'truePilot: truePilot: true with mapType NoJob (pull pilots get and report their own jobs)',
    ]);
    expect(issues({ truePilot: false })).toEqual([
      'mapType: mapType OneToOne or ManyToOne with truePilot: false (only a push queue has no true pilot)',
    ]);
    expect(issues({ mapType: 'OneToOne', truePilot: true })).toEqual([
      'nQueueLimitJob: nQueueLimitJob with mapType OneToOne (a push queue without it never fetches jobs)',
    ]);
    expect(issues({ maxWorkers: 50, walltimeLimit: '1d' })).toEqual([]);
  });

  it('sets the knobs over what the world derives, keeping the worker shape', () => {
    const derived = {
      queueName: 'SITE',
      nQueueLimitWorkerMax: 400,
      submitter: { nCorePerNode: 8, memoryPerNodeMB: 16_000, noPilotsWhenNoActiveJobs: false },
    };
    const block = HarvesterQueueSchema.parse({
      maxWorkers: 50,
      nQueueLimitWorkerMax: 20,
      walltimeLimit: '1d',
      queueStatus: 'offline',
      noPilotsWhenNoActiveJobs: true,
      nJobsPerWorker: 2,
    });
    const q = queueConfig(GRID_PULL_TEMPLATE, withHarvester(derived, block));
    expect([q.maxWorkers, q.nQueueLimitWorkerMax, q.walltimeLimit, q.queueStatus]).toEqual([
      50,
      20,
      86_400,
      'offline',
    ]);
    expect(q.submitter).toMatchObject({
      nCorePerNode: 8,
      memoryPerNodeMB: 16_000,
      noPilotsWhenNoActiveJobs: true,
    });
    expect(q.workerMaker.nJobsPerWorker).toBe(2);
    // A worker maker the world sets (the hpc bundling, clamped to its nodes) stays.
    const hpc = withHarvester({ ...derived, workerMaker: { nJobsPerWorker: 1 } }, block);
    expect(hpc.workerMaker).toEqual({ nJobsPerWorker: 1 });
    expect(withHarvester(derived, undefined)).toBe(derived);
  });
});
