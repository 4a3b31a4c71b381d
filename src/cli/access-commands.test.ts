import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { CliIo } from './command.js';
import { accessCommands } from './access-commands.js';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly token: string | undefined;
  readonly body: unknown;
}

/** A stand-in server that records each request and answers from `routes`. */
async function stub(routes: Record<string, [number, unknown]>): Promise<{ address: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const key = `${req.method ?? ''} ${req.url ?? ''}`;
      seen.push({ method: req.method ?? '', url: req.url ?? '', token: req.headers['x-vault-token'] as string | undefined, body: raw === '' ? undefined : JSON.parse(raw) });
      const [status, body] = routes[key] ?? [404, { errors: [] }];
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body === undefined ? '' : JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function io(address: string): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    stdin: Readable.from([]),
    env: { ARCA_ADDR: address, ARCA_TOKEN: 'test-token', HOME: '/nonexistent' },
    cwd: '/',
    out: () => out,
    err: () => err,
  };
}

function command(words: string): (typeof accessCommands)[number] {
  const found = accessCommands.find((c) => c.words.join(' ') === words);
  assert.ok(found, words);
  return found;
}

const grantAnswer = {
  data: {
    id: 'g1', entity_id: 'e1', policies: ['db-admin', 'ops'], until: '2026-01-01T02:00:00.000Z', ttl: 7200, active: true,
    reason: 'INC-42', granted_by: 'root, accessor a1', creation_time: '2026-01-01T00:00:00.000Z',
  },
};

test('exports grant, list and revoke', () => {
  assert.deepEqual(accessCommands.map((c) => c.words.join(' ')), ['access grant', 'access list', 'access revoke']);
});

test('grant by entity name: looks the entity up, then posts the grant', async () => {
  const s = await stub({
    'GET /v1/identity/entity/name/alice': [200, { data: { id: 'e1', name: 'alice' } }],
    'POST /v1/identity/access/grant': [200, grantAnswer],
  });
  try {
    const t = io(s.address);
    const code = await command('access grant').run(['-entity=alice', '-policy=db-admin', '-policy=ops', '-ttl=2h', '-reason=INC-42'], t);
    assert.equal(code, 0, t.err());
    assert.equal(s.seen.length, 2);
    assert.equal(s.seen[1]?.method, 'POST');
    assert.equal(s.seen[1]?.url, '/v1/identity/access/grant');
    assert.equal(s.seen[1]?.token, 'test-token');
    assert.deepEqual(s.seen[1]?.body, { entity_id: 'e1', policies: ['db-admin', 'ops'], ttl: '2h', reason: 'INC-42' });
    assert.match(t.out(), /target\s+entity e1/);
    assert.match(t.out(), /policies\s+\[db-admin ops\]/);
  } finally {
    await s.close();
  }
});

test('grant by group id with until; -format=json prints the answer; usage errors exit 1 (Vault local-error code)', async () => {
  const s = await stub({ 'POST /v1/identity/access/grant': [200, grantAnswer] });
  try {
    let t = io(s.address);
    const until = '2026-01-01T18:00:00Z';
    assert.equal(await command('access grant').run(['-group-id=g9', '-policy=a,b', `-until=${until}`, '-reason=r', '-format=json'], t), 0);
    assert.deepEqual(s.seen[0]?.body, { group_id: 'g9', policies: ['a', 'b'], until, reason: 'r' });
    assert.equal((JSON.parse(t.out()) as typeof grantAnswer).data.id, 'g1');
    for (const argv of [
      ['-policy=a', '-ttl=1h', '-reason=r'],
      ['-entity-id=e', '-group-id=g', '-policy=a', '-ttl=1h', '-reason=r'],
      ['-entity-id=e', '-ttl=1h', '-reason=r'],
      ['-entity-id=e', '-policy=a', '-reason=r'],
      ['-entity-id=e', '-policy=a', '-ttl=1h', `-until=${until}`, '-reason=r'],
      ['-entity-id=e', '-policy=a', '-ttl=1h'],
    ]) {
      t = io(s.address);
      assert.equal(await command('access grant').run(argv, t), 1, argv.join(' '));
    }
    assert.equal(s.seen.length, 1);
    t = io(s.address);
    assert.equal(await command('access grant').run(['-group=missing', '-policy=a', '-ttl=1h', '-reason=r'], t), 2);
    assert.match(t.err(), /No group named: missing/);
  } finally {
    await s.close();
  }
});

test('list prints a table of grants; revoke deletes by id', async () => {
  const s = await stub({
    'GET /v1/identity/access/grant?list=true': [200, { data: { keys: ['g1'], key_info: { g1: grantAnswer.data } } }],
    'DELETE /v1/identity/access/grant/g1': [204, undefined],
  });
  try {
    let t = io(s.address);
    assert.equal(await command('access list').run([], t), 0, t.err());
    assert.match(t.out(), /^ID\s+Target\s+Policies\s+Until\s+Active\s+Reason/);
    assert.match(t.out(), /g1\s+entity e1\s+db-admin,ops\s+2026-01-01T02:00:00.000Z\s+true\s+INC-42/);
    t = io(s.address);
    assert.equal(await command('access revoke').run(['g1'], t), 0, t.err());
    assert.equal(s.seen[1]?.method, 'DELETE');
    assert.equal(s.seen[1]?.url, '/v1/identity/access/grant/g1');
    assert.match(t.out(), /Success! Revoked grant: g1/);
  } finally {
    await s.close();
  }
});
