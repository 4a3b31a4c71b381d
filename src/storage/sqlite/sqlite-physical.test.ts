// src/storage/sqlite — SqlitePhysical runs the shared conformance suite on a temp file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqlitePhysical } from './sqlite-physical.js';
import { runStorageConformance } from '../conformance.js';
import type { Physical } from '../storage.js';

runStorageConformance('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'arca-'));
  const path = join(dir, 'data', 'arca.db');
  let current: Physical = SqlitePhysical.open(path);
  return {
    storage: current,
    reopen: async () => {
      await current.close();
      current = SqlitePhysical.open(path);
      return current;
    },
    cleanup: async () => {
      await current.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
