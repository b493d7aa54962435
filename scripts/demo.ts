// The demo: a local JupyterHub (user "demo", a priced "large" profile), a local Dask scheduler with two workers, and
// code-server with the freshly built .vsix, a sample notebook and a demo preset; the walkthrough opens on the first start.
// Prints the URL and credentials; Ctrl-C stops everything it started (also the Dask clusters made in the editor) and
// asks about Pangeo Compute's clusters it did not start.
import { execFileSync, spawn, ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { startTestHub } from '../test/support/jupyterhub';
import { freePort } from '../test/support/freePort';
import { widgetKernelSpecRoot } from '../test/support/widgetKernel';
import { installCodeServer, installExtension, startCodeServer } from '../test/e2e/codeServer';
import { DEMO_RUN_ENV, otherPangeoClusters, stopDemoLeftovers, stopProcesses } from './demo/leftovers';

const ROOT = join(__dirname, '..');
const DEMO = join(ROOT, '.demo');
/** The demo's price of the hub's "large" profile ($/h): high, so a small budget reaches 100 % within a minute. */
const LARGE_USD_PER_HOUR = 36;
const DASK_ROUTES = '["distributed.http.scheduler.prometheus","distributed.http.scheduler.info","distributed.http.scheduler.json","distributed.http.health","distributed.http.proxy","distributed.http.statics","distributed.http.scheduler.api"]';

async function main(): Promise<void> {
  // Everything started from here on inherits the run id: the hub, the scheduler, code-server, its extension host and
  // the Dask clusters created in the editor. Ctrl-C stops what carries it.
  const runId = randomBytes(6).toString('hex');
  process.env[DEMO_RUN_ENV] = runId;
  const stops: Array<() => Promise<void> | void> = [];
  let stopping = false;
  const stopAll = async () => {
    for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => undefined);
    const left = await stopDemoLeftovers(runId);
    if (left.length) console.log(`demo: stopped ${left.length} more process${left.length === 1 ? '' : 'es'} started in the editor (${summarize(left.map((p) => p.command))})`);
    await askAboutOtherClusters(runId);
  };
  const onSignal = () => {
    if (stopping) process.exit(130); // a second Ctrl-C: leave now
    stopping = true;
    console.log('\ndemo: stopping…');
    void stopAll().then(() => process.exit(0));
  };
  // Ours alone: the test hub's exit hook (test/support/processes.ts) would kill the hub and exit at once, leaving the
  // rest running. Taken back after each start that may install such a hook.
  const ownSignals = () => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.removeAllListeners(signal);
      process.on(signal, onSignal);
    }
  };
  ownSignals();
  try {
    console.log('demo: building the extension package…');
    execFileSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const vsix = join(ROOT, `pangeo-compute-${version}.vsix`);

    console.log('demo: starting JupyterHub…');
    // The ipywidgets 8 kernel (setup.sh made it from the machine's wheels): "Python 3 (ipywidgets 8)" in the kernel picker.
    const kernelSpecRoots: string[] = [];
    try {
      kernelSpecRoots.push(widgetKernelSpecRoot());
    } catch (e) {
      console.warn(`demo: no ipywidgets kernel, widgets cannot be tried: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
    const hub = await startTestHub({ users: ['demo'], password: 'demo-password', optionsForm: readFileSync(join(__dirname, 'demo/profiles-form.html'), 'utf8'), kernelSpecRoots });
    stops.push(() => hub.stop());
    ownSignals();

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
    const notebook = join(workspace, 'welcome.ipynb');
    // Kept when the user changed it, except an earlier demo's notebook (before xarray), which failed without numpy.
    if (!existsSync(notebook) || !readFileSync(notebook, 'utf8').includes('xarray')) copyFileSync(join(__dirname, 'demo/welcome.ipynb'), notebook);
    // A preset for this run's hub: the priced profile and a small budget, to try presets and the budget's 100 % action.
    // Its presence also starts the extension with the editor (workspaceContains), so the walkthrough opens at once.
    writeFileSync(join(workspace, 'demo.pangeo.json'), `${JSON.stringify({
      version: 1, name: 'Pangeo Compute demo', description: 'The demo hub\'s Large server with a $0.50 daily budget: it is reached within a minute.',
      hub: { url: hub.url, profile: 'large' },
      cost: { budget: { amount: 0.5, period: 'day' }, hubProfilePrices: { large: LARGE_USD_PER_HOUR } },
    }, null, 2)}\n`);
    const extensionsDir = join(DEMO, 'extensions');
    await installExtension(bin, DEMO, extensionsDir, vsix);
    // The demo scheduler shows up in the Dask Clusters view as an attached scheduler address; the hub's "large" profile
    // has a price (a hub on this machine otherwise costs $0), so the cost meter and budget have something to count.
    const server = await startCodeServer({ bin, scratchDir: DEMO, extensionsDir, settings: {
      'workbench.startupEditor': 'none',
      'pangeo.dask.schedulerAddresses': [`http://127.0.0.1:${dashPort}`],
      'pangeo.cost.hubProfilePrices': { [hub.url]: { large: LARGE_USD_PER_HOUR } },
    }, machineSettings: { 'workbench.welcomePage.walkthroughs.openOnInstall': true } }); // a machine setting in code-server
    stops.push(() => server.stop());
    ownSignals();

    const url = `${server.origin}/?folder=${encodeURIComponent(workspace)}`;
    console.log(`
Pangeo Compute demo is running.

  Editor:         ${url}
  JupyterHub:     ${hub.url}   (user: demo   password: demo-password)
  Dask dashboard: http://127.0.0.1:${dashPort}   (scheduler tcp://127.0.0.1:${schedPort})

In the editor: the "Get started with Pangeo Compute" walkthrough opens on the first start. Open the Pangeo view
(globe icon) → Add JupyterHub → paste the hub URL → "Username and password". Then start a server (pick a profile),
open welcome.ipynb and pick "Pangeo: python3 on demo@…" as the kernel: it runs xarray + Dask on the hub's server.
Cost: the "Large" profile is priced at $${LARGE_USD_PER_HOUR}/h for the demo (Small is free); start it, set a budget of $0.05
in "Pangeo: Show Costs" (or apply demo.pangeo.json: right-click → Apply Preset) and watch 50/80/100 %.
From a shell: JUPYTERHUB_API_TOKEN=$(echo demo-password | node dist/cli.js hub login --url ${hub.url} --username demo)
              node dist/cli.js hub start --url ${hub.url}
Ctrl-C stops everything the demo started, also Dask clusters created in the editor.`);
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

