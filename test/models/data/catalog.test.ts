import { describe, expect, it } from 'vitest';
import { datasetReplicaFlags } from '@pandasim/panda';
import { DataCatalog } from '../../../models/data/catalog.ts';
import {
  toDatasetReplicas,
  toDdmEndpoint,
  toReplicaSnapshot,
} from '../../../models/data/brokerage-replicas.ts';
import { planGathering } from '../../../models/data/gathering.ts';
import { completenessAt, localData } from '../../../models/data/locality.ts';

const GB = 1e9;
const CERN = 'CERN-PROD_DATADISK';
const TAPE = 'CERN-PROD_TAPE';
const BNL = 'BNL-OSG2_DATADISK';
const ALCF = 'ALCF_EAGLE';
const EVNT = 'mc23.801234.evnt';
const HITS = 'mc23.801234.simul.HITS';

/**
 * EVNT: 6 files of 1 GB, complete on CERN disk and tape, f1–f3 at BNL, f3–f4 at ALCF.
 * HITS (an output dataset): 4 files of 0.5 GB, h1–h2 at BNL, h3 at ALCF, h4 nowhere yet.
 */
function catalog(): DataCatalog {
  const c = new DataCatalog();
  c.addStorage({ name: CERN, site: 'CERN-PROD', capacity: 100 * GB });
  c.addStorage({ name: TAPE, site: 'CERN-PROD', isTape: true, capacity: Infinity });
  c.addStorage({ name: BNL, site: 'BNL-ATLAS', capacity: 10 * GB });
  c.addStorage({ name: ALCF, site: 'ALCF', type: 'SCRATCHDISK', capacity: 5 * GB });
  c.addFiles(
    EVNT,
    [1, 2, 3, 4, 5, 6].map((i) => ({ name: `f${i}`, bytes: GB })),
  );
  c.addFiles(
    HITS,
    [1, 2, 3, 4].map((i) => ({ name: `h${i}`, bytes: 0.5 * GB })),
  );
  for (let i = 1; i <= 6; i++) {
    expect(c.placeReplica(`f${i}`, CERN)).toBe('ok');
    expect(c.placeReplica(`f${i}`, TAPE)).toBe('ok');
  }
  for (const f of ['f1', 'f2', 'f3', 'h1', 'h2']) c.placeReplica(f, BNL);
  for (const f of ['f3', 'f4', 'h3']) c.placeReplica(f, ALCF);
  return c;
}

