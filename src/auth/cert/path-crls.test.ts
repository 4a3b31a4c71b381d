// The cert method's CRLs through BackendHandler on in-memory storage: crls/ management as
// Vault answers it, and revocation at login and renewal with real CAs and CRLs signed by them
// (issuer scoping, forged signatures, intermediates, pinned certificates, the cache).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResponseAuth } from '../../framework/logical.js';
import { renewalOf, renewRefusal, renews } from '../renewal-testing.js';
import { createCertWorld, issueCert, issueCrl, peerOf, serialOf, issueChain } from './cert-testing.js';
import type { CertWorld, TestCert } from './cert-testing.js';
import { CrlStore, serialDecimal } from './crl-store.js';
import { NO_MATCH, UNTRUSTED } from './path-login.js';
import { CRL_OR_URL, URL_UNSUPPORTED } from './path-crls.js';

async function setup(): Promise<{ w: CertWorld; ca: TestCert; leaf: TestCert; other: TestCert }> {
  const w = createCertWorld();
  const now = w.clock.now();
  const ca = await issueCert({ subject: 'CN=Test Root CA', ca: true, now });
  const leaf = await issueCert({ subject: 'CN=revoked.example.com', issuer: ca, now });
  const other = await issueCert({ subject: 'CN=fine.example.com', issuer: ca, now });
  await w.call('create', 'certs/web', { certificate: ca.pem, token_policies: 'app' });
  return { w, ca, leaf, other };
}

async function loginError(w: CertWorld, ...args: Parameters<CertWorld['login']>): Promise<string> {
  try {
    await w.login(...args);
  } catch (err) {
    assert.equal((err as { status?: number }).status, 400);
    return (err as Error).message;
  }
  assert.fail('the login was not refused');
}

async function auth(w: CertWorld, ...args: Parameters<CertWorld['login']>): Promise<ResponseAuth> {
  const res = await w.login(...args);
  assert.ok(res?.auth, 'expected a login');
  return res.auth;
}

