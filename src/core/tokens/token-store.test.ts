import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../lib/clock.js';
import { ArcaError } from '../../lib/errors.js';
import { InmemPhysical } from '../../storage/inmem/inmem-physical.js';
import { LeaseManager } from '../leases/lease-manager.js';
import type { LeaseEntry } from '../leases/lease-entry.js';
import { TokenStore } from './token-store.js';

function world(config = { defaultLeaseTtl: 768 * 3600, maxLeaseTtl: 768 * 3600 }) {
  const storage = new InmemPhysical();
  const clock = new FakeClock();
  const revokedLeases: string[] = [];
  const revokedTokens: string[] = [];
  const leases = new LeaseManager({
    storage, clock,
    revoker: { renew: async () => undefined, revoke: async (l: LeaseEntry) => void revokedLeases.push(l.leaseId) },
  });
  const tokens = new TokenStore({ storage, clock, leases, config: () => config, onRevoked: async (k) => void revokedTokens.push(k) });
  return { storage, clock, leases, tokens, revokedLeases, revokedTokens };
}

const is = (status: number) => (e: unknown) => e instanceof ArcaError && e.status === status;

test('tokens are random hvs. ids stored only as HMACs; lookup resolves them', async () => {
  const { tokens, storage } = world();
  const root = await tokens.createRoot();
  assert.match(root.token, /^hvs\.[A-Za-z0-9]{24}$/);
  assert.deepEqual(root.entry.policies, ['root']);
  assert.equal(root.entry.expireTime, 0);
  const child = await tokens.create({ policies: ['dev'] }, root.entry);
  assert.deepEqual(child.entry.policies, ['default', 'dev']);
  assert.equal(child.entry.parent, root.entry.id);
  assert.equal((await tokens.lookup(child.token))?.accessor, child.entry.accessor);
  assert.equal(await tokens.lookup('hvs.nope'), undefined);
  assert.equal(await tokens.lookup(''), undefined);
  for (const key of await storage.scan('')) {
    const text = Buffer.from((await storage.get(key)) ?? []).toString('utf8');
    assert.ok(!key.includes(child.token) && !text.includes(child.token), `raw token found under ${key}`);
    assert.ok(!key.includes(root.token) && !text.includes(root.token));
  }
  const dev = await tokens.createRoot('root');
  assert.equal(dev.token, 'root');
  assert.equal((await tokens.lookup('root'))?.id, dev.entry.id);
  await assert.rejects(tokens.createRoot('root'), is(400));
});

test('ttl: default 768h, explicit max caps ttl, mount max caps ttl, root has none', async () => {
  const { tokens } = world({ defaultLeaseTtl: 3600, maxLeaseTtl: 7200 });
  const root = await tokens.createRoot();
  assert.equal((await tokens.create({}, root.entry)).entry.ttl, 0, 'child of root inherits root: no ttl');
  assert.equal((await tokens.create({ policies: ['a'] }, root.entry)).entry.ttl, 3600);
  assert.equal((await tokens.create({ policies: ['a'], ttl: 600, explicitMaxTtl: 300 }, root.entry)).entry.ttl, 300);
  const capped = await tokens.create({ policies: ['a'], ttl: 99999 }, root.entry);
  assert.equal(capped.entry.ttl, 7200);
  assert.match(capped.warnings[0] ?? '', /capped/);
  assert.equal((await tokens.create({ policies: ['a'], period: 60 }, root.entry)).entry.ttl, 60);
});

test('renew: capped by the max from creation; periodic tokens renew to the period forever; non-renewable is 400', async () => {
  const { tokens, clock } = world({ defaultLeaseTtl: 3600, maxLeaseTtl: 7200 });
  const root = await tokens.createRoot();
  const t = await tokens.create({ policies: ['a'], ttl: 7200 }, root.entry);
  clock.advance(5000_000);
  const r = await tokens.renew(t.token, 3600);
  assert.equal(r.entry.ttl, 2200);
  assert.match(r.warnings[0] ?? '', /capped/);
  const p = await tokens.create({ policies: ['a'], period: 600 }, root.entry);
  for (let i = 0; i < 30; i++) {
    clock.advance(500_000);
    assert.equal((await tokens.renew(p.token, 0)).entry.ttl, 600);
  }
  assert.equal(tokens.lookupResponse((await tokens.lookup(p.token))!)['ttl'], 600);
  const e = await tokens.create({ policies: ['a'], explicitMaxTtl: 1000, ttl: 900 }, root.entry);
  clock.advance(800_000);
  assert.equal((await tokens.renew(e.token, 900)).entry.ttl, 200);
  const n = await tokens.create({ policies: ['a'], renewable: false }, root.entry);
  await assert.rejects(tokens.renew(n.token, 10), is(400));
  await assert.rejects(tokens.renew('hvs.unknown', 10), is(400));
});

