/**
 * Tokens Harvester holds for its providers, and the CredManager agent that renews them (HSF/harvester
 * `harvesterbody/cred_manager.py` with `harvestercredmanager/iam_token_cred_manager.py`; providers.md §1.6,
 * §1.8, §2.5).
 *
 * Each provider needs either one common (production) token or one token per job owner (the seed's "personal
 * or common OIDC tokens"). Every CredManager cycle looks at a provider's tokens unless it did so less than
 * `checkInterval` ago, and renews those issued `refreshInterval` ago or earlier. A renewal fails while a fault
 * window covers it (an IAM outage, a refresh token gone); the token then keeps its old expiry, and once it
 * has expired nothing is submitted with it until a later cycle renews it. Per-user tokens are issued when an
 * owner's first job asks for one, which also fails inside a fault window. A scenario fault may also revoke a
 * provider's tokens outright (`revoke`): they are expired from then on, and the first cycle after the fault
 * renews them, as a CredManager renews an expired token whatever its age.
 */
import { TIME_SLACK } from './agent-loop.ts';

export interface CredentialConfig {
  /** One production token for the provider, or one per job owner. */
  scope: 'common' | 'per-user';
  /** Validity of a token from its issue, s. */
  lifetime: number;
  /** Tokens of the provider are looked at no more often than this (`check_interval`), s. */
  checkInterval: number;
  /** Tokens this old are renewed (`refresh_interval`), s. */
  refreshInterval: number;
}

export const IAM_TOKEN_DEFAULTS: Readonly<CredentialConfig> = {
  scope: 'common',
  // [R] the WLCG Common JWT Profiles advise access tokens of at most 6 h; Harvester's `lifetime` setting only
  // cleans old token files, the validity is the issuer's. Globus Auth access tokens last ~48 h [R] (§2.5).
  lifetime: 21_600,
  // [S] `IamTokenCredManager` check_interval 300 s, refresh_interval 3600 s.
  checkInterval: 300,
  refreshInterval: 3600,
};

/** Renewals of the provider's tokens (of one owner, when given) fail in [from, until). */
export interface RenewalFault {
  readonly provider: string;
  readonly user?: string;
  readonly from: number;
  readonly until: number;
}

interface Token {
  readonly user: string | undefined;
  issuedAt: number;
  expiresAt: number;
}

interface ProviderTokens {
  readonly provider: string;
  readonly config: CredentialConfig;
  readonly tokens: Map<string, Token>;
  lastCheck: number;
}

export interface CredentialStats {
  renewals: number;
  failedRenewals: number;
}

export class CredentialStore {
  readonly stats: CredentialStats = { renewals: 0, failedRenewals: 0 };
  private readonly providers = new Map<string, ProviderTokens>();
  private readonly faults: RenewalFault[];

  constructor(
    configs: Readonly<Record<string, Partial<CredentialConfig>>>,
    faults: readonly RenewalFault[] = [],
  ) {
    this.faults = [...faults];
    for (const [provider, options] of Object.entries(configs)) this.configure(provider, options);
    for (const fault of faults) {
      if (!this.providers.has(fault.provider)) {
        throw new RangeError(`renewal fault for ${fault.provider}, which has no credentials configured`);
      }
    }
  }

  /** Gives `provider` tokens (before the first CredManager run); a provider already configured is kept. */
  configure(provider: string, options: Partial<CredentialConfig> = {}): void {
    if (this.providers.has(provider)) return;
    const config = { ...IAM_TOKEN_DEFAULTS, ...options };
    for (const key of ['lifetime', 'checkInterval', 'refreshInterval'] as const) {
      if (!(config[key] >= 0)) throw new RangeError(`credentials of ${provider}: ${key} must be >= 0`);
    }
    this.providers.set(provider, { provider, config, tokens: new Map(), lastCheck: -Infinity });
  }

  /**
   * The provider's tokens stop working at `now` (revoked, or expired with no renewal in time) and cannot be
   * renewed before `until`.
   */
  revoke(provider: string, now: number, until: number): void {
    const entry = this.providers.get(provider);
    if (entry === undefined) throw new RangeError(`revoke: ${provider} has no credentials configured`);
    for (const token of entry.tokens.values()) token.expiresAt = Math.min(token.expiresAt, now);
    this.faults.push({ provider, from: now, until });
  }

  /** The first CredManager run, before the other agents start: issues the common tokens. */
  issueCommon(now: number): void {
    for (const entry of this.providers.values()) {
      if (entry.config.scope === 'common') this.renew(entry, undefined, now);
    }
  }

  /**
   * Whether a submission to `provider` for `user` (absent: the production identity) has a valid token now.
   * Providers without configured credentials need none.
   */
  valid(provider: string, user: string | undefined, now: number): boolean {
    const entry = this.providers.get(provider);
    if (entry === undefined) return true;
    const owner = entry.config.scope === 'per-user' ? user : undefined;
    const key = owner ?? '';
    let token = entry.tokens.get(key);
    if (token === undefined) {
      token = this.renew(entry, owner, now);
      if (token === undefined) return false;
    }
    return now < token.expiresAt;
  }

  /** One CredManager cycle. */
  cycle(now: number): void {
    for (const entry of this.providers.values()) {
      if (now - entry.lastCheck + TIME_SLACK < entry.config.checkInterval) continue;
      entry.lastCheck = now;
      for (const token of entry.tokens.values()) {
        if (now >= token.expiresAt || now - token.issuedAt + TIME_SLACK >= entry.config.refreshInterval)
          this.renew(entry, token.user, now);
      }
    }
  }

  private renew(entry: ProviderTokens, user: string | undefined, now: number): Token | undefined {
    const failing = this.faults.some(
      (f) =>
        f.provider === entry.provider &&
        (f.user === undefined || f.user === user) &&
        now >= f.from &&
        now < f.until,
    );
    const key = user ?? '';
    const token = entry.tokens.get(key);
    if (failing) {
      this.stats.failedRenewals++;
      return token;
    }
    this.stats.renewals++;
    const renewed: Token = { user, issuedAt: now, expiresAt: now + entry.config.lifetime };
    entry.tokens.set(key, renewed);
    return renewed;
  }
}