describe('data catalog', () => {
  it('answers completeness of a dataset at an endpoint', () => {
    const c = catalog();
    expect(completenessAt(c, EVNT, CERN)).toEqual({
      found: 6,
      total: 6,
      bytes: 6 * GB,
      totalBytes: 6 * GB,
      complete: true,
    });
    expect(completenessAt(c, EVNT, BNL)).toMatchObject({ found: 3, bytes: 3 * GB, complete: false });
    expect(completenessAt(c, HITS, CERN)).toMatchObject({ found: 0, total: 4, complete: false });
    c.removeReplica('f3', BNL);
    expect(completenessAt(c, EVNT, BNL)).toMatchObject({ found: 2, bytes: 2 * GB });
  });

  it('counts the files a queue holds on its input endpoints once, on disk and on disk or tape', () => {
    const c = catalog();
    // f1–f3 at BNL and f3–f4 at ALCF: four distinct files.
    expect(localData(c, [EVNT], [BNL, ALCF])).toEqual({
      totNum: 6,
      totSize: 6 * GB,
      avaNumDisk: 4,
      avaSizeDisk: 4 * GB,
      avaNumAny: 4,
      avaSizeAny: 4 * GB,
    });
    expect(localData(c, [EVNT, HITS], [TAPE])).toEqual({
      totNum: 10,
      totSize: 8 * GB,
      avaNumDisk: 0,
      avaSizeDisk: 0,
      avaNumAny: 6,
      avaSizeAny: 6 * GB,
    });
  });

  it('fails writes that do not fit: storage full', () => {
    const c = catalog();
    // ALCF: 5 GB, holding 2.5 GB.
    expect(c.freeSpace(ALCF)).toBe(2.5 * GB);
    expect(c.beginWrite('f1', ALCF)).toBe('ok');
    expect(c.beginWrite('f2', ALCF)).toBe('ok');
    expect(c.freeSpace(ALCF)).toBe(0.5 * GB);
    expect(c.beginWrite('f5', ALCF)).toBe('storage-full');
    expect(c.placeReplica('h4', ALCF)).toBe('ok');
    expect(c.beginWrite('f1', ALCF)).toBe('present');
    c.cancelWrite('f2', ALCF);
    c.finishWrite('f1', ALCF);
    expect(c.freeSpace(ALCF)).toBe(1 * GB);
    expect(c.storage(ALCF)).toMatchObject({ used: 4 * GB, reserved: 0 });
    expect(c.replicasOf('f1')).toEqual([CERN, TAPE, BNL, ALCF]);
    expect(() => c.finishWrite('f2', ALCF)).toThrow(/no write of f2 to ALCF_EAGLE under way/);
  });

  it('plans the gathering of an output dataset at the nucleus, per source endpoint', () => {
    const c = catalog();
    const plan = planGathering(c, HITS, CERN);
    expect(plan.transfers.map((t) => [t.source, t.destination, t.files.map((f) => f.name), t.bytes])).toEqual(
      [
        [ALCF, CERN, ['h3'], 0.5 * GB],
        [BNL, CERN, ['h1', 'h2'], 1 * GB],
      ],
    );
    expect(plan.missing.map((f) => f.name)).toEqual(['h4']);
    expect([plan.present, plan.inProgress, plan.bytes]).toEqual([0, 0, 1.5 * GB]);
    // Inputs to ALCF: f3, f4 are there; f1 is on its way; the rest come from the disk holding the most (CERN),
    // never from tape.
    c.beginWrite('f1', ALCF);
    const toAlcf = planGathering(c, EVNT, ALCF);
    expect(toAlcf.transfers.map((t) => [t.source, t.files.map((f) => f.name)])).toEqual([
      [CERN, ['f2', 'f5', 'f6']],
    ]);
    expect([toAlcf.present, toAlcf.inProgress]).toEqual([2, 1]);
    // With CERN disk gone, BNL disk serves f2 and tape the rest.
    for (let i = 1; i <= 6; i++) c.removeReplica(`f${i}`, CERN);
    expect(planGathering(c, EVNT, ALCF).transfers.map((t) => [t.source, t.files.map((f) => f.name)])).toEqual(
      [
        [BNL, ['f2']],
        [TAPE, ['f5', 'f6']],
      ],
    );
  });

  it('converts to the brokerage replica and endpoint types', () => {
    const c = catalog();
    expect(toDatasetReplicas(c, EVNT)).toEqual([
      { rse: CERN, found: 6, total: 6, bytes: 6 * GB, isTape: false },
      { rse: TAPE, found: 6, total: 6, bytes: 6 * GB, isTape: true },
      { rse: BNL, found: 3, total: 6, bytes: 3 * GB, isTape: false },
      { rse: ALCF, found: 2, total: 6, bytes: 2 * GB, isTape: false },
    ]);
    expect(toDdmEndpoint(c, BNL)).toEqual({
      ddm_endpoint_name: BNL,
      site: 'BNL-ATLAS',
      type: 'DATADISK',
      is_tape: false,
      space_total: 10,
      space_free: 6,
    });
    expect(toDdmEndpoint(c, TAPE)).toEqual({
      ddm_endpoint_name: TAPE,
      site: 'CERN-PROD',
      type: 'TAPE',
      is_tape: true,
    });
    const snapshot = toReplicaSnapshot(c);
    expect(Object.keys(snapshot.ddmEndpoints)).toEqual([CERN, TAPE, BNL, ALCF]);
    expect(snapshot.replicas[HITS].map((r) => [r.rse, r.found])).toEqual([
      [BNL, 2],
      [ALCF, 1],
    ]);
    // The analysis brokerage reads them: EVNT has a complete disk replica, HITS none.
    const flags = (d: string) =>
      datasetReplicaFlags(
        { nFiles: c.dataset(d).files.length },
        snapshot.replicas[d],
        snapshot.ddmEndpoints,
        0,
        100,
      );
    expect(flags(EVNT)).toMatchObject({ completeDisk: true, completeTape: true, trulyCompleteDisk: true });
    expect(flags(HITS)).toMatchObject({ completeDisk: false, completeTape: false });
  });
});
