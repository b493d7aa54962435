// A loopback TCP forwarder in front of a test server, whose connections a test can cut (a dropped websocket).
import { createServer, Server, Socket, connect } from 'node:net';

export interface TcpForwarder {
  readonly port: number;
  /** Destroys every open connection; new ones are still accepted. */
  sever(): void;
  /** Cuts every connection and refuses new ones until `ms` have passed (a network that is gone for a while). */
  cut(ms: number): Promise<void>;
  /**
   * The network goes silent for `ms` without either end noticing (a laptop that changed networks), then every connection
   * drops: what the server wrote meanwhile is lost, as it is when a proxy or a Wi-Fi link dies with data in flight.
   */
  blackhole(ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpForwarder(targetPort: number, host = '127.0.0.1'): Promise<TcpForwarder> {
  const open = new Set<Socket>();
  let blockedUntil = 0;
  let silent = false;
  // By hand rather than pipe(): a silent network swallows what either end sends (backpressure kept with pause/drain).
  const relay = (from: Socket, to: Socket) => from.on('data', (chunk: Buffer) => {
    if (silent) return;
    if (!to.write(chunk)) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  });
  const server: Server = createServer((client) => {
    if (Date.now() < blockedUntil || silent) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, host);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => undefined);
    }
    relay(client, upstream);
    relay(upstream, client);
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
    blackhole: async (ms) => {
      silent = true;
      await new Promise((r) => setTimeout(r, ms));
      for (const s of open) s.destroy();
      silent = false;
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of open) s.destroy();
      server.close(() => resolve());
    }),
  };
}
