// src/scanner/eval — generators of random, well-formed values for every rule (checksums
// computed, PEM bodies random), and the line of code/config each is embedded in. Used by
// the evaluation corpus, tests and the benchmark. Prefixes are split so no source line
// looks like a credential.
import { crc32Base62 } from '../checksum.js';
import { ALNUM, B64, B64URL, HEX, LOWER_DIGITS, UPPER_DIGITS } from './seeded-random.js';
import type { SeededRandom } from './seeded-random.js';

export interface Sample {
  /** The credential as it appears in the file. */
  readonly value: string;
  /** The secret the scanner should report (differs for PEM keys and connection strings). */
  readonly secret: string;
  /** The file content line(s) embedding it. */
  readonly line: string;
}

type Gen = (r: SeededRandom) => string;

const gh = (prefix: string): Gen => (r) => {
  const body = r.chars(ALNUM, 30);
  return prefix + body + crc32Base62(body);
};
const digits = (r: SeededRandom, n: number): string => r.chars('0123456789', n);
const b64url = (s: string): string => Buffer.from(s).toString('base64url');

export function password(r: SeededRandom, n = 10 + r.int(14)): string {
  return r.chars(ALNUM + '!#%^*-_+', n - 2) + r.chars('0123456789', 1) + r.chars('!#%^*-_', 1);
}

export function pemKey(r: SeededRandom, label: string): string {
  const lines: string[] = [];
  const body = r.bytes(48 * (6 + r.int(10))).toString('base64');
  for (let i = 0; i < body.length; i += 64) lines.push(body.slice(i, i + 64));
  return ['-----' + 'BEGIN ' + label + '-----', ...lines, '-----' + 'END ' + label + '-----'].join('\n');
}

function jwt(r: SeededRandom): string {
  const header = b64url(JSON.stringify({ alg: r.pick(['HS256', 'RS256', 'ES256']), typ: 'JWT' }));
  const payload = b64url(JSON.stringify({ sub: r.chars(LOWER_DIGITS, 12), iat: 1700000000 + r.int(1e7), role: r.pick(['admin', 'user']) }));
  return `${header}.${payload}.${r.chars(B64URL, 43)}`;
}

