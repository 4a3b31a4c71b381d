// HTTP end-to-end: token roles (auth/token/roles/:role_name) and creating tokens through
// them (auth/token/create/:role_name) — happy, error and security cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArcaClient } from '../../src/client/arca-client.js';
import { FakeClock } from '../../src/lib/clock.js';
import { ok, startCliWorld } from '../cli/cli-world.js';
import { startTestServer } from './start-test-server.js';
import type { TestServer } from './start-test-server.js';

interface Auth { client_token: string; accessor: string; policies: string[]; lease_duration: number; renewable: boolean; orphan: boolean }

const authOf = (body: unknown): Auth => (body as { auth: Auth }).auth;
const dataOf = (body: unknown): Record<string, unknown> => (body as { data: Record<string, unknown> }).data;
const errorsOf = (body: unknown): string[] => (body as { errors: string[] }).errors;

/** A non-root token whose policy may only create tokens through the role `ci` and look itself up. */
async function creator(t: TestServer): Promise<ArcaClient> {
  await t.client.write('sys/policies/acl/creator', {
    policy: 'path "auth/token/create/ci" {\n  capabilities = ["update"]\n}\npath "auth/token/create" {\n  capabilities = ["update"]\n}\n',
  });
  const auth = authOf((await t.client.write('auth/token/create', { policies: ['creator'], ttl: '2h' })).body);
  return new ArcaClient({ address: t.server.address, token: auth.client_token });
}

test('role CRUD: write merges, read shows Vault\'s fields, LIST and delete', async () => {
  const t = await startTestServer();
  try {
    assert.equal((await t.client.raw('LIST', 'auth/token/roles')).status, 404);
    await t.client.write('auth/token/roles/ci', {
      allowed_policies: ['App', 'db'], disallowed_policies_glob: ['prod-*'], orphan: true, path_suffix: 'v1',
      token_period: '1h', token_explicit_max_ttl: '24h', token_bound_cidrs: ['127.0.0.1/32'],
    });
    const read = dataOf((await t.client.read('auth/token/roles/ci')).body);
    assert.deepEqual(read['allowed_policies'], ['app', 'db']);
    assert.deepEqual(read['disallowed_policies_glob'], ['prod-*']);
    assert.deepEqual(read['disallowed_policies'], []);
    assert.equal(read['name'], 'ci');
    assert.equal(read['orphan'], true);
    assert.equal(read['renewable'], true);
    assert.equal(read['path_suffix'], 'v1');
    assert.equal(read['token_period'], 3600);
    assert.equal(read['period'], 3600);
    assert.equal(read['token_explicit_max_ttl'], 86400);
    assert.deepEqual(read['token_bound_cidrs'], ['127.0.0.1/32']);
    assert.equal(read['token_no_default_policy'], false);
    assert.equal(read['token_type'], 'default-service');

    // An update sends only what changes.
    await t.client.write('auth/token/roles/ci', { renewable: false });
    const updated = dataOf((await t.client.read('auth/token/roles/ci')).body);
    assert.equal(updated['renewable'], false);
    assert.deepEqual(updated['allowed_policies'], ['app', 'db']);

    await t.client.write('auth/token/roles/other', {});
    assert.deepEqual(dataOf((await t.client.request('LIST', 'auth/token/roles')).body)['keys'], ['ci', 'other']);
    await t.client.delete('auth/token/roles/other');
    assert.equal((await t.client.raw('GET', 'auth/token/roles/other')).status, 404);
    assert.deepEqual(dataOf((await t.client.request('LIST', 'auth/token/roles/')).body)['keys'], ['ci']);
  } finally {
    await t.close();
  }
});

