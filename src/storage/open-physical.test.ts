// src/storage — openPhysical builds each backend kind from its configuration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPhysical } from './open-physical.js';
import { ArcaError } from '../lib/errors.js';
import { POSTGRES_URL, skipUnlessService } from '../../test/support/services.js';

const value = new Uint8Array([1, 2, 3]);

test('openPhysical: inmem', async () => {
  const storage = await openPhysical({ type: 'inmem' });
  assert.equal(storage.kind, 'inmem');
  await storage.put('k', value);
  assert.deepEqual([...((await storage.get('k')) ?? [])], [1, 2, 3]);
  await storage.close();
});

test('openPhysical: sqlite persists at the configured path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'arca-'));
  try {
    const path = join(dir, 'arca.db');
    const first = await openPhysical({ type: 'sqlite', path });
    assert.equal(first.kind, 'sqlite');
    await first.put('k', value);
    await first.close();
    const second = await openPhysical({ type: 'sqlite', path });
    assert.deepEqual([...((await second.get('k')) ?? [])], [1, 2, 3]);
    await second.close();
    await assert.rejects(
      openPhysical({ type: 'sqlite', path: ':memory:' }),
      (err: unknown) => err instanceof ArcaError && err.code === 'invalid_request',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('openPhysical: postgres uses the configured table', { skip: await skipUnlessService('PostgreSQL', 5432) }, async () => {
  const table = `arca_open_${randomBytes(6).toString('hex')}`;
  const storage = await openPhysical({ type: 'postgres', connectionString: POSTGRES_URL, table });
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  try {
    assert.equal(storage.kind, 'postgres');
    await storage.put('k', value);
    await client.connect();
    const res = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${pg.escapeIdentifier(table)}`);
    assert.equal(res.rows[0]?.n, '1');
  } finally {
    await storage.close();
    await client.query(`DROP TABLE IF EXISTS ${pg.escapeIdentifier(table)}`).catch(() => undefined);
    await client.end();
  }
});
