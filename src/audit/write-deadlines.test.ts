import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { WriteDeadlines } from './write-deadlines.js';

test('a write that finishes in time is never cut off; one that does not is, once', async () => {
  const deadlines = new WriteDeadlines(15);
  const cut: string[] = [];
  const fast = deadlines.start(() => cut.push('fast'));
  const slow = deadlines.start(() => cut.push('slow'));
  assert.equal(fast.finish(), true);
  await sleep(40);
  assert.deepEqual(cut, ['slow']);
  assert.equal(slow.finish(), false, 'the deadline won');
  assert.equal(fast.finish(), false, 'finishing twice counts once');
});

test('writes started later get later deadlines, served by one timer in start order', async () => {
  const deadlines = new WriteDeadlines(20);
  const cut: number[] = [];
  const first = [0, 1, 2].map((i) => deadlines.start(() => cut.push(i)));
  await sleep(10);
  const later = [3, 4].map((i) => deadlines.start(() => cut.push(i)));
  first[1]?.finish();
  await sleep(15);
  assert.deepEqual(cut, [0, 2], 'the first writes are cut off at their deadline, the later ones are not yet due');
  later[0]?.finish();
  await sleep(20);
  assert.deepEqual(cut, [0, 2, 4]);
});

test('the deadline is measured from the start of each write', async () => {
  let now = 1000;
  const deadlines = new WriteDeadlines(50, () => now);
  const cut: string[] = [];
  deadlines.start(() => cut.push('a'));
  now += 40;
  deadlines.start(() => cut.push('b'));
  now += 20; // a is 60 ms old, b 20 ms
  await sleep(70);
  assert.deepEqual(cut, ['a']);
  now += 40;
  await sleep(70);
  assert.deepEqual(cut, ['a', 'b']);
});

test('thousands of finished writes are dropped without growing the queue without bound', async () => {
  const deadlines = new WriteDeadlines(5);
  let cut = 0;
  for (let round = 0; round < 3; round += 1) {
    for (let i = 0; i < 3000; i += 1) deadlines.start(() => (cut += 1)).finish();
    await sleep(15);
  }
  assert.equal(cut, 0);
  const queue = (deadlines as unknown as { queue: unknown[] }).queue;
  assert.equal(queue.length, 0);
});

test('once every write has finished no timer is left to hold the process open', () => {
  const deadlines = new WriteDeadlines(60_000);
  const a = deadlines.start(() => assert.fail('finished in time'));
  const b = deadlines.start(() => assert.fail('finished in time'));
  b.finish();
  const internals = deadlines as unknown as { timer: unknown; queue: unknown[] };
  assert.notEqual(internals.timer, undefined, 'a is still running');
  a.finish();
  assert.equal(internals.timer, undefined);
  assert.equal(internals.queue.length, 0);
});
