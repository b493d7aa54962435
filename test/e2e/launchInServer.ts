// Code-server as a child process of a hub's single-user server, as jupyter-server-proxy starts it behind
// jupyter-vscode-proxy: the server's launcher (test/support/insideHubLauncher) spawns it with the server's own
// environment plus ours, its output goes to a file we read, and we end its process group.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeServerLauncher, LaunchedProcess } from './codeServer';
import { sleep } from './processes';

/** `serverUrl`: the server's address through the hub's proxy (`…/user/<name>/`); `token`: one the server accepts. */
export function launchInServer(serverUrl: string, token: string, outputDir: string): CodeServerLauncher {
  return async (command, args, env) => {
    const output = join(outputDir, 'launched-code-server.log');
    const res = await fetch(new URL('pangeo-test-launch', serverUrl), {
      method: 'POST',
      headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ argv: [command, ...args], env, output }),
    });
    if (!res.ok) throw new Error(`the server's launcher answered HTTP ${res.status}: ${await res.text()}`);
    const { pid } = (await res.json()) as { pid: number };
    return launched(pid, output);
  };
}

function launched(pid: number, output: string): LaunchedProcess {
  // A zombie (not yet reaped by the server) still answers signal 0: good enough, the server reaps at once.
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal); // the launcher gave it its own session: code-server and its extension host
    } catch {
      // already gone
    }
  };
  // If the harness itself dies, take code-server down with it.
  const onExit = () => killGroup('SIGKILL');
  process.once('exit', onExit);
  return {
    exited: () => !alive(),
    output: () => {
      try {
        return readFileSync(output, 'utf8').slice(-20_000);
      } catch {
        return '';
      }
    },
    async stop() {
      process.off('exit', onExit);
      killGroup('SIGTERM');
      for (let i = 0; i < 50 && alive(); i++) await sleep(100);
      killGroup('SIGKILL');
    },
  };
}
