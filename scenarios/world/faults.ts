/**
 * Applies a scenario's faults to a built world: draws the schedule (fault-plan.ts), then at each occurrence's
 * start and end calls the hooks the models offer, and tells the ledger (fault-ledger.ts) what it cost. What
 * each kind does, and whose behaviour it follows:
 *
 * - site-downtime: the grid site goes offline; its running pilots die with their jobs ('site-downtime', the
 *   worker lost under them, which Harvester's monitor reports as failed and JEDI brokers again); queued pilots
 *   wait. A scheduled downtime is also in CRIC: its PanDA queues are `brokeroff` from `announce` before it and
 *   `offline` during it, so the production brokerage, which keeps only online and standby queues
 *   (brokerage.md §2.2 step 1), sends nothing there; a sudden one is not known to the brokerage.
 * - lcf-node-failure: nodes of the machine go down for the duration; the batch job holding one fails
 *   ('node-failure', all its payloads lost). Nodes are drawn among all the machine's (`hits: any`) or among
 *   those running the project's jobs (`hits: busy`).
 * - lcf-queue-outage: no batch job of the queue starts; queued ones keep their place, running ones go on.
 * - funcx-endpoint-down: the endpoint loses its connection to the service: new tasks wait there
 *   (`waiting-for-ep`), running ones go on and report when it is back (providers.md §2.6 [S]).
 * - credential-expiry: Harvester's token for the resource is revoked and cannot be renewed until the fault
 *   ends: nothing is submitted to it (funcX calls fail with 401) until the first CredManager cycle after
 *   (§2.5 [E]); with `credential: globus`, the Globus tasks touching the endpoint go INACTIVE until then (§3.1).
 * - transfer-faults: Globus file attempts fault (and are retried) and tasks fail hard with the given
 *   probabilities while it lasts, for the endpoint's tasks or all.
 * - network-cut / network-degraded: the link's capacity drops to 0 or to `factor` of it; flows across it stall
 *   or slow and resume when it ends (models/network/link-faults.ts).
 * - storage-full: the resource's storage refuses writes: copies to it fail and are retried by the mover, and
 *   a grid payload that ran to its end fails its stage-out ('stage-out-failed', retried like any failure).
 * - harvester-down: the instance runs no agent cycle: nothing is submitted or monitored, workers run on, true
 *   pilots report themselves, and Harvester's own reports wait for its first cycles after.
 */
import type { Simulation } from '../../sim/engine.ts';
import type { RandomStreams } from '../../sim/random.ts';
import type { DataMover } from '../../models/data/mover.ts';
import type { GlobusTransferService } from '../../models/globus/transfer-service.ts';
import { GridSite } from '../../models/grid/grid-site.ts';
import type { Harvester } from '../../models/harvester/harvester.ts';
import { HpcMachine } from '../../models/hpc/hpc-machine.ts';
import type { Jedi } from '../../models/jedi/jedi.ts';
import type { FlowNetwork } from '../../models/network/flow-network.ts';
import { scheduleLinkFaults, type LinkFault } from '../../models/network/link-faults.ts';
import type { PandaServer } from '../../models/server/panda-server.ts';
import type { FaultSpec, NetworkTarget } from '../fault-spec.ts';
import type { Catalog } from './catalog.ts';
import { FaultLedger } from './fault-ledger.ts';
import { planFaults, type PlannedFault } from './fault-plan.ts';
import type { BuiltPlatform } from './platform.ts';

/** The parts of a world faults act on. */
export interface FaultWorld {
  readonly sim: Simulation;
  readonly streams: RandomStreams;
  readonly horizon: number;
  readonly server: PandaServer;
  readonly jedi: Jedi;
  readonly catalog: Catalog;
  readonly platform: BuiltPlatform;
  readonly network: FlowNetwork;
  readonly globus: GlobusTransferService;
  readonly mover: DataMover;
}

type Window = { start(fault: PlannedFault): void; end(fault: PlannedFault): void };

