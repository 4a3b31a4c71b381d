#!/usr/bin/env node
// The `arca` executable: a thin shim over the compiled CLI (run `npm run build` first).
import { main } from '../dist/src/main/cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`arca: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
