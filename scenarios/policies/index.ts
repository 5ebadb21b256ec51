/** The placement policies by name. A new policy is a module exporting a `PlacementPolicy`, listed here. */
import { costAware } from './cost-aware.ts';
import { earliestCompletion } from './earliest-completion.ts';
import { funcxGateway } from './funcx-gateway.ts';
import { gridOnly } from './grid-only.ts';
import { lcfHarvester } from './lcf-harvester.ts';
import { localFirst } from './local-first.ts';
import { pandaBrokerage } from './panda-brokerage.ts';
import { parslOrchestrates } from './parsl-orchestrates.ts';
import type { PlacementPolicy } from './policy.ts';

export const POLICIES: Readonly<Record<string, PlacementPolicy>> = Object.fromEntries(
  [
    pandaBrokerage,
    gridOnly,
    lcfHarvester,
    funcxGateway,
    parslOrchestrates,
    localFirst,
    earliestCompletion,
    costAware,
  ].map((p) => [p.name, p]),
);

/** The policy called `name`; an unknown name is an error listing the known ones. */
export function policyByName(name: string): PlacementPolicy {
  const policy = POLICIES[name];
  if (policy === undefined) {
    throw new Error(`unknown policy '${name}'; known: ${Object.keys(POLICIES).join(', ')}`);
  }
  return policy;
}