/** Value generators keyed by rule id. */
export const VALUE_GENERATORS: Readonly<Record<string, Gen>> = {
  'aws-access-key-id': (r) => r.pick(['AK' + 'IA', 'AS' + 'IA']) + r.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16),
  'aws-secret-access-key': (r) => r.chars(ALNUM + '/+', 40),
  'gcp-api-key': (r) => 'AI' + 'za' + r.chars(ALNUM + '_-', 35),
  'gcp-oauth-client-secret': (r) => 'GOC' + 'SPX-' + r.chars(ALNUM + '_-', 28),
  'azure-ad-client-secret': (r) => r.chars(ALNUM, 3) + digits(r, 1) + 'Q~' + r.chars(ALNUM + '_~.-', 34),
  'azure-storage-account-key': (r) => r.chars(B64, 86) + '==',
  'digitalocean-token': (r) => 'do' + r.pick(['p', 'o', 'r']) + '_v1_' + r.chars(HEX, 64),
  'alibaba-access-key-id': (r) => 'LT' + 'AI' + r.chars(ALNUM, 20),
  'heroku-api-key': (r) => 'HR' + 'KU-' + r.chars(ALNUM + '_-', 60),
  'cloudflare-api-token': (r) => r.chars(ALNUM + '_-', 40),
  'flyio-token': (r) => 'fo' + '1_' + r.chars(ALNUM + '_-', 43),
  'doppler-token': (r) => 'dp.' + r.pick(['pt', 'st', 'sa']) + '.' + r.chars(ALNUM, 43),
  'vault-token': (r) => 'hv' + 's.' + r.chars(ALNUM + '_-', 95),
  'terraform-cloud-token': (r) => r.chars(LOWER_DIGITS, 14) + '.atlas' + 'v1.' + r.chars(LOWER_DIGITS, 67),
  'databricks-token': (r) => 'da' + 'pi' + r.chars(HEX, 32),
  'pulumi-token': (r) => 'pu' + 'l-' + r.chars(HEX, 40),
  'planetscale-token': (r) => 'pscale' + '_tkn_' + r.chars(ALNUM, 43),
  'supabase-token': (r) => 'sb' + 'p_' + r.chars(HEX, 40),
  'age-secret-key': (r) => 'AGE-SECRET' + '-KEY-1' + r.chars('QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 58),
  'newrelic-user-key': (r) => 'NR' + 'AK-' + r.chars(UPPER_DIGITS, 27),
  'grafana-token': (r) => 'gl' + 'sa_' + r.chars(ALNUM, 32) + '_' + r.chars(HEX, 8),
  'dynatrace-token': (r) => 'dt0' + 'c01.' + r.chars(UPPER_DIGITS, 24) + '.' + r.chars(UPPER_DIGITS, 64),
  'sentry-token': (r) => 'sn' + 'trys_' + r.chars(ALNUM, 80),
  'github-pat': gh('gh' + 'p_'),
  'github-oauth-token': gh('gh' + 'o_'),
  'github-user-token': gh('gh' + 'u_'),
  'github-app-token': gh('gh' + 's_'),
  'github-refresh-token': gh('gh' + 'r_'),
  'github-fine-grained-pat': (r) => 'github' + '_pat_' + r.chars(ALNUM, 22) + '_' + r.chars(ALNUM, 59),
  'gitlab-pat': (r) => 'gl' + 'pat-' + r.chars(ALNUM + '_-', 20),
  'gitlab-pipeline-trigger-token': (r) => 'gl' + 'ptt-' + r.chars(HEX, 40),
  'gitlab-runner-token': (r) => 'gl' + 'rt-' + r.chars(ALNUM + '_-', 20),
  'gitlab-deploy-token': (r) => 'gl' + 'dt-' + r.chars(ALNUM + '_-', 20),
  'bitbucket-app-password': (r) => 'AT' + 'BB' + r.chars(ALNUM, 32),
  'atlassian-api-token': (r) => 'ATA' + 'TT3' + r.chars(ALNUM + '_-', 184),
  'buildkite-token': (r) => 'bk' + 'ua_' + r.chars(HEX, 40),
  'circleci-token': (r) => 'CCI' + 'PAT_' + r.chars(ALNUM, 22) + '_' + r.chars(HEX, 40),
  'npm-token': gh('np' + 'm_'),
  'pypi-token': (r) => 'pypi-' + 'AgEIcHlwaS5vcmc' + r.chars(ALNUM + '_-', 70),
  'rubygems-token': (r) => 'ruby' + 'gems_' + r.chars(HEX, 48),
  'nuget-api-key': (r) => 'oy' + '2' + r.chars(LOWER_DIGITS, 43),
  'dockerhub-pat': (r) => 'dckr' + '_pat_' + r.chars(ALNUM + '_-', 27),
  'crates-io-token': (r) => 'ci' + 'o' + r.chars(ALNUM, 32),
  'clojars-token': (r) => 'CLOJARS' + '_' + r.chars(LOWER_DIGITS, 60),
  'postman-api-key': (r) => 'PM' + 'AK-' + r.chars(HEX, 24) + '-' + r.chars(HEX, 34),
  'linear-api-key': (r) => 'lin' + '_api_' + r.chars(ALNUM, 40),
  'figma-token': (r) => 'fi' + 'gd_' + r.chars(ALNUM + '_-', 40),
  'airtable-pat': (r) => 'pa' + 't' + r.chars(ALNUM, 14) + '.' + r.chars(HEX, 64),
  'notion-token': (r) => 'nt' + 'n_' + r.chars(ALNUM, 46),
  'typeform-token': (r) => 'tf' + 'p_' + r.chars(ALNUM + '_-', 59),
  'stripe-secret-key': (r) => 'sk' + '_' + r.pick(['live', 'test']) + '_' + r.chars(ALNUM, 24 + r.int(76)),
  'stripe-restricted-key': (r) => 'rk' + '_live_' + r.chars(ALNUM, 24 + r.int(76)),
  'stripe-webhook-secret': (r) => 'wh' + 'sec_' + r.chars(ALNUM, 32),
  'square-access-token': (r) => 'sq0' + 'atp-' + r.chars(ALNUM + '_-', 22),
  'square-oauth-secret': (r) => 'sq0' + 'csp-' + r.chars(ALNUM + '_-', 43),
  'braintree-access-token': (r) => 'access_token$' + 'production$' + r.chars(LOWER_DIGITS, 16) + '$' + r.chars(HEX, 32),
  'shopify-access-token': (r) => 'shp' + r.pick(['at', 'ca', 'pa']) + '_' + r.chars(HEX, 32),
  'shopify-shared-secret': (r) => 'shp' + 'ss_' + r.chars(HEX, 32),
  'flutterwave-secret-key': (r) => 'FLW' + 'SECK-' + r.chars('abcdefgh0123456789', 32) + '-X',
  'easypost-api-key': (r) => 'EZ' + 'AK' + r.chars(ALNUM, 54),
  'shippo-token': (r) => 'shippo' + '_live_' + r.chars(HEX, 40),
  'slack-bot-token': (r) => 'xo' + 'xb-' + digits(r, 12) + '-' + digits(r, 13) + '-' + r.chars(ALNUM, 24),
  'slack-user-token': (r) => 'xo' + 'xp-' + digits(r, 12) + '-' + digits(r, 12) + '-' + digits(r, 13) + '-' + r.chars(HEX, 32),
  'slack-app-token': (r) => 'xa' + 'pp-1-' + r.chars(UPPER_DIGITS, 11) + '-' + digits(r, 13) + '-' + r.chars(HEX, 64),
  'slack-webhook-url': (r) =>
    'https://hooks.' + 'slack.com/services/T' + r.chars(UPPER_DIGITS, 8) + '/B' + r.chars(UPPER_DIGITS, 10) + '/' + r.chars(ALNUM, 24),
  'discord-webhook-url': (r) => 'https://discord.com/api/' + 'webhooks/' + digits(r, 18) + '/' + r.chars(ALNUM + '_-', 68),
  'discord-bot-token': (r) => r.pick(['M', 'N']) + r.chars(ALNUM, 23) + '.' + r.chars(ALNUM + '_-', 6) + '.' + r.chars(ALNUM + '_-', 38),
  'telegram-bot-token': (r) => digits(r, 10) + ':A' + 'A' + r.chars(ALNUM + '_-', 33),
  'twilio-api-key': (r) => 'S' + 'K' + r.chars(HEX, 32),
  'teams-webhook-url': (r) => {
    const uuid = (): string => [8, 4, 4, 4, 12].map((n) => r.chars(HEX, n)).join('-');
    return `https://contoso.webhook.office.com/webhookb2/${uuid()}@${uuid()}/IncomingWebhook/${r.chars(HEX, 32)}/${uuid()}`;
  },
  'sendgrid-api-key': (r) => 'S' + 'G.' + r.chars(ALNUM + '_-', 22) + '.' + r.chars(ALNUM + '_-', 43),
  'mailgun-api-key': (r) => 'ke' + 'y-' + r.chars(HEX, 32),
  'mailchimp-api-key': (r) => r.chars(HEX, 32) + '-us' + (1 + r.int(20)),
  'brevo-api-key': (r) => 'xkey' + 'sib-' + r.chars(HEX, 64) + '-' + r.chars(ALNUM, 16),
  'mapbox-secret-token': (r) => 's' + 'k.eyJ' + r.chars(ALNUM + '_-', 60) + '.' + r.chars(ALNUM + '_-', 22),
  'openai-api-key': (r) => 's' + 'k-proj-' + r.chars(ALNUM + '_-', 74) + 'T3Blbk' + 'FJ' + r.chars(ALNUM + '_-', 74),
  'anthropic-api-key': (r) => 's' + 'k-ant-api03-' + r.chars(ALNUM + '_-', 93) + 'AA',
  'huggingface-token': (r) => 'h' + 'f_' + r.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 34),
  'groq-api-key': (r) => 'gs' + 'k_' + r.chars(ALNUM, 52),
  'replicate-token': (r) => 'r' + '8_' + r.chars(ALNUM, 37),
  'perplexity-api-key': (r) => 'pp' + 'lx-' + r.chars(ALNUM, 48),
  'xai-api-key': (r) => 'xa' + 'i-' + r.chars(ALNUM, 80),
  'langsmith-api-key': (r) => 'lsv' + '2_pt_' + r.chars(HEX, 32) + '_' + r.chars(HEX, 10),
  'private-key': (r) => pemKey(r, r.pick(['RSA ', 'EC ', '', 'ENCRYPTED ']) + 'PRIVATE KEY'),
  'openssh-private-key': (r) => pemKey(r, 'OPENSSH PRIVATE KEY'),
  'pgp-private-key': (r) => pemKey(r, 'PGP PRIVATE KEY BLOCK'),
  jwt,
  'connection-string': (r) => password(r),
  'url-with-password': (r) => password(r),
  'authorization-bearer': (r) => r.chars(ALNUM, 40),
  'authorization-basic': (r) => Buffer.from(`${r.pick(['deploy', 'ci', 'svc'])}:${password(r)}`).toString('base64'),
  'generic-secret': (r) => password(r),
};