/**
 * Schedules every occurrence of `faults` in `world` and returns the ledger of their costs. Call it before the
 * Harvester instances start: a credential fault gives its resource a token first.
 */
export function injectFaults(world: FaultWorld, faults: readonly FaultSpec[]): FaultLedger {
  const { sim } = world;
  const plan = planFaults(faults, world.horizon, world.streams);
  const ledger = new FaultLedger(
    sim,
    world.server,
    plan,
    () => counters(world),
    (r) => resource(world, r).pandaQueues,
  );
  const links: LinkFault[] = [];
  const holds = new Map<string, number>();
  for (const fault of plan) {
    const window = faultWindow(world, fault, ledger, links, holds);
    sim.at(fault.start, () => {
      ledger.opened(fault);
      window.start(fault);
    });
    sim.at(fault.end, () => {
      window.end(fault);
      ledger.closed(fault);
    });
  }
  scheduleLinkFaults(sim, world.network, links);
  return ledger;
}

function counters(world: FaultWorld) {
  return {
    transferAttemptsFailed: world.mover.attemptsFailed,
    transfersFailed: world.mover.transfersFailed,
    globusFileFaults: world.globus.totals.fileFaults,
    submissionsBlocked: world.platform.harvesters.reduce(
      (a, h) => a + h.stats.workersBlockedByCredentials,
      0,
    ),
  };
}

function resource(world: FaultWorld, name: string) {
  const r = world.catalog.resources.find((x) => x.name === name);
  if (r === undefined) throw new Error(`faults: no resource ${name}`);
  return r;
}

/** Jobs activated at the resources' PanDA queues now: the work an outage there holds back. */
function queuedAt(world: FaultWorld, queues: readonly string[]): () => number {
  return () => queues.reduce((a, q) => a + (world.server.queueState(q).jobsAllShares?.nActivated ?? 0), 0);
}

const QUEUED_BASIS = 'job-hours activated at its PanDA queues while it lasted';

function faultWindow(
  world: FaultWorld,
  fault: PlannedFault,
  ledger: FaultLedger,
  links: LinkFault[],
  holds: Map<string, number>,
): Window {
  const spec = fault.spec;
  const target = fault.target;
  const name = typeof target === 'string' ? target : '';
  switch (spec.kind) {
    case 'site-downtime':
      return siteDowntime(world, fault, name, spec.announce, ledger, holds);
    case 'lcf-node-failure':
      return nodeFailure(world, fault, name, spec.hits, ledger);
    case 'lcf-queue-outage': {
      const machine = hpcMachine(world, name);
      return {
        start: () => {
          machine.closeQueue(spec.queue);
          ledger.measure(fault, {
            basis: QUEUED_BASIS,
            count: queuedAt(world, resource(world, name).pandaQueues),
          });
        },
        end: () => machine.openQueue(spec.queue),
      };
    }
    case 'funcx-endpoint-down':
      return endpointDown(world, fault, name, ledger, holds);
    case 'credential-expiry':
      return spec.credential === 'globus'
        ? globusCredential(world, name)
        : harvesterCredential(world, fault, name, ledger);
    case 'transfer-faults': {
      const endpoint = name === '' ? undefined : resource(world, name).rse;
      let remove: () => void = () => {};
      return {
        start: () => {
          remove = world.globus.overrideFaults({
            ...(endpoint === undefined ? {} : { endpoint }),
            ...(spec.faultProbability === undefined ? {} : { faultProbability: spec.faultProbability }),
            ...(spec.hardFailureProbability === undefined
              ? {}
              : { hardFailureProbability: spec.hardFailureProbability }),
          });
        },
        end: () => remove(),
      };
    }
    case 'network-cut':
    case 'network-degraded': {
      const names = linkNames(world, target as NetworkTarget);
      const fraction = spec.kind === 'network-cut' ? 0 : spec.factor;
      for (const link of names) {
        links.push({
          link,
          start: fault.start,
          duration: fault.end - fault.start,
          capacityFraction: fraction,
        });
      }
      const basis = `flow-hours across the ${spec.kind === 'network-cut' ? 'cut' : 'degraded'} link while it lasted`;
      return {
        start: () =>
          ledger.measure(fault, {
            basis,
            count: () => names.reduce((a, l) => a + world.network.flowsCrossing(l), 0),
          }),
        end: () => {},
      };
    }
    case 'storage-full':
      return storageFull(world, fault, name, ledger, holds);
    case 'harvester-down': {
      // The instance a scenario calls `central`, `grid-<region>` or `funcx` (scenarios/world/platform.ts).
      const harvester = harvesterById(world, `harvester-${name}`);
      return {
        start: () => {
          harvester.pause();
          const queues = world.catalog.resources.flatMap((r) =>
            r.pandaQueues.filter((q) => harvester.providerOf(q) !== undefined),
          );
          ledger.measure(fault, { basis: QUEUED_BASIS, count: queuedAt(world, queues) });
        },
        end: () => harvester.resume(),
      };
    }
  }
}

