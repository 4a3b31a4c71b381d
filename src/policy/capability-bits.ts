// src/policy — capabilities as bits, so merging is an OR and a check is an AND.
// Contract: capabilityNames(bits) lists names in alphabetical order (Vault sorts the
// sys/capabilities answer) and returns ["deny"] when deny is set or nothing is granted.
import { CAPABILITIES } from './policy.js';
import type { Capability } from './policy.js';

export const CAPABILITY_BIT: Readonly<Record<Capability, number>> = Object.fromEntries(
  CAPABILITIES.map((c, i) => [c, 1 << i]),
) as Record<Capability, number>;

const SORTED = [...CAPABILITIES].sort();
export const DENY_ONLY: readonly string[] = Object.freeze(['deny']);

export function capabilityBits(caps: readonly Capability[]): number {
  let bits = 0;
  for (const c of caps) bits |= CAPABILITY_BIT[c];
  return bits;
}

export function capabilityNames(bits: number): readonly string[] {
  if (bits === 0 || (bits & CAPABILITY_BIT.deny) !== 0) return DENY_ONLY;
  return Object.freeze(SORTED.filter((c) => (bits & CAPABILITY_BIT[c]) !== 0));
}
