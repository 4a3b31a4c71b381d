// src/storage — the one place a storage configuration becomes a physical backend; src/main
// and tests call it instead of constructing backends themselves.
import type { Physical } from './storage.js';
import { InmemPhysical } from './inmem/inmem-physical.js';
import { SqlitePhysical } from './sqlite/sqlite-physical.js';
import { PostgresPhysical } from './postgres/postgres-physical.js';

export type PhysicalConfig =
  | { readonly type: 'inmem' }
  | { readonly type: 'sqlite'; readonly path: string }
  | { readonly type: 'postgres'; readonly connectionString: string; readonly table?: string };

export async function openPhysical(config: PhysicalConfig): Promise<Physical> {
  switch (config.type) {
    case 'inmem':
      return new InmemPhysical();
    case 'sqlite':
      return SqlitePhysical.open(config.path);
    case 'postgres':
      return PostgresPhysical.open({
        connectionString: config.connectionString,
        ...(config.table === undefined ? {} : { table: config.table }),
      });
  }
}
