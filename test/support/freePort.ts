// A free TCP port on the loopback interface, for test servers that must not collide.
import { createServer } from 'node:net';
import { freeLoopbackPort } from '../../src/dask/local/localProcesses';

/** Asks the kernel for an unused loopback port: the extension's own helper (listen on 127.0.0.1:0, read it, close). */
export const freePort = freeLoopbackPort;

/** Several distinct free ports: all are held open until each is known, so none repeats. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const server = createServer();
      server.unref();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((s) => {
    const address = s.address();
    return typeof address === 'object' && address ? address.port : 0;
  });
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  if (ports.some((p) => p <= 0)) throw new Error('no port assigned');
  return ports;
}
