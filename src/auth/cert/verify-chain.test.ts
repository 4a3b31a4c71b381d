// Chain building with node:crypto: anchors, intermediates, loops and the search bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { issueCert } from './cert-testing.js';
import type { TestCert } from './cert-testing.js';
import { verifyChains } from './verify-chain.js';

const x = (c: { der: Uint8Array }): X509Certificate => new X509Certificate(c.der);

test('chains end at an anchor; several anchors give several chains; none without a path', async () => {
  const now = Date.now();
  const root = await issueCert({ subject: 'CN=Root', ca: true });
  const inter = await issueCert({ subject: 'CN=Inter', issuer: root, ca: true });
  const leaf = await issueCert({ subject: 'CN=leaf', issuer: inter });
  const chains = verifyChains({ leaf: x(leaf), intermediates: [x(inter)], anchors: [x(root), x(inter)], now });
  assert.deepEqual(chains.map((c) => c.map((p) => p.subject)), [['CN=leaf', 'CN=Inter'], ['CN=leaf', 'CN=Inter', 'CN=Root']]);
  assert.deepEqual(verifyChains({ leaf: x(leaf), intermediates: [], anchors: [x(root)], now }), []);
  assert.deepEqual(verifyChains({ leaf: x(leaf), intermediates: [x(inter)], anchors: [], now }), []);
});

test('many look-alike intermediates do not blow up the search', async () => {
  const now = Date.now();
  const root = await issueCert({ subject: 'CN=Root', ca: true });
  const decoys = await Promise.all(Array.from({ length: 12 }, () => issueCert({ subject: 'CN=Inter', ca: true })));
  const leaf = await issueCert({ subject: 'CN=leaf', issuer: decoys[0] as TestCert });
  const chains = verifyChains({ leaf: x(leaf), intermediates: decoys.map(x), anchors: [x(root)], now });
  assert.deepEqual(chains, []);
});
