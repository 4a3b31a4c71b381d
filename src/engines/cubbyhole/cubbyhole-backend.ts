// src/engines/cubbyhole — the `cubbyhole` secrets engine (plugin id `secrets.cubbyhole`):
// an unversioned key/value store private to each token. Every key lives in the view
// `token/<tokenKey>/` of the mount, where tokenKey is the core's storage-safe id of the
// calling token, so two tokens never see each other's keys and no path can reach another
// token's slice. When the core revokes a token it calls `onTokenRevoked`, which drops
// that token's whole slice in one transaction.
import { ArcaError } from '../../lib/errors.js';
import type { BackendFactory } from '../../framework/backend.js';
import { createPlainKvPath } from '../kv/path-kv-v1.js';

const TOKEN_PREFIX = 'token/';

/** The core hands us an HMAC-derived id; anything else is a wiring bug, not user input. */
function tokenSlice(tokenKey: string): string {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(tokenKey)) throw new Error('cubbyhole: token key is not storage-safe');
  return `${TOKEN_PREFIX}${tokenKey}/`;
}

export const createCubbyholeBackend: BackendFactory = (env) => ({
  id: 'secrets.cubbyhole',
  type: 'cubbyhole',
  kind: 'secret',
  paths: [
    createPlainKvPath((ctx) => {
      const tokenKey = ctx.req.auth?.tokenKey ?? '';
      if (tokenKey === '') throw new ArcaError('invalid_request', 'client token empty');
      return ctx.storage.sub(tokenSlice(tokenKey));
    }, 'Read, write, delete or list secrets private to the calling token.'),
  ],
  async onTokenRevoked(tokenKey: string): Promise<void> {
    const slice = tokenSlice(tokenKey);
    await env.storage.transaction(async (tx) => {
      for (const key of await tx.scan(slice)) await tx.delete(key);
    });
  },
});
