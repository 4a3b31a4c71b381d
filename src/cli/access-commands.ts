// src/cli — `arca access grant|list|revoke`: temporary access grants over the identity
// mount's access/grant endpoints. A grant names its target by id (-entity-id, -group-id)
// or by name (-entity, -group; resolved with one read of identity/<kind>/name/<name>).
import type { Command } from './command.js';
import { CliFailure } from './cli-failure.js';
import { defineCommand } from './define-command.js';
import type { CommandContext } from './define-command.js';
import { UsageError } from './flags.js';
import { asRecord, asString, asStringArray, dataOf } from './json-shape.js';
import type { JsonRecord } from './json-shape.js';

const GRANT_PATH = 'identity/access/grant';

const grantFlags = {
  'entity-id': { kind: 'string' },
  'group-id': { kind: 'string' },
  entity: { kind: 'string' },
  group: { kind: 'string' },
  policy: { kind: 'list' },
  ttl: { kind: 'string' },
  until: { kind: 'string' },
  reason: { kind: 'string' },
} as const;

function splitPolicies(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((p) => p.trim()).filter((p) => p !== '');
}

async function resolveTarget(ctx: CommandContext<typeof grantFlags>): Promise<{ entity_id: string } | { group_id: string }> {
  const f = ctx.flags;
  const given = [f['entity-id'], f['group-id'], f.entity, f.group].filter((v) => v !== undefined && v !== '');
  if (given.length !== 1) throw new UsageError('Exactly one of -entity-id, -group-id, -entity or -group is required');
  if (f['entity-id']) return { entity_id: f['entity-id'] };
  if (f['group-id']) return { group_id: f['group-id'] };
  const kind = f.entity ? 'entity' : 'group';
  const name = f.entity ?? f.group ?? '';
  const body = await ctx.callOrMissing(`looking up ${kind} ${name}`, 'GET', `identity/${kind}/name/${encodeURIComponent(name)}`);
  const id = asString(dataOf(body)['id']);
  if (id === undefined) throw new CliFailure(`No ${kind} named: ${name}`, 2);
  return kind === 'entity' ? { entity_id: id } : { group_id: id };
}

function grantRows(data: JsonRecord): [string, string][] {
  const target = asString(data['entity_id']) !== undefined ? `entity ${asString(data['entity_id'])}` : `group ${asString(data['group_id']) ?? ''}`;
  return [
    ['id', asString(data['id']) ?? ''],
    ['target', target],
    ['policies', `[${asStringArray(data['policies']).join(' ')}]`],
    ['until', asString(data['until']) ?? ''],
    ['active', String(data['active'] ?? '')],
    ['reason', asString(data['reason']) ?? ''],
    ['granted_by', asString(data['granted_by']) ?? ''],
  ];
}

const grant = defineCommand({
  words: ['access', 'grant'],
  summary: 'Grant policies to an entity or group for a limited time',
  usage: `Usage: arca access grant [options] -policy=NAME (-ttl=DURATION | -until=TIME) -reason=TEXT TARGET

  Gives an entity or a group extra policies until a time. TARGET is one of
  -entity-id=ID, -group-id=ID, -entity=NAME or -group=NAME. The grant stops on its
  own at the end time; every grant, first use and expiry is audited.

      $ arca access grant -entity=alice -policy=db-admin -ttl=2h -reason="INC-42"

Grant options:
  -policy=<name>      Policy to grant (repeatable or comma-separated)
  -ttl=<duration>     How long the grant lasts ("2h", "90m")
  -until=<time>       When the grant ends (RFC3339, e.g. 2026-01-01T18:00:00Z)
  -reason=<text>      Why access is granted (required)`,
  flags: grantFlags,
  args: [0, 0],
  async run(ctx) {
    const policies = splitPolicies(ctx.flags.policy ?? []);
    if (policies.length === 0) throw new UsageError('At least one -policy is required');
    if ((ctx.flags.ttl === undefined) === (ctx.flags.until === undefined)) throw new UsageError('Exactly one of -ttl or -until is required');
    if (!ctx.flags.reason || ctx.flags.reason.trim() === '') throw new UsageError('-reason is required');
    const target = await resolveTarget(ctx);
    const body = {
      ...target,
      policies,
      ...(ctx.flags.ttl !== undefined ? { ttl: ctx.flags.ttl } : { until: ctx.flags.until }),
      reason: ctx.flags.reason,
    };
    const answer = await ctx.call('granting access', 'POST', GRANT_PATH, body);
    const data = dataOf(answer);
    return ctx.out.keyValues(grantRows(data), answer, data);
  },
});

const list = defineCommand({
  words: ['access', 'list'],
  summary: 'List temporary access grants',
  usage: `Usage: arca access list [options]

  Lists every grant, expired ones included (Active false), oldest first.`,
  flags: {},
  args: [0, 0],
  async run(ctx) {
    const body = await ctx.callOrMissing('listing grants', 'LIST', GRANT_PATH);
    const data = dataOf(body);
    const keys = asStringArray(data['keys']);
    const info = asRecord(data['key_info']) ?? {};
    if (keys.length === 0 && !ctx.out.isStructured) {
      ctx.io.stderr.write('No grants found\n');
      return 2;
    }
    const rows = keys.map((id) => {
      const g = asRecord(info[id]) ?? {};
      const target = asString(g['entity_id']) !== undefined ? `entity ${asString(g['entity_id'])}` : `group ${asString(g['group_id']) ?? ''}`;
      return [id, target, asStringArray(g['policies']).join(','), asString(g['until']) ?? '', String(g['active'] ?? ''), asString(g['reason']) ?? ''];
    });
    return ctx.out.columns(['ID', 'Target', 'Policies', 'Until', 'Active', 'Reason'], rows, body ?? null);
  },
});

const revoke = defineCommand({
  words: ['access', 'revoke'],
  summary: 'Revoke a temporary access grant',
  usage: `Usage: arca access revoke [options] ID

  Ends the grant ID now. Tokens of its target lose the granted policies on their
  next request.`,
  flags: {},
  args: [1, 1],
  async run(ctx) {
    const id = ctx.args[0] ?? '';
    await ctx.call(`revoking grant ${id}`, 'DELETE', `${GRANT_PATH}/${encodeURIComponent(id)}`);
    ctx.out.print(`Success! Revoked grant: ${id}`);
    return 0;
  },
});

export const accessCommands: Command[] = [grant, list, revoke];
