import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend, BackendEnv, LoginRenewal, LoginRenewalTerms } from '../framework/backend.js';
import type { BackendHandler } from '../framework/backend-handler.js';
import type { LogicalRequest } from '../framework/logical.js';
import { Router } from './router/router.js';
import { newMountEntry } from './router/mount-entry.js';
import type { TokenEntry } from './tokens/token-entry.js';
import { askIssuingMethod } from './login-renewal.js';

function world(answer?: LoginRenewalTerms) {
  const seen: LoginRenewal[] = [];
  const backend: Backend = {
    id: 'auth.test', type: 'test', kind: 'auth', paths: [],
    renewLogin: async (login) => {
      seen.push(login);
      return answer;
    },
  };
  const entry = newMountEntry({ table: 'auth', path: 'people', type: 'test' });
  const router = new Router();
  // The mount is tuned: its limits, not the token store's, bound the renewal.
  const env = { config: () => ({ defaultLeaseTtl: 600, maxLeaseTtl: 7200 }) } as BackendEnv;
  router.add({ entry, handler: { backend, env } as BackendHandler });
  const token = (extra: Partial<TokenEntry>): TokenEntry => ({
    id: 'k', accessor: 'a', policies: ['default'], meta: { user: 'alice' }, displayName: 'people-alice', numUses: 0,
    creationTime: 0, creationTtl: 60, ttl: 60, explicitMaxTtl: 0, period: 0, renewable: true, parent: '', orphan: true,
    path: 'auth/people/login/alice', entityId: '', type: 'service', boundCidrs: [], expireTime: 0, lastRenewalTime: 0,
    mountAccessor: entry.accessor, ...extra,
  });
  const req = { remoteAddress: '10.0.0.1' } as LogicalRequest;
  return { seen, router, token, req };
}

test("the renewal hook receives the token's stored internal login data", async () => {
  const w = world();
  await askIssuingMethod(w.router, w.token({ internal: { role: 'dev', bound: ['x'] } }), w.req);
  assert.equal(w.seen.length, 1);
  assert.deepEqual(w.seen[0]?.internal, { role: 'dev', bound: ['x'] });
  assert.deepEqual(w.seen[0]?.metadata, { user: 'alice' });
  assert.equal(w.seen[0]?.remoteAddress, '10.0.0.1');
});

test('a token that kept no internal data renews with none', async () => {
  const w = world();
  await askIssuingMethod(w.router, w.token({}), w.req);
  assert.equal(w.seen.length, 1);
  assert.equal(w.seen[0] !== undefined && 'internal' in w.seen[0], false);
});

test("the method's answer and the issuing mount's limits become the renewal's terms", async () => {
  const w = world({ ttl: 300, maxTtl: 3600, period: 0 });
  assert.deepEqual(await askIssuingMethod(w.router, w.token({}), w.req), {
    ttl: 300, maxTtl: 3600, period: 0, limits: { defaultLeaseTtl: 600, maxLeaseTtl: 7200 },
  });
  const silent = world();
  assert.deepEqual(await askIssuingMethod(silent.router, silent.token({}), silent.req), { limits: { defaultLeaseTtl: 600, maxLeaseTtl: 7200 } });
  // A token no login minted is not asked about and gets no terms.
  const created: { mountAccessor?: string } & TokenEntry = w.token({ path: 'auth/token/create' });
  delete created.mountAccessor;
  assert.equal(await askIssuingMethod(w.router, created, w.req), undefined);
  assert.equal(w.seen.length, 1);
});
