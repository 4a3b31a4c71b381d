// src/cli — `arca status`: the seal status of the server. Exit codes as Vault's:
// 0 unsealed, 2 sealed, 1 when the status could not be read.
import { defineCommand } from './define-command.js';
import { asRecord } from './json-shape.js';
import { sealStatusRows } from './seal-status-rows.js';

export const statusCommand = defineCommand({
  words: ['status'],
  summary: 'Print seal and HA status',
  usage: `Usage: arca status [options]

  Prints the current state of the server: whether it is initialized, sealed, and
  the unseal progress. Exit code 0 means unsealed, 2 sealed, 1 an error.

      $ arca status`,
  flags: {},
  args: [0, 0],
  async run(ctx) {
    let body: unknown;
    try {
      body = await ctx.call('checking seal status', 'GET', 'sys/seal-status');
    } catch (err) {
      ctx.io.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
    const record = asRecord(body) ?? {};
    // Vault's status JSON is the seal status plus its HA fields; ha_enabled is always there.
    const shown = { ...record, ha_enabled: record['ha_enabled'] ?? false };
    ctx.out.keyValues(sealStatusRows(record), shown, shown);
    return record['sealed'] === true ? 2 : 0;
  },
});