test('renew with terms: the TTL, max TTL, period, explicit max and limits decided at renewal replace the recorded ones', async () => {
  const { tokens, clock } = world({ defaultLeaseTtl: 3600, maxLeaseTtl: 7200 });
  const root = await tokens.createRoot();
  const t = await tokens.create({ policies: ['a'], ttl: 1800 }, root.entry);
  // No increment: the terms' TTL replaces the creation TTL.
  assert.equal((await tokens.renew(t.token, 0, { ttl: 600 })).entry.ttl, 600);
  assert.equal((await tokens.renew(t.token, 0)).entry.ttl, 1800);
  // A max TTL counted from creation: 1000s in, a 1200s max leaves 200s.
  clock.advance(1000_000);
  const capped = await tokens.renew(t.token, 3600, { maxTtl: 1200 });
  assert.equal(capped.entry.ttl, 200);
  assert.match(capped.warnings[0] ?? '', /capped/);
  await assert.rejects(tokens.renew(t.token, 0, { maxTtl: 900 }), (e: unknown) => is(400)(e) && /past the max TTL/.test((e as Error).message));
  // A period makes it periodic (beyond the mount max: the period is what renews it)...
  for (let i = 0; i < 20; i++) {
    assert.equal((await tokens.renew(t.token, 0, { period: 900 })).entry.ttl, 900);
    clock.advance(800_000);
  }
  // ...unless an explicit max is set: counted from creation, it ends the token.
  await assert.rejects(tokens.renew(t.token, 0, { period: 900, explicitMaxTtl: 3600 }), is(400));
  // Period 0 in the terms un-periodics a token created periodic: the mount max applies again.
  const p = await tokens.create({ policies: ['a'], period: 600 }, root.entry);
  for (let i = 0; i < 16; i++) {
    clock.advance(500_000);
    assert.equal((await tokens.renew(p.token, 0)).entry.ttl, 600);
  }
  await assert.rejects(tokens.renew(p.token, 0, { period: 0 }), is(400));
  // The limits given (the issuing mount's) replace the store's.
  const l = await tokens.create({ policies: ['a'] }, root.entry);
  assert.equal((await tokens.renew(l.token, 0, { ttl: 0, limits: { defaultLeaseTtl: 120, maxLeaseTtl: 240 } })).entry.ttl, 120);
  assert.equal((await tokens.renew(l.token, 9999, { limits: { defaultLeaseTtl: 120, maxLeaseTtl: 240 } })).entry.ttl, 240);
});

test('policy rules: subset of parent, root only from root, orphan needs root or sudo', async () => {
  const { tokens } = world();
  const root = await tokens.createRoot();
  const dev = await tokens.create({ policies: ['dev', 'ops'] }, root.entry);
  await assert.rejects(tokens.create({ policies: ['admin'] }, dev.entry), is(403));
  await assert.rejects(tokens.create({ policies: ['root'] }, dev.entry), is(400));
  await assert.rejects(tokens.create({ policies: ['dev'], orphan: true }, dev.entry), is(403));
  await assert.rejects(tokens.create({ id: 'custom' }, dev.entry), is(400));
  assert.deepEqual((await tokens.create({ policies: ['dev'] }, dev.entry)).entry.policies, ['default', 'dev']);
  assert.deepEqual((await tokens.create({}, dev.entry)).entry.policies, ['default', 'dev', 'ops']);
  assert.deepEqual((await tokens.create({ policies: ['dev'], noDefaultPolicy: true }, dev.entry)).entry.policies, ['dev']);
  const sudoChild = await tokens.create({ policies: ['admin'], orphan: true }, dev.entry, { sudo: true });
  assert.equal(sudoChild.entry.orphan, true);
  assert.equal(sudoChild.entry.parent, '');
});

