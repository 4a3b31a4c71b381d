// End-to-end: the Shamir seal lifecycle through the CLI on a fresh (not dev) server:
// init, unseal (argument and no-echo stdin), login, rekey, seal.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildConfig } from '../../src/config/server-config.js';
import { ok, startCliWorld } from './cli-world.js';
import type { CliWorld } from './cli-world.js';

describe('arca operator (shamir)', () => {
  let w: CliWorld;
  let rootToken = '';
  before(async () => {
    w = await startCliWorld({ config: (dir) => buildConfig({ storage: { type: 'inmem' }, seal: { type: 'shamir' } }, {}, dir) });
  });
  after(() => w.close());

  test('init, unseal, rekey, seal', async () => {
    assert.equal((await w.run(['operator', 'init', '-status'])).code, 2);
    const init = JSON.parse(ok(await w.run(['operator', 'init', '-key-shares=3', '-key-threshold=2', '-format=json']))) as {
      unseal_keys_b64: string[];
      root_token: string;
    };
    assert.equal(init.unseal_keys_b64.length, 3);
    rootToken = init.root_token;
    assert.equal((await w.run(['operator', 'init', '-status'])).code, 0);
    assert.equal((await w.run(['status'])).code, 2);
    const [k1 = '', k2 = '', k3 = ''] = init.unseal_keys_b64;
    assert.match(ok(await w.run(['operator', 'unseal', k1])), /Unseal Progress\s+1\/2/);
    const second = await w.run(['operator', 'unseal'], { stdin: `${k2}\n` });
    assert.match(ok(second), /Sealed\s+false/);
    assert.doesNotMatch(second.out + second.err, new RegExp(k2.replace(/[+/=]/g, '.')));
    assert.equal((await w.run(['status'])).code, 0);

    const env = { ARCA_TOKEN: init.root_token };
    assert.match(ok(await w.run(['operator', 'rekey', '-init', '-key-shares=2', '-key-threshold=1'], { env })), /Started\s+true\nRekey Progress\s+0\/2/);
    assert.match(ok(await w.run(['operator', 'rekey', '-status'], { env })), /New Shares\s+2/);
    assert.match(ok(await w.run(['operator', 'rekey', k1], { env })), /Rekey Progress\s+1\/2/);
    const done = ok(await w.run(['operator', 'rekey'], { env, stdin: `${k3}\n` }));
    const newKeys = [...done.matchAll(/^Key \d: (\S+)$/gm)].map((m) => m[1] ?? '');
    assert.equal(newKeys.length, 2);

    assert.equal(ok(await w.run(['operator', 'seal'], { env })), 'Success! Sealed the server.\n');
    assert.equal((await w.run(['status'])).code, 2);
    const wrong = await w.run(['operator', 'unseal', k1]);
    assert.equal(wrong.code, 2);
    assert.doesNotMatch(wrong.err, new RegExp(k1.replace(/[+/=]/g, '.')));
    assert.match(ok(await w.run(['operator', 'unseal', newKeys[0] ?? ''])), /Sealed\s+false/);
  });

  test('rekey -cancel and provide without an operation', async () => {
    const env = { ARCA_TOKEN: rootToken };
    assert.equal(ok(await w.run(['operator', 'rekey', '-cancel'], { env })), 'Success! Canceled rekeying (if it was started)\n');
    const none = await w.run(['operator', 'rekey', 'abc'], { env });
    assert.equal(none.code, 2);
    assert.match(none.err, /No rekey is in progress/);
    assert.equal((await w.run(['operator', 'rekey', '-init', '-cancel'], { env })).code, 2);
  });
});
