// Sharing a server is offered only where the hub serves /hub/api/shares (JupyterHub 5.0+). The test hub is JupyterHub 3:
// a ready server's context menu in the Hubs view must not offer "Share Server…" (its other entries are there).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, test } from '../runner/registry';
import { ui } from '../runner/ui';
import { ensureReadyServer, hubConfig, pangeoApi, requireHub, until } from './support/hubScenario';

const HUBS_VIEW = '#workbench\\.parts\\.sidebar .pane:has(.pane-header:has-text("Hubs")) .pane-body';

if (hubConfig()) {
  suite('hub sharing menu', () => {
    test('Share Server… is hidden on a JupyterHub older than 5.0 (the test hub): the server row\'s context menu lacks it', async () => {
      const hub = requireHub();
      const api = await pangeoApi();
      const base = await ensureReadyServer(api, hub);
      const version = api.hubs.sessions.hub(base)?.version ?? '';
      assert.ok(Number.parseInt(version, 10) < 5, `the test hub is JupyterHub ${version}: this test checks a hub older than 5.0`);
      await vscode.commands.executeCommand('pangeo.hubs.focus');
      await until('the Hubs view shows the default server', async () => /Default server/.test((await ui({ kind: 'text', selector: HUBS_VIEW }, 10_000)) ?? ''), 30_000, 500);
      await ui({ kind: 'click', selector: `${HUBS_VIEW} .monaco-list-row`, hasText: 'Default server', button: 'right' });
      const menu = (await ui({ kind: 'text', selector: '.monaco-menu' }, 10_000)) ?? '';
      // Close the menu with its harmless entry (the menu's overlay takes every other click).
      await ui({ kind: 'click', selector: '.monaco-menu a.action-menu-item', hasText: 'Copy Server URL' });
      assert.match(menu, /Copy Server URL/, `not the server's context menu: ${menu}`);
      assert.doesNotMatch(menu, /Share Server/, `offered on JupyterHub ${version}: ${menu}`);
    }, 120_000);
  });
}
