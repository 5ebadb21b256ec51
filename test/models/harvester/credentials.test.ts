import { describe, expect, it } from 'vitest';
import { CredentialStore, IAM_TOKEN_DEFAULTS } from '../../../models/harvester/credentials.ts';

describe('CredentialStore', () => {
  it('needs no token for a provider without credentials', () => {
    expect(new CredentialStore({}).valid('anywhere', 'alice', 1e9)).toBe(true);
  });

  it('renews a common token once it is refreshInterval old, at a cycle not within checkInterval of the last', () => {
    const store = new CredentialStore({ lcf: { checkInterval: 300, refreshInterval: 0 } });
    store.issueCommon(0);
    store.cycle(0);
    store.cycle(100);
    store.cycle(300);
    expect(store.stats.renewals).toBe(3);
    const iam = new CredentialStore({ lcf: {} });
    iam.issueCommon(0);
    iam.cycle(1800);
    iam.cycle(3600);
    expect(iam.stats.renewals).toBe(2);
    // Renewed at 3600: valid a full lifetime from then.
    expect(iam.valid('lcf', undefined, 3600 + IAM_TOKEN_DEFAULTS.lifetime - 1)).toBe(true);
    expect(iam.valid('lcf', undefined, 3600 + IAM_TOKEN_DEFAULTS.lifetime)).toBe(false);
  });

  it('lets a token expire while renewals fail, and recover at the next cycle after the fault', () => {
    const store = new CredentialStore({ lcf: { lifetime: 5000 } }, [
      { provider: 'lcf', from: 3000, until: 8000 },
    ]);
    store.issueCommon(0);
    store.cycle(3600);
    expect(store.valid('lcf', undefined, 4999)).toBe(true);
    expect(store.valid('lcf', undefined, 5000)).toBe(false);
    store.cycle(7200);
    expect(store.valid('lcf', undefined, 8500)).toBe(false);
    store.cycle(9000);
    expect(store.valid('lcf', undefined, 9000)).toBe(true);
    expect(store.stats).toEqual({ renewals: 2, failedRenewals: 2 });
  });

  it('issues per-user tokens on first use, each failing only for its owner', () => {
    const store = new CredentialStore({ funcx: { scope: 'per-user' } }, [
      { provider: 'funcx', user: 'bob', from: 0, until: 5000 },
    ]);
    store.issueCommon(0);
    expect(store.valid('funcx', 'alice', 10)).toBe(true);
    expect(store.valid('funcx', 'bob', 10)).toBe(false);
    expect(store.valid('funcx', 'bob', 6000)).toBe(true);
    expect(store.stats).toEqual({ renewals: 2, failedRenewals: 1 });
  });

  it('refuses a fault for a provider without credentials', () => {
    expect(() => new CredentialStore({}, [{ provider: 'x', from: 0, until: 1 }])).toThrow(
      /x, which has no credentials/,
    );
  });
});
