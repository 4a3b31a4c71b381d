// Runs the benchmarks after `npm run build`: the server bench (dist/bench/server-bench.js),
// then the scanner bench (dist/bench/scan-bench.js) if it was built. Each runs in its own
// Node process so one's heap and RSS do not skew the other's figures.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

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
  const url = pathToFileURL(file).href;
  const script = `import(${JSON.stringify(url)}).then((m) => m.${fn}()).catch((e) => { console.error(e); process.exit(1); });`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`run-bench: ${file} failed (exit ${r.status ?? r.signal})`);
    failed = true;
  }
  console.log('');
}
process.exit(failed ? 1 : 0);
