// bench — the orchestrator's side of a server host process (server-host.ts): start it with
// a HostSpec, send it HostCommands, and get typed replies. `startedAt` is taken just before
// fork, so `ready.wallMs` includes Node's own start-up.
import type { ChildProcess } from 'node:child_process';
import { forkBenchChild, nextMessage } from './bench-child.js';
import type { HostCommand, HostReply, HostSpec } from './bench-protocol.js';

type Ready = Extract<HostReply, { type: 'ready' }>;

export class HostHandle {
  private constructor(
    private readonly child: ChildProcess,
    readonly ready: Ready,
    /** Milliseconds from just before fork to the host's `ready` (health answered 200). */
    readonly wallMs: number,
  ) {}

  static async start(spec: HostSpec): Promise<HostHandle> {
    const startedAt = performance.now();
    const child = forkBenchChild('server-host');
    const first = nextMessage<HostReply>(child);
    child.send(spec);
    const message = await first;
    if (message.type !== 'ready') {
      child.kill();
      throw new Error(`server host failed to start: ${message.type === 'error' ? message.message : message.type}`);
    }
    return new HostHandle(child, message, performance.now() - startedAt);
  }

  get address(): string {
    return this.ready.address;
  }

  get rootToken(): string {
    return this.ready.rootToken;
  }

  async send<T extends HostReply['type']>(command: HostCommand, expect: T): Promise<Extract<HostReply, { type: T }>> {
    const answer = nextMessage<HostReply>(this.child);
    this.child.send(command);
    const message = await answer;
    if (message.type !== expect) throw new Error(`server host: ${message.type === 'error' ? message.message : `unexpected ${message.type}`}`);
    return message as Extract<HostReply, { type: T }>;
  }

  async rss(): Promise<number> {
    return (await this.send({ cmd: 'rss' }, 'rss')).rss;
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null) resolve();
      else this.child.once('exit', () => resolve());
    });
    await this.send({ cmd: 'close' }, 'closed');
    await exited;
  }
}
