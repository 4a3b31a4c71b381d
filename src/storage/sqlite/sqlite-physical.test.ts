// src/storage/sqlite — SqlitePhysical runs the shared conformance suite on a temp file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqlitePhysical } from './sqlite-physical.js';
import { runStorageConformance } from '../conformance.js';
import type { Physical } from '../storage.js';

runStorageConformance('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'arca-'));
  const path = join(dir, 'data', 'arca.db');
  let current: Physical = SqlitePhysical.open(path);
  return {
    storage: current,
    reopen: async () => {
      await current.close();
      current = SqlitePhysical.open(path);
      return current;
    },
    cleanup: async () => {
      await current.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

test('group commit: concurrent transactions share COMMITs, a failing one is rolled back alone, order is kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'arca-'));
  const db = SqlitePhysical.open(join(dir, 'arca.db'));
  try {
    const bytes = (s: string): Uint8Array => Buffer.from(s);
    const text = async (key: string): Promise<string | undefined> => {
      const v = await db.get(key);
      return v === undefined ? undefined : Buffer.from(v).toString();
    };
    await db.put('counter', bytes('0'));
    const before = db.commitStats();
    // 100 increments, every fifth one failing after its write: each sees the previous ones.
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) =>
        db.transaction(async (tx) => {
          const current = Number(Buffer.from((await tx.get('counter')) ?? bytes('0')).toString());
          await tx.put('counter', bytes(String(current + 1)));
          await tx.put(`mark/${i}`, bytes('x'));
          if (i % 5 === 4) throw new Error(`refused ${i}`);
          return current + 1;
        }),
      ),
    );
    const failed = results.filter((r) => r.status === 'rejected').length;
    assert.equal(failed, 20);
    assert.equal(await text('counter'), '80', 'only the committed increments count');
    assert.equal(await text('mark/4'), undefined, "a failed transaction's writes are gone");
    assert.equal(await text('mark/3'), 'x');
    const fulfilled = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    assert.deepEqual(fulfilled, Array.from({ length: 80 }, (_, i) => i + 1), 'serial order, each saw the ones before');
    const after = db.commitStats();
    assert.equal(after.transactions - before.transactions, 80);
    assert.ok(after.commits - before.commits < 80, `group commit: ${after.commits - before.commits} COMMITs for 80 transactions`);

    // A plain read during an open group sees only committed data.
    let seenDuring: string | undefined = 'unset';
    await db.transaction(async (tx) => {
      await tx.put('counter', bytes('999'));
      seenDuring = await text('counter');
    });
    assert.equal(seenDuring, '80');
    assert.equal(await text('counter'), '999');
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
