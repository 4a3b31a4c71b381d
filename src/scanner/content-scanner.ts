// src/scanner — turns text plus its origin (file, commit) into Findings: the Detector with
// the user's allowlist, path allowlisting and fingerprints. Stateless apart from compiled
// rules, so each worker thread builds its own from the same ScanConfig data.
import { Detector } from './detector.js';
import type { Finding } from './finding.js';
import { fingerprintOf } from './fingerprint.js';
import { selectRules } from './rules/rule-catalog.js';
import type { Allowlist, ScanConfig } from './scan-config.js';
import { compileAllowlist } from './scan-config.js';

export interface Origin {
  readonly file: string;
  readonly commit?: string;
  readonly author?: string;
  readonly email?: string;
  readonly date?: string;
}

export class ContentScanner {
  private readonly detector: Detector;
  private readonly allowlist: Allowlist;

  constructor(config: ScanConfig) {
    this.allowlist = compileAllowlist(config);
    this.detector = new Detector(selectRules(config.disabledRules), this.allowlist);
  }

  isAllowedPath(file: string): boolean {
    return this.allowlist.isAllowedPath(file);
  }

  /** `lineMap`, when given, maps 1-based text lines to real file lines (diff hunks). */
  scan(text: string, origin: Origin, lineMap?: readonly number[]): Finding[] {
    if (this.isAllowedPath(origin.file)) return [];
    return this.detector.detect(text).map((d) => ({
      ...d,
      ...origin,
      line: lineMap ? (lineMap[d.line - 1] ?? d.line) : d.line,
      fingerprint: fingerprintOf(d.kind, d.secret, origin.file),
    }));
  }
}
