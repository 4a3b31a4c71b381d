// src/auth/cert — the `cert` auth method (Vault's TLS certificates method): trusted
// certificate roles under certs/, the mount's config, and login with the connection's
// client certificate; renewal re-checks the role and, unless disable_binding, the presented
// certificate (renew-cert-login.ts). Registered as `auth.cert`. CRLs and OCSP are not
// supported (see docs/auth/cert.md); a role that asks for OCSP is refused rather than
// silently unchecked.
import type { Backend, BackendEnv } from '../../framework/backend.js';
import { pathCerts, pathCertsList } from './path-certs.js';
import { pathConfig } from './path-config.js';
import { pathLogin } from './path-login.js';
import { renewCertLogin } from './renew-cert-login.js';

export function createCertBackend(env: BackendEnv): Backend {
  return { id: 'auth.cert', type: 'cert', kind: 'auth', paths: [pathLogin, pathConfig, pathCertsList, pathCerts], renewLogin: renewCertLogin(env) };
}
