// Exclusion codes as small integers for the hot loops of the production brokerage: a check returns −1 (pass) or
// `code << 1 | temporary`, so no object or string is made unless the caller asks for explanations.

import type { ProdExclusionCode } from './prod-decision.ts';

/** Every exclusion code with the §2.2 step (26 = classification, 27 = beyond the candidate limit). */
const CODE_STEPS: ReadonlyArray<readonly [ProdExclusionCode, number]> = [
  ['status', 2],
  ['link_unusable', 3],
  ['dest_blacklisted', 3],
  ['links_full', 3],
  ['opportunistic', 4],
  ['inactive', 5],
  ['zeroshare', 6],
  ['jumbo', 7],
  ['fewevents', 7],
  ['diskIO', 8],
  ['cpucore', 9],
  ['max_cpucore', 9],
  ['cache', 10],
  ['regexpcmtconfig', 10],
  ['lowmemory', 11],
  ['highmemory', 11],
  ['remoteio', 12],
  ['disk', 12],
  ['se_space', 13],
  ['read_lan_blacklist', 13],
  ['write_lan_blacklist', 13],
  ['write_wan_blacklist', 13],
  ['read_wan_blacklist', 13],
  ['source_blacklist', 13],
  ['shortwalltime', 14],
  ['scout_walltime', 14],
  ['min_walltime', 14],
  ['longwalltime', 14],
  ['network', 15],
  ['es', 16],
  ['eshigh', 16],
  ['nones', 16],
  ['es_ucore', 16],
  ['transferring', 17],
  ['non_pledged', 18],
  ['over_pledged', 18],
  ['t1weight', 19],
  ['max_io_intensity', 20],
  ['full_chain', 21],
  ['not_full_chain', 21],
  ['nopilot', 22],
  ['io', 24],
  ['lock', 26],
  ['non_local', 26],
  ['cap', 26],
  ['lowNetworkWeight', 26],
  ['cap_rt', 26],
  ['below_min_weight', 26],
  ['t1_weight', 26],
  ['low_weight', 27],
];

export const CODE_NAMES: readonly ProdExclusionCode[] = CODE_STEPS.map(([c]) => c);
export const CODE_STEP: readonly number[] = CODE_STEPS.map(([, s]) => s);

/** `code << 1` per code name, for building outcomes. */
export const X = Object.fromEntries(CODE_STEPS.map(([c], k) => [c, k << 1])) as Readonly<
  Record<ProdExclusionCode, number>
>;

export const PASS = -1;
export const TEMPORARY = 1;

export function codeName(outcome: number): ProdExclusionCode {
  return CODE_NAMES[outcome >> 1];
}

export function isTemporary(outcome: number): boolean {
  return (outcome & TEMPORARY) === TEMPORARY;
}

export function stepOf(outcome: number): number {
  return CODE_STEP[outcome >> 1];
}
