// CLI unit tests against a scripted server: the requests each command sends (paths, bodies,
// tokens) and what it prints, in Vault's wording, with Vault's exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { cliCommands } from '../../src/cli/cli-commands.js';
import { runCli } from '../../src/cli/run-cli.js';
import { captureIo } from './capture-io.js';
import { startStub } from './stub-server.js';
import type { StubAnswer, StubRoute } from './stub-server.js';

const KV2_MOUNT = { status: 200, body: { data: { path: 'secret/', type: 'kv', options: { version: '2' } } } };

async function withStub(
  routes: Record<string, StubRoute | StubAnswer>,
  fn: (run: (argv: string[], opts?: { stdin?: string; env?: Record<string, string> }) => Promise<{ code: number; out: string; err: string }>, stub: Awaited<ReturnType<typeof startStub>>, home: string) => Promise<void>,
): Promise<void> {
  const stub = await startStub(routes);
  const home = fs.mkdtempSync(os.tmpdir() + '/arca-');
  try {
    await fn(
      async (argv, opts = {}) => {
        const c = captureIo({ env: { HOME: home, ARCA_ADDR: stub.address, ARCA_TOKEN: 'tok', ...opts.env }, ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}), cwd: home });
        const code = await runCli(argv, c.io, cliCommands);
        return { code, out: c.stdout(), err: c.stderr() };
      },
      stub,
      home,
    );
  } finally {
    await stub.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

test('kv get on v2 inserts data/ and prints Metadata and Data sections', async () => {
  await withStub(
    {
      'GET /v1/sys/internal/ui/mounts/secret/app': KV2_MOUNT,
      'GET /v1/secret/data/app': {
        status: 200,
        body: { data: { data: { password: 'pw', user: 'u' }, metadata: { created_time: 't1', custom_metadata: null, deletion_time: '', destroyed: false, version: 2 } } },
      },
    },
    async (run, stub) => {
      const r = await run(['kv', 'get', 'secret/app']);
      assert.equal(r.code, 0, r.err);
      assert.equal(
        r.out,
        [
          '= Secret Path =',
          'secret/data/app',
          '',
          '======= Metadata =======',
          'Key                Value',
          '---                -----',
          'created_time       t1',
          'custom_metadata    <nil>',
          'deletion_time      n/a',
          'destroyed          false',
          'version            2',
          '',
          '====== Data ======',
          'Key         Value',
          '---         -----',
          'password    pw',
          'user        u',
          '',
        ].join('\n'),
      );
      assert.equal(stub.requests[1]?.token, 'tok');
      const field = await run(['kv', 'get', '-field=password', 'secret/app']);
      assert.equal(field.out, 'pw');
      const json = await run(['kv', 'get', '-format=json', 'secret/app']);
      assert.equal((JSON.parse(json.out) as { data: { data: { user: string } } }).data.data.user, 'u');
    },
  );
});

test('kv put on v2 sends {data, options.cas} and kv put on v1 sends the data', async () => {
  await withStub(
    {
      'GET /v1/sys/internal/ui/mounts/secret/app': KV2_MOUNT,
      'PUT /v1/secret/data/app': { status: 200, body: { data: { created_time: 't', custom_metadata: null, deletion_time: '', destroyed: false, version: 3 } } },
      'GET /v1/sys/internal/ui/mounts/kv/app': { status: 200, body: { data: { path: 'kv/', type: 'kv', options: null } } },
      'PUT /v1/kv/app': { status: 204 },
    },
    async (run, stub) => {
      let r = await run(['kv', 'put', '-cas=2', 'secret/app', 'a=1', 'b=-'], { stdin: 'from stdin\n' });
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(stub.requests[1]?.body, { data: { a: '1', b: 'from stdin' }, options: { cas: 2 } });
      assert.match(r.out, /version\s+3/);
      r = await run(['kv', 'put', '-field=version', 'secret/app', 'a=1']);
      assert.equal(r.out, '3');
      r = await run(['kv', 'put', 'kv/app', 'x=y']);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out, 'Success! Data written to: kv/app\n');
      assert.deepEqual(stub.requests.at(-1)?.body, { x: 'y' });
      r = await run(['kv', 'put', 'kv/app']);
      assert.equal(r.code, 1, 'a missing argument is a local error (Vault: exit 1)');
      assert.match(r.err, /Must supply data/);
    },
  );
});

