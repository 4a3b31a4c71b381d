import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArcaError } from '../../lib/errors.js';
import { createEngineWorld } from '../../engines/kv/kv-testing.js';
import type { LogicalRequest, Operation } from '../../framework/logical.js';
import { IdentityStore } from '../identity/identity-store.js';
import { MfaManager } from './mfa-manager.js';
import { mfaIdentityPaths } from './mfa-identity-paths.js';

/** The paths over one store, with the identity store (and its merge hook) on the same one, as the core wires them. */
function world() {
  let manager: MfaManager | undefined;
  let identity: IdentityStore | undefined;
  const w = createEngineWorld((env) => {
    const mfa = new MfaManager({ storage: env.storage, clock: env.clock });
    identity = new IdentityStore({ storage: env.storage, clock: env.clock, onEntitiesMerged: (tx, merge) => mfa.mergeEnrolments(tx, merge) });
    manager = mfa;
    return { id: 'identity.test', type: 'identity', kind: 'secret', paths: mfaIdentityPaths(mfa, identity) };
  });
  if (!manager || !identity) throw new Error('no manager');
  const as = (entityId: string, op: Operation, path: string, data: Record<string, unknown> = {}) => {
    const req: LogicalRequest = {
      id: 'r', operation: op, path: `identity/${path}`, data, headers: {}, remoteAddress: '127.0.0.1', clientToken: 'hvs.x',
      mountPoint: 'identity/', mountType: 'identity', mountAccessor: 'identity_1', relativePath: path, wrapTtl: 0,
      auth: {
        accessor: 'a', policies: ['default'], tokenPolicies: ['default'], displayName: 'u', entityId, metadata: {},
        tokenType: 'service', ttl: 0, issueTime: 0, orphan: false, tokenKey: 'k',
      },
    };
    return w.handler.handle(req);
  };
  return { ...w, manager, identity, as };
}

test('TOTP method CRUD follows Vault: create returns method_id, read renders the settings, list has key_info', async () => {
  const w = world();
  const created = await w.data('update', 'mfa/method/totp', { issuer: 'Arca', method_name: 'main', digits: 8, algorithm: 'SHA512' });
  const id = created['method_id'] as string;
  assert.match(id, /^[0-9a-f-]{36}$/);
  const read = await w.data('read', `mfa/method/totp/${id}`);
  assert.equal(read['issuer'], 'Arca');
  assert.equal(read['digits'], 8);
  assert.equal(read['period'], 30);
  assert.equal(read['key_size'], 20);
  assert.equal(read['type'], 'totp');
  await w.call('update', `mfa/method/totp/${id}`, { period: '60s', skew: 0 });
  const updated = await w.data('read', `mfa/method/${id}`);
  assert.equal(updated['period'], 60);
  assert.equal(updated['algorithm'], 'SHA512');
  assert.equal(updated['skew'], 0);
  const list = await w.data('list', 'mfa/method/totp/');
  assert.deepEqual(list['keys'], [id]);
  assert.ok((list['key_info'] as Record<string, unknown>)[id]);
  assert.equal((await w.fail('update', 'mfa/method/totp', { issuer: 'x', digits: 7 })).status, 400);
  assert.equal((await w.fail('update', 'mfa/method/totp', {})).status, 400);
  assert.equal((await w.fail('update', 'mfa/method/totp', { issuer: 'x', method_name: 'main' })).status, 400);
  await w.call('delete', `mfa/method/totp/${id}`);
  assert.equal(await w.call('read', `mfa/method/totp/${id}`), undefined);
});

test('login enforcement: needs methods that exist and at least one target', async () => {
  const w = world();
  const id = (await w.data('update', 'mfa/method/totp', { issuer: 'Arca' }))['method_id'] as string;
  assert.match((await w.fail('update', 'mfa/login-enforcement/ops', { mfa_method_ids: [id] })).message, /must be specified/);
  assert.equal((await w.fail('update', 'mfa/login-enforcement/ops', { mfa_method_ids: ['nope'], auth_method_types: ['userpass'] })).status, 400);
  await w.call('update', 'mfa/login-enforcement/ops', { mfa_method_ids: [id], auth_method_types: 'userpass,ldap' });
  const e = await w.data('read', 'mfa/login-enforcement/ops');
  assert.deepEqual(e['auth_method_types'], ['userpass', 'ldap']);
  assert.deepEqual(e['mfa_method_ids'], [id]);
  assert.deepEqual((await w.data('list', 'mfa/login-enforcement/'))['keys'], ['ops']);
  assert.equal((await w.fail('delete', `mfa/method/totp/${id}`)).status, 400);
  await w.call('delete', 'mfa/login-enforcement/ops');
  assert.equal(await w.call('list', 'mfa/login-enforcement/'), undefined);
});