test('role writes: batch tokens, bad CIDRs, bad suffixes and bad names are 400 and store nothing', async () => {
  const t = await startTestServer();
  try {
    const batch = await t.client.raw('PUT', 'auth/token/roles/b', { token_type: 'batch' });
    assert.equal(batch.status, 400);
    assert.match(errorsOf(batch.body)[0] ?? '', /token_type "batch" is not supported/);
    assert.equal((await t.client.raw('PUT', 'auth/token/roles/b', { token_bound_cidrs: ['10.0.0.300/8'] })).status, 400);
    assert.equal((await t.client.raw('PUT', 'auth/token/roles/b', { path_suffix: '../../escape' })).status, 400);
    assert.equal((await t.client.raw('PUT', 'auth/token/roles/b', { token_period: 'forever' })).status, 400);
    assert.equal((await t.client.raw('GET', 'auth/token/roles/b')).status, 404);
    assert.equal((await t.client.raw('PUT', `auth/token/roles/${'x'.repeat(200)}`, {})).status, 400);
    assert.equal((await t.client.raw('PUT', 'auth/token/roles/-bad-', {})).status, 404);
    const unknown = await t.client.raw('PUT', 'auth/token/create/nope', {});
    assert.equal(unknown.status, 400);
    assert.match(errorsOf(unknown.body)[0] ?? '', /unknown role "nope"/);
  } finally {
    await t.close();
  }
});

test('create with a role: allowed policies replace the parent subset, period/orphan/path apply, lookup shows the role', async () => {
  const t = await startTestServer();
  try {
    await t.client.write('auth/token/roles/ci', {
      allowed_policies: ['app', 'db'], disallowed_policies: ['db'], orphan: true, path_suffix: 'v1', token_period: '1h',
    });
    const maker = await creator(t);
    // The caller holds neither app nor sudo: the role grants it.
    const res = await maker.write('auth/token/create/ci', { policies: ['app'], no_parent: false });
    const auth = authOf(res.body);
    assert.deepEqual(auth.policies, ['app', 'default']);
    assert.equal(auth.orphan, true);
    assert.equal(auth.lease_duration, 3600);
    assert.equal(auth.renewable, true);
    const look = dataOf((await t.client.write('auth/token/lookup', { token: auth.client_token })).body);
    assert.equal(look['role'], 'ci');
    assert.equal(look['path'], 'auth/token/create/ci/v1');
    assert.equal(look['period'], 3600);
    assert.equal(look['orphan'], true);
    // Orphan per role: revoking the creator leaves the token alive.
    await maker.write('auth/token/revoke-self', {});
    assert.equal((await t.client.raw('PUT', 'auth/token/lookup', { token: auth.client_token })).status, 200);

    // Renewal goes back to the period while the role exists; deleting the role stops it.
    const child = new ArcaClient({ address: t.server.address, token: auth.client_token });
    assert.equal(authOf((await child.write('auth/token/renew-self', {})).body).lease_duration, 3600);
    await t.client.delete('auth/token/roles/ci');
    const refused = await child.raw('PUT', 'auth/token/renew-self', {});
    assert.equal(refused.status, 400);
    assert.match(errorsOf(refused.body)[0] ?? '', /original token role "ci" could not be found/);
    assert.equal((await t.client.raw('PUT', 'auth/token/renew', { token: auth.client_token })).status, 400);

    // A token made without a role shows no role.
    const plain = authOf((await t.client.write('auth/token/create', { policies: ['x'] })).body);
    assert.equal(dataOf((await t.client.write('auth/token/lookup', { token: plain.client_token })).body)['role'], undefined);
  } finally {
    await t.close();
  }
});

