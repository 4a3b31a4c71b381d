// src/auth/cert — verifies a presented client certificate chain with node:crypto, as Go's
// x509.Verify does for Vault: from the leaf, each step goes to a certificate that issued it
// (`checkIssued`: names, key identifiers, key usage) and whose key verifies its signature,
// either a trust anchor (a CA certificate of some role; the chain ends there) or an
// intermediate the client sent that is itself a CA. Every certificate of a chain must be
// valid at `now` and, when it carries an extended key usage, allow client authentication.
// Returns every chain found (leaf first, anchor last), bounded so a hostile client cannot
// make the search expensive.
import type { X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_EKU = '2.5.29.37.0';
const MAX_DEPTH = 8;
const MAX_STEPS = 256;
const MAX_CHAINS = 16;

export interface ChainInput {
  readonly leaf: X509Certificate;
  /** What the client sent after its leaf (untrusted). */
  readonly intermediates: readonly X509Certificate[];
  /** Trusted CA certificates. */
  readonly anchors: readonly X509Certificate[];
  /** Milliseconds since the epoch. */
  readonly now: number;
}

export function verifyChains(input: ChainInput): X509Certificate[][] {
  const chains: X509Certificate[][] = [];
  let steps = 0;
  const checked = new Map<X509Certificate, boolean>();
  const usable = (c: X509Certificate): boolean => {
    let ok = checked.get(c);
    if (ok === undefined) checked.set(c, (ok = validAt(c, input.now) && allowsClientAuth(c)));
    return ok;
  };
  // Cheapest test first: names and key identifiers, then dates, then the signature.
  const issues = (issuer: X509Certificate, child: X509Certificate): boolean => {
    if (!child.checkIssued(issuer) || !usable(issuer)) return false;
    steps += 1;
    return steps <= MAX_STEPS && child.verify(issuer.publicKey);
  };
  const walk = (chain: X509Certificate[]): void => {
    const current = chain[chain.length - 1] as X509Certificate;
    if (chains.length >= MAX_CHAINS || steps > MAX_STEPS) return;
    // A leaf that is itself trusted is a chain of one (as in Go); further up, an anchor the
    // client also sent is reached through `issues` and the walk goes on past it.
    if (chain.length === 1 && input.anchors.some((a) => a.raw.equals(current.raw))) chains.push([current]);
    for (const anchor of input.anchors) {
      if (issues(anchor, current)) chains.push([...chain, anchor]);
    }
    if (chain.length >= MAX_DEPTH) return;
    for (const next of input.intermediates) {
      if (!next.ca || chain.some((c) => c.raw.equals(next.raw))) continue;
      if (issues(next, current)) walk([...chain, next]);
    }
  };
  if (usable(input.leaf)) walk([input.leaf]);
  return chains;
}

/** True when `now` lies within the certificate's notBefore..notAfter (inclusive). */
export function validAt(cert: X509Certificate, now: number): boolean {
  const parsed = new x509.X509Certificate(cert.raw);
  return parsed.notBefore.getTime() <= now && now <= parsed.notAfter.getTime();
}

/** No extended key usage, or one that includes client authentication (or any). */
export function allowsClientAuth(cert: X509Certificate): boolean {
  const eku = cert.keyUsage as readonly string[] | undefined;
  return eku === undefined || eku.includes(CLIENT_AUTH) || eku.includes(ANY_EKU);
}
