// Test support: a TCP proxy to a real service that can stall — stop passing bytes either
// way while keeping every connection open — to stand in for a half-open link (a peer gone
// silent without a FIN or RST), which a client only notices by a timeout of its own.
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';

export interface StallingProxy {
  /** The proxy's own port on 127.0.0.1. */
  readonly port: number;
  /** Holds every byte, on open connections and new ones alike, until `resume`. */
  stall(): void;
  resume(): void;
  close(): Promise<void>;
}

export async function startStallingProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<StallingProxy> {
  const sockets = new Set<Socket>();
  let stalled = false;
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (stalled) socket.pause();
  };
  const server: Server = createServer((client) => {
    const upstream = connect({ port: targetPort, host: targetHost });
    track(client);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    stall: () => {
      stalled = true;
      for (const socket of sockets) socket.pause();
    },
    resume: () => {
      stalled = false;
      for (const socket of sockets) socket.resume();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
