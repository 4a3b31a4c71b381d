// src/core/router — the table of backend plugins by mount type. Registration happens at
// start-up in src/main; a duplicate id or type fails there, never at request time.
import { ArcaError } from '../../lib/errors.js';
import type { BackendFactory } from '../../framework/backend.js';
import type { MountTableName } from './mount-entry.js';

export interface BackendPlugin {
  /** Namespaced id: "secrets.kv", "auth.userpass". */
  readonly id: string;
  /** The mount type users name ("kv", "userpass"). */
  readonly type: string;
  readonly table: MountTableName;
  readonly factory: BackendFactory;
  /** Mount-time option defaults (e.g. kv version). */
  readonly aliases?: readonly string[];
}

export class BackendRegistry {
  private readonly byType = new Map<string, BackendPlugin>();
  private readonly ids = new Set<string>();

  register(plugin: BackendPlugin): void {
    if (this.ids.has(plugin.id)) throw new Error(`duplicate backend plugin id ${plugin.id}`);
    for (const name of [plugin.type, ...(plugin.aliases ?? [])]) {
      const key = `${plugin.table}:${name}`;
      if (this.byType.has(key)) throw new Error(`duplicate backend type ${key}`);
      this.byType.set(key, plugin);
    }
    this.ids.add(plugin.id);
  }

  get(table: MountTableName, type: string): BackendPlugin {
    const plugin = this.byType.get(`${table}:${type}`);
    if (!plugin) {
      const what = table === 'auth' ? 'auth method' : 'secrets engine';
      throw new ArcaError('invalid_request', `unknown ${what} type: ${JSON.stringify(type)}`);
    }
    return plugin;
  }

  has(table: MountTableName, type: string): boolean {
    return this.byType.has(`${table}:${type}`);
  }
}
