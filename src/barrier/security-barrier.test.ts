import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { FakeClock } from '../lib/clock.js';
import { BarrierCipher } from './barrier-cipher.js';
import { RESERVED_KEYS } from './reserved-keys.js';
import { SecurityBarrier } from './security-barrier.js';
import type { SecurityBarrierOptions } from './security-barrier.js';
import { SqlitePhysical } from '../storage/sqlite/sqlite-physical.js';
import { readShared } from '../storage/storage.js';
import { isArcaErrorWith } from '../../test/support/arca-error.js';

interface World {
  dir: string;
  physical: SqlitePhysical;
  barrier: SecurityBarrier;
  rootKey: Buffer;
  clock: FakeClock;
  cleanup(): Promise<void>;
}

async function world(options: Omit<SecurityBarrierOptions, 'clock'> = {}): Promise<World> {
  const dir = fs.mkdtempSync(os.tmpdir() + '/arca-');
  const physical = SqlitePhysical.open(path.join(dir, 'arca.db'));
  const clock = new FakeClock();
  const barrier = new SecurityBarrier(physical, { clock, ...options });
  const rootKey = randomBytes(32);
  await barrier.initialize(rootKey);
  await barrier.unseal(rootKey);
  return {
    dir,
    physical,
    barrier,
    rootKey,
    clock,
    async cleanup() {
      barrier.seal();
      await physical.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const text = (s: string): Uint8Array => Buffer.from(s, 'utf8');
const str = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : Buffer.from(b).toString());


test('values round-trip and the physical layer only sees ciphertext', async () => {
  const w = await world();
  try {
    await w.barrier.put('secret/foo', text('bar'));
    assert.equal(str(await w.barrier.get('secret/foo')), 'bar');
    assert.equal(await w.barrier.get('secret/missing'), undefined);
    const raw = await w.physical.get('secret/foo');
    assert.ok(raw);
    assert.equal(BarrierCipher.termOf(raw), 1);
    assert.ok(!Buffer.from(raw).includes('bar'));
    await w.barrier.delete('secret/foo');
    assert.equal(await w.barrier.get('secret/foo'), undefined);
  } finally {
    await w.cleanup();
  }
});

test('no byte of a value written through the barrier reaches the data directory', async () => {
  const w = await world();
  try {
    const marker = `MARKER-${randomUUID()}`;
    for (let i = 0; i < 50; i++) await w.barrier.put(`secret/data/${i}`, text(`${marker}-${i}`));
    await w.barrier.transaction(async (tx) => {
      await tx.put('secret/in-tx', text(marker));
    });
    await w.barrier.rotate();
    await w.barrier.put('secret/after-rotate', text(marker));
    assert.equal(str(await w.barrier.get('secret/in-tx')), marker);
    const files = fs.readdirSync(w.dir);
    assert.ok(files.length > 0);
    for (const name of files) {
      const bytes = fs.readFileSync(path.join(w.dir, name));
      assert.ok(!bytes.includes(marker), `marker found in ${name}`);
      assert.ok(!bytes.includes(marker.slice(7)), `marker uuid found in ${name}`);
    }
  } finally {
    await w.cleanup();
  }
});

test('a ciphertext copied to another key does not decrypt, and the error names the path', async () => {
  const w = await world();
  try {
    await w.barrier.put('secret/a', text('value-a-secret'));
    const blob = await w.physical.get('secret/a');
    assert.ok(blob);
    await w.physical.put('secret/b', blob);
    await assert.rejects(w.barrier.get('secret/b'), (err: unknown) => {
      isArcaErrorWith('internal', /"secret\/b"/)(err);
      assert.ok(!(err as Error).message.includes('value-a-secret'));
      return true;
    });
  } finally {
    await w.cleanup();
  }
});

test('tampered bytes, relabelled terms and foreign blobs are rejected', async () => {
  const w = await world();
  try {
    await w.barrier.put('secret/a', text('hello'));
    const blob = Buffer.from((await w.physical.get('secret/a')) as Uint8Array);
    const flipped = Buffer.from(blob);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 1;
    await w.physical.put('secret/a', flipped);
    await assert.rejects(w.barrier.get('secret/a'), isArcaErrorWith('internal', /tampered/));

    await w.barrier.rotate();
    const relabelled = Buffer.from(blob);
    relabelled.writeUInt32BE(2, 1);
    await w.physical.put('secret/a', relabelled);
    await assert.rejects(w.barrier.get('secret/a'), isArcaErrorWith('internal', /secret\/a/));

    relabelled.writeUInt32BE(99, 1);
    await w.physical.put('secret/a', relabelled);
    await assert.rejects(w.barrier.get('secret/a'), isArcaErrorWith('internal', /unknown keyring term 99/));

    await w.physical.put('secret/a', text('plain'));
    await assert.rejects(w.barrier.get('secret/a'), isArcaErrorWith('internal', /not a barrier ciphertext/));
  } finally {
    await w.cleanup();
  }
});

test('while sealed every operation throws sealed', async () => {
  const w = await world();
  try {
    await w.barrier.put('secret/a', text('x'));
    w.barrier.seal();
    assert.equal(w.barrier.sealed, true);
    const sealed = isArcaErrorWith('sealed', /^Vault is sealed$/);
    await assert.rejects(w.barrier.get('secret/a'), sealed);
    await assert.rejects(w.barrier.put('secret/a', text('y')), sealed);
    await assert.rejects(w.barrier.delete('secret/a'), sealed);
    await assert.rejects(w.barrier.list(''), sealed);
    await assert.rejects(w.barrier.scan(''), sealed);
    await assert.rejects(w.barrier.transaction(async () => 1), sealed);
    await assert.rejects(w.barrier.rotate(), sealed);
    await assert.rejects(w.barrier.rekeyRoot(randomBytes(32)), sealed);
    assert.throws(() => w.barrier.keyStatus(), sealed);
    await w.barrier.unseal(w.rootKey);
    assert.equal(str(await w.barrier.get('secret/a')), 'x');
  } finally {
    await w.cleanup();
  }
});

test('initialize and unseal guard their preconditions', async () => {
  const w = await world();
  try {
    await assert.rejects(w.barrier.initialize(randomBytes(32)), isArcaErrorWith('invalid_request', /already initialized/));
    w.barrier.seal();
    await assert.rejects(w.barrier.unseal(randomBytes(32)), isArcaErrorWith('invalid_request', /does not open/));
    await assert.rejects(w.barrier.unseal(randomBytes(16)), isArcaErrorWith('invalid_request', /32 bytes/));
    assert.equal(w.barrier.sealed, true);
    const otherPhysical = SqlitePhysical.open(path.join(w.dir, 'other.db'));
    const fresh = new SecurityBarrier(otherPhysical);
    assert.equal(await fresh.isInitialized(), false);
    await assert.rejects(fresh.unseal(randomBytes(32)), isArcaErrorWith('invalid_request', /not initialized/));
    await otherPhysical.close();
  } finally {
    await w.cleanup();
  }
});

test('rotate adds a term: old entries stay readable, new writes use the new term', async () => {
  const w = await world();
  try {
    await w.barrier.put('secret/old', text('old'));
    assert.deepEqual(w.barrier.keyStatus(), { term: 1, install_time: '2026-01-01T00:00:00.000Z', encryptions: 1 });
    w.clock.advance(3_600_000);
    const rotated = await w.barrier.rotate();
    assert.deepEqual(rotated, { term: 2, installTime: Date.UTC(2026, 0, 1, 1) });
    await w.barrier.put('secret/new', text('new'));
    assert.equal(BarrierCipher.termOf((await w.physical.get('secret/old')) as Uint8Array), 1);
    assert.equal(BarrierCipher.termOf((await w.physical.get('secret/new')) as Uint8Array), 2);
    assert.deepEqual(w.barrier.keyStatus(), { term: 2, install_time: '2026-01-01T01:00:00.000Z', encryptions: 1 });
    // The keyring survives a seal/unseal cycle.
    w.barrier.seal();
    await w.barrier.unseal(w.rootKey);
    assert.equal(str(await w.barrier.get('secret/old')), 'old');
    assert.equal(str(await w.barrier.get('secret/new')), 'new');
    assert.equal(w.barrier.keyStatus().term, 2);
  } finally {
    await w.cleanup();
  }
});

test('a second node sharing the physical picks up a rotation on first sight of the new term', async () => {
  const w = await world();
  try {
    const other = new SecurityBarrier(w.physical, { clock: w.clock });
    await other.unseal(w.rootKey);
    await w.barrier.rotate();
    await w.barrier.put('secret/x', text('from node 1'));
    assert.equal(str(await other.get('secret/x')), 'from node 1');
    assert.equal(other.keyStatus().term, 2);
    other.seal();
  } finally {
    await w.cleanup();
  }
});

test('rekeyRoot re-seals the keyring: the old root no longer unseals, the new one does', async () => {
  const w = await world();
  try {
    await w.barrier.put('secret/a', text('kept'));
    const newRoot = randomBytes(32);
    await w.barrier.rekeyRoot(newRoot);
    assert.equal(w.barrier.verifyRootKey(newRoot), true);
    assert.equal(w.barrier.verifyRootKey(w.rootKey), false);
    assert.equal(str(await w.barrier.get('secret/a')), 'kept');
    w.barrier.seal();
    await assert.rejects(w.barrier.unseal(w.rootKey), isArcaErrorWith('invalid_request'));
    await w.barrier.unseal(newRoot);
    assert.equal(str(await w.barrier.get('secret/a')), 'kept');
  } finally {
    await w.cleanup();
  }
});

test('reserved seal keys are refused and hidden; the reserved accessor works while sealed', async () => {
  const w = await world();
  try {
    await w.barrier.reserved.put(RESERVED_KEYS.sealConfig, text('{"type":"shamir"}'));
    await w.barrier.put('core/mounts', text('m'));
    for (const key of Object.values(RESERVED_KEYS)) {
      await assert.rejects(w.barrier.get(key), isArcaErrorWith('invalid_request', /reserved/));
      await assert.rejects(w.barrier.put(key, text('x')), isArcaErrorWith('invalid_request', /reserved/));
      await assert.rejects(w.barrier.delete(key), isArcaErrorWith('invalid_request', /reserved/));
    }
    assert.deepEqual(await w.barrier.list('core/'), ['mounts']);
    assert.deepEqual(await w.barrier.list(''), ['core/']);
    await w.barrier.delete('core/mounts');
    assert.deepEqual(await w.barrier.list(''), []);
    await w.barrier.put('core/mounts', text('m'));
    assert.deepEqual(await w.barrier.scan(''), ['core/mounts']);
    assert.deepEqual(await w.barrier.scan('', { limit: 1 }), ['core/mounts']);
    w.barrier.seal();
    assert.equal(str(await w.barrier.reserved.get(RESERVED_KEYS.sealConfig)), '{"type":"shamir"}');
    await assert.rejects(w.barrier.reserved.get('core/keyring' as typeof RESERVED_KEYS.rootKey), isArcaErrorWith('internal'));
  } finally {
    await w.cleanup();
  }
});

test('list, scan and transactions pass through with decryption', async () => {
  const w = await world();
  try {
    for (const k of ['a/1', 'a/2', 'a/b/3', 'c']) await w.barrier.put(`kv/${k}`, text(k));
    assert.deepEqual(await w.barrier.list('kv/'), ['a/', 'c']);
    assert.deepEqual(await w.barrier.scan('kv/a/'), ['kv/a/1', 'kv/a/2', 'kv/a/b/3']);
    assert.deepEqual(await w.barrier.scan('kv/', { after: 'kv/a/1', limit: 2 }), ['kv/a/2', 'kv/a/b/3']);
    const seen = await w.barrier.transaction(async (tx) => {
      await tx.put('kv/d', text('d'));
      return str(await tx.get('kv/d'));
    });
    assert.equal(seen, 'd');
    await assert.rejects(
      w.barrier.transaction(async (tx) => {
        await tx.put('kv/e', text('e'));
        throw new Error('abort');
      }),
      /abort/,
    );
    assert.equal(await w.barrier.get('kv/e'), undefined);
    assert.equal(BarrierCipher.termOf((await w.physical.get('kv/d')) as Uint8Array), 1);
  } finally {
    await w.cleanup();
  }
});

test('property: any value at any key round-trips and is bound to its key', async () => {
  const w = await world();
  try {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40 }), fc.uint8Array({ maxLength: 512 }), async (k, v) => {
        const key = `p/${k}`;
        await w.barrier.put(key, v);
        assert.deepEqual(new Uint8Array((await w.barrier.get(key)) as Uint8Array), v);
        const blob = (await w.physical.get(key)) as Uint8Array;
        await w.physical.put(`${key}-copy`, blob);
        await assert.rejects(w.barrier.get(`${key}-copy`), isArcaErrorWith('internal'));
      }),
      { numRuns: 60 },
    );
  } finally {
    await w.cleanup();
  }
});

