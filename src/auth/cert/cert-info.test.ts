// Certificate fields beyond node:crypto (key ids, SANs, OUs), ASN.1 string values and PEM bundles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAsn1String, readCertInfo } from './cert-info.js';
import { parsePemBundle, MAX_BUNDLE_CERTS } from './parse-pem-bundle.js';
import { issueCert } from './cert-testing.js';

test('readCertInfo: names, SANs by kind, decimal serial, key ids as colon hex', async () => {
  const ca = await issueCert({ subject: 'CN=CA', ca: true });
  const leaf = await issueCert({
    subject: 'CN=first, OU=eng, OU=ops, CN=last', issuer: ca,
    dns: ['a.example'], emails: ['x@example'], uris: ['spiffe://t/a'],
  });
  const info = readCertInfo(leaf.der);
  assert.equal(info.commonName, 'last');
  assert.deepEqual(info.organizationalUnits, ['eng', 'ops']);
  assert.deepEqual([info.dnsNames, info.emailAddresses, info.uris], [['a.example'], ['x@example'], ['spiffe://t/a']]);
  assert.match(info.serialNumber, /^\d+$/);
  assert.equal(info.authorityKeyId, readCertInfo(ca.der).subjectKeyId);
  assert.match(info.subjectKeyId, /^([0-9a-f]{2}:){19}[0-9a-f]{2}$/);
  assert.throws(() => readCertInfo(Uint8Array.from([1, 2, 3])), /failed to parse certificate/);
});

test('decodeAsn1String: the string types Go accepts, exact lengths only', () => {
  assert.equal(decodeAsn1String(Uint8Array.from([0x0c, 2, 0x68, 0x69])), 'hi');
  assert.equal(decodeAsn1String(Uint8Array.from([0x13, 1, 0x41])), 'A');
  assert.equal(decodeAsn1String(Uint8Array.from([0x16, 1, 0x61])), 'a');
  assert.equal(decodeAsn1String(Uint8Array.from([0x1e, 2, 0x00, 0x41])), 'A');
  const long = Buffer.alloc(200, 0x62);
  assert.equal(decodeAsn1String(Uint8Array.from([0x0c, 0x81, 200, ...long])), 'b'.repeat(200));
  assert.equal(decodeAsn1String(Uint8Array.from([0x0c, 3, 0x68, 0x69])), undefined, 'short body');
  assert.equal(decodeAsn1String(Uint8Array.from([0x0c, 1, 0x68, 0x69])), undefined, 'trailing bytes');
  assert.equal(decodeAsn1String(Uint8Array.from([0x02, 1, 0x05])), undefined, 'an INTEGER');
  assert.equal(decodeAsn1String(Uint8Array.from([0x0c, 1, 0xff])), undefined, 'invalid UTF-8');
});

test('parsePemBundle: several blocks amid other text; none, garbage or too many is 400', async () => {
  const a = await issueCert({ subject: 'CN=a', ca: true });
  const b = await issueCert({ subject: 'CN=b', ca: true });
  const bundle = `# trust these\n${a.pem}\nsome text\n${b.pem}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n`;
  assert.deepEqual(parsePemBundle(bundle).map((c) => c.subject), ['CN=a', 'CN=b']);
  assert.deepEqual(parsePemBundle(a.pem.replaceAll('\n', '\r\n')).map((c) => c.subject), ['CN=a']);
  for (const bad of ['', a.keyPem, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n']) {
    assert.throws(() => parsePemBundle(bad), (err: Error & { status?: number }) => err.status === 400);
  }
  assert.throws(() => parsePemBundle(a.pem.repeat(MAX_BUNDLE_CERTS + 1)), /at most/);
});
