// src/auth — test support (not used in production code): turns the ResponseAuth of a login
// into the LoginRenewal the core hands an auth method's `renewLogin` when that token is
// renewed (the token keeps the login's metadata and policies), and collects refusals.
import assert from 'node:assert/strict';
import type { Backend, LoginRenewal, LoginRenewalTerms } from '../framework/backend.js';
import type { PeerCertificate, ResponseAuth } from '../framework/logical.js';
import { isArcaError } from '../lib/errors.js';

export function renewalOf(auth: ResponseAuth | undefined, path: string, peerCertificate?: PeerCertificate): LoginRenewal {
  assert.ok(auth, 'the login returned no auth');
  return {
    path, metadata: auth.metadata, policies: auth.policies, displayName: auth.displayName, remoteAddress: '127.0.0.1',
    ...(peerCertificate ? { peerCertificate } : {}),
  };
}

/** Resolves, with the terms the method renews by, when it lets the renewal go on. */
export async function renews(backend: Backend, login: LoginRenewal): Promise<LoginRenewalTerms | undefined> {
  assert.ok(backend.renewLogin, `${backend.id} has no renewLogin hook`);
  return backend.renewLogin(login);
}

/** The message of the 400 the method refuses the renewal with. */
export async function renewRefusal(backend: Backend, login: LoginRenewal): Promise<string> {
  assert.ok(backend.renewLogin, `${backend.id} has no renewLogin hook`);
  try {
    await backend.renewLogin(login);
  } catch (err) {
    assert.ok(isArcaError(err), `not an ArcaError: ${String(err)}`);
    assert.equal(err.status, 400);
    return err.message;
  }
  assert.fail('the renewal was not refused');
}