test('read cache (SQLite): hot entries are served decrypted, writes and transactions are seen at once', async () => {
  const w = await world();
  try {
    await w.barrier.put('secret/a', text('v1'));
    assert.equal(str(await w.barrier.get('secret/a')), 'v1');
    assert.ok(w.barrier.cachedEntries > 0, 'the read was cached');
    const copy = await w.barrier.get('secret/a');
    copy?.fill(0);
    assert.equal(str(await w.barrier.get('secret/a')), 'v1', 'callers get private copies');

    await w.barrier.put('secret/a', text('v2'));
    assert.equal(str(await w.barrier.get('secret/a')), 'v2', 'a plain write replaces the cached value');
    assert.equal(await w.barrier.get('secret/b'), undefined);
    await w.barrier.put('secret/b', text('born'));
    assert.equal(str(await w.barrier.get('secret/b')), 'born', 'a cached absence ends with the write');

    // A plain read while a transaction has written (not yet committed) sees the committed
    // value, and the commit is visible to the next read even though that read was cached.
    let during: string | undefined;
    await w.barrier.transaction(async (tx) => {
      await tx.put('secret/a', text('v3'));
      during = str(await w.barrier.get('secret/a'));
    });
    assert.equal(during, 'v2');
    assert.equal(str(await w.barrier.get('secret/a')), 'v3');

    await assert.rejects(
      w.barrier.transaction(async (tx) => {
        await tx.delete('secret/a');
        await w.barrier.get('secret/a');
        throw new Error('roll back');
      }),
    );
    assert.equal(str(await w.barrier.get('secret/a')), 'v3', 'a rolled-back delete leaves the value');
    await w.barrier.delete('secret/a');
    assert.equal(await w.barrier.get('secret/a'), undefined);
  } finally {
    await w.cleanup();
  }
});

