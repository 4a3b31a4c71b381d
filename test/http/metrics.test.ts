// sys/metrics?format=prometheus: request, audit, barrier and lease series.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FakeClock } from '../../src/lib/clock.js';
import { ArcaClient } from '../../src/client/arca-client.js';
import { startTestServer } from './start-test-server.js';

function sample(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(name + ' ') || l.startsWith(name + '{'));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : Number.NaN;
}

test('sys/metrics exposes request, audit, barrier and lease series', async () => {
  const clock = new FakeClock(Date.now());
  const t = await startTestServer({ dev: true, clock });
  try {
    await t.client.write('sys/audit/file', { type: 'file', options: { file_path: join(t.dataDir, 'audit.log') } });
    await t.client.write('secret/data/m', { data: { v: '1' } });
    const short = ((await t.client.write('auth/token/create', { ttl: '60s' })).body as { auth: { client_token: string } }).auth.client_token;
    clock.advance(61_000);
    assert.ok((await t.server.core.leases.reapExpired()) >= 1);
    assert.equal((await new ArcaClient({ address: t.server.address, token: short }).raw('GET', 'auth/token/lookup-self')).status, 403);

    const res = await t.client.raw('GET', 'sys/metrics?format=prometheus');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = String(res.body);
    assert.ok(sample(text, 'arca_http_requests_total') >= 1);
    assert.ok(sample(text, 'arca_audit_records_written_total') >= 2);
    assert.ok(sample(text, 'arca_barrier_key_term') >= 1);
    assert.ok(sample(text, 'arca_barrier_cache_entries') >= 1, 'the token and its lookups were cached');
    assert.equal(sample(text, 'arca_barrier_cache_live'), 1);
    assert.ok(sample(text, 'arca_leases_reaped_total') >= 1);
    assert.match(text, /arca_http_request_duration_seconds_bucket/);
    assert.match(text, /arca_handler_duration_seconds_bucket\{le="[^"]+",mount_type="kv"\}/);
    const anon = new ArcaClient({ address: t.server.address });
    assert.equal((await anon.raw('GET', 'sys/metrics')).status, 403, 'metrics need a token');
  } finally {
    await t.close();
  }
});
