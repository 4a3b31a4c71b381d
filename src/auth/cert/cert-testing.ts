// src/auth/cert — test support (not used in production code): issues CAs, intermediates
// and client certificates with @peculiar/x509 (EC P-256, SHA-256, key identifiers set),
// signs CRLs, and sends cert-method requests carrying a synthetic peer certificate through BackendHandler.
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { buildRequest, createEngineWorld } from '../../engines/kv/kv-testing.js';
import type { EngineWorld } from '../../engines/kv/kv-testing.js';
import type { LogicalResponse, PeerCertificate } from '../../framework/logical.js';
import { createCertBackend } from './cert-backend.js';

const KEY_ALG = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGN_ALG = { name: 'ECDSA', hash: 'SHA-256' };
const DAY = 86_400_000;

export interface TestCert {
  readonly pem: string;
  readonly keyPem: string;
  readonly der: Uint8Array;
  readonly subject: string;
  readonly keys: webcrypto.CryptoKeyPair;
}

export interface CertOptions {
  /** e.g. "CN=client.example.com, OU=eng". */
  readonly subject: string;
  /** Signs with this certificate's key; absent = self-signed. */
  readonly issuer?: TestCert;
  readonly ca?: boolean;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  readonly dns?: readonly string[];
  readonly emails?: readonly string[];
  readonly uris?: readonly string[];
  /** IP address SANs (e.g. a TLS listener's 127.0.0.1). */
  readonly ips?: readonly string[];
  /** Extended key usage; default clientAuth for leaves, none for CAs; [] = omit. */
  readonly eku?: readonly string[];
  /** Extra extensions: OID → DER value. */
  readonly extra?: Readonly<Record<string, Uint8Array>>;
  /** Reference time for the default validity (now-1d .. now+30d); default Date.now(). */
  readonly now?: number;
  /** Hex serial number; default random. */
  readonly serial?: string;
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** DER UTF8String (short values only), for required/metadata extension tests. */
export function utf8StringDer(text: string): Uint8Array {
  const body = Buffer.from(text, 'utf8');
  if (body.length > 127) throw new RangeError('utf8StringDer: value too long');
  return Uint8Array.from([0x0c, body.length, ...body]);
}

export async function issueCert(o: CertOptions): Promise<TestCert> {
  const keys = (await webcrypto.subtle.generateKey(KEY_ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const now = o.now ?? Date.now();
  const names = [
    ...(o.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(o.emails ?? []).map((value) => ({ type: 'email' as const, value })),
    ...(o.uris ?? []).map((value) => ({ type: 'url' as const, value })),
    ...(o.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const eku = o.eku ?? (o.ca ? [] : ['1.3.6.1.5.5.7.3.2']);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(o.ca === true, undefined, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create((o.issuer ?? { keys }).keys.publicKey),
    ...(o.ca ? [new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)] : []),
    ...(eku.length > 0 ? [new x509.ExtendedKeyUsageExtension([...eku])] : []),
    ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : []),
    ...Object.entries(o.extra ?? {}).map(([oid, value]) => new x509.Extension(oid, false, value)),
  ];
  const cert = await x509.X509CertificateGenerator.create({
    ...(o.serial !== undefined ? { serialNumber: o.serial } : {}),
    subject: o.subject,
    issuer: o.issuer?.subject ?? o.subject,
    notBefore: o.notBefore ?? new Date(now - DAY),
    notAfter: o.notAfter ?? new Date(now + 30 * DAY),
    signingAlgorithm: SIGN_ALG,
    publicKey: keys.publicKey,
    signingKey: (o.issuer ?? { keys }).keys.privateKey,
    extensions,
  });
  const keyDer = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { pem: cert.toString('pem') + '\n', keyPem: pem('PRIVATE KEY', keyDer), der: new Uint8Array(cert.rawData), subject: o.subject, keys };
}

/** A root CA, an intermediate CA it issued and a leaf `CN=svc` the intermediate issued. */
export async function issueChain(now: number, interSubject = 'CN=Intermediate'): Promise<{ root: TestCert; inter: TestCert; leaf: TestCert }> {
  const root = await issueCert({ subject: 'CN=Root', ca: true, now });
  const inter = await issueCert({ subject: interSubject, issuer: root, ca: true, now });
  const leaf = await issueCert({ subject: 'CN=svc', issuer: inter, now });
  return { root, inter, leaf };
}

/** The certificate's serial number, hex as @peculiar/x509 prints it. */
export function serialOf(cert: TestCert): string {
  return new x509.X509Certificate(cert.der).serialNumber;
}

export interface TestCrl {
  /** PEM labelled "X509 CRL", as OpenSSL and Vault's PKI write it. */
  readonly pem: string;
  /** PEM labelled "CRL", as @peculiar/x509 writes it. */
  readonly shortPem: string;
  /** DER, base64 (the other form the `crl` field takes). */
  readonly base64: string;
}

/** A CRL naming `issuer` (or `signer.subject`), signed by `signer`'s key, revoking `revoked`. */
export async function issueCrl(signer: TestCert, revoked: readonly TestCert[], issuerName?: string): Promise<TestCrl> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: issuerName ?? signer.subject,
    thisUpdate: new Date(Date.now() - DAY),
    nextUpdate: new Date(Date.now() + 7 * DAY),
    signingAlgorithm: SIGN_ALG,
    signingKey: signer.keys.privateKey,
    entries: revoked.map((c) => ({ serialNumber: serialOf(c), revocationDate: new Date(Date.now() - DAY) })),
  });
  return { pem: pem('X509 CRL', crl.rawData), shortPem: crl.toString('pem') + '\n', base64: Buffer.from(crl.rawData).toString('base64') };
}

export function peerOf(leaf: TestCert, ...chain: TestCert[]): PeerCertificate {
  return { der: leaf.der, chain: chain.map((c) => c.der) };
}

export interface CertWorld extends EngineWorld {
  /** POST login with this peer certificate (or none). */
  login(peer: PeerCertificate | undefined, data?: Record<string, unknown>): Promise<LogicalResponse | undefined>;
}

export function createCertWorld(): CertWorld {
  const w = createEngineWorld(createCertBackend);
  return {
    ...w,
    login: (peer, data = {}) => {
      const req = { ...buildRequest('update', 'login', data), path: 'auth/cert/login', mountPoint: 'auth/cert/' };
      return w.handler.handle(peer ? { ...req, peerCertificate: peer } : req);
    },
  };
}
