// src/auth/cert — the `cert` auth method (Vault's TLS certificates method): trusted
// certificate roles under certs/, the mount's config, and login with the connection's
// client certificate; renewal re-checks the role and, unless disable_binding, the presented
// certificate (renew-cert-login.ts). Registered as `auth.cert`. Revocation lists under
// crls/ refuse logins and bound renewals of revoked certificates; OCSP is not supported
// (see docs/auth/cert.md), and a role that asks for it is refused rather than silently
// unchecked. The CRL cache (crl-store.ts) belongs to this backend instance.
import type { Backend, BackendEnv } from '../../framework/backend.js';
import { pathCerts, pathCertsList } from './path-certs.js';
import { CrlStore } from './crl-store.js';
import { pathConfig } from './path-config.js';
import { pathCrls, pathCrlsList } from './path-crls.js';
import { pathLogin } from './path-login.js';
import { renewCertLogin } from './renew-cert-login.js';

export function createCertBackend(env: BackendEnv): Backend {
  const crls = new CrlStore();
  return {
    id: 'auth.cert', type: 'cert', kind: 'auth',
    paths: [pathLogin(crls), pathConfig, pathCertsList, pathCerts, pathCrlsList(crls), pathCrls(crls)],
    renewLogin: renewCertLogin(env, crls),
  };
}
