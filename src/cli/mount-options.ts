// src/cli — helpers shared by the mount-managing commands (secrets, audit): mount path
// normalisation (`kv` → `kv/`), `-options=k=v` lists, and the TTL cells of a mount table.
import { UsageError } from './flags.js';
import { humanDuration } from './format-value.js';
import { asNumber } from './json-shape.js';

/** `/a/b` → `a/b/`: Vault shows and compares mount paths with one trailing slash. */
export function mountPath(raw: string): string {
  const trimmed = raw.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') throw new UsageError('A mount path is required');
  return `${trimmed}/`;
}

/** The URL form of a mount path (`a/b/` → `a/b`); segments are encoded, slashes kept. */
export function mountUrl(path: string): string {
  return path
    .replace(/\/+$/, '')
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

export function optionsFromList(flag: string, items: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`-${flag} takes key=value`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** A TTL cell: `system` when the mount inherits the system default (0). */
export function ttlCell(value: unknown): string {
  const n = asNumber(value) ?? 0;
  return n === 0 ? 'system' : humanDuration(n);
}
