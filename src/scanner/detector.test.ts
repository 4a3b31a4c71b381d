import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { crc32Base62, hasValidCrc32Checksum } from './checksum.js';
import { Detector } from './detector.js';
import { SeededRandom } from './eval/seeded-random.js';
import { pemKey, VALUE_GENERATORS } from './eval/sample-values.js';
import { defaultRules } from './rules/rule-catalog.js';

const detector = new Detector(defaultRules);
const kinds = (text: string): string[] => detector.detect(text).map((d) => d.kind);
const gen = (kind: string, seed = 7): string => (VALUE_GENERATORS[kind] as (r: SeededRandom) => string)(new SeededRandom(seed));

test('the catalogue has at least 60 formats, unique ids, and a generator for each', () => {
  assert.ok(defaultRules.length >= 60);
  assert.equal(new Set(defaultRules.map((r) => r.id)).size, defaultRules.length);
  for (const r of defaultRules) assert.ok(VALUE_GENERATORS[r.id], `generator for ${r.id}`);
});

test('every rule detects its own generated value in context', () => {
  for (const r of defaultRules) {
    const v = gen(r.id, 11);
    const line = r.id.endsWith('private-key') ? v : r.id === 'generic-secret' ? `password = "${v}"` : `VALUE="${v}"`;
    if (['aws-secret-access-key', 'cloudflare-api-token', 'azure-storage-account-key', 'connection-string', 'url-with-password', 'authorization-bearer', 'authorization-basic', 'discord-bot-token'].includes(r.id)) continue;
    assert.ok(kinds(line).includes(r.id), `${r.id} not found in ${line.slice(0, 40)}`);
  }
});

test('GitHub and npm tokens: checksum decides, and a bad checksum is not re-reported as generic', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[A-Za-z0-9]{30}$/), fc.constantFrom('gh' + 'p_', 'np' + 'm_'), (body, prefix) => {
      const token = prefix + body + crc32Base62(body);
      assert.ok(hasValidCrc32Checksum(token, 4));
      const expected = prefix.startsWith('gh') ? 'github-pat' : 'npm-token';
      const found = kinds(`TOKEN="${token}"`);
      // Random bodies can contain placeholder-like runs; otherwise the token must be found.
      if (!/(.)\1{7,}|0123456|1234567|abcdefg|xxxx|sample|dummy/i.test(body)) assert.deepEqual(found, [expected]);
      const broken = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
      assert.deepEqual(kinds(`GITHUB_TOKEN="${broken}"`), []);
    }),
    { numRuns: 200 },
  );
});

test('placeholders, env references and documented examples are not reported', () => {
  const lines = [
    'password = "changeme"',
    'api_key = "<your-api-key>"',
    'token: ${GITHUB_TOKEN}',
    'const secret = process.env.SECRET;',
    `TOKEN=${'gh' + 'p_'}${'x'.repeat(36)}`,
    'aws_access_key_id = AK' + 'IAIOSFODNN7EXAMPLE',
    'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfi' + 'CYEXAMPLEKEY', // arca:allow (test fixture)
    `"integrity": "sha512-${Buffer.alloc(64, 7).toString('base64')}"`,
    'api_token = "3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e"',
    'DATABASE_URL=postgres://user:password@localhost/app',
    'password = get_password(user)',
  ];
  for (const l of lines) assert.deepEqual(kinds(l), [], l);
});

test('inline arca:allow suppresses a finding on that line only', () => {
  const v = gen('gitlab-pat');
  assert.deepEqual(kinds(`A=${v} # arca:allow\nB=${v}`), ['gitlab-pat']);
});

test('multi-line PEM keys, raw and inside JSON-escaped strings, normalise to one secret', () => {
  const key = pemKey(new SeededRandom(3), 'RSA PRIVATE KEY');
  const raw = detector.detect(`x\n${key}\n`);
  const escaped = detector.detect(`{"private_key": ${JSON.stringify(key + '\n')}}`);
  const indented = detector.detect(`key: |\n${key.split('\n').map((l) => '    ' + l).join('\n')}\n`);
  assert.equal(raw.length, 1);
  assert.equal(raw[0]?.line, 2);
  assert.equal(escaped[0]?.secret, raw[0]?.secret);
  assert.equal(indented[0]?.secret, raw[0]?.secret);
});

test('JSON-escaped assignments in notebooks are found with their real line', () => {
  const v = gen('anthropic-api-key');
  const nb = JSON.stringify({ cells: [{ source: ['import os\n', `client = Client(api_key=\\"${v}\\")\n`] }] }, null, 1);
  const found = detector.detect(nb).filter((d) => d.kind === 'anthropic-api-key');
  assert.equal(found.length, 1);
  assert.ok(nb.split('\n')[(found[0]?.line ?? 0) - 1]?.includes(v.slice(0, 20)));
});

test('JWTs must decode to JSON; connection strings report only the password', () => {
  assert.deepEqual(kinds(`t = ${gen('jwt')}`), ['jwt']);
  assert.deepEqual(kinds('t = eyJ' + 'a'.repeat(20) + '.eyJ' + 'b'.repeat(20) + '.' + 'c'.repeat(20)), []);
  const d = detector.detect('url: mongodb+srv://svc:Qw9-zT4kLp2x@cluster0.internal.net/db'); // arca:allow (test fixture)
  assert.equal(d[0]?.kind, 'connection-string');
  assert.equal(d[0]?.secret, 'Qw9-zT4kLp2x');
});

test('a user allowlist filter drops matching secrets', () => {
  const v = gen('gitlab-pat');
  const d = new Detector(defaultRules, { isAllowedSecret: (s) => s === v });
  assert.deepEqual(d.detect(`A=${v}`), []);
});
