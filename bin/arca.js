#!/usr/bin/env node
// The `arca` executable: a thin shim over the compiled CLI (run `npm run build` first).
import { main } from '../dist/src/main/cli.js';

// A reader that stops early (`arca kv get ... | head -1`) closes the pipe. End quietly, as a
// Go CLI does when SIGPIPE ends it, instead of crashing on an unhandled 'error' event with a
// stack trace; nothing more can be written anyway. Other stream errors stay fatal, and so
// does any error of `arca server`, whose exit must not look like a clean stop.
if (process.argv[2] !== 'server') {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err) => {
      if (err.code !== 'EPIPE') throw err;
      process.exit(process.exitCode ?? 0);
    });
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`arca: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
