// The cert auth method through BackendHandler on in-memory storage: roles, config and login
// with synthetic peer certificates (happy path, chains, expiry, constraints, forgeries).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { buildRequest } from '../../engines/kv/kv-testing.js';
import type { ResponseAuth } from '../../framework/logical.js';
import { createCertWorld, issueCert, peerOf, utf8StringDer, issueChain } from './cert-testing.js';
import type { CertWorld, TestCert } from './cert-testing.js';
import { readCertInfo } from './cert-info.js';
import { NO_CERT, NO_MATCH, UNTRUSTED } from './path-login.js';
import { NOT_LOGIN_IDENTITY } from './renew-cert-login.js';
import { POLICIES_CHANGED } from '../equivalent-policies.js';
import { renewalOf, renewRefusal, renews } from '../renewal-testing.js';

const DAY = 86_400_000;

async function setup(): Promise<{ w: CertWorld; ca: TestCert; leaf: TestCert }> {
  const w = createCertWorld();
  const now = w.clock.now();
  const ca = await issueCert({ subject: 'CN=Test Root CA', ca: true, now });
  const leaf = await issueCert({
    subject: 'CN=client.example.com, OU=eng', issuer: ca, now,
    dns: ['client.example.com'], emails: ['ops@example.com'], uris: ['spiffe://example.com/app'],
  });
  await w.call('create', 'certs/web', { certificate: ca.pem, token_policies: 'app,ops', display_name: 'web', token_ttl: '1h' });
  return { w, ca, leaf };
}

async function loginError(w: CertWorld, ...args: Parameters<CertWorld['login']>): Promise<string> {
  await assert.rejects(w.login(...args), (err: Error & { status?: number }) => {
    assert.equal(err.status, 400);
    return true;
  });
  try {
    await w.login(...args);
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}

async function auth(w: CertWorld, ...args: Parameters<CertWorld['login']>): Promise<ResponseAuth> {
  const res = await w.login(...args);
  assert.ok(res?.auth, 'expected a login');
  return res.auth;
}

test('roles: create, read back, partial update, list, delete; names lower-cased', async () => {
  const { w, ca } = await setup();
  const data = await w.data('read', 'certs/WEB');
  assert.equal(data.certificate, ca.pem);
  assert.equal(data.display_name, 'web');
  assert.deepEqual(data.token_policies, ['app', 'ops']);
  assert.equal(data.token_ttl, 3600);
  assert.equal(data.ocsp_enabled, false);
  await w.call('update', 'certs/web', { allowed_common_names: ['*.example.com'] });
  const after = await w.data('read', 'certs/web');
  assert.deepEqual(after.allowed_common_names, ['*.example.com']);
  assert.equal(after.certificate, ca.pem, 'an update keeps what it did not send');
  await w.call('create', 'certs/Other', { certificate: ca.pem });
  assert.equal((await w.data('read', 'certs/other')).display_name, 'other');
  assert.deepEqual(await w.data('list', 'certs/'), { keys: ['other', 'web'] });
  await w.call('delete', 'certs/web');
  assert.equal(await w.call('read', 'certs/web'), undefined);
  assert.deepEqual(await w.data('list', 'certs'), { keys: ['other'] });
  const req = buildRequest('update', 'certs/other', {});
  assert.equal(await w.handler.exists(req), true);
});

test('roles: invalid writes are 400 and store nothing', async () => {
  const w = createCertWorld();
  const serverOnly = await issueCert({ subject: 'CN=server', eku: ['1.3.6.1.5.5.7.3.1'] });
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{}, /certificate/],
    [{ certificate: 'not a pem' }, /failed to parse certificate/],
    [{ certificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }, /failed to parse certificate/],
    [{ certificate: serverOnly.pem }, /client authentication/],
    [{ certificate: serverOnly.pem.replace('x', 'x'), ocsp_enabled: true }, /OCSP/],
    [{ certificate: (await issueCert({ subject: 'CN=ca', ca: true })).pem, required_extensions: ['nope'] }, /required_extensions/],
    [{ certificate: (await issueCert({ subject: 'CN=ca', ca: true })).pem, token_bound_cidrs: ['300.0.0.1'] }, /CIDR/],
  ];
  for (const [body, message] of cases) {
    const err = await w.fail('create', 'certs/bad', body);
    assert.equal(err.status, 400, JSON.stringify(Object.keys(body)));
    assert.match(err.message, message);
  }
  assert.equal(await w.call('read', 'certs/bad'), undefined);
});

