// src/cli — `arca token create|lookup|renew|revoke|capabilities` over auth/token/* and
// sys/capabilities*. A token given as an argument travels in the request body, never in
// a URL, so it cannot land in an access log.
import type { Command } from './command.js';
import { defineCommand } from './define-command.js';
import { UsageError } from './flags.js';
import { asRecord, asStringArray, dataOf } from './json-shape.js';
import type { JsonRecord } from './json-shape.js';

function metadataFromList(items: readonly string[]): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError('-metadata takes key=value');
    meta[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return meta;
}

const create = defineCommand({
  words: ['token', 'create'],
  summary: 'Create a new token',
  usage: `Usage: arca token create [options]

  Creates a child of the current token (or an orphan with -orphan).

      $ arca token create -policy=app -ttl=1h

  -policy=<name>            Policy to attach (repeatable)
  -ttl=<duration>           Initial TTL
  -explicit-max-ttl=<d>     Hard maximum TTL
  -period=<duration>        Make a periodic token
  -display-name=<name>      Display name
  -use-limit=<n>            Number of uses (0 unlimited)
  -renewable                Allow renewal (default true)
  -orphan                   Create without a parent
  -no-default-policy        Do not attach the "default" policy
  -metadata=<k=v>           Metadata (repeatable)
  -role=<name>              Create against a token role
  -type=<service|batch>     Token type
  -id=<id>                  Explicit token value (root only)`,
  flags: {
    policy: { kind: 'list' },
    ttl: { kind: 'string' },
    'explicit-max-ttl': { kind: 'string' },
    period: { kind: 'string' },
    'display-name': { kind: 'string' },
    'use-limit': { kind: 'int' },
    renewable: { kind: 'bool', default: true },
    orphan: { kind: 'bool' },
    'no-default-policy': { kind: 'bool' },
    metadata: { kind: 'list' },
    role: { kind: 'string' },
    type: { kind: 'string' },
    id: { kind: 'string' },
  },
  wraps: true,
  args: [0, 0],
  async run(ctx) {
    const f = ctx.flags;
    const body: JsonRecord = { renewable: f.renewable ?? true };
    if (f.policy) body['policies'] = f.policy;
    if (f.ttl !== undefined) body['ttl'] = f.ttl;
    if (f['explicit-max-ttl'] !== undefined) body['explicit_max_ttl'] = f['explicit-max-ttl'];
    if (f.period !== undefined) body['period'] = f.period;
    if (f['display-name'] !== undefined) body['display_name'] = f['display-name'];
    if (f['use-limit'] !== undefined) body['num_uses'] = f['use-limit'];
    if (f['no-default-policy'] === true) body['no_default_policy'] = true;
    if (f.metadata) body['meta'] = metadataFromList(f.metadata);
    if (f.type !== undefined) body['type'] = f.type;
    if (f.id !== undefined) body['id'] = f.id;
    let path = 'auth/token/create';
    if (f.role !== undefined) path = `auth/token/create/${encodeURIComponent(f.role)}`;
    else if (f.orphan === true) path = 'auth/token/create-orphan';
    return ctx.out.secret(await ctx.call('creating token', 'PUT', path, body));
  },
});

const lookup = defineCommand({
  words: ['token', 'lookup'],
  summary: 'Display information about a token',
  usage: `Usage: arca token lookup [options] [TOKEN | ACCESSOR]

  Shows a token's properties: the current token when none is given.

  -accessor    Treat the argument as an accessor`,
  flags: { accessor: { kind: 'bool' } },
  args: [0, 1],
  async run(ctx) {
    const arg = ctx.args[0];
    let body: unknown;
    if (ctx.flags.accessor === true) {
      if (arg === undefined) throw new UsageError('-accessor needs an ACCESSOR argument');
      body = await ctx.call('looking up token', 'PUT', 'auth/token/lookup-accessor', { accessor: arg });
    } else if (arg === undefined) body = await ctx.call('looking up token', 'GET', 'auth/token/lookup-self');
    else body = await ctx.call('looking up token', 'PUT', 'auth/token/lookup', { token: arg });
    return ctx.out.secret(body);
  },
});

