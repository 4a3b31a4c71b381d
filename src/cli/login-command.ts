// src/cli — `arca login`: authenticates and stores the resulting token with the token
// helper (~/.arca-token, 0600). The token method verifies the token with
// auth/token/lookup-self before storing it; userpass-like methods post credentials to
// auth/<path>/login[/<username>] (cert posts its K=V, e.g. name=<role>, over a connection
// carrying the -client-cert: the TLS handshake is the credential); oidc runs the browser flow. A login that requires MFA is
// finished with the TOTP code. Tokens, passwords and codes are prompted for without echo.
import { CliFailure } from './cli-failure.js';
import { defineCommand } from './define-command.js';
import type { CommandContext } from './define-command.js';
import { asNumber, asRecord, asString, asStringArray, dataOf } from './json-shape.js';
import type { JsonRecord } from './json-shape.js';
import { secretRows } from './output.js';
import { UsageError } from './flags.js';
import { parseKeyValues } from './parse-key-values.js';
import { promptHidden, readLine } from './prompt-hidden.js';
import { renderKeyValue } from './render-table.js';
import { envToken } from './resolve-client.js';
import { TokenHelper } from './token-helper.js';
import { completeMfaLogin } from './login-mfa.js';
import { loginWithOidc } from './login-oidc.js';

const USERNAME_METHODS = new Set(['userpass', 'ldap', 'okta', 'radius']);

const flags = {
  method: { kind: 'string', default: 'token' },
  path: { kind: 'string' },
  'no-store': { kind: 'bool' },
  'no-print': { kind: 'bool' },
  'token-only': { kind: 'bool' },
} as const;

type Ctx = CommandContext<typeof flags>;

async function tokenLogin(ctx: Ctx): Promise<JsonRecord> {
  const arg = ctx.args[0];
  let token = arg === '-' ? await readLine(ctx.io.stdin) : (arg ?? (await promptHidden(ctx.io, 'Token (will be hidden): ')));
  token = token.trim();
  if (token === '') throw new CliFailure('Error authenticating: no token given', 2);
  ctx.client().token = token;
  const body = await ctx.call('authenticating', 'GET', 'auth/token/lookup-self');
  const d = dataOf(body);
  const policies = asStringArray(d['policies']);
  const identity = asStringArray(d['identity_policies']);
  return {
    auth: {
      client_token: token,
      accessor: asString(d['accessor']) ?? '',
      lease_duration: asNumber(d['ttl']) ?? 0,
      renewable: d['renewable'] === true,
      token_policies: policies,
      identity_policies: identity,
      policies: [...new Set([...policies, ...identity])],
      metadata: asRecord(d['meta']) ?? {},
    },
  };
}

async function methodLogin(ctx: Ctx, method: string): Promise<JsonRecord> {
  const mount = (ctx.flags.path ?? method).replace(/^\/+|\/+$/g, '');
  const data = await parseKeyValues(ctx.args, ctx.io);
  let path = `auth/${mount}/login`;
  if (USERNAME_METHODS.has(method)) {
    const username = asString(data['username']) ?? ctx.io.env['USER'] ?? '';
    if (username === '') throw new UsageError('a username=<name> argument is required');
    delete data['username'];
    if (data['password'] === undefined) data['password'] = await promptHidden(ctx.io, 'Password (will be hidden): ');
    path += `/${encodeURIComponent(username)}`;
  }
  ctx.client().token = undefined;
  return asRecord(await ctx.call('authenticating', 'PUT', path, data)) ?? {};
}

/** Browser login: opens (or prints) the provider's URL and catches the callback on localhost. */
async function oidcLogin(ctx: Ctx): Promise<JsonRecord> {
  const data = await parseKeyValues(ctx.args, ctx.io);
  const role = asString(data['role']);
  const port = data['port'] === undefined ? undefined : Number(data['port']);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new UsageError('port=<n> must be a TCP port');
  const { secret } = await loginWithOidc({
    client: ctx.client(),
    mount: ctx.flags.path ?? 'oidc',
    ...(role !== undefined ? { role } : {}),
    ...(port !== undefined ? { port } : {}),
    print: (text) => ctx.io.stderr.write(text),
    openBrowser: ctx.io.stdout.isTTY === true,
  });
  return secret;
}

export const loginCommand = defineCommand({
  words: ['login'],
  summary: 'Authenticate locally',
  usage: `Usage: arca login [options] [AUTH K=V...]

  Authenticates to the server and stores the token in the token helper
  (~/.arca-token, mode 0600) so later commands use it.

      $ arca login                       # prompts for a token without echo
      $ arca login s.abc123
      $ arca login -method=userpass username=alice
      $ arca login -method=oidc role=engineering     # browser login (PKCE)
      $ arca login -method=cert -client-cert=cert.pem -client-key=key.pem [name=<role>]

  The cert method logs in with the TLS client certificate given by -client-cert and
  -client-key (or $ARCA_CLIENT_CERT/$VAULT_CLIENT_CERT and the _KEY ones).

  -method=<name>   Auth method: token (default), userpass, ldap, approle, cert, ...
  -path=<path>     Mount path of the auth method (default: the method name)
  -no-store        Do not store the token in the token helper
  -no-print        Print nothing on success
  -token-only      Print only the token`,
  flags,
  args: [0, 64],
  async run(ctx) {
    const method = ctx.flags.method ?? 'token';
    const first = method === 'token' ? await tokenLogin(ctx) : method === 'oidc' ? await oidcLogin(ctx) : await methodLogin(ctx, method);
    // Login MFA: prompts for the TOTP code and finishes through sys/mfa/validate.
    const secret = await completeMfaLogin(ctx, first);
    const auth = asRecord(secret['auth']);
    const token = asString(auth?.['client_token']);
    if (!auth || token === undefined) {
      ctx.io.stderr.write('Error authenticating: the server returned no token\n');
      return 2;
    }
    const storing = ctx.flags['no-store'] !== true;
    if (storing) TokenHelper.fromEnv(ctx.io.env).store(token);
    const fromEnv = envToken(ctx.io);
    if (fromEnv !== undefined && storing) {
      const name = ctx.io.env['ARCA_TOKEN'] ? 'ARCA_TOKEN' : 'VAULT_TOKEN';
      ctx.io.stderr.write(
        `WARNING! The ${name} environment variable is set! The value of this variable\nwill take precedence; if this is unwanted please unset ${name} or update its value.\n\n`,
      );
    }
    if (ctx.flags['no-print'] === true) return 0;
    if (ctx.flags['token-only'] === true) return ctx.out.rawField({ token }, 'token');
    const { rows, fields } = secretRows(secret);
    if (ctx.out.field !== undefined) return ctx.out.rawField(fields, ctx.out.field);
    if (ctx.out.isStructured) {
      ctx.out.secretStructured(secret);
      return 0;
    }
    ctx.out.print(
      storing
        ? 'Success! You are now authenticated. The token information displayed below\nis already stored in the token helper. You do NOT need to run "arca login"\nagain. Future requests will automatically use this token.\n'
        : 'Success! You are now authenticated. The token information displayed below\nis NOT stored in the token helper; export it as ARCA_TOKEN to use it.\n',
    );
    ctx.out.print(renderKeyValue(rows));
    return 0;
  },
});
