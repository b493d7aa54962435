// A real single-user server's environment, as its spawner gave it: the hub's Spawner.cmd wraps the single-user
// command in a shell that writes `env -0` to a file and then execs the server (what jupyter-vscode-proxy's
// code-server inherits, since it is a child of that server). Also the spawner's resource traits, so MEM_LIMIT and
// CPU_LIMIT reach the environment the way KubeSpawner's do (Spawner.get_env writes them from mem_limit/cpu_limit).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestHub } from './jupyterhub';

export interface SpawnerLimits {
  memLimit?: string;
  cpuLimit?: number;
  memGuarantee?: string;
  cpuGuarantee?: number;
}

/** Python for TestHubOptions.extraConfig: every server dumps its environment to `<hub dir>/server-env/<user>.<server>.env`. */
export function serverEnvDumpConfig(limits: SpawnerLimits = {}, scopes?: string[]): string {
  const lines = [
    "os.makedirs(os.path.join(s['dir'], 'server-env'), exist_ok=True)",
    // $0 is the real single-user command, "$@" the spawner's args: the server runs exactly as it would unwrapped
    // (exec: the server keeps the shell's pid, $$, which goes to <user>.<server>.pid).
    `c.Spawner.cmd = ['/bin/sh', '-c', 'f="${'$'}PANGEO_SERVER_ENV_DIR/${'$'}JUPYTERHUB_USER.${'$'}JUPYTERHUB_SERVER_NAME"; env -0 > "${'$'}f.env"; echo ${'$'}${'$'} > "${'$'}f.pid"; exec "${'$'}0" "${'$'}@"', s['singleUserCmd']]`,
    "c.Spawner.environment = dict(c.Spawner.environment, PANGEO_SERVER_ENV_DIR=os.path.join(s['dir'], 'server-env'))",
  ];
  if (limits.memLimit) lines.push(`c.Spawner.mem_limit = ${JSON.stringify(limits.memLimit)}`);
  if (limits.cpuLimit) lines.push(`c.Spawner.cpu_limit = ${limits.cpuLimit}`);
  if (limits.memGuarantee) lines.push(`c.Spawner.mem_guarantee = ${JSON.stringify(limits.memGuarantee)}`);
  if (limits.cpuGuarantee) lines.push(`c.Spawner.cpu_guarantee = ${limits.cpuGuarantee}`);
  // The server token's scopes, as admins widen them: the 'server' role (every JupyterHub ≥ 2; server_token_scopes is 4+ only).
  if (scopes) lines.push(`c.JupyterHub.load_roles = list(c.JupyterHub.load_roles) + [{'name': 'server', 'scopes': ${JSON.stringify(scopes)}}]`);
  return lines.join('\n');
}

/**
 * Python for TestHubOptions.extraConfig: every server loads test/support/insideHubLauncher (a stand-in for
 * jupyter-server-proxy's launch, which is not installable here): POST <server>/pangeo-test-launch starts a child of it.
 */
export function serverLauncherConfig(): string {
  const config = resolve(__dirname, 'insideHubLauncher', 'jupyter_server_config.py');
  return `c.Spawner.args = list(c.Spawner.args) + [${JSON.stringify(`--config=${config}`)}]`;
}

/** Starts `user`'s server with the admin token and waits until it is ready (the hub's API, not our client). */
export async function spawnServer(hub: TestHub, user: string, serverName = ''): Promise<void> {
  const path = serverName ? `hub/api/users/${user}/servers/${serverName}` : `hub/api/users/${user}/server`;
  const headers = { Authorization: `token ${hub.adminToken}` };
  const res = await fetch(new URL(path, hub.url), { method: 'POST', headers });
  if (res.status !== 201 && res.status !== 202) throw new Error(`starting ${user}'s server: HTTP ${res.status} ${await res.text()}`);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const model = (await (await fetch(new URL(`hub/api/users/${user}`, hub.url), { headers })).json()) as { servers?: Record<string, { ready?: boolean }> };
    if (model.servers?.[serverName]?.ready) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${user}'s server did not become ready within 60 s`);
}

/** The environment the spawner gave `user`'s server (from its dump). */
export function serverEnv(hub: TestHub, user: string, serverName = ''): Record<string, string> {
  const file = join(hub.dir, 'server-env', `${user}.${serverName}.env`);
  if (!existsSync(file)) throw new Error(`no environment dump at ${file}: was the hub started with serverEnvDumpConfig()?`);
  const env: Record<string, string> = {};
  for (const entry of readFileSync(file, 'utf8').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** The pid of `user`'s server process (the wrapper exec'd it, so it kept the pid the wrapper recorded). */
export function serverPid(hub: TestHub, user: string, serverName = ''): number {
  return Number(readFileSync(join(hub.dir, 'server-env', `${user}.${serverName}.pid`), 'utf8').trim());
}
