// src/policy — the parsed form of an ACL policy, shared by the parser (parse-policy.ts), the
// compiler (compile-acl.ts) and sys/policy handlers. Contract: a Policy is immutable, its
// path patterns have no leading "/", parameter names are lower-cased, durations are seconds
// (0 = not set), and `capabilities` is exactly ["deny"] when the rule denies.

export const CAPABILITIES = [
  'create', 'read', 'update', 'patch', 'delete', 'list', 'sudo', 'deny', 'subscribe', 'recover',
] as const;

export type Capability = (typeof CAPABILITIES)[number];

export type PolicyValue = string | number | boolean | readonly PolicyValue[] | { readonly [key: string]: PolicyValue };

/** Parameter name → allowed (or denied) values; an empty list means "any value". */
export type ParameterRules = ReadonlyMap<string, readonly PolicyValue[]>;

export interface PathRule {
  /** The pattern as written (leading "/" stripped): trailing `*` = prefix, `+` segment = one segment. */
  readonly path: string;
  readonly capabilities: readonly Capability[];
  /** Undefined when the rule does not restrict parameters. */
  readonly allowedParameters: ParameterRules | undefined;
  readonly deniedParameters: ParameterRules | undefined;
  readonly requiredParameters: readonly string[];
  readonly minWrappingTtl: number;
  readonly maxWrappingTtl: number;
  /** The path holds `{{identity...}}` placeholders; it grants nothing until rendered. */
  readonly templated: boolean;
}

export interface Policy {
  readonly name: string;
  /** The text the policy was parsed from, returned verbatim by sys/policy reads. */
  readonly raw: string;
  readonly paths: readonly PathRule[];
  /** Some path needs identity templating before the policy grants anything there. */
  readonly templated: boolean;
}
