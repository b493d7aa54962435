// Issue 22 in its own editor start (run.ts `virtual`): a window whose only folder is a hub server folder
// (pangeo-hub:, what "Open in New Window" of Open Server Files makes) is a virtual workspace. The extension must
// activate there and list the folder; and in this single-folder window, adding another server's folder would reload
// the window, so with an unsaved notebook Open Server Files asks first and Cancel keeps everything as it was.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { HUB_FILE_SCHEME, locateHubUri } from '../../../src/files/hubFileUri';
import { e2eConfig } from '../runner/config';
import { suite, test } from '../runner/registry';
import { ui } from '../runner/ui';
import { driveCommand, ensureReadyServer, EXTENSION_ID, hubConfig, pangeoApi, requireHub, until } from './support/hubScenario';

/** Set by run.ts for the editor start that opens a hub server folder as the window's only folder. */
const VIRTUAL = e2eConfig().virtualWorkspace === true;

if (hubConfig() && VIRTUAL) {
  suite('virtual workspace', () => {
    test('the extension activates in a window whose only folder is a hub server folder, and that folder lists the server\'s files', async () => {
      const folders = vscode.workspace.workspaceFolders ?? [];
      assert.deepEqual(folders.map((f) => f.uri.scheme), [HUB_FILE_SCHEME], 'the window\'s only folder is on the hub');
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext, `${EXTENSION_ID} is not loaded in a virtual workspace (package.json capabilities.virtualWorkspaces)`);
      // Installed, as users have it: the editor disables an installed extension that does not support virtual workspaces.
      assert.match(ext.extensionPath, /pangeo-compute\.pangeo-compute-[^/]+$/, 'the installed copy, not the one under development');
      // Activated by the editor for the pangeo-hub: folder (onFileSystem), not by this test.
      await until('the extension to be activated by the hub folder', () => ext.isActive, 60_000, 250);
      const hub = requireHub();
      const api = await pangeoApi();
      const base = await ensureReadyServer(api, hub);
      const server = api.hubs.readyServers().find((s) => s.hubId === base && s.server.name === '')!;
      assert.equal(locateHubUri(folders[0]!.uri)?.hubId, base);
      const put = await fetch(`${server.server.url!}api/contents/virtual-e2e.txt`, {
        method: 'PUT', headers: { Authorization: `token ${hub.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'file', format: 'text', content: 'listed in a virtual workspace' }),
      });
      assert.ok(put.ok, `PUT virtual-e2e.txt: HTTP ${put.status}`);
      const names = (await vscode.workspace.fs.readDirectory(folders[0]!.uri)).map(([n]) => n);
      assert.ok(names.includes('virtual-e2e.txt'), `listed: ${names.join(', ')}`);
      // The Explorer first tried the folder while signed out: it lists the file once refreshed.
      await until('virtual-e2e.txt in the Explorer', async () => {
        await vscode.commands.executeCommand('workbench.files.action.refreshFilesExplorer');
        return ((await ui({ kind: 'text', selector: '.explorer-folders-view' }, 10_000)) ?? '').includes('virtual-e2e.txt');
      }, 60_000, 1000);
      await ui({ kind: 'screenshot', name: 'virtual-workspace-explorer' });
    }, 150_000);

    test('with an unsaved notebook, Open Server Files of another server asks before reloading this window; Cancel keeps it', async () => {
      const hub = requireHub();
      const api = await pangeoApi();
      const base = await ensureReadyServer(api, hub);
      // A second server, whose folder would be the window's second: that turns a one-folder window into a workspace.
      await api.hubs.sessions.client(base).startAndWait(hub.user, 'vw', {}, { timeoutMs: 60_000 });
      await api.hubs.refresh(base);
      const cell = new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'unsaved = 42', 'python');
      const untitled = await vscode.workspace.openNotebookDocument('jupyter-notebook', new vscode.NotebookData([cell]));
      await vscode.window.showNotebookDocument(untitled);
      const edit = new vscode.WorkspaceEdit();
      edit.set(untitled.uri, [vscode.NotebookEdit.insertCells(1, [new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'more = 1', 'python')])]);
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.ok(untitled.isDirty, 'the untitled notebook has unsaved changes');
      // Naming the unsaved notebook; its buttons are Open in New Window, Save and Add, Cancel.
      const result = await driveCommand(vscode.commands.executeCommand('pangeo.files.openServerFiles', { kind: 'server', base, server: { name: 'vw' } }), async () => {
        await ui({ kind: 'notification', expect: 'to this window reloads it, and unsaved work would be lost (Untitled-', button: 'Cancel' }, 30_000);
      });
      assert.equal(result, undefined);
      // Still this window (the runner is alive), one folder, the notebook open with its changes.
      assert.equal(vscode.workspace.workspaceFolders?.length, 1);
      assert.ok(untitled.isDirty && !untitled.isClosed, 'the unsaved notebook is still open with its changes');
      await vscode.window.showNotebookDocument(untitled);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      const stop = await api.hubs.sessions.client(base).stopServer(hub.user, 'vw');
      if (stop === 'stopping') await api.hubs.sessions.client(base).waitForStop(hub.user, 'vw', 60_000);
    }, 150_000);
  });
}
