import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { CliIo } from './command.js';
import { CliFailure } from './cli-failure.js';
import { completeMfaLogin } from './login-mfa.js';

function io(stdin: string): { io: CliIo; err: () => string } {
  let err = '';
  return {
    io: {
      stdout: { write: () => true }, stderr: { write: (c: string) => (err += c) }, stdin: Readable.from([Buffer.from(stdin)]),
      env: {}, cwd: process.cwd(),
    },
    err: () => err,
  };
}

const requirement = {
  auth: {
    client_token: '',
    mfa_requirement: {
      mfa_request_id: '5e1f0c3a-0000-4000-8000-000000000001',
      mfa_constraints: { humans: { any: [{ type: 'totp', id: 'm-1', name: 'phone', uses_passcode: true }] } },
    },
  },
};

test('prompts for the passcode and posts it to sys/mfa/validate; the result replaces the login', async () => {
  const calls: unknown[] = [];
  const { io: cio, err } = io('123456\n');
  const out = await completeMfaLogin(
    { io: cio, call: async (_doing, method, path, body) => { calls.push({ method, path, body }); return { auth: { client_token: 'hvs.real' } }; } },
    requirement,
  );
  assert.deepEqual(out, { auth: { client_token: 'hvs.real' } });
  assert.deepEqual(calls, [{
    method: 'PUT', path: 'sys/mfa/validate',
    body: { mfa_request_id: '5e1f0c3a-0000-4000-8000-000000000001', mfa_payload: { 'm-1': ['123456'] } },
  }]);
  assert.match(err(), /phone \(m-1\)/);
  assert.doesNotMatch(err(), /123456/);
});

test('a login without a requirement passes through; an empty passcode fails', async () => {
  const plain = { auth: { client_token: 'hvs.x', mfa_requirement: null } };
  const never = async (): Promise<unknown> => { throw new Error('no call expected'); };
  assert.equal(await completeMfaLogin({ io: io('').io, call: never }, plain), plain);
  await assert.rejects(completeMfaLogin({ io: io('\n').io, call: never }, requirement), (e: unknown) => e instanceof CliFailure);
});
