// src/engines/kv — `subkeys/:path` of KV v2: the shape of a version without its values.
// Every leaf becomes null; nested objects are walked down to `depth` levels (0 = all),
// below which they too become null. Arrays and empty objects are leaves (as in Vault).
import { ArcaError } from '../../lib/errors.js';
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import { field } from '../../framework/field.js';
import { readableKeyPath } from './key-path.js';
import { isJsonObject } from './json-entry.js';
import { readVersion } from './read-version.js';

/** Replaces values by null, keeping object structure down to `depth` levels (0 = unlimited). */
export function subkeysOf(data: Readonly<Record<string, unknown>>, depth: number, level = 1): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    const descend = isJsonObject(value) && Object.keys(value).length > 0 && (depth === 0 || level < depth);
    const shape = descend ? subkeysOf(value, depth, level + 1) : null;
    Object.defineProperty(out, key, { value: shape, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export const pathSubkeys: AnyPathSpec = definePath({
  pattern: 'subkeys/(?<path>.*)',
  pureReads: true,
  fields: {
    path: field.string().required('Location of the secret.'),
    // As in Vault: a version <= 0 is the current one; a negative depth keeps only the top keys.
    version: field.int().optional('The version to describe (0, negative or absent: the current one).'),
    depth: field.int(-1_000_000, 1_000_000).optional('How deep to walk nested objects (0 = no limit).'),
  },
  summary: 'The keys of a secret version, with values replaced by null.',
  operations: {
    read: async ({ fields: f, storage, clock }) => {
      const path = readableKeyPath(f.path);
      if (path === undefined) return undefined;
      const result = await readVersion(storage, path, f.version ?? 0, clock.now());
      if (result.kind === 'missing') return undefined;
      if (result.kind === 'gone') throw new ArcaError('not_found', '', { data: { subkeys: null, metadata: result.metadata } });
      return { data: { subkeys: subkeysOf(result.data, f.depth ?? 0), metadata: result.metadata } };
    },
  },
});
