// `npm run test:e2e`: builds the extension and the e2e runner, installs code-server (cached), runs the
// suites in the real editor, then checks the packaged .vsix installs and activates. Ends with
// `e2e: N passed, N failed`; exits non-zero on any failure.
// Flags: --no-build (use dist/ as is), --no-vsix (skip packaging), --grep <text>[|<text>…] (only editor tests whose names contain one of them).
// PANGEO_E2E_JUPYTER_EXTENSION=<unpacked ms-toolsai.jupyter folder> runs the editor tests with it instead of the stub.
import { join, resolve } from 'node:path';
import { bundleRunner } from './bundleRunner';
import { installCodeServer } from './codeServer';
import { runInCodeServer } from './harness';
import { runCommand, scratchDir } from './processes';
import { failureReason, type E2EResults } from './results';
import { startScenarioHub, type ScenarioHub } from './scenarioHub';
import { checkVsix, writeProbeExtension } from './vsix';
import { installedCopy } from './installedCopy';
import { HUB_FILE_SCHEME, toHubUriParts } from '../../src/files/hubFileUri';
import { startInsideHub } from './insideHubRun';

const repoRoot = resolve(__dirname, '..', '..');
const artifactsDir = join(repoRoot, '.artifacts', 'e2e');
/** Stopped on the way out, also after Ctrl-C or a failed build. */
let scenarioHub: Promise<ScenarioHub> | undefined;
/** The whole run's bound: each step has its own, this catches one that has none (CI stops everything at 90 min). */
const RUN_BOUND_MS = Number(process.env.PANGEO_E2E_TIMEOUT_MS) || 45 * 60_000;
/** The steps under way, to name the one that hung. */
const running = new Set<string>();
const runs: [string, E2EResults][] = [];

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  running.add(label);
  try {
    return await work();
  } finally {
    running.delete(label);
    console.log(`e2e: ${label} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

function counts(): { passed: number; failed: number } {
  return {
    passed: runs.reduce((n, [, r]) => n + r.passed, 0),
    failed: runs.reduce((n, [, r]) => n + r.failed + (failureReason(r) && r.failed === 0 ? 1 : 0), 0),
  };
}

function report(label: string, results: E2EResults): void {
  for (const t of results.tests) {
    console.log(`  ${t.ok ? 'ok  ' : 'FAIL'} [${label}] ${t.name}${t.ms !== undefined ? ` (${t.ms} ms)` : ''}`);
    if (!t.ok && t.error) console.log(t.error.replace(/^/gm, '       '));
  }
  const reason = failureReason(results);
  if (reason) console.log(`  [${label}] ${reason}`);
}

async function main(): Promise<number> {
  const only = process.argv.includes('--no-vsix') ? ['dev'] : ['dev', 'vsix'];
  const grepAt = process.argv.indexOf('--grep');
  const grep = grepAt > 0 ? process.argv[grepAt + 1] : undefined;
  // The hub starts while the bundles build (it takes a few seconds of its own).
  scenarioHub = timed('JupyterHub start', () => startScenarioHub());
  const hubStarting = scenarioHub;
  hubStarting.catch(() => undefined); // handled below; a failure must not crash the build step first
  if (!process.argv.includes('--no-build')) {
    await timed('build', () => runCommand(process.execPath, ['esbuild.mjs'], { cwd: repoRoot }));
  }
  const runner = await timed('runner bundle', () => bundleRunner(repoRoot));
  const codeServer = await timed('code-server install', () => installCodeServer(repoRoot));
  const hub = await hubStarting;

  // PANGEO_E2E_JUPYTER_EXTENSION names an unpacked ms-toolsai.jupyter (a .vsix's extension/ folder) to run the suites
  // with the real one instead of the API stand-in (test/e2e/jupyterStub); suites that need the stand-in register only with it.
  const realJupyter = process.env.PANGEO_E2E_JUPYTER_EXTENSION;
  const jupyterExtension = realJupyter ? resolve(realJupyter) : join(repoRoot, 'test/e2e/jupyterStub');
  const grepList = grep?.split('|');
  const editorRun = (name: string, config: Record<string, unknown>, dialogs = false) => runInCodeServer({
    name,
    codeServerBin: codeServer,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: runner,
    artifactsDir,
    config: { hub: hub.config, ...config },
    extraExtensions: [jupyterExtension],
    // The server files suite adds the hub server as a workspace folder without restarting the extension host.
    workspaceFile: true,
    dialogs,
    timeoutMs: 900_000, // every suite in one editor run (the kernels suites kill and restart hubs, and wait a minute after sign-out)
  });
  // With the real Jupyter extension, the suites that must answer its modal consent dialog run in an editor of their
  // own that allows dialogs (harness `dialogs`; the editor refuses them to extension tests).
  const DIALOG_SUITES = ['jupyter extension occupancy'];
  const VIRTUAL = 'virtual workspace';
  const INSIDE = 'inside a hub server';
  const ownRun = (g: string) => g.includes(VIRTUAL) || g.includes(INSIDE) || (!!realJupyter && DIALOG_SUITES.some((name) => g.includes(name)));
  const wantsVirtual = !grepList || grepList.some((g) => g.includes(VIRTUAL) || 'virtual workspace: '.includes(g));
  const wantsInside = !grepList || grepList.some((g) => g.includes(INSIDE) || 'inside a hub server: '.includes(g));
  // A --grep only for suites with an editor start of their own skips the main one (it would run zero tests).
  if (!grepList || !grepList.every(ownRun)) {
    const dev = await timed('editor tests', () => editorRun('workbench', grepList ? { grep: grepList } : {}));
    runs.push(['dev', dev]);
    report('dev', dev);
  }
  const dialogGrep = DIALOG_SUITES.filter((name) => !grepList || grepList.some((g) => name.includes(g) || g.includes(name)));
  if (realJupyter && dialogGrep.length) {
    const withDialogs = await timed('editor tests with dialogs', () => editorRun('workbench-dialogs', { grep: dialogGrep, dialogs: true }, true));
    runs.push(['dialogs', withDialogs]);
    report('dialogs', withDialogs);
  }
  // Its own editor start: a window whose only folder is the hub server's home (a virtual workspace), with the extension
  // installed (a probe under development hosts the runner), since the editor applies `capabilities` only to installed ones.
  if (wantsVirtual) {
    const home = toHubUriParts({ hubId: hub.config.url, user: hub.config.user, serverName: '', path: '' });
    const scratch = scratchDir('pangeo-e2e-virtual-');
    try {
      const virtual = await timed('virtual workspace tests', () =>
        runInCodeServer({
          name: 'virtual-workspace',
          codeServerBin: codeServer,
          extensionDevelopmentPath: writeProbeExtension(join(scratch.path, 'probe'), runner),
          extensionTestsPath: join(scratch.path, 'probe', 'runner.js'),
          artifactsDir,
          config: { hub: hub.config, virtualWorkspace: true, grep: ['virtual workspace: '] },
          extraExtensions: [jupyterExtension, installedCopy(repoRoot, join(scratch.path, 'pangeo-compute'))],
          folderUri: `${HUB_FILE_SCHEME}://${home.authority}${home.path}`,
          timeoutMs: 300_000,
        }),
      );
      runs.push(['virtual', virtual]);
      report('virtual', virtual);
    } finally {
      scratch.remove();
    }
  }
  // Its own editor start: code-server as a child process of a real single-user server (test/e2e/insideHubRun.ts
  // says how close that is to jupyter-vscode-proxy), without the Jupyter stand-in, dialogs on (stopping this server asks).
  if (wantsInside) {
    const inside = await timed('inside-hub JupyterHub start', () => startInsideHub());
    try {
      const results = await timed('inside a hub server tests', () => runInCodeServer({
        name: 'inside-hub', codeServerBin: codeServer, extensionDevelopmentPath: repoRoot, extensionTestsPath: runner, artifactsDir,
        config: { insideHub: inside.config, grep: ['inside a hub server: '] }, launch: inside.launch, dialogs: true, timeoutMs: 300_000,
      }));
      runs.push(['inside', results]);
      report('inside', results);
    } finally {
      await inside.stop();
    }
  }
  await timed('JupyterHub stop', stopHub);
  if (only.includes('vsix')) {
    const vsix = await timed('vsix check', () => checkVsix({ repoRoot, codeServerBin: codeServer, runnerPath: runner, artifactsDir }));
    runs.push(['vsix', vsix]);
    report('vsix', vsix);
  }

  const { passed, failed } = counts();
  console.log(`e2e: screenshots in ${artifactsDir}`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

// A hung step ends the run as a failure naming it; the process groups started here are killed on the way out.
setTimeout(() => {
  const { passed, failed } = counts();
  console.log(`e2e: FAILED: still running after ${RUN_BOUND_MS / 60_000} min, during: ${[...running].join(', ') || 'none of the timed steps'} (PANGEO_E2E_TIMEOUT_MS)`);
  console.log(`e2e: ${passed} passed, ${failed + 1} failed`);
  void Promise.race([stopHub(), new Promise((r) => setTimeout(r, 30_000))]).finally(() => process.exit(1));
}, RUN_BOUND_MS); // not unref'd: a run whose every step waits on nothing still ends here, not silently

// Turn Ctrl-C into a normal exit so the process groups started here are killed on the way out.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void stopHub().finally(() => process.exit(130)));
}

async function stopHub(): Promise<void> {
  const starting = scenarioHub;
  scenarioHub = undefined;
  const hub = await starting?.catch(() => undefined); // a hub that failed to start cleaned up after itself
  await hub?.stop().catch((e: unknown) => console.error(`e2e: stopping JupyterHub: ${String(e)}`));
}

main().then(
  async (code) => {
    await stopHub();
    process.exit(code);
  },
  async (error: unknown) => {
    console.error(error);
    console.log('e2e: 0 passed, 1 failed');
    await stopHub();
    process.exit(1);
  },
);