const NAMES = ['API_KEY', 'AUTH_TOKEN', 'SERVICE_CREDENTIAL', 'ACCESS_TOKEN', 'CLIENT_SECRET'];

/** Embeds a value of `kind` in a realistic line, returning what the scanner should report. */
export function embed(kind: string, value: string, r: SeededRandom): Sample {
  switch (kind) {
    case 'aws-secret-access-key':
      return { value, secret: value, line: r.pick(['aws_secret_access_key = ', 'AWS_SECRET_ACCESS_KEY=', '"awsSecretKey": "']) + value };
    case 'cloudflare-api-token':
      return { value, secret: value, line: `CLOUDFLARE_API_TOKEN=${value}` };
    case 'azure-storage-account-key':
      return { value, secret: value, line: `conn = "DefaultEndpointsProtocol=https;AccountName=st${r.chars(LOWER_DIGITS, 6)};AccountKey=${value};EndpointSuffix=core.windows.net"` };
    case 'connection-string': {
      const scheme = r.pick(['postgres', 'postgresql', 'mysql', 'mongodb+srv', 'redis', 'amqp']);
      return { value, secret: value, line: `DATABASE_URL=${scheme}://app_${r.chars(LOWER_DIGITS, 4)}:${value}@db-${r.chars(LOWER_DIGITS, 5)}.internal.net:5432/app` };
    }
    case 'url-with-password':
      return { value, secret: value, line: `remote = "https://deploy:${value}@git.${r.chars(LOWER_DIGITS, 6)}.net/team/repo.git"` };
    case 'authorization-bearer':
      return { value, secret: value, line: `curl -H "Authorization: Bearer ${value}" https://api.internal.net/v1/items` };
    case 'authorization-basic':
      return { value, secret: value, line: `headers = {"Authorization": "Basic ${value}"}` };
    case 'generic-secret':
      return {
        value,
        secret: value,
        line: r.pick([`password = "${value}"`, `DB_PASSWORD=${value}`, `  secret: '${value}'`, `"apiKey": "${value}",`, `token := "${value}"`]),
      };
    case 'discord-bot-token':
      return { value, secret: value, line: `DISCORD_BOT_TOKEN = "${value}"` };
    default: {
      if (kind.endsWith('private-key')) return { value, secret: value, line: value };
      return { value, secret: value, line: r.pick([`${r.pick(NAMES)}="${value}"`, `  key: ${value}`, `const client = new Client("${value}");`, `export X=${value}`]) };
    }
  }
}
