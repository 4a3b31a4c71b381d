// Login MFA (TOTP) across modules: the identity/mfa paths and sys/mfa/validate served by the
// framework over a real encrypted store (SQLite file, and two nodes sharing PostgreSQL).
// The core pipeline's MFA hook is wired by the lead; these tests drive the same calls the
// core makes (requirementFor → startPending → sys/mfa/validate → complete) with a FakeClock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { FakeClock } from '../../src/lib/clock.js';
import { ArcaError } from '../../src/lib/errors.js';
import { silentLogger } from '../../src/lib/logger.js';
import type { Physical } from '../../src/storage/storage.js';
import { StorageView } from '../../src/storage/storage-view.js';
import { SqlitePhysical } from '../../src/storage/sqlite/sqlite-physical.js';
import { PostgresPhysical } from '../../src/storage/postgres/postgres-physical.js';
import { SecurityBarrier } from '../../src/barrier/security-barrier.js';
import { BackendHandler } from '../../src/framework/backend-handler.js';
import type { LogicalRequest, LogicalResponse, Operation } from '../../src/framework/logical.js';
import { IdentityStore } from '../../src/core/identity/identity-store.js';
import { MfaManager } from '../../src/core/mfa/mfa-manager.js';
import { mfaIdentityPaths } from '../../src/core/mfa/mfa-identity-paths.js';
import { totpCode } from '../../src/core/mfa/totp-code.js';
import type { TotpMethod } from '../../src/core/mfa/totp-method.js';
import { mfaSysPaths } from '../../src/sys/path-mfa.js';
import { POSTGRES_URL, skipUnlessService } from '../support/services.js';

const pgSkip = await skipUnlessService('PostgreSQL', 5432);

interface Node {
  readonly manager: MfaManager;
  call(mount: 'identity' | 'sys', op: Operation, path: string, data?: Record<string, unknown>, entityId?: string): Promise<LogicalResponse | undefined>;
}

/** One server node's MFA surface over `physical`, unsealed with `rootKey`. */
async function node(physical: Physical, rootKey: Uint8Array, clock: FakeClock, init: boolean): Promise<Node> {
  const barrier = new SecurityBarrier(physical, { clock });
  if (init) await barrier.initialize(rootKey);
  await barrier.unseal(rootKey);
  const manager = new MfaManager({ storage: new StorageView(barrier, ''), clock });
  const identity = new IdentityStore({ storage: new StorageView(barrier, ''), clock });
  // The lead's completion callback mints a token; here it echoes the parked login.
  const complete = async (payload: unknown): Promise<LogicalResponse> => ({ data: { completed: payload } });
  const env = (mountPoint: string) => ({
    storage: new StorageView(barrier, `logical/${mountPoint}`), clock, logger: silentLogger, options: {}, mountPoint,
    mountAccessor: `${mountPoint}acc`, config: () => ({ defaultLeaseTtl: 0, maxLeaseTtl: 0 }),
  });
  const handlers = {
    identity: new BackendHandler({ id: 'identity', type: 'identity', kind: 'secret', paths: mfaIdentityPaths(manager, identity) }, env('identity/')),
    sys: new BackendHandler({ id: 'system', type: 'system', kind: 'system', paths: mfaSysPaths({ mfa: () => manager, complete }) }, env('sys/')),
  };
  return {
    manager,
    call: (mount, op, path, data = {}, entityId = '') => {
      const req: LogicalRequest = {
        id: 'r', operation: op, path: `${mount}/${path}`, data, headers: {}, remoteAddress: '127.0.0.1', clientToken: '',
        mountPoint: `${mount}/`, mountType: mount, mountAccessor: `${mount}_acc`, relativePath: path, wrapTtl: 0,
        auth: entityId === '' ? undefined : {
          accessor: 'a', policies: ['default'], tokenPolicies: ['default'], displayName: 'alice', entityId, metadata: {},
          tokenType: 'service', ttl: 0, issueTime: 0, orphan: false, tokenKey: 'k',
        },
      };
      return handlers[mount].handle(req);
    },
  };
}

/** Creates a method and an enforcement on userpass, enrols `entityId`; returns the method and its secret. */
async function enrol(n: Node, entityId: string): Promise<{ method: TotpMethod; secret: string }> {
  const created = await n.call('identity', 'update', 'mfa/method/totp', { issuer: 'Arca', method_name: 'phone' });
  const methodId = String(created?.data?.['method_id']);
  await n.call('identity', 'update', 'mfa/login-enforcement/humans', { mfa_method_ids: [methodId], auth_method_types: ['userpass'] });
  const gen = await n.call('identity', 'update', 'mfa/method/totp/generate', { method_id: methodId }, entityId);
  const secret = new URL(String(gen?.data?.['url'])).searchParams.get('secret');
  const method = await n.manager.store.getMethod(methodId);
  assert.ok(secret && method);
  return { method, secret };
}

