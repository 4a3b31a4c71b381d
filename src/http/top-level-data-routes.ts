// src/http — the sys/ routes whose answer repeats each `data` key at the top level of the
// body, before the envelope fields (Vault's injectDataIntoTopRoutes and HTTPSysInjector,
// kept for clients of its pre-0.6 sys API: node-vault's `auths()` / `mounts()` examples test
// `result['approle/']`, `getPolicy()` callers read `result.rules`). An envelope field
// wins over a data key of the same name, as a JSON parser keeps the last.

/** Routes answered with top-level data when the path is exactly one of these. */
const EXACT = new Set([
  'sys/audit',
  'sys/auth',
  'sys/config/cors',
  'sys/config/auditing/request-headers',
  'sys/capabilities',
  'sys/capabilities-accessor',
  'sys/capabilities-self',
  'sys/ha-status',
  'sys/key-status',
  'sys/mounts',
  'sys/policy',
  'sys/rekey/backup',
  'sys/rekey/recovery-key-backup',
  'sys/remount',
  'sys/rotate',
  'sys/wrapping/wrap',
]);

/** Routes answered with top-level data for every path below them (Go ServeMux subtrees). */
const SUBTREES = ['sys/audit/', 'sys/audit-hash/', 'sys/auth/', 'sys/config/auditing/request-headers/', 'sys/mounts/', 'sys/policy/'];

/** Whether the answer to `path` (relative to /v1/) carries its data at the top level too. */
export function injectsDataAtTopLevel(path: string): boolean {
  if (!path.startsWith('sys/')) return false;
  return EXACT.has(path) || SUBTREES.some((prefix) => path.startsWith(prefix));
}