test('login: a leaf issued by a trusted CA gets the role’s token and Vault’s metadata', async () => {
  const { w, ca, leaf } = await setup();
  const a = await auth(w, peerOf(leaf));
  assert.deepEqual(a.policies, ['app', 'default', 'ops']);
  assert.equal(a.displayName, 'web', 'the name part only: the core prefixes the mount path');
  assert.equal(a.ttl, 3600);
  assert.equal(a.metadata.cert_name, 'web');
  assert.equal(a.metadata.common_name, 'client.example.com');
  assert.match(a.metadata.serial_number ?? '', /^\d+$/);
  assert.match(a.metadata.subject_key_id ?? '', /^[0-9a-f]{2}(:[0-9a-f]{2})+$/);
  assert.equal(a.metadata.authority_key_id, readCertInfo(ca.der).subjectKeyId);
  assert.notEqual(a.metadata.authority_key_id, a.metadata.subject_key_id);
  assert.deepEqual(a.alias, { name: 'client.example.com' });
  assert.equal(a.internal?.fingerprint, createHash('sha256').update(leaf.der).digest('hex'));
});

test('login: no certificate, another CA, a forged CA of the same name, an unknown role', async () => {
  const { w, ca } = await setup();
  const now = w.clock.now();
  assert.equal(await loginError(w, undefined), NO_CERT);
  const otherCa = await issueCert({ subject: 'CN=Other CA', ca: true, now });
  assert.equal(await loginError(w, peerOf(await issueCert({ subject: 'CN=client.example.com', issuer: otherCa, now }))), UNTRUSTED);
  // Same subject as the trusted CA, different key: names line up, the signature does not.
  const forged = await issueCert({ subject: ca.subject, ca: true, now });
  const forgedLeaf = await issueCert({ subject: 'CN=client.example.com', issuer: forged, now });
  assert.equal(await loginError(w, peerOf(forgedLeaf)), UNTRUSTED);
  assert.equal(await loginError(w, peerOf(forgedLeaf, forged)), UNTRUSTED);
  assert.equal(await loginError(w, { der: Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x01]), chain: [] }), UNTRUSTED);
  const leaf = await issueCert({ subject: 'CN=client.example.com', issuer: ca, now });
  assert.equal(await loginError(w, peerOf(leaf), { name: 'missing' }), UNTRUSTED);
});

test('login: validity follows the injected clock, for the leaf and the CA', async () => {
  const { w, ca, leaf } = await setup();
  const now = w.clock.now();
  const early = await issueCert({ subject: 'CN=early', issuer: ca, notBefore: new Date(now + DAY), notAfter: new Date(now + 2 * DAY) });
  const shortCa = await issueCert({ subject: 'CN=Short CA', ca: true, notBefore: new Date(now - DAY), notAfter: new Date(now + 2 * DAY) });
  const longLeaf = await issueCert({ subject: 'CN=long', issuer: shortCa, notBefore: new Date(now - DAY), notAfter: new Date(now + 400 * DAY) });
  await w.call('create', 'certs/short', { certificate: shortCa.pem });
  assert.equal(await loginError(w, peerOf(early)), UNTRUSTED, 'not valid yet');
  assert.ok(await auth(w, peerOf(longLeaf)));
  w.clock.advance(DAY + 1000);
  assert.ok((await auth(w, peerOf(early))).policies.length > 0);
  w.clock.advance(2 * DAY);
  assert.equal(await loginError(w, peerOf(longLeaf)), UNTRUSTED, 'the CA expired');
  assert.ok(await auth(w, peerOf(leaf)));
  w.clock.advance(40 * DAY);
  assert.equal(await loginError(w, peerOf(leaf)), UNTRUSTED, 'the leaf expired');
});

test('login: intermediates the client sends are followed; a non-CA issuer is not', async () => {
  const w = createCertWorld();
  const now = w.clock.now();
  const { root, inter, leaf } = await issueChain(now);
  await w.call('create', 'certs/root', { certificate: root.pem });
  assert.equal((await auth(w, peerOf(leaf, inter))).metadata.common_name, 'svc');
  assert.equal((await auth(w, peerOf(leaf, inter, root))).metadata.common_name, 'svc');
  assert.equal(await loginError(w, peerOf(leaf)), UNTRUSTED, 'missing intermediate');
  const notCa = await issueCert({ subject: 'CN=not-a-ca', issuer: root, now });
  const underNotCa = await issueCert({ subject: 'CN=svc', issuer: notCa, now });
  assert.equal(await loginError(w, peerOf(underNotCa, notCa)), UNTRUSTED);
  // Trusting the intermediate itself is enough, without the root.
  await w.call('delete', 'certs/root');
  await w.call('create', 'certs/inter', { certificate: inter.pem });
  assert.equal((await auth(w, peerOf(leaf))).metadata.cert_name, 'inter');
});

