// src/scanner — the data the scanner produces. A Finding always carries the raw secret so
// the import step can store it; every renderer redacts it unless the user asks otherwise.
// `fingerprint` = kind + hash of the secret + file path (no line, no commit), so it survives
// line moves, reformatting and squash merges, and is what baselines match on.

export interface Finding {
  /** Rule id, e.g. "github-pat" or "generic-secret". */
  readonly kind: string;
  readonly description: string;
  /** Path relative to the scan root (or "-" for stdin), with forward slashes. */
  readonly file: string;
  /** 1-based line and column of the first character of the secret. */
  readonly line: number;
  readonly column: number;
  /** The secret in its normalised form (e.g. a PEM body without whitespace). */
  readonly secret: string;
  readonly fingerprint: string;
  /** Set for history and staged scans. */
  readonly commit?: string;
  readonly author?: string;
  readonly email?: string;
  /** ISO-8601 date of the commit that introduced the secret. */
  readonly date?: string;
}

/** What the detector reports before the caller attaches file and commit context. */
export interface Detection {
  readonly kind: string;
  readonly description: string;
  readonly line: number;
  readonly column: number;
  readonly secret: string;
}
