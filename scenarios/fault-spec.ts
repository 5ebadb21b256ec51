/**
 * Faults as the simulator takes them (the loaded form of fault-schema.ts): every target listed, the timing
 * resolved to scheduled or sudden, the defaults applied. What each kind does to the world is in
 * scenarios/world/faults.ts.
 */
import type { Distribution } from '../sim/distributions.ts';
import type { FaultInput } from './fault-schema.ts';

export type FaultTiming =
  /** One occurrence per target, [at, at + duration). */
  | { readonly mode: 'scheduled'; readonly at: number; readonly duration: number }
  /** Occurrences per target at Poisson times of `rate` per second, each lasting a draw of `duration`, s. */
  | { readonly mode: 'sudden'; readonly rate: number; readonly duration: Distribution };

/** A link a network fault hits: a resource's uplink, a region's backbone, or the link between two regions. */
export type NetworkTarget =
  | { readonly uplink: string }
  | { readonly backbone: string }
  | { readonly between: readonly [string, string] };

interface Base {
  readonly timing: FaultTiming;
  readonly source?: string;
}

export type FaultSpec = Base &
  (
    | { readonly kind: 'site-downtime'; readonly targets: readonly string[]; readonly announce: number }
    | {
        readonly kind: 'lcf-node-failure';
        readonly targets: readonly string[];
        readonly nodes: number;
        readonly hits: 'any' | 'busy';
      }
    | { readonly kind: 'lcf-queue-outage'; readonly targets: readonly string[]; readonly queue?: string }
    | { readonly kind: 'funcx-endpoint-down'; readonly targets: readonly string[] }
    | {
        readonly kind: 'credential-expiry';
        readonly targets: readonly string[];
        readonly credential: 'harvester' | 'globus';
      }
    | {
        readonly kind: 'transfer-faults';
        /** Empty: every Globus transfer. */
        readonly targets: readonly string[];
        readonly faultProbability?: number;
        readonly hardFailureProbability?: number;
      }
    | { readonly kind: 'network-cut'; readonly targets: readonly NetworkTarget[] }
    | {
        readonly kind: 'network-degraded';
        readonly targets: readonly NetworkTarget[];
        readonly factor: number;
      }
    | { readonly kind: 'storage-full'; readonly targets: readonly string[] }
    | { readonly kind: 'harvester-down'; readonly targets: readonly string[] }
  );

export type FaultKind = FaultSpec['kind'];

const list = (names: string | readonly string[] | undefined): readonly string[] =>
  names === undefined ? [] : typeof names === 'string' ? [names] : names;

/** The links a network fault names, one target each. */
function networkTargets(f: {
  uplink?: string | string[];
  backbone?: string | string[];
  between?: [string, string];
}): NetworkTarget[] {
  return [
    ...list(f.uplink).map((uplink) => ({ uplink })),
    ...list(f.backbone).map((backbone) => ({ backbone })),
    ...(f.between === undefined ? [] : [{ between: f.between } as const]),
  ];
}

/** Human label of a target, as reports print it. */
export function targetLabel(target: string | NetworkTarget): string {
  if (typeof target === 'string') return target;
  if ('uplink' in target) return `${target.uplink} uplink`;
  if ('backbone' in target) return `${target.backbone} backbone`;
  return `${target.between[0]}↔${target.between[1]}`;
}

/** A fault entry that passed the schema and the checks (its timing is one of the two forms). */
export function toFaultSpec(f: FaultInput): FaultSpec {
  const timing: FaultTiming =
    f.at !== undefined && f.for !== undefined
      ? { mode: 'scheduled', at: f.at, duration: f.for }
      : { mode: 'sudden', rate: f.rate ?? 0, duration: f.duration! };
  const base = { timing, ...(f.source === undefined ? {} : { source: f.source }) };
  switch (f.kind) {
    case 'site-downtime':
      return { ...base, kind: f.kind, targets: list(f.site), announce: f.announce ?? 0 };
    case 'lcf-node-failure':
      return { ...base, kind: f.kind, targets: list(f.hpc), nodes: f.nodes ?? 1, hits: f.hits ?? 'any' };
    case 'lcf-queue-outage':
      return {
        ...base,
        kind: f.kind,
        targets: list(f.hpc),
        ...(f.queue === undefined ? {} : { queue: f.queue }),
      };
    case 'funcx-endpoint-down':
      return { ...base, kind: f.kind, targets: list(f.endpoint) };
    case 'credential-expiry':
      return { ...base, kind: f.kind, targets: list(f.resource), credential: f.credential ?? 'harvester' };
    case 'transfer-faults':
      return {
        ...base,
        kind: f.kind,
        targets: list(f.endpoint),
        ...(f.faultProbability === undefined ? {} : { faultProbability: f.faultProbability }),
        ...(f.hardFailureProbability === undefined
          ? {}
          : { hardFailureProbability: f.hardFailureProbability }),
      };
    case 'network-cut':
      return { ...base, kind: f.kind, targets: networkTargets(f) };
    case 'network-degraded':
      return { ...base, kind: f.kind, targets: networkTargets(f), factor: f.factor };
    case 'storage-full':
      return { ...base, kind: f.kind, targets: list(f.site) };
    case 'harvester-down':
      return { ...base, kind: f.kind, targets: [f.instance] };
  }
}
