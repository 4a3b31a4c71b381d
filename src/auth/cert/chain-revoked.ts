// src/auth/cert — whether a verified chain holds a revoked certificate (Vault's
// checkForChainInCRLs, scoped to issuers). A certificate counts as revoked when a stored CRL
// lists its serial, names its issuer, and is signed by the key of that issuer: the next
// certificate of the chain, or for the chain's last certificate (the trust anchor, or a
// pinned leaf) a known certificate that issued it (a role's CA, an intermediate the client
// sent, or itself when self-issued). When no certificate that issued it is known (a pinned
// leaf or an anchor whose CA nobody configured), the signature cannot be checked and a CRL
// naming its issuer counts unverified: revocation fails closed, as Vault (which never checks
// CRL signatures) does. Vault matches serials across every CRL regardless of issuer; serials
// are only unique per CA, so a CRL of one CA never revokes another's certificates here, and
// a CRL whose named issuer is known but did not sign it revokes nothing.
import type { X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { CrlStore, LoadedCrl } from './crl-store.js';
import { serialDecimal } from './crl-store.js';

export interface RevocationInput {
  readonly store: CrlStore;
  readonly crls: readonly LoadedCrl[];
  /** Leaf first, as verifyChains returns it. */
  readonly chain: readonly X509Certificate[];
  /** Issuer candidates for the chain's last certificate. */
  readonly known: readonly X509Certificate[];
}

export async function chainRevoked(input: RevocationInput): Promise<boolean> {
  if (input.crls.length === 0) return false;
  const { chain } = input;
  for (let i = 0; i < chain.length; i += 1) {
    const cert = chain[i] as X509Certificate;
    const serial = serialDecimal(cert.serialNumber);
    const listing = input.crls.filter((c) => c.serials.has(serial));
    if (listing.length === 0) continue;
    const issuerName = new x509.X509Certificate(cert.raw).issuer;
    const named = listing.filter((c) => c.issuer === issuerName);
    if (named.length === 0) continue;
    const next = chain[i + 1];
    const issuers = next !== undefined ? [next] : [cert, ...input.known].filter((k) => cert.checkIssued(k));
    if (issuers.length === 0) return true;
    for (const crl of named) {
      for (const issuer of issuers) {
        if (await input.store.signedBy(crl, issuer)) return true;
      }
    }
  }
  return false;
}
