// bench — runs one LoadSpec in a fresh load-worker process and returns its LoadResult.
import { forkBenchChild, nextMessage } from './bench-child.js';
import type { LoadResult, LoadSpec } from './bench-protocol.js';

export async function loadInChild(spec: LoadSpec): Promise<LoadResult> {
  const child = forkBenchChild('load-worker');
  const result = nextMessage<LoadResult>(child);
  child.send(spec);
  return result;
}
