// The hub for the "inside a hub server" editor start: a real JupyterHub whose spawner gives alice's server
// MEM_LIMIT/CPU_LIMIT (Spawner.mem_limit/cpu_limit, as KubeSpawner profiles set them) and dumps that server's
// environment as its spawner made it. code-server then starts with exactly that environment.
//
// How close this is to jupyter-vscode-proxy: there, jupyter-server-proxy starts code-server as a child process of
// the single-user server, so code-server (and its extension host) inherit the server's environment, plus a few
// variables of jupyter-server-proxy's own. Here code-server is started by the harness with the environment the
// spawner gave the real, running single-user server (JUPYTERHUB_API_TOKEN, _API_URL on the hub's internal port,
// _SERVICE_URL/_PREFIX, MEM_LIMIT, CPU_LIMIT …), read from the dump its Spawner.cmd wrapper wrote before exec'ing the
// server; the harness's own variables (results file, UI folder) are added on top. jupyter-server-proxy is not
// installed on this machine (Debian has no package), which is why the server does not launch it itself.
import { startTestHub, type TestHub } from '../support/jupyterhub';
import { serverEnv, serverEnvDumpConfig, spawnServer } from '../support/insideHubServer';

/** What the suite reads as `e2eConfig().insideHub`. */
export interface InsideHubConfig {
  user: string;
  adminToken: string;
  /** The hub's public URL (through its proxy): for the admin's checks, never given to the extension. */
  hubUrl: string;
}

export interface InsideHubRun {
  config: InsideHubConfig;
  /** The single-user server's environment, for code-server. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startInsideHub(): Promise<InsideHubRun> {
  const user = 'alice';
  const hub: TestHub = await startTestHub({ baseUrl: '/jhub/', users: [user], extraConfig: serverEnvDumpConfig({ memLimit: '8G', cpuLimit: 2 }) });
  try {
    await spawnServer(hub, user);
    const env = serverEnv(hub, user);
    // The code-server under test reads its own settings from the harness; the server's HOME/PWD stay as the spawner set them.
    return { config: { user, adminToken: hub.adminToken, hubUrl: hub.url }, env, stop: () => hub.stop() };
  } catch (error) {
    await hub.kill();
    throw error;
  }
}
