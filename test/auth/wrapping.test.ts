// HTTP end-to-end: response wrapping. X-Vault-Wrap-TTL on any request (sys/wrapping/wrap,
// auth/token/create) answers with wrap_info only; sys/wrapping/{unwrap,lookup,rewrap} with
// a plain client; a used wrapping token fails with Vault's 400, and that failed unwrap is in
// the audit log with its path and error in clear and the token HMAC'd.
// Until the sys/wrapping paths and the pipeline step are wired into the server, the tests
// that need them skip with the reason printed.
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArcaClient } from '../../src/client/arca-client.js';
import { INVALID_WRAPPING_TOKEN } from '../../src/core/wrapping/wrapping-manager.js';
import { startTestServer } from '../http/start-test-server.js';
import type { TestServer } from '../http/start-test-server.js';

interface WrapInfoBody {
  token: string;
  accessor: string;
  ttl: number;
  creation_time: string;
  creation_path: string;
  wrapped_accessor: string;
}

interface Envelope {
  data: Record<string, unknown> | null;
  wrap_info: WrapInfoBody | null;
  auth: { client_token: string; accessor: string; policies: string[] } | null;
  errors?: string[];
}

const WRAP = { 'X-Vault-Wrap-TTL': '5m' };

/** Why a test cannot run on this server yet, or false when wrapping is fully wired. */
async function notWired(t: TestServer, needHook: boolean): Promise<string | false> {
  const probe = await new ArcaClient({ address: t.server.address }).raw('POST', 'sys/wrapping/lookup', { token: 'hvs.probe' });
  if (probe.status !== 400) return `sys/wrapping paths are not in the sys backend yet (probe answered ${probe.status})`;
  if (!needHook) return false;
  const wrapped = await t.client.raw('POST', 'sys/wrapping/wrap', { probe: '1' }, WRAP);
  if ((wrapped.body as Envelope).wrap_info === null) return 'the pipeline does not call wrapCoreResponse yet (X-Vault-Wrap-TTL ignored)';
  return false;
}

async function withServer(ctx: TestContext, needHook: boolean, fn: (t: TestServer) => Promise<void>): Promise<void> {
  const t = await startTestServer();
  try {
    const reason = await notWired(t, needHook);
    if (reason) {
      console.log(`# skipped: ${reason}`);
      ctx.skip(reason);
      return;
    }
    await fn(t);
  } finally {
    await t.close();
  }
}

test('wrap a value, unwrap it once with a plain client, the second unwrap is a 400', (ctx) =>
  withServer(ctx, true, async (t) => {
    const res = await t.client.raw('POST', 'sys/wrapping/wrap', { password: 'wrapped-pw', note: 'n' }, WRAP);
    assert.equal(res.status, 200);
    const body = res.body as Envelope;
    assert.equal(body.data, null);
    const info = body.wrap_info;
    assert.ok(info);
    assert.equal(info.ttl, 300);
    assert.equal(info.creation_path, 'sys/wrapping/wrap');
    assert.equal(JSON.stringify(body).includes('wrapped-pw'), false);

    const anon = new ArcaClient({ address: t.server.address });
    const first = await anon.raw('POST', 'sys/wrapping/unwrap', { token: info.token });
    assert.equal(first.status, 200);
    assert.deepEqual((first.body as Envelope).data, { password: 'wrapped-pw', note: 'n' });
    const second = await anon.raw('POST', 'sys/wrapping/unwrap', { token: info.token });
    assert.equal(second.status, 400);
    assert.deepEqual(second.body, { errors: [INVALID_WRAPPING_TOKEN] });
    // A token never issued gets the very same answer.
    assert.deepEqual((await anon.raw('POST', 'sys/wrapping/unwrap', { token: 'hvs.never-issued' })).body, second.body);

  }));

test('the wrapping token as X-Vault-Token unwraps, and can do nothing else', (ctx) =>
  withServer(ctx, true, async (t) => {
    await t.client.write('secret/data/app', { data: { v: '1' } });
    const info = ((await t.client.raw('POST', 'sys/wrapping/wrap', { k: 'v' }, WRAP)).body as Envelope).wrap_info;
    assert.ok(info);
    const self = new ArcaClient({ address: t.server.address, token: info.token });
    assert.equal((await self.raw('GET', 'secret/data/app')).status, 403);
    assert.equal((await self.raw('GET', 'auth/token/lookup-self')).status, 403);
    assert.equal((await self.raw('POST', 'sys/wrapping/wrap', { a: 'b' }, WRAP)).status, 403);
    const out = await self.raw('POST', 'sys/wrapping/unwrap', {});
    assert.equal(out.status, 200);
    assert.deepEqual((out.body as Envelope).data, { k: 'v' });
    assert.equal((await self.raw('POST', 'sys/wrapping/unwrap', {})).status, 400);
  }));

