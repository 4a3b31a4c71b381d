import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseKeyValues } from './parse-key-values.js';
import { captureIo } from '../../test/cli/capture-io.js';

test('k=v, k=@file and k=- (stdin)', async () => {
  const dir = fs.mkdtempSync(os.tmpdir() + '/arca-');
  try {
    fs.writeFileSync(path.join(dir, 'pw.txt'), 's3cr=t\n');
    const c = captureIo({ cwd: dir, stdin: 'from-stdin\n' });
    const data = await parseKeyValues(['a=1', 'b=x=y', 'c=@pw.txt', 'd=-', 'e='], c.io);
    assert.deepEqual(data, { a: '1', b: 'x=y', c: 's3cr=t\n', d: 'from-stdin', e: '' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a lone - reads a JSON object from stdin', async () => {
  const c = captureIo({ stdin: '{"n": 3, "list": ["a"]}' });
  assert.deepEqual(await parseKeyValues(['-'], c.io), { n: 3, list: ['a'] });
  await assert.rejects(parseKeyValues(['-'], captureIo({ stdin: '[1]' }).io), /not a JSON object/);
});

test('errors never echo the value that failed', async () => {
  const c = captureIo();
  await assert.rejects(parseKeyValues(['hunter2'], c.io), (err: Error) => {
    assert.doesNotMatch(err.message, /hunter2/);
    assert.match(err.message, /argument 1/);
    return true;
  });
  await assert.rejects(parseKeyValues(['k=@/nonexistent/hunter2'], c.io), (err: Error) => {
    assert.doesNotMatch(err.message, /hunter2/);
    return true;
  });
});
