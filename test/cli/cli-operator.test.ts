// End-to-end: the Shamir seal lifecycle through the CLI on a fresh (not dev) server:
// init, unseal (argument and no-echo stdin), login, rekey, seal.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildConfig } from '../../src/config/server-config.js';
import { ok, startCliWorld } from './cli-world.js';
import type { CliWorld } from './cli-world.js';

describe('arca operator (shamir)', () => {
  let w: CliWorld;
  before(async () => {
    w = await startCliWorld({ config: (dir) => buildConfig({ storage: { type: 'inmem' }, seal: { type: 'shamir' } }, {}, dir) });
  });
  after(() => w.close());

  test('init, unseal, rekey (status, cancel), seal', async () => {
    assert.equal((await w.run(['operator', 'init', '-status'])).code, 2);
    const init = JSON.parse(ok(await w.run(['operator', 'init', '-key-shares=3', '-key-threshold=2', '-format=json']))) as {
      unseal_keys_b64: string[];
      root_token: string;
    };
    assert.equal(init.unseal_keys_b64.length, 3);
    assert.equal((await w.run(['operator', 'init', '-status'])).code, 0);
    assert.equal((await w.run(['status'])).code, 2);
    const [k1 = '', k2 = '', k3 = ''] = init.unseal_keys_b64;
    assert.match(ok(await w.run(['operator', 'unseal', k1])), /Unseal Progress\s+1\/2/);
    const second = await w.run(['operator', 'unseal'], { stdin: `${k2}\n` });
    assert.match(ok(second), /Sealed\s+false/);
    assert.doesNotMatch(second.out + second.err, new RegExp(k2.replace(/[+/=]/g, '.')));
    assert.equal((await w.run(['status'])).code, 0);
    const status = JSON.parse(ok(await w.run(['status', '-format=json']))) as Record<string, unknown>;
    assert.deepEqual([status['sealed'], status['ha_enabled']], [false, false]);

    const env = { ARCA_TOKEN: init.root_token };
    assert.match(ok(await w.run(['operator', 'rekey', '-init', '-key-shares=3', '-key-threshold=2'], { env })), /Started\s+true\nRekey Progress\s+0\/2/);
    assert.match(ok(await w.run(['operator', 'rekey', '-status'], { env })), /New Shares\s+3/);
    assert.match(ok(await w.run(['operator', 'rekey', k1], { env })), /Rekey Progress\s+1\/2/);
    const done = ok(await w.run(['operator', 'rekey'], { env, stdin: `${k3}\n` }));
    const newKeys = [...done.matchAll(/^Key \d: (\S+)$/gm)].map((m) => m[1] ?? '');
    assert.equal(newKeys.length, 3);

    assert.equal(ok(await w.run(['operator', 'seal'], { env })), 'Success! Sealed the server.\n');
    assert.equal((await w.run(['status'])).code, 2);
    // Old shares are well-formed, so the failure shows when the threshold is reached.
    ok(await w.run(['operator', 'unseal', k1]));
    const wrong = await w.run(['operator', 'unseal', k2]);
    assert.equal(wrong.code, 2);
    assert.match(wrong.err, /^Error unsealing: /);
    assert.doesNotMatch(wrong.err, new RegExp(k1.replace(/[+/=]/g, '.')));
    assert.match(ok(await w.run(['operator', 'unseal', newKeys[0] ?? ''])), /Sealed\s+true/);
    assert.match(ok(await w.run(['operator', 'unseal', newKeys[2] ?? ''])), /Sealed\s+false/);

    // Cancel, and providing a key with no operation in progress.
    assert.equal(ok(await w.run(['operator', 'rekey', '-cancel'], { env })), 'Success! Canceled rekeying (if it was started)\n');
    const none = await w.run(['operator', 'rekey', 'abc'], { env });
    assert.equal(none.code, 2);
    assert.match(none.err, /No rekey is in progress/);
    assert.equal((await w.run(['operator', 'rekey', '-init', '-cancel'], { env })).code, 2);
  });
});
