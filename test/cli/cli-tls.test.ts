// test/cli — the CLI's TLS client settings against a real TLS listener whose certificate is
// issued, in the test, by a CA Node does not trust: -ca-cert/-ca-path and their ARCA_/VAULT_
// variables (flags over ARCA_ over VAULT_), -tls-skip-verify, -tls-server-name against a
// certificate for another name, unusable files (named, key never shown), and
// `arca login -method=cert` with -client-cert/-client-key through the cert auth method.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueCert } from '../../src/auth/cert/cert-testing.js';
import type { TestCert } from '../../src/auth/cert/cert-testing.js';
import { cliCommands } from '../../src/cli/cli-commands.js';
import { runCli } from '../../src/cli/run-cli.js';
import { buildConfig } from '../../src/config/server-config.js';
import { startServer } from '../../src/main/start-server.js';
import { captureIo } from './capture-io.js';
import type { CliResult } from './cli-world.js';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

interface TlsWorld {
  readonly dir: string;
  readonly address: string;
  /** The CA that issued the listener's certificate. */
  readonly caFile: string;
  /** Another CA, which vouches for nothing here. */
  readonly otherCaFile: string;
  run(argv: string[], env?: Record<string, string | undefined>): Promise<CliResult>;
  close(): Promise<void>;
}

