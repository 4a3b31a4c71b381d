// Test support: a PostgreSQL schema of its own per test run (a unique name), dropped with
// everything in it afterwards, so tests on the shared server never see each other's tables.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { POSTGRES_URL } from './services.js';

export function uniqueSchema(): string {
  return `arca_t_${process.pid}_${randomBytes(6).toString('hex')}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}
