// src/storage — the conformance suite every physical backend passes (after OpenBao's
// sdk/physical/testing.go). Each backend's test file calls `runStorageConformance` with a
// factory that builds a fresh, empty world; the suite registers node:test tests for round
// trips, Vault-style listing, ordered scans, transactions, durability and a model-based
// property test against a plain Map.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Storage } from './storage.js';
import { compareKeys } from './inmem/key-order.js';

export interface ConformanceWorld {
  readonly storage: Storage;
  /**
   * Persistent backends only: closes the storage and opens the same data again. Later
   * `cleanup` closes whichever instance is current.
   */
  readonly reopen?: () => Promise<Storage>;
  /** Closes whatever is still open and removes the world (files, schema). */
  cleanup(): Promise<void>;
}

export type ConformanceFactory = () => Promise<ConformanceWorld>;

export interface ConformanceOptions {
  /** node:test skip reason (e.g. from skipUnlessService); false runs the suite. */
  readonly skip?: string | false;
  /** Runs of the property test (default 40). */
  readonly propertyRuns?: number;
}

const enc = new TextEncoder();
const bytes = (s: string): Uint8Array => enc.encode(s);

function assertBytes(actual: Uint8Array | undefined, expected: Uint8Array | undefined, msg?: string): void {
  if (expected === undefined) {
    assert.equal(actual, undefined, msg);
    return;
  }
  assert.ok(actual instanceof Uint8Array, msg ?? 'expected a Uint8Array');
  assert.equal(actual.byteLength, expected.byteLength, msg);
  assert.ok(Buffer.from(actual).equals(Buffer.from(expected)), msg ?? 'bytes differ');
}

async function withWorld(factory: ConformanceFactory, body: (w: ConformanceWorld) => Promise<void>): Promise<void> {
  const world = await factory();
  try {
    await body(world);
  } finally {
    await world.cleanup();
  }
}

/** The children a Vault-style list of `prefix` must return for the given key set. */
export function modelList(keys: Iterable<string>, prefix: string): string[] {
  const out = new Set<string>();
  for (const key of keys) {
    if (!key.startsWith(prefix) || key === prefix) continue;
    const rest = key.slice(prefix.length);
    const slash = rest.indexOf('/');
    out.add(slash === -1 ? rest : rest.slice(0, slash + 1));
  }
  return [...out].sort(compareKeys);
}

type Register = (title: string, body: (w: ConformanceWorld) => Promise<void>) => void;

export function runStorageConformance(name: string, factory: ConformanceFactory, options: ConformanceOptions = {}): void {
  const skip = options.skip ?? false;
  const t: Register = (title, body) => {
    test(`${name}: ${title}`, { skip }, () => withWorld(factory, body));
  };
  registerRoundTrips(t);
  registerListing(t);
  registerTransactions(t);
  registerDurabilityAndModel(t, options.propertyRuns ?? 40);
}

function registerRoundTrips(t: Register): void {
  t('get/put/delete round trips', async ({ storage }) => {
    assert.equal(await storage.get('missing'), undefined);
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    await storage.put('bin', all);
    assertBytes(await storage.get('bin'), all);
    all[0] = 42; // the stored copy must not follow the caller's buffer
    assert.equal((await storage.get('bin'))?.[0], 0);
    await storage.put('empty', new Uint8Array(0));
    assertBytes(await storage.get('empty'), new Uint8Array(0));
    const big = new Uint8Array(1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 7) & 0xff;
    await storage.put('big', big);
    assertBytes(await storage.get('big'), big);
    await storage.put('bin', bytes('v2'));
    assertBytes(await storage.get('bin'), bytes('v2'));
    await storage.delete('bin');
    assert.equal(await storage.get('bin'), undefined);
    await storage.delete('bin');
    await storage.delete('never-existed');
    const view = new Uint8Array(new Uint8Array([9, 1, 2, 3, 9]).buffer, 1, 3);
    await storage.put('view', view);
    assertBytes(await storage.get('view'), Uint8Array.from([1, 2, 3]));
  });
}

