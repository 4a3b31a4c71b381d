import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger, type Logger } from '../../lib/logger.js';
import { BackgroundTidy } from './background-tidy.js';
import type { LeaseTidyResult } from './lease-manager.js';

function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger: Logger = {
    ...silentLogger,
    info: (_obj, msg) => void lines.push(`info ${msg ?? ''}`),
    error: (obj, msg) => void lines.push(`error ${msg ?? ''} ${String(obj['err'])}`),
    child: () => logger,
  };
  return { logger, lines };
}

test('one tidy at a time: a start while one runs joins it; a start after it ends runs again', async () => {
  const { logger, lines } = recordingLogger();
  let calls = 0;
  let release: () => void = () => undefined;
  const tidy = (): Promise<LeaseTidyResult> => {
    calls++;
    return new Promise((resolve) => {
      release = () => resolve({ danglingIndexes: 2, orphanLeases: 1 });
    });
  };
  const runner = new BackgroundTidy(tidy, logger);
  const first = runner.start();
  const second = runner.start();
  assert.equal(second, first);
  assert.equal(calls, 1);
  release();
  await first;
  assert.deepEqual(lines, ['info lease tidy is already in progress', 'info lease tidy finished']);
  const third = runner.start();
  assert.notEqual(third, first);
  assert.equal(calls, 2);
  release();
  await third;
});

test('a failing tidy is logged and its promise resolves; the next start runs again', async () => {
  const { logger, lines } = recordingLogger();
  let fail = true;
  const runner = new BackgroundTidy(async () => {
    if (fail) throw new Error('storage unavailable');
    return { danglingIndexes: 0, orphanLeases: 0 };
  }, logger);
  await runner.start();
  assert.deepEqual(lines, ['error lease tidy failed Error: storage unavailable']);
  fail = false;
  await runner.start();
  assert.equal(lines[1], 'info lease tidy finished');
});
