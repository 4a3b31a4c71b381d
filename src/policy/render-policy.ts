// src/policy — renderPolicy: a parsed templated policy → the policy one identity gets.
// Contract: every templated path is rendered with renderPolicyTemplate; a path that cannot be
// rendered is dropped (Vault's behaviour), never an error. Untemplated policies come back as
// they are, so callers may call this unconditionally.
import type { PathRule, Policy } from './policy.js';
import { renderPolicyTemplate } from './render-policy-template.js';
import type { TemplateIdentity } from './render-policy-template.js';

export function renderPolicy(policy: Policy, identity: TemplateIdentity): Policy {
  if (!policy.templated) return policy;
  const paths: PathRule[] = [];
  for (const rule of policy.paths) {
    if (!rule.templated) {
      paths.push(rule);
      continue;
    }
    const rendered = renderPolicyTemplate(rule.path, identity);
    if (rendered === undefined || rendered.includes('+*')) continue;
    paths.push({ ...rule, path: rendered.startsWith('/') ? rendered.slice(1) : rendered, templated: false });
  }
  return { ...policy, paths, templated: false };
}
