// src/scanner/eval — hard negatives: lines that resemble credentials of every kind but must
// not be reported (placeholders, env references, documented examples, wrong checksums,
// lockfile integrity, UUIDs, digests, public keys, malformed JWTs, password-less URLs,
// inline-allowed values). Built from random draws and split literals at run time.
import { createHash } from 'node:crypto';
import { ALNUM, B64, HEX, LOWER_DIGITS } from './seeded-random.js';
import type { SeededRandom } from './seeded-random.js';
import { pemKey, VALUE_GENERATORS } from './sample-values.js';

const uuid = (r: SeededRandom): string => [8, 4, 4, 4, 12].map((n) => r.chars(HEX, n)).join('-');
const sha = (r: SeededRandom, alg: string): string => createHash(alg).update(r.bytes(16)).digest('hex');
const CHECKSUMMED = ['github-pat', 'github-oauth-token', 'github-user-token', 'github-app-token', 'github-refresh-token', 'npm-token'];

/** Placeholder versions of a generated value: same prefix, filler or angle-bracket tail. */
function placeholdersFor(kind: string, r: SeededRandom): string[] {
  const gen = VALUE_GENERATORS[kind];
  if (!gen || kind.endsWith('private-key') || kind === 'jwt') return [];
  const v = gen(r);
  const keep = Math.min(8, Math.floor(v.length / 4));
  return [
    `${kind.toUpperCase().replace(/-/g, '_')}=${v.slice(0, keep)}${'x'.repeat(v.length - keep)}`,
    `${kind.replace(/-/g, '_')}: "<your-${kind}>"`,
    `token: \${${kind.toUpperCase().replace(/-/g, '_')}}`,
    `${kind.replace(/-/g, '_')} = "${v}" # arca:allow test fixture`,
  ];
}

function wrongChecksums(r: SeededRandom): string[] {
  return CHECKSUMMED.map((kind) => {
    const v = (VALUE_GENERATORS[kind] as (r: SeededRandom) => string)(r);
    const last = v.at(-1) === 'A' ? 'B' : 'A';
    return `GITHUB_TOKEN="${v.slice(0, -1)}${last}"`;
  });
}

function genericNegatives(r: SeededRandom): string[] {
  return [
    'password = os.environ["DB_PASSWORD"]',
    'const token = process.env.GITHUB_TOKEN;',
    'password: ${DB_PASSWORD}',
    'api_key = "<your-api-key>"',
    'secret: "changeme"',
    `password = "${'x'.repeat(12)}"`,
    'DB_PASSWORD=changeme123',
    `password_hash = "${sha(r, 'sha256')}"`,
    'token_type = "bearer_token_v2"',
    'secret_name = "prod/db/master-password"',
    'PASSWORD_MIN_LENGTH = 12',
    'password = get_password(user, realm)',
    'def check_password(password: str) -> bool:',
    'token: Optional[str] = None',
    '"password": "",',
    `api_token = "${uuid(r)}"`,
    `"secretRef": "${uuid(r)}"`,
    'password: {{ .Values.db.password }}',
    "secret_key = settings.SECRET_KEY",
    'tokenizer = "bert-base-uncased-whole-word"',
    'AUTH_TOKEN_URL=https://auth.internal.net/oauth/token',
    `private_key_path = "/etc/ssl/private/${r.chars(LOWER_DIGITS, 6)}.pem"`,
    'password = "%(db_password)s"',
    'client_secret = "REPLACE_ME_WITH_REAL_SECRET"',
    'apiKey: "your_api_key_here"',
    // Shapes found when scanning real dependency code (type declarations, fixtures, i18n).
    'declare function isArrowToken(token: CommentOrToken): token is ArrowToken$1;',
    'type ClosingBraceToken = ClosingBraceToken$1;',
    'declare function split(secret: Uint8Array, shares: number, threshold: number): Promise<Uint8Array[]>;',
    "database: { password: 'db-password' },",
    "passphrase: 'my-secret-passphrase'",
    "PWD: '/Users/dev',",
    "client_token_accessor: req.auth?.accessor ?? '',",
    '"Unexpected_token_1012": "Neočekávaný token",',
    'const hasExclamationToken = !!node.exclamationToken;',
    'const NEXT_TOKEN_M = /^[{*]$/u;',
    "{ token: 'hvs.unknown' }",
  ];
}

