// src/cli — `arca lease lookup|renew|revoke` over sys/leases/*. Lease IDs travel in the
// request body except for prefix revocation, where Vault's API puts the prefix in the URL.
import type { Command } from './command.js';
import { defineCommand } from './define-command.js';
import { UsageError } from './flags.js';
import type { JsonRecord } from './json-shape.js';
import { encodePath } from './kv-target.js';

const lookup = defineCommand({
  words: ['lease', 'lookup'],
  summary: 'Look up a lease',
  usage: `Usage: arca lease lookup [options] ID

  Prints a lease's issue time, expiry and TTL.`,
  flags: {},
  args: [1, 1],
  async run(ctx) {
    const body = await ctx.call('looking up lease', 'PUT', 'sys/leases/lookup', { lease_id: ctx.args[0] });
    return ctx.out.secret(body);
  },
});

const renew = defineCommand({
  words: ['lease', 'renew'],
  summary: 'Renew a lease',
  usage: `Usage: arca lease renew [options] ID

  Extends a lease's TTL.

  -increment=<duration>   Requested TTL from now (default: the lease's default)`,
  flags: { increment: { kind: 'string' } },
  args: [1, 1],
  async run(ctx) {
    const body: JsonRecord = { lease_id: ctx.args[0] };
    if (ctx.flags.increment !== undefined) body['increment'] = ctx.flags.increment;
    return ctx.out.secret(await ctx.call('renewing lease', 'PUT', 'sys/leases/renew', body));
  },
});

const revoke = defineCommand({
  words: ['lease', 'revoke'],
  summary: 'Revoke leases and secrets',
  usage: `Usage: arca lease revoke [options] ID

  Revokes the lease ID and the secret it stands for.

  -prefix    Revoke every lease whose ID starts with ID
  -force     With -prefix: delete the leases even if the backend cannot revoke
             them (the secrets may stay valid)
  -sync      Accepted for Vault compatibility: arca always waits for the
             revocation (Vault's default queues it)`,
  flags: { prefix: { kind: 'bool' }, force: { kind: 'bool' }, sync: { kind: 'bool' } },
  args: [1, 1],
  async run(ctx) {
    const id = (ctx.args[0] ?? '').replace(/^\/+/, '');
    if (ctx.flags.force === true && ctx.flags.prefix !== true) throw new UsageError('Specifying -force requires also specifying -prefix');
    if (ctx.flags.force === true) {
      await ctx.call(`force revoking leases with prefix ${id}`, 'PUT', `sys/leases/revoke-force/${encodePath(id)}`);
      ctx.out.print(`Success! Force revoked any leases with prefix: ${id}`);
    } else if (ctx.flags.prefix === true) {
      await ctx.call(`revoking leases with prefix ${id}`, 'PUT', `sys/leases/revoke-prefix/${encodePath(id)}`);
      ctx.out.print(`Success! Revoked any leases with prefix: ${id}`);
    } else {
      await ctx.call(`revoking lease ${id}`, 'PUT', 'sys/leases/revoke', { lease_id: id });
      ctx.out.print(`Success! Revoked lease: ${id}`);
    }
    return 0;
  },
});

export const leaseCommands: readonly Command[] = [lookup, renew, revoke];
