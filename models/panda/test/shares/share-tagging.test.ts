import { describe, expect, it } from 'vitest';
import { buildShareTree, type GlobalShareRow } from '../../src/shares/global-shares.ts';
import { compilePythonMatch, ShareRegistry } from '../../src/shares/share-tagging.ts';

const ROWS: GlobalShareRow[] = [
  { name: 'Express', value: 5, prodsourcelabel: 'managed', processingtype: 'express' },
  { name: 'Production', value: 70 },
  {
    name: 'MC 16',
    value: 50,
    parent: 'Production',
    prodsourcelabel: 'managed',
    campaign: 'MC16',
    processingtype: 'simul|evgen',
  },
  {
    name: 'HPC sim',
    value: 10,
    parent: 'Production',
    prodsourcelabel: 'managed',
    processingtype: 'simul',
    rtype: 'hpc',
  },
  {
    name: 'Group production',
    value: 10,
    parent: 'Production',
    prodsourcelabel: 'managed',
    workinggroup: 'GP_',
  },
  {
    name: 'Data Derivations',
    value: 30,
    parent: 'Production',
    prodsourcelabel: 'managed',
    processingtype: 'deriv',
    transpath: '.*Reco_tf',
  },
  {
    name: 'Other production',
    value: 1,
    parent: 'Production',
    prodsourcelabel: 'managed',
    workinggroup: '(?P<wg>AP_|\\s)',
  },
  { name: 'User Analysis', value: 25, prodsourcelabel: 'user' },
];

const RTYPES: Record<string, string> = { HPC_PQ: 'hpc', GRID_PQ: 'GRID' };
const lookup = (site: string): string | undefined => RTYPES[site];

describe('EntityModule.get_share_for_task', () => {
  const registry = ShareRegistry.fromTree(buildShareTree(ROWS));

  it('takes the first leaf, in tree order, whose regexes match from the start', () => {
    expect(registry.shareForTask({ prodSourceLabel: 'managed', processingType: 'express_reco' })).toBe(
      'Express',
    );
    expect(
      registry.shareForTask({ prodSourceLabel: 'managed', campaign: 'MC16e', processingType: 'simul' }),
    ).toBe('MC 16');
    expect(
      registry.shareForTask({ prodSourceLabel: 'managed', workingGroup: 'GP_TOP', processingType: 'x' }),
    ).toBe('Group production');
    expect(registry.shareForTask({ prodSourceLabel: 'user' })).toBe('User Analysis');
    expect(registry.shareForTask({ prodSourceLabel: 'test' })).toBe('Undefined');
  });

  it('matches a null working group as a single space and skips null/empty task values', () => {
    expect(registry.shareForTask({ prodSourceLabel: 'managed', processingType: 'evgen' })).toBe('MC 16');
    expect(registry.shareForTask({ prodSourceLabel: 'managed', processingType: 'reco' })).toBe(
      'Other production',
    );
    expect(
      registry.shareForTask({
        prodSourceLabel: 'managed',
        campaign: '',
        processingType: 'reco',
        workingGroup: 'AP_X',
      }),
    ).toBe('Other production');
    // transPath null ⇒ the transpath criterion is skipped.
    expect(
      registry.shareForTask({ prodSourceLabel: 'managed', processingType: 'deriv', workingGroup: 'XX' }),
    ).toBe('Data Derivations');
    expect(
      registry.shareForTask({
        prodSourceLabel: 'managed',
        processingType: 'deriv',
        workingGroup: 'XX',
        transPath: 'Sim_tf',
      }),
    ).toBe('Undefined');
  });

  it('checks rtype against the CRIC resource type of the first site', () => {
    const task = {
      prodSourceLabel: 'managed',
      campaign: 'MC20',
      processingType: 'simul',
      workingGroup: 'XX',
    };
    expect(registry.shareForTask({ ...task, site: 'HPC_PQ,GRID_PQ' }, lookup)).toBe('HPC sim');
    expect(registry.shareForTask({ ...task, site: 'GRID_PQ' }, lookup)).toBe('Undefined');
    expect(registry.shareForTask({ ...task, site: 'NOWHERE' }, lookup)).toBe('HPC sim');
  });

  it('honours a valid requested share (get_initial_global_share)', () => {
    expect(registry.initialShareForTask({ prodSourceLabel: 'user', gshare: 'Express' })).toBe('Express');
    expect(registry.initialShareForTask({ prodSourceLabel: 'user', gshare: 'Production' })).toBe(
      'User Analysis',
    );
  });
});

