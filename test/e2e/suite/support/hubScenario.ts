// Shared by the hub scenarios: the harness's hub settings, the extension's test API, waiting, and the setup a
// scenario needs when it runs alone (--grep) instead of after the sign-in scenario.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { HubService } from '../../../../src/hubs/editor/hubService';
import type { JupyterServerCollectionRegistration } from '../../../../src/jupyter/editor/jupyterServerCollection';
import type { ScenarioHubConfig } from '../../scenarioHub';
import { e2eConfig } from '../../runner/config';

export const EXTENSION_ID = 'pangeo-compute.pangeo-compute';

/** What `activate()` returns (src/extension.ts). */
export interface PangeoApi {
  hubs: HubService;
  jupyter: JupyterServerCollectionRegistration;
}

/** The hub the harness started, or undefined when the runner runs without one (e.g. `npm run test:electron`). */
export function hubConfig(): ScenarioHubConfig | undefined {
  return e2eConfig().hub as ScenarioHubConfig | undefined;
}

export function requireHub(): ScenarioHubConfig {
  const hub = hubConfig();
  assert.ok(hub, 'the harness passed no hub (config.hub)');
  return hub;
}

export async function pangeoApi(): Promise<PangeoApi> {
  const ext = vscode.extensions.getExtension<PangeoApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  const api = ext.isActive ? ext.exports : await ext.activate();
  assert.ok(api?.hubs?.sessions, 'activate() did not return {hubs}');
  return api;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until `probe` returns something other than undefined/false; fails with `what` and the last value seen. */
export async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    await sleep(everyMs);
  }
}

/**
 * Runs a command that asks the user things while `answer` answers them through the browser. Fails early when
 * the command ends (e.g. with an error notification) before the answers were all given.
 */
export async function driveCommand<T>(command: Thenable<T>, answer: () => Promise<void>): Promise<T> {
  const result = Promise.resolve(command);
  let answered = false;
  const answering = answer().then(() => {
    answered = true;
  });
  const first = await Promise.race([answering.then(() => 'answers'), result.then(() => 'command', () => 'command')]);
  if (first === 'command') {
    // The last answer (often a notification the command shows but does not await) may trail the command's end: by a
    // poll interval on a quiet machine, by many seconds on a loaded one (seen: > 3 s with both cores busy).
    await Promise.race([answering.catch(() => undefined), sleep(20_000)]);
    if (!answered) {
      const outcome = await result.then((v) => `returned ${JSON.stringify(v)}`, (e: unknown) => `threw ${String(e)}`);
      throw new Error(`the command ended (${outcome}) before all its questions were answered`);
    }
  }
  await answering;
  return result;
}

/** The hub's base URL as the extension keys it (the URL the harness gives is already a base). */
export function baseOf(hub: ScenarioHubConfig): string {
  return hub.url;
}

/** A GET with the admin service token: what the hub itself has stored. */
export async function adminGet<T>(hub: ScenarioHubConfig, path: string): Promise<T> {
  const res = await fetch(`${hub.url}${path}`, { headers: { Authorization: `token ${hub.adminToken}` } });
  assert.equal(res.status, 200, `GET ${path} as admin: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** Signed in as the hub's user (adding the hub and pasting the pre-minted token when needed, without UI). */
export async function ensureSignedIn(api: PangeoApi, hub: ScenarioHubConfig): Promise<string> {
  const base = baseOf(hub);
  const sessions = api.hubs.sessions;
  if (!sessions.hub(base)) await sessions.addHub(hub.url);
  if (sessions.hub(base)?.user !== hub.user) await sessions.signInWithToken(base, hub.token);
  return base;
}

/** A ready default server the extension knows about (started through the hub client when it is not running). */
export async function ensureReadyServer(api: PangeoApi, hub: ScenarioHubConfig): Promise<string> {
  const base = await ensureSignedIn(api, hub);
  const ready = () => api.hubs.readyServers().find((s) => s.hubId === base && s.server.name === '');
  if (!ready()) await api.hubs.refresh(base);
  if (!ready()) {
    await api.hubs.sessions.client(base).startAndWait(hub.user, '', {}, { timeoutMs: 60_000 });
    await api.hubs.refresh(base);
  }
  assert.ok(ready(), 'no ready default server after starting it');
  return base;
}
