// bench — forks a sibling bench module as its own Node process with an IPC channel. Works
// for the compiled bench (dist/bench/*.js) and under tsx (bench/*.ts, whose --import is
// inherited through execArgv).
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function forkBenchChild(name: string): ChildProcess {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const file = fileURLToPath(new URL(`./${name}${ext}`, import.meta.url));
  // ARCA_BENCH_PROFILE=DIR writes a V8 CPU profile of the server host (every thread) into DIR
  // when it exits; Node refuses --cpu-prof in NODE_OPTIONS, so it is passed here.
  // ARCA_BENCH_SERVER_FLAGS adds Node/V8 flags to the server host only (experiments).
  const profileDir = process.env['ARCA_BENCH_PROFILE'];
  const serverFlags = process.env['ARCA_BENCH_SERVER_FLAGS']?.split(' ').filter((flag) => flag !== '') ?? [];
  const execArgv =
    name === 'server-host'
      ? [...process.execArgv, ...serverFlags, ...(profileDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])]
      : process.execArgv;
  return fork(file, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
}

/** The next IPC message from `child`, or a rejection if it exits first. */
export function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => {
      child.off('message', onMessage);
      reject(new Error(`bench child exited (code ${String(code)}) before replying`));
    };
    const onMessage = (message: unknown): void => {
      child.off('exit', onExit);
      resolve(message as T);
    };
    child.once('message', onMessage);
    child.once('exit', onExit);
  });
}
