// src/storage/sqlite — a child-process fixture for the crash-safety test, not library code.
// Usage: node sqlite-crash-writer.js <db-path>. Writes keys `crash/<n>` forever, alternating
// plain puts and transactions, and prints `<n>` on stdout only after the write's promise has
// resolved, i.e. once SqlitePhysical has acknowledged it as durable. The parent SIGKILLs
// this process and checks that every printed key is in the file.
import { SqlitePhysical } from './sqlite-physical.js';

async function main(path: string): Promise<void> {
  const storage = SqlitePhysical.open(path);
  const value = new Uint8Array(512).fill(0xab);
  for (let n = 0; ; n++) {
    const key = `crash/${String(n).padStart(8, '0')}`;
    if (n % 2 === 0) await storage.put(key, value);
    else await storage.transaction(async (tx) => tx.put(key, value));
    process.stdout.write(`${n}\n`);
  }
}

const path = process.argv[2];
if (path === undefined) {
  process.stderr.write('usage: sqlite-crash-writer <db-path>\n');
  process.exit(2);
}
main(path).catch((err: unknown) => {
  process.stderr.write(`crash writer failed: ${String(err)}\n`);
  process.exit(1);
});
