// The storage conformance suite run through the barrier: everything above it must see the
// same Storage semantics as on a bare backend (round trips, listing, scans, transactions,
// durability across a restart with the same root key).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runStorageConformance } from '../storage/conformance.js';
import { InmemPhysical } from '../storage/inmem/inmem-physical.js';
import { SqlitePhysical } from '../storage/sqlite/sqlite-physical.js';
import { SecurityBarrier } from './security-barrier.js';

runStorageConformance('security barrier over inmem', async () => {
  const physical = new InmemPhysical();
  const barrier = new SecurityBarrier(physical);
  const rootKey = randomBytes(32);
  await barrier.initialize(rootKey);
  await barrier.unseal(rootKey);
  return {
    storage: barrier,
    cleanup: async () => {
      barrier.seal();
      await physical.close();
    },
  };
});

runStorageConformance('security barrier over sqlite', async () => {
  const dir = fs.mkdtempSync(os.tmpdir() + '/arca-');
  const file = path.join(dir, 'arca.db');
  const rootKey = randomBytes(32);
  let physical = SqlitePhysical.open(file);
  let barrier = new SecurityBarrier(physical);
  await barrier.initialize(rootKey);
  await barrier.unseal(rootKey);
  return {
    storage: barrier,
    reopen: async () => {
      barrier.seal();
      await physical.close();
      physical = SqlitePhysical.open(file);
      barrier = new SecurityBarrier(physical);
      await barrier.unseal(rootKey);
      return barrier;
    },
    cleanup: async () => {
      barrier.seal();
      await physical.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