function registerListing(t: Register): void {
  t('list returns immediate children with folders marked by a trailing slash', async ({ storage }) => {
    for (const key of ['a', 'a/b', 'a/c/d', 'a/c/e', 'b/', 'c/x/y/z', 'foo', 'a.x', 'a0', 'ab/q']) {
      await storage.put(key, bytes(key));
    }
    assert.deepEqual(await storage.list(''), ['a', 'a.x', 'a/', 'a0', 'ab/', 'b/', 'c/', 'foo']);
    assert.deepEqual(await storage.list('a/'), ['b', 'c/']);
    assert.deepEqual(await storage.list('a/c/'), ['d', 'e']);
    assert.deepEqual(await storage.list('b/'), []);
    assert.deepEqual(await storage.list('c/'), ['x/']);
    assert.deepEqual(await storage.list('nope/'), []);
    assert.deepEqual(await storage.list('a'), ['.x', '/', '0', 'b/']);
    assert.deepEqual(await storage.list('f'), ['oo']);
  });

  t('list skips large subtrees and pages through many children', async ({ storage }) => {
    const expected: string[] = [];
    for (let i = 0; i < 300; i++) {
      const folder = `f${String(i).padStart(3, '0')}`;
      expected.push(`${folder}/`);
      await storage.put(`big/${folder}/x`, bytes('x'));
      await storage.put(`big/${folder}/y/z`, bytes('z'));
    }
    for (let i = 0; i < 200; i++) {
      const leaf = `l${String(i).padStart(3, '0')}`;
      expected.push(leaf);
      await storage.put(`big/${leaf}`, bytes('l'));
    }
    assert.deepEqual(await storage.list('big/'), expected);
  });

  t('keys order by UTF-8 bytes, not UTF-16 units', async ({ storage }) => {
    const keys = ['\u{10000}', '\uFFFF', 'z', '\u00e9', 'A', '\uE000', 'k/\u{1F600}', 'k/\uFFFD'];
    for (const key of keys) await storage.put(key, bytes(key));
    const sorted = ['A', 'k/\uFFFD', 'k/\u{1F600}', 'z', '\u00e9', '\uE000', '\uFFFF', '\u{10000}'];
    assert.deepEqual(await storage.scan(''), sorted);
    assert.deepEqual(await storage.list(''), ['A', 'k/', 'z', '\u00e9', '\uE000', '\uFFFF', '\u{10000}']);
    assert.deepEqual(await storage.list('k/'), ['\uFFFD', '\u{1F600}']);
    assert.deepEqual(await storage.scan('', { after: '\uFFFF' }), ['\u{10000}']);
    assertBytes(await storage.get('\u{10000}'), bytes('\u{10000}'));
  });

  t('scan is flat, ordered and honours after/limit', async ({ storage }) => {
    for (const key of ['p/a', 'p/b/c', 'p/b/d', 'p/c', 'pz', 'o', 'q/a']) await storage.put(key, bytes(key));
    assert.deepEqual(await storage.scan('p/'), ['p/a', 'p/b/c', 'p/b/d', 'p/c']);
    assert.deepEqual(await storage.scan('p'), ['p/a', 'p/b/c', 'p/b/d', 'p/c', 'pz']);
    assert.deepEqual(await storage.scan(''), ['o', 'p/a', 'p/b/c', 'p/b/d', 'p/c', 'pz', 'q/a']);
    assert.deepEqual(await storage.scan('p/', { limit: 2 }), ['p/a', 'p/b/c']);
    assert.deepEqual(await storage.scan('p/', { after: 'p/b/c' }), ['p/b/d', 'p/c']);
    assert.deepEqual(await storage.scan('p/', { after: 'p/b/c', limit: 1 }), ['p/b/d']);
    assert.deepEqual(await storage.scan('p/', { after: 'p/b' }), ['p/b/c', 'p/b/d', 'p/c']);
    assert.deepEqual(await storage.scan('p/', { after: 'a' }), ['p/a', 'p/b/c', 'p/b/d', 'p/c']);
    assert.deepEqual(await storage.scan('p/', { after: 'z' }), []);
    assert.deepEqual(await storage.scan('p/', { limit: 0 }), []);
    assert.deepEqual(await storage.scan('none/'), []);
  });
}

