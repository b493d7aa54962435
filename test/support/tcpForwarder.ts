// A loopback TCP forwarder in front of a test server, whose connections a test can cut (a dropped websocket).
import { createServer, Server, Socket, connect } from 'node:net';

export interface TcpForwarder {
  readonly port: number;
  /** Destroys every open connection; new ones are still accepted. */
  sever(): void;
  /** Cuts every connection and refuses new ones until `ms` have passed (a network that is gone for a while). */
  cut(ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpForwarder(targetPort: number, host = '127.0.0.1'): Promise<TcpForwarder> {
  const open = new Set<Socket>();
  let blockedUntil = 0;
  const server: Server = createServer((client) => {
    if (Date.now() < blockedUntil) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, host);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    sever: () => {
      for (const s of open) s.destroy();
    },
    cut: async (ms) => {
      blockedUntil = Date.now() + ms;
      for (const s of open) s.destroy();
      await new Promise((r) => setTimeout(r, ms));
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of open) s.destroy();
      server.close(() => resolve());
    }),
  };
}