test('read cache: reads racing writes never leave a stale value behind', async () => {
  const w = await world();
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('put', 'delete', 'tx', 'read'), { minLength: 1, maxLength: 30 }), async (ops) => {
        // Each run starts from an absent key (runs share the barrier).
        await w.barrier.delete('race/k');
        let latest: string | undefined;
        let n = 0;
        const inFlight: Promise<unknown>[] = [];
        for (const op of ops) {
          const value = `v${n++}`;
          if (op === 'put') {
            latest = value;
            inFlight.push(w.barrier.put('race/k', text(value)));
          } else if (op === 'delete') {
            latest = undefined;
            inFlight.push(w.barrier.delete('race/k'));
          } else if (op === 'tx') {
            latest = value;
            inFlight.push(w.barrier.transaction((tx) => tx.put('race/k', text(value))));
          } else {
            inFlight.push(w.barrier.get('race/k'));
          }
        }
        await Promise.all(inFlight);
        assert.equal(str(await w.barrier.get('race/k')), latest);
      }),
      { numRuns: 60 },
    );
  } finally {
    await w.cleanup();
  }
});

test('read cache: sealing drops it; readCache false never caches', async () => {
  const w = await world();
  try {
    await w.barrier.put('secret/x', text('x'));
    await w.barrier.get('secret/x');
    assert.ok(w.barrier.cachedEntries > 0);
    w.barrier.seal();
    assert.equal(w.barrier.cachedEntries, 0);
    await w.barrier.unseal(w.rootKey);
    assert.equal(str(await w.barrier.get('secret/x')), 'x');
  } finally {
    await w.cleanup();
  }
  const off = await world({ readCache: false });
  try {
    await off.barrier.put('secret/x', text('x'));
    assert.equal(str(await off.barrier.get('secret/x')), 'x');
    assert.equal(off.barrier.cachedEntries, 0);
  } finally {
    await off.cleanup();
  }
});

