// src/scanner — runs the rules over one text and returns validated detections with 1-based
// line/column. Pipeline per candidate: keyword pre-filter → regex → normalise → entropy →
// rule validation (checksums) → false-positive filters → allowlist → inline `arca:allow`.
// Generic rules yield to specific ones on overlapping spans, including spans a specific rule
// rejected (a token with a wrong checksum is not re-reported as a generic secret). A second
// pass over a decoded view finds values inside JSON-escaped strings (notebooks, JSON configs).
import type { Detection } from './finding.js';
import { shannonEntropy } from './entropy.js';
import { isFalsePositive } from './false-positive.js';
import type { Rule } from './rules/rule.js';
import { hasEscapes, unescapeView } from './unescape-map.js';

/** Decides whether a user allowlist (regexes, stop-words) accepts a secret. */
export interface SecretFilter {
  isAllowedSecret(secret: string): boolean;
}

const INLINE_ALLOW = /arca:allow|gitleaks:allow/;

interface Candidate {
  readonly rule: Rule;
  readonly start: number;
  readonly end: number;
  readonly secret: string;
  readonly accepted: boolean;
}

export class Detector {
  private readonly rules: readonly Rule[];
  /** One pass over the lower-cased text finds which rule keywords occur (longest first). */
  private readonly keywordRegex: RegExp;

  constructor(
    rules: readonly Rule[],
    private readonly filter: SecretFilter = { isAllowedSecret: () => false },
  ) {
    // The `d` flag gives the secret group's own offsets.
    this.rules = rules.map((r) => ({ ...r, regex: new RegExp(r.regex.source, r.regex.flags.includes('d') ? r.regex.flags : r.regex.flags + 'd') }));
    const keywords = [...new Set(rules.flatMap((r) => r.keywords))].sort((a, b) => b.length - a.length);
    this.keywordRegex = new RegExp(keywords.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  }

  /** Distinct keyword matches; a keyword occurs iff some match starts with it. */
  private keywordHits(lower: string): string[] {
    const hits = new Set<string>();
    const re = this.keywordRegex;
    re.lastIndex = 0;
    for (let m = re.exec(lower); m !== null; m = re.exec(lower)) {
      hits.add(m[0]);
      re.lastIndex = m.index + 1;
    }
    return [...hits];
  }

  detect(text: string): Detection[] {
    const found = this.detectIn(text, (offset) => offset);
    if (!hasEscapes(text)) return found;
    const view = unescapeView(text);
    const extra = this.detectIn(view.text, (offset) => view.originalOffset[offset] ?? 0, text);
    const seen = new Set(found.map((d) => `${d.kind}\0${d.secret}\0${d.line}`));
    for (const d of extra) {
      const key = `${d.kind}\0${d.secret}\0${d.line}`;
      if (!seen.has(key)) {
        seen.add(key);
        found.push(d);
      }
    }
    return found.sort((a, b) => a.line - b.line || a.column - b.column);
  }

  private detectIn(text: string, toOriginal: (offset: number) => number, original = text): Detection[] {
    const hits = this.keywordHits(text.toLowerCase());
    const candidates: Candidate[] = [];
    for (const rule of this.rules) {
      if (!rule.keywords.some((k) => hits.some((h) => h.startsWith(k)))) continue;
      rule.regex.lastIndex = 0;
      for (let m = rule.regex.exec(text); m !== null; m = rule.regex.exec(text)) {
        if (m[0].length === 0) rule.regex.lastIndex++;
        const span = m.indices?.groups?.['secret'] ?? m.indices?.[0];
        const raw = m.groups?.['secret'] ?? m[0];
        if (!span) continue;
        const secret = rule.normalize ? rule.normalize(raw) : raw;
        const lineStart = text.lastIndexOf('\n', m.index - 1) + 1;
        const before = text.slice(Math.max(lineStart, m.index - 64), m.index);
        const accepted = this.accepts(rule, raw, secret, m.groups ?? {}, before);
        candidates.push({ rule, start: span[0], end: span[1], secret, accepted });
      }
    }
    const lines = new LineIndex(original);
    const out: Detection[] = [];
    for (const c of candidates) {
      if (!c.accepted) continue;
      if (c.rule.generic && candidates.some((o) => !o.rule.generic && o.start < c.end && c.start < o.end)) continue;
      const start = toOriginal(c.start);
      const end = toOriginal(Math.max(c.start, c.end - 1));
      if (INLINE_ALLOW.test(lines.lineText(start)) || INLINE_ALLOW.test(lines.lineText(end))) continue;
      const { line, column } = lines.position(start);
      out.push({ kind: c.rule.id, description: c.rule.description, line, column, secret: c.secret });
    }
    return out;
  }

  private accepts(rule: Rule, raw: string, secret: string, groups: Readonly<Record<string, string | undefined>>, before: string): boolean {
    if (rule.minEntropy !== undefined && rule.minEntropy > 0 && shannonEntropy(raw) < rule.minEntropy) return false;
    if (rule.validate && !rule.validate(raw, groups, before)) return false;
    if (isFalsePositive(raw, rule.checkPlaceholder !== false, rule.generic === true)) return false;
    if (this.filter.isAllowedSecret(secret) || (secret !== raw && this.filter.isAllowedSecret(raw))) return false;
    return true;
  }
}

/** Offset → line/column over one text, built lazily. */
class LineIndex {
  private starts: number[] | undefined;

  constructor(private readonly text: string) {}

  private lineStarts(): number[] {
    if (!this.starts) {
      const s = [0];
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) s.push(i + 1);
      this.starts = s;
    }
    return this.starts;
  }

  private lineOf(offset: number): number {
    const s = this.lineStarts();
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((s[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  position(offset: number): { line: number; column: number } {
    const idx = this.lineOf(offset);
    return { line: idx + 1, column: offset - (this.lineStarts()[idx] ?? 0) + 1 };
  }

  lineText(offset: number): string {
    const idx = this.lineOf(offset);
    const s = this.lineStarts();
    const from = s[idx] ?? 0;
    const to = s[idx + 1] ?? this.text.length;
    return this.text.slice(from, to);
  }
}
