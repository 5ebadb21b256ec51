import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  compensateRamCount,
  coresForResourceType,
  decompensateRamCount,
  ILLUSTRATIVE_RESOURCE_TYPES as RT,
  isHighMemory,
  isMultiCore,
  isSingleCore,
  jobMinRamCount,
  resourceTypeForJob,
  resourceTypeForTask,
  resourceTypesUnderMemory,
} from '../../src/shares/resource-types.ts';
import { pyRound } from '../../src/shares/py-numeric.ts';

describe('JobUtils.get_resource_type_job / ResourceSpec.match_job', () => {
  it('classifies by cores and rounded RAM per core', () => {
    expect(resourceTypeForJob(RT, { coreCount: 1, minRamCount: 2000 })).toBe('SCORE');
    expect(resourceTypeForJob(RT, { coreCount: 1, minRamCount: 2001 })).toBe('SCORE_HIMEM');
    expect(resourceTypeForJob(RT, { coreCount: null, minRamCount: null })).toBe('SCORE');
    expect(resourceTypeForJob(RT, { coreCount: 8, minRamCount: 16000 })).toBe('MCORE');
    expect(resourceTypeForJob(RT, { coreCount: 8, minRamCount: 16009 })).toBe('MCORE_HIMEM');
    expect(resourceTypeForJob(RT, { coreCount: 0, minRamCount: 16000 })).toBe('MCORE');
  });

  it('rounds half to even like Python 3', () => {
    // 4001 / 2 = 2000.5 → 2000 (even) → MCORE; 4003 / 2 = 2001.5 → 2002 → MCORE_HIMEM.
    expect(resourceTypeForJob(RT, { coreCount: 2, minRamCount: 4001 })).toBe('MCORE');
    expect(resourceTypeForJob(RT, { coreCount: 2, minRamCount: 4003 })).toBe('MCORE_HIMEM');
    expect([0.5, 1.5, 2.5, -0.5, 2.4, 2.6].map(pyRound)).toEqual([0, 2, 2, 0, 2, 3]);
  });

  it('returns Undefined when no row matches', () => {
    expect(resourceTypeForJob(RT.slice(0, 2), { coreCount: 8, minRamCount: 1000 })).toBe('Undefined');
  });
});

describe('ResourceSpec.match_task_basic', () => {
  it('compensates RAM per core by 0.9 before testing the HIMEM border', () => {
    expect(resourceTypeForTask(RT, { coreCount: 1, ramCount: 2200, ramUnit: 'MB' })).toBe('SCORE');
    expect(resourceTypeForTask(RT, { coreCount: 1, ramCount: 2224, ramUnit: 'MB' })).toBe('SCORE_HIMEM');
    expect(
      resourceTypeForTask(RT, { coreCount: 8, ramCount: 2000, baseRamCount: 1000, ramUnit: 'MBPerCore' }),
    ).toBe('MCORE');
    expect(
      resourceTypeForTask(RT, { coreCount: 8, ramCount: 2300, baseRamCount: 0, ramUnit: 'MBPerCoreFixed' }),
    ).toBe('MCORE_HIMEM');
    expect(resourceTypeForTask(RT, { coreCount: 8, ramCount: 16000, ramUnit: 'MB' })).toBe('MCORE');
    expect(resourceTypeForTask(RT, { coreCount: 0, ramCount: 20000 })).toBe('MCORE_HIMEM');
    expect(resourceTypeForTask(RT, {})).toBe('SCORE');
  });

  it('compensate_ram_count truncates ram × 0.9; decompensate divides', () => {
    expect(compensateRamCount(2222)).toBe(1999);
    expect(compensateRamCount(2223)).toBe(2000);
    expect(compensateRamCount(null)).toBeNull();
    expect(decompensateRamCount(1800)).toBe(2000);
    expect(decompensateRamCount(undefined)).toBeNull();
  });

  it('getJobMinRamCount multiplies per-core units by the cores and compensates', () => {
    expect(
      jobMinRamCount({ ramCount: 2000, ramUnit: 'MBPerCore', baseRamCount: 1000, coreCount: 8 }),
    ).toEqual({
      minRamCount: 15300,
      minRamUnit: 'MB',
    });
    expect(jobMinRamCount({ ramCount: 2000, ramUnit: 'MBPerCoreFixed', coreCount: 8 }).minRamUnit).toBe('MB');
    expect(jobMinRamCount({ ramCount: 2000, ramUnit: 'MBPerCore', coreCount: 8, isMerging: true })).toEqual({
      minRamCount: 1800,
      minRamUnit: 'MB',
    });
    expect(jobMinRamCount({ ramCount: 3000, ramUnit: null, coreCount: 1 })).toEqual({
      minRamCount: 2700,
      minRamUnit: 'MB',
    });
  });

  it('property: every job with cores ≥ 1 and RAM ≥ 0 gets one of the four types', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 128 }), fc.integer({ min: 0, max: 10_000_000 }), (cores, ram) => {
        const rt = resourceTypeForJob(RT, { coreCount: cores, minRamCount: ram });
        const effective = cores === 0 ? 8 : cores;
        expect(rt.startsWith(effective === 1 ? 'SCORE' : 'MCORE')).toBe(true);
        expect(rt.endsWith('_HIMEM')).toBe(pyRound(ram / effective) > 2000);
      }),
    );
  });
});

describe('ResourceSpecMapper', () => {
  it('answers single/multi-core and high-memory questions', () => {
    expect(isSingleCore(RT, 'SCORE_HIMEM')).toBe(true);
    expect(isSingleCore(RT, 'MCORE')).toBe(false);
    expect(isMultiCore(RT, 'MCORE_HIMEM')).toBe(true);
    expect(isMultiCore(RT, 'nope')).toBe(false);
    expect(isHighMemory(RT, 'SCORE')).toBe(false);
    expect(isHighMemory(RT, 'MCORE_HIMEM')).toBe(true);
    expect(isHighMemory(RT, 'SCORE', 1500)).toBe(true);
    expect(coresForResourceType(RT, 'MCORE', 8)).toBe(8);
    expect(coresForResourceType(RT, 'SCORE_HIMEM', 8)).toBe(1);
    expect(resourceTypesUnderMemory(RT)).toEqual(['SCORE', 'MCORE']);
    expect(resourceTypesUnderMemory(RT, 1500)).toEqual([]);
  });
});