test('read cache: shared parsed values are parsed once, frozen, and replaced after a write', async () => {
  const w = await world();
  try {
    let parses = 0;
    const parseJson = (bytes: Uint8Array): unknown => {
      parses++;
      return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
    };
    await w.barrier.put('secret/j', text(JSON.stringify({ a: { b: [1, 2] } })));
    const first = (await readShared(w.barrier, 'secret/j', parseJson)) as { a: { b: number[] } };
    const second = await readShared(w.barrier, 'secret/j', parseJson);
    assert.equal(first, second, 'one shared object');
    assert.equal(parses, 1);
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first.a) && Object.isFrozen(first.a.b));
    assert.throws(() => {
      first.a.b.push(3);
    }, TypeError);
    await w.barrier.put('secret/j', text(JSON.stringify({ a: { b: [9] } })));
    assert.deepEqual(await readShared(w.barrier, 'secret/j', parseJson), { a: { b: [9] } });
    assert.equal(await readShared(w.barrier, 'secret/none', parseJson), undefined);
    // Inside a transaction there is no cache: reads see the transaction's own writes.
    await w.barrier.transaction(async (tx) => {
      await tx.put('secret/j', text('{"in":"tx"}'));
      assert.deepEqual(await readShared(tx, 'secret/j', parseJson), { in: 'tx' });
    });
    assert.deepEqual(await readShared(w.barrier, 'secret/j', parseJson), { in: 'tx' });
  } finally {
    await w.cleanup();
  }
});
