// The setup the kernel integration tests share: a real JupyterHub (test/support/jupyterhub.ts) with a TCP forwarder
// in front of it (so a test can drop the kernel's websocket), and NotebookKernels on a user's server, each shut down
// when the tests end. `startSignedInServer` adds the common client: a password-minted token, the user's default server
// started through the forwarder, and the hub probe the editor asks while a socket is down.
import { startTestHub, TestHub, TestHubOptions } from './jupyterhub';
import { startTcpForwarder, TcpForwarder } from './tcpForwarder';
import type { HubClient } from '../../src/hubs/hubClient';
import type { JupyterServerClient } from '../../src/jupyterServer/jupyterServerClient';
import { signInAndStart } from './hubServer';
import { isPangeoError } from '../../src/core/http/errors';
import { NotebookKernel, NotebookKernelOptions, ServerProbe } from '../../src/kernels/notebookKernel';

export interface HubWithForwarder {
  hub: TestHub;
  fwd: TcpForwarder;
  /** The hub's base URL through the forwarder. */
  base: string;
  /** Keeps a kernel to shut down in stop(). */
  track(kernel: NotebookKernel): NotebookKernel;
  /** Shuts the tracked kernels down, closes the forwarder and stops the hub. */
  stop(): Promise<void>;
}

export async function startHubWithForwarder(opts: TestHubOptions = {}): Promise<HubWithForwarder> {
  const hub = await startTestHub(opts);
  const fwd = await startTcpForwarder(Number(new URL(hub.url).port)).catch(async (e: unknown) => {
    await hub.stop();
    throw e;
  });
  const kernels: NotebookKernel[] = [];
  return {
    hub, fwd,
    base: `http://127.0.0.1:${fwd.port}${new URL(hub.url).pathname}`,
    track: (kernel) => {
      kernels.push(kernel);
      return kernel;
    },
    stop: async () => {
      for (const k of kernels) await k.shutdown().catch(() => undefined);
      await fwd.close();
      await hub.stop();
    },
  };
}

export interface SignedInServer extends HubWithForwarder {
  user: string;
  /** Signed in with a token minted by password; every request goes through the forwarder. */
  client: HubClient;
  jupyter: JupyterServerClient;
  /** What the hub says of the user's default server, as the notebook controller asks it. */
  probe(): Promise<ServerProbe>;
  /** A python3 NotebookKernel on the server, shut down in stop(). */
  newKernel(opts: Omit<NotebookKernelOptions, 'jupyter' | 'kernelName' | 'probeServer'>): NotebookKernel;
}

/** A hub, the forwarder, and `user`'s default server started through it (the token's note names the test). */
export async function startSignedInServer(opts: { note: string; user?: string; hub?: TestHubOptions }): Promise<SignedInServer> {
  const user = opts.user ?? 'alice';
  const setup = await startHubWithForwarder({ users: [user], ...opts.hub });
  try {
    const { client, jupyter } = await signInAndStart(setup.hub, user, opts.note, setup.base);
    const probe = async (): Promise<ServerProbe> => {
      try {
        return (await client.getServer(user, '')).state === 'ready' ? 'ready' : 'stopped';
      } catch (e) {
        return isPangeoError(e, 'NotFound') ? 'stopped' : 'unknown';
      }
    };
    return {
      ...setup, user, client, jupyter, probe,
      newKernel: (kernelOpts) => setup.track(new NotebookKernel({ jupyter, kernelName: 'python3', probeServer: probe, ...kernelOpts })),
    };
  } catch (e) {
    await setup.stop();
    throw e;
  }
}
