// Temporary access end to end: an administrator grants an entity extra policies until a
// time, with a reason; the person's existing token gains the access at once, loses it at
// that time with no action taken, and the audit log shows the grant given, first used and
// expired, in clear (event, policies, reason), while the token stays HMAC'd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeClock } from '../../src/lib/clock.js';
import { ArcaClient } from '../../src/client/arca-client.js';
import { startTestServer } from '../http/start-test-server.js';

test('a temporary grant works until its time, then stops; granted, used and expired are audited', async () => {
  const clock = new FakeClock(Date.UTC(2026, 10, 22, 9, 0, 0));
  const t = await startTestServer({ dev: true, clock });
  try {
    const c = t.client;
    const auditFile = join(t.dataDir, 'audit.log');
    await c.write('sys/audit/file', { type: 'file', options: { file_path: auditFile } });
    await c.write('sys/auth/userpass', { type: 'userpass' });
    await c.write('auth/userpass/users/dana', { password: 'pw-dana-123', token_policies: ['default'] });
    await c.write('secret/data/prod/db', { data: { password: 'prod-db-secret' } });
    await c.write('sys/policies/acl/prod-read', { policy: 'path "secret/data/prod/*" { capabilities = ["read"] }' });
    const login = (await new ArcaClient({ address: t.server.address }).write('auth/userpass/login/dana', { password: 'pw-dana-123' })).body as { auth: { client_token: string; entity_id: string } };
    const dana = new ArcaClient({ address: t.server.address, token: login.auth.client_token });
    assert.equal((await dana.raw('GET', 'secret/data/prod/db')).status, 403);

    const grant = (await c.write('identity/access/grant', { entity_id: login.auth.entity_id, policies: ['prod-read'], ttl: '1h', reason: 'incident INC-42' })).body as { data: { id: string } };
    assert.equal((await dana.raw('GET', 'secret/data/prod/db')).status, 200, 'the same token gains the access at once');
    const entity = (await c.read(`identity/entity/id/${login.auth.entity_id}`)).body as { data: { temporary_grants: Array<{ id: string; reason: string }> } };
    assert.equal(entity.data.temporary_grants[0]?.id, grant.data.id);
    assert.equal(entity.data.temporary_grants[0]?.reason, 'incident INC-42');

    clock.advance(60 * 60_000 + 1);
    assert.equal((await dana.raw('GET', 'secret/data/prod/db')).status, 403, 'the grant ended with no action taken');

    const records = readFileSync(auditFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { request: { path: string }; auth?: { policies?: string[]; metadata?: Record<string, string> } });
    const events = records.filter((r) => r.request.path.startsWith(`identity/access/grant/${grant.data.id}/`));
    assert.deepEqual(events.map((r) => r.request.path.split('/').pop()), ['granted', 'used', 'expired']);
    assert.deepEqual(events[0]?.auth?.policies, ['prod-read']);
    assert.equal(events[0]?.auth?.metadata?.['reason'], 'incident INC-42');
    const text = readFileSync(auditFile, 'utf8');
    assert.equal(text.includes(login.auth.client_token), false);
    assert.equal(text.includes('prod-db-secret'), false);
  } finally {
    await t.close();
  }
});
