import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SecurityBarrier } from '../../barrier/security-barrier.js';
import { SqlitePhysical } from '../../storage/sqlite/sqlite-physical.js';
import { RESERVED_KEYS } from '../../barrier/reserved-keys.js';
import { KeyFileSeal } from './key-file-seal.js';
import { SealManager } from './seal-manager.js';
import { isArcaErrorWith } from '../../../test/support/arca-error.js';

function tempDir(): string {
  return fs.mkdtempSync(os.tmpdir() + '/arca-');
}


test('create writes a 32-byte key with mode 0600 and refuses to overwrite', async () => {
  const dir = tempDir();
  try {
    const file = path.join(dir, 'unseal.key');
    await KeyFileSeal.create(file);
    const stat = fs.statSync(file);
    assert.equal(stat.mode & 0o777, 0o600);
    assert.equal(stat.size, 32);
    await assert.rejects(KeyFileSeal.create(file), isArcaErrorWith('invalid_request', /already exists/));
    const again = await KeyFileSeal.openOrCreate(file);
    assert.equal(again.path, file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a key file readable by group or others is refused with a clear error', async () => {
  const dir = tempDir();
  try {
    const file = path.join(dir, 'unseal.key');
    fs.writeFileSync(file, randomBytes(32), { mode: 0o600 });
    for (const mode of [0o644, 0o640, 0o604, 0o660]) {
      fs.chmodSync(file, mode);
      await assert.rejects(
        KeyFileSeal.open(file),
        isArcaErrorWith('invalid_request', new RegExp(`mode 0${mode.toString(8)}.*group or others.*0600`)),
      );
    }
    fs.chmodSync(file, 0o400);
    await KeyFileSeal.open(file);
    await assert.rejects(KeyFileSeal.open(path.join(dir, 'missing')), isArcaErrorWith('invalid_request', /cannot be read/));
    await assert.rejects(KeyFileSeal.open(dir), isArcaErrorWith('invalid_request', /group or others|not a regular file/));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('hex key files are accepted; other contents are refused', async () => {
  const dir = tempDir();
  try {
    const hex = path.join(dir, 'hex.key');
    fs.writeFileSync(hex, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
    const seal = await KeyFileSeal.open(hex);
    const root = randomBytes(32);
    assert.deepEqual(seal.unwrapRootKey(seal.wrapRootKey(root)), root);
    const bad = path.join(dir, 'bad.key');
    fs.writeFileSync(bad, 'short', { mode: 0o600 });
    await assert.rejects(KeyFileSeal.open(bad), isArcaErrorWith('invalid_request', /32 raw bytes or 64 hex/));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('key-file seal: init unseals at once, restart auto-unseals without shares, wrong key file fails', async () => {
  const dir = tempDir();
  const dbFile = path.join(dir, 'arca.db');
  try {
    const keyFile = await KeyFileSeal.create(path.join(dir, 'unseal.key'));
    let physical = SqlitePhysical.open(dbFile);
    let barrier = new SecurityBarrier(physical);
    let seal = new SealManager({ barrier, keyFile });
    assert.equal((await seal.status()).type, 'keyfile');
    const init = await seal.initialize();
    assert.deepEqual(init.keys, []);
    assert.equal(barrier.sealed, false);
    await barrier.put('secret/a', Buffer.from('kept'));
    const stored = await barrier.reserved.get(RESERVED_KEYS.rootKey);
    assert.ok(stored);
    assert.ok(!Buffer.from(stored).includes(init.rootKey));
    await assert.rejects(seal.submitUnsealKey('00'.repeat(33)), isArcaErrorWith('invalid_request', /key file seal takes no unseal keys/));
    await assert.rejects(seal.rekeyInit({ secret_shares: 3, secret_threshold: 2 }), isArcaErrorWith('invalid_request', /not supported/));
    barrier.seal();
    await physical.close();

    // A restart: a fresh barrier over the same file unseals from the key file alone.
    physical = SqlitePhysical.open(dbFile);
    barrier = new SecurityBarrier(physical);
    seal = new SealManager({ barrier, keyFile: await KeyFileSeal.open(keyFile.path) });
    const status = await seal.autoUnseal();
    assert.equal(status.sealed, false);
    assert.equal(status.initialized, true);
    assert.equal(Buffer.from((await barrier.get('secret/a')) as Uint8Array).toString(), 'kept');
    await seal.seal();

    const other = await KeyFileSeal.create(path.join(dir, 'other.key'));
    const wrong = new SealManager({ barrier, keyFile: other });
    await assert.rejects(wrong.autoUnseal(), isArcaErrorWith('invalid_request', /does not open the stored root key/));
    const none = new SealManager({ barrier });
    await assert.rejects(none.autoUnseal(), isArcaErrorWith('invalid_request', /no key file was given/));
    assert.equal(barrier.sealed, true);
    await physical.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('auto-unseal is refused for a Shamir-initialized store', async () => {
  const dir = tempDir();
  try {
    const physical = SqlitePhysical.open(path.join(dir, 'arca.db'));
    const barrier = new SecurityBarrier(physical);
    await new SealManager({ barrier }).initialize({ secret_shares: 3, secret_threshold: 2 });
    const keyFile = await KeyFileSeal.create(path.join(dir, 'unseal.key'));
    await assert.rejects(new SealManager({ barrier, keyFile }).autoUnseal(), isArcaErrorWith('invalid_request', /Shamir/));
    await physical.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
