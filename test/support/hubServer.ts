// A real test hub with one user's default server started and a Jupyter client on it: the set-up the kernel, widget,
// input and detached-run integration tests share (each used to repeat it).
import { startTestHub, type TestHub, type TestHubOptions } from './jupyterhub';
import { HubClient } from '../../src/hubs/hubClient';
import type { HubServer as StartedServer } from '../../src/hubs/hubModels';
import { JupyterServerClient } from '../../src/jupyterServer/jupyterServerClient';

export interface HubWithServer {
  hub: TestHub;
  /** The user's own token (password sign-in), as the extension would hold it. */
  token: string;
  /** A client signed in with `token`, at `clientUrl` when given (e.g. through a forwarder), else at the hub. */
  client: HubClient;
  server: StartedServer;
  jupyter: JupyterServerClient;
}

export interface HubWithServerOptions {
  user: string;
  /** The token's note on the hub (names the test in the hub's token list). */
  note: string;
  hub?: Omit<TestHubOptions, 'users'> & { users?: string[] };
  /** Where the client talks to the hub, given the started hub (default: the hub's own URL). */
  clientUrl?(hub: TestHub): string | Promise<string>;
}

/** Signs `user` in to a started hub with the hub's password and starts the user's default server, talking to `base`. */
export async function signInAndStart(hub: TestHub, user: string, note: string, base = hub.url): Promise<Omit<HubWithServer, 'hub'>> {
  const token = (await new HubClient(hub.url).createTokenWithPassword(user, hub.password, { note, expiresInSeconds: 3600 })).token;
  const client = new HubClient(base, { token });
  const server = await client.startAndWait(user, '', {}, { timeoutMs: 60_000 });
  return { token, client, server, jupyter: new JupyterServerClient(server.url!, client.http) };
}

/** Starts the hub, signs `user` in with the hub's password, and starts the user's default server. */
export async function startHubWithServer(opts: HubWithServerOptions): Promise<HubWithServer> {
  const hub = await startTestHub({ ...opts.hub, users: opts.hub?.users ?? [opts.user] });
  try {
    return { hub, ...(await signInAndStart(hub, opts.user, opts.note, opts.clientUrl ? await opts.clientUrl(hub) : hub.url)) };
  } catch (e) {
    await hub.stop();
    throw e;
  }
}
