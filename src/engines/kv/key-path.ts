// src/engines/kv — path hygiene shared by KV v1, KV v2 and cubbyhole. A secret's path is
// part of a storage key, so it is bounded and may not contain '..' or empty segments: the
// storage layer would accept them, but they make listings ambiguous and read like
// traversal to anyone auditing a policy.
import { ArcaError } from '../../lib/errors.js';

/** Longest accepted secret path, in UTF-8 bytes (Vault has no limit; we bound every input). */
export const MAX_KEY_PATH_BYTES = 1024;

function checkSegments(path: string, what: string): void {
  if (Buffer.byteLength(path, 'utf8') > MAX_KEY_PATH_BYTES) {
    throw new ArcaError('invalid_request', `${what} is longer than ${MAX_KEY_PATH_BYTES} bytes`);
  }
  for (const segment of path.split('/')) {
    if (segment === '') throw new ArcaError('invalid_request', `${what} ${JSON.stringify(path)} has an empty segment`);
    if (segment === '..') throw new ArcaError('invalid_request', `${what} ${JSON.stringify(path)} contains a '..' segment`);
  }
}

/**
 * Validates the path of one secret ("app/db"): non-empty, no leading, trailing or doubled
 * '/', no '..' segment, at most MAX_KEY_PATH_BYTES. Returns it unchanged.
 */
export function checkKeyPath(path: string): string {
  if (path === '') throw new ArcaError('invalid_request', 'missing path');
  checkSegments(path, 'path');
  return path;
}

/**
 * The key a request that only acts on an existing secret names, or undefined when it names
 * none: '' or a folder path ending in '/'. No secret has such a name (writes that create go
 * through checkKeyPath), so the request finds nothing, as in Vault: its `data/` route does
 * not match a trailing '/' (404 for read, write, patch and delete), and its `metadata/`,
 * `subkeys/`, `delete/`, `undelete/` and `destroy/` routes look up a key that has no
 * metadata (404 for a read or patch, 204 for a delete, undelete or destroy). The folder part
 * is still checked: '..', empty segments and over-long paths stay 400.
 */
export function readableKeyPath(path: string): string | undefined {
  if (path === '') return undefined;
  if (path.endsWith('/')) {
    checkListPrefix(path);
    return undefined;
  }
  return checkKeyPath(path);
}

/**
 * Validates a listing prefix: '' (the root) or a folder path, with or without its trailing
 * '/'. Returns the storage-style prefix, always '' or ending in '/'.
 */
export function checkListPrefix(prefix: string): string {
  if (prefix === '') return '';
  const folder = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  checkSegments(folder, 'path');
  return `${folder}/`;
}