test('a wrapped auth/token/create unwraps into a working token', (ctx) =>
  withServer(ctx, true, async (t) => {
    const res = await t.client.raw('POST', 'auth/token/create', { policies: ['default'], ttl: '1h' }, WRAP);
    assert.equal(res.status, 200);
    const body = res.body as Envelope;
    assert.equal(body.auth, null);
    const info = body.wrap_info;
    assert.ok(info);
    assert.equal(info.creation_path, 'auth/token/create');
    assert.notEqual(info.wrapped_accessor, '');

    const unwrapped = (await new ArcaClient({ address: t.server.address }).raw('POST', 'sys/wrapping/unwrap', { token: info.token })).body as Envelope;
    const auth = unwrapped.auth;
    assert.ok(auth);
    assert.equal(auth.accessor, info.wrapped_accessor);
    const child = new ArcaClient({ address: t.server.address, token: auth.client_token });
    const self = await child.raw('GET', 'auth/token/lookup-self');
    assert.equal(self.status, 200);
    assert.equal((self.body as { data: { accessor: string } }).data.accessor, info.wrapped_accessor);
  }));

test('lookup does not spend the token; rewrap moves the payload to a new token', (ctx) =>
  withServer(ctx, false, async (t) => {
    const manager = t.server.core.wrapping;
    const info = await manager.wrap({ data: { s: 'rewrapped' } }, { ttl: 120, creationPath: 'secret/data/app' });
    const anon = new ArcaClient({ address: t.server.address });
    const looked = await anon.raw('POST', 'sys/wrapping/lookup', { token: info.token });
    assert.equal(looked.status, 200);
    assert.deepEqual((looked.body as Envelope).data, { creation_path: 'secret/data/app', creation_time: info.creation_time, creation_ttl: 120 });
    assert.equal((await anon.raw('POST', 'sys/wrapping/rewrap', { token: info.token })).status, 403, 'rewrap needs a token');

    const rewrapped = await t.client.raw('POST', 'sys/wrapping/rewrap', { token: info.token });
    assert.equal(rewrapped.status, 200);
    const next = (rewrapped.body as Envelope).wrap_info;
    assert.ok(next, 'rewrap answers with wrap_info (needs the pipeline step)');
    assert.equal(next.creation_path, 'secret/data/app');
    assert.equal(next.ttl, 120);
    assert.equal((await anon.raw('POST', 'sys/wrapping/unwrap', { token: info.token })).status, 400);
    assert.deepEqual(((await anon.raw('POST', 'sys/wrapping/unwrap', { token: next.token })).body as Envelope).data, { s: 'rewrapped' });
  }));

test('a second unwrap is in the audit log: path and error in clear, token HMACd, secret absent', (ctx) =>
  withServer(ctx, false, async (t) => {
    const auditFile = join(t.dataDir, 'audit.log');
    assert.equal((await t.client.raw('POST', 'sys/audit/file', { type: 'file', options: { file_path: auditFile } })).status, 204);
    const info = await t.server.core.wrapping.wrap({ data: { password: 'audit-secret-pw' } }, { ttl: 60, creationPath: 'sys/wrapping/wrap' });
    const anon = new ArcaClient({ address: t.server.address });
    assert.equal((await anon.raw('POST', 'sys/wrapping/unwrap', { token: info.token })).status, 200);
    assert.equal((await anon.raw('POST', 'sys/wrapping/unwrap', { token: info.token })).status, 400);

    const text = readFileSync(auditFile, 'utf8');
    assert.equal(text.includes(info.token), false, 'the wrapping token is never in clear');
    assert.equal(text.includes('audit-secret-pw'), false, 'the wrapped secret is never in clear');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as { type: string; error?: string; request: { path: string; data?: { token?: string } } });
    const unwraps = lines.filter((l) => l.request.path === 'sys/wrapping/unwrap');
    assert.deepEqual(unwraps.map((l) => l.type), ['request', 'response', 'request', 'response']);
    const failed = unwraps[3];
    assert.ok(failed);
    assert.equal(failed.error, INVALID_WRAPPING_TOKEN);
    assert.match(failed.request.data?.token ?? '', /^hmac-sha256:/);
  }));
