// Login tokens and the auth mount that minted them: the accessor and `internal` are stored,
// `internal` is never shown, the sys/token/mount/ index is written with the token and removed
// with its records, and revokeByMount revokes a mount's tokens (and their children) by range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../lib/clock.js';
import type { ResponseAuth } from '../../framework/logical.js';
import { InmemPhysical } from '../../storage/inmem/inmem-physical.js';
import { LeaseManager } from '../leases/lease-manager.js';
import { TokenStore } from './token-store.js';
import { authBlock } from './token-response.js';
import { MOUNT_PREFIX, tokenKeys } from './token-records.js';

function world(identity: Record<string, readonly string[]> = {}) {
  const storage = new InmemPhysical();
  const clock = new FakeClock();
  const leases = new LeaseManager({ storage, clock, revoker: { renew: async () => undefined, revoke: async () => undefined } });
  const revoked: string[] = [];
  const tokens = new TokenStore({
    storage, clock, leases,
    onRevoked: async (k) => void revoked.push(k),
    identityPolicies: async (entityId) => identity[entityId] ?? [],
  });
  return { storage, clock, tokens, revoked };
}

const LOGIN: ResponseAuth = {
  policies: ['dev'], displayName: 'userpass-alice', metadata: { username: 'alice' }, ttl: 600, maxTtl: 0, period: 0,
  explicitMaxTtl: 0, numUses: 0, renewable: true, boundCidrs: [],
};
const CONFIG = { defaultLeaseTtl: 600, maxLeaseTtl: 3600 };

function loginOn(tokens: TokenStore, mountAccessor: string, extra: Partial<ResponseAuth> = {}, entityId = '') {
  return tokens.createForLogin({ ...LOGIN, ...extra }, { path: 'auth/userpass/login/alice', mountAccessor, mountConfig: CONFIG, entityId });
}

test('a login token records its mount accessor and internal data, which no view shows', async () => {
  const { tokens, storage, clock } = world();
  const created = await loginOn(tokens, 'jwt_1234abcd', { internal: { role: 'secret-role-name' } });
  const entry = await tokens.lookup(created.token);
  assert.equal(entry?.mountAccessor, 'jwt_1234abcd');
  assert.deepEqual(entry?.internal, { role: 'secret-role-name' });
  assert.ok(await storage.get(tokenKeys.mountToken('jwt_1234abcd', created.entry.id)));
  const views = [tokens.lookupResponse(entry!, created.token), await tokens.lookupData(entry!), tokens.toRequestAuth(entry!), authBlock(entry!, created.token, clock.now())];
  for (const view of views) assert.ok(!JSON.stringify(view).includes('secret-role-name'), JSON.stringify(view));
  // Tokens no login minted carry neither, and are not indexed.
  const root = await tokens.createRoot();
  const child = await tokens.create({ policies: ['dev'] }, root.entry);
  assert.equal(child.entry.mountAccessor, undefined);
  assert.deepEqual(await storage.scan(MOUNT_PREFIX), [tokenKeys.mountToken('jwt_1234abcd', created.entry.id)]);
  await assert.rejects(loginOn(tokens, 'bad/accessor'), /invalid auth mount accessor/);
});

test('revoking a token removes its mount index entry', async () => {
  const { tokens, storage } = world();
  const created = await loginOn(tokens, 'userpass_00000001');
  await tokens.revoke(created.token);
  assert.deepEqual(await storage.scan(MOUNT_PREFIX), []);
});

test('revokeByMount revokes the mount tokens and their children, and only those', async () => {
  const { tokens, storage, revoked } = world();
  const mine = [];
  for (let i = 0; i < 1203; i++) mine.push(await loginOn(tokens, 'userpass_00000001'));
  const first = mine[0]!;
  const child = await tokens.create({ policies: ['dev'] }, first.entry);
  const grandchild = await tokens.create({ policies: ['dev'] }, child.entry);
  const other = await loginOn(tokens, 'approle_00000002');
  // A dangling index entry (its token is gone) is cleared, not looped over.
  const dangling = 'f'.repeat(64);
  await storage.put(tokenKeys.mountToken('userpass_00000001', dangling), new Uint8Array(0));

  const started = performance.now();
  const count = await tokens.revokeByMount('userpass_00000001');
  const ms = performance.now() - started;
  assert.equal(count, 1204);
  for (const t of [first, mine[1202]!, child, grandchild]) assert.equal(await tokens.lookup(t.token), undefined);
  assert.ok(revoked.includes(grandchild.entry.id) && revoked.includes(child.entry.id));
  assert.ok((await tokens.lookup(other.token)) !== undefined);
  assert.deepEqual(await storage.scan(tokenKeys.mountTokens('userpass_00000001')), []);
  assert.equal((await tokens.listAccessors()).length, 1);
  assert.equal(await tokens.revokeByMount('userpass_00000001'), 0);
  assert.equal(await tokens.revokeByMount('no/such'), 0);
  console.log(`# revokeByMount: 1205 trees (1207 tokens) on inmem in ${ms.toFixed(0)} ms`);
});

test('lookupData shows identity_policies for a token with an entity that has some', async () => {
  const { tokens } = world({ 'entity-1': ['dev-group', 'ext-group'], 'entity-2': [] });
  const member = await loginOn(tokens, 'userpass_00000001', {}, 'entity-1');
  const data = await tokens.lookupData(member.entry, member.token);
  assert.deepEqual(data['identity_policies'], ['dev-group', 'ext-group']);
  assert.deepEqual(data['external_namespace_policies'], {});
  assert.deepEqual(data['policies'], ['default', 'dev']);
  const loner = await loginOn(tokens, 'userpass_00000001', {}, 'entity-2');
  assert.equal('identity_policies' in (await tokens.lookupData(loner.entry)), false);
  const root = await tokens.createRoot();
  assert.equal('identity_policies' in (await tokens.lookupData(root.entry)), false);
});