test('kv patch uses PATCH with merge-patch; v1 mounts refuse patch', async () => {
  await withStub(
    {
      'GET /v1/sys/internal/ui/mounts/secret/app': KV2_MOUNT,
      'PATCH /v1/secret/data/app': { status: 200, body: { data: { version: 4 } } },
      'GET /v1/sys/internal/ui/mounts/old/app': { status: 404, body: { errors: [] } },
    },
    async (run, stub) => {
      let r = await run(['kv', 'patch', 'secret/app', 'a=2']);
      assert.equal(r.code, 0, r.err);
      assert.equal(stub.requests[1]?.contentType, 'application/merge-patch+json');
      r = await run(['kv', 'patch', 'old/app', 'a=2']);
      assert.equal(r.code, 2);
      assert.match(r.err, /must be version 2/);
    },
  );
});

// Vault's kv patch: -method=patch|rw, -remove-data, and with no -method a PATCH refused by
// the policy (403) or the server (405) is retried as read + check-and-set write.
test('kv patch -method=rw, -remove-data, and the fallback from a refused PATCH', async () => {
  const current = { status: 200, body: { data: { data: { a: '1', gone: 'x', keep: 'k' }, metadata: { version: 7 } } } };
  const written = { status: 200, body: { data: { version: 8 } } };
  await withStub(
    {
      'GET /v1/sys/internal/ui/mounts/secret/app': KV2_MOUNT,
      'GET /v1/secret/data/app': current,
      'PUT /v1/secret/data/app': written,
      'PATCH /v1/secret/data/app': { status: 403, body: { errors: ['1 error occurred:\n\t* permission denied\n\n'] } },
    },
    async (run, stub) => {
      let r = await run(['kv', 'patch', '-method=rw', '-remove-data=gone', 'secret/app', 'a=2']);
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(
        stub.requests.filter((q) => q.url === '/v1/secret/data/app').map((q) => [q.method, q.body]),
        [
          ['GET', undefined],
          ['PUT', { data: { a: '2', keep: 'k' }, options: { cas: 7 } }],
        ],
      );
      assert.match(r.out, /version\s+8/);
      stub.requests.length = 0;
      r = await run(['kv', 'patch', '-remove-data=gone', '-format=json', 'secret/app']);
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(
        stub.requests.filter((q) => q.url === '/v1/secret/data/app').map((q) => [q.method, q.body]),
        [
          ['PATCH', { data: { gone: null }, options: {} }],
          ['GET', undefined],
          ['PUT', { data: { a: '1', keep: 'k' }, options: { cas: 7 } }],
        ],
      );
      assert.match(r.err, /add the "patch" capability/);
      assert.equal((JSON.parse(r.out) as { data: { version: number } }).data.version, 8);
      stub.requests.length = 0;
      r = await run(['kv', 'patch', '-method=patch', 'secret/app', 'a=3']);
      assert.equal(r.code, 2);
      assert.match(r.err, /^Error writing data to secret\/data\/app: /);
      assert.equal(stub.requests.filter((q) => q.method === 'PUT').length, 0, '-method=patch never falls back');
      r = await run(['kv', 'patch', '-method=bogus', 'secret/app', 'a=3']);
      assert.equal(r.code, 2);
      assert.match(r.err, /Unsupported method provided to -method flag: bogus/);
      r = await run(['kv', 'patch', 'secret/app']);
      assert.equal(r.code, 1);
      assert.match(r.err, /Must supply data/);
    },
  );
});

