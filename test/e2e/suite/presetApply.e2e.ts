// Scenario (issue 10): a student applies a preset end to end — sign in to the test hub, start the default server,
// create a local Dask cluster — with nothing clicked but Apply (and the token typed where the sign-in asks for it).
// Before the fix the run stopped at "1/3 Sign in … running" until the "Signed in … [Start a Server]" notification was
// dismissed. Saves .artifacts/e2e/preset-applied.png.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { hubLabel } from '../../../src/hubs/hubUrl';
import type { Preset } from '../../../src/presets/presetTypes';
import type { LocalClusterProvider } from '../../../src/dask/local/localProvider';
import { suite, test } from '../runner/registry';
import { ui, uiAvailable } from '../runner/ui';
import { adminGet, baseOf, EXTENSION_ID, hubConfig, pangeoApi, requireHub, sleep, until } from './support/hubScenario';

const REVIEW_VIEW_TYPE = 'pangeo.presetReview';

function reviewTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes(REVIEW_VIEW_TYPE));
}

interface HubUser { servers: Record<string, { ready: boolean; pending: string | null }> }

if (hubConfig()) {
  suite('presetApply', () => {
    test('Apply signs in, starts the server and creates a local cluster without any other click', async () => {
      assert.ok(uiAvailable(), 'this scenario clicks Apply in the browser: run it with the code-server harness');
      if (!existsSync('/usr/bin/dask')) throw new Error('this scenario needs /usr/bin/dask (python3-distributed)');
      const hub = requireHub();
      const api = await pangeoApi();
      const local = (api as unknown as { dask: { local: LocalClusterProvider } }).dask.local;
      const base = baseOf(hub);
      const label = hubLabel(base);

      // Start from a signed-out hub and a stopped server, so every step has real work to do.
      if (api.hubs.sessions.hub(base)?.user) await api.hubs.sessions.signOut(base);
      const admin = { Authorization: `token ${hub.adminToken}` };
      await fetch(`${hub.url}hub/api/users/${hub.user}/server`, { method: 'DELETE', headers: admin }).then((r) => r.arrayBuffer());
      await until('the default server to stop', async () => {
        const u = await adminGet<HubUser>(hub, `hub/api/users/${hub.user}`);
        return !u.servers[''];
      }, 30_000, 250);
      const clustersBefore = new Set((await local.list()).map((c) => c.id));

      const name = `E2E apply ${Date.now().toString(36)}`;
      const preset: Preset = {
        version: 1, name,
        hub: { url: hub.url, userOptions: { cores: '2' } },
        dask: { provider: 'local', workers: 1, options: { memory_limit: '512MB' } },
      };
      const link = `${vscode.env.uriScheme}://${EXTENSION_ID}/preset?data=${Buffer.from(JSON.stringify(preset), 'utf8').toString('base64url')}`;
      for (const t of reviewTabs()) await vscode.window.tabGroups.close(t);
      await vscode.commands.executeCommand('notifications.clearAll');
      const opening = Promise.resolve(vscode.commands.executeCommand('vscode.open', vscode.Uri.parse(link))).catch(() => undefined);
      try {
        await until('the review page', () => reviewTabs()[0], 20_000);
        await ui({ kind: 'webviewText', selector: '[data-testid="apply"]', match: '^Apply$' }, 20_000);
        await ui({ kind: 'webviewInput', selector: '[data-testid="apply"]' });
        // The sign-in step asks for credentials: the only input besides Apply.
        await ui({ kind: 'quickInput', expect: `Sign in to ${label}`, pick: 'Paste an API token' });
        await ui({ kind: 'quickInput', expect: `API token for ${label}`, type: hub.token });
        // Nothing else is clicked: the "Signed in … Start a Server" notification stays where it is.
        const outcome = await ui({ kind: 'webviewText', selector: '[data-testid="outcome"]', match: '^(Done|Step|Stopped)' }, 120_000);
        assert.match(outcome ?? '', /^Done: 3 steps applied\./, `the apply did not finish: ${outcome}`);

        const user = await adminGet<HubUser>(hub, `hub/api/users/${hub.user}`);
        assert.equal(user.servers['']?.ready, true, 'the hub does not report the default server ready');
        assert.equal(api.hubs.snapshot(base)?.servers?.find((s) => s.name === '')?.state, 'ready', 'the Hubs view still shows the server as it was before');
        const created = (await local.list()).filter((c) => !clustersBefore.has(c.id));
        assert.equal(created.length, 1, `expected one new local cluster, found ${created.length}`);
        await until('the new cluster to have 1 worker', async () => (await local.get(created[0]!.id)).workers === 1, 20_000, 250);
        await ui({ kind: 'screenshot', name: 'preset-applied' });
      } finally {
        for (const c of (await local.list().catch(() => [])).filter((x) => !clustersBefore.has(x.id))) await local.stop(c.id).catch(() => undefined);
        for (const t of reviewTabs()) await vscode.window.tabGroups.close(t).then(undefined, () => undefined);
        await Promise.race([opening, sleep(5_000)]);
        await vscode.commands.executeCommand('notifications.clearAll');
      }
    }, 180_000);
  });
}
