import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { SecurityBarrier } from '../../barrier/security-barrier.js';
import { SqlitePhysical } from '../../storage/sqlite/sqlite-physical.js';
import { RESERVED_KEYS } from '../../barrier/reserved-keys.js';
import { FakeClock } from '../../lib/clock.js';
import type { KeyFileSeal } from './key-file-seal.js';
import { SealManager } from './seal-manager.js';
import { isArcaErrorWith } from '../../../test/support/arca-error.js';

interface World {
  dir: string;
  physical: SqlitePhysical;
  barrier: SecurityBarrier;
  seal: SealManager;
  cleanup(): Promise<void>;
}

function world(keyFile?: KeyFileSeal, dir = fs.mkdtempSync(os.tmpdir() + '/arca-')): World {
  const physical = SqlitePhysical.open(path.join(dir, 'arca.db'));
  const barrier = new SecurityBarrier(physical, { clock: new FakeClock() });
  const seal = new SealManager({ barrier, version: '0.1.0', buildDate: '2026-01-01T00:00:00Z', ...(keyFile ? { keyFile } : {}) });
  return {
    dir,
    physical,
    barrier,
    seal,
    async cleanup() {
      barrier.seal();
      await physical.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}


test('status before and after initialization has the sys/seal-status shape', async () => {
  const w = world();
  try {
    assert.deepEqual(await w.seal.status(), {
      type: 'shamir',
      initialized: false,
      sealed: true,
      t: 0,
      n: 0,
      progress: 0,
      nonce: '',
      version: '0.1.0',
      build_date: '2026-01-01T00:00:00Z',
      migration: false,
      recovery_seal: false,
      storage_type: 'sqlite',
    });
    const init = await w.seal.initialize({ secret_shares: 5, secret_threshold: 3 });
    assert.equal(init.keys.length, 5);
    assert.equal(init.keys_base64.length, 5);
    assert.equal(init.rootKey.length, 32);
    const s = await w.seal.status();
    assert.equal(s.initialized, true);
    assert.equal(s.sealed, true);
    assert.equal(s.t, 3);
    assert.equal(s.n, 5);
    await assert.rejects(w.seal.initialize({ secret_shares: 1, secret_threshold: 1 }), isArcaErrorWith('invalid_request', /already initialized/));
    // Nothing that rebuilds the root key is stored in Shamir mode.
    assert.equal(await w.barrier.reserved.get(RESERVED_KEYS.rootKey), undefined);
  } finally {
    await w.cleanup();
  }
});

test('initialize validates shares and threshold with Vault\'s messages', async () => {
  const w = world();
  try {
    const cases: [number, number, RegExp][] = [
      [0, 1, /shares must be at least one/],
      [1, 0, /threshold must be at least one/],
      [3, 1, /threshold must be greater than one for multiple shares/],
      [256, 2, /shares must be less than 256/],
      [2, 3, /threshold cannot be larger than shares/],
      [2.5, 2, /integers/],
    ];
    for (const [n, t, msg] of cases) {
      await assert.rejects(w.seal.initialize({ secret_shares: n, secret_threshold: t }), isArcaErrorWith('invalid_request', msg));
    }
    assert.equal((await w.seal.status()).initialized, false);
  } finally {
    await w.cleanup();
  }
});

test('3-of-5 unseal accumulates progress with a nonce, mixes hex and base64, then unseals', async () => {
  const w = world();
  try {
    const init = await w.seal.initialize({ secret_shares: 5, secret_threshold: 3 });
    const s1 = await w.seal.submitUnsealKey(init.keys[4] as string);
    assert.equal(s1.progress, 1);
    assert.notEqual(s1.nonce, '');
    assert.equal(s1.sealed, true);
    const s2 = await w.seal.submitUnsealKey(init.keys_base64[1] as string);
    assert.equal(s2.progress, 2);
    assert.equal(s2.nonce, s1.nonce);
    const s3 = await w.seal.submitUnsealKey(init.keys[2] as string);
    assert.equal(s3.sealed, false);
    assert.equal(s3.progress, 0);
    assert.equal(s3.nonce, '');
    await w.barrier.put('secret/x', Buffer.from('v'));
    // Submitting while unsealed is a no-op status read, as in Vault.
    assert.equal((await w.seal.submitUnsealKey(init.keys[0] as string)).sealed, false);
    await w.seal.seal();
    assert.equal(w.barrier.sealed, true);
    await assert.rejects(w.barrier.get('secret/x'), isArcaErrorWith('sealed'));
  } finally {
    await w.cleanup();
  }
});

test('property: any threshold-sized subset of shares unseals', async () => {
  const w = world();
  try {
    const init = await w.seal.initialize({ secret_shares: 5, secret_threshold: 3 });
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray([0, 1, 2, 3, 4], { minLength: 3, maxLength: 3 }), async (idx) => {
        for (const i of idx) await w.seal.submitUnsealKey(init.keys[i] as string);
        assert.equal(w.barrier.sealed, false);
        await w.seal.seal();
      }),
      { numRuns: 15 },
    );
  } finally {
    await w.cleanup();
  }
});

