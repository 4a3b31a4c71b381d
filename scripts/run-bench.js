// Runs the benchmarks after `npm run build`: the server bench (dist/bench/server-bench.js),
// then the scanner bench (dist/bench/scan-bench.js) if it was built. Each runs in its own
// Node process so one's heap and RSS do not skew the other's figures.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Child mode: `run-bench.js --run <file> <export>` imports one bench and calls it. A file
// argument (not `node -e`) keeps execArgv clean for the processes and workers benches fork.
if (process.argv[2] === '--run') {
  const [file, fn] = process.argv.slice(3);
  const mod = await import(pathToFileURL(file).href);
  await mod[fn]();
  process.exit(0);
}

const benches = [
  ['dist/bench/server-bench.js', 'runServerBench'],
  ['dist/bench/scan-bench.js', 'runScanBench'],
];

let failed = false;
for (const [file, fn] of benches) {
  if (!existsSync(file)) {
    if (fn === 'runServerBench') {
      console.error(`run-bench: ${file} not found (did the build run?)`);
      failed = true;
    }
    continue;
  }
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--run', file, fn], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`run-bench: ${file} failed (exit ${r.status ?? r.signal})`);
    failed = true;
  }
  console.log('');
}
process.exit(failed ? 1 : 0);