/** "2 × dask worker, 1 × dask scheduler" from command lines (a Python script is named by the script). */
function summarize(commands: string[]): string {
  const counts = new Map<string, number>();
  for (const c of commands) {
    const words = c.split(' ');
    const at = /python/.test(basename(words[0] ?? '')) && words[1] && !words[1].startsWith('-') ? 1 : 0;
    const name = [basename(words[at] ?? ''), words[at + 1] ?? ''].join(' ').trim();
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].map(([c, n]) => `${n} × ${c}`).join(', ');
}

/** Pangeo Compute's Dask clusters the demo did not start (e.g. from the CLI): listed, and stopped only if the user says so. */
async function askAboutOtherClusters(runId: string): Promise<void> {
  const others = otherPangeoClusters(runId);
  if (!others.size) return;
  const lines = [...others].map(([id, procs]) => `  ${id}: ${procs.length} process${procs.length === 1 ? '' : 'es'} (pids ${procs.map((p) => p.pid).join(' ')})`);
  console.log(`demo: ${others.size} Dask cluster${others.size === 1 ? '' : 's'} made by Pangeo Compute outside this demo ${others.size === 1 ? 'is' : 'are'} still running:\n${lines.join('\n')}`);
  if (!process.stdin.isTTY) {
    console.log('demo: left running (no terminal to ask); stop one with  node dist/cli.js dask stop <name>');
    return;
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await Promise.race([rl.question('Stop them too? [y/N] '), new Promise<string>((r) => setTimeout(() => r(''), 60_000))]);
  rl.close();
  if (/^y(es)?$/i.test(answer.trim())) {
    await stopProcesses([...others.values()].flat().map((p) => p.pid));
    console.log('demo: stopped.');
  } else {
    console.log('demo: left running; stop one later with  node dist/cli.js dask stop <name>');
  }
}

void main();
