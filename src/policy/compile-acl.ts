// src/policy — compileAcl: a token's policies → one Acl, merged as Vault merges them. For
// one pattern found in several policies: capabilities are OR-ed; a deny anywhere leaves only
// deny (parameter rules dropped); the smaller of two wrapping TTL bounds wins (min and max);
// allowed/denied parameter lists concatenate per name, an empty list (any value) absorbing
// the others; required parameters union. Templated paths that were never rendered grant
// nothing and are skipped. A policy named "root" yields the root ACL and must come alone.
import { ArcaError } from '../lib/errors.js';
import { Acl } from './acl.js';
import type { AclPermissions } from './acl-permissions.js';
import { CAPABILITY_BIT, capabilityBits, capabilityNames } from './capability-bits.js';
import type { PathRule, Policy, PolicyValue } from './policy.js';
import { rootAcl } from './root-acl.js';
import { RuleIndex } from './rule-index.js';

interface Draft {
  bits: number;
  allowed: Map<string, PolicyValue[]> | undefined;
  denied: Map<string, PolicyValue[]> | undefined;
  required: string[];
  minTtl: number;
  maxTtl: number;
}

type Rules = ReadonlyMap<string, readonly PolicyValue[]> | undefined;

function copyRules(rules: Rules): Map<string, PolicyValue[]> | undefined {
  return rules === undefined ? undefined : new Map([...rules].map(([k, v]) => [k, [...v]]));
}

function mergeRules(existing: Map<string, PolicyValue[]> | undefined, more: Rules): Map<string, PolicyValue[]> | undefined {
  if (more === undefined || more.size === 0) return existing;
  if (existing === undefined) return copyRules(more);
  for (const [name, values] of more) {
    const prior = existing.get(name);
    if (prior === undefined) existing.set(name, [...values]);
    else existing.set(name, values.length === 0 || prior.length === 0 ? [] : [...values, ...prior]);
  }
  return existing;
}

function lesserBound(a: number, b: number): number {
  if (a === 0) return b;
  if (b === 0) return a;
  return Math.min(a, b);
}

function mergeInto(drafts: Map<string, Draft>, rule: PathRule): void {
  const bits = capabilityBits(rule.capabilities);
  const existing = drafts.get(rule.path);
  if (existing === undefined) {
    drafts.set(rule.path, {
      bits,
      allowed: copyRules(rule.allowedParameters),
      denied: copyRules(rule.deniedParameters),
      required: [...rule.requiredParameters],
      minTtl: rule.minWrappingTtl,
      maxTtl: rule.maxWrappingTtl,
    });
    return;
  }
  if ((existing.bits & CAPABILITY_BIT.deny) !== 0) return;
  if ((bits & CAPABILITY_BIT.deny) !== 0) {
    drafts.set(rule.path, { bits: CAPABILITY_BIT.deny, allowed: undefined, denied: undefined, required: [], minTtl: 0, maxTtl: 0 });
    return;
  }
  existing.bits |= bits;
  existing.minTtl = lesserBound(existing.minTtl, rule.minWrappingTtl);
  existing.maxTtl = lesserBound(existing.maxTtl, rule.maxWrappingTtl);
  existing.allowed = mergeRules(existing.allowed, rule.allowedParameters);
  existing.denied = mergeRules(existing.denied, rule.deniedParameters);
  for (const name of rule.requiredParameters) if (!existing.required.includes(name)) existing.required.push(name);
}

function freeze(d: Draft): AclPermissions {
  return Object.freeze({
    bits: d.bits,
    capabilities: capabilityNames(d.bits),
    allowedParameters: d.allowed,
    deniedParameters: d.denied,
    requiredParameters: Object.freeze(d.required),
    minWrappingTtl: d.minTtl,
    maxWrappingTtl: d.maxTtl,
  });
}

export function compileAcl(policies: readonly Policy[]): Acl {
  if (policies.some((p) => p.name === 'root')) {
    if (policies.length !== 1) throw new ArcaError('internal', 'other policies present along with root');
    return rootAcl();
  }
  const drafts = new Map<string, Draft>();
  for (const policy of policies) {
    for (const rule of policy.paths) if (!rule.templated) mergeInto(drafts, rule);
  }
  const compiled = new Map<string, AclPermissions>();
  for (const [pattern, draft] of drafts) compiled.set(pattern, freeze(draft));
  return new Acl(new RuleIndex(compiled));
}
