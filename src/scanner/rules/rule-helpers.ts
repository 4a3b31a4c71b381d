// src/scanner/rules — builders that keep the rule tables declarative. A "token" rule is a
// vendor-prefixed credential bounded on both sides so it is not matched inside a longer word.
import type { Rule } from './rule.js';

const BEFORE = '(?<![A-Za-z0-9_+/-])';
const AFTER = '(?![A-Za-z0-9_+/-])';

export interface TokenOptions {
  readonly minEntropy?: number;
  readonly validate?: Rule['validate'];
  readonly flags?: string;
}

/** A prefixed token rule: `body` is the regex source of the whole credential. */
export function tokenRule(
  id: string,
  description: string,
  body: string,
  keywords: readonly string[],
  options: TokenOptions = {},
): Rule {
  const rule: Rule = {
    id,
    description,
    regex: new RegExp(`${BEFORE}(?<secret>${body})${AFTER}`, `g${options.flags ?? ''}`),
    keywords: keywords.map((k) => k.toLowerCase()),
    minEntropy: options.minEntropy ?? 2.5,
    ...(options.validate ? { validate: options.validate } : {}),
  };
  return rule;
}

/**
 * A rule for a credential with no distinctive shape, recognised by a nearby vendor word:
 * `<context>...[:=]...<value>` within one line, case-insensitive.
 */
export function contextRule(
  id: string,
  description: string,
  context: string,
  value: string,
  keywords: readonly string[],
  minEntropy = 3.2,
): Rule {
  const source =
    `(?:${context})[\\w.-]{0,25}\\\\?["']?\\s{0,3}(?::=|=>|=|:)\\s{0,3}\\\\?["'\`]?` + `(?<secret>${value})(?![A-Za-z0-9_+/=-])`;
  return { id, description, regex: new RegExp(source, 'gi'), keywords: keywords.map((k) => k.toLowerCase()), minEntropy };
}
