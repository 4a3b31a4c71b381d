import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSecretKey, randomBytes } from 'node:crypto';
import { BarrierCipher } from './barrier-cipher.js';

test('every seal gets a fresh nonce, across refills of the nonce pool', () => {
  const key = createSecretKey(randomBytes(32));
  const seen = new Set<string>();
  const plaintext = Buffer.from('same plaintext every time');
  for (let i = 0; i < 2000; i++) {
    const blob = BarrierCipher.encrypt(key, 1, 'secret/x', plaintext);
    seen.add(blob.subarray(5, 17).toString('hex'));
    assert.deepEqual(BarrierCipher.decrypt(key, 'secret/x', blob), plaintext);
  }
  assert.equal(seen.size, 2000, 'no nonce handed out twice (2000 seals span several 4 KiB pools)');
});

test('a blob opens only for its own path', () => {
  const key = createSecretKey(randomBytes(32));
  const blob = BarrierCipher.encrypt(key, 3, 'secret/a', Buffer.from('v'));
  assert.equal(BarrierCipher.termOf(blob), 3);
  assert.equal(BarrierCipher.decrypt(key, 'secret/b', blob), undefined);
});