function gridSite(world: FaultWorld, name: string): GridSite {
  const site = world.platform.providers.get(name);
  if (!(site instanceof GridSite)) throw new Error(`faults: ${name} is not a grid site`);
  return site;
}

function hpcMachine(world: FaultWorld, name: string): HpcMachine {
  const machine = world.platform.providers.get(name);
  if (!(machine instanceof HpcMachine)) throw new Error(`faults: ${name} is not an hpc machine`);
  return machine;
}

function harvesterById(world: FaultWorld, id: string): Harvester {
  const harvester = world.platform.harvesters.find((h) => h.params.harvesterID === id);
  if (harvester === undefined) throw new Error(`faults: no Harvester instance ${id}`);
  return harvester;
}

/** Counts the faults holding `key`; `edge` runs when the count leaves 0 (delta 1) or comes back to it (delta −1). */
function hold(holds: Map<string, number>, key: string, delta: 1 | -1, edge: () => void): void {
  const n = (holds.get(key) ?? 0) + delta;
  if (n === 0) holds.delete(key);
  else holds.set(key, n);
  if ((delta === 1 && n === 1) || (delta === -1 && n === 0)) edge();
}

function siteDowntime(
  world: FaultWorld,
  fault: PlannedFault,
  name: string,
  announce: number,
  ledger: FaultLedger,
  holds: Map<string, number>,
): Window {
  const site = gridSite(world, name);
  const { pandaQueues: queues, rse } = resource(world, name);
  const scheduled = fault.origin === 'scheduled';
  const { jedi } = world;
  if (scheduled) {
    // Announced in GOCDB: CRIC and Rucio exclude the site from `announce` before the downtime to its end.
    world.sim.at(Math.max(0, fault.start - announce), () =>
      hold(holds, `excluded/${name}`, 1, () => {
        jedi.setQueueStatus(queues, 'brokeroff');
        jedi.setEndpointDown(rse, true);
      }),
    );
  }
  return {
    start: () => {
      ledger.killed(fault, name, site.beginOutage());
      if (scheduled) jedi.setQueueStatus(queues, 'offline');
      ledger.measure(fault, { basis: QUEUED_BASIS, count: queuedAt(world, queues) });
    },
    end: () => {
      site.endOutage();
      if (scheduled) {
        hold(holds, `excluded/${name}`, -1, () => {
          jedi.setQueueStatus(queues, 'online');
          jedi.setEndpointDown(rse, false);
        });
      }
    },
  };
}

function nodeFailure(
  world: FaultWorld,
  fault: PlannedFault,
  name: string,
  hits: 'any' | 'busy',
  ledger: FaultLedger,
): Window {
  const machine = hpcMachine(world, name);
  let failed: number[] = [];
  return {
    start: () => {
      const candidates =
        hits === 'busy' ? machine.busyNodes() : Array.from({ length: machine.params.nodes }, (_, i) => i);
      failed = choose(candidates, fault.picks);
      ledger.killed(fault, name, machine.failNodes(failed));
    },
    end: () => machine.restoreNodes(failed),
  };
}

