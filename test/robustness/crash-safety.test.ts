// test/robustness — crash safety of acknowledged writes: a server in a child process (SQLite,
// key-file seal) takes a stream of KV v2 writes and is SIGKILLed mid-stream, several times
// over on the same data directory. Every write it answered 2xx must read back with its value
// after the next start (which auto-unseals from the key file); a write in flight at the kill
// is either absent or whole. Nothing is mocked: a real process, a real SQLite file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';

interface Child {
  readonly process: ChildProcess;
  readonly address: string;
  readonly rootToken: string;
  /** What the child wrote on stderr, for failure messages. */
  stderr(): string;
}

/** Under tsx the test runs from .ts and the child needs the tsx loader; compiled, it is plain .js. */
function childCommand(dataDir: string): string[] {
  const fromSource = import.meta.url.endsWith('.ts');
  const script = fileURLToPath(new URL(fromSource ? './crash-child.ts' : './crash-child.js', import.meta.url));
  return fromSource ? ['--import', 'tsx', script, dataDir] : [script, dataDir];
}

function startChild(dataDir: string, live: Set<ChildProcess>): Promise<Child> {
  const proc = spawn(process.execPath, childCommand(dataDir), { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  let errText = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    errText = (errText + chunk.toString('utf8')).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child did not report its address in 60 s; stderr: ${errText}`)), 60_000);
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`child exited before serving (code ${code}, signal ${signal}); stderr: ${errText}`));
    });
    const lines = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
    lines.once('line', (line) => {
      clearTimeout(timer);
      const info = JSON.parse(line) as { address: string; rootToken: string };
      resolve({ process: proc, address: info.address, rootToken: info.rootToken, stderr: () => errText });
    });
  });
}

function killHard(child: Child): Promise<void> {
  return new Promise((resolve) => {
    if (child.process.exitCode !== null || child.process.signalCode !== null) return resolve();
    child.process.once('exit', () => resolve());
    child.process.kill('SIGKILL');
  });
}

async function putSecret(child: Child, key: string, value: string): Promise<number> {
  const res = await fetch(`${child.address}/v1/secret/data/${key}`, {
    method: 'PUT',
    headers: { 'X-Vault-Token': child.rootToken, 'Content-Type': 'application/json' },
    body: JSON.stringify({ data: { value } }),
  });
  await res.arrayBuffer();
  return res.status;
}

async function readSecret(child: Child, key: string): Promise<{ status: number; value: unknown; version: unknown }> {
  const res = await fetch(`${child.address}/v1/secret/data/${key}`, { headers: { 'X-Vault-Token': child.rootToken } });
  if (res.status !== 200) {
    await res.arrayBuffer();
    return { status: res.status, value: undefined, version: undefined };
  }
  const body = (await res.json()) as { data: { data: { value?: unknown }; metadata: { version?: unknown } } };
  return { status: 200, value: body.data.data.value, version: body.data.metadata.version };
}

/** What the test knows about the writes it sent: answered 2xx, or in flight at the kill. */
interface Ledger {
  readonly acked: Map<string, string>;
  readonly unsure: Map<string, string>;
  /** The one key overwritten in order: its last acknowledged value and the one after it. */
  counterAcked: string | undefined;
  counterInFlight: string | undefined;
}

/**
 * Several writers send unique keys while one writer overwrites a single key in order; the
 * child is SIGKILLed once `killAfter` writes of this round were acknowledged, with writes
 * still in flight.
 */
async function streamUntilKilled(child: Child, ledger: Ledger, round: number, killAfter: number): Promise<void> {
  let ackedThisRound = 0;
  let killed: Promise<void> | undefined;
  let next = 0;
  const maybeKill = (): void => {
    if (ackedThisRound >= killAfter && !killed) killed = killHard(child);
  };
  const uniqueWriter = async (): Promise<void> => {
    while (!killed) {
      const key = `r${round}/k${next++}`;
      const value = randomBytes(16).toString('hex');
      ledger.unsure.set(key, value);
      const status = await putSecret(child, key, value).catch(() => 0);
      if (status >= 200 && status < 300) {
        ledger.unsure.delete(key);
        ledger.acked.set(key, value);
        ackedThisRound++;
        maybeKill();
      } else if (status !== 0) {
        throw new Error(`write ${key} answered ${status}; stderr: ${child.stderr()}`);
      }
    }
  };
  const counterWriter = async (): Promise<void> => {
    for (let n = 0; !killed; n++) {
      const value = `round${round}-n${n}-${randomBytes(4).toString('hex')}`;
      ledger.counterInFlight = value;
      const status = await putSecret(child, 'counter', value).catch(() => 0);
      if (status >= 200 && status < 300) {
        ledger.counterAcked = value;
        ledger.counterInFlight = undefined;
        ackedThisRound++;
        maybeKill();
      }
    }
  };
  await Promise.all([uniqueWriter(), uniqueWriter(), uniqueWriter(), uniqueWriter(), counterWriter()]);
  await killed;
}

async function verify(child: Child, ledger: Ledger): Promise<void> {
  for (const [key, value] of ledger.acked) {
    const got = await readSecret(child, key);
    assert.equal(got.status, 200, `acknowledged write ${key} is missing after the crash`);
    assert.equal(got.value, value, `acknowledged write ${key} has the wrong value after the crash`);
    assert.equal(got.version, 1, `${key} was written once`);
  }
  for (const [key, value] of ledger.unsure) {
    const got = await readSecret(child, key);
    assert.ok(got.status === 404 || (got.status === 200 && got.value === value), `in-flight write ${key} is torn: ${got.status}`);
  }
  if (ledger.counterAcked !== undefined) {
    const got = await readSecret(child, 'counter');
    const allowed = [ledger.counterAcked, ledger.counterInFlight];
    assert.ok(allowed.includes(got.value as string), `the overwritten key went back past its last acknowledged write (got ${String(got.value)})`);
  }
}

test('acknowledged KV writes survive SIGKILL and restart (three crash rounds)', { timeout: 300_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'arca-'));
  const live = new Set<ChildProcess>();
  const ledger: Ledger = { acked: new Map(), unsure: new Map(), counterAcked: undefined, counterInFlight: undefined };
  try {
    for (let round = 0; round < 3; round++) {
      const child = await startChild(dir, live);
      await verify(child, ledger);
      ledger.unsure.clear();
      await streamUntilKilled(child, ledger, round, 60 + 40 * round);
    }
    const last = await startChild(dir, live);
    await verify(last, ledger);
    assert.ok(ledger.acked.size >= 180, `enough writes were acknowledged to mean something (${ledger.acked.size})`);
    await killHard(last);
  } finally {
    for (const proc of live) proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