test('crls: write PEM or base64 DER, read Vault’s shape, list, delete; errors as Vault', async () => {
  const { w, ca, leaf, other } = await setup();
  const crl = await issueCrl(ca, [leaf, other]);
  assert.equal(await w.call('update', 'crls/Main', { crl: crl.pem }), undefined);
  const serials = Object.fromEntries([leaf, other].map((c) => [serialDecimal(serialOf(c)), {}]));
  assert.deepEqual(await w.data('read', 'crls/main'), { cdp: null, serials });
  assert.match(Object.keys(serials)[0] ?? '', /^\d+$/, 'serials are decimal, as Vault keys them');
  await w.call('update', 'crls/second', { crl: (await issueCrl(ca, [other])).base64 });
  await w.call('update', 'crls/third', { crl: (await issueCrl(ca, [other])).shortPem });
  assert.deepEqual(await w.data('read', 'crls/third'), await w.data('read', 'crls/second'));
  await w.call('delete', 'crls/third');
  assert.deepEqual(await w.data('read', 'crls/second'), { cdp: null, serials: { [serialDecimal(serialOf(other))]: {} } });
  assert.deepEqual(await w.data('list', 'crls/'), { keys: ['main', 'second'] });
  // An update replaces the list.
  await w.call('update', 'crls/main', { crl: (await issueCrl(ca, [])).pem });
  assert.deepEqual(await w.data('read', 'crls/main'), { cdp: null, serials: {} });
  await w.call('delete', 'crls/main');
  assert.deepEqual(await w.data('list', 'crls'), { keys: ['second'] });

  const cases: Array<[string, Record<string, unknown>, string | RegExp]> = [
    ['update', { crl: 'not a crl' }, /^failed to parse CRL: /],
    ['update', { crl: ca.pem }, /^failed to parse CRL: /],
    ['update', { crl: Buffer.from(leaf.der).toString('base64') }, /^failed to parse CRL: /],
    ['update', { url: 'http://crl.example.com/ca.crl' }, URL_UNSUPPORTED],
    ['update', {}, CRL_OR_URL],
    ['read', {}, 'no such CRL main'],
    ['delete', {}, 'no such CRL main'],
  ];
  for (const [op, body, message] of cases) {
    const err = await w.fail(op === 'read' ? 'read' : op === 'delete' ? 'delete' : 'update', 'crls/MAIN', body);
    assert.equal(err.status, 400, `${op} ${JSON.stringify(body)}`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
  }
  assert.deepEqual(await w.data('list', 'crls'), { keys: ['second'] }, 'failed writes store nothing');
});

test('login: a revoked certificate is refused with Vault’s error, others pass, deleting the CRL lets it in', async () => {
  const { w, ca, leaf, other } = await setup();
  assert.ok(await auth(w, peerOf(leaf)));
  await w.call('update', 'crls/ca', { crl: (await issueCrl(ca, [leaf])).pem });
  assert.equal(await loginError(w, peerOf(leaf)), NO_MATCH);
  assert.equal(await loginError(w, peerOf(leaf), { name: 'web' }), NO_MATCH);
  assert.equal((await auth(w, peerOf(other))).metadata.common_name, 'fine.example.com');
  await w.call('delete', 'crls/ca');
  assert.equal((await auth(w, peerOf(leaf))).metadata.common_name, 'revoked.example.com');
  // Written again, as base64 DER this time: refused again (the cache follows the writes).
  await w.call('update', 'crls/ca', { crl: (await issueCrl(ca, [leaf])).base64 });
  assert.equal(await loginError(w, peerOf(leaf)), NO_MATCH);
  await w.call('update', 'crls/ca', { crl: (await issueCrl(ca, [other])).base64 });
  assert.ok(await auth(w, peerOf(leaf)));
  assert.equal(await loginError(w, peerOf(other)), NO_MATCH);
});

test('login: a CRL counts only when a CA of the chain signed it for that certificate', async () => {
  const { w, ca, leaf } = await setup();
  const now = w.clock.now();
  // Same serial as the trusted leaf, issued by another CA: its CRL does not touch our leaf.
  const otherCa = await issueCert({ subject: 'CN=Other CA', ca: true, now });
  const twin = await issueCert({ subject: 'CN=twin', issuer: otherCa, now, serial: serialOf(leaf) });
  assert.equal(serialOf(twin), serialOf(leaf));
  await w.call('update', 'crls/other', { crl: (await issueCrl(otherCa, [twin])).pem });
  assert.ok(await auth(w, peerOf(leaf)));
  // Names the trusted CA as issuer but is signed by another key: a forgery revokes nothing.
  const impostor = await issueCert({ subject: ca.subject, ca: true, now });
  await w.call('update', 'crls/forged', { crl: (await issueCrl(impostor, [leaf], ca.subject)).pem });
  assert.ok(await auth(w, peerOf(leaf)));
  await w.call('update', 'crls/real', { crl: (await issueCrl(ca, [leaf])).pem });
  assert.equal(await loginError(w, peerOf(leaf)), NO_MATCH);
});

test('login: a revoked intermediate refuses its chain; a revoked pinned certificate is untrusted', async () => {
  const w = createCertWorld();
  const now = w.clock.now();
  const { root, inter, leaf } = await issueChain(now);
  await w.call('create', 'certs/root', { certificate: root.pem });
  assert.ok(await auth(w, peerOf(leaf, inter)));
  await w.call('update', 'crls/root', { crl: (await issueCrl(root, [inter])).pem });
  assert.equal(await loginError(w, peerOf(leaf, inter)), NO_MATCH);
  await w.call('update', 'crls/root', { crl: (await issueCrl(root, [])).pem });
  await w.call('update', 'crls/inter', { crl: (await issueCrl(inter, [leaf])).pem });
  assert.equal(await loginError(w, peerOf(leaf, inter)), NO_MATCH, 'the intermediate’s own CRL');
  await w.call('delete', 'crls/inter');
  assert.ok(await auth(w, peerOf(leaf, inter)));

  // Pinned under a trusted CA: the chain to "root" is revoked too, so Vault's NO_MATCH.
  const pinned = await issueCert({ subject: 'CN=pinned', issuer: root, now });
  await w.call('create', 'certs/pin', { certificate: pinned.pem });
  assert.equal((await auth(w, peerOf(pinned), { name: 'pin' })).metadata.cert_name, 'pin');
  await w.call('update', 'crls/root', { crl: (await issueCrl(root, [pinned])).pem });
  assert.equal(await loginError(w, peerOf(pinned)), NO_MATCH);
  assert.equal(await loginError(w, peerOf(pinned), { name: 'pin' }), UNTRUSTED);
  // Pinned under a CA no role trusts: verified when the client sends that CA, else taken by
  // issuer name (unverifiable, so it fails closed as Vault does).
  const loneCa = await issueCert({ subject: 'CN=Lone CA', ca: true, now });
  const lonePin = await issueCert({ subject: 'CN=lone', issuer: loneCa, now });
  await w.call('create', 'certs/lone', { certificate: lonePin.pem });
  assert.equal((await auth(w, peerOf(lonePin))).metadata.cert_name, 'lone');
  const impostor = await issueCert({ subject: loneCa.subject, ca: true, now });
  await w.call('update', 'crls/lone', { crl: (await issueCrl(impostor, [lonePin])).pem });
  assert.ok(await auth(w, peerOf(lonePin, loneCa)), 'the CA it was sent with did not sign that CRL');
  assert.equal(await loginError(w, peerOf(lonePin)), UNTRUSTED);
  await w.call('update', 'crls/lone', { crl: (await issueCrl(loneCa, [lonePin])).pem });
  assert.equal(await loginError(w, peerOf(lonePin, loneCa)), UNTRUSTED);
});

test('renewal: a certificate revoked after login no longer renews the token', async () => {
  const { w, ca, leaf } = await setup();
  const renewal = renewalOf(await auth(w, peerOf(leaf)), 'auth/cert/login', peerOf(leaf));
  await renews(w.backend, renewal);
  await w.call('update', 'crls/ca', { crl: (await issueCrl(ca, [leaf])).pem });
  assert.equal(await renewRefusal(w.backend, renewal), NO_MATCH);
  await w.call('delete', 'crls/ca');
  await renews(w.backend, renewal);
});

test('crl store: a cache on another node sees writes and deletes made through storage', async () => {
  const { w, ca, leaf } = await setup();
  const mine = new CrlStore();
  const theirs = new CrlStore();
  await mine.write(w.storage, 'ca', new Uint8Array(Buffer.from((await issueCrl(ca, [leaf])).base64, 'base64')));
  const first = await theirs.loadAll(w.storage);
  assert.deepEqual(first.map((c) => [...c.serials]), [[serialDecimal(serialOf(leaf))]]);
  assert.equal((await theirs.loadAll(w.storage))[0], first[0], 'unchanged bytes reuse the parsed entry');
  await mine.write(w.storage, 'ca', new Uint8Array(Buffer.from((await issueCrl(ca, [])).base64, 'base64')));
  assert.deepEqual((await theirs.loadAll(w.storage)).map((c) => c.serials.size), [0]);
  assert.equal(await mine.delete(w.storage, 'ca'), true);
  assert.deepEqual(await theirs.loadAll(w.storage), []);
  assert.equal(await mine.delete(w.storage, 'ca'), false);
});