/** Up to `picks.length` distinct items of `items`, chosen by the uniforms in `picks` (a partial shuffle). */
function choose(items: number[], picks: readonly number[]): number[] {
  const pool = items.slice();
  const n = Math.min(picks.length, pool.length);
  for (let k = 0; k < n; k++) {
    const j = k + Math.floor(picks[k] * (pool.length - k));
    [pool[k], pool[j]] = [pool[j], pool[k]];
  }
  return pool.slice(0, n);
}

function endpointDown(
  world: FaultWorld,
  fault: PlannedFault,
  name: string,
  ledger: FaultLedger,
  holds: Map<string, number>,
): Window {
  const endpoint = world.platform.endpoints.get(name);
  if (endpoint === undefined) throw new Error(`faults: no funcx endpoint ${name}`);
  return {
    start: () => hold(holds, `endpoint/${name}`, 1, () => endpoint.disconnect()),
    end: () => {
      // Tasks the service held for the endpoint, each from when it arrived or the outage began.
      const now = world.sim.now;
      const held = world.platform.computeService
        .queuedFor(name)
        .reduce((a, t) => a + now - Math.max(t.acceptedAt, fault.start), 0);
      ledger.delayed(fault, 'task-hours funcX tasks waited at the service for the endpoint', held);
      hold(holds, `endpoint/${name}`, -1, () => endpoint.reconnect());
    },
  };
}

function harvesterCredential(
  world: FaultWorld,
  fault: PlannedFault,
  name: string,
  ledger: FaultLedger,
): Window {
  const queue = resource(world, name).pandaQueues[0];
  const harvester = world.platform.harvesters.find((h) => h.providerOf(queue) !== undefined);
  if (harvester === undefined) throw new Error(`faults: no Harvester serves ${name}`);
  const provider = harvester.providerOf(queue)!;
  harvester.credentials.configure(provider);
  return {
    start: () => {
      harvester.credentials.revoke(provider, world.sim.now, fault.end);
      ledger.measure(fault, {
        basis: QUEUED_BASIS,
        count: queuedAt(world, resource(world, name).pandaQueues),
      });
    },
    end: () => {},
  };
}

function globusCredential(world: FaultWorld, name: string): Window {
  const rse = resource(world, name).rse;
  return {
    start: () => world.globus.pauseEndpoint(rse),
    end: () => world.globus.resumeEndpoint(rse),
  };
}

function storageFull(
  world: FaultWorld,
  fault: PlannedFault,
  name: string,
  ledger: FaultLedger,
  holds: Map<string, number>,
): Window {
  const provider = world.platform.providers.get(name);
  const rse = resource(world, name).rse;
  const full = (delta: 1 | -1) =>
    hold(holds, `full/${name}`, delta, () => world.jedi.setEndpointFull(rse, delta === 1));
  let release: (() => void)[] = [];
  return {
    start: () => {
      full(1);
      release = [world.mover.refuseWrites(rse), () => full(-1)];
      if (provider instanceof GridSite) {
        release.push(provider.refuseWrites((lost) => ledger.killed(fault, name, [lost])));
      }
    },
    end: () => {
      for (const r of release) r();
    },
  };
}

/** The topology's links a network fault hits (models/network/regional-topology.ts names them). */
function linkNames(world: FaultWorld, target: NetworkTarget): string[] {
  if ('uplink' in target) {
    const rse = resource(world, target.uplink).rse;
    return [`${rse}:out`, `${rse}:in`];
  }
  if ('backbone' in target) return [`${target.backbone}:backbone`];
  const [a, b] = target.between;
  return [`${a}->${b}`, `${b}->${a}`];
}
