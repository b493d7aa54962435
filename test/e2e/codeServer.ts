// Installs (once, cached) and runs code-server 4.100.3 on a free loopback port with fresh user data.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, runCommand, spawnGroup, waitFor, type GroupProcess } from './processes';

export const CODE_SERVER_VERSION = '4.100.3';

/** Settings for an unattended editor: no trust prompt, welcome page, tips, telemetry or update checks. */
export const UNATTENDED_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'window.restoreWindows': 'none',
};

/**
 * Machine-scoped settings for an unattended editor: the extension host (remote in code-server) reads these only from
 * the machine's settings (`<user-data>/Machine/settings.json`), not the user's. The walkthrough stays shut, so it never
 * opens over what a test is looking at.
 */
export const UNATTENDED_MACHINE_SETTINGS: Record<string, unknown> = {
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
};

/** Runs scripts/install-code-server.sh (a no-op when cached) and returns the `code-server` entry. */
export async function installCodeServer(repoRoot: string): Promise<string> {
  const out = await runCommand('bash', [join(repoRoot, 'scripts/install-code-server.sh')], { timeoutMs: 15 * 60_000 });
  const lines = out.trim().split('\n');
  return lines[lines.length - 1]!;
}

export interface CodeServerOptions {
  bin: string;
  /** A scratch dir this run owns; user data, config and (by default) extensions go below it. */
  scratchDir: string;
  extensionsDir?: string;
  /** Extra environment for the server, inherited by the extension host (and so the tests). */
  env?: Record<string, string>;
  settings?: Record<string, unknown>;
  /** Over UNATTENDED_MACHINE_SETTINGS (e.g. the walkthrough on, to see that something else wins over it). */
  machineSettings?: Record<string, unknown>;
  /** Starts code-server some other way than as our child (e.g. test/e2e/insideHubRun.ts: a child of a hub's server). */
  launch?: CodeServerLauncher;
}

/** Code-server however it was started: what the harness watches and ends. */
export interface LaunchedProcess {
  exited(): boolean;
  /** stdout+stderr so far, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `command args` with the launcher's own environment plus `env` (only what code-server and the tests need). */
export type CodeServerLauncher = (command: string, args: string[], env: Record<string, string>) => Promise<LaunchedProcess>;

export interface RunningCodeServer {
  port: number;
  origin: string;
  userDataDir: string;
  extensionsDir: string;
  process: LaunchedProcess;
  stop(): Promise<void>;
}

/** Environment every code-server invocation gets: its config file lives in our scratch dir, not ~/.config. */
export function codeServerEnv(scratchDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, CODE_SERVER_CONFIG: join(scratchDir, 'code-server.yaml'), ...extra };
}

export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  const userDataDir = join(options.scratchDir, 'user-data');
  const extensionsDir = options.extensionsDir ?? join(options.scratchDir, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...UNATTENDED_SETTINGS, ...options.settings }, null, 2),
  );
  mkdirSync(join(userDataDir, 'Machine'), { recursive: true });
  writeFileSync(join(userDataDir, 'Machine', 'settings.json'), JSON.stringify({ ...UNATTENDED_MACHINE_SETTINGS, ...options.machineSettings }, null, 2));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const args = [
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  const proc: LaunchedProcess = options.launch
    ? await options.launch(options.bin, args, { CODE_SERVER_CONFIG: join(options.scratchDir, 'code-server.yaml'), ...options.env })
    : ourChild(spawnGroup(options.bin, args, codeServerEnv(options.scratchDir, options.env)));
  try {
    const state = await waitFor('code-server /healthz', 30_000, async () => {
      if (proc.exited()) return 'exited';
      const res = await fetch(`${origin}/healthz`);
      return res.ok ? 'up' : undefined;
    });
    if (state === 'exited') throw new Error('code-server exited');
  } catch (error) {
    await proc.stop();
    throw new Error(`code-server did not start: ${(error as Error).message}\n${proc.output()}`);
  }
  return { port, origin, userDataDir, extensionsDir, process: proc, stop: () => proc.stop() };
}

function ourChild(group: GroupProcess): LaunchedProcess {
  return { exited: () => group.child.exitCode !== null, output: () => group.output(), stop: () => group.stop() };
}

/** `code-server --install-extension <vsix>` into the given extensions dir. */
export async function installExtension(bin: string, scratchDir: string, extensionsDir: string, vsix: string): Promise<string> {
  const userDataDir = join(scratchDir, 'user-data');
  const args = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix, '--force'];
  return runCommand(bin, args, {
    env: codeServerEnv(scratchDir),
    timeoutMs: 120_000,
  });
}
