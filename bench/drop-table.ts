// bench — drops a bench run's PostgreSQL table (each run stores in a table of its own).
import pg from 'pg';

export async function dropTable(connectionString: string, table: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS ${pg.escapeIdentifier(table)}`);
  } finally {
    await client.end();
  }
}
