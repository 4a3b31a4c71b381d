// src/scanner — the user's scan configuration (.arca-scan.yaml, .arca-scan.yml or
// .arca-scan.json at the scan root, or --config FILE). Kept as plain data so it can be
// posted to worker threads; `compileAllowlist` turns it into matchers.
//
//   allowlist:
//     paths: ['^test/fixtures/']   # regexes on the path relative to the root
//     regexes: ['^dev-']           # regexes on the secret value
//     stopwords: ['localonly']     # a secret containing one (case-insensitive) is ignored
//   disabledRules: ['generic-secret']
//   maxFileSize: 5242880
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ArcaError } from '../lib/errors.js';
import type { SecretFilter } from './detector.js';
import { defaultRules } from './rules/rule-catalog.js';

export interface ScanConfig {
  readonly allowPaths: readonly string[];
  readonly allowRegexes: readonly string[];
  readonly stopwords: readonly string[];
  readonly disabledRules: readonly string[];
  readonly maxFileSize?: number;
}

export const CONFIG_FILE_NAMES = ['.arca-scan.yaml', '.arca-scan.yml', '.arca-scan.json'] as const;

// Lockfiles hold integrity hashes and resolved URLs, never credentials worth a finding.
const DEFAULT_ALLOW_PATHS = [
  '(?:^|/)(?:package-lock\\.json|npm-shrinkwrap\\.json|yarn\\.lock|pnpm-lock\\.yaml|bun\\.lockb|Cargo\\.lock|go\\.sum|poetry\\.lock|Pipfile\\.lock|composer\\.lock|Gemfile\\.lock|packages\\.lock\\.json|flake\\.lock)$',
  '(?:^|/)\\.arca-scan-baseline\\.json$',
];

export const emptyScanConfig: ScanConfig = { allowPaths: [], allowRegexes: [], stopwords: [], disabledRules: [] };

function stringList(value: unknown, where: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.length > 1000) || value.length > 10_000) {
    throw new ArcaError('invalid_request', `${where} must be a list of strings`);
  }
  return value as string[];
}

/** Validates a parsed config document; `source` names the file in error messages. */
export function parseScanConfig(doc: unknown, source: string): ScanConfig {
  if (doc === undefined || doc === null) return emptyScanConfig;
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ArcaError('invalid_request', `${source}: expected a mapping`);
  const d = doc as Record<string, unknown>;
  const allow = (d['allowlist'] ?? {}) as Record<string, unknown>;
  if (typeof allow !== 'object' || Array.isArray(allow)) throw new ArcaError('invalid_request', `${source}: allowlist must be a mapping`);
  const config: ScanConfig = {
    allowPaths: stringList(allow['paths'], `${source}: allowlist.paths`),
    allowRegexes: stringList(allow['regexes'], `${source}: allowlist.regexes`),
    stopwords: stringList(allow['stopwords'], `${source}: allowlist.stopwords`).map((s) => s.toLowerCase()),
    disabledRules: stringList(d['disabledRules'], `${source}: disabledRules`),
    ...(d['maxFileSize'] !== undefined ? { maxFileSize: positiveInt(d['maxFileSize'], `${source}: maxFileSize`) } : {}),
  };
  const known = new Set(defaultRules.map((r) => r.id));
  const unknown = config.disabledRules.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new ArcaError('invalid_request', `${source}: unknown rule id(s) in disabledRules: ${unknown.join(', ')}`);
  for (const re of [...config.allowPaths, ...config.allowRegexes]) compile(re, source);
  return config;
}

function positiveInt(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new ArcaError('invalid_request', `${where} must be a positive integer`);
  return v;
}

function compile(source: string, where: string): RegExp {
  try {
    return new RegExp(source);
  } catch {
    throw new ArcaError('invalid_request', `${where}: invalid regular expression ${JSON.stringify(source)}`);
  }
}

/** Loads `explicit` if given, else the first config file found in `root`, else an empty config. */
export function loadScanConfig(root: string, explicit?: string): ScanConfig {
  const file = explicit ?? CONFIG_FILE_NAMES.map((n) => join(root, n)).find((p) => existsSync(p));
  if (file === undefined) return emptyScanConfig;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ArcaError('invalid_request', `cannot read scan config ${file}`);
  }
  let doc: unknown;
  try {
    doc = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch {
    throw new ArcaError('invalid_request', `scan config ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}`);
  }
  return parseScanConfig(doc, file);
}

export interface Allowlist extends SecretFilter {
  isAllowedPath(path: string): boolean;
}

export function compileAllowlist(config: ScanConfig): Allowlist {
  const paths = [...DEFAULT_ALLOW_PATHS, ...config.allowPaths].map((p) => new RegExp(p));
  const regexes = config.allowRegexes.map((r) => new RegExp(r));
  const stopwords = config.stopwords;
  return {
    isAllowedPath: (path) => paths.some((p) => p.test(path)),
    isAllowedSecret: (secret) => {
      if (regexes.some((r) => r.test(secret))) return true;
      if (stopwords.length === 0) return false;
      const lower = secret.toLowerCase();
      return stopwords.some((w) => lower.includes(w));
    },
  };
}
