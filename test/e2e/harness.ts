// Runs the bundled e2e runner inside a real editor: code-server + the workbench in headless Chromium.
// The verdict is the runner's results file plus checks of the visible UI; everything started is stopped.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openWorkbench, workbenchUrl, type OpenWorkbench } from './browser';
import { startCodeServer, type CodeServerLauncher, type RunningCodeServer } from './codeServer';
import { scratchDir, sleep, waitFor } from './processes';
import { CONFIG_ENV, HOLD_ENV, RESULTS_ENV, parseResults, type E2EConfig, type E2EResults, type E2ETestResult } from './results';
import { UI_ENV } from './uiProtocol';
import { serveUiRequests, type UiRequestServer } from './uiRequests';

export interface HarnessOptions {
  /** Names the artifacts: `.artifacts/e2e/<name>.png`. */
  name: string;
  codeServerBin: string;
  extensionDevelopmentPath: string;
  extensionTestsPath: string;
  /** Defaults to a fresh, empty dir. */
  extensionsDir?: string;
  /** Unpacked extension folders copied into the extensions dir before start (e.g. test/e2e/jupyterStub). */
  extraExtensions?: string[];
  /** Written to a JSON file the tests read (PANGEO_E2E_CONFIG). */
  config?: E2EConfig;
  /** More environment for code-server and so the extension host. */
  env?: Record<string, string>;
  /** Who starts code-server, when not the harness (test/e2e/insideHubRun.ts: the hub's single-user server). */
  launch?: CodeServerLauncher;
  /** Folder opened in the workbench; defaults to a fresh empty one. */
  workspace?: string;
  /**
   * Open the folder through a `.code-workspace` file (a multi-root workspace of one folder): adding a workspace
   * folder to a single-folder window turns it into a new workspace and restarts the extension host, which would end
   * the test runner; in a multi-root workspace the folder is just added.
   */
  workspaceFile?: boolean;
  /** A folder by Uri instead (e.g. a `pangeo-hub:` server folder: a window whose only folder is virtual). */
  folderUri?: string;
  /**
   * Lets the tests answer modal dialogs: the editor refuses extensions' modal dialogs while extension tests run
   * (extensionTestsPath: "DialogService: refused to show dialog in tests"), so the runner is started instead by a
   * throwaway extension that loads it on startup (the real Jupyter extension asks its kernel-access consent in one).
   * The editor's own confirmations are then real dialogs too.
   */
  dialogs?: boolean;
  artifactsDir: string;
  /** How long the runner may take to write its results, from the moment the workbench is up. */
  timeoutMs?: number;
}

export async function runInCodeServer(options: HarnessOptions): Promise<E2EResults> {
  const scratchDirectory = scratchDir(`pangeo-e2e-${options.name}-`);
  const scratch = scratchDirectory.path;
  const resultsPath = join(scratch, 'results.json');
  const configPath = join(scratch, 'config.json');
  const workspace = options.workspace ?? join(scratch, 'workspace');
  mkdirSync(workspace, { recursive: true });
  mkdirSync(options.artifactsDir, { recursive: true });
  writeFileSync(configPath, JSON.stringify(options.config ?? {}, null, 2));

  let server: RunningCodeServer | undefined;
  let workbench: OpenWorkbench | undefined;
  let results: E2EResults | undefined;
  let uiServer: UiRequestServer | undefined;
  const uiDir = join(scratch, 'ui');
  mkdirSync(uiDir);
  const started = Date.now();
  const phase = (what: string) => console.log(`e2e[${options.name}]: ${what} at ${((Date.now() - started) / 1000).toFixed(1)} s`);
  try {
    const extensionsDir = options.extensionsDir ?? join(scratch, 'extensions');
    for (const folder of options.extraExtensions ?? []) copyUnpackedExtension(folder, extensionsDir);
    if (options.dialogs) copyUnpackedExtension(writeRunnerHost(join(scratch, 'runner-host'), options.extensionTestsPath), extensionsDir);
    server = await startCodeServer({
      bin: options.codeServerBin,
      scratchDir: scratch,
      extensionsDir,
      env: { ...options.env, [RESULTS_ENV]: resultsPath, [CONFIG_ENV]: configPath, [HOLD_ENV]: '1', [UI_ENV]: uiDir },
      launch: options.launch,
    });
    let opened = options.folderUri ?? workspace;
    if (options.workspaceFile && !options.folderUri) {
      opened = join(scratch, 'e2e.code-workspace');
      // No automatic port forwarding: its "Over 20 ports have been automatically forwarded" toast (the hubs, kernels and
      // clusters the suites start) covered the notifications the tests answer.
      writeFileSync(opened, JSON.stringify({ folders: [{ path: workspace }], settings: { 'remote.autoForwardPorts': false } }, null, 2));
    }
    const url = workbenchUrl(server.origin, opened, {
      extensionDevelopmentPath: options.extensionDevelopmentPath,
      extensionTestsPath: options.dialogs ? undefined : options.extensionTestsPath,
    });
    phase(`code-server up on ${server.origin}`);
    workbench = await openWorkbench(url);
    phase('workbench loaded');
    uiServer = serveUiRequests(workbench.page, uiDir, options.artifactsDir);
    const running = server;
    await waitFor(`the runner's results (${resultsPath})`, options.timeoutMs ?? 120_000, async () => {
      // Stop waiting early when code-server is gone; the missing file then says what went wrong.
      return existsSync(resultsPath) || running.process.exited() ? true : undefined;
    }, 300).catch(() => undefined);
    phase(existsSync(resultsPath) ? 'results written' : 'no results (timed out)');
    await uiServer.stop();
    if (existsSync(resultsPath)) {
      results = parseResults(readFileSync(resultsPath, 'utf8'));
      // Checked before the UI checks are added, which would otherwise hide an empty run.
      if (results.tests.length === 0 && !results.error) results.error = 'the runner ran zero tests';
      results.tests.push(...(await checkWorkbench(workbench.page)));
      results.passed = results.tests.filter((t) => t.ok).length;
      results.failed = results.tests.length - results.passed;
    }
    await workbench.page.screenshot({ path: join(options.artifactsDir, `${options.name}.png`) });
    writeFileSync(`${resultsPath}.done`, '');
    return results ?? { passed: 0, failed: 0, tests: [], error: `no results within the timeout` };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return results ? { ...results, error: message } : { passed: 0, failed: 0, tests: [], error: message };
  } finally {
    await uiServer?.stop();
    for (const line of uiServer?.log() ?? []) console.log(`e2e[${options.name}]: ${line}`);
    const failed = !results || results.failed > 0 || !!results.error;
    // PANGEO_E2E_KEEP (by-hand runs) keeps them for passing runs too: the tests' measurements are console lines.
    if (failed || process.env.PANGEO_E2E_KEEP) saveDiagnostics(options, server, workbench);
    await workbench?.close();
    await server?.stop();
    phase('stopped');
    scratchDirectory.remove();
  }
}

