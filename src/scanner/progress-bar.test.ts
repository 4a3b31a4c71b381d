import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../lib/clock.js';
import { ProgressBar } from './progress-bar.js';

test('draws only on a TTY, at most every 100 ms, and clears itself', () => {
  const clock = new FakeClock();
  let out = '';
  const bar = new ProgressBar({ write: (s: string) => (out += s), isTTY: true }, clock);
  bar.update({ files: 5, bytes: 1048576, total: 10 });
  assert.match(out, /\[#{15}\.{15}\] 5\/10 files, 1\.0 MB/);
  const before = out;
  bar.update({ files: 6, bytes: 0, total: 10 });
  assert.equal(out, before, 'throttled');
  clock.advance(150);
  bar.update({ files: 0, bytes: 0, commits: 12 });
  assert.match(out, /12 commits/);
  bar.done();
  assert.ok(out.endsWith('\r\x1b[2K'));

  let quiet = '';
  const off = new ProgressBar({ write: (s: string) => (quiet += s) }, clock);
  off.update({ files: 1, bytes: 1, total: 2 });
  off.done();
  assert.equal(quiet, '');
});
