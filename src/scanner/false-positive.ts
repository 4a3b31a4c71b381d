// src/scanner — recognisers for values that look like credentials but are not: placeholders
// (changeme, <your-key>, ${VAR}, process.env.X, xxxx), documented example keys, lockfile
// integrity hashes, UUIDs and digests. A false positive is a product failure, so every rule's
// candidate passes through `isFalsePositive` before it is reported.
import { createHash } from 'node:crypto';

const PLACEHOLDER_FRAGMENTS = [
  'xxxx', 'changeme', 'change_me', 'change-me', 'placeholder', 'redacted', 'example', 'dummy', 'replace_me',
  'replaceme', 'your_', 'your-', 'yourkey', 'yourtoken', 'yourpassword', 'yoursecret', 'insert_', 'insert-', 'sample',
  'process.env', 'os.environ', 'getenv', 'secretkeyref', 'notarealkey', 'not_a_real', 'not-a-real', 'fake_', 'fake-',
  '****', '....', '<', '>', '${', '{{', '}}', '%(', '#{',
];

const PLACEHOLDER_EXACT = new Set([
  'password', 'passwd', 'pass', 'secret', 'token', 'apikey', 'api_key', 'changeit', 'admin', 'root', 'test', 'testing',
  'user', 'username', 'foobar', 'foo', 'bar', 'qwerty', 'letmein', 'default', 'none', 'null', 'empty', 'todo', 'tbd',
]);

// SHA-256 of vendor documentation sample credentials (kept hashed: no literal in the source).
const KNOWN_EXAMPLE_HASHES = new Set([
  '2cafc0970149a84f3b9e62eaf169f36f59907a3b3e31f7b82e68c69cd27f7326',
  '7f75367e7881255134e1375e723d1dea8ad5f6a4fdb79d938df1f1754a830606',
  'b1471f544ceeea31333bde7e1ecbaad6eac0d4a749412ad29bd66ef895b81c6b',
  'f2d6ca16515033e5dce14eba840b979d27b5cbae24bb3e5bf484339667f86397',
  '731fa294d036e54f19df879bfcd4fe72d967dc6327800c5f74a48414a3f258c9',
]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_DIGEST = /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128})$/i;
const INTEGRITY = /^(?:sha1|sha256|sha384|sha512)-[A-Za-z0-9+/]{20,}={0,2}$/;

export function isPlaceholder(value: string): boolean {
  const lower = value.toLowerCase();
  if (PLACEHOLDER_EXACT.has(lower)) return true;
  if (PLACEHOLDER_FRAGMENTS.some((f) => lower.includes(f))) return true;
  if (/^\$[A-Za-z_]\w*$/.test(value) || /^%[A-Za-z_]\w*%$/.test(value)) return true;
  if (/(.)\1{7,}/.test(value)) return true;
  if (/0123456|1234567|abcdefg/i.test(value)) return true;
  return false;
}

export function isKnownExample(value: string): boolean {
  return KNOWN_EXAMPLE_HASHES.has(createHash('sha256').update(value).digest('hex'));
}

/** UUIDs, hex digests (MD5/SHA-*) and SRI/lockfile integrity strings. */
export function isIdentifierOrDigest(value: string): boolean {
  return UUID.test(value) || HEX_DIGEST.test(value) || INTEGRITY.test(value);
}

export function isFalsePositive(value: string, checkPlaceholder: boolean, generic: boolean): boolean {
  if (isKnownExample(value)) return true;
  if (checkPlaceholder && isPlaceholder(value)) return true;
  if (generic && isIdentifierOrDigest(value)) return true;
  return false;
}