const renew = defineCommand({
  words: ['token', 'renew'],
  summary: 'Renew a token lease',
  usage: `Usage: arca token renew [options] [TOKEN]

  Extends a token's TTL: the current token when none is given.

  -increment=<duration>   Requested TTL from now (default: the token's default)
  -accessor               Treat the argument as an accessor`,
  flags: { increment: { kind: 'string' }, accessor: { kind: 'bool' } },
  args: [0, 1],
  async run(ctx) {
    const arg = ctx.args[0];
    const body: JsonRecord = {};
    if (ctx.flags.increment !== undefined) body['increment'] = ctx.flags.increment;
    let path = 'auth/token/renew-self';
    if (ctx.flags.accessor === true) {
      if (arg === undefined) throw new UsageError('-accessor needs an ACCESSOR argument');
      path = 'auth/token/renew-accessor';
      body['accessor'] = arg;
    } else if (arg !== undefined) {
      path = 'auth/token/renew';
      body['token'] = arg;
    }
    return ctx.out.secret(await ctx.call('renewing token', 'PUT', path, body));
  },
});

const revoke = defineCommand({
  words: ['token', 'revoke'],
  summary: 'Revoke a token and its children',
  usage: `Usage: arca token revoke [options] [TOKEN | ACCESSOR]

  Revokes a token and, unless -mode=orphan, every token created from it.

  -self          Revoke the current token
  -accessor      Treat the argument as an accessor
  -mode=orphan   Revoke only this token; its children become orphans`,
  flags: { self: { kind: 'bool' }, accessor: { kind: 'bool' }, mode: { kind: 'string' } },
  args: [0, 1],
  async run(ctx) {
    const arg = ctx.args[0];
    const f = ctx.flags;
    if (f.mode !== undefined && f.mode !== 'orphan' && f.mode !== '') throw new UsageError(`Invalid -mode ${JSON.stringify(f.mode)} (only "orphan")`);
    if (f.self === true) {
      if (arg !== undefined) throw new UsageError('Too many arguments: -self takes no TOKEN');
      await ctx.call('revoking token', 'PUT', 'auth/token/revoke-self');
    } else {
      if (arg === undefined) throw new UsageError('Not enough arguments (expected 1, got 0); use -self for the current token');
      if (f.accessor === true) await ctx.call('revoking token', 'PUT', 'auth/token/revoke-accessor', { accessor: arg });
      else if (f.mode === 'orphan') await ctx.call('revoking token', 'PUT', 'auth/token/revoke-orphan', { token: arg });
      else await ctx.call('revoking token', 'PUT', 'auth/token/revoke', { token: arg });
    }
    ctx.out.print('Success! Revoked token (if it existed)');
    return 0;
  },
});

const capabilities = defineCommand({
  words: ['token', 'capabilities'],
  summary: "Print a token's capabilities on a path",
  usage: `Usage: arca token capabilities [options] [TOKEN] PATH

  Prints the capabilities a token has on PATH: the current token when only PATH
  is given.

      $ arca token capabilities secret/data/app`,
  flags: {},
  args: [1, 2],
  async run(ctx) {
    const [a, b] = ctx.args;
    const path = (b ?? a ?? '').replace(/^\/+/, '');
    const body =
      b === undefined
        ? await ctx.call('listing capabilities', 'PUT', 'sys/capabilities-self', { paths: [path] })
        : await ctx.call('listing capabilities', 'PUT', 'sys/capabilities', { token: a, paths: [path] });
    const record = asRecord(body) ?? {};
    const data = dataOf(body);
    const raw = data[path] ?? data['capabilities'] ?? record[path] ?? record['capabilities'];
    const caps = asStringArray(raw).sort();
    if (ctx.out.isStructured) ctx.out.structured(caps);
    else ctx.out.print(caps.join(', '));
    return 0;
  },
});

export const tokenCommands: readonly Command[] = [create, lookup, renew, revoke, capabilities];