test('login: extended key usage must allow client authentication', async () => {
  const { w, ca } = await setup();
  const serverLeaf = await issueCert({ subject: 'CN=client.example.com', issuer: ca, eku: ['1.3.6.1.5.5.7.3.1'], now: w.clock.now() });
  assert.equal(await loginError(w, peerOf(serverLeaf)), UNTRUSTED);
  const noEku = await issueCert({ subject: 'CN=client.example.com', issuer: ca, eku: [], now: w.clock.now() });
  assert.ok(await auth(w, peerOf(noEku)));
});

test('login: a pinned (non-CA) certificate admits exactly that certificate', async () => {
  const w = createCertWorld();
  const now = w.clock.now();
  const ca = await issueCert({ subject: 'CN=CA', ca: true, now });
  const pinned = await issueCert({ subject: 'CN=pinned', issuer: ca, now });
  const sibling = await issueCert({ subject: 'CN=pinned', issuer: ca, now });
  await w.call('create', 'certs/pin', { certificate: pinned.pem, token_policies: 'pin' });
  assert.deepEqual((await auth(w, peerOf(pinned))).policies, ['default', 'pin']);
  assert.equal(await loginError(w, peerOf(sibling)), UNTRUSTED);
  const selfSigned = await issueCert({ subject: 'CN=self', now });
  await w.call('create', 'certs/self', { certificate: selfSigned.pem });
  assert.equal((await auth(w, peerOf(selfSigned))).metadata.cert_name, 'self');
});

test('login: constraints on names, SANs, OUs and extensions (globs), first matching role wins', async () => {
  const { w, ca, leaf } = await setup();
  const now = w.clock.now();
  const set = (body: Record<string, unknown>) => w.call('update', 'certs/web', body);
  const cases: Array<[Record<string, unknown>, boolean]> = [
    [{ allowed_common_names: 'other.example.com' }, false],
    [{ allowed_common_names: '*.example.com' }, true],
    [{ allowed_common_names: '*', allowed_dns_sans: 'CLIENT.example.com' }, true],
    [{ allowed_dns_sans: 'db.*' }, false],
    [{ allowed_dns_sans: '', allowed_email_sans: 'ops@*' }, true],
    [{ allowed_email_sans: 'dev@*' }, false],
    [{ allowed_email_sans: '', allowed_uri_sans: 'spiffe://example.com/*' }, true],
    [{ allowed_uri_sans: 'spiffe://other/*' }, false],
    [{ allowed_uri_sans: '', allowed_organizational_units: 'eng,ops' }, true],
    [{ allowed_organizational_units: 'sales' }, false],
    [{ allowed_organizational_units: '', allowed_names: 'ops@example.com' }, true],
    [{ allowed_names: 'nobody' }, false],
    [{ allowed_names: '' }, true],
  ];
  for (const [body, ok] of cases) {
    await set(body);
    if (ok) assert.ok(await auth(w, peerOf(leaf)), JSON.stringify(body));
    else assert.equal(await loginError(w, peerOf(leaf)), NO_MATCH, JSON.stringify(body));
  }
  // A second role on the same CA: login without a name takes the first (in name order) that matches.
  await set({ allowed_common_names: 'nope' });
  await w.call('create', 'certs/zeta', { certificate: ca.pem, token_policies: 'zeta' });
  assert.equal((await auth(w, peerOf(leaf))).metadata.cert_name, 'zeta');
  assert.equal(await loginError(w, peerOf(leaf), { name: 'web' }), NO_MATCH);

  const tagged = await issueCert({
    subject: 'CN=tagged', issuer: ca, now,
    extra: { '1.2.3.4.5': utf8StringDer('team-blue'), '1.2.3.4.6': utf8StringDer('eu-west') },
  });
  await w.call('create', 'certs/ext', {
    certificate: ca.pem, required_extensions: ['1.2.3.4.5:team-*', 'hex:1.2.3.4.6:0C07*'], allowed_metadata_extensions: '1.2.3.4.6,9.9',
  });
  const a = await auth(w, peerOf(tagged), { name: 'ext' });
  assert.equal(a.metadata['1-2-3-4-6'], 'eu-west');
  assert.equal(a.metadata['9-9'], undefined);
  await w.call('update', 'certs/ext', { required_extensions: '1.2.3.4.5:team-red' });
  assert.equal(await loginError(w, peerOf(tagged), { name: 'ext' }), NO_MATCH);
  await w.call('update', 'certs/ext', { required_extensions: '1.2.3.4.7:*' });
  assert.equal(await loginError(w, peerOf(tagged), { name: 'ext' }), NO_MATCH, 'a required extension must be present');
});