function structuralNegatives(r: SeededRandom): string[] {
  const fakeJwt = 'ey' + 'J' + r.chars(ALNUM, 30) + '.ey' + 'J' + r.chars(ALNUM, 40) + '.' + r.chars(ALNUM, 30);
  return [
    'DATABASE_URL=postgres://user:password@localhost:5432/app',
    'DATABASE_URL=postgres://app:${DB_PASSWORD}@db.internal.net/app',
    'MYSQL_URL=mysql://root@localhost:3306/test',
    'REDIS_URL=redis://:<password>@cache.internal.net:6379/0',
    'MONGO=mongodb://admin:****@mongo.internal.net/admin',
    'git clone https://github.com/arca/arca.git',
    "const options = new URL('http://abc:xyz@example.com');",
    'pino-mq -u "amqp://guest:guest@localhost/" -q "logs"',
    "parse('postgres://someuser:somepassword@somehost:381/somedatabase')",
    'url = "https://deploy@git.internal.net/team/repo.git"',
    'see http://localhost:8080/v1/sys/health',
    'curl -H "Authorization: Bearer $TOKEN" https://api.internal.net',
    'Authorization: Bearer <token>',
    `jwt = "${fakeJwt}"`,
    pemKey(r, 'PUBLIC KEY'),
    pemKey(r, 'CERTIFICATE'),
    ['-----' + 'BEGIN RSA PRIVATE KEY-----', '...', '-----' + 'END RSA PRIVATE KEY-----'].join('\n'),
    `ACCOUNT_SID=A${'C'}${r.chars(HEX, 32)}`,
    `logo = "data:image/png;base64,${r.chars(B64, 120)}"`,
  ];
}

function digestNegatives(r: SeededRandom): string[] {
  return [
    `${sha(r, 'sha256')}  dist/arca-linux-amd64.tar.gz`,
    `commit = "${sha(r, 'sha1')}"`,
    `"etag": "${sha(r, 'md5')}"`,
    `checksum: sha512-${r.bytes(64).toString('base64')}`,
    `request_id = "${uuid(r)}"`,
    `"id": "${uuid(r)}",`,
  ];
}

function documentedExamples(): string[] {
  return [
    'aws_access_key_id = AK' + 'IAIOSFODNN7EXAMPLE',
    'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfi' + 'CYEXAMPLEKEY', // arca:allow (test fixture)
    'stripe.api_key = "sk_' + 'test_' + '4eC39HqLyjWDarjtT1zdp7dc"',
    'token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.' + // arca:allow (test fixture)
      'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"',
  ];
}

/** Every hard negative, grouped by what it imitates. */
export function hardNegatives(r: SeededRandom, kinds: readonly string[]): string[] {
  return [
    ...kinds.flatMap((k) => placeholdersFor(k, r)),
    ...wrongChecksums(r),
    ...genericNegatives(r),
    ...structuralNegatives(r),
    ...digestNegatives(r),
    ...documentedExamples(),
  ];
}

/** A package-lock.json full of integrity hashes. */
export function lockfile(r: SeededRandom, packages: number): string {
  const deps: Record<string, unknown> = {};
  for (let i = 0; i < packages; i++) {
    const name = r.chars(LOWER_DIGITS, 8);
    deps[`node_modules/${name}`] = {
      version: `1.${r.int(20)}.${r.int(20)}`,
      resolved: `https://registry.npmjs.org/${name}/-/${name}-1.0.0.tgz`,
      integrity: `sha512-${r.bytes(64).toString('base64')}`,
    };
  }
  return JSON.stringify({ name: 'app', lockfileVersion: 3, packages: deps }, null, 2) + '\n';
}