describe('EntityModule.get_share_for_job', () => {
  const registry = ShareRegistry.fromTree(buildShareTree(ROWS));

  it('sends ES merge jobs to Express and matches the rest without campaign/transpath', () => {
    expect(registry.shareForJob({ prodSourceLabel: 'user', eventService: 2 })).toBe('Express');
    expect(
      registry.shareForJob({ prodSourceLabel: 'managed', processingType: 'deriv', workingGroup: 'AP_A' }),
    ).toBe('Data Derivations');
    expect(
      registry.shareForJob({ prodSourceLabel: 'managed', processingType: 'simul', workingGroup: 'XX' }),
    ).toBe('MC 16');
    expect(registry.shareForJob({ prodSourceLabel: 'user', workingGroup: null, processingType: null })).toBe(
      'User Analysis',
    );
  });

  it('treats an unknown site rtype as no match for jobs', () => {
    const job = { prodSourceLabel: 'managed', processingType: 'simul', workingGroup: 'XX' };
    const registryNoMc = ShareRegistry.fromTree(buildShareTree(ROWS.filter((r) => r.name !== 'MC 16')));
    expect(registryNoMc.shareForJob({ ...job, computingSite: 'HPC_PQ' }, lookup)).toBe('HPC sim');
    expect(registryNoMc.shareForJob({ ...job, computingSite: 'NOWHERE' }, lookup)).toBe('Undefined');
  });

  it('keeps the gshare a job carries (insertNewJob)', () => {
    expect(registry.shareForNewJob({ prodSourceLabel: 'user', gshare: 'MC 16', eventService: 2 })).toBe(
      'MC 16',
    );
    expect(registry.shareForNewJob({ prodSourceLabel: 'user', gshare: '' })).toBe('User Analysis');
  });
});

describe('Node.get_leaves mutable default (faithful quirk)', () => {
  const v1 = buildShareTree([
    { name: 'Old', value: 1, prodsourcelabel: 'managed' },
    { name: 'Sim', value: 1, prodsourcelabel: 'managed', processingtype: 'simul' },
  ]);
  const v2 = buildShareTree([
    { name: 'Sim', value: 1, prodsourcelabel: 'managed', processingtype: 'simul' },
    { name: 'Rest', value: 1, prodsourcelabel: 'managed' },
  ]);

  it('keeps removed shares valid and matching first after a reload', () => {
    const first = ShareRegistry.fromTree(v1);
    const quirky = ShareRegistry.fromTree(v2, first, { accumulateLeaves: true });
    expect(quirky.isValidShare('Old')).toBe(true);
    expect(quirky.shareForTask({ prodSourceLabel: 'managed', processingType: 'reco' })).toBe('Old');
    expect(quirky.leafRows.map((r) => r.name)).toEqual(['Old', 'Sim', 'Sim', 'Rest']);
    const fresh = ShareRegistry.fromTree(v2, first);
    expect(fresh.isValidShare('Old')).toBe(false);
    expect(fresh.shareForTask({ prodSourceLabel: 'managed', processingType: 'reco' })).toBe('Rest');
  });
});

describe('Python re.match semantics', () => {
  const test = (pattern: string, value: string): boolean => {
    const re = compilePythonMatch(pattern);
    re.lastIndex = 0;
    return re.test(value);
  };

  it('anchors at the start only and translates Python-only syntax', () => {
    expect(test('MC16', 'MC16a')).toBe(true);
    expect(test('MC16', 'xMC16')).toBe(false);
    expect(test('a|b', 'xb')).toBe(false);
    expect(test('a|b', 'bx')).toBe(true);
    expect(test('(?P<x>ab)(?P=x)', 'abab')).toBe(true);
    expect(test('ab\\Z', 'abc')).toBe(false);
    expect(test('\\Aab', 'ab')).toBe(true);
  });
});