test('entity: a child inherits its parent\'s entity; an orphan (no_parent, create-orphan, orphan role) has none unless one is given', async () => {
  const { tokens } = world();
  const login = await tokens.createForLogin(
    { policies: ['dev'], displayName: 'userpass-alice', metadata: {}, ttl: 0, maxTtl: 0, period: 0, explicitMaxTtl: 0, numUses: 0, renewable: true, boundCidrs: [] },
    { path: 'auth/userpass/login/alice', mountAccessor: 'userpass_0000', mountConfig: { defaultLeaseTtl: 300, maxLeaseTtl: 3600 }, entityId: 'ent-alice' },
  );
  const parent = login.entry;
  assert.equal(parent.entityId, 'ent-alice');
  const entityOf = async (params: Parameters<TokenStore['create']>[0], sudo = false) => (await tokens.create(params, parent, { sudo })).entry;

  const child = await entityOf({});
  assert.equal(child.entityId, 'ent-alice');
  assert.equal(child.parent, parent.id);
  // A grandchild through a plain child still carries it.
  assert.equal((await tokens.create({}, child)).entry.entityId, 'ent-alice');
  // no_parent (sudo) and the create-orphan path both set `orphan`.
  for (const path of ['auth/token/create', 'auth/token/create-orphan']) {
    const orphan = await entityOf({ orphan: true, path }, true);
    assert.equal(orphan.orphan, true, path);
    assert.equal(orphan.entityId, '', path);
  }
  // A role decides orphan status; its tokens inherit only when they are children.
  assert.equal((await entityOf({ role: { name: 'orph', orphan: true, decidesPolicies: false } })).entityId, '');
  assert.equal((await entityOf({ role: { name: 'kid', orphan: false, decidesPolicies: false } })).entityId, 'ent-alice');
  // An explicit entity (entity_alias) wins over both rules; an empty one is no entity.
  assert.equal((await entityOf({ entityId: 'ent-svc', role: { name: 'orph', orphan: true, decidesPolicies: false } })).entityId, 'ent-svc');
  assert.equal((await entityOf({ entityId: 'ent-svc', role: { name: 'kid', orphan: false, decidesPolicies: false } })).entityId, 'ent-svc');
  assert.equal((await entityOf({ entityId: '' })).entityId, 'ent-alice');
  // Root (no entity) passes on none, orphan or not.
  const root = await tokens.createRoot();
  assert.equal((await tokens.create({ policies: ['a'] }, root.entry)).entry.entityId, '');
  assert.equal((await tokens.create({ policies: ['a'], orphan: true }, root.entry)).entry.entityId, '');
});

test('bound CIDRs: a child without a role copies its parent\'s; a role\'s own apply (none if it has none); an orphan without a role has none', async () => {
  const { tokens } = world();
  const login = await tokens.createForLogin(
    { policies: ['dev'], displayName: 'userpass-alice', metadata: {}, ttl: 0, maxTtl: 0, period: 0, explicitMaxTtl: 0, numUses: 0, renewable: true, boundCidrs: ['10.0.0.0/8'] },
    { path: 'auth/userpass/login/alice', mountAccessor: 'userpass_0000', mountConfig: { defaultLeaseTtl: 300, maxLeaseTtl: 3600 } },
  );
  const parent = login.entry;
  const cidrsOf = async (params: Parameters<TokenStore['create']>[0], from = parent, sudo = false) => (await tokens.create(params, from, { sudo })).entry.boundCidrs;

  const child = (await tokens.create({}, parent)).entry;
  assert.deepEqual(child.boundCidrs, ['10.0.0.0/8']);
  // A grandchild through a plain child still carries them.
  assert.deepEqual(await cidrsOf({}, child), ['10.0.0.0/8']);
  // An orphan made without a role (no_parent with sudo, create-orphan) has none.
  assert.deepEqual(await cidrsOf({ orphan: true }, parent, true), []);
  assert.deepEqual(await cidrsOf({ orphan: true, path: 'auth/token/create-orphan' }, parent, true), []);
  // Through a role, the role's list applies, child or orphan, and none when it has none.
  assert.deepEqual(await cidrsOf({ boundCidrs: ['192.168.0.0/16'], role: { name: 'kid', orphan: false, decidesPolicies: false } }), ['192.168.0.0/16']);
  assert.deepEqual(await cidrsOf({ boundCidrs: ['192.168.0.0/16'], role: { name: 'orph', orphan: true, decidesPolicies: false } }), ['192.168.0.0/16']);
  assert.deepEqual(await cidrsOf({ boundCidrs: [], role: { name: 'kid', orphan: false, decidesPolicies: false } }), []);
  // A parent without bound CIDRs passes on none.
  const root = await tokens.createRoot();
  assert.deepEqual(await cidrsOf({ policies: ['a'] }, root.entry), []);
});

