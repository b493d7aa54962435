// The hub for the "inside a hub server" editor start: a real JupyterHub whose spawner gives alice's server
// MEM_LIMIT/CPU_LIMIT (Spawner.mem_limit/cpu_limit, as KubeSpawner profiles set them), and whose server starts
// code-server as its own child process.
//
// How close this is to jupyter-vscode-proxy: there, jupyter-server-proxy starts code-server (simpervisor) as a child
// process of the single-user server, so code-server and its extension host inherit the server's environment, plus a
// few variables of jupyter-server-proxy's own. Here the same real, running single-user server starts code-server as
// its child with its os.environ (JUPYTERHUB_API_TOKEN, _API_URL on the hub's internal port, _SERVICE_URL/_PREFIX,
// MEM_LIMIT, CPU_LIMIT …) plus the harness's variables (results file, UI folder, code-server config), through a
// stand-in for jupyter-server-proxy's launch loaded into the server (test/support/insideHubLauncher: jupyter-server-proxy
// is not installable here). What differs: the harness asks for the launch (an authenticated POST to the server, not a
// browser visiting /vscode/), the child gets its own session (so the harness can end it), and the browser talks to
// code-server on its own port, not through the server's proxy.
import { startTestHub, type TestHub } from '../support/jupyterhub';
import { serverEnv, serverEnvDumpConfig, serverLauncherConfig, serverPid, spawnServer } from '../support/insideHubServer';
import type { CodeServerLauncher } from './codeServer';
import { launchInServer } from './launchInServer';

/** What the suite reads as `e2eConfig().insideHub`. */
export interface InsideHubConfig {
  user: string;
  adminToken: string;
  /** The hub's public URL (through its proxy): for the admin's checks, never given to the extension. */
  hubUrl: string;
  /** The single-user server's pid, as its spawner's wrapper recorded it: the extension host must descend from it. */
  serverPid: number;
}

export interface InsideHubRun {
  config: InsideHubConfig;
  /** Starts code-server as a child of the single-user server. */
  launch: CodeServerLauncher;
  stop(): Promise<void>;
}

export async function startInsideHub(): Promise<InsideHubRun> {
  const user = 'alice';
  const extraConfig = `${serverEnvDumpConfig({ memLimit: '8G', cpuLimit: 2 })}\n${serverLauncherConfig()}`;
  const hub: TestHub = await startTestHub({ baseUrl: '/jhub/', users: [user], extraConfig });
  try {
    await spawnServer(hub, user);
    // The server's own token (from its environment dump) is what authenticates the launch, as a browser's would.
    const token = serverEnv(hub, user).JUPYTERHUB_API_TOKEN;
    if (!token) throw new Error(`${user}'s server has no JUPYTERHUB_API_TOKEN`);
    const launch = launchInServer(new URL(`user/${user}/`, hub.url).href, token, hub.dir);
    const config = { user, adminToken: hub.adminToken, hubUrl: hub.url, serverPid: serverPid(hub, user) };
    return { config, launch, stop: () => hub.stop() };
  } catch (error) {
    await hub.kill();
    throw error;
  }
}