function registerTransactions(t: Register): void {
  t('transaction commits all writes atomically and sees its own writes', async ({ storage }) => {
    await storage.put('t/keep', bytes('1'));
    await storage.put('t/gone', bytes('1'));
    const result = await storage.transaction(async (tx) => {
      await tx.put('t/a', bytes('a'));
      await tx.put('t/sub/b', bytes('b'));
      await tx.delete('t/gone');
      assertBytes(await tx.get('t/a'), bytes('a'));
      assert.equal(await tx.get('t/gone'), undefined);
      assert.deepEqual(await tx.list('t/'), ['a', 'keep', 'sub/']);
      assert.deepEqual(await tx.scan('t/'), ['t/a', 't/keep', 't/sub/b']);
      assert.deepEqual(await tx.scan('t/', { after: 't/a', limit: 1 }), ['t/keep']);
      assert.equal(await storage.get('t/a'), undefined, 'uncommitted write visible outside');
      return 'done';
    });
    assert.equal(result, 'done');
    assert.deepEqual(await storage.scan('t/'), ['t/a', 't/keep', 't/sub/b']);
  });

  t('a transaction reads its own writes in any order, before and after range reads', async ({ storage }) => {
    await storage.put('o/old', bytes('0'));
    await storage.put('o/doomed', bytes('0'));
    await storage.transaction(async (tx) => {
      await tx.put('o/k', bytes('1'));
      await tx.delete('o/k');
      assert.equal(await tx.get('o/k'), undefined, 'deleted after its put');
      await tx.put('o/k', bytes('2'));
      assertBytes(await tx.get('o/k'), bytes('2'), 'put again after its delete');
      const mine = await tx.get('o/k');
      mine?.fill(0);
      assertBytes(await tx.get('o/k'), bytes('2'), 'a caller changing what it read does not change the write');
      await tx.put('o/old', bytes('1'));
      await tx.delete('o/doomed');
      await tx.put('o/new/a', bytes('a'));
      assert.deepEqual(await tx.scan('o/'), ['o/k', 'o/new/a', 'o/old']);
      // Writes after a range read are still seen, by point and by range reads.
      await tx.delete('o/new/a');
      await tx.put('o/z', bytes('z'));
      assert.equal(await tx.get('o/new/a'), undefined);
      assert.deepEqual(await tx.list('o/'), ['k', 'old', 'z']);
      assertBytes(await tx.get('o/old'), bytes('1'));
      assert.equal(await tx.get('o/doomed'), undefined);
    });
    assert.deepEqual(await storage.scan('o/'), ['o/k', 'o/old', 'o/z']);
    assertBytes(await storage.get('o/k'), bytes('2'));
    assertBytes(await storage.get('o/old'), bytes('1'));
  });

  t('transaction rolls back every write when fn throws', async ({ storage }) => {
    await storage.put('r/x', bytes('old'));
    await assert.rejects(
      storage.transaction(async (tx) => {
        await tx.put('r/x', bytes('new'));
        await tx.put('r/y', bytes('new'));
        await tx.delete('r/x');
        throw new Error('boom');
      }),
      /boom/,
    );
    assertBytes(await storage.get('r/x'), bytes('old'));
    assert.equal(await storage.get('r/y'), undefined);
    await storage.put('r/after', bytes('ok'));
    assertBytes(await storage.get('r/after'), bytes('ok'));
  });

  for (const conflicts of ['serializable', 'written-keys'] as const) {
    t(`concurrent transactional increments lose no update (conflicts: ${conflicts})`, async ({ storage }) => {
      await incrementConcurrently(storage, conflicts);
    });
  }

  t('written-keys: of concurrent creators of one absent key exactly one wins', async ({ storage }) => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        storage.transaction(
          async (tx) => {
            if ((await tx.get('claim')) !== undefined) return false;
            await tx.put('claim', bytes(`owner-${i}`));
            return true;
          },
          { conflicts: 'written-keys' },
        ),
      ),
    );
    assert.equal(results.filter((won) => won).length, 1, 'a creator that lost re-ran and saw the key');
    const owner = new TextDecoder().decode(await storage.get('claim'));
    assert.equal(owner, `owner-${results.indexOf(true)}`);
  });
}

/** Transactional read-increment-write from several callers at once, with plain writes beside. */
async function incrementConcurrently(storage: Storage, conflicts: 'serializable' | 'written-keys'): Promise<void> {
  await storage.put('counter', bytes('0'));
  const callers = 6;
  const each = 5;
  const worker = async (): Promise<void> => {
    for (let i = 0; i < each; i++) {
      await storage.transaction(
        async (tx) => {
          const current = Number(new TextDecoder().decode((await tx.get('counter')) ?? bytes('0')));
          await tx.put('counter', bytes(String(current + 1)));
        },
        { conflicts },
      );
    }
  };
  const plain = async (): Promise<void> => {
    for (let i = 0; i < each; i++) await storage.put(`plain/${i}`, bytes('p'));
  };
  await Promise.all([...Array.from({ length: callers }, worker), plain()]);
  assertBytes(await storage.get('counter'), bytes(String(callers * each)));
  assert.equal((await storage.scan('plain/')).length, each);
}

function registerDurabilityAndModel(t: Register, propertyRuns: number): void {
  t('acknowledged writes survive close and reopen', async (world) => {
    if (world.reopen === undefined) return; // not a persistent backend
    await world.storage.put('d/1', bytes('one'));
    await world.storage.transaction(async (tx) => tx.put('d/2', bytes('two')));
    await world.storage.delete('d/1');
    const again = await world.reopen();
    assert.equal(await again.get('d/1'), undefined);
    assertBytes(await again.get('d/2'), bytes('two'));
    assert.deepEqual(await again.list('d/'), ['2']);
  });

  t('behaves like a Map under random operations (property)', async ({ storage }) => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 25 }), async (ops) => {
        run += 1;
        await checkAgainstModel(storage, `run${run}/`, ops);
      }),
      { numRuns: propertyRuns },
    );
  });
}