test('kv list/delete/undelete/destroy/metadata use the v2 prefixes', async () => {
  await withStub(
    {
      'GET /v1/sys/internal/ui/mounts/secret/app': KV2_MOUNT,
      'GET /v1/sys/internal/ui/mounts/secret/missing': KV2_MOUNT,
      'GET /v1/secret/metadata/app?list=true': { status: 200, body: { data: { keys: ['a', 'b/'] } } },
      'PUT /v1/secret/delete/app': { status: 204 },
      'DELETE /v1/secret/data/app': { status: 204 },
      'PUT /v1/secret/undelete/app': { status: 204 },
      'PUT /v1/secret/destroy/app': { status: 204 },
      'PUT /v1/secret/metadata/app': { status: 204 },
      'GET /v1/secret/metadata/app': {
        status: 200,
        body: { data: { current_version: 1, max_versions: 0, versions: { '1': { created_time: 't', deletion_time: '', destroyed: false } } } },
      },
    },
    async (run, stub) => {
      let r = await run(['kv', 'list', 'secret/app']);
      assert.equal(r.out, 'Keys\n----\na\nb/\n');
      r = await run(['kv', 'list', 'secret/missing']);
      assert.equal(r.code, 2);
      assert.match(r.err, /No value found at secret\/metadata\/missing/);
      r = await run(['kv', 'delete', '-versions=1,2', 'secret/app']);
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(stub.requests.at(-1)?.body, { versions: [1, 2] });
      r = await run(['kv', 'delete', 'secret/app']);
      assert.equal(stub.requests.at(-1)?.method, 'DELETE');
      assert.equal(r.out, 'Success! Data deleted (if it existed) at: secret/data/app\n');
      r = await run(['kv', 'undelete', '-versions=1', 'secret/app']);
      assert.equal(r.out, 'Success! Data written to: secret/undelete/app\n');
      r = await run(['kv', 'destroy', 'secret/app']);
      assert.equal(r.code, 1, 'no -versions: a usage error');
      r = await run(['kv', 'metadata', 'put', '-max-versions=5', '-custom-metadata=owner=me', 'secret/app']);
      assert.equal(r.out, 'Success! Data written to: secret/metadata/app\n');
      assert.deepEqual(stub.requests.at(-1)?.body, { max_versions: 5, custom_metadata: { owner: 'me' } });
      r = await run(['kv', 'metadata', 'get', 'secret/app']);
      assert.match(r.out, /== Metadata Path ==\nsecret\/metadata\/app/);
      assert.match(r.out, /current_version\s+1/);
      assert.match(r.out, /=+ Version 1 =+/);
    },
  );
});

test('server errors print Vault style on stderr with exit 2, without the written values', async () => {
  await withStub(
    {
      'PUT /v1/secret/thing': { status: 403, body: { errors: ['permission denied'] } },
    },
    async (run) => {
      const r = await run(['write', 'secret/thing', 'password=hunter2']);
      assert.equal(r.code, 2);
      assert.equal(r.out, '');
      assert.equal(r.err, 'Error writing data to secret/thing: Error making API request.\n\nCode: 403. Errors:\n\n* permission denied\n');
      assert.doesNotMatch(r.err, /hunter2/);
    },
  );
});

