/** What every Harvester agent works with: the clock, the knobs, the local DB, and the hops to its peers. */
import type { Simulation } from '../../sim/engine.ts';
import type { CredentialStore } from './credentials.ts';
import type { HarvesterParams } from './harvester-params.ts';
import type { Hop } from './hop.ts';
import type { LocalDb } from './local-db.ts';
import type { PandaServerApi } from './panda-server-api.ts';

export interface AgentContext {
  readonly sim: Simulation;
  readonly params: HarvesterParams;
  readonly db: LocalDb;
  readonly server: PandaServerApi;
  readonly serverHop: Hop;
  readonly providerHop: Hop;
  readonly credentials: CredentialStore;
}
