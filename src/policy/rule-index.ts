// src/policy — the lookup structure behind Acl.check. Exact patterns live in a Map. Every
// non-exact pattern carries a precomputed priority rank and hangs off a character trie at its
// literal prefix (the text before `*`, or before the first `+` segment). Prefix (`*`)
// patterns sit on the trie node itself; segment (`+`) patterns go into a segment tree rooted
// at that node, whose levels branch on a literal segment or `+`, with terminal slots for a
// pattern ending there or, for `+...x*` patterns, a character trie of last-segment prefixes.
// A lookup walks the character trie along the path once and, at each segment-tree root met,
// explores at most two branches per segment; the highest rank wins.
// Contract: lookup cost depends on the path and the matching patterns, never on the number of
// unrelated patterns; it allocates at most one short string per segment level explored.
import type { AclPermissions } from './acl-permissions.js';
import { classifyPattern, comparePriority } from './path-pattern.js';
import type { PatternShape } from './path-pattern.js';

/** A matched non-exact pattern: its permissions and its priority rank (higher wins). */
export interface RankedRule {
  readonly rank: number;
  readonly permissions: AclPermissions;
}

class CharNode {
  readonly children = new Map<string, CharNode>();
  rule: RankedRule | undefined;
  segments: SegmentNode | undefined;
}

/** The node for `text` under `from`, created as needed. */
function charNodeFor(from: CharNode, text: string): CharNode {
  let node = from;
  for (const c of text) {
    let child = node.children.get(c);
    if (child === undefined) {
      child = new CharNode();
      node.children.set(c, child);
    }
    node = child;
  }
  return node;
}

class SegmentNode {
  readonly literal = new Map<string, SegmentNode>();
  plus: SegmentNode | undefined;
  /** A pattern ending exactly after this level. */
  end: RankedRule | undefined;
  /** `*` patterns whose last segment starts with a given text, keyed by that text. */
  prefixEnds: CharNode | undefined;

  child(segment: string): SegmentNode {
    if (segment === '+') return (this.plus ??= new SegmentNode());
    let node = this.literal.get(segment);
    if (node === undefined) {
      node = new SegmentNode();
      this.literal.set(segment, node);
    }
    return node;
  }
}

/** The character after `c` at `i`, as the trie keys it (code points keep surrogate pairs whole). */
function charAt(path: string, i: number): string {
  const cp = path.codePointAt(i) as number;
  return cp > 0xffff ? path.slice(i, i + 2) : (path[i] as string);
}

export class RuleIndex {
  private readonly exact = new Map<string, AclPermissions>();
  private readonly root = new CharNode();
  private readonly hasNonExact: boolean;
  /** Every pattern with its permissions, for the rare whole-policy questions (hasAccessUnder). */
  readonly patterns: ReadonlyMap<string, AclPermissions>;
  /** Scratch for the lookup in progress (lookups are synchronous, so one slot suffices). */
  private best: RankedRule | undefined;
  /** The lookup in progress considers only rules this accepts (undefined: all). */
  private accept: ((permissions: AclPermissions) => boolean) | undefined;

  /** `rules` maps each distinct pattern to its already-merged permissions. */
  constructor(rules: ReadonlyMap<string, AclPermissions>) {
    this.patterns = rules;
    const nonExact: { shape: PatternShape; permissions: AclPermissions }[] = [];
    for (const [pattern, permissions] of rules) {
      const shape = classifyPattern(pattern);
      if (shape.kind === 'exact') this.exact.set(pattern, permissions);
      else nonExact.push({ shape, permissions });
    }
    nonExact.sort((a, b) => comparePriority(a.shape, b.shape));
    nonExact.forEach(({ shape, permissions }, rank) => this.insert(shape, { rank, permissions }));
    this.hasNonExact = nonExact.length > 0;
  }

  private insert(shape: PatternShape, rule: RankedRule): void {
    const node = charNodeFor(this.root, shape.literalPrefix);
    if (shape.kind === 'prefix') {
      node.rule = rule;
      return;
    }
    let seg = (node.segments ??= new SegmentNode());
    const last = shape.segments.length - 1;
    shape.segments.forEach((s, k) => {
      if (k < last) seg = seg.child(s);
      else if (shape.isPrefix) charNodeFor((seg.prefixEnds ??= new CharNode()), s).rule = rule;
      else seg.child(s).end = rule;
    });
  }

  exactMatch(path: string): AclPermissions | undefined {
    return this.exact.get(path);
  }

  /** The highest-priority `*` or `+` pattern matching `path`. */
  nonExactMatch(path: string): AclPermissions | undefined {
    return this.nonExactRanked(path)?.permissions;
  }

  /**
   * The highest-priority `*` or `+` pattern matching `path` among those whose permissions
   * `accept` takes (all when absent), with its rank, so matches of different paths compare.
   */
  nonExactRanked(path: string, accept?: (permissions: AclPermissions) => boolean): RankedRule | undefined {
    if (!this.hasNonExact) return undefined;
    this.best = undefined;
    this.accept = accept;
    let node: CharNode | undefined = this.root;
    let i = 0;
    for (;;) {
      if (node.rule !== undefined) this.consider(node.rule);
      if (node.segments !== undefined) this.matchSegments(node.segments, path, i);
      if (i >= path.length) break;
      const c = charAt(path, i);
      node = node.children.get(c);
      if (node === undefined) break;
      i += c.length;
    }
    // Read through a widened type: TS cannot see that consider() assigned the field.
    const found = this.best as RankedRule | undefined;
    this.best = undefined;
    this.accept = undefined;
    return found;
  }

  private consider(rule: RankedRule): void {
    if (this.accept !== undefined && !this.accept(rule.permissions)) return;
    if (this.best === undefined || rule.rank > this.best.rank) this.best = rule;
  }

  /** Matches the segment starting at `start` (and those after it) against `node`'s level. */
  private matchSegments(node: SegmentNode, path: string, start: number): void {
    let end = path.indexOf('/', start);
    if (end < 0) end = path.length;
    if (node.prefixEnds !== undefined) {
      let trie: CharNode | undefined = node.prefixEnds;
      let i = start;
      for (;;) {
        if (trie.rule !== undefined) this.consider(trie.rule);
        if (i >= end) break;
        const c = charAt(path, i);
        trie = trie.children.get(c);
        if (trie === undefined) break;
        i += c.length;
      }
    }
    const literal = node.literal.size > 0 ? node.literal.get(path.slice(start, end)) : undefined;
    if (literal !== undefined) this.descend(literal, path, end);
    if (node.plus !== undefined) this.descend(node.plus, path, end);
  }

  private descend(child: SegmentNode, path: string, end: number): void {
    if (end >= path.length) {
      if (child.end !== undefined) this.consider(child.end);
    } else {
      this.matchSegments(child, path, end + 1);
    }
  }
}