function writePem(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/** A dev server whose TLS listener has a certificate from a fresh CA, for `names` (DNS) and optionally 127.0.0.1. */
async function tlsWorld(o: { dns?: string[]; withIp?: boolean } = {}): Promise<TlsWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'arca-cli-tls-'));
  const ca = await issueCert({ subject: 'CN=Arca Test Listener CA', ca: true });
  const other = await issueCert({ subject: 'CN=Unrelated CA', ca: true });
  const leaf = await issueCert({
    subject: 'CN=arca listener',
    issuer: ca,
    dns: o.dns ?? ['localhost'],
    ...(o.withIp !== false ? { ips: ['127.0.0.1'] } : {}),
    eku: [SERVER_AUTH],
  });
  // Dev mode (in-memory, unsealed, root token) with the listener of a configuration file.
  const config = buildConfig(
    {
      storage: { type: 'inmem' },
      seal: { type: 'shamir' },
      listener: { tls_cert_file: writePem(dir, 'listener.pem', leaf.pem), tls_key_file: writePem(dir, 'listener-key.pem', leaf.keyPem) },
    },
    {},
    dir,
  );
  const server = await startServer({ dev: true, devRootTokenId: 'root-tls', config, listenAddress: '127.0.0.1:0', logLevel: 'silent', cwd: dir });
  assert.match(server.address, /^https:\/\//);
  const home = join(dir, 'home');
  mkdirSync(home);
  const baseEnv = { HOME: home, ARCA_ADDR: server.address, ARCA_TOKEN: server.rootToken };
  return {
    dir,
    address: server.address,
    caFile: writePem(dir, 'ca.pem', ca.pem),
    otherCaFile: writePem(dir, 'other-ca.pem', other.pem),
    async run(argv, env = {}) {
      const c = captureIo({ env: { ...baseEnv, ...env }, cwd: home });
      const code = await runCli(argv, c.io, cliCommands);
      return { code, out: c.stdout(), err: c.stderr() };
    },
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A plain API command (exit 2 on any server or transport failure, as Vault's CLI). */
function probe(w: TlsWorld, flags: string[] = [], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return w.run(['read', ...flags, 'auth/token/lookup-self'], env);
}

function assertOk(r: CliResult): void {
  assert.equal(r.code, 0, `stdout: ${r.out}\nstderr: ${r.err}`);
  assert.equal(r.err, '');
}

/** A transport failure on verification: Vault's exit 2 for a request that never got an answer. */
function assertUntrusted(r: CliResult): void {
  assert.equal(r.code, 2, `stdout: ${r.out}\nstderr: ${r.err}`);
  assert.match(r.err, /^Error reading auth\/token\/lookup-self: fetch failed: .*(certificate|self.signed)/i);
}

test('cli tls: an untrusted listener fails with a certificate error; -ca-cert, VAULT_CACERT and ARCA_CACERT make it work', async () => {
  const w = await tlsWorld();
  try {
    assertUntrusted(await probe(w, []));
    assertOk(await probe(w, [`-ca-cert=${w.caFile}`]));
    assertOk(await probe(w, [], { VAULT_CACERT: w.caFile }));
    assertOk(await probe(w, [], { ARCA_CACERT: w.caFile }));
    // Precedence: ARCA_ over VAULT_, flags over both; each checked both ways.
    assertOk(await probe(w, [], { ARCA_CACERT: w.caFile, VAULT_CACERT: w.otherCaFile }));
    assertUntrusted(await probe(w, [], { ARCA_CACERT: w.otherCaFile, VAULT_CACERT: w.caFile }));
    assertOk(await probe(w, ['-ca-cert', w.caFile], { ARCA_CACERT: w.otherCaFile }));
    assertUntrusted(await probe(w, [`-ca-cert=${w.otherCaFile}`], { ARCA_CACERT: w.caFile }));
    // A custom CA replaces the system roots, as in Vault: the wrong one alone fails.
    assertUntrusted(await probe(w, [`-ca-cert=${w.otherCaFile}`]));

    // -ca-path: a directory of PEM files; -ca-cert wins over it.
    const caDir = join(w.dir, 'cas');
    mkdirSync(join(caDir, 'nested'), { recursive: true });
    writeFileSync(join(caDir, 'other.pem'), readFileSync(w.otherCaFile));
    writeFileSync(join(caDir, 'nested', 'ca.pem'), readFileSync(w.caFile));
    assertOk(await probe(w, [`-ca-path=${caDir}`]));
    assertOk(await probe(w, [], { VAULT_CAPATH: caDir }));
    assertUntrusted(await probe(w, [`-ca-path=${caDir}`, `-ca-cert=${w.otherCaFile}`]));
    // A -ca-path flag replaces the CA settings of the environment as a whole (Vault's ConfigureTLS).
    assertOk(await probe(w, [`-ca-path=${caDir}`], { ARCA_CACERT: w.otherCaFile }));

    // Other commands take the flags too, and the token works over the verified connection.
    const read = await w.run(['read', '-format=json', `-ca-cert=${w.caFile}`, 'auth/token/lookup-self']);
    assertOk(read);
    assert.equal((JSON.parse(read.out) as { data: { id: string } }).data.id, 'root-tls');
  } finally {
    await w.close();
  }
});

test('cli tls: -tls-skip-verify and ARCA_/VAULT_SKIP_VERIFY disable verification only when asked', async () => {
  const w = await tlsWorld();
  try {
    const skipped = await probe(w, ['-tls-skip-verify']);
    assertOk(skipped);
    assert.match(skipped.out, /root-tls/);
    // `status` takes the flags too; its failure exit is 1 (Vault's status codes).
    const status = await w.run(['status']);
    assert.equal(status.code, 1);
    assert.match(status.err, /^Error checking seal status: fetch failed: .*certificate/);
    const statusSkipped = await w.run(['status', '-tls-skip-verify']);
    assertOk(statusSkipped);
    assert.match(statusSkipped.out, /Sealed\s+false/);
    assertOk(await probe(w, [], { VAULT_SKIP_VERIFY: 'true' }));
    assertOk(await probe(w, [], { ARCA_SKIP_VERIFY: '1' }));
    assertUntrusted(await probe(w, [], { VAULT_SKIP_VERIFY: 'false' }));
    assertUntrusted(await probe(w, [], { ARCA_SKIP_VERIFY: 'false', VAULT_SKIP_VERIFY: 'true' }));
    assertUntrusted(await probe(w, ['-tls-skip-verify=false'], { VAULT_SKIP_VERIFY: 'true' }));
    const bad = await probe(w, [], { VAULT_SKIP_VERIFY: 'maybe' });
    assert.equal(bad.code, 2);
    assert.match(bad.err, /could not parse VAULT_SKIP_VERIFY/);
  } finally {
    await w.close();
  }
});

test('cli tls: -tls-server-name verifies a listener whose certificate names another host', async () => {
  const w = await tlsWorld({ dns: ['arca.internal'], withIp: false });
  try {
    const mismatch = await probe(w, [`-ca-cert=${w.caFile}`]);
    assert.equal(mismatch.code, 2);
    assert.match(mismatch.err, /Hostname\/IP does not match certificate's altnames/);
    assertOk(await probe(w, [`-ca-cert=${w.caFile}`, '-tls-server-name=arca.internal']));
    assertOk(await probe(w, [`-ca-cert=${w.caFile}`], { VAULT_TLS_SERVER_NAME: 'arca.internal' }));
    assertOk(await probe(w, [`-ca-cert=${w.caFile}`], { ARCA_TLS_SERVER_NAME: 'arca.internal', VAULT_TLS_SERVER_NAME: 'wrong.example' }));
    const wrong = await probe(w, [`-ca-cert=${w.caFile}`, '-tls-server-name=wrong.example']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.err, /does not match certificate's altnames/);
  } finally {
    await w.close();
  }
});

test('cli tls: missing or unusable files are named, exit 2, and no key material is printed', async () => {
  const w = await tlsWorld();
  try {
    const client = await issueCert({ subject: 'CN=c', issuer: await issueCert({ subject: 'CN=x', ca: true }) });
    const stranger = await issueCert({ subject: 'CN=s' });
    const certFile = writePem(w.dir, 'client.pem', client.pem);
    const keyFile = writePem(w.dir, 'client-key.pem', client.keyPem);
    const strangerKey = writePem(w.dir, 'stranger-key.pem', stranger.keyPem);
    const missing = join(w.dir, 'nope', 'ca.pem');

    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [[`-ca-cert=${missing}`], {}, new RegExp(`CA file "${missing}": no such file or directory`)],
      [[], { VAULT_CACERT: missing }, /CA file ".*nope\/ca.pem": no such file/],
      [[`-ca-cert=${keyFile}`], {}, /CA file ".*client-key.pem": no PEM certificate found/],
      [[`-ca-path=${missing}`], {}, /CA path ".*nope\/ca.pem": no such file/],
      [[`-client-cert=${certFile}`], {}, /both client cert and client key must be provided/],
      [[`-client-cert=${certFile}`, `-client-key=${join(w.dir, 'gone.pem')}`], {}, /client key ".*gone.pem": no such file/],
      [[`-client-cert=${keyFile}`, `-client-key=${keyFile}`], {}, /client certificate ".*client-key.pem": no PEM certificate found/],
      [[`-client-cert=${certFile}`, `-client-key=${certFile}`], {}, /client key ".*client.pem": not a PEM private key/],
      [[`-client-cert=${certFile}`, `-client-key=${strangerKey}`], {}, /does not match the key in ".*stranger-key.pem"/],
    ];
    for (const [flags, env, expected] of cases) {
      const r = await probe(w, flags, env);
      assert.equal(r.code, 2, `${flags.join(' ')}: ${r.err}`);
      assert.match(r.err, /^Error setting up TLS: /);
      assert.match(r.err, expected);
      for (const secret of [client.keyPem, stranger.keyPem]) {
        const body = secret.split('\n')[1] ?? '';
        assert.ok(body.length > 20 && !r.err.includes(body), 'key material printed');
      }
      assert.doesNotMatch(r.err, /PRIVATE KEY/);
    }
  } finally {
    await w.close();
  }
});

test('cli tls: arca login -method=cert logs in with -client-cert/-client-key and stores the token', async () => {
  const w = await tlsWorld();
  try {
    const clientCa = await issueCert({ subject: 'CN=Client CA', ca: true });
    await enableCertRole(w, clientCa);
    const leaf = await issueCert({ subject: 'CN=api.clients.example', issuer: clientCa });
    const certFile = writePem(w.dir, 'api.pem', leaf.pem);
    const keyFile = writePem(w.dir, 'api-key.pem', leaf.keyPem);
    const tokenFile = join(w.dir, 'home', '.arca-token');
    const noEnvToken = { ARCA_TOKEN: undefined };

    // Without a client certificate the method refuses (server error: exit 2).
    const none = await w.run(['login', '-method=cert', `-ca-cert=${w.caFile}`], noEnvToken);
    assert.equal(none.code, 2);
    assert.match(none.err, /client certificate must be supplied/);
    assert.equal(existsSync(tokenFile), false);

    const login = await w.run(['login', '-method=cert', `-ca-cert=${w.caFile}`, `-client-cert=${certFile}`, `-client-key=${keyFile}`, '-format=json', 'name=web'], noEnvToken);
    assertOk(login);
    const auth = (JSON.parse(login.out) as { auth: { client_token: string; metadata: Record<string, string> } }).auth;
    assert.equal(auth.metadata['cert_name'], 'web');
    assert.equal(auth.metadata['common_name'], 'api.clients.example');
    assert.equal(readFileSync(tokenFile, 'utf8').trim(), auth.client_token);

    // The stored token is what later commands use.
    const self = await w.run(['token', 'lookup', '-format=json', `-ca-cert=${w.caFile}`], noEnvToken);
    assertOk(self);
    assert.equal((JSON.parse(self.out) as { data: { display_name: string } }).data.display_name, 'cert-web');

    // The same through ARCA_CLIENT_CERT/ARCA_CLIENT_KEY (over wrong VAULT_ ones) and the default mount path.
    rmSync(tokenFile);
    const viaEnv = await w.run(['login', '-method=cert', '-token-only'], {
      ...noEnvToken,
      ARCA_CACERT: w.caFile,
      ARCA_CLIENT_CERT: certFile,
      ARCA_CLIENT_KEY: keyFile,
      VAULT_CLIENT_CERT: join(w.dir, 'absent.pem'),
      VAULT_CLIENT_KEY: join(w.dir, 'absent-key.pem'),
    });
    assertOk(viaEnv);
    assert.equal(readFileSync(tokenFile, 'utf8').trim(), viaEnv.out.trim());

    // A certificate from another CA is refused by the method.
    const stranger = await issueCert({ subject: 'CN=api.clients.example', issuer: await issueCert({ subject: 'CN=Other', ca: true }) });
    const refused = await w.run(
      ['login', '-method=cert', `-ca-cert=${w.caFile}`, `-client-cert=${writePem(w.dir, 's.pem', stranger.pem)}`, `-client-key=${writePem(w.dir, 's-key.pem', stranger.keyPem)}`],
      noEnvToken,
    );
    assert.equal(refused.code, 2);
    assert.match(refused.err, /invalid certificate or no client certificate supplied/);
  } finally {
    await w.close();
  }
});

async function enableCertRole(w: TlsWorld, clientCa: TestCert): Promise<void> {
  const ca = `-ca-cert=${w.caFile}`;
  assertOk(await w.run(['auth', 'enable', ca, 'cert']));
  const role = writePem(w.dir, 'client-ca.pem', clientCa.pem);
  const wrote = await w.run(['write', ca, 'auth/cert/certs/web', `certificate=@${role}`, 'display_name=web', 'allowed_common_names=*.clients.example']);
  assert.equal(wrote.code, 0, wrote.err);
}