test('generate enrols the caller once; admin-destroy lets admin-generate enrol again', async () => {
  const w = world();
  const id = (await w.data('update', 'mfa/method/totp', { issuer: 'Arca Corp', qr_size: 120 }))['method_id'] as string;
  const res = await w.as('entity-a', 'update', 'mfa/method/totp/generate', { method_id: id });
  const url = new URL(String(res?.data?.['url']));
  assert.equal(url.protocol, 'otpauth:');
  assert.equal(url.host, 'totp');
  assert.equal(url.searchParams.get('issuer'), 'Arca Corp');
  const png = Buffer.from(String(res?.data?.['barcode']), 'base64');
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const again = await w.as('entity-a', 'update', 'mfa/method/totp/generate', { method_id: id });
  assert.equal(again?.data, undefined);
  assert.match(again?.warnings?.[0] ?? '', /already has a secret/);
  await assert.rejects(w.as('', 'update', 'mfa/method/totp/generate', { method_id: id }), (e: unknown) => e instanceof ArcaError && e.status === 400);
  await w.call('update', 'mfa/method/totp/admin-destroy', { method_id: id, entity_id: 'entity-a' });
  const admin = await w.data('update', 'mfa/method/totp/admin-generate', { method_id: id, entity_id: 'entity-a' });
  assert.notEqual(admin['url'], res?.data?.['url']);
  // The secret never leaves storage in any read of the method.
  const secret = url.searchParams.get('secret') ?? '';
  assert.ok(secret.length > 0);
  assert.doesNotMatch(JSON.stringify(await w.data('read', `mfa/method/totp/${id}`)), new RegExp(secret));
});

test('a token of a merged-away entity enrols the target; admin paths refuse the merged-away id', async () => {
  const w = world();
  const id = (await w.data('update', 'mfa/method/totp', { issuer: 'Arca' }))['method_id'] as string;
  const from = (await w.identity.writeEntity({ name: 'old' })).entity.id;
  const to = (await w.identity.writeEntity({ name: 'person' })).entity.id;
  await w.identity.mergeEntities({ toEntityId: to, fromEntityIds: [from], conflictingAliasIdsToKeep: [] });

  const res = await w.as(from, 'update', 'mfa/method/totp/generate', { method_id: id });
  const secret = new URL(String(res?.data?.['url'])).searchParams.get('secret');
  assert.equal((await w.manager.store.getSecret(id, to))?.secret, secret, 'stored under the target');
  assert.equal(await w.manager.store.getSecret(id, from), undefined, 'nothing under the merged-away id');
  // The target is enrolled: both tokens get the same warning and the secret stays.
  for (const caller of [from, to]) {
    const again = await w.as(caller, 'update', 'mfa/method/totp/generate', { method_id: id });
    assert.equal(again?.data, undefined);
    assert.match(again?.warnings?.[0] ?? '', /already has a secret/);
  }
  assert.equal((await w.manager.store.getSecret(id, to))?.secret, secret);

  for (const path of ['admin-generate', 'admin-destroy']) {
    const err = await w.fail('update', `mfa/method/totp/${path}`, { method_id: id, entity_id: from });
    assert.equal(err.status, 400);
    assert.match(err.message, new RegExp(`"${from}" was merged into entity "${to}"`));
  }
  assert.equal((await w.manager.store.getSecret(id, to))?.secret, secret, 'the refused admin-destroy left it');
  // The target's own id works on the admin paths.
  await w.call('update', 'mfa/method/totp/admin-destroy', { method_id: id, entity_id: to });
  assert.equal(await w.manager.store.getSecret(id, to), undefined);
});