async function login(n: Node, entityId: string, payload: unknown): Promise<string> {
  const req = await n.manager.requirementFor({ mountAccessor: 'auth_userpass_x', mountType: 'userpass', entityId, groupIds: [] });
  assert.ok(req, 'the enforcement applies to userpass logins');
  return (await n.manager.startPending(req, payload)).mfa_request_id;
}

const isStatus = (status: number) => (e: unknown): boolean => e instanceof ArcaError && e.status === status;

test('SQLite: enrol, two-step login through sys/mfa/validate, replay and expiry refused; no plaintext secret on disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'arca-'));
  const clock = new FakeClock(Date.UTC(2026, 0, 1, 0, 0, 10));
  const physical = await SqlitePhysical.open(join(dir, 'arca.db'));
  try {
    const n = await node(physical, randomBytes(32), clock, true);
    const { method, secret } = await enrol(n, 'entity-alice');
    const id = await login(n, 'entity-alice', { policies: ['ops'] });
    const code = await totpCode(method, secret, clock.now());
    const done = await n.call('sys', 'update', 'mfa/validate', { mfa_request_id: id, mfa_payload: { [method.id]: [code] } });
    assert.deepEqual(done?.data, { completed: { policies: ['ops'] } });
    // The same request id, and the same code on a new login, are both refused.
    await assert.rejects(n.call('sys', 'update', 'mfa/validate', { mfa_request_id: id, mfa_payload: { [method.id]: [code] } }), isStatus(400));
    const second = await login(n, 'entity-alice', 'again');
    await assert.rejects(n.call('sys', 'update', 'mfa/validate', { mfa_request_id: second, mfa_payload: { phone: code } }), isStatus(403));
    clock.advance(30_000);
    const next = await totpCode(method, secret, clock.now());
    assert.deepEqual((await n.call('sys', 'update', 'mfa/validate', { mfa_request_id: second, mfa_payload: { phone: [next] } }))?.data, { completed: 'again' });
    // A parked login expires after five minutes.
    const late = await login(n, 'entity-alice', 'late');
    clock.advance(5 * 60_000 + 1);
    const fresh = await totpCode(method, secret, clock.now());
    await assert.rejects(n.call('sys', 'update', 'mfa/validate', { mfa_request_id: late, mfa_payload: { phone: [fresh] } }), isStatus(400));
    // Bad payloads are 400 without echoing the value.
    await assert.rejects(n.call('sys', 'update', 'mfa/validate', { mfa_request_id: late, mfa_payload: { phone: [{ x: fresh }] } }), (e: unknown) => {
      assert.ok(e instanceof ArcaError && e.status === 400);
      assert.doesNotMatch(e.message, new RegExp(fresh));
      return true;
    });
    await physical.close();
    for (const f of readdirSync(dir)) {
      const bytes = readFileSync(join(dir, f));
      assert.equal(bytes.includes(Buffer.from(secret)), false, `TOTP secret in plaintext in ${f}`);
    }
  } finally {
    await physical.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('PostgreSQL, two nodes: a code used on one node is refused on the other; a pending login completes once', { skip: pgSkip }, async () => {
  const schema = `arca_mfa_${process.pid}_${randomBytes(6).toString('hex')}`;
  const clock = new FakeClock(Date.UTC(2026, 0, 1, 0, 0, 10));
  const rootKey = randomBytes(32);
  const pa = await PostgresPhysical.open({ connectionString: POSTGRES_URL, schema });
  const pb = await PostgresPhysical.open({ connectionString: POSTGRES_URL, schema });
  try {
    const a = await node(pa, rootKey, clock, true);
    const b = await node(pb, rootKey, clock, false);
    const { method, secret } = await enrol(a, 'entity-bob');
    const code = await totpCode(method, secret, clock.now());
    const req = await b.manager.requirementFor({ mountAccessor: 'x', mountType: 'userpass', entityId: 'entity-bob', groupIds: [] });
    assert.ok(req);
    await a.manager.validateInline(req, 'entity-bob', `${method.id}:${code}`);
    await assert.rejects(b.manager.validateInline(req, 'entity-bob', code), isStatus(403));

    clock.advance(30_000);
    const next = await totpCode(method, secret, clock.now());
    const id = await login(a, 'entity-bob', 'once');
    const body = { mfa_request_id: id, mfa_payload: { [method.id]: [next] } };
    const results = await Promise.allSettled([a.call('sys', 'update', 'mfa/validate', body), b.call('sys', 'update', 'mfa/validate', body)]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, 'exactly one node completes the login');
  } finally {
    await pa.close();
    await pb.close();
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
    await client.end();
  }
});
