// src/scanner — inventory import: each finding becomes one KV v2 secret whose name is
// derived from the finding's fingerprint, so re-running never imports twice (existing names
// are skipped). The vault is reached through the narrow SecretSink port; src/cli wires the
// real client, tests an in-memory sink.
import type { Clock } from '../lib/clock.js';
import { ArcaError } from '../lib/errors.js';
import type { Finding } from './finding.js';

export interface SecretSink {
  /** True when a secret already exists at `<mount>/<path>`. */
  exists(mount: string, path: string): Promise<boolean>;
  /** Writes `{"data":{"value":...}}`, then the metadata's custom_metadata. */
  write(mount: string, path: string, value: string, customMetadata: Readonly<Record<string, string>>): Promise<void>;
}

export interface ImportTarget {
  readonly mount: string;
  readonly prefix: string;
}

export interface ImportPlanEntry {
  readonly finding: Finding;
  /** Path under the mount: `<prefix>/<name>`. */
  readonly path: string;
  /** What to put in place of the secret, e.g. `arca://secret/scanned/github-pat-1a2b3c4d5e6f#value`. */
  readonly reference: string;
}

export interface ImportResult {
  readonly imported: ImportPlanEntry[];
  readonly skipped: ImportPlanEntry[];
}

const SEGMENT = /^[A-Za-z0-9._-]{1,128}$/;

/** Parses `MOUNT/PREFIX` (prefix may have several segments, or be empty). */
export function parseImportTarget(spec: string): ImportTarget {
  const parts = spec.replace(/^\/+|\/+$/g, '').split('/');
  const [mount, ...rest] = parts;
  const bad = (p: string): boolean => !SEGMENT.test(p) || p === '.' || p === '..';
  if (mount === undefined || bad(mount) || rest.some(bad)) {
    throw new ArcaError('invalid_request', `invalid import target ${JSON.stringify(spec)}: expected MOUNT/PREFIX, e.g. secret/scanned`);
  }
  return { mount, prefix: rest.join('/') };
}

export function secretNameFor(f: Finding): string {
  return `${f.kind}-${f.fingerprint.slice(0, 12)}`;
}

export function planImport(findings: readonly Finding[], target: ImportTarget): ImportPlanEntry[] {
  const seen = new Set<string>();
  const plan: ImportPlanEntry[] = [];
  for (const f of findings) {
    if (seen.has(f.fingerprint)) continue;
    seen.add(f.fingerprint);
    const path = target.prefix === '' ? secretNameFor(f) : `${target.prefix}/${secretNameFor(f)}`;
    plan.push({ finding: f, path, reference: `arca://${target.mount}/${path}#value` });
  }
  return plan;
}

const clip = (s: string): string => (s.length > 512 ? s.slice(0, 509) + '...' : s);

export function importMetadata(f: Finding, clock: Clock): Record<string, string> {
  return {
    kind: f.kind,
    source_file: clip(f.file),
    source_line: String(f.line),
    ...(f.commit ? { commit: f.commit } : {}),
    first_seen: f.date ?? new Date(clock.now()).toISOString(),
    fingerprint: f.fingerprint,
    imported_by: 'arca scan',
  };
}

export async function importSecrets(plan: readonly ImportPlanEntry[], target: ImportTarget, sink: SecretSink, clock: Clock): Promise<ImportResult> {
  const imported: ImportPlanEntry[] = [];
  const skipped: ImportPlanEntry[] = [];
  for (const entry of plan) {
    if (await sink.exists(target.mount, entry.path)) {
      skipped.push(entry);
      continue;
    }
    await sink.write(target.mount, entry.path, entry.finding.secret, importMetadata(entry.finding, clock));
    imported.push(entry);
  }
  return { imported, skipped };
}