test('a token bound to CIDRs passes them to the children it creates without a role (Vault), not to a role\'s tokens', async () => {
  const t = await startTestServer();
  try {
    await t.client.write('sys/policies/acl/creator', {
      policy: 'path "auth/token/create" {\n  capabilities = ["update"]\n}\npath "auth/token/create/*" {\n  capabilities = ["update"]\n}\n',
    });
    await t.client.write('auth/token/roles/bound', { token_bound_cidrs: ['127.0.0.1/32', '::1/128', '::ffff:127.0.0.1/128'] });
    await t.client.write('auth/token/roles/open', {});
    const parent = authOf((await t.client.write('auth/token/create/bound', { policies: ['creator'] })).body);
    const maker = new ArcaClient({ address: t.server.address, token: parent.client_token });

    const child = authOf((await maker.write('auth/token/create', {})).body);
    const look = dataOf((await t.client.write('auth/token/lookup', { token: child.client_token })).body);
    assert.deepEqual(look['bound_cidrs'], ['127.0.0.1/32', '::1/128', '::ffff:127.0.0.1/128']);
    // Through a role without CIDRs the role decides: none.
    const viaRole = authOf((await maker.write('auth/token/create/open', {})).body);
    assert.equal(dataOf((await t.client.write('auth/token/lookup', { token: viaRole.client_token })).body)['bound_cidrs'], undefined);
  } finally {
    await t.close();
  }
});