/** What can only be seen in the UI: the Pangeo side bar with its views, and no error notifications. */
async function checkWorkbench(page: Page): Promise<E2ETestResult[]> {
  const checks: [string, () => Promise<void>][] = [
    ['ui: the Pangeo side bar shows the Hubs and Dask Clusters views', async () => {
      const sidebar = page.locator('#workbench\\.parts\\.sidebar');
      await sidebar.locator('.composite.title', { hasText: /pangeo/i }).first().waitFor({ timeout: 10_000 });
      for (const name of ['Hubs', 'Dask Clusters']) {
        await sidebar.locator('.pane-header', { hasText: new RegExp(`^\\s*${name}`, 'i') }).first().waitFor({ timeout: 10_000 });
      }
    }],
    ['ui: no error notifications', async () => {
      await sleep(500); // let a late toast render
      const errors = await page
        .locator('.notification-toast .notification-list-item:has(.codicon-error)')
        .allInnerTexts();
      if (errors.length) throw new Error(`error notifications: ${errors.map((e) => e.replace(/\s+/g, ' ')).join(' | ')}`);
    }],
  ];
  const out: E2ETestResult[] = [];
  for (const [name, check] of checks) {
    const started = Date.now();
    try {
      await check();
      out.push({ name, ok: true, ms: Date.now() - started });
    } catch (error) {
      out.push({ name, ok: false, error: error instanceof Error ? error.message : String(error), ms: Date.now() - started });
    }
  }
  return out;
}

/** Copies an unpacked extension to `<extensionsDir>/<publisher>.<name>-<version>`, where the editor scans for them. */
/** An extension that runs the bundled runner once the workbench has started (see HarnessOptions.dialogs). */
function writeRunnerHost(dir: string, runnerPath: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'pangeo-e2e-runner-host', publisher: 'pangeo-compute', version: '0.0.0', engines: { vscode: '^1.100.0' },
    activationEvents: ['onStartupFinished'], main: './main.js',
  }, null, 2));
  writeFileSync(join(dir, 'main.js'), `exports.activate = () => { void require(${JSON.stringify(runnerPath)}).run(); };\n`);
  return dir;
}

function copyUnpackedExtension(folder: string, extensionsDir: string): void {
  const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  cpSync(folder, join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`), { recursive: true });
}

function saveDiagnostics(options: HarnessOptions, server?: RunningCodeServer, workbench?: OpenWorkbench): void {
  try {
    if (server) writeFileSync(join(options.artifactsDir, `${options.name}-code-server.log`), server.process.output());
    if (workbench) writeFileSync(join(options.artifactsDir, `${options.name}-browser-console.log`), workbench.console().join('\n'));
  } catch {
    // diagnostics are best effort
  }
}
