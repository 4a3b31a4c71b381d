// src/engines/kv — JSON Merge Patch (RFC 7386), used by PATCH on KV v2 data and metadata.
// A patch object merges key by key into the target, `null` removes a key, and any
// non-object patch replaces the target outright. Inputs are never mutated. Keys are
// defined as own data properties so a "__proto__" key stays an ordinary key.
import { ArcaError } from '../../lib/errors.js';
import { isJsonObject } from './json-entry.js';

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = {};
  if (isJsonObject(target)) {
    for (const [key, value] of Object.entries(target)) setOwn(out, key, structuredClone(value));
  }
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete out[key];
      continue;
    }
    const current = Object.prototype.hasOwnProperty.call(out, key) ? out[key] : undefined;
    setOwn(out, key, mergePatch(current, value));
  }
  return out;
}

/**
 * PATCH bodies must be declared as merge patches (Vault answers 415 otherwise); a
 * charset or other parameter after the media type is allowed.
 */
export function requireMergePatch(headers: Readonly<Record<string, string>>): void {
  const type = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/merge-patch+json') {
    throw new ArcaError('unsupported_media_type', 'PATCH requires Content-Type of application/merge-patch+json');
  }
}