test('a duplicate key is ignored (Vault); wrong keys fail and reset progress; reset discards progress', async () => {
  const w = world();
  try {
    const init = await w.seal.initialize({ secret_shares: 3, secret_threshold: 2 });
    const first = await w.seal.submitUnsealKey(init.keys[0] as string);
    const again = await w.seal.submitUnsealKey(init.keys_base64[0] as string);
    assert.equal(again.progress, 1);
    assert.equal(again.nonce, first.nonce);
    assert.equal(w.barrier.sealed, true);
    assert.equal((await w.seal.status()).progress, 1);
    assert.equal((await w.seal.submitUnsealKey(undefined, true)).progress, 0);

    const other = world();
    const foreign = await other.seal.initialize({ secret_shares: 3, secret_threshold: 2 });
    await other.cleanup();
    await w.seal.submitUnsealKey(init.keys[0] as string);
    await assert.rejects(w.seal.submitUnsealKey(foreign.keys[1] as string), (err: unknown) => {
      isArcaErrorWith('invalid_request', /do not reconstruct/)(err);
      assert.ok(!(err as Error).message.includes(foreign.keys[1] as string));
      return true;
    });
    const after = await w.seal.status();
    assert.equal(after.progress, 0);
    assert.equal(after.sealed, true);
    await assert.rejects(w.seal.submitUnsealKey('not-a-key!'), isArcaErrorWith('invalid_request', /hex or base64/));
    await assert.rejects(w.seal.submitUnsealKey('abcd'), isArcaErrorWith('invalid_request', /shorter than minimum/));
    await assert.rejects(w.seal.submitUnsealKey(), isArcaErrorWith('invalid_request', /'key' must be specified/));
    await w.seal.submitUnsealKey(init.keys[1] as string);
    await w.seal.submitUnsealKey(init.keys[2] as string);
    assert.equal(w.barrier.sealed, false);
  } finally {
    await w.cleanup();
  }
});

test('1-of-1: the single unseal key is the root key', async () => {
  const w = world();
  try {
    const init = await w.seal.initialize({ secret_shares: 1, secret_threshold: 1 });
    assert.equal(init.keys[0], init.rootKey.toString('hex'));
    assert.equal((await w.seal.submitUnsealKey(init.keys_base64[0] as string)).sealed, false);
  } finally {
    await w.cleanup();
  }
});

test('unseal before initialization is refused', async () => {
  const w = world();
  try {
    await assert.rejects(w.seal.submitUnsealKey('00'.repeat(33)), isArcaErrorWith('invalid_request', /not initialized/));
    await assert.rejects(w.seal.autoUnseal(), isArcaErrorWith('invalid_request', /not initialized/));
    await assert.rejects(w.seal.rekeyInit({ secret_shares: 1, secret_threshold: 1 }), isArcaErrorWith('invalid_request', /not initialized/));
  } finally {
    await w.cleanup();
  }
});

test('concurrent submissions are serialized and unseal exactly once', async () => {
  const w = world();
  try {
    const init = await w.seal.initialize({ secret_shares: 5, secret_threshold: 3 });
    const results = await Promise.all(init.keys.slice(0, 3).map((k) => w.seal.submitUnsealKey(k)));
    assert.deepEqual(results.map((r) => r.progress), [1, 2, 0]);
    assert.equal(w.barrier.sealed, false);
  } finally {
    await w.cleanup();
  }
});
