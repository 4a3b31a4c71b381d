import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAllowedRedirect } from './oidc-redirect.js';

test('redirect URIs match exactly, with any port on loopback hosts only', () => {
  const allowed = ['http://localhost:8250/oidc/callback', 'https://app.example.com/cb'];
  assert.equal(isAllowedRedirect('https://app.example.com/cb', allowed), true);
  assert.equal(isAllowedRedirect('http://localhost:41234/oidc/callback', allowed), true);
  assert.equal(isAllowedRedirect('https://app.example.com:8443/cb', allowed), false);
  assert.equal(isAllowedRedirect('http://localhost:8250/other', allowed), false);
  assert.equal(isAllowedRedirect('https://localhost:8250/oidc/callback', allowed), false);
  assert.equal(isAllowedRedirect('http://127.0.0.1:8250/oidc/callback', allowed), false);
  assert.equal(isAllowedRedirect('http://user@localhost:1/oidc/callback', allowed), false);
  assert.equal(isAllowedRedirect('not a url', allowed), false);
});
