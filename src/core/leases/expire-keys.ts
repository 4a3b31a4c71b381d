// src/core/leases — the storage layout of the expiry index (all keys above the barrier):
//   sys/expire/id/<lease_id>                     the lease record (authoritative)
//   sys/expire/at/<15-digit epoch ms>/<item>     what expires when, read in key order by the reaper
//   sys/expire/token/<tokenKey>/<lease_id>       leases owned by a token (revoked with it)
//   sys/expire/revoking/<item>                   revocation intent, retried until it succeeds
// An <item> is a lease id (always contains '/', e.g. "database/creds/ro/<random>") or
// "token:<tokenKey>" for a token's own expiry (never contains '/'), so the two never collide.

export const EXPIRE_ROOT = 'sys/expire/';
export const ID_PREFIX = 'sys/expire/id/';
export const AT_PREFIX = 'sys/expire/at/';
export const TOKEN_PREFIX = 'sys/expire/token/';
export const REVOKING_PREFIX = 'sys/expire/revoking/';

const TIME_DIGITS = 15;
const TOKEN_ITEM = 'token:';

export type ExpiryItem = { readonly kind: 'lease'; readonly leaseId: string } | { readonly kind: 'token'; readonly tokenKey: string };

export const expireKeys = {
  id: (leaseId: string): string => `${ID_PREFIX}${leaseId}`,
  at: (expireMs: number, item: string): string => `${AT_PREFIX}${padTime(expireMs)}/${item}`,
  token: (tokenKey: string, leaseId: string): string => `${TOKEN_PREFIX}${tokenKey}/${leaseId}`,
  tokenLeases: (tokenKey: string): string => `${TOKEN_PREFIX}${tokenKey}/`,
  revoking: (item: string): string => `${REVOKING_PREFIX}${item}`,
  tokenItem: (tokenKey: string): string => `${TOKEN_ITEM}${tokenKey}`,
};

function padTime(ms: number): string {
  const whole = Math.max(0, Math.floor(ms));
  return String(whole).padStart(TIME_DIGITS, '0');
}

export function parseItem(item: string): ExpiryItem {
  if (item.startsWith(TOKEN_ITEM) && !item.includes('/')) return { kind: 'token', tokenKey: item.slice(TOKEN_ITEM.length) };
  return { kind: 'lease', leaseId: item };
}

/** Splits a `sys/expire/at/...` key; undefined for a malformed key (left for tidy). */
export function parseAtKey(key: string): { readonly expireMs: number; readonly item: string } | undefined {
  if (!key.startsWith(AT_PREFIX)) return undefined;
  const rest = key.slice(AT_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash !== TIME_DIGITS) return undefined;
  const digits = rest.slice(0, slash);
  if (!/^\d+$/.test(digits)) return undefined;
  const item = rest.slice(slash + 1);
  return item === '' ? undefined : { expireMs: Number(digits), item };
}