test('create with a role: disallowed or unlisted policies are 400; defaults come from the role', async () => {
  const t = await startTestServer();
  try {
    await t.client.write('auth/token/roles/ci', { allowed_policies: ['app', 'db'], disallowed_policies: ['db'], token_explicit_max_ttl: '30m' });
    const maker = await creator(t);
    const disallowed = await maker.raw('PUT', 'auth/token/create/ci', { policies: ['db'] });
    assert.equal(disallowed.status, 400);
    assert.deepEqual(errorsOf(disallowed.body), ['token policy "db" is disallowed by this role']);
    const outside = await maker.raw('PUT', 'auth/token/create/ci', { policies: ['admin'] });
    assert.equal(outside.status, 400);
    assert.match(errorsOf(outside.body)[0] ?? '', /must be subset of the role's allowed policies/);
    // None requested: the role's allowed_policies, here including a disallowed one.
    assert.equal((await maker.raw('PUT', 'auth/token/create/ci', {})).status, 400);
    await t.client.write('auth/token/roles/ci', { disallowed_policies: [] });
    const byDefault = authOf((await maker.write('auth/token/create/ci', {})).body);
    assert.deepEqual(byDefault.policies, ['app', 'db', 'default']);
    assert.equal(byDefault.orphan, false);
    assert.equal(byDefault.lease_duration, 1800);
    const look = dataOf((await t.client.write('auth/token/lookup', { token: byDefault.client_token })).body);
    assert.equal(look['explicit_max_ttl'], 1800);
    assert.equal(look['path'], 'auth/token/create/ci');
    // Not an orphan: revoking the creator revokes it.
    await maker.write('auth/token/revoke-self', {});
    assert.equal((await t.client.raw('PUT', 'auth/token/lookup', { token: byDefault.client_token })).status, 403);

    const batch = await t.client.raw('PUT', 'auth/token/create/ci', { type: 'batch' });
    assert.equal(batch.status, 400);
  } finally {
    await t.close();
  }
});

test('security: role management and other roles need their own ACL paths; role policies cannot reach root', async () => {
  const t = await startTestServer();
  try {
    await t.client.write('auth/token/roles/ci', { allowed_policies: ['app'] });
    await t.client.write('auth/token/roles/admin', { allowed_policies: ['root'] });
    const maker = await creator(t);
    assert.equal((await maker.raw('PUT', 'auth/token/roles/ci', { allowed_policies: ['admin'] })).status, 403);
    assert.equal((await maker.raw('GET', 'auth/token/roles/ci')).status, 403);
    assert.equal((await maker.raw('LIST', 'auth/token/roles')).status, 403);
    assert.equal((await maker.raw('PUT', 'auth/token/create/admin', {})).status, 403);
    // Even a caller allowed on the role cannot mint root from a non-root parent.
    await t.client.write('sys/policies/acl/creator', { policy: 'path "auth/token/create/*" {\n  capabilities = ["update"]\n}\n' });
    const root = await maker.raw('PUT', 'auth/token/create/admin', {});
    assert.equal(root.status, 400);
    assert.match(errorsOf(root.body)[0] ?? '', /root tokens may not be created/);
    // A role cannot be used to smuggle the response-wrapping policy.
    assert.equal((await maker.raw('PUT', 'auth/token/create/ci', { policies: ['response-wrapping'] })).status, 400);
  } finally {
    await t.close();
  }
});

test('cli: arca token create -role=NAME creates through the role', async () => {
  const w = await startCliWorld();
  try {
    const root = new ArcaClient({ address: w.address, token: w.rootToken });
    await root.write('auth/token/roles/ci', { allowed_policies: ['app'], orphan: true, path_suffix: 'v1' });
    const token = ok(await w.run(['token', 'create', '-role=ci', '-field=token'])).trim();
    const look = dataOf((await root.write('auth/token/lookup', { token })).body);
    assert.equal(look['role'], 'ci');
    assert.equal(look['path'], 'auth/token/create/ci/v1');
    assert.deepEqual(look['policies'], ['app', 'default']);
    const refused = await w.run(['token', 'create', '-role=ci', '-policy=admin']);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /must be subset of the role's allowed policies/);
  } finally {
    await w.close();
  }
});

test("renewal follows the role as it is now: its token_period and token_explicit_max_ttl", async () => {
  const clock = new FakeClock(Date.now());
  const t = await startTestServer({ dev: true, clock });
  const minute = 60_000;
  try {
    await t.client.write('auth/token/roles/svc', { allowed_policies: ['app'] });
    const auth = authOf((await t.client.write('auth/token/create/svc', { ttl: '1h' })).body);
    const token = new ArcaClient({ address: t.server.address, token: auth.client_token });
    const renew = async (body: Record<string, unknown> = {}): Promise<{ ttl: number; warnings: string[] }> => {
      const res = await token.raw('PUT', 'auth/token/renew-self', body);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return { ttl: authOf(res.body).lease_duration, warnings: (res.body as { warnings?: string[] }).warnings ?? [] };
    };
    assert.equal((await renew({ increment: '2h' })).ttl, 7200);
    // The role gains a period: the token, created without one, renews as periodic with it.
    await t.client.write('auth/token/roles/svc', { token_period: '10m' });
    assert.equal((await renew({ increment: '2h' })).ttl, 600);
    await t.client.write('auth/token/roles/svc', { token_period: '20m' });
    assert.equal((await renew()).ttl, 1200);
    // The role's current explicit max TTL caps it, counted from the token's creation.
    await t.client.write('auth/token/roles/svc', { token_explicit_max_ttl: '30m' });
    clock.advance(15 * minute);
    const capped = await renew();
    assert.equal(capped.ttl, 900);
    assert.match(capped.warnings[0] ?? '', /capped/);
    clock.advance(14 * minute);
    assert.equal((await renew()).ttl, 60);
    // Lifting the role's cap and period: the token renews by increment again.
    await t.client.write('auth/token/roles/svc', { token_explicit_max_ttl: 0, token_period: 0 });
    assert.equal((await renew({ increment: '3h' })).ttl, 10800);
    // Through auth/token/renew too (the caller is the root token, the role is the token's).
    await t.client.write('auth/token/roles/svc', { token_period: '15m' });
    const byRoot = await t.client.raw('PUT', 'auth/token/renew', { token: auth.client_token, increment: '3h' });
    assert.equal(authOf(byRoot.body).lease_duration, 900);

    // A token's own explicit max TTL stays: a looser role does not lift it.
    const ownRes = await t.client.raw('PUT', 'auth/token/create/svc', { explicit_max_ttl: '30m' });
    assert.equal(ownRes.status, 200, JSON.stringify(ownRes.body));
    const own = authOf(ownRes.body);
    await t.client.write('auth/token/roles/svc', { token_explicit_max_ttl: '2h', token_period: 0 });
    clock.advance(10 * minute);
    const ownRenew = await t.client.raw('PUT', 'auth/token/renew', { token: own.client_token, increment: '1h' });
    assert.equal(ownRenew.status, 200, JSON.stringify(ownRenew.body));
    assert.equal(authOf(ownRenew.body).lease_duration, 1200);
  } finally {
    await t.close();
  }
});