test('login: token fields, lockout account and alias metadata switch in config', async () => {
  const { w, leaf } = await setup();
  await w.call('update', 'certs/web', { token_no_default_policy: true, token_bound_cidrs: '10.0.0.0/8', token_max_ttl: '2h' });
  const a = await auth(w, peerOf(leaf));
  assert.deepEqual(a.policies, ['app', 'ops']);
  assert.deepEqual(a.boundCidrs, ['10.0.0.0/8']);
  assert.equal(a.maxTtl, 7200);
  assert.deepEqual(a.alias, { name: 'client.example.com' });

  const req = buildRequest('update', 'login', {});
  assert.equal(w.handler.loginAccount(req), undefined);
  assert.equal(w.handler.loginAccount({ ...req, peerCertificate: peerOf(leaf) }), createHash('sha256').update(leaf.der).digest('hex'));

  assert.deepEqual(await w.data('read', 'config'), {
    disable_binding: false, enable_identity_alias_metadata: false, ocsp_cache_size: 100, role_cache_size: 200, enable_metadata_on_failures: false,
  });
  await w.call('update', 'config', { enable_identity_alias_metadata: true, disable_binding: true });
  assert.equal((await w.data('read', 'config')).disable_binding, true);
  const b = await auth(w, peerOf(leaf));
  assert.equal(b.alias?.metadata?.common_name, 'client.example.com');
});

test('login: many roles on one CA do not hide another CA; a chain is tried against every CA on it', async () => {
  const w = createCertWorld();
  const now = w.clock.now();
  const shared = await issueCert({ subject: 'CN=Shared', ca: true, now });
  for (let i = 0; i < 20; i += 1) await w.call('create', `certs/a${String(i).padStart(2, '0')}`, { certificate: shared.pem });
  const { root, inter, leaf } = await issueChain(now, 'CN=Inter');
  // "inter" trusts the intermediate but refuses this name; "root" trusts the root and accepts it.
  await w.call('create', 'certs/inter', { certificate: inter.pem, allowed_common_names: 'other' });
  await w.call('create', 'certs/root', { certificate: root.pem });
  assert.equal((await auth(w, peerOf(leaf, inter))).metadata.cert_name, 'root');
});

test('renewal: the login certificate, presented again, must still log in under the role and be the same identity', async () => {
  const { w, ca, leaf } = await setup();
  const now = w.clock.now();
  const login = await auth(w, peerOf(leaf));
  const renewal = renewalOf(login, 'auth/cert/login', peerOf(leaf));
  await renews(w.backend, renewal);
  const { peerCertificate: _none, ...withoutCert } = renewal;
  assert.equal(await renewRefusal(w.backend, withoutCert), NO_CERT);
  // Another certificate the role trusts is not the login's identity.
  const sibling = await issueCert({ subject: 'CN=client.example.com', issuer: ca, now });
  assert.equal(await renewRefusal(w.backend, { ...renewal, peerCertificate: peerOf(sibling) }), NOT_LOGIN_IDENTITY);
  // The role's CA changes: the same certificate no longer verifies.
  const newCa = await issueCert({ subject: 'CN=New Root CA', ca: true, now });
  await w.call('update', 'certs/web', { certificate: newCa.pem });
  assert.equal(await renewRefusal(w.backend, renewal), UNTRUSTED);
  await w.call('update', 'certs/web', { certificate: ca.pem });
  await renews(w.backend, renewal);
  // A constraint added since the login is applied.
  await w.call('update', 'certs/web', { allowed_common_names: 'other.example.com' });
  assert.equal(await renewRefusal(w.backend, renewal), NO_MATCH);
  await w.call('update', 'certs/web', { allowed_common_names: '' });
  await renews(w.backend, renewal);
  // Validity follows the server clock: past the leaf's notAfter (30 days) it is refused.
  w.clock.advance(31 * DAY);
  assert.equal(await renewRefusal(w.backend, renewal), UNTRUSTED);
});

test('renewal: role deleted or its policies changed is refused; disable_binding skips the certificate', async () => {
  const { w, leaf } = await setup();
  const renewal = renewalOf(await auth(w, peerOf(leaf)), 'auth/cert/login', peerOf(leaf));
  const { peerCertificate: _none, ...withoutCert } = renewal;
  await w.call('update', 'config', { disable_binding: true });
  await renews(w.backend, withoutCert);
  w.clock.advance(31 * DAY);
  await renews(w.backend, withoutCert);
  // The role's token settings as they are now are what the token is renewed with.
  await w.call('update', 'certs/web', { token_ttl: '20m', token_max_ttl: '2h', token_period: '5m' });
  assert.deepEqual(await renews(w.backend, withoutCert), { ttl: 1200, maxTtl: 7200, period: 300 });
  await w.call('update', 'certs/web', { token_policies: 'app' });
  assert.equal(await renewRefusal(w.backend, withoutCert), POLICIES_CHANGED);
  await w.call('delete', 'certs/web');
  assert.equal(await renewRefusal(w.backend, renewal), 'role "web" does not exist during renewal');
});
