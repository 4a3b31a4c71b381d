// src/engines/kv — JSON values over the byte-oriented storage contract. Engines store
// plain JSON (the barrier below encrypts it); a value that is not valid JSON is a
// corrupted entry, an unexpected failure, so it throws a plain Error.
import type { StorageReader, StorageWriter } from '../../storage/storage.js';
import { readShared } from '../../storage/storage.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export async function readJson(storage: StorageReader, key: string): Promise<unknown> {
  const raw = await storage.get(key);
  return raw === undefined ? undefined : parseJsonBytes(raw);
}

/** Stored bytes → JSON value (module-level, so shared parsed entries match it by identity). */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  return JSON.parse(decoder.decode(bytes)) as unknown;
}

/**
 * readJson for read-only callers: the value may be shared with other readers and frozen
 * (see storage's readShared), so it must not be changed.
 */
export function readJsonShared(storage: StorageReader, key: string): Promise<unknown> {
  return readShared(storage, key, parseJsonBytes);
}

export async function writeJson(storage: StorageWriter, key: string, value: unknown): Promise<void> {
  await storage.put(key, encoder.encode(JSON.stringify(value)));
}

/** A JSON object from storage or a request, checked to be a plain object. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
