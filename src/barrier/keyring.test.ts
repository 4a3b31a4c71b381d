import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArcaError } from '../lib/errors.js';
import { BarrierCipher } from './barrier-cipher.js';
import { Keyring } from './keyring.js';

const malformed = (err: unknown): boolean => err instanceof ArcaError && err.code === 'internal' && /malformed/.test(err.message);

test('encode/decode round-trips every term and keeps the newest active', () => {
  const ring = Keyring.generate(1000).withNewTerm(2000).withNewTerm(3000);
  const back = Keyring.decode(ring.encode());
  assert.equal(back.active.term, 3);
  assert.equal(back.term(1)?.installTime, 1000);
  assert.equal(back.term(4), undefined);
  const blob = BarrierCipher.encrypt(ring.term(2)!.key, 2, 'p', Buffer.from('x'));
  assert.equal(BarrierCipher.decrypt(back.term(2)!.key, 'p', blob)?.toString(), 'x');
});

test('wiping a superseded keyring leaves its successor usable', () => {
  const old = Keyring.generate(1);
  const next = old.withNewTerm(2);
  const blob = BarrierCipher.encrypt(next.term(1)!.key, 1, 'p', Buffer.from('x'));
  old.wipe();
  assert.equal(Keyring.decode(next.encode()).term(1) !== undefined, true);
  assert.equal(BarrierCipher.decrypt(Keyring.decode(next.encode()).term(1)!.key, 'p', blob)?.toString(), 'x');
});

test('malformed keyrings are refused', () => {
  const bad = [
    'not json',
    '{}',
    '{"version":2,"terms":[]}',
    '{"version":1,"terms":[]}',
    '{"version":1,"terms":[{"term":2,"key":"' + Buffer.alloc(32).toString('base64') + '","install_time":1}]}',
    '{"version":1,"terms":[{"term":1,"key":"AAAA","install_time":1}]}',
  ];
  for (const doc of bad) assert.throws(() => Keyring.decode(Buffer.from(doc)), malformed, doc);
});
