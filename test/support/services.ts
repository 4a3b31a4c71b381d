// Test support: gate tests that need a real local service (PostgreSQL, MariaDB, Redis...).
// On a developer machine a missing service skips the test with a printed reason; when
// CI=true the test runs anyway and fails, because CI must exercise every backend.
import { connect } from 'node:net';

export function portAnswers(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Returns `false` (run the test) when the service answers or CI=true; otherwise a skip
 * message suitable for node:test's `skip` option, also printed to stderr.
 */
export async function skipUnlessService(name: string, port: number): Promise<string | false> {
  if (process.env['CI'] === 'true') return false;
  if (await portAnswers(port)) return false;
  const reason = `${name} does not answer on 127.0.0.1:${port}; skipped (set CI=true to make this a failure)`;
  process.stderr.write(`SKIP: ${reason}\n`);
  return reason;
}

export const POSTGRES_URL = process.env['ARCA_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
