// src/policy — the lookup structure behind Acl.check. Exact patterns live in a Map; every
// non-exact pattern hangs off a character trie at its literal prefix (the text before `*`
// or before the first `+` segment) and carries a precomputed priority rank. A lookup walks
// the trie along the request path once: prefix patterns met on the way match by
// construction, segment patterns are verified in place, and the highest rank wins.
// Contract: lookup is allocation-free and never loops over unrelated patterns.
import type { AclPermissions } from './acl-permissions.js';
import { classifyPattern, comparePriority, matchSegmentsFrom } from './path-pattern.js';
import type { PatternShape } from './path-pattern.js';

interface RankedRule {
  readonly rank: number;
  readonly shape: PatternShape;
  readonly permissions: AclPermissions;
}

class TrieNode {
  readonly children = new Map<string, TrieNode>();
  /** The prefix (`*`) pattern whose literal prefix ends here, if any. */
  prefixRule: RankedRule | undefined;
  readonly segmentRules: RankedRule[] = [];
}

export class RuleIndex {
  private readonly exact = new Map<string, AclPermissions>();
  private readonly root = new TrieNode();
  private readonly hasNonExact: boolean;

  /** `rules` maps each distinct pattern to its already-merged permissions. */
  constructor(rules: ReadonlyMap<string, AclPermissions>) {
    const nonExact: { shape: PatternShape; permissions: AclPermissions }[] = [];
    for (const [pattern, permissions] of rules) {
      const shape = classifyPattern(pattern);
      if (shape.kind === 'exact') this.exact.set(pattern, permissions);
      else nonExact.push({ shape, permissions });
    }
    nonExact.sort((a, b) => comparePriority(a.shape, b.shape));
    nonExact.forEach(({ shape, permissions }, rank) => {
      const node = this.nodeFor(shape.literalPrefix);
      const ranked: RankedRule = { rank, shape, permissions };
      if (shape.kind === 'prefix') node.prefixRule = ranked;
      else node.segmentRules.push(ranked);
    });
    this.hasNonExact = nonExact.length > 0;
  }

  private nodeFor(prefix: string): TrieNode {
    let node = this.root;
    for (const c of prefix) {
      let child = node.children.get(c);
      if (child === undefined) {
        child = new TrieNode();
        node.children.set(c, child);
      }
      node = child;
    }
    return node;
  }

  exactMatch(path: string): AclPermissions | undefined {
    return this.exact.get(path);
  }

  /** The highest-priority `*` or `+` pattern matching `path`. */
  nonExactMatch(path: string): AclPermissions | undefined {
    if (!this.hasNonExact) return undefined;
    let best: RankedRule | undefined;
    let node: TrieNode | undefined = this.root;
    let i = 0;
    for (;;) {
      if (node.prefixRule !== undefined && (best === undefined || node.prefixRule.rank > best.rank)) {
        best = node.prefixRule;
      }
      for (const rule of node.segmentRules) {
        if ((best === undefined || rule.rank > best.rank) && matchSegmentsFrom(path, i, rule.shape.segments, rule.shape.isPrefix)) {
          best = rule;
        }
      }
      if (i >= path.length) break;
      // Iterate by UTF-16 unit: the trie was built with for..of (code points), so step the
      // same way to keep surrogate pairs together.
      const cp = path.codePointAt(i) as number;
      const step = cp > 0xffff ? 2 : 1;
      node = node.children.get(step === 1 ? (path[i] as string) : path.slice(i, i + 2));
      if (node === undefined) break;
      i += step;
    }
    return best?.permissions;
  }
}
