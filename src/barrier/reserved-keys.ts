// src/barrier — the physical keys owned by the barrier and the seal. They are stored
// outside the barrier's per-entry encryption (the keyring is sealed under the root key, the
// seal config is plaintext so it can be read while sealed), so the barrier refuses to read
// or write them as ordinary entries and hides them from list/scan. Everything else under
// `core/` (mount tables, policies...) is an ordinary encrypted entry.

export const RESERVED_KEYS = {
  /** The keyring, AES-256-GCM under the root key (AAD "core/keyring"). */
  keyring: 'core/keyring',
  /** The seal configuration as plaintext JSON: readable while sealed. */
  sealConfig: 'core/seal-config',
  /** The root key sealed by an auto-unseal key source (key-file mode only). */
  rootKey: 'core/root-key',
} as const;

const reserved: ReadonlySet<string> = new Set(Object.values(RESERVED_KEYS));

export function isReservedKey(key: string): boolean {
  return reserved.has(key);
}
