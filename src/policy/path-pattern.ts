// src/policy — what a policy path pattern means and how patterns rank against each other.
// A pattern is `exact` (no wildcard), `prefix` (ends in `*`, no `+` segment: matches every
// path starting with the text before `*`) or `segment` (has a segment that is exactly `+`,
// matching one path segment, empty included; it may also end in `*`, which then makes its
// last segment a prefix and allows further segments). A `+` inside a longer segment is a
// literal character. comparePriority implements Vault's documented "priority matching"
// between non-exact patterns that match the same path.

export type PatternKind = 'exact' | 'prefix' | 'segment';

export interface PatternShape {
  readonly pattern: string;
  readonly kind: PatternKind;
  /** exact: the whole pattern; prefix: the text before `*`; segment: the text before the first `+` segment. */
  readonly literalPrefix: string;
  /** The pattern ends in `*`. */
  readonly isPrefix: boolean;
  /** segment kind only: the segments from the first `+` on, trailing `*` removed. */
  readonly segments: readonly string[];
  /** Index of the first `+` segment or of the trailing `*`. */
  readonly firstWildcard: number;
  /** Number of `+` segments. */
  readonly wildcards: number;
  /** The pattern without its trailing `*` (compared by length, then lexicographically). */
  readonly wcPath: string;
}

export function classifyPattern(pattern: string): PatternShape {
  const isPrefix = pattern.endsWith('*');
  const body = isPrefix ? pattern.slice(0, -1) : pattern;
  const parts = body.split('/');
  const first = parts.indexOf('+');
  if (first < 0) {
    return {
      pattern, kind: isPrefix ? 'prefix' : 'exact', literalPrefix: body, isPrefix, segments: [],
      firstWildcard: isPrefix ? body.length : -1, wildcards: 0, wcPath: body,
    };
  }
  const literalPrefix = parts.slice(0, first).map((p) => `${p}/`).join('');
  return {
    pattern, kind: 'segment', literalPrefix, isPrefix, segments: parts.slice(first),
    firstWildcard: literalPrefix.length, wildcards: parts.filter((p) => p === '+').length, wcPath: body,
  };
}

/**
 * Orders two non-exact patterns by priority: negative when `a` ranks lower than `b`.
 * (1) the later first wildcard wins; (2) not ending in `*` wins; (3) fewer `+` segments win;
 * (4) the longer pattern wins; (5) the lexicographically greater pattern wins.
 */
export function comparePriority(a: PatternShape, b: PatternShape): number {
  if (a.firstWildcard !== b.firstWildcard) return a.firstWildcard - b.firstWildcard;
  if (a.isPrefix !== b.isPrefix) return a.isPrefix ? -1 : 1;
  if (a.wildcards !== b.wildcards) return b.wildcards - a.wildcards;
  if (a.wcPath.length !== b.wcPath.length) return a.wcPath.length - b.wcPath.length;
  if (a.wcPath !== b.wcPath) return a.wcPath < b.wcPath ? -1 : 1;
  return 0;
}

/**
 * Whether `path`, from index `pos` (the start of a segment, everything before it already
 * matched the literal prefix), matches `segments`. Allocation-free: compares in place.
 */
export function matchSegmentsFrom(path: string, pos: number, segments: readonly string[], isPrefix: boolean): boolean {
  let p = pos;
  const last = segments.length - 1;
  for (let k = 0; k <= last; k++) {
    const seg = segments[k] as string;
    let end = path.indexOf('/', p);
    if (end < 0) end = path.length;
    if (k === last && isPrefix) {
      return seg === '+' || path.startsWith(seg, p);
    }
    if (seg !== '+' && (end - p !== seg.length || !path.startsWith(seg, p))) return false;
    if (k === last) return end === path.length;
    if (end === path.length) return false;
    p = end + 1;
  }
  return true;
}