test('revoking a parent revokes the subtree and all their leases; hooks see every token', async () => {
  const { tokens, leases, revokedLeases, revokedTokens, storage } = world();
  const root = await tokens.createRoot();
  const a = await tokens.create({ policies: ['p'] }, root.entry);
  const b = await tokens.create({ policies: ['p'] }, a.entry);
  const c = await tokens.create({ policies: ['p'] }, b.entry);
  const other = await tokens.create({ policies: ['p'] }, root.entry);
  const mountConfig = { defaultLeaseTtl: 60, maxLeaseTtl: 120 };
  const secret = { type: 'x', ttl: 0, renewable: true, internal: {} };
  const la = await leases.register({ path: 'db/creds/r', secret, mountAccessor: 'm', tokenKey: a.entry.id, mountConfig });
  const lc = await leases.register({ path: 'db/creds/r', secret, mountAccessor: 'm', tokenKey: c.entry.id, mountConfig });
  const lo = await leases.register({ path: 'db/creds/r', secret, mountAccessor: 'm', tokenKey: other.entry.id, mountConfig });
  await tokens.revoke(a.token);
  assert.deepEqual(revokedTokens, [c.entry.id, b.entry.id, a.entry.id], 'children first');
  assert.deepEqual(revokedLeases.sort(), [la.leaseId, lc.leaseId].sort());
  for (const t of [a, b, c]) assert.equal(await tokens.lookup(t.token), undefined);
  assert.ok(await tokens.lookup(other.token));
  assert.ok(await leases.get(lo.leaseId));
  assert.deepEqual(await storage.scan(`sys/token/parent/${a.entry.id}/`), []);
  assert.deepEqual(await storage.scan('sys/expire/revoking/'), []);
  assert.equal((await tokens.listAccessors()).length, 2);
});

test('a deep chain is revoked without recursion', async () => {
  const { tokens, revokedTokens } = world();
  const root = await tokens.createRoot();
  let parent = (await tokens.create({ policies: ['p'] }, root.entry)).entry;
  const top = parent;
  for (let i = 0; i < 1000; i++) parent = (await tokens.create({}, parent)).entry;
  await tokens.revokeByKey(top.id);
  assert.equal(revokedTokens.length, 1001);
  assert.equal(revokedTokens[0], parent.id);
  assert.equal((await tokens.listAccessors()).length, 1);
});

test('revoke-orphan keeps the children as orphans', async () => {
  const { tokens } = world();
  const root = await tokens.createRoot();
  const a = await tokens.create({ policies: ['p'] }, root.entry);
  const b = await tokens.create({ policies: ['p'] }, a.entry);
  const c = await tokens.create({ policies: ['p'] }, b.entry);
  await tokens.revokeOrphan(a.token);
  assert.equal(await tokens.lookup(a.token), undefined);
  const bb = await tokens.lookup(b.token);
  assert.equal(bb?.orphan, true);
  assert.equal(bb?.parent, '');
  assert.equal((await tokens.lookup(c.token))?.parent, b.entry.id);
});

test('num_uses: the last use marks the token dead and revocation follows', async () => {
  const { tokens } = world();
  const root = await tokens.createRoot();
  const t = await tokens.create({ policies: ['p'], numUses: 2 }, root.entry);
  const first = await tokens.use((await tokens.lookup(t.token))!);
  assert.deepEqual([first?.exhausted, first?.entry.numUses], [false, 1]);
  const second = await tokens.use((await tokens.lookup(t.token))!);
  assert.deepEqual([second?.exhausted, second?.entry.numUses], [true, 0]);
  assert.equal(await tokens.lookup(t.token), undefined, 'dead for every other request');
  assert.equal(await tokens.use(t.entry), undefined);
  await tokens.revokeByKey(t.entry.id);
  assert.equal(await tokens.lookupAccessor(t.entry.accessor), undefined);
  const unlimited = await tokens.use(root.entry);
  assert.equal(unlimited?.exhausted, false);
});

