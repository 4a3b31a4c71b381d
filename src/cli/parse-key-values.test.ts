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

// Vault's kvbuilder: @file and - as whole JSON objects among other pairs, \@ escapes, lists.
test('@file merges a JSON object; - merges stdin; \\@ is a literal @; a repeated key is a list', async () => {
  const dir = fs.mkdtempSync(os.tmpdir() + '/arca-');
  try {
    fs.writeFileSync(path.join(dir, 'data.json'), '{"user": "u", "n": 2}');
    const c = captureIo({ cwd: dir, stdin: '{"from": "stdin"}' });
    const data = await parseKeyValues(['@data.json', 'at=\\@home', '-', 'tag=a', 'tag=b', 'tag=c', ''], c.io);
    assert.deepEqual(data, { user: 'u', n: 2, at: '@home', from: 'stdin', tag: ['a', 'b', 'c'] });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('stdin is read once; a file that is not a JSON object is refused', async () => {
  await assert.rejects(parseKeyValues(['-', 'k=-'], captureIo({ stdin: '{}' }).io), /only once/);
  const dir = fs.mkdtempSync(os.tmpdir() + '/arca-');
  try {
    fs.writeFileSync(path.join(dir, 'list.json'), '["hunter2"]');
    await assert.rejects(parseKeyValues(['@list.json'], captureIo({ cwd: dir }).io), (err: Error) => {
      assert.match(err.message, /not a JSON object/);
      assert.doesNotMatch(err.message, /hunter2/);
      return true;
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
