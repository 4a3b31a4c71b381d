// src/cli — `arca policy fmt`'s canonical HCL: a policy parsed by src/policy rendered back
// as one `path` block per rule with capabilities first, parameter rules and wrapping TTLs
// after, two-space indents and one blank line between blocks. The parse is the server's
// own parser, so fmt also validates. Comments and the legacy `policy = "..."` form are
// normalised away (the rule is written with the capabilities it grants).
import type { ParameterRules, PathRule, Policy, PolicyValue } from '../policy/policy.js';

function hclValue(value: PolicyValue, indent: string): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${(value as readonly PolicyValue[]).map((v) => hclValue(v, indent)).join(', ')}]`;
  const entries = Object.entries(value as Readonly<Record<string, PolicyValue>>);
  if (entries.length === 0) return '{}';
  const inner = `${indent}  `;
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)} = ${hclValue(v, inner)}`).join('\n')}\n${indent}}`;
}

function parameterBlock(name: string, rules: ParameterRules): string {
  const entries = [...rules.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return `  ${name} = {}`;
  return `  ${name} = {\n${entries.map(([k, v]) => `    ${JSON.stringify(k)} = ${hclValue(v, '    ')}`).join('\n')}\n  }`;
}

function ruleBlock(rule: PathRule): string {
  const lines = [`  capabilities = [${rule.capabilities.map((c) => JSON.stringify(c)).join(', ')}]`];
  if (rule.allowedParameters) lines.push(parameterBlock('allowed_parameters', rule.allowedParameters));
  if (rule.deniedParameters) lines.push(parameterBlock('denied_parameters', rule.deniedParameters));
  if (rule.requiredParameters.length > 0) lines.push(`  required_parameters = [${rule.requiredParameters.map((p) => JSON.stringify(p)).join(', ')}]`);
  if (rule.minWrappingTtl > 0) lines.push(`  min_wrapping_ttl = "${rule.minWrappingTtl}s"`);
  if (rule.maxWrappingTtl > 0) lines.push(`  max_wrapping_ttl = "${rule.maxWrappingTtl}s"`);
  return `path ${JSON.stringify(rule.path)} {\n${lines.join('\n')}\n}`;
}

export function formatPolicy(policy: Policy): string {
  return `${policy.paths.map(ruleBlock).join('\n\n')}\n`;
}
