// The demo: a local JupyterHub (user "demo"), a local Dask scheduler with two workers, and code-server with the freshly
// built .vsix and a sample notebook. Prints the URL and credentials; Ctrl-C stops everything it started.
import { execFileSync, spawn, ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestHub } from '../test/support/jupyterhub';
import { freePort } from '../test/support/freePort';
import { installCodeServer, installExtension, startCodeServer } from '../test/e2e/codeServer';

const ROOT = join(__dirname, '..');
const DEMO = join(ROOT, '.demo');
const DASK_ROUTES = '["distributed.http.scheduler.prometheus","distributed.http.scheduler.info","distributed.http.scheduler.json","distributed.http.health","distributed.http.proxy","distributed.http.statics","distributed.http.scheduler.api"]';

async function main(): Promise<void> {
  const stops: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => undefined);
  };
  process.on('SIGINT', () => void stopAll().then(() => process.exit(0)));
  process.on('SIGTERM', () => void stopAll().then(() => process.exit(0)));
  try {
    console.log('demo: building the extension package…');
    execFileSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const vsix = join(ROOT, `pangeo-compute-${version}.vsix`);

    console.log('demo: starting JupyterHub…');
    const hub = await startTestHub({ users: ['demo'], password: 'demo-password', optionsForm: readFileSync(join(__dirname, 'demo/profiles-form.html'), 'utf8') });
    stops.push(() => hub.stop());

    console.log('demo: starting a Dask scheduler and two workers…');
    const [schedPort, dashPort] = [await freePort(), await freePort()];
    const env = { ...process.env, DASK_DISTRIBUTED__SCHEDULER__HTTP__ROUTES: DASK_ROUTES };
    const procs: ChildProcess[] = [];
    procs.push(spawn('/usr/bin/dask', ['scheduler', '--host', '127.0.0.1', '--port', String(schedPort), '--dashboard-address', `127.0.0.1:${dashPort}`], { env, stdio: 'ignore', detached: true }));
    for (const name of ['w1', 'w2']) {
      procs.push(spawn('/usr/bin/dask', ['worker', `tcp://127.0.0.1:${schedPort}`, '--host', '127.0.0.1', '--nthreads', '1', '--memory-limit', '1GB', '--name', name], { env, stdio: 'ignore', detached: true }));
    }
    stops.push(() => procs.forEach((p) => { try { process.kill(-p.pid!, 'SIGTERM'); } catch { /* gone */ } }));

    console.log('demo: preparing code-server (first run builds it, ~3 min)…');
    const bin = await installCodeServer(ROOT);
    mkdirSync(DEMO, { recursive: true });
    const workspace = join(DEMO, 'workspace');
    mkdirSync(workspace, { recursive: true });
    if (!existsSync(join(workspace, 'welcome.ipynb'))) copyFileSync(join(__dirname, 'demo/welcome.ipynb'), join(workspace, 'welcome.ipynb'));
    const extensionsDir = join(DEMO, 'extensions');
    await installExtension(bin, DEMO, extensionsDir, vsix);
    // The demo scheduler shows up in the Dask Clusters view as an attached scheduler address.
    const server = await startCodeServer({ bin, scratchDir: DEMO, extensionsDir, settings: { 'workbench.startupEditor': 'none', 'pangeo.dask.schedulerAddresses': [`http://127.0.0.1:${dashPort}`] } });
    stops.push(() => server.stop());

    const url = `${server.origin}/?folder=${encodeURIComponent(workspace)}`;
    console.log(`
Pangeo Compute demo is running.

  Editor:         ${url}
  JupyterHub:     ${hub.url}   (user: demo   password: demo-password)
  Dask dashboard: http://127.0.0.1:${dashPort}   (scheduler tcp://127.0.0.1:${schedPort})

In the editor: open the Pangeo view (globe icon) → Add JupyterHub → paste the hub URL → "Username and password".
Then start a server (pick a profile), open welcome.ipynb and pick "Pangeo: python3 on demo@…" as the kernel.
From a shell: JUPYTERHUB_API_TOKEN=$(echo demo-password | node dist/cli.js hub login --url ${hub.url} --username demo)
              node dist/cli.js hub start --url ${hub.url}
Ctrl-C stops everything.`);
    try {
      execFileSync('code', ['--version'], { stdio: 'ignore' });
      console.log(`\nA desktop VS Code is on PATH: install the extension there with  code --install-extension ${vsix}`);
    } catch {
      // no desktop VS Code: nothing to offer
    }
    await new Promise(() => undefined);
  } catch (e) {
    console.error(`demo failed: ${(e as Error).message}`);
    await stopAll();
    process.exit(1);
  }
}

void main();