test('unreachable server: Error <doing> with the transport cause, exit 2 (status: 1)', async () => {
  const home = fs.mkdtempSync(os.tmpdir() + '/arca-');
  try {
    const c = captureIo({ env: { HOME: home, ARCA_ADDR: 'http://127.0.0.1:1' } });
    assert.equal(await runCli(['read', 'sys/mounts'], c.io, cliCommands), 2);
    assert.match(c.stderr(), /^Error reading sys\/mounts: fetch failed/);
    const s = captureIo({ env: { HOME: home, ARCA_ADDR: 'http://127.0.0.1:1' } });
    assert.equal(await runCli(['status'], s.io, cliCommands), 1);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('status exit codes: 0 unsealed, 2 sealed', async () => {
  let sealed = false;
  await withStub(
    { 'GET /v1/sys/seal-status': () => ({ status: 200, body: { type: 'shamir', initialized: true, sealed, t: 3, n: 5, progress: 1, nonce: 'abc', version: '0.1.0' } }) },
    async (run) => {
      let r = await run(['status']);
      assert.equal(r.code, 0);
      assert.match(r.out, /^Key {13}Value\n--- {13}-----\nSeal Type {7}shamir\n/);
      assert.doesNotMatch(r.out, /Unseal Progress/);
      sealed = true;
      r = await run(['status']);
      assert.equal(r.code, 2);
      assert.match(r.out, /Unseal Progress {4}1\/3/);
    },
  );
});

test('operator unseal reads the key from stdin when not given, never echoing it', async () => {
  await withStub(
    { 'PUT /v1/sys/unseal': { status: 200, body: { type: 'shamir', initialized: true, sealed: false, t: 1, n: 1, progress: 0 } } },
    async (run, stub) => {
      const r = await run(['operator', 'unseal'], { stdin: 'c2VjcmV0LWtleQ==\n' });
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(stub.requests[0]?.body, { key: 'c2VjcmV0LWtleQ==' });
      assert.match(r.err, /Unseal Key \(will be hidden\): /);
      assert.doesNotMatch(r.out + r.err, /c2VjcmV0LWtleQ/);
    },
  );
});

test('login verifies the token with lookup-self, then stores it 0600', async () => {
  await withStub(
    {
      'GET /v1/auth/token/lookup-self': (req) =>
        req.token === 'good'
          ? { status: 200, body: { data: { id: 'good', accessor: 'acc1', ttl: 0, renewable: false, policies: ['root'] } } }
          : { status: 403, body: { errors: ['permission denied'] } },
    },
    async (run, _stub, home) => {
      let r = await run(['login', 'bad'], { env: { ARCA_TOKEN: '' } });
      assert.equal(r.code, 2);
      assert.equal(fs.existsSync(`${home}/.arca-token`), false);
      r = await run(['login'], { stdin: 'good\n', env: { ARCA_TOKEN: '' } });
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /Success! You are now authenticated/);
      assert.match(r.out, /token_accessor\s+acc1/);
      assert.match(r.out, /token_duration\s+∞/);
      assert.match(r.out, /policies\s+\["root"\]/);
      assert.equal(fs.readFileSync(`${home}/.arca-token`, 'utf8'), 'good');
      assert.equal(fs.statSync(`${home}/.arca-token`).mode & 0o777, 0o600);
      // Later commands pick the token up from the helper file.
      r = await run(['token', 'lookup'], { env: { ARCA_TOKEN: '' } });
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /accessor\s+acc1/);
    },
  );
});

test('token create sends Vault fields and prints the auth table; capabilities sorted', async () => {
  await withStub(
    {
      'PUT /v1/auth/token/create': {
        status: 200,
        body: { auth: { client_token: 's.new', accessor: 'a', lease_duration: 3600, renewable: true, token_policies: ['default', 'app'], policies: ['default', 'app'] } },
      },
      'PUT /v1/sys/capabilities-self': { status: 200, body: { data: { 'secret/data/x': ['update', 'read'] } } },
    },
    async (run, stub) => {
      let r = await run(['token', 'create', '-policy=app', '-ttl=1h', '-metadata=team=a']);
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(stub.requests[0]?.body, { renewable: true, policies: ['app'], ttl: '1h', meta: { team: 'a' } });
      assert.match(r.out, /token\s+s\.new\n/);
      assert.match(r.out, /token_duration\s+1h\n/);
      assert.match(r.out, /token_policies\s+\["default" "app"\]/);
      r = await run(['token', 'create', '-field=token']);
      assert.equal(r.out, 's.new');
      r = await run(['token', 'capabilities', 'secret/data/x']);
      assert.equal(r.out, 'read, update\n');
    },
  );
});

test('secrets enable/list and audit list print Vault tables and messages', async () => {
  await withStub(
    {
      'POST /v1/sys/mounts/kv2': { status: 204 },
      'GET /v1/sys/mounts': { status: 200, body: { data: { 'secret/': { type: 'kv', accessor: 'kv_1', description: 'key/value' }, 'cubbyhole/': { type: 'cubbyhole', accessor: 'c_1', description: '' } } } },
      'GET /v1/sys/audit': { status: 200, body: { data: {} } },
    },
    async (run, stub) => {
      let r = await run(['secrets', 'enable', '-path=kv2', '-version=2', 'kv']);
      assert.equal(r.out, 'Success! Enabled the kv secrets engine at: kv2/\n');
      assert.deepEqual(stub.requests[0]?.body, { type: 'kv', description: '', config: {}, options: { version: '2' } });
      r = await run(['secrets', 'list']);
      assert.equal(
        r.out,
        'Path          Type         Accessor    Description\n----          ----         --------    -----------\ncubbyhole/    cubbyhole    c_1         n/a\nsecret/       kv           kv_1        key/value\n',
      );
      r = await run(['audit', 'list']);
      assert.equal(r.code, 2);
      assert.equal(r.out, 'No audit devices are enabled.\n');
    },
  );
});

// Vault's CLI: 1 for local errors (flags, argument count, missing data), 2 for server errors.
test('usage errors exit 1 with the usage on stderr, as Vault does', async () => {
  await withStub({}, async (run, stub) => {
    let r = await run(['kv', 'get']);
    assert.equal(r.code, 1);
    assert.match(r.err, /Not enough arguments/);
    assert.match(r.err, /Usage: arca kv get/);
    r = await run(['kv', 'get', '-bogus', 'x']);
    assert.equal(r.code, 1);
    assert.match(r.err, /unknown flag: -bogus/);
    r = await run(['status', '-format=xml']);
    assert.equal(r.code, 1);
    assert.match(r.err, /Invalid output format/);
    r = await run(['kv', 'get', '-version=abc', 'secret/x']);
    assert.equal(r.code, 1);
    r = await run(['write', 'secret/x']);
    assert.equal(r.code, 1);
    assert.match(r.err, /Must supply data or use -force/);
    r = await run(['kv', 'undelete', 'secret/x']);
    assert.equal(r.code, 1);
    assert.match(r.err, /No versions provided/);
    r = await run(['lease', 'revoke', '-force', 'x/']);
    assert.equal(r.code, 1);
    assert.equal(stub.requests.length, 0, 'no usage error reaches the server');
  });
});

// Vault reads the default of -format from VAULT_FORMAT; ARCA_FORMAT comes first, the flag wins.
test('-format defaults to $ARCA_FORMAT, then $VAULT_FORMAT', async () => {
  await withStub({ 'GET /v1/sys/policies/acl/app': { status: 200, body: { data: { name: 'app', policy: 'path "x" {}' } } } }, async (run) => {
    const asJson = '{\n  "policy": "path \\"x\\" {}"\n}\n';
    assert.equal((await run(['policy', 'read', 'app'], { env: { VAULT_FORMAT: 'json' } })).out, asJson);
    assert.equal((await run(['policy', 'read', 'app'], { env: { ARCA_FORMAT: 'json', VAULT_FORMAT: 'yaml' } })).out, asJson);
    assert.equal((await run(['policy', 'read', '-format=table', 'app'], { env: { VAULT_FORMAT: 'json' } })).out, 'path "x" {}\n');
    const bad = await run(['policy', 'read', 'app'], { env: { VAULT_FORMAT: 'xml' } });
    assert.equal(bad.code, 1);
    assert.match(bad.err, /Invalid output format: "xml"/);
  });
});

test('a server error exits 2', async () => {
  await withStub({ 'GET /v1/sys/policies/acl/app': { status: 500, body: { errors: ['boom'] } } }, async (run) => {
    const r = await run(['policy', 'read', 'app']);
    assert.equal(r.code, 2);
    assert.match(r.err, /boom/);
  });
});
