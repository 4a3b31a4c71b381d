import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SecurityBarrier } from '../../barrier/security-barrier.js';
import { SqlitePhysical } from '../../storage/sqlite/sqlite-physical.js';
import type { InitResult } from './seal-manager.js';
import { SealManager } from './seal-manager.js';
import { isArcaErrorWith } from '../../../test/support/arca-error.js';

interface World {
  barrier: SecurityBarrier;
  seal: SealManager;
  init: InitResult;
  cleanup(): Promise<void>;
}

async function world(shares = 5, threshold = 3): Promise<World> {
  const dir = fs.mkdtempSync(os.tmpdir() + '/arca-');
  const physical = SqlitePhysical.open(path.join(dir, 'arca.db'));
  const barrier = new SecurityBarrier(physical);
  const seal = new SealManager({ barrier });
  const init = await seal.initialize({ secret_shares: shares, secret_threshold: threshold });
  for (const k of init.keys.slice(0, threshold)) await seal.submitUnsealKey(k);
  assert.equal(barrier.sealed, false);
  return {
    barrier,
    seal,
    init,
    async cleanup() {
      barrier.seal();
      await physical.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}


test('rekey 3-of-5 → 2-of-3: new shares unseal, old shares no longer do, data survives', async () => {
  const w = await world();
  try {
    await w.barrier.put('secret/a', Buffer.from('kept'));
    const idle = await w.seal.rekeyStatus();
    assert.deepEqual(idle, {
      nonce: '',
      started: false,
      t: 0,
      n: 0,
      progress: 0,
      required: 3,
      pgp_fingerprints: null,
      backup: false,
      verification_required: false,
    });
    const started = await w.seal.rekeyInit({ secret_shares: 3, secret_threshold: 2 });
    assert.equal(started.started, true);
    assert.equal(started.t, 2);
    assert.equal(started.n, 3);
    assert.equal(started.required, 3);
    assert.notEqual(started.nonce, '');
    await assert.rejects(w.seal.rekeyInit({ secret_shares: 3, secret_threshold: 2 }), isArcaErrorWith('invalid_request', /already in progress/));

    const p1 = await w.seal.rekeyUpdate(w.init.keys[3] as string, started.nonce);
    assert.ok(!('complete' in p1));
    assert.equal(p1.progress, 1);
    await w.seal.rekeyUpdate(w.init.keys_base64[0] as string, started.nonce);
    const done = await w.seal.rekeyUpdate(w.init.keys[4] as string, started.nonce);
    assert.ok('complete' in done && done.complete);
    assert.equal(done.nonce, started.nonce);
    assert.equal(done.keys.length, 3);
    assert.equal(done.keys_base64.length, 3);
    assert.equal((await w.seal.rekeyStatus()).started, false);

    const status = await w.seal.status();
    assert.equal(status.t, 2);
    assert.equal(status.n, 3);
    assert.equal(status.sealed, false);

    await w.seal.seal();
    // The new threshold is 2, so two old shares are tried and rejected.
    await w.seal.submitUnsealKey(w.init.keys[0] as string);
    await assert.rejects(w.seal.submitUnsealKey(w.init.keys[1] as string), isArcaErrorWith('invalid_request'));
    assert.equal(w.barrier.sealed, true);

    await w.seal.submitUnsealKey(done.keys[2] as string);
    await w.seal.submitUnsealKey(done.keys_base64[0] as string);
    assert.equal(w.barrier.sealed, false);
    assert.equal(Buffer.from((await w.barrier.get('secret/a')) as Uint8Array).toString(), 'kept');
  } finally {
    await w.cleanup();
  }
});

test('rekey errors: no rekey, wrong nonce, duplicates, invalid config, sealed', async () => {
  const w = await world();
  try {
    await assert.rejects(w.seal.rekeyUpdate(w.init.keys[0] as string, 'x'), isArcaErrorWith('invalid_request', /no rekey in progress/));
    await assert.rejects(
      w.seal.rekeyInit({ secret_shares: 2, secret_threshold: 3 }),
      isArcaErrorWith('invalid_request', /threshold cannot be larger than shares/),
    );
    const { nonce } = await w.seal.rekeyInit({ secret_shares: 1, secret_threshold: 1 });
    await assert.rejects(w.seal.rekeyUpdate(w.init.keys[0] as string, 'bogus'), isArcaErrorWith('invalid_request', /incorrect nonce/));
    await w.seal.rekeyUpdate(w.init.keys[0] as string, nonce);
    await assert.rejects(
      w.seal.rekeyUpdate(w.init.keys[0] as string, nonce),
      isArcaErrorWith('invalid_request', /already been provided during this generation operation/),
    );
    await w.seal.rekeyCancel();
    assert.equal((await w.seal.rekeyStatus()).started, false);
    await w.seal.seal();
    await assert.rejects(w.seal.rekeyInit({ secret_shares: 1, secret_threshold: 1 }), isArcaErrorWith('sealed'));
  } finally {
    await w.cleanup();
  }
});

test('wrong old shares fail the rekey, reset its progress and keep the old keys valid', async () => {
  const w = await world(3, 2);
  const other = await world(3, 2);
  try {
    const { nonce } = await w.seal.rekeyInit({ secret_shares: 1, secret_threshold: 1 });
    await w.seal.rekeyUpdate(w.init.keys[0] as string, nonce);
    await assert.rejects(w.seal.rekeyUpdate(other.init.keys[1] as string, nonce), isArcaErrorWith('invalid_request', /do not reconstruct/));
    const after = await w.seal.rekeyStatus();
    assert.equal(after.progress, 0);
    assert.equal(after.nonce, nonce);
    // The right shares still complete the same operation; 1-of-1 returns the new root key.
    await w.seal.rekeyUpdate(w.init.keys[1] as string, nonce);
    const done = await w.seal.rekeyUpdate(w.init.keys[2] as string, nonce);
    assert.ok('complete' in done);
    assert.equal(w.barrier.verifyRootKey(Buffer.from(done.keys[0] as string, 'hex')), true);
  } finally {
    await w.cleanup();
    await other.cleanup();
  }
});

test('old shares that do not combine at all (a clashing coordinate) fail the rekey the same way', async () => {
  const w = await world(3, 2);
  const other = await world(3, 2);
  try {
    const { nonce } = await w.seal.rekeyInit({ secret_shares: 1, secret_threshold: 1 });
    const mine = Buffer.from(w.init.keys[0] as string, 'hex');
    // Another root key's share, moved onto the same x coordinate (a share's last byte).
    const clash = Buffer.from(other.init.keys[1] as string, 'hex');
    clash[clash.length - 1] = mine[mine.length - 1] as number;
    await w.seal.rekeyUpdate(mine.toString('hex'), nonce);
    await assert.rejects(w.seal.rekeyUpdate(clash.toString('hex'), nonce), (err: unknown) => {
      assert.ok(isArcaErrorWith('invalid_request', /rekey failed: the provided keys do not reconstruct the root key/)(err));
      assert.match(String((err as Error).cause), /not shares of the same root key/, 'the combine itself failed');
      return true;
    });
    assert.equal((await w.seal.rekeyStatus()).progress, 0);
  } finally {
    await w.cleanup();
    await other.cleanup();
  }
});
