import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchTotp, totpCode } from './totp-code.js';
import { totpTerminalQr } from './totp-qr.js';

// RFC 6238 appendix B: the ASCII seed "12345678901234567890" (base32 below), 8 digits, SHA1.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const settings = { period: 30, algorithm: 'SHA1', digits: 8, skew: 1 } as const;

test('codes match the RFC 6238 test vectors', async () => {
  assert.equal(await totpCode(settings, RFC_SECRET, 59_000), '94287082');
  assert.equal(await totpCode(settings, RFC_SECRET, 1_111_111_109_000), '07081804');
  assert.equal(await matchTotp(settings, RFC_SECRET, '07081804', 1_111_111_109_000), Math.floor(1_111_111_109 / 30));
});

test('the skew admits exactly one period either side; malformed codes never match', async () => {
  const t = 1_111_111_109_000;
  const code = await totpCode(settings, RFC_SECRET, t);
  assert.notEqual(await matchTotp(settings, RFC_SECRET, code, t + 30_000), undefined);
  assert.equal(await matchTotp(settings, RFC_SECRET, code, t + 61_000), undefined);
  assert.equal(await matchTotp({ ...settings, skew: 0 }, RFC_SECRET, code, t + 30_000), undefined);
  for (const bad of ['', '1234567', '123456789', 'abcdefgh', `${code} `]) assert.equal(await matchTotp(settings, RFC_SECRET, bad, t), undefined);
});

test('terminal QR rendering is multi-line text', async () => {
  const text = await totpTerminalQr('otpauth://totp/Arca:e?secret=ABCDEFGH&issuer=Arca');
  assert.ok(text.split('\n').length > 10);
});
