// src/auth/cert — certificate revocation lists of the mount (`crls/<name>`), stored as the
// CRL's DER (base64) under `crls/<name>` of the mount's view, plus an in-memory cache of the
// parsed lists. Every use re-reads storage and reuses a cached parse only while the stored
// bytes are the same, so a CRL another node wrote or deleted takes effect at once; a local
// write or delete also drops the entry. Signature checks against an issuer are cached per
// (CRL bytes, issuer certificate).
import type { X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { ArcaError } from '../../lib/errors.js';
import type { StorageView } from '../../storage/storage-view.js';

export const CRL_PREFIX = 'crls/';
/** Bounds the work a login spends on revocation lists. */
export const MAX_CRLS = 64;

/** "X509 CRL" is the label OpenSSL, Go and Vault's PKI write; plain "CRL" is also seen. */
const PEM_BLOCK = /-----BEGIN (X509 CRL|CRL)-----([A-Za-z0-9+/=\s]+?)-----END \1-----/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

interface StoredCrl {
  /** The CRL's DER, base64. */
  readonly der: string;
}

export interface LoadedCrl {
  readonly name: string;
  readonly der: string;
  readonly crl: x509.X509Crl;
  /** The CRL issuer's name as @peculiar/x509 prints it (compared with certificates' issuers). */
  readonly issuer: string;
  /** Revoked serial numbers, decimal (the keys Vault's read answers). */
  readonly serials: ReadonlySet<string>;
  /** Issuer certificate fingerprint → whether its key signed this CRL. */
  readonly verified: Map<string, boolean>;
}

/** Decimal form of a hex serial (Go's big.Int String(), what Vault keys serials by). */
export function serialDecimal(hex: string): string {
  const clean = hex.replace(/[^0-9a-fA-F]/g, '');
  return clean === '' ? '0' : BigInt(`0x${clean}`).toString(10);
}

/** Parses the `crl` field (PEM `X509 CRL` block, or base64 DER); 400 with Vault's prefix when it is not a CRL. */
export function parseCrlText(text: string): Uint8Array {
  const block = PEM_BLOCK.exec(text);
  const b64 = (block ? (block[2] ?? '') : text).replace(/\s+/g, '');
  if (b64 === '' || !BASE64.test(b64)) throw new ArcaError('invalid_request', 'failed to parse CRL: expected a PEM "X509 CRL" block or base64 DER');
  const der = new Uint8Array(Buffer.from(b64, 'base64'));
  parseDer(der);
  return der;
}

function parseDer(der: Uint8Array): { crl: x509.X509Crl; serials: Set<string> } {
  try {
    const crl = new x509.X509Crl(der);
    const serials = new Set(crl.entries.map((e) => serialDecimal(e.serialNumber)));
    return { crl, serials };
  } catch {
    throw new ArcaError('invalid_request', 'failed to parse CRL: not a DER-encoded X.509 CRL');
  }
}

export class CrlStore {
  readonly #cache = new Map<string, LoadedCrl>();

  async write(storage: StorageView, name: string, der: Uint8Array): Promise<void> {
    this.#cache.delete(name);
    const entry: StoredCrl = { der: Buffer.from(der).toString('base64') };
    await storage.putJson(CRL_PREFIX + name, entry);
    this.#cache.delete(name);
  }

  /** False when there was no such CRL. */
  async delete(storage: StorageView, name: string): Promise<boolean> {
    this.#cache.delete(name);
    if ((await storage.getJson<StoredCrl>(CRL_PREFIX + name)) === undefined) return false;
    await storage.delete(CRL_PREFIX + name);
    this.#cache.delete(name);
    return true;
  }

  list(storage: StorageView): Promise<string[]> {
    return storage.list(CRL_PREFIX);
  }

  async read(storage: StorageView, name: string): Promise<LoadedCrl | undefined> {
    const stored = await storage.getJson<StoredCrl>(CRL_PREFIX + name);
    if (stored === undefined) {
      this.#cache.delete(name);
      return undefined;
    }
    const cached = this.#cache.get(name);
    if (cached !== undefined && cached.der === stored.der) return cached;
    const { crl, serials } = parseDer(new Uint8Array(Buffer.from(stored.der, 'base64')));
    const loaded: LoadedCrl = { name, der: stored.der, crl, issuer: crl.issuer, serials, verified: new Map() };
    this.#cache.set(name, loaded);
    return loaded;
  }

  /** Every stored CRL (the first MAX_CRLS in name order); one that no longer parses is skipped. */
  async loadAll(storage: StorageView): Promise<LoadedCrl[]> {
    const names = (await this.list(storage)).slice(0, MAX_CRLS);
    const out: LoadedCrl[] = [];
    for (const name of names) {
      try {
        const crl = await this.read(storage, name);
        if (crl) out.push(crl);
      } catch {
        // Stored only after parsing, so this is damage; the rest still apply.
      }
    }
    return out;
  }

  /**
   * Whether `issuer`'s key signed the CRL and may sign CRLs (no key usage, or one with
   * cRLSign). Cached per CRL bytes and issuer.
   */
  async signedBy(crl: LoadedCrl, issuer: X509Certificate): Promise<boolean> {
    const key = issuer.fingerprint256;
    const known = crl.verified.get(key);
    if (known !== undefined) return known;
    const cert = new x509.X509Certificate(issuer.raw);
    const usage = cert.getExtension(x509.KeyUsagesExtension);
    let ok = usage === null || (usage.usages & x509.KeyUsageFlags.cRLSign) !== 0;
    if (ok) {
      try {
        ok = await crl.crl.verify({ publicKey: cert });
      } catch {
        ok = false;
      }
    }
    crl.verified.set(key, ok);
    return ok;
  }
}