// A small key pool makes writes, deletes and reads collide often, with folders, near-miss
// prefixes ('a', 'ab', 'a/') and characters either side of the UTF-16/UTF-8 order split.
const KEY_POOL = ['a', 'ab', 'a/b', 'a/c', 'a/b/c', 'b/', 'b/x', '\u00e9', '\uFFFF', '\u{10000}', '\u{10000}/x', 'a/\uFFFF'];
const PREFIX_POOL = ['', 'a', 'a/', 'a/b', 'a/b/', 'b', 'b/', '\uFFFF', '\u{10000}', 'zz/'];
const keyArb = fc.constantFrom(...KEY_POOL);
const prefixArb = fc.constantFrom(...PREFIX_POOL);
const valueArb = fc.uint8Array({ maxLength: 8 });

type Op =
  | { readonly op: 'put'; readonly key: string; readonly value: Uint8Array }
  | { readonly op: 'delete'; readonly key: string }
  | { readonly op: 'get'; readonly key: string }
  | { readonly op: 'list'; readonly key: string }
  | { readonly op: 'scan'; readonly key: string; readonly after: string | undefined; readonly limit: number | undefined }
  | { readonly op: 'tx'; readonly writes: readonly Op[]; readonly fail: boolean };

const writeArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('put' as const), key: keyArb, value: valueArb }),
  fc.record({ op: fc.constant('delete' as const), key: keyArb }),
);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: writeArb, weight: 4 },
  fc.record({ op: fc.constant('get' as const), key: keyArb }),
  fc.record({ op: fc.constant('list' as const), key: prefixArb }),
  fc.record({
    op: fc.constant('scan' as const),
    key: prefixArb,
    after: fc.option(keyArb, { nil: undefined }),
    limit: fc.option(fc.nat({ max: 5 }), { nil: undefined }),
  }),
  fc.record({ op: fc.constant('tx' as const), writes: fc.array(writeArb, { maxLength: 5 }), fail: fc.boolean() }),
);

async function checkAgainstModel(storage: Storage, root: string, ops: readonly Op[]): Promise<void> {
  const model = new Map<string, Uint8Array>();
  const sortedKeys = (): string[] => [...model.keys()].sort(compareKeys);
  for (const op of ops) {
    switch (op.op) {
      case 'put':
        await storage.put(root + op.key, op.value);
        model.set(root + op.key, op.value);
        break;
      case 'delete':
        await storage.delete(root + op.key);
        model.delete(root + op.key);
        break;
      case 'get':
        assertBytes(await storage.get(root + op.key), model.get(root + op.key), `get ${op.key}`);
        break;
      case 'list':
        assert.deepEqual(await storage.list(root + op.key), modelList(model.keys(), root + op.key));
        break;
      case 'scan': {
        const prefix = root + op.key;
        const after = op.after === undefined ? undefined : root + op.after;
        let expected = sortedKeys().filter((k) => k.startsWith(prefix));
        if (after !== undefined) expected = expected.filter((k) => compareKeys(k, after) > 0);
        if (op.limit !== undefined) expected = expected.slice(0, op.limit);
        const opts = { ...(after === undefined ? {} : { after }), ...(op.limit === undefined ? {} : { limit: op.limit }) };
        assert.deepEqual(await storage.scan(prefix, opts), expected);
        break;
      }
      case 'tx':
        await runModelTx(storage, root, op.writes, op.fail, model);
        break;
    }
  }
  assert.deepEqual(await storage.scan(root), sortedKeys());
}

async function runModelTx(
  storage: Storage,
  root: string,
  writes: readonly Op[],
  fail: boolean,
  model: Map<string, Uint8Array>,
): Promise<void> {
  const attempt = storage.transaction(async (tx) => {
    for (const w of writes) {
      if (w.op === 'put') await tx.put(root + w.key, w.value);
      else if (w.op === 'delete') await tx.delete(root + w.key);
    }
    if (fail) throw new Error('planned rollback');
  });
  if (fail) {
    await assert.rejects(attempt, /planned rollback/);
    return;
  }
  await attempt;
  for (const w of writes) {
    if (w.op === 'put') model.set(root + w.key, w.value);
    else if (w.op === 'delete') model.delete(root + w.key);
  }
}
