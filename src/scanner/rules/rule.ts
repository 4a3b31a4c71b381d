// src/scanner/rules — the shape of one detection rule. Rules are declared data: a regex whose
// `secret` group (or the whole match) is the credential, literal keywords that must occur in
// the text before the regex runs (a cheap pre-filter), and optional validation (checksum,
// entropy, structure). A value failing validation is not reported as that kind.

export interface Rule {
  /** Stable id, used as the finding kind, the SARIF rule id and in fingerprints. */
  readonly id: string;
  readonly description: string;
  /** Must have the `g` flag. A named group `secret` selects the credential. */
  readonly regex: RegExp;
  /** Lower-case literals; the rule runs only if the lower-cased text contains one. */
  readonly keywords: readonly string[];
  /** Minimum Shannon entropy (bits per character) of the secret. */
  readonly minEntropy?: number;
  /**
   * Extra structural check (checksum, decodes as JSON...). `groups` are the regex's named
   * groups; `before` is up to 64 characters of the line preceding the match.
   */
  readonly validate?: (secret: string, groups: Readonly<Record<string, string | undefined>>, before: string) => boolean;
  /** Maps the matched secret to a canonical form (e.g. strip PEM whitespace). */
  readonly normalize?: (secret: string) => string;
  /** Generic rules yield to specific ones that overlap them. */
  readonly generic?: boolean;
  /** Placeholder checks (changeme, xxxx, ${VAR}) apply to this rule's values. Default true. */
  readonly checkPlaceholder?: boolean;
}