test('accessors: lookup, list, revoke', async () => {
  const { tokens } = world();
  const root = await tokens.createRoot();
  const t = await tokens.create({ policies: ['p'] }, root.entry);
  assert.equal((await tokens.lookupAccessor(t.entry.accessor))?.id, t.entry.id);
  assert.deepEqual((await tokens.listAccessors()).sort(), [root.entry.accessor, t.entry.accessor].sort());
  assert.equal(await tokens.revokeAccessor(t.entry.accessor), true);
  assert.equal(await tokens.revokeAccessor(t.entry.accessor), false);
  assert.equal(await tokens.lookupAccessor('nope/../x'), undefined);
});

test('an expired token is unusable before the reaper runs; the reaper then revokes it and its children', async () => {
  const { tokens, clock, storage, leases, revokedTokens } = world({ defaultLeaseTtl: 60, maxLeaseTtl: 120 });
  const root = await tokens.createRoot();
  const t = await tokens.create({ policies: ['p'] }, root.entry);
  const child = await tokens.create({ policies: ['p'], ttl: 120 }, t.entry);
  clock.advance(61_000);
  assert.equal(await tokens.lookup(t.token), undefined);
  assert.ok(await storage.get(`sys/token/id/${t.entry.id}`), 'not reaped yet');
  await assert.rejects(tokens.create({ policies: ['p'] }, t.entry), is(403));
  assert.equal(await leases.reapExpired(), 1);
  assert.deepEqual(revokedTokens, [child.entry.id, t.entry.id]);
  assert.equal(await storage.get(`sys/token/id/${child.entry.id}`), undefined);
  assert.deepEqual(await storage.scan('sys/expire/'), []);
});

test('lookup data and request auth follow Vault', async () => {
  const { tokens, clock } = world();
  const root = await tokens.createRoot();
  const t = await tokens.create({ policies: ['p'], displayName: 'ci bot', meta: { team: 'x' }, ttl: 3600 }, root.entry);
  clock.advance(100_000);
  const data = tokens.lookupResponse(t.entry, t.token);
  assert.equal(data['id'], t.token);
  assert.equal(data['display_name'], 'token-ci-bot');
  assert.equal(data['ttl'], 3500);
  assert.equal(data['creation_ttl'], 3600);
  assert.equal(data['expire_time'], '2026-01-01T01:00:00.000Z');
  assert.deepEqual(data['meta'], { team: 'x' });
  assert.equal(tokens.lookupResponse(t.entry)['id'], '');
  const auth = tokens.toRequestAuth(t.entry);
  assert.equal(auth.tokenKey, t.entry.id);
  // Vault's te.TTL (audit's token_ttl): what was granted, not what is left.
  assert.equal(auth.ttl, 3600);
  assert.equal(auth.issueTime, t.entry.creationTime);
  // A shared (frozen) entry answers one frozen RequestAuth, so per-token work is remembered.
  const shared = Object.freeze({ ...t.entry });
  assert.equal(tokens.toRequestAuth(shared), tokens.toRequestAuth(shared));
  assert.ok(Object.isFrozen(tokens.toRequestAuth(shared)));
  assert.notEqual(tokens.toRequestAuth(t.entry), tokens.toRequestAuth(t.entry), 'a mutable entry gets a fresh one');
});

test('createForLogin mints an orphan from ResponseAuth within the mount limits', async () => {
  const { tokens } = world();
  const created = await tokens.createForLogin(
    { policies: ['Dev', 'dev'], displayName: 'userpass-alice', metadata: { username: 'alice' }, ttl: 9999, maxTtl: 600, period: 0, explicitMaxTtl: 0, numUses: 0, renewable: true, boundCidrs: [] },
    { path: 'auth/userpass/login/alice', mountAccessor: 'userpass_0000', mountConfig: { defaultLeaseTtl: 300, maxLeaseTtl: 3600 } },
  );
  assert.deepEqual(created.entry.policies, ['default', 'dev']);
  assert.equal(created.entry.ttl, 600);
  assert.equal(created.entry.orphan, true);
  assert.equal((await tokens.lookup(created.token))?.path, 'auth/userpass/login/alice');
});
