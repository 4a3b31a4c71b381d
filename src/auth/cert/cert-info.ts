// src/auth/cert — what the cert method reads from a certificate beyond what node:crypto's
// X509Certificate exposes: subject attributes (CN, OU), the subject alternative names by
// kind, the key identifiers, the serial in decimal and every extension's raw value. Parsing
// uses @peculiar/x509 (verification stays with node:crypto, see verify-chain.ts). A
// certificate that cannot be parsed throws ArcaError invalid_request.
import * as x509 from '@peculiar/x509';
import { ArcaError } from '../../lib/errors.js';

export interface CertInfo {
  /** The subject's common name ('' when none); the last CN wins, as in Go's pkix.Name. */
  readonly commonName: string;
  readonly organizationalUnits: readonly string[];
  readonly dnsNames: readonly string[];
  readonly emailAddresses: readonly string[];
  readonly uris: readonly string[];
  /** Decimal, as Vault's metadata shows it. */
  readonly serialNumber: string;
  /** Lower-case hex pairs joined by ':' ('' when the extension is absent), as Vault shows them. */
  readonly subjectKeyId: string;
  readonly authorityKeyId: string;
  /** Extension OID → the extnValue octets. */
  readonly extensions: ReadonlyMap<string, Uint8Array>;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export function readCertInfo(der: Uint8Array): CertInfo {
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(der);
    return describe(cert);
  } catch (err) {
    if (err instanceof ArcaError) throw err;
    throw new ArcaError('invalid_request', 'failed to parse certificate');
  }
}

function describe(cert: x509.X509Certificate): CertInfo {
  const names = cert.getExtension(x509.SubjectAlternativeNameExtension)?.names.items ?? [];
  const ofType = (type: string): string[] => names.filter((n) => n.type === type).map((n) => n.value);
  const extensions = new Map<string, Uint8Array>();
  for (const ext of cert.extensions) extensions.set(ext.type, new Uint8Array(ext.value));
  const cns = cert.subjectName.getField('CN');
  return {
    commonName: cns[cns.length - 1] ?? '',
    organizationalUnits: cert.subjectName.getField('OU'),
    dnsNames: ofType('dns'),
    emailAddresses: ofType('email'),
    uris: ofType('url'),
    serialNumber: BigInt(`0x${cert.serialNumber || '0'}`).toString(10),
    subjectKeyId: colonHex(cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId),
    authorityKeyId: colonHex(cert.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId),
    extensions,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
  };
}

function colonHex(hex: string | undefined): string {
  if (!hex) return '';
  return (hex.toLowerCase().match(/../g) ?? []).join(':');
}

/**
 * The text of a DER-encoded ASN.1 string (UTF8String, PrintableString, IA5String,
 * NumericString, T61String, BMPString) filling `bytes` exactly, else undefined — the values
 * Go's asn1.Unmarshal into a string accepts, which is what Vault's required_extensions match.
 */
export function decodeAsn1String(bytes: Uint8Array): string | undefined {
  if (bytes.length < 2) return undefined;
  const tag = bytes[0] ?? 0;
  let length = bytes[1] ?? 0;
  let start = 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 3 || bytes.length < 2 + octets) return undefined;
    length = 0;
    for (let i = 0; i < octets; i += 1) length = length * 256 + (bytes[2 + i] ?? 0);
    start = 2 + octets;
  }
  if (start + length !== bytes.length) return undefined;
  const body = bytes.subarray(start);
  try {
    switch (tag) {
      case 0x0c:
        return new TextDecoder('utf-8', { fatal: true }).decode(body);
      case 0x12:
      case 0x13:
      case 0x16:
        return new TextDecoder('ascii').decode(body);
      case 0x14:
        return new TextDecoder('latin1').decode(body);
      case 0x1e:
        return new TextDecoder('utf-16be', { fatal: true }).decode(body);
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}
